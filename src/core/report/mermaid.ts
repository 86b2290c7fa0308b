/**
 * A Mermaid `flowchart` of the affected dependsOn subgraph: Kustomizations as boxes, HelmReleases as
 * stadiums, arrows from a dependency to what waits for it (reconcile order), affected objects
 * highlighted, missing targets and cycle members marked. Bounded: at most `maxNodes` nodes (affected
 * first) and `maxEdges` edges, with counts of what was left out. Node ids are generated (`n0`, `n1`…);
 * labels keep only safe characters and encode the rest as Mermaid entities (`#35;`), so quotes,
 * brackets, `<`, backticks, `%%` or newlines in names cannot break out of a label.
 * Edges the change adds are solid and labelled (`-->|added|`), edges it removes dashed (`-.->|removed|`).
 * With `focus`, only the changed and broken edges are drawn (see focusGraph).
 * It returns diagram source; fencing it is the caller's job (`mdFence`).
 */
import type { ImpactGraph } from "../impact/types.ts";

export interface MermaidOptions {
  maxNodes?: number;
  maxEdges?: number;
  /** "Kind key" of nodes that are part of a dependsOn cycle. */
  cycles?: ReadonlySet<string>;
  /** Draw the changed and broken edges only, with one hop of context when there is room (focusGraph). */
  focus?: boolean;
}

/** A node of the drawn graph: an object, or (`count`) several objects merged into one ("24 Kustomizations"). */
export type DiagramNode = ImpactGraph["nodes"][number] & { count?: number };
export interface DiagramGraph {
  nodes: DiagramNode[];
  edges: ImpactGraph["edges"];
}

/** Objects with the same changed edges are merged from this many on, and below it when space runs out. */
const MERGE_AT = 5;

/**
 * The part of the graph worth drawing: the changed edges (added, removed) and the broken ones (to a
 * missing target, between members of a cycle), their endpoints and — while there is room under
 * `maxNodes` — one hop of kept edges around them. Objects whose changed edges are the same (fan-out,
 * fan-in: 24 Kustomizations moving their dependsOn from A to B) are merged into one node
 * "24 Kustomizations". Undefined when no edge is changed or broken (the caller draws the whole graph).
 */
export function focusGraph(
  graph: ImpactGraph,
  options: { cycles?: ReadonlySet<string>; maxNodes?: number } = {},
): DiagramGraph | undefined {
  const maxNodes = options.maxNodes ?? 60;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inCycle = (id: string) => {
    const n = byId.get(id);
    return !!n && !!options.cycles?.has(`${n.kind} ${n.key}`);
  };
  const state = (e: ImpactGraph["edges"][number]) =>
    e.change ??
    (byId.get(e.to)?.missing ? "missing" : inCycle(e.from) && inCycle(e.to) ? "cycle" : undefined);
  const focal: ImpactGraph["edges"] = [];
  const seenEdge = new Set<string>();
  for (const e of graph.edges) {
    const s = state(e);
    const key = `${e.from}\u0000${e.to}\u0000${s}`;
    if (s === undefined || !byId.has(e.from) || !byId.has(e.to) || seenEdge.has(key)) continue;
    seenEdge.add(key);
    focal.push(e);
  }
  if (focal.length === 0) return undefined;

  // Endpoints in graph order; those with the same kind, flags and changed edges form a group.
  const endpoints = new Set(focal.flatMap((e) => [e.from, e.to]));
  const ordered = graph.nodes.filter((n) => endpoints.has(n.id));
  const signature = (n: ImpactGraph["nodes"][number]) =>
    [
      n.kind,
      n.cluster ?? "",
      n.affected,
      n.missing,
      inCycle(n.id),
      ...focal
        .flatMap((e) => [
          ...(e.from === n.id ? [`>${e.to}:${state(e)}`] : []),
          ...(e.to === n.id ? [`<${e.from}:${state(e)}`] : []),
        ])
        .sort(),
    ].join("\u0000");
  const groups = new Map<string, string[]>();
  for (const n of ordered) {
    const sig = signature(n);
    groups.set(sig, [...(groups.get(sig) ?? []), n.id]);
  }
  const merged = new Set<string[]>();
  let count = ordered.length;
  for (const members of groups.values())
    if (members.length >= MERGE_AT) {
      merged.add(members);
      count -= members.length - 1;
    }
  const rest = [...groups.values()].filter((m) => m.length > 1 && !merged.has(m));
  rest.sort((a, b) => b.length - a.length);
  for (const members of rest) {
    if (count <= maxNodes) break;
    merged.add(members);
    count -= members.length - 1;
  }

  const nodes: DiagramNode[] = [];
  const target = new Map<string, string>();
  let groupIndex = 0;
  for (const n of ordered) {
    if (target.has(n.id)) continue;
    const members = [...merged].find((m) => m.includes(n.id));
    if (!members) {
      nodes.push(n);
      target.set(n.id, n.id);
      continue;
    }
    const id = `group:${groupIndex++}`;
    for (const m of members) target.set(m, id);
    nodes.push({
      id,
      kind: n.kind,
      key: `${members.length} ${n.kind}s`,
      ...(n.cluster !== undefined ? { cluster: n.cluster } : {}),
      affected: n.affected,
      missing: n.missing,
      count: members.length,
    });
  }
  const edges: ImpactGraph["edges"] = [];
  const drawn = new Set<string>();
  const push = (e: ImpactGraph["edges"][number], from: string, to: string) => {
    const key = `${from}\u0000${to}\u0000${e.change ?? ""}`;
    if (drawn.has(key)) return;
    drawn.add(key);
    edges.push({ from, to, kind: e.kind, ...(e.change ? { change: e.change } : {}) });
  };
  for (const e of focal) push(e, target.get(e.from)!, target.get(e.to)!);

  // One hop of kept edges around the objects drawn on their own, while there is room.
  const single = new Set(nodes.filter((n) => n.count === undefined).map((n) => n.id));
  const anchors = new Set(single);
  for (const e of graph.edges) {
    if (state(e) !== undefined) continue;
    const fromIn = target.has(e.from);
    const toIn = target.has(e.to);
    if (fromIn && toIn) {
      if (single.has(target.get(e.from)!) && single.has(target.get(e.to)!)) push(e, e.from, e.to);
      continue;
    }
    const anchor = fromIn ? e.from : toIn ? e.to : undefined;
    const other = fromIn ? e.to : e.from;
    const node = byId.get(other);
    if (anchor === undefined || !anchors.has(anchor) || !node || nodes.length >= maxNodes) continue;
    nodes.push(node);
    target.set(other, other);
    single.add(other);
    push(e, e.from, e.to);
  }
  return { nodes, edges };
}

