import { describe, expect, it } from "vitest";
import type { ImpactGraph } from "../../../src/core/impact/types.ts";
import { mermaidFlowchart, mermaidLabel } from "../../../src/core/report/mermaid.ts";

function ks(key: string, affected = false, missing = false): ImpactGraph["nodes"][number] {
  return { id: `ks:${key}`, kind: "Kustomization", key, affected, missing };
}

describe("core/report/mermaid mermaidLabel", () => {
  it.each([
    ["flux-system/apps", "flux-system/apps"],
    ['a"b', "a#34;b"],
    ["a[b]{c}(d)", "a#91;b#93;#123;c#125;#40;d#41;"],
    ["<script>", "#60;script#62;"],
    ["a\nb\r", "a#10;b#13;"],
    ["`md` %%comment; #1 &amp", "#96;md#96; #37;#37;comment#59; #35;1 #38;amp"],
    ["a\u202Eb", "a#8238;b"],
  ])("%j → %s", (input, expected) => {
    expect(mermaidLabel(input)).toBe(expected);
  });

  it("clips long labels", () => {
    expect(mermaidLabel("x".repeat(100))).toBe(`${"x".repeat(80)}…`);
  });
});

describe("core/report/mermaid mermaidFlowchart", () => {
  it("draws nodes, dependency → dependent arrows and classes", () => {
    const graph: ImpactGraph = {
      nodes: [
        ks("flux-system/infra"),
        ks("flux-system/apps", true),
        { id: "hr:web/podinfo", kind: "HelmRelease", key: "web/podinfo", affected: true, missing: false },
        { id: "hr:db/gone", kind: "HelmRelease", key: "db/gone", affected: false, missing: true },
      ],
      edges: [
        { from: "ks:flux-system/apps", to: "ks:flux-system/infra", kind: "dependsOn" },
        { from: "hr:web/podinfo", to: "hr:db/gone", kind: "dependsOn" },
        { from: "hr:web/podinfo", to: "hr:db/gone", kind: "dependsOn" },
      ],
    };
    expect(mermaidFlowchart(graph, { cycles: new Set(["Kustomization flux-system/apps"]) })).toEqual({
      source: [
        "flowchart LR",
        '  n0["Kustomization<br/>flux-system/infra"]',
        '  n1["Kustomization<br/>flux-system/apps"]',
        '  n2(["HelmRelease<br/>web/podinfo"])',
        '  n3(["HelmRelease<br/>db/gone<br/>(missing)"])',
        "  n0 --> n1",
        "  n3 -.-> n2",
        "  classDef affected fill:#fff8c5,stroke:#9a6700,stroke-width:2px",
        "  classDef missing fill:#ffebe9,stroke:#cf222e,stroke-dasharray:4 3",
        "  classDef cycle stroke:#cf222e,stroke-width:3px",
        "  class n1,n2 affected",
        "  class n3 missing",
        "  class n1 cycle",
        "",
      ].join("\n"),
      nodes: 4,
      omittedNodes: 0,
      omittedEdges: 0,
    });
  });

  it("keeps affected nodes first when the graph is cut, and counts what was left out", () => {
    const nodes = [
      ...Array.from({ length: 50 }, (_, i) => ks(`flux-system/neighbour-${i}`)),
      ...Array.from({ length: 20 }, (_, i) => ks(`flux-system/app-${i}`, true)),
    ];
    const edges = Array.from({ length: 50 }, (_, i) => ({
      from: `ks:flux-system/app-${i % 20}`,
      to: `ks:flux-system/neighbour-${i}`,
      kind: "dependsOn" as const,
    }));
    const d = mermaidFlowchart({ nodes, edges }, { maxNodes: 30, maxEdges: 5 });
    expect({ nodes: d.nodes, omittedNodes: d.omittedNodes, omittedEdges: d.omittedEdges }).toEqual({
      nodes: 30,
      omittedNodes: 40,
      omittedEdges: 45,
    });
    for (let i = 0; i < 20; i++) expect(d.source).toContain(`Kustomization<br/>flux-system/app-${i}"]`);
    expect(d.source).toContain('Kustomization<br/>flux-system/neighbour-9"]');
    expect(d.source).not.toContain('neighbour-10"]');
    expect(d.source.split("\n").filter((l) => l.includes("-->"))).toHaveLength(5);
  });
});

