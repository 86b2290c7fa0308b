/**
 * Where a HelmRelease's chart comes from, as text for people, and whether that source changed:
 * `chart.spec` is "name@version" (version only when name and source are unchanged); a `chartRef` is
 * described by the object it points at — an OCIRepository by its ref (digest, else "semver <range>", else
 * tag, else "latest"; the url is added when it changed), a HelmChart by "chart@version". A source object
 * (HelmRepository url, OCIRepository tag, …) that changed between revisions is a chart-source change.
 * Looks objects up in the model's sources, then in the rendered objects. Does not read chart files.
 */
import { getName, getNamespace, isJsonObject, type JsonObject } from "../kustomize/resource.ts";
import type { HelmChartSpec, RepositoryModel, SourceRef } from "../model.ts";
import { deepEqual } from "./object-diff.ts";

export interface TextChange {
  from?: string;
  to?: string;
}

type ModelView = Pick<RepositoryModel, "sources" | "kustomizations">;

export function findSourceObject(model: ModelView, ref: SourceRef): JsonObject | undefined {
  const node = model.sources.find(
    (s) => s.kind === ref.kind && s.namespace === ref.namespace && s.name === ref.name,
  );
  if (node) return node.object;
  for (const ks of model.kustomizations) {
    for (const o of ks.build?.objects ?? []) {
      const obj = o.object;
      if (
        obj.kind === ref.kind &&
        typeof obj.apiVersion === "string" &&
        obj.apiVersion.startsWith("source.toolkit.fluxcd.io/") &&
        getName(obj) === ref.name &&
        getNamespace(obj) === ref.namespace
      )
        return obj;
    }
  }
  return undefined;
}

/**
 * findSourceObject for many lookups in one model: its sources indexed once (first wins, as `find`), the
 * rare reference no source node has searched for in the builds as findSourceObject does.
 */
export function sourceFinder(model: ModelView): (ref: SourceRef) => JsonObject | undefined {
  const index = new Map<string, JsonObject | undefined>();
  for (const s of model.sources) {
    const key = `${s.kind}/${s.namespace}/${s.name}`;
    if (!index.has(key)) index.set(key, s.object);
  }
  return (ref) => {
    const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
    if (!index.has(key)) index.set(key, findSourceObject(model, ref));
    return index.get(key);
  };
}

