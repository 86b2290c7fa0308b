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
 *
 * With the base revision: an edge only in head is `added`; a base edge between nodes of the graph that
 * head no longer has is `removed` (the targets an affected object stopped depending on are drawn for
 * that, when they still exist at head).
 */
export function impactGraph(
  head: AnalyzedRepository,
  affected: { kustomizations: readonly string[]; helmReleases: readonly string[] },
  context: { kustomizations: readonly string[]; helmReleases: readonly string[] } = {
    kustomizations: [],
    helmReleases: [],
  },
  base?: AnalyzedRepository,
): ImpactGraph {
  const graph: ImpactGraph = { nodes: [], edges: [] };
  const add = (
    kind: "Kustomization" | "HelmRelease",
    g: DependencyGraph,
    b: DependencyGraph | undefined,
    keys: readonly string[],
    extra: readonly string[],
  ) => {
    const prefix = kind === "Kustomization" ? "ks" : "hr";
    const targets = (d: DependencyGraph, key: string) => [
      ...(d.upstreamEdges.get(key) ?? []),
      ...d.missing.filter((m) => m.from === key).map((m) => m.to),
    ];
    const headPairs = new Set<string>();
    for (const key of g.keys) for (const to of targets(g, key)) headPairs.add(`${key}\u0000${to}`);
    const basePairs = new Set<string>();
    if (b) for (const key of b.keys) for (const to of targets(b, key)) basePairs.add(`${key}\u0000${to}`);
    const included = new Set<string>(extra.filter((k) => g.upstreamEdges.has(k)));
    for (const key of keys) {
      included.add(key);
      for (const up of g.upstreamEdges.get(key) ?? []) included.add(up);
      for (const down of downstreamOf(g, key)) included.add(down);
      // What it depended on at base and no longer does, when that still exists.
      for (const up of b?.upstreamEdges.get(key) ?? [])
        if (g.upstreamEdges.has(up) && !headPairs.has(`${key}\u0000${up}`)) included.add(up);
    }
    const missing = new Set(g.missing.filter((m) => included.has(m.from)).map((m) => m.to));
    const affectedSet = new Set(keys);
    for (const key of [...included].sort()) {
      graph.nodes.push({ id: `${prefix}:${key}`, kind, key, affected: affectedSet.has(key), missing: false });
    }
    for (const key of [...missing].sort()) {
      graph.nodes.push({ id: `${prefix}:${key}`, kind, key, affected: false, missing: true });
    }
    const edge = (from: string, to: string): ImpactGraph["edges"][number] => {
      const e: ImpactGraph["edges"][number] = {
        from: `${prefix}:${from}`,
        to: `${prefix}:${to}`,
        kind: "dependsOn",
      };
      if (b && !basePairs.has(`${from}\u0000${to}`)) e.change = "added";
      return e;
    };
    for (const key of included) {
      for (const up of g.upstreamEdges.get(key) ?? []) {
        if (included.has(up)) graph.edges.push(edge(key, up));
      }
    }
    for (const m of g.missing) {
      if (included.has(m.from)) graph.edges.push(edge(m.from, m.to));
    }
    if (!b) return;
    const drawn = new Set([...included, ...missing]);
    for (const key of [...included].sort()) {
      for (const up of b.upstreamEdges.get(key) ?? []) {
        if (drawn.has(up) && !headPairs.has(`${key}\u0000${up}`))
          graph.edges.push({
            from: `${prefix}:${key}`,
            to: `${prefix}:${up}`,
            kind: "dependsOn",
            change: "removed",
          });
      }
    }
  };
  add(
    "Kustomization",
    head.graphs.kustomizations,
    base?.graphs.kustomizations,
    affected.kustomizations,
    context.kustomizations,
  );
  add(
    "HelmRelease",
    head.graphs.helmReleases,
    base?.graphs.helmReleases,
    affected.helmReleases,
    context.helmReleases,
  );
  return graph;
}
