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
