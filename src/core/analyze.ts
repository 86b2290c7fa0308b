/**
 * analyzeRepository(): one snapshot → the repository model. Steps:
 *   1. scan the repository for Flux objects as written, and find the entrypoint;
 *   2. reduce the snapshot to what source-controller puts in the artifact (.sourceignore, defaults);
 *   3. discover and render every Flux Kustomization reachable from the entrypoint;
 *   4. build the dependsOn graphs and check references.
 */
import { type Diagnostic, dedupeDiagnostics, diagnostic } from "./diagnostics.ts";
import { artifactSnapshot } from "./flux/artifact.ts";
import { type DiscoveryCaches, type DiscoveryReuse, discover } from "./flux/discover.ts";
import { detectEntrypoints } from "./flux/entrypoint.ts";
import { refKey } from "./flux/object-ref.ts";
import { normalizeGitUrl, scanFluxObjects } from "./flux/raw-scan.ts";
import { buildDependencyGraph, type DependencyGraph } from "./graph/dependency-graph.ts";
import {
  dependsOnDiagnostics,
  type Locate,
  providedConfigObjects,
  valuesFromDiagnostics,
} from "./graph/references.ts";
import { getName, getNamespace, isJsonObject } from "./kustomize/resource.ts";
import type { AnalyzeOptions, Entrypoint, RepositoryModel, SourceRef } from "./model.ts";
import { secureJoin } from "./snapshot/paths.ts";
import type { RepoSnapshot } from "./snapshot/repo-snapshot.ts";
import { locateLineInDocumentAt } from "./yaml/locate.ts";

export interface AnalyzedRepository extends RepositoryModel {
  graphs: { kustomizations: DependencyGraph; helmReleases: DependencyGraph };
}

/** Build caches of each analysis, for `options.reuse` by a later analysis of another revision. */
const buildCaches = new WeakMap<RepositoryModel, { caches: DiscoveryCaches; excluded: string }>();

function reuseFrom(options: AnalyzeOptions, excluded: string): DiscoveryReuse | undefined {
  if (!options.reuse) return undefined;
  const previous = buildCaches.get(options.reuse.from);
  // A different artifact (ignore rules changed) can change builds without changing a file they read.
  if (!previous || previous.excluded !== excluded) return undefined;
  const caches = previous.caches;
  const changedPaths = new Set<string>();
  for (const c of options.reuse.changedFiles) {
    changedPaths.add(c.path);
    if (c.previousPath) changedPaths.add(c.previousPath);
  }
  if ([...changedPaths].some((p) => p === ".sourceignore" || p.endsWith("/.sourceignore"))) return undefined;
  return { caches, changedPaths };
}

export function analyzeRepository(snapshot: RepoSnapshot, options: AnalyzeOptions = {}): AnalyzedRepository {
  const diagnostics: Diagnostic[] = [];

  // 1. Entrypoint.
  const raw = scanFluxObjects(snapshot, options.searchRoot ?? "");
  const detected = detectEntrypoints(snapshot, raw, options.clusterPaths);
  diagnostics.push(...detected.diagnostics);
  const entrypoints: Entrypoint[] = detected.entries.map((e) => {
    const spec = isJsonObject(e.object.spec) ? e.object.spec : {};
    const ep: Entrypoint = {
      rule: e.rule,
      path: secureJoin(typeof spec.path === "string" ? spec.path : ""),
      kustomization: refKey(getNamespace(e.object), getName(e.object)),
    };
    if (e.file) ep.file = e.file;
    return ep;
  });
  for (const ep of entrypoints) {
    diagnostics.push(
      diagnostic(
        "flux-entrypoint",
        `Entrypoint ${ep.kustomization} (path ${ep.path || "."}) found by rule "${ep.rule}".`,
        ep.file ? { file: ep.file } : {},
      ),
    );
  }

  // 2. Artifact: the entrypoint's GitRepository may narrow it with spec.ignore.
  const entrySources = detected.entries.map((e) => {
    const spec = isJsonObject(e.object.spec) ? e.object.spec : {};
    const ref = isJsonObject(spec.sourceRef) ? spec.sourceRef : {};
    return {
      kind: String(ref.kind ?? "GitRepository"),
      name: String(ref.name ?? ""),
      namespace: String(ref.namespace ?? getNamespace(e.object)),
    };
  });
  const gitRepos = raw.filter((o) => o.kind === "GitRepository");
  const entryRepo = gitRepos.find((g) => entrySources.some((s) => s.name === getName(g.object)));
  const entrySpec = entryRepo && isJsonObject(entryRepo.object.spec) ? entryRepo.object.spec : {};
  const artifact = artifactSnapshot(
    snapshot,
    typeof entrySpec.ignore === "string" ? entrySpec.ignore : undefined,
  );
  const excludedKey = artifact.excluded.join("\n");

  // 3. Discovery.
  const urls = new Set(
    [...detected.entries.map((e) => e.url), typeof entrySpec.url === "string" ? entrySpec.url : undefined]
      .filter((u): u is string => typeof u === "string")
      .map(normalizeGitUrl),
  );
  const isLocalSource = (ref: SourceRef): boolean => {
    if (ref.kind !== "GitRepository") return false;
    if (entrySources.some((s) => s.kind === ref.kind && s.name === ref.name && s.namespace === ref.namespace))
      return true;
    const defined = gitRepos.filter(
      (g) => getName(g.object) === ref.name && (getNamespace(g.object) || ref.namespace) === ref.namespace,
    );
    if (defined.length === 0) return true;
    return defined.some((g) => {
      const url = isJsonObject(g.object.spec) ? g.object.spec.url : undefined;
      return typeof url === "string" && (urls.size === 0 || urls.has(normalizeGitUrl(url)));
    });
  };
  const found = discover(
    artifact.snapshot,
    detected.entries.map((e) =>
      e.definedIn ? { object: e.object, definedIn: e.definedIn } : { object: e.object },
    ),
    { isLocalSource, strictSubstitution: true, reuse: reuseFrom(options, excludedKey) },
  );
  diagnostics.push(...found.diagnostics);
  for (const ks of found.kustomizations) diagnostics.push(...(ks.build?.diagnostics ?? []));

  // 4. Graphs and references, pointing at the exact entry when it is written in the object's file.
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

  const model: AnalyzedRepository = {
    entrypoints,
    kustomizations: found.kustomizations,
    helmReleases: found.helmReleases,
    sources: found.sources,
    otherFluxObjects: found.otherFluxObjects,
    diagnostics: dedupeDiagnostics(diagnostics),
    graphs: { kustomizations: ksGraph, helmReleases: hrGraph },
  };
  buildCaches.set(model, { caches: found.caches, excluded: excludedKey });
  return model;
}
