/**
 * The engine's main entry point: analysis. Pure and synchronous — no filesystem, network, clock or
 * environment. An adapter loads snapshots (createMemorySnapshot; one AnalysisSession shared by the two
 * revisions of a pull request), then calls analyzeRepository, analyzePullRequest or checkBranch; the
 * results are plain data (the model, the ImpactReport, Diagnostics). The other entry points are
 * ./report/index.ts (rendering), ./config/index.ts (the repository config), ./maintenance/index.ts
 * (maintainer issues) and ./secrets/index.ts (the secret scan); see README.md.
 */

/** One revision: every Flux Kustomization and HelmRelease, rendered, with the dependency graph. */
export { type AnalyzedRepository, analyzeRepository, type ClusterModel } from "./analyze.ts";
/** The checks alone, on an analyzed model (the benchmark times them separately). */
export { runChecks } from "./checks/run-checks.ts";
export type { Diagnostic, DiagnosticCode, Severity } from "./diagnostics.ts";
export { compareDiagnostics, DIAGNOSTIC_CODES, severityCounts } from "./diagnostics.ts";
export { type DependencyGraph, downstreamOf, upstreamOf } from "./graph/dependency-graph.ts";
/** The change between two analyzed revisions alone (the conformance diff times it separately). */
export { analyzeChange } from "./impact/analyze-change.ts";
export { changedFilesBetween } from "./impact/changed-files.ts";
export {
  applyHelmRenders,
  type ChartNeed,
  type ChartSupply,
  type ChartUnavailable,
  type HelmRenderOptions,
  helmChartNeeds,
  MAX_RENDERED_RELEASES,
} from "./impact/helm-render.ts";
/** The impact report: changed files, affected Kustomizations and HelmReleases, object diffs, findings. */
export type * from "./impact/types.ts";
/** A parsed YAML file, and parsed files by path as a base analysis carries them. */
export type { ParsedFile, ParsedFiles } from "./kustomize/context.ts";
/** One Flux Kustomization built the way kustomize-controller builds it. */
export { buildFluxKustomization, type FluxBuildSpec } from "./kustomize/flux-root.ts";
/** The repository model: the contract between the engine and its adapters. */
export type * from "./model.ts";
/**
 * A pull request (base → head) and a branch (the push check), with the repository's policy applied; a
 * base revision's analysis alone, for reuse by later pull requests against the same commit.
 */
export {
  analyzeBase,
  analyzePullRequest,
  type BaseAnalysis,
  type BranchCheck,
  type BranchInput,
  checkBranch,
  type EarlierBase,
  isBaseAnalysis,
  type PullRequestAnalysis,
  type PullRequestInput,
  policyOf,
} from "./pull-request.ts";
export { AnalysisSession } from "./session.ts";
/** A revision's files in memory: what the engine reads instead of a filesystem. */
export { createMemorySnapshot, type RepoSnapshot, type SnapshotOptions } from "./snapshot/repo-snapshot.ts";
/** Kubernetes' DNS-1123 subdomain rule for names (the CLI writes files named after objects). */
export { isDnsSubdomain } from "./util/names.ts";
/** YAML as the engine reads it (documents with positions and limits) and writes it (kubectl's style). */
export { readYamlDocuments } from "./yaml/read-documents.ts";
export { stringifyYaml, stringifyYamlStream } from "./yaml/stringify.ts";
