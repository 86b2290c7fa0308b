/**
 * analyzeRepository(): one snapshot → the repository model. Steps:
 *   1. scan the repository for Flux objects as written, and find its clusters (clusters.ts);
 *   2. per cluster: reduce the snapshot to what source-controller puts in the artifact (.sourceignore,
 *      the entry source's spec.ignore), find the Flux version it runs, discover and render every Flux
 *      Kustomization reachable from its entrypoint, build its dependsOn graphs and check references;
 *   3. the repository model: every cluster, and their union (each node carries its cluster).
 */
import { analysisFailed, type Diagnostic, dedupeDiagnostics, diagnostic } from "./diagnostics.ts";
import { artifactSnapshot } from "./flux/artifact.ts";
import { type ClusterStart, detectClusters } from "./flux/clusters.ts";
import { type DiscoveryCaches, type DiscoveryReuse, discover, emptySpec } from "./flux/discover.ts";
import { detectFluxRuntime } from "./flux/flux-runtime.ts";
import { refKey } from "./flux/object-ref.ts";
import { type RawFluxObject, scanFluxObjects } from "./flux/raw-scan.ts";
import { buildDependencyGraph, type DependencyGraph } from "./graph/dependency-graph.ts";
import {
  dependsOnDiagnostics,
  type Locate,
  providedConfigObjects,
  valuesFromDiagnostics,
} from "./graph/references.ts";
import { renderedIndex } from "./impact/helm-values-source.ts";
import { getName, getNamespace } from "./kustomize/resource.ts";
import type { AnalyzeOptions, Entrypoint, FluxRuntime, KustomizationNode, RepositoryModel } from "./model.ts";
import type { AnalysisSession } from "./session.ts";
import type { RepoSnapshot } from "./snapshot/repo-snapshot.ts";
import { ByteBudget } from "./util/budget.ts";
import { locateLineInDocumentAt } from "./yaml/locate.ts";

export interface ClusterModel extends RepositoryModel {
  /** The cluster's name (`clusters/<name>`, the configuration's name, or the entrypoint folder's). */
  name: string;
  /** The Flux version and feature gates this cluster runs, as far as the repository tells. */
  flux: FluxRuntime;
  graphs: { kustomizations: DependencyGraph; helmReleases: DependencyGraph };
}

export interface AnalyzedRepository extends RepositoryModel {
  graphs: { kustomizations: DependencyGraph; helmReleases: DependencyGraph };
  /**
   * Every cluster, analyzed on its own (own dependsOn graph, variables, sources). With one cluster the
   * repository model is that cluster; with several, the top-level lists are their union.
   */
  clusters: ClusterModel[];
}

/**
 * Builds of an earlier analysis of another revision that this one may reuse: found in the session both
 * snapshots share (the caller gives base and head one session), for the same cluster and artifact.
 */
function reuseFrom(
  session: AnalysisSession,
  options: AnalyzeOptions,
  cluster: string,
  excluded: string,
): DiscoveryReuse | undefined {
  if (!options.reuse) return undefined;
  const previous = (options.reuse.session ?? session).builds.get(options.reuse.from)?.get(cluster);
  // A different artifact (ignore rules changed) can change builds without changing a file they read.
  if (!previous || previous.excluded !== excluded) return undefined;
  const changedPaths = new Set<string>();
  for (const c of options.reuse.changedFiles) {
    changedPaths.add(c.path);
    if (c.previousPath) changedPaths.add(c.previousPath);
  }
  if ([...changedPaths].some((p) => p === ".sourceignore" || p.endsWith("/.sourceignore"))) return undefined;
  return { caches: previous.caches, changedPaths };
}

/**
 * The engine never throws on repository content: an exception while analyzing one cluster costs that
 * cluster (its entrypoints are "unknown", with an analysis-failed finding), and one before the clusters are
 * known costs the whole model (one "unknown" placeholder Kustomization). Either way the caller gets a model
 * whose unknown parts the report names, and the secret scan (which reads files, not the model) still runs.
 */
export function analyzeRepository(snapshot: RepoSnapshot, options: AnalyzeOptions = {}): AnalyzedRepository {
  try {
    return analyzeRepositoryUnguarded(snapshot, options);
  } catch (error) {
    return failedRepository(
      analysisFailed(
        "analyzing the repository (finding its clusters)",
        error,
        {},
        "what it applies is unknown",
      ),
    );
  }
}

