import { describe, expect, it } from "vitest";
import {
  fluxApiVersions,
  fluxObjectConflicts,
  fluxPathMissing,
  fluxSourceRefs,
} from "../../../src/core/checks/rules/flux-validation.ts";
import { branchContext } from "./helpers.ts";

const hr = (apiVersion: string, source = "kind: HelmRepository\n          name: bitnami") => `
  apiVersion: ${apiVersion}
  kind: HelmRelease
  metadata: {name: web, namespace: default}
  spec:
    interval: 1h
    chart:
      spec:
        chart: nginx
        version: 1.0.0
        sourceRef:
          ${source}
          namespace: flux-system
`;
const repo = `
  apiVersion: source.toolkit.fluxcd.io/v1
  kind: HelmRepository
  metadata: {name: bitnami, namespace: flux-system}
  spec: {interval: 1h, url: "https://charts.bitnami.com/bitnami"}
`;

describe("core/checks/rules/flux-validation", () => {
  it("flags API versions current Flux removed, at the apiVersion line, and leaves current ones alone", () => {
    const ctx = branchContext({
      "apps/hr.yaml": hr("helm.toolkit.fluxcd.io/v2beta1"),
      "apps/repo.yaml": repo,
    });

    expect(fluxApiVersions.run(ctx)).toEqual([
      expect.objectContaining({
        code: "flux-api-removed",
        severity: "error",
        file: "apps/hr.yaml",
        line: 1,
        message: expect.stringContaining("change it to helm.toolkit.fluxcd.io/v2"),
      }),
    ]);
    expect(
      fluxApiVersions.run(
        branchContext({ "apps/hr.yaml": hr("helm.toolkit.fluxcd.io/v2"), "apps/repo.yaml": repo }),
      ),
    ).toEqual([]);
  });

  it("leaves a removed API alone on a cluster whose pinned Flux still serves it", () => {
    // toboshii/home-ops: Flux applied from fluxcd/flux2's own manifests at a tag (v0.31.4, where
    // helm.toolkit.fluxcd.io/v2beta1 is current), not bootstrapped.
    const flux2 = (tag: string) => `
      apiVersion: source.toolkit.fluxcd.io/v1
      kind: GitRepository
      metadata: {name: flux-installation, namespace: flux-system}
      spec: {interval: 10m, url: "https://github.com/fluxcd/flux2", ref: {tag: "${tag}"}}
    `;
    const run = (tag: string) =>
      fluxApiVersions.run(
        branchContext({
          "clusters/home/flux-installation.yaml": flux2(tag),
          "apps/hr.yaml": hr("helm.toolkit.fluxcd.io/v2beta1"),
          "apps/repo.yaml": repo,
        }),
      );

    expect(run("v0.31.4")).toEqual([]);
    expect(run("v2.6.4")).toEqual([]);
    expect(run("v2.7.0")).toEqual([
      expect.objectContaining({ code: "flux-api-removed", file: "apps/hr.yaml" }),
    ]);
    expect(
      branchContext({ "clusters/home/flux-installation.yaml": flux2("v0.31.4") }).model.clusters[0]!.flux,
    ).toEqual(
      expect.objectContaining({
        version: "0.31.4",
        versionSource: "clusters/home/flux-installation.yaml, GitRepository of fluxcd/flux2 at tag v0.31.4",
      }),
    );
  });

  it("flags a kind the Flux API group does not have, with a suggestion", () => {
    const ctx = branchContext({
      "apps/x.yaml":
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomisation\nmetadata: {name: x, namespace: flux-system}\n",
    });

    expect(fluxApiVersions.run(ctx)).toEqual([
      expect.objectContaining({
        code: "flux-unknown-kind",
        line: 2,
        message: expect.stringContaining("did you mean Kustomization?"),
      }),
    ]);
  });

  it("warns about a Kustomization without spec.path", () => {
    const ctx = branchContext({
      "apps/ks.yaml":
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: all, namespace: flux-system}\nspec:\n  interval: 1h\n  prune: false\n  sourceRef: {kind: GitRepository, name: flux-system}\n",
    });

    expect(fluxPathMissing.run(ctx).map((d) => [d.code, d.severity, d.file])).toEqual([
      ["flux-path-missing", "warning", "apps/ks.yaml"],
    ]);
  });

  it("flags chart sources no build defines, at the sourceRef line; the bootstrap GitRepository is implicit", () => {
    const missing = branchContext({ "apps/hr.yaml": hr("helm.toolkit.fluxcd.io/v2") });
    const present = branchContext({
      "apps/hr.yaml": hr("helm.toolkit.fluxcd.io/v2"),
      "apps/repo.yaml": repo,
    });

    expect(fluxSourceRefs.run(missing)).toEqual([
      expect.objectContaining({
        code: "flux-source-not-found",
        file: "apps/hr.yaml",
        line: 10,
        message: expect.stringContaining("HelmRepository flux-system/bitnami, which no build defines"),
      }),
    ]);
    expect(fluxSourceRefs.run(present)).toEqual([]);
  });

  it("flags an object two Kustomizations apply, but not the same object in two files of one build", () => {
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared, namespace: default}\n";
    const second =
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: more, namespace: flux-system}\nspec: {interval: 1h, path: ./more, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n";

    const ctx = branchContext({ "apps/cm.yaml": cm, "apps/more.yaml": second, "more/cm.yaml": cm });

    expect(fluxObjectConflicts.run(ctx)).toEqual([
      expect.objectContaining({
        code: "flux-object-conflict",
        message: expect.stringContaining("flux-system/apps and flux-system/more"),
      }),
    ]);
  });
});
