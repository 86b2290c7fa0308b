/**
 * Turns an engine RepositoryModel into the rows flux-local would print for one check (flux-local-checks.ts),
 * applying the query the command line asked for (namespace filter, NAME, -l, --sources allow-list) and
 * flux-local's table conventions (adjusted or verbatim path, `<hr ns>-<chart>`, `None` revision, chartRef
 * to a HelmChart resolved to that chart). With `fluxLocalView`, legacy commands also drop Kustomizations
 * whose source is not a GitRepository, as flux-local does unless --sources maps them. Pure.
 */
import type { HelmReleaseNode, KustomizationNode, RepositoryModel } from "../../../src/core/index.ts";
import type { FluxLocalCheck } from "./flux-local-checks.ts";
import { hrObjectRow, hrRow, ksObjectRow, ksRow, normalizeRoot } from "./flux-local-format.ts";

export interface SourcesEntry {
  namespace: string | null;
  name: string;
  dir: string | null;
}

/** `--sources a,ns/b=dir`: allow-list entries, optionally mapped to a directory. */
export function parseSources(arg: string): SourcesEntry[] {
  return arg
    .split(",")
    .filter((s) => s !== "")
    .map((entry) => {
      const eq = entry.indexOf("=");
      const ref = eq < 0 ? entry : entry.slice(0, eq);
      const dir = eq < 0 ? null : normalizeRoot(entry.slice(eq + 1));
      const slash = ref.indexOf("/");
      return slash < 0
        ? { namespace: null, name: ref, dir }
        : { namespace: ref.slice(0, slash), name: ref.slice(slash + 1), dir };
    });
}

export function sourceAllowed(
  entries: readonly SourcesEntry[],
  ref: { name: string; namespace: string },
): boolean {
  return entries.some((e) => e.name === ref.name && (e.namespace === null || e.namespace === ref.namespace));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function rawSpec(k: KustomizationNode): Record<string, unknown> {
  return isRecord(k.object.spec) ? k.object.spec : {};
}

function labelsOf(obj: unknown): Record<string, unknown> {
  const meta = isRecord(obj) && isRecord(obj.metadata) ? obj.metadata : {};
  return isRecord(meta.labels) ? meta.labels : {};
}

function matchesLabels(obj: unknown, selector: Record<string, string> | null): boolean {
  if (!selector) return true;
  const labels = labelsOf(obj);
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** The Kustomizations flux-local considers at all for this check. */
export function selectedKustomizations(
  model: RepositoryModel,
  check: FluxLocalCheck,
  fluxLocalView: boolean,
) {
  const allow = check.sources === null ? null : parseSources(check.sources);
  return model.kustomizations.filter((k) => {
    if (allow && !sourceAllowed(allow, k.spec.sourceRef)) return false;
    if (fluxLocalView && check.legacy && k.spec.sourceRef.kind !== "GitRepository") return false;
    return true;
  });
}

/** The HelmChart a chartRef points to, looked up in every rendered object. */
function helmChartFor(
  model: RepositoryModel,
  ref: { namespace: string; name: string },
): Record<string, unknown> | undefined {
  for (const k of model.kustomizations) {
    for (const o of k.build?.objects ?? []) {
      const obj = o.object;
      const meta = isRecord(obj.metadata) ? obj.metadata : {};
      if (obj.kind === "HelmChart" && meta.name === ref.name && (meta.namespace ?? "") === ref.namespace) {
        return isRecord(obj.spec) ? obj.spec : {};
      }
    }
  }
  return undefined;
}

export function hrColumns(
  model: RepositoryModel,
  h: HelmReleaseNode,
): { revision: string; chart: string; source: string } {
  if (h.chart) {
    return {
      revision: h.chart.version ?? "None",
      chart: `${h.namespace}-${h.chart.name}`,
      source: h.chart.sourceRef.name,
    };
  }
  if (h.chartRef?.kind === "HelmChart") {
    const spec = helmChartFor(model, h.chartRef);
    const ref = spec && isRecord(spec.sourceRef) ? spec.sourceRef : {};
    const version = spec && typeof spec.version === "string" ? spec.version : "None";
    const chart = spec && typeof spec.chart === "string" ? spec.chart : h.chartRef.name;
    return {
      revision: version,
      chart: `${h.namespace}-${chart}`,
      source: typeof ref.name === "string" ? ref.name : "",
    };
  }
  if (h.chartRef)
    return { revision: "None", chart: `${h.namespace}-${h.chartRef.name}`, source: h.chartRef.name };
  return { revision: "None", chart: `${h.namespace}-`, source: "" };
}

/** Rows for one check from one model, byte-wise sorted (order is not compared). */
export function rowsFor(model: RepositoryModel, check: FluxLocalCheck, fluxLocalView: boolean): string[] {
  const kss = selectedKustomizations(model, check, fluxLocalView);
  const rows: string[] = [];
  const nsOk = (ns: string) => check.namespace === null || check.namespace === ns;
  const nameOk = (name: string) => check.name === null || check.name === name;
  switch (check.kind) {
    case "ks":
      for (const k of kss) {
        if (!nsOk(k.namespace) || !nameOk(k.name) || !matchesLabels(k.object, check.labels)) continue;
        const raw = rawSpec(k).path;
        const path = check.legacy ? normalizeRoot(k.spec.path) : typeof raw === "string" ? raw : "";
        const wide = check.wide
          ? {
              helmrepos: model.sources.filter((s) => s.kind === "HelmRepository" && s.kustomization === k.key)
                .length,
              ocirepos: model.sources.filter((s) => s.kind === "OCIRepository" && s.kustomization === k.key)
                .length,
              releases: model.helmReleases.filter((h) => h.kustomization === k.key).length,
            }
          : undefined;
        rows.push(ksRow({ namespace: k.namespace, name: k.name, path }, wide));
      }
      break;
    case "ks-objects":
      for (const k of kss) {
        const raw = rawSpec(k).path;
        rows.push(
          ksObjectRow({
            namespace: k.namespace,
            name: k.name,
            path: typeof raw === "string" ? raw : "",
            sourceKind: k.spec.sourceRef.kind,
            sourceName: k.spec.sourceRef.name,
          }),
        );
      }
      break;
    default: {
      const owners = new Set(kss.map((k) => k.key));
      for (const h of model.helmReleases) {
        if (!owners.has(h.kustomization)) continue;
        if (!nsOk(h.namespace) || !nameOk(h.name) || !matchesLabels(h.object, check.labels)) continue;
        if (check.kind === "hr")
          rows.push(hrRow({ namespace: h.namespace, name: h.name, ...hrColumns(model, h) }));
        else {
          const ref = h.chart?.sourceRef;
          rows.push(
            hrObjectRow({
              namespace: h.namespace,
              name: h.name,
              owner: h.kustomization,
              chart: h.chart?.name ?? "",
              version: check.kind === "hr-objects" ? (h.chart?.version ?? "") : "",
              source: ref ? `${ref.kind}/${ref.namespace}/${ref.name}` : "",
            }),
          );
        }
      }
    }
  }
  return rows.sort();
}