/** A Kustomization standing for what could not be analyzed: status "unknown", an empty build. */
export function unknownKustomization(
  cluster: string,
  namespace: string,
  name: string,
  unknown: string,
  definedIn?: { file: string; line: number },
): KustomizationNode {
  const node: KustomizationNode = {
    namespace,
    name,
    key: refKey(namespace, name),
    cluster,
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    spec: emptySpec(namespace),
    object: {},
    parent: null,
    status: "unknown",
    build: {
      dir: "",
      objects: [],
      unsubstituted: [],
      reads: [],
      probes: [],
      variables: { defined: [], unknown: [], fingerprints: {} },
      failed: true,
      unknown,
      diagnostics: [],
    },
  };
  if (definedIn) node.definedIn = definedIn;
  return node;
}

/** The model of a revision the engine could not analyze at all: one unknown placeholder, one finding. */
export function failedRepository(finding: Diagnostic): AnalyzedRepository {
  const graph = buildDependencyGraph([]);
  const cluster: ClusterModel = {
    name: "",
    flux: { strictSubstitution: true, reason: "", assumed: true },
    entrypoints: [],
    kustomizations: [
      unknownKustomization("", "", "(repository)", "the engine failed while analyzing the repository"),
    ],
    helmReleases: [],
    sources: [],
    otherFluxObjects: [],
    diagnostics: [finding],
    graphs: { kustomizations: graph, helmReleases: graph },
  };
  cluster.kustomizations[0]!.key = "(repository)";
  return { ...cluster, clusters: [cluster] };
}

function analyzeRepositoryUnguarded(snapshot: RepoSnapshot, options: AnalyzeOptions): AnalyzedRepository {
  const raw = scanFluxObjects(snapshot, options.searchRoot ?? "");
  // The artifact without a GitRepository's spec.ignore: what most clusters read, computed once.
  const plainArtifact = artifactSnapshot(snapshot, undefined);
  const detected = detectClusters(snapshot, raw, {
    clusterPaths: options.clusterPaths,
    clusters: options.clusters,
    repository: options.repository,
    searchRoot: options.searchRoot,
    excluded: new Set(plainArtifact.excluded),
  });
  const byName = new Map<string, ClusterStart[]>();
  for (const c of detected.clusters) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
  const caches = new Map<string, { caches: DiscoveryCaches; excluded: string }>();
  // What every build of this revision may materialize together (util/budget.ts).
  const budget = new ByteBudget();
  const clusters = [...byName].map(([name, starts]) => {
    try {
      return analyzeCluster(snapshot, raw, name, starts, options, caches, plainArtifact, budget);
    } catch (error) {
      caches.delete(name);
      return failedCluster(name, starts, error);
    }
  });
  const model = combine(clusters, detected.diagnostics);
  snapshot.session.builds.set(model, caches);
  return model;
}

