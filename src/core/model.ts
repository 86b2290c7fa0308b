/**
 * The repository model the engine produces from one snapshot: every Flux Kustomization and HelmRelease
 * reachable from the cluster entrypoint, what each Kustomization renders, which files each build reads,
 * the dependency graph, and every problem found on the way.
 *
 * This is the contract between the engine and its adapters (CLI, GitHub App, conformance, benchmarks).
 */
import type { Diagnostic } from "./diagnostics.ts";
import type { JsonObject } from "./kustomize/resource.ts";
import type { AnalysisSession } from "./session.ts";

export interface NamespacedName {
  namespace: string;
  name: string;
}

export interface SourceRef {
  kind: string;
  name: string;
  namespace: string;
}

/** Where a Flux object is written in the repository (the document that defines it). */
export interface SourceLocation {
  file: string;
  line: number;
}

export type EntrypointRule =
  | "cluster-path"
  | "config-cluster"
  | "flux-instance"
  | "gotk-sync"
  | "bootstrap-layout"
  | "roots";

/**
 * What the cluster runs, as far as the repository tells: the Flux version and whether kustomize-controller
 * fails builds on undefined post-build variables (StrictPostBuildSubstitutions, default on from Flux 2.9).
 */
export interface FluxRuntime {
  /** "2.9.4", when the repository pins it; undefined when it cannot be known. */
  version?: string;
  /** Where the version was read (file, and the field or header). */
  versionSource?: string;
  /** True when an undefined `${VAR}` without a default fails the build. */
  strictSubstitution: boolean;
  /** One sentence that says why strictSubstitution has its value ("Flux 2.9.4 (FluxInstance …) …"). */
  reason: string;
  /** True when the version could not be found and the newest Flux was assumed. */
  assumed: boolean;
}

export interface Entrypoint {
  rule: EntrypointRule;
  /** Name of the cluster this entrypoint starts (one cluster per entrypoint). */
  cluster: string;
  /** Repository path the entrypoint Kustomization builds. */
  path: string;
  /** "namespace/name" of the entrypoint Kustomization. */
  kustomization: string;
  /** File that made the rule fire (FluxInstance, gotk-sync.yaml, the root ks.yaml), if any. */
  file?: string;
}

export type KustomizationStatus =
  /** Built from this repository (possibly with errors: see build.failed). */
  | "rendered"
  /** Built from a source other than this repository; not rendered. */
  | "external"
  /** spec.path does not exist in the repository. */
  | "path-not-found"
  /** Suspended: Flux builds and applies nothing until resumed (still rendered here, to show pending changes). */
  | "suspended"
  /** The object does not match the Flux schema (missing sourceRef, wrong types); not built. */
  | "invalid"
  /**
   * The engine failed while rendering it, or stopped at one of its limits (render budget, post-build
   * output): what Flux applies from it is unknown (see build.unknown; its build has no objects).
   */
  | "unknown";

export interface RenderedObject {
  /** The object as Flux would apply it (after post-build substitution). */
  object: JsonObject;
  /** File (and document line) the object came from, or the kustomization that generated it. */
  origin: { file: string; line?: number };
}

export interface KustomizationBuild {
  /** Repository path of the built directory (resolved spec.path). */
  dir: string;
  /** Final output, in Flux's order (FIFO; not re-sorted). */
  objects: RenderedObject[];
  /** Output of the kustomize build before post-build substitution (for conformance with `kustomize build`). */
  unsubstituted: JsonObject[];
  /** Files whose content the output depends on (the ownership read-set), byte-wise sorted. */
  reads: string[];
  /** Paths whose existence the output depends on (directories walked, kustomization names probed). */
  probes: string[];
  /**
   * postBuild variables: names defined, names whose values are unknown offline (SOPS, cluster-only
   * sources), and a short fingerprint of each value (to tell which variables a change touched without
   * holding the values).
   */
  variables: { defined: string[]; unknown: string[]; fingerprints: Record<string, string> };
  /** True when Flux would fail this build (nothing applied, nothing pruned). */
  failed: boolean;
  /**
   * Set when what this build applies is unknown: the engine failed on it or stopped at one of its limits.
   * Our own words ("the engine failed (RangeError) while rendering it"), no repository content; `objects`
   * is then empty (a partial output would read as deletions).
   */
  unknown?: string;
  diagnostics: Diagnostic[];
}

