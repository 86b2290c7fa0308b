/**
 * What changed for one HelmRelease between base and head: its chart (chart.spec name/version) or chartRef
 * (the OCIRepository/HelmChart it points at), its effective values leaf by leaf (values from Secrets
 * never shown), the container images those values name, dependsOn and suspend — and why: its own
 * definition, a valuesFrom ConfigMap/Secret whose content changed, or a chart source object that changed.
 *
 * "unchanged" when Helm would see the same release: same definition, same effective values, same chart
 * source objects (a values source that changed without changing the effective values does not count).
 * Dependency chains and presentation are the caller's.
 */
import type { HelmReleaseNode, RepositoryModel, SourceRef } from "../model.ts";
import type { ByteBudget } from "../util/budget.ts";
import {
  changedChartSources,
  chartChange,
  chartNameOf,
  chartRefChange,
  type TextChange,
} from "./helm-chart-source.ts";
import { diffValues } from "./helm-value-diff.ts";
import { type EffectiveValues, effectiveValues, type ValuesSource } from "./helm-values.ts";
import { imagesIn } from "./images.ts";
import { dependsOnChange } from "./kustomization-diff.ts";
import { deepEqual } from "./object-diff.ts";
import type { DependsOnChange, Reason, ValueChange } from "./types.ts";

export interface HelmReleaseSide {
  model: RepositoryModel;
  hr: HelmReleaseNode;
}

export interface HelmReleaseDiff {
  change: "added" | "removed" | "modified" | "unchanged";
  /** chart.spec: version only ("1.2.3" → "1.3.0") when name and source are unchanged, else "name@version". */
  chart?: TextChange;
  /** chartRef: "OCIRepository ns/name 3.5.1" → "OCIRepository ns/name 3.6.0". */
  chartRef?: TextChange;
  /** Changed leaves of the effective values, in path order; opaque values documents first. */
  values: ValueChange[];
  /** Image references only in base (`from`) and only in head (`to`), sorted. */
  images: { from: string[]; to: string[] };
  dependsOnChanged: boolean;
  /** dependsOn targets ("namespace/name") added and removed, when dependsOn changed. */
  dependsOnChange?: DependsOnChange;
  /** The chart's name (head, or base when removed): `app-template`, not its source. */
  chartName?: string;
  suspend?: { from: boolean; to: boolean };
  reasons: Reason[];
}

export function diffHelmRelease(
  base: HelmReleaseSide | undefined,
  head: HelmReleaseSide | undefined,
  /** What reading valuesFrom documents may cost the whole comparison (see effectiveValues). */
  budget?: ByteBudget,
): HelmReleaseDiff {
  if (!base && !head) throw new Error("diffHelmRelease needs a base or a head HelmRelease");
  const bv = base ? effectiveValues(base.model, base.hr, budget) : undefined;
  const hv = head ? effectiveValues(head.model, head.hr, budget) : undefined;
  const secretPaths = new Set([...(bv?.secretPaths ?? []), ...(hv?.secretPaths ?? [])]);
  const values = [
    ...opaqueChanges(bv?.sources ?? [], hv?.sources ?? []),
    ...diffValues(bv?.values, hv?.values, secretPaths),
  ];
  const baseImages = bv ? imagesIn(bv.values) : [];
  const headImages = hv ? imagesIn(hv.values) : [];
  const out: HelmReleaseDiff = {
    change: !base ? "added" : !head ? "removed" : "unchanged",
    values,
    images: {
      from: baseImages.filter((i) => !headImages.includes(i)),
      to: headImages.filter((i) => !baseImages.includes(i)),
    },
    dependsOnChanged: !!base && !!head && !sameDependsOn(base.hr, head.hr),
    reasons: [],
  };
  const deps = base && head ? dependsOnChange(base.hr.dependsOn, head.hr.dependsOn) : undefined;
  if (deps) out.dependsOnChange = deps;
  const named = head ?? base!;
  const chartName = chartNameOf(named.model, named.hr);
  if (chartName !== undefined) out.chartName = chartName;
  const chart = chartChange(base?.hr.chart, head?.hr.chart);
  if (chart) out.chart = chart;
  const chartRef = chartRefChange(
    base && { model: base.model, ref: base.hr.chartRef },
    head && { model: head.model, ref: head.hr.chartRef },
  );
  if (chartRef) out.chartRef = chartRef;
  if (base && head && base.hr.suspend !== head.hr.suspend)
    out.suspend = { from: base.hr.suspend, to: head.hr.suspend };

  if (!base) out.reasons.push({ kind: "parent", parent: head!.hr.kustomization });
  if (!head) out.reasons.push({ kind: "removed-from-parent", parent: base!.hr.kustomization });
  if (!base || !head) return out;

  const fields = definitionFields(base.hr, head.hr);
  if (base.hr.kustomization !== head.hr.kustomization)
    out.reasons.push({ kind: "parent", parent: head.hr.kustomization });
  if (fields.length > 0 && head.hr.definedIn)
    out.reasons.push({ kind: "definition", file: head.hr.definedIn.file, fields });
  const valuesSourceTexts = changedValuesSources(bv!, hv!).map(
    (s) => `${s.kind} ${head.hr.namespace}/${s.name}`,
  );
  for (const source of new Set(valuesSourceTexts)) out.reasons.push({ kind: "values-source", source });
  const sources = changedChartSources(
    { model: base.model, refs: chartRefsOf(base.hr) },
    { model: head.model, refs: chartRefsOf(head.hr) },
  );
  for (const source of sources) out.reasons.push({ kind: "chart-source", source });

  const modified =
    fields.length > 0 ||
    values.length > 0 ||
    sources.length > 0 ||
    chart !== undefined ||
    chartRef !== undefined ||
    base.hr.kustomization !== head.hr.kustomization;
  if (modified) out.change = "modified";
  else out.reasons = [];
  return out;
}