function analyzeCluster(
  snapshot: RepoSnapshot,
  raw: readonly RawFluxObject[],
  name: string,
  starts: readonly ClusterStart[],
  options: AnalyzeOptions,
  caches: Map<string, { caches: DiscoveryCaches; excluded: string }>,
  plainArtifact: ReturnType<typeof artifactSnapshot>,
  budget: ByteBudget,
): ClusterModel {
  const diagnostics: Diagnostic[] = [];
  const first = starts[0]!;
  const entrypoints: Entrypoint[] = starts.map((s) => {
    const ep: Entrypoint = {
      rule: s.rule,
      cluster: name,
      path: s.path,
      kustomization: refKey(getNamespace(s.object), getName(s.object)),
    };
    if (s.file) ep.file = s.file;
    return ep;
  });
  for (const ep of entrypoints) {
    diagnostics.push(
      diagnostic(
        "flux-entrypoint",
        `Cluster ${name}: entrypoint ${ep.kustomization} (path ${ep.path || "."}) found by rule "${ep.rule}".`,
        ep.file ? { file: ep.file } : {},
      ),
    );
  }
  for (const s of starts) {
    for (const a of s.assumptions)
      diagnostics.push(diagnostic("flux-entrypoint-assumption", a, s.file ? { file: s.file } : {}));
  }

  // The artifact: the entry source's GitRepository may narrow it with spec.ignore.
  const artifact = first.ignore === undefined ? plainArtifact : artifactSnapshot(snapshot, first.ignore);
  const excludedKey = artifact.excluded.join("\n");

  // The Flux version and gates decide strict substitution.
  const flux = detectFluxRuntime({
    snapshot,
    clusterDir: first.path,
    fluxObjects: raw,
    ...(first.instanceSpec ? { instanceSpec: first.instanceSpec } : {}),
    ...(first.file ? { instanceFile: first.file } : {}),
  });

  const found = discover(
    artifact.snapshot,
    starts.map((s) => ({
      object: s.object,
      ...(s.definedIn ? { definedIn: s.definedIn } : {}),
      ...(s.given ? { given: s.given } : {}),
    })),
    {
      resolveSource: first.resolveSource,
      cluster: name,
      strictSubstitution: flux.strictSubstitution,
      strictReason: flux.reason,
      reuse: reuseFrom(snapshot.session, options, name, excludedKey),
      budget,
    },
  );
  caches.set(name, { caches: found.caches, excluded: excludedKey });
  diagnostics.push(...found.diagnostics);
  for (const ks of found.kustomizations) diagnostics.push(...(ks.build?.diagnostics ?? []));

  // Graphs and references, pointing at the exact entry when it is written in the object's file.
  const locate: Locate = (definedIn, path) => {
    const text = snapshot.readText(definedIn.file);
    return (text.ok ? locateLineInDocumentAt(text.text, definedIn.line, path) : undefined) ?? definedIn.line;
  };
  const ksGraph = buildDependencyGraph(
    found.kustomizations.map((k) => ({ key: k.key, dependsOn: k.spec.dependsOn })),
  );
  const hrGraph = buildDependencyGraph(found.helmReleases);
  diagnostics.push(
    ...dependsOnDiagnostics(
      "Kustomization",
      ksGraph,
      new Map(found.kustomizations.map((k) => [k.key, k])),
      locate,
    ),
  );
  diagnostics.push(
    ...dependsOnDiagnostics(
      "HelmRelease",
      hrGraph,
      new Map(found.helmReleases.map((h) => [h.key, h])),
      locate,
    ),
  );
  diagnostics.push(
    ...valuesFromDiagnostics(found.helmReleases, providedConfigObjects(found.kustomizations), locate),
  );
  const model: ClusterModel = {
    name,
    flux,
    entrypoints,
    kustomizations: found.kustomizations,
    helmReleases: found.helmReleases,
    sources: found.sources,
    otherFluxObjects: found.otherFluxObjects,
    diagnostics: dedupeDiagnostics(diagnostics).map((d) => ({ ...d, cluster: name })),
    graphs: { kustomizations: ksGraph, helmReleases: hrGraph },
  };
  model.rendered = renderedIndex(model);
  return model;
}

/**
 * A cluster the engine failed on: its entrypoints stand as unknown Kustomizations (the report names them
 * as not analyzed), with one analysis-failed finding.
 */
function failedCluster(name: string, starts: readonly ClusterStart[], error: unknown): ClusterModel {
  const graph = buildDependencyGraph([]);
  const first = starts[0];
  const at = first?.file ? { file: first.file } : {};
  const kustomizations = starts.map((s) =>
    unknownKustomization(
      name,
      safe(() => getNamespace(s.object), ""),
      safe(() => getName(s.object), "(entrypoint)"),
      "the engine failed while analyzing its cluster",
      s.definedIn,
    ),
  );
  return {
    name,
    flux: { strictSubstitution: true, reason: "", assumed: true },
    entrypoints: [],
    kustomizations,
    helmReleases: [],
    sources: [],
    otherFluxObjects: [],
    diagnostics: [
      {
        ...analysisFailed(
          `analyzing cluster ${name || "(default)"}`,
          error,
          at,
          "what it applies is unknown",
        ),
        cluster: name,
      },
    ],
    graphs: { kustomizations: graph, helmReleases: graph },
  };
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/**
 * The repository model over its clusters. A problem found in several clusters (a shared file) is one
 * finding naming them all.
 */
function combine(clusters: ClusterModel[], detection: Diagnostic[]): AnalyzedRepository {
  const single = clusters.length === 1 ? clusters[0]! : undefined;
  const diagnostics = dedupeDiagnostics([...detection, ...clusters.flatMap((c) => c.diagnostics)]);
  if (single) return { ...single, diagnostics, clusters };
  const kustomizations = clusters.flatMap((c) => c.kustomizations);
  const helmReleases = clusters.flatMap((c) => c.helmReleases);
  return {
    entrypoints: clusters.flatMap((c) => c.entrypoints),
    kustomizations,
    helmReleases,
    sources: clusters.flatMap((c) => c.sources),
    otherFluxObjects: clusters.flatMap((c) => c.otherFluxObjects),
    diagnostics,
    graphs: {
      kustomizations: buildDependencyGraph(
        kustomizations.map((k) => ({ key: k.key, dependsOn: k.spec.dependsOn })),
      ),
      helmReleases: buildDependencyGraph(helmReleases),
    },
    clusters,
  };
}