describe("core/report/mermaid changed edges", () => {
  const edge = (from: string, to: string, change?: "added" | "removed"): ImpactGraph["edges"][number] => ({
    from: `ks:flux-system/${from}`,
    to: `ks:flux-system/${to}`,
    kind: "dependsOn",
    ...(change ? { change } : {}),
  });

  it("draws added edges solid and labelled, removed edges dashed and labelled, kept edges plain", () => {
    const graph: ImpactGraph = {
      nodes: [ks("flux-system/a"), ks("flux-system/b"), ks("flux-system/c"), ks("flux-system/x", true)],
      edges: [edge("x", "a", "added"), edge("x", "b", "removed"), edge("x", "c")],
    };
    const lines = mermaidFlowchart(graph).source.split("\n");
    expect(lines.filter((l) => l.includes("->"))).toEqual([
      "  n0 -->|added| n3",
      "  n1 -.->|removed| n3",
      "  n2 --> n3",
    ]);
  });

  it("with focus, draws only around the changed edges, with one hop of kept edges when there is room", () => {
    const graph: ImpactGraph = {
      nodes: [
        ks("flux-system/x", true),
        ks("flux-system/a"),
        ks("flux-system/b"),
        ks("flux-system/dependent"),
        ks("flux-system/far"),
        ks("flux-system/other", true),
        ks("flux-system/other-dep"),
      ],
      edges: [
        edge("x", "b", "added"),
        edge("x", "a", "removed"),
        edge("dependent", "x"),
        edge("far", "dependent"),
        edge("other", "other-dep"),
      ],
    };
    const d = mermaidFlowchart(graph, { focus: true });
    expect(d.source).toContain('Kustomization<br/>flux-system/dependent"]');
    expect(d.source).not.toContain("flux-system/far");
    expect(d.source).not.toContain("flux-system/other");
    expect(d.nodes).toBe(4);
    const tight = mermaidFlowchart(graph, { focus: true, maxNodes: 3 });
    expect(tight.source).not.toContain("flux-system/dependent");
    expect(tight.omittedNodes).toBe(0);
  });

  it("with focus and nothing changed or broken, draws the whole graph", () => {
    const graph: ImpactGraph = {
      nodes: [ks("flux-system/a", true), ks("flux-system/b")],
      edges: [edge("a", "b")],
    };
    expect(mermaidFlowchart(graph, { focus: true })).toEqual(mermaidFlowchart(graph));
  });

  it("merges 24 Kustomizations moving their dependsOn from A to B into one node, within 15 nodes", () => {
    const movers = Array.from({ length: 24 }, (_, i) => `app-${String(i).padStart(2, "0")}`);
    const graph: ImpactGraph = {
      nodes: [
        ks("flux-system/infra-a"),
        ks("flux-system/infra-b"),
        ks("flux-system/base"),
        ...movers.map((m) => ks(`flux-system/${m}`, true)),
        ...movers.map((m) => ks(`flux-system/${m}-dependent`)),
      ],
      edges: [
        edge("infra-b", "base"),
        ...movers.flatMap((m) => [
          edge(m, "infra-a", "removed"),
          edge(m, "infra-b", "added"),
          edge(`${m}-dependent`, m),
        ]),
      ],
    };
    const d = mermaidFlowchart(graph, { focus: true, maxNodes: 15 });
    const nodeLines = d.source.split("\n").filter((l) => /^ {2}n\d+[[(]/.test(l));
    expect(nodeLines.length).toBeLessThanOrEqual(15);
    expect(d.nodes).toBe(nodeLines.length);
    const merged = nodeLines.filter((l) => l.includes('"24 Kustomizations"'));
    expect(merged).toHaveLength(1);
    expect(d.source).not.toContain("app-00");
    const id = merged[0]!.trim().split("[")[0];
    const a = nodeLines
      .find((l) => l.includes("flux-system/infra-a"))!
      .trim()
      .split("[")[0];
    const b = nodeLines
      .find((l) => l.includes("flux-system/infra-b"))!
      .trim()
      .split("[")[0];
    const arrows = d.source.split("\n").filter((l) => l.includes("->"));
    expect(arrows).toContain(`  ${a} -.->|removed| ${id}`);
    expect(arrows).toContain(`  ${b} -->|added| ${id}`);
    expect(arrows.filter((l) => l.includes("|removed|")).every((l) => l.includes("-.->"))).toBe(true);
    // The one hop of context around the hubs still fits: what infra-b waits for.
    expect(d.source).toContain('Kustomization<br/>flux-system/base"]');
    expect(d.omittedNodes).toBe(0);
    expect(d.source).toContain(`class ${id} affected`);
  });

  it("keeps a few objects with the same changed edges apart while they fit", () => {
    const graph: ImpactGraph = {
      nodes: [ks("flux-system/a"), ks("flux-system/b", true), ks("flux-system/c", true)],
      edges: [edge("b", "a", "added"), edge("c", "a", "added")],
    };
    const d = mermaidFlowchart(graph, { focus: true });
    expect(d.source).toContain("flux-system/b");
    expect(d.source).toContain("flux-system/c");
    expect(d.source).not.toContain("Kustomizations");
  });
});