export function refText(ref: SourceRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

function sameRef(a: SourceRef, b: SourceRef): boolean {
  return a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
}

export function chartChange(
  base: HelmChartSpec | null | undefined,
  head: HelmChartSpec | null | undefined,
): TextChange | undefined {
  if (!base && !head) return undefined;
  if (base && head && base.name === head.name && sameRef(base.sourceRef, head.sourceRef)) {
    if (base.version === head.version) return undefined;
    return { from: base.version ?? "*", to: head.version ?? "*" };
  }
  const withSource = !!base && !!head && !sameRef(base.sourceRef, head.sourceRef);
  const text = (c: HelmChartSpec) =>
    `${c.name}${c.version !== undefined ? `@${c.version}` : ""}${withSource ? ` (${refText(c.sourceRef)})` : ""}`;
  const out: TextChange = {};
  if (base) out.from = text(base);
  if (head) out.to = text(head);
  return out;
}

export function chartRefChange(
  base: { model: ModelView; ref: SourceRef | null } | undefined,
  head: { model: ModelView; ref: SourceRef | null } | undefined,
): TextChange | undefined {
  const b = base?.ref ? { ref: base.ref, obj: findSourceObject(base.model, base.ref) } : undefined;
  const h = head?.ref ? { ref: head.ref, obj: findSourceObject(head.model, head.ref) } : undefined;
  if (!b && !h) return undefined;
  const urlChanged = !!b?.obj && !!h?.obj && specString(b.obj, "url") !== specString(h.obj, "url");
  const text = (x: { ref: SourceRef; obj: JsonObject | undefined }) => {
    const url = urlChanged ? specString(x.obj!, "url") : undefined;
    return `${describeRef(x.ref, x.obj)}${url !== undefined ? ` (${url})` : ""}`;
  };
  const out: TextChange = {};
  if (b) out.from = text(b);
  if (h) out.to = text(h);
  return out.from === out.to ? undefined : out;
}

/**
 * The chart's name, whatever its source: `spec.chart.spec.chart`, or for a chartRef the chart its object
 * points at — a HelmChart's `spec.chart`, an OCIRepository's url last path segment
 * (`oci://ghcr.io/bjw-s/helm/app-template` → `app-template`). Undefined when the object is not found.
 */
export function chartNameOf(
  model: ModelView,
  hr: { chart: HelmChartSpec | null; chartRef: SourceRef | null },
): string | undefined {
  if (hr.chart) return nonEmpty(hr.chart.name);
  if (!hr.chartRef) return undefined;
  const obj = findSourceObject(model, hr.chartRef);
  if (!obj) return undefined;
  if (hr.chartRef.kind === "HelmChart") return specString(obj, "chart");
  if (hr.chartRef.kind === "OCIRepository") {
    const url = specString(obj, "url");
    return url === undefined ? undefined : ociChartName(url);
  }
  return undefined;
}

/** The last path segment of an OCI url, without a tag or digest: `oci://host/a/app:1.0` → `app`. */
export function ociChartName(url: string): string | undefined {
  const path = url.replace(/^[a-z]+:\/\//i, "").replace(/\/+$/, "");
  const last = path.slice(path.lastIndexOf("/") + 1).split("@")[0]!;
  const colon = last.indexOf(":");
  return nonEmpty(colon >= 0 ? last.slice(0, colon) : last);
}

function describeRef(ref: SourceRef, obj: JsonObject | undefined): string {
  const name = refText(ref);
  if (!obj) return `${name} (not found)`;
  const spec = isJsonObject(obj.spec) ? obj.spec : {};
  if (ref.kind === "OCIRepository") {
    const r = isJsonObject(spec.ref) ? spec.ref : {};
    const digest = nonEmpty(r.digest);
    const semver = nonEmpty(r.semver);
    const tag = nonEmpty(r.tag);
    return `${name} ${digest ?? (semver !== undefined ? `semver ${semver}` : (tag ?? "latest"))}`;
  }
  if (ref.kind === "HelmChart") {
    const chart = nonEmpty(spec.chart) ?? "?";
    return `${name} ${chart}@${nonEmpty(spec.version) ?? "*"}`;
  }
  return name;
}

/**
 * The source objects behind the chart ("Kind ns/name") whose spec differs between the revisions, for
 * references that are the same in both (a changed reference is a definition change). A HelmChart's own
 * source is followed one level.
 */
export function changedChartSources(
  base: { model: ModelView; refs: SourceRef[] },
  head: { model: ModelView; refs: SourceRef[] },
): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (ref: SourceRef, depth: number) => {
    const key = refText(ref);
    if (seen.has(key)) return;
    seen.add(key);
    const a = findSourceObject(base.model, ref);
    const b = findSourceObject(head.model, ref);
    if (!deepEqual(a?.spec, b?.spec)) out.push(key);
    const nested = b
      ? helmChartSourceRef(b, ref.namespace)
      : a
        ? helmChartSourceRef(a, ref.namespace)
        : undefined;
    if (depth === 0 && nested) visit(nested, 1);
  };
  for (const h of head.refs) if (base.refs.some((b) => sameRef(b, h))) visit(h, 0);
  return out;
}

function helmChartSourceRef(obj: JsonObject, namespace: string): SourceRef | undefined {
  if (obj.kind !== "HelmChart" || !isJsonObject(obj.spec) || !isJsonObject(obj.spec.sourceRef))
    return undefined;
  const kind = nonEmpty(obj.spec.sourceRef.kind);
  const name = nonEmpty(obj.spec.sourceRef.name);
  return kind && name ? { kind, name, namespace } : undefined;
}

function specString(obj: JsonObject, field: string): string | undefined {
  return isJsonObject(obj.spec) ? nonEmpty(obj.spec[field]) : undefined;
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
