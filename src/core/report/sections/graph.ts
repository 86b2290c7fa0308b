/**
 * The dependency diagram, only when dependsOn edges change or are broken (`dependsOnMatters`): the
 * changed and broken edges of the affected dependsOn subgraph, their endpoints and one hop around them
 * (at most 15 nodes; objects sharing the same changed edges merged into one "24 Kustomizations" node) as
 * a Mermaid flowchart in a fenced block, with a line saying how many nodes or edges were left out when
 * the graph was cut. One budget block
 * (group "graph"): the whole diagram stays or goes.
 */
import type { ImpactReport } from "../../impact/types.ts";
import type { Block } from "../budget.ts";
import { mdFence } from "../markdown.ts";
import { mermaidFlowchart } from "../mermaid.ts";
import { plural } from "./common.ts";

/**
 * True when the diagram earns its place: a dependsOn list changed, or an edge is broken (a missing
 * target, a cycle, dependents left waiting by a disabled service). A plain version bump draws nothing.
 */
export function dependsOnMatters(report: ImpactReport): boolean {
  return (
    report.kustomizations.some(
      (k) => k.specChanges.includes("dependsOn") || k.missingDependencies.length > 0 || k.inCycle,
    ) ||
    report.helmReleases.some((h) => h.dependsOnChanged || h.missingDependencies.length > 0 || h.inCycle) ||
    report.disabledServices.some((s) => s.strandedDependents.length > 0) ||
    report.graph.nodes.some((n) => n.missing)
  );
}

export function graphBlocks(report: ImpactReport): Block[] {
  if (report.graph.nodes.length === 0 || report.graph.edges.length === 0) return [];
  if (!dependsOnMatters(report)) return [];
  const cycles = new Set([
    ...report.kustomizations.filter((k) => k.inCycle).map((k) => `Kustomization ${k.key}`),
    ...report.helmReleases.filter((h) => h.inCycle).map((h) => `HelmRelease ${h.key}`),
  ]);
  const diagram = mermaidFlowchart(report.graph, { cycles, maxNodes: 15, focus: true });
  const cut: string[] = [];
  if (diagram.omittedNodes > 0) cut.push(plural(diagram.omittedNodes, "object"));
  if (diagram.omittedEdges > 0) cut.push(plural(diagram.omittedEdges, "dependsOn edge"));
  const note = cut.length > 0 ? `\n${cut.join(" and ")} not drawn (the diagram is limited in size).\n` : "";
  const labelled = report.graph.edges.some((e) => e.change !== undefined)
    ? " Arrows labelled added are dependsOn entries this change adds; dashed arrows labelled removed, entries it removes."
    : "";
  return [
    {
      text: `#### Dependency graph\n\nArrows point from a dependency to what waits for it; affected objects are highlighted.${labelled}\n\n`,
      needs: ["graph"],
    },
    { text: `${mdFence(diagram.source, "mermaid")}${note}\n`, group: "graph" },
  ];
}
