/**
 * analyzeChange(): the impact of a change, from the analyzed base and head revisions and the changed
 * files. Steps:
 *   1. diff every Flux Kustomization (definition, output, reasons); keep those that changed;
 *   2. diff every HelmRelease (chart, chartRef, effective values, images, dependsOn, suspend);
 *   3. dependsOn chains and the affected subgraph (head graph; base graph for removed objects);
 *   4. what Flux will do: deletions/orphans, disabled services, suspend flips;
 *   5. findings in head, introduced vs already on base.
 */
import type { AnalyzedRepository, ClusterModel } from "../analyze.ts";
import { analysisFailed, type Diagnostic, diagnostic } from "../diagnostics.ts";
import { buildDependencyGraph } from "../graph/dependency-graph.ts";
import { sourceExists } from "../graph/references.ts";
import { readMetadata } from "../helm/chart.ts";
import { chartLocation } from "../helm/helm-release.ts";
import type { HelmReleaseNode, KustomizationNode, SourceRef } from "../model.ts";
import { ByteBudget, MiB } from "../util/budget.ts";
import { chainsFor, impactGraph } from "./chains.ts";
import { renamesOf, splitFindings } from "./findings.ts";
import { deletions, disabledServices, suspendFlips } from "./flux-actions.ts";
import { chartNameOf, sourceFinder } from "./helm-chart-source.ts";
import { diffHelmRelease } from "./helm-release-diff.ts";
import { findRenderedObject } from "./helm-values-source.ts";
import { diffKustomization } from "./kustomization-diff.ts";
import { deepEqual, type StripOptions } from "./object-diff.ts";
import type {
  ChangedFile,
  DisabledService,
  HelmReleaseImpact,
  ImpactReport,
  KustomizationImpact,
  NotAnalyzed,
  Reason,
} from "./types.ts";

type SourceFinder = ReturnType<typeof sourceFinder>;

/**
 * Fast path: the HelmRelease object, the ConfigMaps/Secrets it takes values from and its chart source
 * are all identical, so nothing about the release can have changed. Anything not found on both sides
 * (a Secret created in the cluster, a missing source) takes the full comparison.
 */
function helmReleaseInputsEqual(
  base: AnalyzedRepository,
  b: HelmReleaseNode,
  head: AnalyzedRepository,
  h: HelmReleaseNode,
  sources: { base: SourceFinder; head: SourceFinder },
): boolean {
  if (!deepEqual(b.object, h.object)) return false;
  for (const v of h.valuesFrom) {
    const before = findRenderedObject(base, v.kind, b.namespace, v.name);
    const after = findRenderedObject(head, v.kind, h.namespace, v.name);
    if (!before || !after || !deepEqual(before, after)) return false;
  }
  const ref = h.chart?.sourceRef ?? h.chartRef;
  if (ref) {
    const before = sources.base(ref);
    const after = sources.head(ref);
    if (!deepEqual(before, after)) return false;
  }
  return true;
}

/**
 * What reading valuesFrom documents may cost the comparison of one cluster's HelmReleases: far above any
 * real repository (values files are kilobytes), far below what a thousand HelmReleases reading one 1 MB
 * ConfigMap would parse.
 */
const VALUES_BYTES = 64 * MiB;

/** Objects left waiting for a disabled service: drawn in the graph with their broken dependsOn. */
function strandedBy(disabled: ReturnType<typeof disabledServices>): {
  kustomizations: string[];
  helmReleases: string[];
} {
  const all = disabled.flatMap((d) => d.strandedDependents);
  const keys = (kind: string) =>
    all.filter((s) => s.startsWith(`${kind} `)).map((s) => s.slice(kind.length + 1));
  return { kustomizations: keys("Kustomization"), helmReleases: keys("HelmRelease") };
}

