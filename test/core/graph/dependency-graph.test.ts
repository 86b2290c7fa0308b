import { describe, expect, it } from "vitest";
import { buildDependencyGraph, downstreamOf, upstreamOf } from "../../../src/core/graph/dependency-graph.ts";

const node = (key: string, ...deps: string[]) => ({
  key,
  dependsOn: deps.map((d) => ({ namespace: d.split("/")[0]!, name: d.split("/")[1]! })),
});

describe("core/graph/dependency-graph", () => {
  it("answers transitive upstream and downstream queries", () => {
    const g = buildDependencyGraph([
      node("fs/cert-manager"),
      node("fs/issuers", "fs/cert-manager"),
      node("fs/ingress", "fs/issuers"),
      node("fs/app", "fs/ingress", "fs/db"),
      node("fs/db"),
    ]);

    expect(upstreamOf(g, "fs/app")).toEqual(["fs/ingress", "fs/db", "fs/issuers", "fs/cert-manager"]);
    expect(downstreamOf(g, "fs/cert-manager")).toEqual(["fs/issuers", "fs/ingress", "fs/app"]);
    expect(downstreamOf(g, "fs/app")).toEqual([]);
    expect(g.cycles).toEqual([]);
    expect(g.missing).toEqual([]);
  });

  it("reports dependsOn targets that do not exist", () => {
    const g = buildDependencyGraph([node("fs/app", "fs/gone", "fs/db"), node("fs/db")]);

    expect(g.missing).toEqual([{ from: "fs/app", to: "fs/gone", index: 0 }]);
    expect(upstreamOf(g, "fs/app")).toEqual(["fs/db"]);
  });

  it("reports each cycle once as a closed path, including self-dependency", () => {
    const g = buildDependencyGraph([
      node("ns/a", "ns/b"),
      node("ns/b", "ns/c"),
      node("ns/c", "ns/a"),
      node("ns/self", "ns/self"),
      node("ns/free", "ns/a"),
    ]);

    expect(g.cycles).toEqual([
      ["ns/a", "ns/b", "ns/c", "ns/a"],
      ["ns/self", "ns/self"],
    ]);
    expect(downstreamOf(g, "ns/a")).toEqual(["ns/c", "ns/free", "ns/b"]);
  });

  it("handles long chains without recursion limits", () => {
    const nodes = Array.from({ length: 20000 }, (_, i) =>
      i === 0 ? node("n/0") : node(`n/${i}`, `n/${i - 1}`),
    );

    const g = buildDependencyGraph(nodes);

    expect(upstreamOf(g, "n/19999")).toHaveLength(19999);
    expect(g.cycles).toEqual([]);
  });
});
