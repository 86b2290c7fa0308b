import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDirectorySnapshot } from "../../src/cli/fs-snapshot.ts";
import { analyzeRepository } from "../../src/core/analyze.ts";
import { graphJson, graphMermaid, graphText } from "../../src/core/report/graph-view.ts";

const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "homelab");

describe.each(["base", "head"])("scenarios/homelab %s", (revision) => {
  const model = analyzeRepository(loadDirectorySnapshot(join(EXAMPLE, revision)));

  it("renders the graph as text", async () => {
    await expect(graphText(model)).toMatchFileSnapshot(`__snapshots__/homelab-${revision}.graph.txt`);
  });

  it("renders the graph as JSON", async () => {
    await expect(`${JSON.stringify(graphJson(model), null, 2)}\n`).toMatchFileSnapshot(
      `__snapshots__/homelab-${revision}.graph.json`,
    );
  });

  it("renders the graph as Mermaid", async () => {
    await expect(graphMermaid(model)).toMatchFileSnapshot(`__snapshots__/homelab-${revision}.graph.mmd`);
  });

  it("reads every file of every app it renders and no file of the disabled service", () => {
    const reads = new Set(model.kustomizations.flatMap((k) => k.build?.reads ?? []));

    expect(reads.has("kubernetes/apps/media/jellyfin/app/values.yaml")).toBe(true);
    expect(reads.has("kubernetes/components/common/namespace-defaults.yaml")).toBe(true);
    expect([...reads].some((f) => f.startsWith("kubernetes/apps/network/cloudflared/"))).toBe(false);
  });
});

describe("scenarios/homelab pull request", () => {
  it("breaks exactly the two dependsOn that pointed at the disabled service", () => {
    const head = analyzeRepository(loadDirectorySnapshot(join(EXAMPLE, "head")));

    const errors = head.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.ref]);

    expect(errors).toEqual([
      ["graph-depends-on-missing", "Kustomization flux-system/immich"],
      ["graph-depends-on-missing", "HelmRelease media/immich"],
    ]);
  });
});
