/**
 * The `by_cluster_and_root` group expectations of the flux-local corpus that no `get ks` / `get hr` case
 * covers — Kustomization and HelmRelease objects seen in build output, `get cluster -o yaml` listings —
 * as checks; helm-rendered expectations are listed as not applicable. Pure.
 */
import type { CheckKind, FluxLocalCheck, SkippedExpectation } from "./flux-local-checks.ts";
import { hrObjectRow, isRecord, ksObjectRow, ksRow, normalizeRoot, str } from "./flux-local-format.ts";

type Json = Record<string, unknown>;

const GET_CASE = /^test_get_(ks|hr)(_new)?\[/;

export function groupChecks(
  g: Json,
  cases: readonly FluxLocalCheck[],
): { checks: FluxLocalCheck[]; skipped: SkippedExpectation[] } {
  const cluster = str(g.cluster);
  const root = normalizeRoot(str(g.root_path));
  const sources = typeof g.sources === "string" ? g.sources : null;
  const label = `group ${cluster} --path ${root}${sources !== null ? ` --sources ${sources}` : ""}`;
  const checks: FluxLocalCheck[] = [];
  const skipped: SkippedExpectation[] = [];
  const base = {
    cluster,
    root,
    sources,
    legacy: true,
    namespace: null,
    name: null,
    labels: null,
    wide: false,
  };
  const covered = (kind: CheckKind) =>
    cases.some((c) => c.kind === kind && c.root === root && c.sources === sources);
  const fromCase = (from: unknown) => (isRecord(from) ? str(from.case) : "");
  const fromCommand = (from: unknown) => (isRecord(from) ? str(from.command) : "");

  if (Array.isArray(g.kustomization_objects_seen_in_build_output)) {
    checks.push({
      ...base,
      id: `${label}: Kustomization objects in build output`,
      command: fromCommand(g.kustomizations_from),
      kind: "ks-objects",
      expected: g.kustomization_objects_seen_in_build_output
        .filter(isRecord)
        .map((k) => {
          const ref = isRecord(k.sourceRef) ? k.sourceRef : {};
          return ksObjectRow({
            namespace: str(k.namespace),
            name: str(k.name),
            path: str(k.spec_path_raw),
            sourceKind: str(ref.kind),
            sourceName: str(ref.name),
          });
        })
        .sort(),
    });
  } else if (
    Array.isArray(g.kustomizations) &&
    !GET_CASE.test(fromCase(g.kustomizations_from)) &&
    !covered("ks")
  ) {
    const from = isRecord(g.kustomizations_from) ? g.kustomizations_from : {};
    checks.push({
      ...base,
      id: `${label}: ${fromCase(from)} kustomizations`,
      command: str(from.command),
      kind: "ks",
      namespace: typeof from.namespace_filter === "string" ? from.namespace_filter : null,
      expected: g.kustomizations
        .filter(isRecord)
        .map((k) => ksRow({ namespace: str(k.namespace), name: str(k.name), path: str(k.path) }))
        .sort(),
    });
  }

  if (Array.isArray(g.helmrelease_objects_seen_in_build_output)) {
    checks.push({
      ...base,
      id: `${label}: HelmRelease objects in build output`,
      command: fromCommand(g.helmreleases_from),
      kind: "hr-objects",
      expected: g.helmrelease_objects_seen_in_build_output
        .filter(isRecord)
        .map((h) => {
          const spec = isRecord(h.chart) && isRecord(h.chart.spec) ? h.chart.spec : {};
          const ref = isRecord(spec.sourceRef) ? spec.sourceRef : {};
          return hrObjectRow({
            namespace: str(h.namespace),
            name: str(h.name),
            owner: str(h.owner_kustomization),
            chart: str(spec.chart),
            version: str(spec.version),
            source: `${str(ref.kind)}/${str(ref.namespace)}/${str(ref.name)}`,
          });
        })
        .sort(),
    });
  } else if (
    Array.isArray(g.helmreleases) &&
    !GET_CASE.test(fromCase(g.helmreleases_from)) &&
    !covered("hr")
  ) {
    checks.push({
      ...base,
      id: `${label}: ${fromCase(g.helmreleases_from)} helmreleases`,
      command: fromCommand(g.helmreleases_from),
      kind: "hr-chart",
      expected: g.helmreleases
        .filter(isRecord)
        .map((h) => {
          const chart = isRecord(h.chart) ? h.chart : {};
          return hrObjectRow({
            namespace: str(h.namespace),
            name: str(h.name),
            owner: str(h.kustomization),
            chart: str(chart.name),
            version: "",
            source: `${str(chart.repo_kind)}/${str(chart.repo_namespace)}/${str(chart.repo_name)}`,
          });
        })
        .sort(),
    });
  }
  if (isRecord(g.rendered_objects_from_build_hr)) {
    skipped.push({
      id: `${label}: helm-rendered objects`,
      reason: "needs `helm template` (out of scope: no chart rendering)",
    });
  }
  if (
    checks.length === 0 &&
    skipped.length === 0 &&
    typeof g.note === "string" &&
    !Array.isArray(g.kustomizations)
  ) {
    skipped.push({ id: label, reason: `no get expectations (${g.note})` });
  }
  return { checks, skipped };
}