export interface MermaidDiagram {
  source: string;
  nodes: number;
  omittedNodes: number;
  omittedEdges: number;
}

const LABEL_MAX = 80;

/** Text safe inside a quoted Mermaid label: letters, digits and `._/:-` kept, everything else an entity. */
export function mermaidLabel(text: string): string {
  let out = "";
  let n = 0;
  for (const ch of Array.from(text)) {
    if (n++ >= LABEL_MAX) return `${out}…`;
    out += /^[A-Za-z0-9 ._/:-]$/.test(ch) ? ch : `#${ch.codePointAt(0)};`;
  }
  return out;
}

export function mermaidFlowchart(
  whole: ImpactGraph | DiagramGraph,
  options: MermaidOptions = {},
): MermaidDiagram {
  const maxNodes = options.maxNodes ?? 60;
  const maxEdges = options.maxEdges ?? 150;
  const graph: DiagramGraph = (options.focus ? focusGraph(whole, options) : undefined) ?? whole;
  const rank = (n: DiagramNode) => (n.affected ? 0 : n.missing ? 1 : 2);
  const ordered = graph.nodes.map((n, i) => ({ n, i })).sort((a, b) => rank(a.n) - rank(b.n) || a.i - b.i);
  const kept = ordered.slice(0, maxNodes).sort((a, b) => a.i - b.i);
  const idOf = new Map<string, string>();
  const lines = ["flowchart LR"];
  const classes: Record<"affected" | "missing" | "cycle", string[]> = {
    affected: [],
    missing: [],
    cycle: [],
  };
  kept.forEach(({ n }, index) => {
    if (idOf.has(n.id)) return;
    const id = `n${index}`;
    idOf.set(n.id, id);
    const name = n.cluster ? `${n.cluster}: ${n.key}` : n.key;
    const label =
      n.count !== undefined
        ? mermaidLabel(name)
        : `${mermaidLabel(n.kind)}<br/>${mermaidLabel(name)}${n.missing ? "<br/>(missing)" : ""}`;
    lines.push(n.kind === "HelmRelease" ? `  ${id}(["${label}"])` : `  ${id}["${label}"]`);
    if (n.affected) classes.affected.push(id);
    if (n.missing) classes.missing.push(id);
    if (options.cycles?.has(`${n.kind} ${n.key}`)) classes.cycle.push(id);
  });
  const missingIds = new Set(graph.nodes.filter((n) => n.missing).map((n) => n.id));
  const seen = new Set<string>();
  let edges = 0;
  let omittedEdges = 0;
  for (const e of graph.edges) {
    const from = idOf.get(e.from);
    const to = idOf.get(e.to);
    if (from === undefined || to === undefined) {
      omittedEdges++;
      continue;
    }
    const key = `${to}>${from}>${e.change ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (edges >= maxEdges) {
      omittedEdges++;
      continue;
    }
    edges++;
    // dependsOn points from the dependent to its dependency; draw dependency → dependent.
    const arrow =
      e.change === "added"
        ? "-->|added|"
        : e.change === "removed"
          ? "-.->|removed|"
          : missingIds.has(e.to)
            ? "-.->"
            : "-->";
    lines.push(`  ${to} ${arrow} ${from}`);
  }
  lines.push(
    "  classDef affected fill:#fff8c5,stroke:#9a6700,stroke-width:2px",
    "  classDef missing fill:#ffebe9,stroke:#cf222e,stroke-dasharray:4 3",
    "  classDef cycle stroke:#cf222e,stroke-width:3px",
  );
  for (const [name, ids] of Object.entries(classes))
    if (ids.length > 0) lines.push(`  class ${ids.join(",")} ${name}`);
  return {
    source: `${lines.join("\n")}\n`,
    nodes: idOf.size,
    omittedNodes: ordered.slice(maxNodes).reduce((sum, { n }) => sum + (n.count ?? 1), 0),
    omittedEdges,
  };
}
