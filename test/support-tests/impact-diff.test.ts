import { describe, expect, it } from "vitest";
import { diffTrees, headTree } from "../support/conformance/impact-diff.ts";
import { CLUSTER, fluxRepo } from "../support/fixtures/flux-repo.ts";

const dec = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

describe("test/support/conformance/impact-diff.ts", () => {
  it("headTree copies every file into fresh bytes and applies the edits (null deletes)", () => {
    const base = new Map([
      ["a.yaml", new TextEncoder().encode("a: 1\n")],
      ["b.yaml", new TextEncoder().encode("b: 1\n")],
      ["c.yaml", new TextEncoder().encode("c: 1\n")],
    ]);
    const head = headTree(base, { "b.yaml": "b: 2\n", "c.yaml": null, "d.yaml": "d: 1\n" });
    expect([...head.keys()]).toEqual(["a.yaml", "b.yaml", "d.yaml"]);
    expect(head.get("a.yaml")).not.toBe(base.get("a.yaml"));
    expect(dec(head.get("a.yaml"))).toBe("a: 1\n");
    expect(dec(head.get("b.yaml"))).toBe("b: 2\n");
    expect(dec(head.get("d.yaml"))).toBe("d: 1\n");
    expect(dec(base.get("b.yaml"))).toBe("b: 1\n");
  });

  it("a tree diffed against itself reports nothing", () => {
    const files = fluxRepo();
    const out = diffTrees({ base: files, head: headTree(files, {}), options: { searchRoot: CLUSTER } });
    expect(out.baseModel.kustomizations.map((k) => k.key)).toEqual([
      "flux-system/apps",
      "flux-system/flux-system",
    ]);
    expect(out.headModel.kustomizations.map((k) => k.key)).toEqual([
      "flux-system/apps",
      "flux-system/flux-system",
    ]);
    expect(out.changes).toEqual([]);
    expect(out.report.kustomizations).toEqual([]);
    expect(out.report.helmReleases).toEqual([]);
    expect(out.report.deletions).toEqual([]);
    expect(out.comment).toContain("No Flux objects affected");
    expect(Object.keys(out.timings)).toEqual([
      "snapshotsMs",
      "changedFilesMs",
      "baseMs",
      "headMs",
      "changeMs",
      "commentMs",
    ]);
  });

  it("runs the whole pipeline on a change: changed files, affected objects, deletions, comment", () => {
    const files = fluxRepo();
    const path = `${CLUSTER}/apps/configmap.yaml`;
    const out = diffTrees({
      base: files,
      head: headTree(files, { [path]: "" }),
      options: { searchRoot: CLUSTER },
    });
    expect(out.changes).toEqual([{ path, status: "modified" }]);
    expect(
      out.report.kustomizations.map((k) => ({
        key: k.key,
        change: k.change,
        objects: k.objects.map((o) => `${o.ref.display} ${o.change} +${o.added} -${o.removed}`),
      })),
    ).toEqual([
      {
        key: "flux-system/apps",
        change: "modified",
        objects: ["ConfigMap podinfo/podinfo-config removed +0 -7"],
      },
    ]);
    expect(out.report.deletions.map((d) => `${d.ref.display} ${d.action} by ${d.kustomization}`)).toEqual([
      "ConfigMap podinfo/podinfo-config deleted by flux-system/apps",
    ]);
    expect(out.comment).toContain("1 Kustomization affected");
    expect(out.comment).toContain("ConfigMap `podinfo/podinfo-config`");
  });
});