export interface ChangeOptions {
  /** Volatile labels/annotations left out of object comparisons (configuration `diff`). */
  strip?: StripOptions;
  /**
   * Where an exception while comparing one object goes, as an analysis-failed finding (the object is then
   * reported as unknown, the rest of the comparison goes on). The caller adds them to the findings.
   */
  failures?: Diagnostic[];
  /**
   * The files of base and head (UTF-8 text, or undefined): for HelmReleases whose chart is a folder of the
   * repository, whose version the comparison reads from Chart.yaml.
   */
  readText?: { base: (path: string) => string | undefined; head: (path: string) => string | undefined };
}

/**
 * The change a HelmRelease's chart folder in this repository makes, as helm-controller sees it: with
 * reconcileStrategy ChartVersion (the default) a new chart only when Chart.yaml's version changes — files
 * changed without it are a finding, since Flux installs nothing new; with Revision, any changed file.
 */
function localChartChange(
  base: AnalyzedRepository,
  b: HelmReleaseNode | undefined,
  head: AnalyzedRepository,
  h: HelmReleaseNode | undefined,
  changedFiles: readonly ChangedFile[],
  options: ChangeOptions,
): { reasons: Reason[]; chart?: { from?: string; to?: string }; notBumped?: string[] } | undefined {
  if (!b || !h) return undefined;
  // Only a chart.spec from a GitRepository can be a folder of this repository (chartLocation); asked for
  // every HelmRelease of the change, the locations would be looked up for nothing (690 on the 10× repository).
  if (
    b.chartRef ||
    h.chartRef ||
    b.chart?.sourceRef.kind !== "GitRepository" ||
    h.chart?.sourceRef.kind !== "GitRepository"
  )
    return undefined;
  const bl = chartLocation(base, b);
  const hl = chartLocation(head, h);
  if (bl.type !== "repository" || hl.type !== "repository" || bl.path !== hl.path) return undefined;
  const prefix = hl.path === "" ? "" : `${hl.path}/`;
  const touched = changedFiles.filter(
    (c) => c.path.startsWith(prefix) || c.previousPath?.startsWith(prefix) === true,
  );
  if (touched.length === 0) return undefined;
  const spec = h.object.spec as { chart?: { spec?: { reconcileStrategy?: unknown } } } | undefined;
  const strategy = spec?.chart?.spec?.reconcileStrategy === "Revision" ? "Revision" : "ChartVersion";
  const versionOf = (read: ((path: string) => string | undefined) | undefined) => {
    const text = read?.(`${prefix}Chart.yaml`);
    if (text === undefined) return undefined;
    try {
      return readMetadata(text, `${prefix}Chart.yaml`).version || undefined;
    } catch {
      return undefined; // a Chart.yaml that does not parse: its version is unknown
    }
  };
  const from = versionOf(options.readText?.base);
  const to = versionOf(options.readText?.head);
  const files: Reason[] = touched.map((c) => ({ kind: "file", file: c.path, status: c.status }));
  const chart = { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
  if (strategy === "Revision") return { reasons: files, ...(from !== to ? { chart } : {}) };
  if (from !== undefined && to !== undefined && from === to)
    return { reasons: [], notBumped: touched.map((c) => c.path) };
  return {
    reasons: [{ kind: "chart-source", source: `chart folder ${hl.path}/` }],
    chart,
  };
}

/**
 * The impact over every cluster: each cluster of base is compared with the cluster of the same name at
 * head (a cluster on one side only is compared with nothing), and the reports are merged with each item
 * naming its cluster. A changed file is "read by nothing" only when no cluster reads it.
 */
export function analyzeChange(
  base: AnalyzedRepository,
  head: AnalyzedRepository,
  changedFiles: readonly ChangedFile[],
  options: ChangeOptions = {},
): ImpactReport {
  const names = [...new Set([...head.clusters.map((c) => c.name), ...base.clusters.map((c) => c.name)])];
  const informational = (d: { code: string }) => d.code !== "flux-entrypoint";
  const findings = splitFindings(
    base.diagnostics.filter(informational),
    head.diagnostics.filter(informational),
    renamesOf(changedFiles),
  );
  if (names.length <= 1 && base.clusters.length <= 1 && head.clusters.length <= 1) {
    const name = names[0] ?? "";
    const b = base.clusters[0] ?? emptyCluster(name);
    const h = head.clusters[0] ?? emptyCluster(name);
    const report = analyzeClusterChange(asRepository(b), asRepository(h), changedFiles, options);
    tagCluster(report, name);
    return {
      ...report,
      clusters: names,
      notAnalyzed: [...notAnalyzedOf([h, b]), ...(report.notAnalyzed ?? [])],
      findings,
    };
  }
  const reports = names.map((name) => {
    const b = base.clusters.find((c) => c.name === name) ?? emptyCluster(name);
    const h = head.clusters.find((c) => c.name === name) ?? emptyCluster(name);
    const r = analyzeClusterChange(asRepository(b), asRepository(h), changedFiles, options);
    tagCluster(r, name);
    return r;
  });
  const unowned = reports.map((r) => new Set(r.unownedFiles));
  const disabled = new Map<string, DisabledService>();
  for (const d of reports.flatMap((r) => r.disabledServices)) {
    const seen = disabled.get(d.file);
    if (!seen) disabled.set(d.file, { ...d });
    else {
      seen.kustomizations = [...new Set([...seen.kustomizations, ...d.kustomizations])];
      seen.helmReleases = [...new Set([...seen.helmReleases, ...d.helmReleases])];
      seen.objectCount += d.objectCount;
      seen.strandedDependents = [...new Set([...seen.strandedDependents, ...d.strandedDependents])].sort();
    }
  }
  return {
    clusters: names,
    notAnalyzed: [
      ...notAnalyzedOf([...head.clusters, ...base.clusters]),
      ...reports.flatMap((r) => r.notAnalyzed ?? []),
    ],
    changedFiles: [...changedFiles],
    kustomizations: reports.flatMap((r) => r.kustomizations),
    helmReleases: reports.flatMap((r) => r.helmReleases),
    deletions: reports.flatMap((r) => r.deletions),
    disabledServices: [...disabled.values()],
    suspendFlips: reports.flatMap((r) => r.suspendFlips),
    touchedUnchanged: reports.flatMap((r, i) => r.touchedUnchanged.map((k) => `${names[i]}: ${k}`)),
    unownedFiles: changedFiles.map((c) => c.path).filter((p) => unowned.every((u) => u.has(p))),
    findings,
    graph: {
      nodes: reports.flatMap((r, i) =>
        r.graph.nodes.map((n) => ({ ...n, id: `${names[i]}:${n.id}`, cluster: names[i]! })),
      ),
      edges: reports.flatMap((r, i) =>
        r.graph.edges.map((e) => ({ ...e, from: `${names[i]}:${e.from}`, to: `${names[i]}:${e.to}` })),
      ),
    },
  };
}

function emptyCluster(name: string): ClusterModel {
  const graph = buildDependencyGraph([]);
  return {
    name,
    flux: { strictSubstitution: true, reason: "", assumed: true },
    entrypoints: [],
    kustomizations: [],
    helmReleases: [],
    sources: [],
    otherFluxObjects: [],
    diagnostics: [],
    graphs: { kustomizations: graph, helmReleases: graph },
  };
}

function asRepository(c: ClusterModel): AnalyzedRepository {
  return { ...c, clusters: [c] };
}

function tagCluster(r: ImpactReport, name: string): void {
  for (const n of r.notAnalyzed ?? []) n.cluster = name;
  for (const k of r.kustomizations) k.cluster = name;
  for (const h of r.helmReleases) h.cluster = name;
  for (const d of r.deletions) d.cluster = name;
  for (const f of r.suspendFlips) f.cluster = name;
}

/** Kustomizations not analyzed (their source is not this repository), each named once per cluster. */
function notAnalyzedOf(clusters: readonly ClusterModel[]): NotAnalyzed[] {
  const out = new Map<string, NotAnalyzed>();
  for (const c of clusters) {
    for (const k of c.kustomizations) {
      if (k.status !== "external" || out.has(`${c.name}\u0000${k.key}`)) continue;
      const d = c.diagnostics.find(
        (x) => x.code === "flux-source-external" && x.ref === `Kustomization ${k.key}`,
      );
      const reason = d
        ? d.message.replace(/^.*? is not analyzed: /, "").replace(/\. Its contents .*$/, "")
        : "";
      out.set(`${c.name}\u0000${k.key}`, { cluster: c.name, key: k.key, source: k.source ?? "", reason });
    }
  }
  return [...out.values()];
}

/**
 * Why Flux applies nothing from a Kustomization at head, or undefined when it can be applied: its build
 * fails (kustomize, post-build substitution), its path does not exist, or its object is invalid.
 */
function blockedReason(k: KustomizationNode, exists: (ref: SourceRef) => boolean): string | undefined {
  const until = (why: string) => `Flux applies nothing from Kustomization ${k.key} until ${why}`;
  const src = k.spec.sourceRef;
  if (k.status !== "invalid" && !exists(src))
    return until(`${src.kind} ${src.namespace}/${src.name} exists (nothing in the repository defines it)`);
  if (k.status === "path-not-found") return until(`its spec.path "${k.spec.path}" exists`);
  if (k.status === "invalid") return until("its definition is valid");
  if (k.build?.failed) {
    const first = k.build.diagnostics.find((d) => d.severity === "error");
    return until(
      `its build succeeds${first ? ` (${first.code}${first.file ? ` in ${first.file}` : ""})` : ""}`,
    );
  }
  return undefined;
}

/**
 * What cannot be compared because the engine could not analyze one side: Kustomizations unknown on
 * either side (the engine failed on them or stopped at a limit), and everything beneath them (their
 * children and HelmReleases, present on one side only because the other side's parent has no output).
 * A revision the engine could not analyze at all leaves nothing comparable.
 */
function unknownScope(base: AnalyzedRepository, head: AnalyzedRepository) {
  const whole = [...base.kustomizations, ...head.kustomizations].some(
    (k) => k.status === "unknown" && k.key === "(repository)",
  );
  const unknownKeys = new Set(
    [...base.kustomizations, ...head.kustomizations].filter((k) => k.status === "unknown").map((k) => k.key),
  );
  const parents = [
    new Map(base.kustomizations.map((k) => [k.key, k.parent])),
    new Map(head.kustomizations.map((k) => [k.key, k.parent])),
  ];
  /** True when the key or an ancestor (on either side) is unknown. */
  const beneath = (key: string | null | undefined): boolean => {
    if (whole) return true;
    if (unknownKeys.size === 0) return false;
    for (const parentOf of parents) {
      const seen = new Set<string>();
      for (let k = key; k && !seen.has(k); k = parentOf.get(k) ?? null) {
        if (unknownKeys.has(k)) return true;
        seen.add(k);
      }
    }
    return false;
  };
  return { whole, unknownKeys, beneath };
}

/** Kustomizations this comparison cannot see into because one side is unknown (see unknownScope). */
function unknownNotAnalyzed(base: AnalyzedRepository, head: AnalyzedRepository): NotAnalyzed[] {
  const headKs = new Map(head.kustomizations.map((k) => [k.key, k]));
  const out = new Map<string, NotAnalyzed>();
  for (const k of head.kustomizations) {
    if (k.status !== "unknown") continue;
    out.set(k.key, { cluster: k.cluster, key: k.key, source: "", reason: k.build?.unknown ?? "unknown" });
  }
  for (const k of base.kustomizations) {
    if (k.status !== "unknown" || out.has(k.key)) continue;
    // Unknown at base only: what the change does to it cannot be compared either.
    const reason = `at the base revision, ${k.build?.unknown ?? "unknown"}${headKs.has(k.key) ? "" : " (and it is gone at head)"}`;
    out.set(k.key, { cluster: k.cluster, key: k.key, source: "", reason });
  }
  return [...out.values()];
}

/** fn(), or `fallback` with an analysis-failed finding when it throws. */
function guarded<T>(options: ChangeOptions, doing: string, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (error) {
    options.failures?.push(analysisFailed(doing, error, {}, "what it changes is unknown"));
    return fallback;
  }
}

function analyzeClusterChange(
  base: AnalyzedRepository,
  head: AnalyzedRepository,
  changedFiles: readonly ChangedFile[],
  options: ChangeOptions = {},
): ImpactReport {
  const scope = unknownScope(base, head);
  const notAnalyzed = unknownNotAnalyzed(base, head);
  // 1. Kustomizations.
  const baseKs = new Map(base.kustomizations.map((k) => [k.key, k]));
  const headKs = new Map(head.kustomizations.map((k) => [k.key, k]));
  const kustomizations: KustomizationImpact[] = [];
  const touchedUnchanged: string[] = [];
  for (const key of [...new Set([...baseKs.keys(), ...headKs.keys()])].sort()) {
    if (scope.beneath(key)) continue;
    const b = baseKs.get(key);
    const h = headKs.get(key);
    try {
      const delta = diffKustomization(b, h, changedFiles, options.strip);
      if (!delta.changed) {
        if (delta.touched) touchedUnchanged.push(key);
        continue;
      }
      const { touched: _t, changed: _c, ...rest } = delta;
      const graph = h ? head.graphs.kustomizations : base.graphs.kustomizations;
      kustomizations.push({ ...rest, ...chainsFor(graph, key) });
    } catch (error) {
      const node = (h ?? b)!;
      options.failures?.push(
        analysisFailed(
          `comparing Kustomization ${key}`,
          error,
          { ...(node.definedIn ?? {}), ref: `Kustomization ${key}` },
          "what it changes is unknown",
        ),
      );
      notAnalyzed.push({
        cluster: node.cluster,
        key,
        source: "",
        reason: "the engine failed while comparing it",
      });
    }
  }

  // 2. HelmReleases.
  const valuesBudget = new ByteBudget(VALUES_BYTES);
  const baseHr = new Map(base.helmReleases.map((h) => [h.key, h]));
  const headHr = new Map(head.helmReleases.map((h) => [h.key, h]));
  const helmReleases: HelmReleaseImpact[] = [];
  const sources = { base: sourceFinder(base), head: sourceFinder(head) };
  for (const key of [...new Set([...baseHr.keys(), ...headHr.keys()])].sort()) {
    const b = baseHr.get(key);
    const h = headHr.get(key);
    if ((b && scope.beneath(b.kustomization)) || (h && scope.beneath(h.kustomization))) continue;
    const node = (h ?? b)!;
    const graph = h ? head.graphs.helmReleases : base.graphs.helmReleases;
    try {
      const local = localChartChange(base, b, head, h, changedFiles, options);
      if (local?.notBumped && h) {
        options.failures?.push(
          diagnostic(
            "helm-chart-version-not-bumped",
            `The chart of HelmRelease ${key} changed (${local.notBumped.slice(0, 3).join(", ")}${local.notBumped.length > 3 ? " …" : ""}) but its Chart.yaml version did not: with reconcileStrategy ChartVersion (the default) Flux builds no new chart and installs nothing of this change. Bump the version, or set reconcileStrategy: Revision.`,
            { ...(h.definedIn ?? {}), ref: `HelmRelease/${key}` },
          ),
        );
      }
      const localChanged = local !== undefined && local.reasons.length > 0;
      if (b && h && !localChanged && helmReleaseInputsEqual(base, b, head, h, sources)) continue;
      const d = diffHelmRelease(
        b ? { model: base, hr: b } : undefined,
        h ? { model: head, hr: h } : undefined,
        valuesBudget,
      );
      if (localChanged) {
        if (d.change === "unchanged") {
          d.change = "modified";
          d.reasons = [];
        }
        d.reasons.push(...local.reasons);
        if (local.chart && !d.chart) d.chart = local.chart;
      }
      if (d.change === "unchanged") continue;
      const impact: HelmReleaseImpact = {
        namespace: node.namespace,
        name: node.name,
        key,
        change: d.change,
        kustomization: node.kustomization,
        reasons: d.reasons,
        values: d.values,
        images: d.images,
        dependsOnChanged: d.dependsOnChanged,
        ...chainsFor(graph, key),
      };
      if (d.chartName !== undefined) impact.chartName = d.chartName;
      if (d.dependsOnChange) impact.dependsOnChange = d.dependsOnChange;
      if (d.chart) impact.chart = d.chart;
      if (d.chartRef) impact.chartRef = d.chartRef;
      if (d.suspend) impact.suspend = d.suspend;
      if (node.definedIn) impact.definedIn = node.definedIn;
      helmReleases.push(impact);
    } catch (error) {
      // One HelmRelease whose values the engine cannot work out costs only itself: shown as affected, its
      // change unknown, with a finding on its file.
      options.failures?.push(
        analysisFailed(
          `comparing the values of HelmRelease ${key}`,
          error,
          { ...(node.definedIn ?? {}), ref: `HelmRelease ${key}` },
          "what it changes is unknown",
        ),
      );
      const impact: HelmReleaseImpact = {
        namespace: node.namespace,
        name: node.name,
        key,
        change: !b ? "added" : !h ? "removed" : "modified",
        kustomization: node.kustomization,
        reasons: [],
        values: [],
        images: { from: [], to: [] },
        dependsOnChanged: false,
        ...guarded(options, `following the dependsOn of HelmRelease ${key}`, () => chainsFor(graph, key), {
          dependents: [],
          upstream: [],
          missingDependencies: [],
          inCycle: false,
        }),
        blocked: "what it changes is unknown: the engine failed while comparing its values",
      };
      const chartName = guarded(
        options,
        `finding the chart of HelmRelease ${key}`,
        () => chartNameOf(h ? head : base, node),
        undefined,
      );
      if (chartName !== undefined) impact.chartName = chartName;
      if (node.definedIn) impact.definedIn = node.definedIn;
      helmReleases.push(impact);
    }
  }

  // A HelmRelease whose object changed although its file did not was rendered differently by its parent
  // (post-build variables, parent patches): name that cause, not an edit of the file.
  const changedPaths = new Set(changedFiles.map((c) => c.path));
  const ksByKey = new Map(kustomizations.map((k) => [k.key, k]));
  for (const hr of helmReleases) {
    hr.reasons = hr.reasons.flatMap((r) => {
      if (r.kind !== "definition" || changedPaths.has(r.file)) return [r];
      const parentVars = ksByKey.get(hr.kustomization)?.reasons.find((x) => x.kind === "variables");
      return [parentVars ?? { kind: "parent", parent: hr.kustomization }];
    });
  }

  // 3–5.
  const disabled = scope.whole
    ? []
    : guarded(options, "finding disabled services", () => disabledServices(changedFiles, base, head), []);
  for (const service of disabled) {
    for (const k of kustomizations) {
      if (service.kustomizations.includes(k.key)) k.reasons.unshift({ kind: "disabled", file: service.file });
    }
  }
  // A removed object whose own file went away (deleted, or renamed out of its parent's reach): name the
  // file it was defined in at base, not whatever the change left at head.
  for (const impact of [...kustomizations, ...helmReleases]) {
    const file = impact.change === "removed" ? impact.definedIn?.file : undefined;
    if (file === undefined || impact.reasons.some((r) => r.kind === "disabled")) continue;
    const gone = changedFiles.find(
      (c) => (c.status === "removed" && c.path === file) || c.previousPath === file,
    );
    if (!gone) continue;
    impact.reasons = impact.reasons.map((r) =>
      r.kind === "removed-from-parent"
        ? { ...r, file, ...(gone.previousPath === file ? { renamedTo: gone.path } : {}) }
        : r,
    );
  }
  const owned = new Set<string>();
  for (const k of [...base.kustomizations, ...head.kustomizations])
    for (const f of k.build?.reads ?? []) owned.add(f);
  const reasonFiles = new Set(kustomizations.flatMap((k) => k.files));
  // A chart folder of this repository that a HelmRelease installs from is read by it. Looked up only
  // when a changed file is read by nothing else, and only for charts from a GitRepository (localChartChange).
  let chartFolders: string[] | undefined;
  const folders = () => {
    if (chartFolders) return chartFolders;
    const found = new Set<string>();
    for (const [model, list] of [
      [base, base.helmReleases],
      [head, head.helmReleases],
    ] as const)
      for (const hr of list) {
        if (hr.chartRef || hr.chart?.sourceRef.kind !== "GitRepository") continue;
        const location = chartLocation(model, hr);
        if (location.type === "repository") found.add(location.path === "" ? "" : `${location.path}/`);
      }
    chartFolders = [...found];
    return chartFolders;
  };
  const inChart = (path: string | undefined) =>
    path !== undefined && folders().some((prefix) => path.startsWith(prefix));
  const unownedFiles = changedFiles
    .filter(
      (c) =>
        !owned.has(c.path) &&
        !(c.previousPath && owned.has(c.previousPath)) &&
        !reasonFiles.has(c.path) &&
        !inChart(c.path) &&
        !inChart(c.previousPath),
    )
    .map((c) => c.path);
  // A change Flux will not apply is not shown as applied.
  const headByKey = new Map(head.kustomizations.map((k) => [k.key, k]));
  const exists = sourceExists(head);
  const blockedOf = (key: string | null | undefined): string | undefined => {
    const node = key ? headByKey.get(key) : undefined;
    return node ? blockedReason(node, exists) : undefined;
  };
  for (const k of kustomizations) {
    if (k.change === "removed") continue;
    const node = headByKey.get(k.key);
    const blocked = blockedOf(k.key) ?? blockedOf(node?.parent);
    if (blocked) k.blocked = blocked;
  }
  for (const h of helmReleases) {
    if (h.change === "removed" || h.blocked) continue;
    const blocked = blockedOf(h.kustomization);
    if (blocked) h.blocked = blocked;
  }
  const informational = (d: { code: string }) => d.code !== "flux-entrypoint";
  return {
    changedFiles: [...changedFiles],
    kustomizations,
    helmReleases,
    notAnalyzed,
    deletions: scope.whole
      ? []
      : guarded(options, "finding what Flux deletes", () => deletions(base, head, scope.beneath), []),
    disabledServices: disabled,
    suspendFlips: scope.whole
      ? []
      : guarded(options, "finding suspend changes", () => suspendFlips(base, head), []).filter(
          (f) => f.kind !== "Kustomization" || !scope.beneath(f.key),
        ),
    touchedUnchanged,
    unownedFiles,
    findings: splitFindings(
      base.diagnostics.filter(informational),
      head.diagnostics.filter(informational),
      renamesOf(changedFiles),
    ),
    graph: guarded(
      options,
      "drawing the dependsOn graph",
      () =>
        impactGraph(
          head,
          {
            kustomizations: kustomizations.filter((k) => k.change !== "removed").map((k) => k.key),
            helmReleases: helmReleases.filter((h) => h.change !== "removed").map((h) => h.key),
          },
          strandedBy(disabled),
          base,
        ),
      { nodes: [], edges: [] },
    ),
  };
}
