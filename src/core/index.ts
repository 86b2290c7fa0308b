/**
 * The public surface of the flux-impact engine. Pure and synchronous: no filesystem, network, clock or
 * environment. Adapters (CLI, GitHub App) load snapshots and call these functions.
 */
export { analyzeRepository, type AnalyzedRepository } from "./analyze.ts";
export type { Diagnostic, DiagnosticCode, Severity } from "./diagnostics.ts";
export { DIAGNOSTIC_CODES, compareDiagnostics } from "./diagnostics.ts";
export { downstreamOf, upstreamOf, type DependencyGraph } from "./graph/dependency-graph.ts";
export type * from "./model.ts";
export { buildFluxKustomization, type FluxBuildSpec } from "./kustomize/flux-root.ts";
export { createMemorySnapshot, type RepoSnapshot } from "./snapshot/repo-snapshot.ts";
export { stringifyYaml, stringifyYamlStream } from "./yaml/stringify.ts";
