/**
 * dependsOn graphs (one for Kustomizations, one for HelmReleases): edges, transitive upstream
 * ("what it waits for") and downstream ("what waits on it") queries, dangling targets and cycles.
 *
 * Flux detects neither cycles nor missing targets: every member of a cycle, and every object whose
 * dependency does not exist, waits forever (DependencyNotReady, retried every 30 s).
 */
import type { NamespacedName } from "../model.ts";

export interface GraphNode {
  key: string;
  dependsOn: readonly NamespacedName[];
}

export interface DependencyGraph {
  /** Keys of all nodes, in input order. */
  readonly keys: readonly string[];
  /** key → keys it depends on (existing targets only), in declaration order. */
  readonly upstreamEdges: ReadonlyMap<string, readonly string[]>;
  /** key → keys that depend on it directly. */
  readonly downstreamEdges: ReadonlyMap<string, readonly string[]>;
  /** dependsOn entries whose target does not exist. */
  readonly missing: ReadonlyArray<{ from: string; to: string; index: number }>;
  /** Each cycle as a closed path of keys: [a, b, a]. Self-dependency is [a, a]. */
  readonly cycles: ReadonlyArray<readonly string[]>;
}

export function buildDependencyGraph(nodes: readonly GraphNode[]): DependencyGraph {
  const keys = nodes.map((n) => n.key);
  const exists = new Set(keys);
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>(keys.map((k) => [k, []]));
  const missing: Array<{ from: string; to: string; index: number }> = [];
  for (const n of nodes) {
    const targets: string[] = [];
    n.dependsOn.forEach((d, index) => {
      const to = `${d.namespace}/${d.name}`;
      if (!exists.has(to)) {
        missing.push({ from: n.key, to, index });
        return;
      }
      if (!targets.includes(to)) targets.push(to);
      const list = down.get(to)!;
      if (!list.includes(n.key)) list.push(n.key);
    });
    up.set(n.key, targets);
  }
  return { keys, upstreamEdges: up, downstreamEdges: down, missing, cycles: findCycles(keys, up) };
}

/** Transitive closure along `edges` from `start` (excluding it), breadth-first, each key once. */
function closure(edges: ReadonlyMap<string, readonly string[]>, start: string): string[] {
  const seen = new Set<string>([start]);
  const out: string[] = [];
  const queue = [...(edges.get(start) ?? [])];
  while (queue.length > 0) {
    const k = queue.shift()!;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(k);
    queue.push(...(edges.get(k) ?? []));
  }
  return out;
}

/** Everything `key` waits for, directly or transitively. */
export function upstreamOf(graph: DependencyGraph, key: string): string[] {
  return closure(graph.upstreamEdges, key);
}

/** Everything that waits for `key`, directly or transitively. */
export function downstreamOf(graph: DependencyGraph, key: string): string[] {
  return closure(graph.downstreamEdges, key);
}

/** Strongly connected components with a cycle (Tarjan, iterative), each reported as a closed path. */
function findCycles(keys: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of keys) {
    if (index.has(root)) continue;
    const work: Array<{ key: string; next: number }> = [{ key: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const targets = edges.get(frame.key) ?? [];
      if (frame.next < targets.length) {
        const t = targets[frame.next++]!;
        if (!index.has(t)) {
          index.set(t, counter);
          low.set(t, counter++);
          stack.push(t);
          onStack.add(t);
          work.push({ key: t, next: 0 });
        } else if (onStack.has(t)) {
          low.set(frame.key, Math.min(low.get(frame.key)!, index.get(t)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.key, Math.min(low.get(parent.key)!, low.get(frame.key)!));
      if (low.get(frame.key) === index.get(frame.key)) {
        const component: string[] = [];
        let k: string;
        do {
          k = stack.pop()!;
          onStack.delete(k);
          component.push(k);
        } while (k !== frame.key);
        const selfLoop = component.length === 1 && (edges.get(component[0]!) ?? []).includes(component[0]!);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((c) => cyclePath(new Set(c), edges, [...c].sort()[0]!));
}

/** The shortest cycle through `start` inside one strongly connected component, as a closed path. */
function cyclePath(
  members: Set<string>,
  edges: ReadonlyMap<string, readonly string[]>,
  start: string,
): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const k = queue.shift()!;
    for (const t of edges.get(k) ?? []) {
      if (!members.has(t)) continue;
      if (t === start) {
        const path = [start];
        for (let c = k; c !== start; c = parent.get(c)!) path.splice(1, 0, c);
        path.push(start);
        return path;
      }
      if (!parent.has(t)) {
        parent.set(t, k);
        queue.push(t);
      }
    }
  }
  return [start, start];
}
