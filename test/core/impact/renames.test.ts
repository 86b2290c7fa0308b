import { describe, expect, it } from "vitest";
import { renamePairs } from "../../../src/core/impact/renames.ts";
import { service } from "../../support/fixtures/renames.ts";
import { changeContext } from "../checks/helpers.ts";

describe("core/impact/renames", () => {
  it("pairs a removed and an added Kustomization with the same content, with the deletions it explains", () => {
    const ctx = changeContext(service("deduparr"), service("cleanrr"));
    const pairs = renamePairs(ctx.change!.impact);
    expect(pairs.map((p) => ({ ...p, deletions: p.deletions.map((d) => d.ref.display).sort() }))).toEqual([
      {
        kind: "Kustomization",
        cluster: "home",
        from: "flux-system/deduparr",
        to: "flux-system/cleanrr",
        deletions: [
          "ConfigMap media/deduparr-config",
          "Deployment media/deduparr",
          "Kustomization flux-system/deduparr",
        ],
      },
    ]);
  });

  it("leaves out what the new Kustomization does not create again", () => {
    const ctx = changeContext(service("deduparr", ["deduparr-extra", "shared-cache"]), service("cleanrr"));
    const [pair] = renamePairs(ctx.change!.impact);
    const explained = new Set(pair!.deletions);
    const rest = ctx.change!.impact.deletions.filter((d) => !explained.has(d)).map((d) => d.ref.display);
    expect(rest.sort()).toEqual(["ConfigMap media/deduparr-extra", "ConfigMap media/shared-cache"]);
  });

  it("pairs nothing when a Kustomization is only removed", () => {
    const ctx = changeContext(service("deduparr"), { "apps/kustomization.yaml": "resources: []\n" });
    expect(renamePairs(ctx.change!.impact)).toEqual([]);
  });
});
