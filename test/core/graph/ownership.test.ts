import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDirectorySnapshot } from "../../../src/cli/fs-snapshot.ts";
import { analyzeRepository } from "../../../src/core/analyze.ts";
import {
  kustomizationsReading,
  kustomizationsReadingUnder,
  valuesSources,
} from "../../../src/core/graph/ownership.ts";

const base = analyzeRepository(
  loadDirectorySnapshot(join(import.meta.dirname, "..", "..", "..", "examples", "homelab", "base")),
);
const keys = (list: Array<{ key: string }>) => list.map((k) => k.key);

describe("core/graph/ownership", () => {
  it("maps a file to the Kustomizations whose build reads it", () => {
    expect(keys(kustomizationsReading(base, "kubernetes/apps/media/jellyfin/app/values.yaml"))).toEqual([
      "flux-system/jellyfin",
    ]);
    expect(keys(kustomizationsReading(base, "kubernetes/apps/media/jellyfin/ks.yaml"))).toEqual([
      "flux-system/cluster-apps",
    ]);
    expect(keys(kustomizationsReading(base, "kubernetes/flux/cluster/ks.yaml"))).toEqual([
      "flux-system/flux-system",
    ]);
  });

  it("maps a shared component to every namespace that uses it", () => {
    expect(keys(kustomizationsReading(base, "kubernetes/components/common/namespace-defaults.yaml"))).toEqual(
      ["flux-system/cluster-apps"],
    );
    expect(keys(kustomizationsReadingUnder(base, "kubernetes/apps/media"))).toEqual([
      "flux-system/cluster-apps",
      "flux-system/immich",
      "flux-system/jellyfin",
    ]);
  });

  it("counts a new manifest in a directory Flux generates a kustomization for", () => {
    expect(keys(kustomizationsReading(base, "kubernetes/flux/cluster/new-ks.yaml"))).toEqual([
      "flux-system/flux-system",
    ]);
    expect(keys(kustomizationsReading(base, "kubernetes/apps/media/jellyfin/app/new.yaml"))).toEqual([]);
  });

  it("resolves a HelmRelease's valuesFrom to the rendered ConfigMap and the file it is generated from", () => {
    const jellyfin = base.helmReleases.find((h) => h.key === "media/jellyfin")!;

    const sources = valuesSources(base, jellyfin);

    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatchObject({
      kind: "ConfigMap",
      namespace: "media",
      kustomization: "flux-system/jellyfin",
    });
    expect(sources[0]?.name).toMatch(/^jellyfin-values-[a-z0-9]{10}$/);
    expect(sources[0]?.origin?.file).toBe("kubernetes/apps/media/jellyfin/app/kustomization.yaml");
  });
});
