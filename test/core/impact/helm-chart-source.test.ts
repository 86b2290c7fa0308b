import { describe, expect, it } from "vitest";
import { findSourceObject, sourceFinder } from "../../../src/core/impact/helm-chart-source.ts";
import type { JsonObject } from "../../../src/core/kustomize/resource.ts";

const source = (kind: string, namespace: string, name: string, url: string): JsonObject => ({
  apiVersion: "source.toolkit.fluxcd.io/v1",
  kind,
  metadata: { name, namespace },
  spec: { url },
});

describe("core/impact/helm-chart-source sourceFinder", () => {
  it("finds what findSourceObject finds: source nodes first (the first of two), then the builds", () => {
    const first = source("OCIRepository", "flux-system", "app", "oci://one");
    const second = source("OCIRepository", "flux-system", "app", "oci://two");
    const rendered = source("HelmRepository", "default", "charts", "https://charts");
    const model = {
      sources: [first, second].map((object) => ({
        kind: "OCIRepository" as const,
        namespace: "flux-system",
        name: "app",
        key: "OCIRepository/flux-system/app",
        kustomization: "flux-system/apps",
        object,
      })),
      kustomizations: [{ build: { objects: [{ object: rendered }] } }],
    } as unknown as Parameters<typeof sourceFinder>[0];
    const find = sourceFinder(model);
    const refs = [
      { kind: "OCIRepository", namespace: "flux-system", name: "app" },
      { kind: "HelmRepository", namespace: "default", name: "charts" },
      { kind: "HelmRepository", namespace: "default", name: "missing" },
      { kind: "GitRepository", namespace: "flux-system", name: "app" },
    ];
    for (const ref of refs) {
      expect(find(ref)).toBe(findSourceObject(model, ref));
      expect(find(ref)).toBe(findSourceObject(model, ref)); // asked again: the same answer
    }
    expect(find(refs[0]!)).toBe(first);
    expect(find(refs[1]!)).toBe(rendered);
    expect(find(refs[2]!)).toBeUndefined();
  });
});
