/**
 * dependsOn context for affected objects: what each waits for (upstream), what waits on it (dependents),
 * targets that do not exist, cycles — and the affected subgraph to draw.
 */
import type { AnalyzedRepository } from "../analyze.ts";
import { type DependencyGraph, downstreamOf, upstreamOf } from "../graph/dependency-graph.ts";
import type { ImpactGraph } from "./types.ts";

export interface ChainInfo {
  dependents: string[];
  upstream: string[];
  missingDependencies: string[];
  inCycle: boolean;
}

export function chainsFor(graph: DependencyGraph, key: string): ChainInfo {
  if (!graph.upstreamEdges.has(key))
    return { dependents: [], upstream: [], missingDependencies: [], inCycle: false };
  return {
    dependents: downstreamOf(graph, key),
    upstream: upstreamOf(graph, key),
    missingDependencies: graph.missing.filter((m) => m.from === key).map((m) => m.to),
    inCycle: graph.cycles.some((c) => c.includes(key)),
  };
}

/**
 * Affected objects, their direct dependencies, and everything that (transitively) waits on them, with the
 * dependsOn edges among those nodes. Targets that do not exist appear as `missing` nodes.
 */
export function impactGraph(
  head: AnalyzedRepository,
  affected: { kustomizations: readonly string[]; helmReleases: readonly string[] },
  context: { kustomizations: readonly string[]; helmReleases: readonly string[] } = {
    kustomizations: [],
    helmReleases: [],
  },
): ImpactGraph {
  const graph: ImpactGraph = { nodes: [], edges: [] };
  const add = (
    kind: "Kustomization" | "HelmRelease",
    g: DependencyGraph,
    keys: readonly string[],
    extra: readonly string[],
  ) => {
    const prefix = kind === "Kustomization" ? "ks" : "hr";
    const included = new Set<string>(extra.filter((k) => g.upstreamEdges.has(k)));
    for (const key of keys) {
      included.add(key);
      for (const up of g.upstreamEdges.get(key) ?? []) included.add(up);
      for (const down of downstreamOf(g, key)) included.add(down);
    }
    const missing = new Set(g.missing.filter((m) => included.has(m.from)).map((m) => m.to));
    const affectedSet = new Set(keys);
    for (const key of [...included].sort()) {
      graph.nodes.push({ id: `${prefix}:${key}`, kind, key, affected: affectedSet.has(key), missing: false });
    }
    for (const key of [...missing].sort()) {
      graph.nodes.push({ id: `${prefix}:${key}`, kind, key, affected: false, missing: true });
    }
    for (const key of included) {
      for (const up of g.upstreamEdges.get(key) ?? []) {
        if (included.has(up))
          graph.edges.push({ from: `${prefix}:${key}`, to: `${prefix}:${up}`, kind: "dependsOn" });
      }
    }
    for (const m of g.missing) {
      if (included.has(m.from))
        graph.edges.push({ from: `${prefix}:${m.from}`, to: `${prefix}:${m.to}`, kind: "dependsOn" });
    }
  };
  add("Kustomization", head.graphs.kustomizations, affected.kustomizations, context.kustomizations);
  add("HelmRelease", head.graphs.helmReleases, affected.helmReleases, context.helmReleases);
  return graph;
}
