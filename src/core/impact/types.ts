/**
 * The impact of a change: what a pull request does to the cluster, computed from the models of the base
 * and head revisions and the changed files. Pure data, consumed by the report renderers (Markdown
 * comment, check run, JSON) — no presentation decisions here.
 */
import type { Diagnostic } from "../diagnostics.ts";

export type FileStatus = "added" | "modified" | "removed" | "renamed";

export interface ChangedFile {
  path: string;
  status: FileStatus;
  /** For renames: the path in the base revision. */
  previousPath?: string;
}

export type ChangeKind = "added" | "removed" | "modified";

/** Why an object is affected. Texts are for people; `kind` is for machines. */
export type Reason =
  /**
   * A changed file it reads. `file` is the path it read: for a rename away from what it reads (a removed
   * object, a file moved out of its folder), the old path, with the new one in `renamedTo`.
   */
  | { kind: "file"; file: string; status: FileStatus; renamedTo?: string }
  | { kind: "definition"; file: string; fields: string[] }
  | { kind: "variables"; names: string[]; sources: string[] }
  | { kind: "values-source"; source: string }
  | { kind: "chart-source"; source: string }
  | { kind: "parent"; parent: string }
  | { kind: "disabled"; file: string }
  /** `file`: the base file that defined it, when the change removed or renamed that file (`renamedTo`). */
  | { kind: "removed-from-parent"; parent: string; file?: string; renamedTo?: string }
  /** Flux could apply it at base and cannot at head ("fails"), or the other way round ("fixed"). */
  | { kind: "build"; state: "fails" | "fixed" };

