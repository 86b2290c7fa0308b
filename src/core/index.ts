/**
 * The public surface of the flux-impact engine. Pure and synchronous: no filesystem, network, clock or
 * environment. Adapters (CLI, GitHub App) load snapshots and call these functions.
 */
export { type AnalyzedRepository, analyzeRepository, type ClusterModel } from "./analyze.ts";
export type { Diagnostic, DiagnosticCode, Severity } from "./diagnostics.ts";
export { compareDiagnostics, DIAGNOSTIC_CODES } from "./diagnostics.ts";
export { type DependencyGraph, downstreamOf, upstreamOf } from "./graph/dependency-graph.ts";
export { buildFluxKustomization, type FluxBuildSpec } from "./kustomize/flux-root.ts";
export type * from "./model.ts";
export { AnalysisSession } from "./session.ts";
export { createMemorySnapshot, type RepoSnapshot } from "./snapshot/repo-snapshot.ts";
export { stringifyYaml, stringifyYamlStream } from "./yaml/stringify.ts";
