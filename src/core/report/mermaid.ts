/**
 * A Mermaid `flowchart` of the affected dependsOn subgraph: Kustomizations as boxes, HelmReleases as
 * stadiums, arrows from a dependency to what waits for it (reconcile order), affected objects
 * highlighted, missing targets and cycle members marked. Bounded: at most `maxNodes` nodes (affected
 * first) and `maxEdges` edges, with counts of what was left out. Node ids are generated (`n0`, `n1`…);
 * labels keep only safe characters and encode the rest as Mermaid entities (`#35;`), so quotes,
 * brackets, `<`, backticks, `%%` or newlines in names cannot break out of a label.
 * It returns diagram source; fencing it is the caller's job (`mdFence`).
 */
import type { ImpactGraph } from "../impact/types.ts";

export interface MermaidOptions {
  maxNodes?: number;
  maxEdges?: number;
  /** "Kind key" of nodes that are part of a dependsOn cycle. */
  cycles?: ReadonlySet<string>;
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

export function mermaidFlowchart(graph: ImpactGraph, options: MermaidOptions = {}): MermaidDiagram {
  const maxNodes = options.maxNodes ?? 60;
  const maxEdges = options.maxEdges ?? 150;
  const rank = (n: ImpactGraph["nodes"][number]) => (n.affected ? 0 : n.missing ? 1 : 2);
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
    const label = `${mermaidLabel(n.kind)}<br/>${mermaidLabel(name)}${n.missing ? "<br/>(missing)" : ""}`;
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
    const key = `${to}>${from}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (edges >= maxEdges) {
      omittedEdges++;
      continue;
    }
    edges++;
    // dependsOn points from the dependent to its dependency; draw dependency → dependent.
    lines.push(missingIds.has(e.to) ? `  ${to} -.-> ${from}` : `  ${to} --> ${from}`);
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
    omittedNodes: graph.nodes.length - kept.length,
    omittedEdges,
  };
}
