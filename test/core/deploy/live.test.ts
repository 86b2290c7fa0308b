import { describe, expect, it } from "vitest";
import { apiRefusal, driftOf, joinStatus, liveFluxObject } from "../../../src/core/deploy/index.ts";

describe("the live cluster, read", () => {
  it("reads a listed object's Ready condition, revision and suspension; anything else is not a Flux object", () => {
    const listed = {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name: "apps", namespace: "flux-system" },
      spec: { suspend: true },
      status: {
        conditions: [
          {
            type: "Ready",
            status: "False",
            reason: "BuildFailed",
            message: "kustomize build failed",
            lastTransitionTime: "2026-12-07T09:00:00Z",
          },
        ],
        lastAppliedRevision: "main@sha1:0123456789abcdef0123456789abcdef01234567",
      },
    };
    expect(liveFluxObject(listed)).toEqual({
      kind: "Kustomization",
      namespace: "flux-system",
      name: "apps",
      ready: "False",
      reason: "BuildFailed",
      message: "kustomize build failed",
      since: "2026-12-07T09:00:00Z",
      suspended: true,
      lastAppliedRevision: "main@sha1:0123456789abcdef0123456789abcdef01234567",
    });
    expect(liveFluxObject({ ...listed, status: {} })).toMatchObject({ ready: "Unknown" });
    expect(liveFluxObject({ kind: "GitRepository", metadata: { name: "x" } })).toBeUndefined();
    expect(liveFluxObject("nonsense")).toBeUndefined();
  });

  it("compares revisions with HEAD only for Kustomizations with a commit revision", () => {
    const head = "0123456789abcdef0123456789abcdef01234567";
    const status = joinStatus(
      [
        {
          kind: "Kustomization",
          namespace: "flux-system",
          name: "a",
          ready: "True",
          suspended: false,
          lastAppliedRevision: `main@sha1:${head}`,
        },
        {
          kind: "Kustomization",
          namespace: "flux-system",
          name: "b",
          ready: "True",
          suspended: false,
          lastAppliedRevision: `latest@sha256:${"e".repeat(64)}`,
        },
        {
          kind: "HelmRelease",
          namespace: "media",
          name: "c",
          ready: "True",
          suspended: false,
          lastAppliedRevision: "1.2.3",
        },
      ],
      {
        kustomizations: [
          { namespace: "flux-system", name: "a" },
          { namespace: "flux-system", name: "z" },
        ],
        helmReleases: [],
      },
      head,
    );
    expect(status.rows.map((r) => [r.name, r.atHead, r.inRepository])).toEqual([
      ["c", undefined, false],
      ["a", true, true],
      ["b", undefined, false],
    ]);
    expect(status.notInCluster).toEqual(["Kustomization flux-system/z"]);
  });

  it("reads a refusal's Status, and a body that is not one", () => {
    expect(
      apiRefusal(422, {
        kind: "Status",
        reason: "Invalid",
        message: "bad",
        details: { causes: [{ field: "spec.x", message: "Required value", reason: "FieldValueRequired" }] },
      }),
    ).toEqual({
      code: 422,
      reason: "Invalid",
      message: "bad",
      causes: [{ field: "spec.x", message: "Required value", reason: "FieldValueRequired" }],
    });
    expect(apiRefusal(502, "<html>bad gateway</html>")).toEqual({
      code: 502,
      message: "<html>bad gateway</html>",
      causes: [],
    });
  });

  it("finds drift only in what the base sets, reading quantities as Kubernetes writes them", () => {
    const base = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "x" },
      data: { A: "1", B: "2" },
      spec: { replicas: 1 },
    };
    const live = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "x", uid: "u", resourceVersion: "9" },
      data: { A: "1", B: "3", C: "extra" },
      spec: { replicas: "1" },
      status: { ready: true },
    };
    expect(driftOf(base, live)).toEqual(["data.B"]);
  });
});