export interface ObjectRefText {
  /** "Kind namespace/name" or "Kind name" for cluster-scoped kinds. */
  display: string;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface ObjectDiff {
  ref: ObjectRefText;
  change: ChangeKind;
  /** Unified diff of the object's YAML (Secret values fingerprinted), without file headers. */
  diff: string;
  /** Lines added / removed. */
  added: number;
  removed: number;
}

export interface KustomizationImpact {
  namespace: string;
  name: string;
  key: string;
  /** The cluster it belongs to. */
  cluster?: string;
  /** Set when Flux applies nothing from it at head: "Flux applies nothing from Kustomization x until …". */
  blocked?: string;
  change: ChangeKind;
  /**
   * True when only child Flux objects (Kustomizations, HelmReleases) in its output changed: it carries
   * their change to the cluster but is not modified in its own right.
   */
  carrierOnly: boolean;
  reasons: Reason[];
  /** Changed files in its read-set. */
  files: string[];
  /** Spec fields that changed (dependsOn, path, suspend, postBuild, …). */
  specChanges: string[];
  /** Transitive dependents (what waits on it), head graph (base graph for removed objects). */
  dependents: string[];
  /** Transitive upstream (what it waits for). */
  upstream: string[];
  /** dependsOn targets that do not exist in head. */
  missingDependencies: string[];
  /** dependsOn targets the change adds and removes ("namespace/name" keys), when dependsOn changed. */
  dependsOnChange?: DependsOnChange;
  /** True when it is part of a dependsOn cycle in head. */
  inCycle: boolean;
  suspended: boolean;
  prune: boolean;
  objects: ObjectDiff[];
  /** Where it is defined (head, or base when removed). */
  definedIn?: { file: string; line: number };
}

export interface ValueChange {
  /** Dotted path into the effective values, e.g. "image.tag". */
  path: string;
  change: ChangeKind;
  /** Old and new scalar text, omitted for values from Secrets (never shown). */
  from?: string;
  to?: string;
  secret: boolean;
}

export interface HelmReleaseImpact {
  namespace: string;
  name: string;
  key: string;
  cluster?: string;
  /** Set when the Kustomization that applies it cannot be applied at head (the change does not reach the cluster). */
  blocked?: string;
  change: ChangeKind;
  kustomization: string;
  reasons: Reason[];
  /** "1.2.3 → 1.3.0", or chart name changes; undefined when unchanged. */
  chart?: { from?: string; to?: string };
  /** The chart's name (head, or base when removed), changed or not: `app-template`, not its source. */
  chartName?: string;
  /** chartRef / OCIRepository tag change: "OCIRepository ns/name 1.2.3 → 1.3.0". */
  chartRef?: { from?: string; to?: string };
  values: ValueChange[];
  images: { from: string[]; to: string[] };
  dependsOnChanged: boolean;
  /** dependsOn targets the change adds and removes, when dependsOn changed. */
  dependsOnChange?: DependsOnChange;
  suspend?: { from: boolean; to: boolean };
  dependents: string[];
  upstream: string[];
  missingDependencies: string[];
  inCycle: boolean;
  definedIn?: { file: string; line: number };
  /**
   * What the HelmRelease installs, rendered from its chart at base and head (set when the adapter supplied
   * charts): the object diffs; or why it is not shown (a chart not reachable, a template that fails).
   */
  rendered?: {
    status: "rendered" | "unavailable" | "failed";
    objects: ObjectDiff[];
    /** Why not rendered, or Helm's message. */
    message?: string;
    /** Functions whose output changes on every install (randAlphaNum, genCA): placeholders in the diff. */
    nondeterministic?: string[];
  };
}

export interface Deletion {
  cluster?: string;
  ref: ObjectRefText;
  kustomization: string;
  /** deleted: Flux prunes it; orphaned: prune is off, it stays unmanaged. */
  action: "deleted" | "orphaned";
  /** Called out for review: PersistentVolumeClaim, Namespace, CustomResourceDefinition. */
  dangerous: boolean;
}

export interface DisabledService {
  /** The .dis file in head. */
  file: string;
  /** The manifest it replaced in base. */
  previousFile: string;
  kustomizations: string[];
  helmReleases: string[];
  /** Objects that disappear with it (count) and their kinds. */
  objectCount: number;
  /** Objects still depending on what disappears: they will wait forever. */
  strandedDependents: string[];
}

export interface SuspendFlip {
  cluster?: string;
  kind: "Kustomization" | "HelmRelease";
  key: string;
  from: boolean;
  to: boolean;
}

/** A Kustomization whose source is not this repository: named, never built from this tree. */
export interface NotAnalyzed {
  cluster: string;
  key: string;
  /** "OCIRepository flux-system/x". */
  source: string;
  /** Why it is not this repository. */
  reason: string;
}

export interface ImpactReport {
  /** Cluster names, when the repository has several (sections per cluster); [] or one name otherwise. */
  clusters?: string[];
  /** Kustomizations (at head, or base when removed) this analysis could not see into. */
  notAnalyzed?: NotAnalyzed[];
  changedFiles: ChangedFile[];
  kustomizations: KustomizationImpact[];
  helmReleases: HelmReleaseImpact[];
  deletions: Deletion[];
  disabledServices: DisabledService[];
  suspendFlips: SuspendFlip[];
  /** Kustomizations that read a changed file but render the same output. */
  touchedUnchanged: string[];
  /** Changed files no Kustomization reads (not part of what Flux applies). */
  unownedFiles: string[];
  /** Problems in head, split by whether base already had them. */
  findings: { introduced: Diagnostic[]; existing: Diagnostic[] };
  /** Mermaid-ready subgraph of affected objects and their dependsOn neighbours. */
  graph: ImpactGraph;
  /** The check's conclusion under the repository's policy; renderers fall back to worst-severity-wins. */
  conclusion?: "success" | "neutral" | "failure";
  /** Secret findings removed by the base-branch allowlist or inline pragmas (said in the summary). */
  suppressed?: number;
}

export interface ImpactGraph {
  nodes: Array<{
    id: string;
    kind: "Kustomization" | "HelmRelease";
    key: string;
    /** The cluster, when the repository has several (node ids are then prefixed with it). */
    cluster?: string;
    affected: boolean;
    missing: boolean;
  }>;
  /** `change`: an edge the change adds, or one it removes (then from the base graph); absent when kept. */
  edges: Array<{ from: string; to: string; kind: "dependsOn"; change?: "added" | "removed" }>;
}

/** dependsOn targets ("namespace/name") a change adds and removes. */
export interface DependsOnChange {
  added: string[];
  removed: string[];
}

export interface RevisionInfo {
  /** Commit SHA or label ("base", a directory). */
  ref: string;
  /** Link to the file tree at this revision, used to turn file paths into links (no trailing slash). */
  blobUrl?: string;
}