/** Top-level spec fields, metadata labels/annotations and apiVersion that differ between the two objects. */
function definitionFields(base: HelmReleaseNode, head: HelmReleaseNode): string[] {
  const a = (base.object.spec ?? {}) as Record<string, unknown>;
  const b = (head.object.spec ?? {}) as Record<string, unknown>;
  const out = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((f) => !deepEqual(a[f], b[f]))
    .sort();
  const ma = (base.object.metadata ?? {}) as Record<string, unknown>;
  const mb = (head.object.metadata ?? {}) as Record<string, unknown>;
  for (const m of ["labels", "annotations"]) if (!deepEqual(ma[m], mb[m])) out.push(`metadata.${m}`);
  if (base.object.apiVersion !== head.object.apiVersion) out.push("apiVersion");
  if (out.length === 0 && !deepEqual(base.object, head.object)) out.push("metadata");
  return out;
}

function sameDependsOn(a: HelmReleaseNode, b: HelmReleaseNode): boolean {
  const keys = (h: HelmReleaseNode) =>
    [...new Set(h.dependsOn.map((d) => `${d.namespace}/${d.name}`))].sort();
  return deepEqual(keys(a), keys(b));
}

function chartRefsOf(hr: HelmReleaseNode): SourceRef[] {
  const refs: SourceRef[] = [];
  if (hr.chart) refs.push(hr.chart.sourceRef);
  if (hr.chartRef) refs.push(hr.chartRef);
  return refs;
}

/**
 * Head references whose content differs from every base reference of the same kind, key and targetPath.
 * The name may differ when the content is the same (a generated ConfigMap renamed by its hash suffix).
 * A reference that resolves to nothing counts only when it resolved in base (the object went away).
 */
function changedValuesSources(base: EffectiveValues, head: EffectiveValues): ValuesSource[] {
  const wasFound = (h: ValuesSource) =>
    base.sources.some((b) => b.found && b.kind === h.kind && b.name === h.name && b.key === h.key);
  return head.sources.filter(
    (h) =>
      (h.found || wasFound(h)) &&
      !base.sources.some(
        (b) =>
          b.kind === h.kind &&
          b.key === h.key &&
          b.targetPath === h.targetPath &&
          b.found === h.found &&
          b.fingerprint === h.fingerprint &&
          (b.name === h.name || b.fingerprint !== undefined),
      ),
  );
}

/**
 * Opaque values documents (no targetPath: SOPS-encrypted, or a Secret created in the cluster) cannot be
 * compared leaf by leaf; each one whose fingerprint changed is one secret change at a pseudo path
 * "<Kind name: key>".
 */
function opaqueChanges(base: ValuesSource[], head: ValuesSource[]): ValueChange[] {
  const index = (list: ValuesSource[]) => {
    const m = new Map<string, string>();
    for (const s of list)
      if (s.opaque && s.targetPath === undefined)
        m.set(`<${s.kind} ${s.name}: ${s.key}>`, s.fingerprint ?? "");
    return m;
  };
  const a = index(base);
  const b = index(head);
  const out: ValueChange[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const from = a.get(path);
    const to = b.get(path);
    if (from === to) continue;
    out.push({
      path,
      change: from === undefined ? "added" : to === undefined ? "removed" : "modified",
      secret: true,
    });
  }
  return out;
}