export interface KustomizationNode extends NamespacedName {
  /** "namespace/name". */
  key: string;
  /** The cluster whose discovery reached it. */
  cluster: string;
  /** For status "external": the source it builds from, as "Kind namespace/name" (never built from this tree). */
  source?: string;
  apiVersion: string;
  /** Parsed spec as rendered by the parent (patched, substituted, namespaced); defaults applied. */
  spec: FluxKustomizationSpec;
  /** The full object as the parent renders it. */
  object: JsonObject;
  /** Where the object is defined in the repository; undefined for a synthesized entrypoint. */
  definedIn?: SourceLocation;
  /** "namespace/name" of the Kustomization whose build produced this one, or null for an entrypoint. */
  parent: string | null;
  status: KustomizationStatus;
  build?: KustomizationBuild;
}

export interface FluxKustomizationSpec {
  path: string;
  sourceRef: SourceRef;
  dependsOn: NamespacedName[];
  prune: boolean;
  suspend: boolean;
  wait: boolean;
  interval?: string;
  targetNamespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  components: string[];
  ignoreMissingComponents: boolean;
  patches: Array<{ patch: string; target?: Record<string, string> }>;
  images: Array<{ name: string; newName?: string; newTag?: string; digest?: string }>;
  commonMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  postBuild?: {
    substitute?: Record<string, string>;
    substituteFrom?: Array<{ kind: string; name: string; optional?: boolean }>;
    substituteStrategy?: string;
  };
  decryption?: { provider: string; secretRef?: { name: string } };
  healthChecks: Array<{ apiVersion?: string; kind: string; name: string; namespace?: string }>;
}

export interface HelmChartSpec {
  name: string;
  version?: string;
  sourceRef: SourceRef;
}

export interface HelmReleaseNode extends NamespacedName {
  key: string;
  cluster: string;
  apiVersion: string;
  /** "namespace/name" of the Flux Kustomization that renders it. */
  kustomization: string;
  chart: HelmChartSpec | null;
  chartRef: SourceRef | null;
  dependsOn: NamespacedName[];
  valuesFrom: Array<{
    kind: string;
    name: string;
    valuesKey?: string;
    targetPath?: string;
    optional?: boolean;
  }>;
  suspend: boolean;
  object: JsonObject;
  definedIn?: SourceLocation;
}

export interface SourceNode extends NamespacedName {
  key: string;
  kind: "GitRepository" | "OCIRepository" | "HelmRepository" | "Bucket";
  kustomization: string;
  object: JsonObject;
  definedIn?: SourceLocation;
}

/** Other Flux objects the builds render (FluxInstance, ImageUpdateAutomation). */
export interface FluxObjectNode extends NamespacedName {
  kind: string;
  kustomization: string;
  object: JsonObject;
  definedIn?: SourceLocation;
}

export interface RepositoryModel {
  /** Core v1 objects the builds render (ConfigMaps, Secrets …) by "kind/namespace/name", first wins. */
  rendered?: ReadonlyMap<string, JsonObject>;
  entrypoints: Entrypoint[];
  /** Sorted by namespace, then name. */
  kustomizations: KustomizationNode[];
  helmReleases: HelmReleaseNode[];
  sources: SourceNode[];
  otherFluxObjects: FluxObjectNode[];
  diagnostics: Diagnostic[];
}

export interface AnalyzeOptions {
  /**
   * Directories Flux syncs first (what `flux bootstrap --path` takes). Each becomes the path of a
   * synthesized entrypoint Kustomization flux-system/flux-system. Overrides detection.
   */
  clusterPaths?: string[];
  /** Named clusters from the configuration (`clusters: [{name, path}]`); overrides detection. */
  clusters?: Array<{ name: string; path: string }>;
  /** Restrict entrypoint detection to files under this directory (a monorepo of several clusters). */
  searchRoot?: string;
  /**
   * The repository being analyzed, when the adapter knows it (the App: the GitHub repository and the
   * branch; the CLI: `git remote`/the current branch). A GitRepository is this repository only when its
   * URL and ref match.
   */
  repository?: { url?: string; branch?: string };
  /**
   * Another revision of the same repository, already analyzed, and the files changed since: builds the
   * change cannot affect are reused instead of rebuilt (a pull request's head after its base).
   */
  reuse?: {
    from: RepositoryModel;
    changedFiles: ReadonlyArray<{ path: string; previousPath?: string }>;
    /** The session the earlier analysis ran in, when its snapshot had another one than this snapshot. */
    session?: AnalysisSession;
  };
}
