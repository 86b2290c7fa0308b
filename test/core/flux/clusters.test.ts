import { describe, expect, it } from "vitest";
import { artifactSnapshot } from "../../../src/core/flux/artifact.ts";
import type { ClusterOptions } from "../../../src/core/flux/clusters.ts";
import { clusterNameOf, detectClusters } from "../../../src/core/flux/clusters.ts";
import { scanFluxObjects } from "../../../src/core/flux/raw-scan.ts";
import { createMemorySnapshot } from "../../../src/core/snapshot/repo-snapshot.ts";
import { dedent } from "../../support/fixtures/text.ts";

function detect(files: Record<string, string>, options: ClusterOptions = {}) {
  const snapshot = createMemorySnapshot(
    Object.fromEntries(Object.entries(files).map(([k, v]) => [k, dedent(v)])),
  );
  return detectClusters(snapshot, scanFluxObjects(snapshot), {
    excluded: new Set(artifactSnapshot(snapshot, undefined).excluded),
    ...options,
  });
}

const ks = (
  name: string,
  path: string,
  source = "{kind: GitRepository, name: flux-system, namespace: flux-system}",
) => `
  apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: Kustomization
  metadata: {name: ${name}, namespace: flux-system}
  spec: {interval: 1h, prune: true, path: ${path}, sourceRef: ${source}}
`;

const instanceHr = (values: string) => `
  apiVersion: helm.toolkit.fluxcd.io/v2
  kind: HelmRelease
  metadata: {name: flux-instance, namespace: flux-system}
  spec:
    interval: 1h
    chartRef: {kind: OCIRepository, name: flux-instance}
${values}
`;

describe("core/flux/clusters entrypoints", () => {
  it("reads a flux-instance HelmRelease's sync from a Secret's values key with targetPath", () => {
    const sync = Buffer.from("clusters/home").toString("base64");
    const { clusters } = detect({
      "infra/flux/kustomization.yaml": "resources: [hr.yaml, secret.yaml]\n",
      "infra/flux/hr.yaml": instanceHr(`
    valuesFrom:
      - {kind: Secret, name: sync-path, valuesKey: path, targetPath: instance.sync.path}
    values:
      instance: {sync: {kind: GitRepository, url: "https://github.com/o/r"}}
`),
      "infra/flux/secret.yaml": `
        apiVersion: v1
        kind: Secret
        metadata: {name: sync-path, namespace: flux-system}
        data: {path: ${sync}}
      `,
      "clusters/home/apps.yaml": ks("apps", "./apps"),
    });
    expect(clusters.map((c) => [c.name, c.rule, c.path])).toEqual([
      ["home", "flux-instance", "clusters/home"],
    ]);
  });

  it("merges the chart's values files first, then valuesFrom, then inline values", () => {
    const { clusters } = detect({
      "flux/hr.yaml": `
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata: {name: flux, namespace: flux-system}
        spec:
          interval: 1h
          chart:
            spec:
              chart: flux-instance
              sourceRef: {kind: GitRepository, name: charts}
              valuesFiles: [flux/values-base.yaml, flux/values-prod.yaml]
          values:
            instance: {distribution: {version: "2.9.x"}}
      `,
      "flux/values-base.yaml": "instance:\n  sync: {kind: GitRepository, path: clusters/staging}\n",
      "flux/values-prod.yaml": "instance:\n  sync: {path: clusters/prod}\n",
      "clusters/prod/apps.yaml": ks("apps", "./apps"),
    });
    expect(clusters.map((c) => [c.name, c.path])).toEqual([["prod", "clusters/prod"]]);
    expect(clusters[0]?.instanceSpec).toMatchObject({ distribution: { version: "2.9.x" } });
  });

  it("finds a FluxInstance inside a ResourceSet", () => {
    const { clusters } = detect({
      "flux/resourceset.yaml": `
        apiVersion: fluxcd.controlplane.io/v1
        kind: ResourceSet
        metadata: {name: flux, namespace: flux-system}
        spec:
          resources:
            - apiVersion: fluxcd.controlplane.io/v1
              kind: FluxInstance
              metadata: {name: flux, namespace: flux-system}
              spec: {distribution: {version: "2.8.x"}, sync: {kind: GitRepository, url: "https://x/r", path: ./clusters/edge}}
      `,
      "clusters/edge/apps.yaml": ks("apps", "./apps"),
    });
    expect(clusters.map((c) => [c.name, c.rule, c.path])).toEqual([
      ["edge", "flux-instance", "clusters/edge"],
    ]);
  });

  it("takes every bootstrap folder, placeholders included, as its own cluster", () => {
    const { clusters } = detect({
      "clusters/a/flux-system/gotk-sync.yaml":
        "# This file will be generated automatically by flux bootstrap.\n",
      "clusters/b/flux-system/gotk-components.yaml": "# generated\n",
      "clusters/a/apps.yaml": ks("apps", "./apps/a"),
      "clusters/b/apps.yaml": ks("apps", "./apps/b"),
      ".archive/clusters/old/flux-system/gotk-sync.yaml": "# old\n",
    });
    expect(clusters.map((c) => [c.name, c.rule, c.path])).toEqual([
      ["a", "bootstrap-layout", "clusters/a"],
      ["b", "bootstrap-layout", "clusters/b"],
    ]);
  });

  it("falls back to root Kustomizations outside archive and ignored folders, and says it guessed", () => {
    const { clusters, diagnostics } = detect({
      ".sourceignore": "legacy/\n",
      "deploy/root.yaml": ks("root", "./deploy/apps"),
      "deploy/apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n",
      "archive/old.yaml": ks("old", "./nowhere"),
      "legacy/ks.yaml": ks("legacy", "./nowhere"),
    });
    expect(clusters.map((c) => [c.name, c.rule, c.file])).toEqual([["default", "roots", "deploy/root.yaml"]]);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: "flux-entrypoint-fallback",
        severity: "warning",
        message: expect.stringContaining("this is a guess"),
      }),
    ]);
  });

  it("says plainly when nothing can start the analysis", () => {
    const { clusters, diagnostics } = detect({ "archive/old.yaml": ks("old", "./x") });
    expect(clusters).toEqual([]);
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([["flux-entrypoint-not-found", "error"]]);
    expect(diagnostics[0]?.message).toContain("1 skipped");
  });

  it("names clusters from clusters/<name>, else the folder, and keeps names unique", () => {
    expect(clusterNameOf("kubernetes/clusters/main")).toBe("main");
    expect(clusterNameOf("kubernetes/flux/cluster", "kubernetes/clusters/home/flux.yaml")).toBe("home");
    expect(clusterNameOf("setup/flux/cluster")).toBe("cluster");
    const { clusters } = detect({}, { clusterPaths: ["a/cluster", "b/cluster"] });
    expect(clusters.map((c) => [c.name, c.rule])).toEqual([
      ["cluster", "cluster-path"],
      ["cluster-2", "cluster-path"],
    ]);
  });
});

describe("core/flux/clusters sources", () => {
  const gitRepo = (name: string, url: string, ref: string) => `
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: GitRepository
    metadata: {name: ${name}, namespace: flux-system}
    spec: {interval: 1h, url: "${url}", ref: ${ref}}
  `;
  const instance = (url: string, ref: string) => `
    apiVersion: fluxcd.controlplane.io/v1
    kind: FluxInstance
    metadata: {name: flux, namespace: flux-system}
    spec: {sync: {kind: GitRepository, url: "${url}", ref: ${ref}, path: clusters/main}}
  `;
  const resolve = (files: Record<string, string>, kind: string, name: string, options: ClusterOptions = {}) =>
    detect(files, options).clusters[0]!.resolveSource({ kind, name, namespace: "flux-system" });

  it("is this repository when URL (any form) and ref match the cluster's sync", () => {
    const files = {
      "flux/instance.yaml": instance("https://github.com/Owner/Repo", "refs/heads/main"),
      "flux/a.yaml": gitRepo("ssh", "ssh://git@github.com/owner/repo.git", "{branch: main}"),
      "flux/b.yaml": gitRepo("scp", "git@github.com:owner/repo.git", "{branch: main}"),
      "flux/c.yaml": gitRepo("tag", "https://github.com/owner/repo", "{tag: v1}"),
      "flux/d.yaml": gitRepo("other", "https://github.com/owner/other", "{branch: main}"),
    };
    expect(resolve(files, "GitRepository", "ssh")).toEqual({ root: "" });
    expect(resolve(files, "GitRepository", "scp")).toEqual({ root: "" });
    expect(resolve(files, "GitRepository", "tag")).toEqual({
      external: expect.stringContaining("another ref of this repository"),
    });
    expect(resolve(files, "GitRepository", "other")).toEqual({
      external: expect.stringContaining("is another repository"),
    });
    expect(resolve(files, "GitRepository", "missing")).toEqual({
      root: "",
      assumed:
        "GitRepository flux-system/missing is not defined in the repository; its files are read from this repository",
    });
    expect(resolve(files, "Bucket", "b")).toEqual({ external: expect.stringContaining("not a source") });
  });

  it("cannot tell without a URL of this repository, and can with the adapter's", () => {
    const files = {
      "clusters/main/flux-system/gotk-sync.yaml": "# placeholder\n",
      "flux/t.yaml": gitRepo("tenant", "https://github.com/owner/repo", "{branch: main}"),
    };
    expect(resolve(files, "GitRepository", "tenant")).toEqual({
      external: expect.stringContaining("cannot tell whether it is this repository"),
    });
    expect(
      resolve(files, "GitRepository", "tenant", {
        repository: { url: "git@github.com:owner/repo", branch: "main" },
      }),
    ).toEqual({ root: "" });
  });

  it("maps an OCI artifact a workflow pushes to the folder it is pushed from", () => {
    const files = {
      "clusters/main/flux-system/gotk-sync.yaml": "# placeholder\n",
      ".github/workflows/oci.yaml": `
        env:
          OCI_REPO: "oci://ghcr.io/owner/manifests/\${{ github.event.repository.name }}"
        jobs:
          push:
            steps:
              - run: |
                  flux push artifact "$OCI_REPO:$(git rev-parse --short HEAD)" \\
                    --path="./deploy" \\
                    --source="x"
      `,
      "flux/oci.yaml": `
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: OCIRepository
        metadata: {name: apps, namespace: flux-system}
        spec: {interval: 1h, url: oci://ghcr.io/owner/manifests/home-ops, ref: {tag: main}}
      `,
      "flux/vendor.yaml": `
        apiVersion: source.toolkit.fluxcd.io/v1
        kind: OCIRepository
        metadata: {name: vendor, namespace: flux-system}
        spec: {interval: 1h, url: oci://ghcr.io/vendor/manifests, ref: {tag: v1}}
      `,
    };
    expect(resolve(files, "OCIRepository", "apps")).toEqual({ root: "deploy" });
    expect(resolve(files, "OCIRepository", "vendor")).toEqual({
      external: expect.stringContaining("no workflow of this repository pushes"),
    });
  });

  it("maps an ExternalArtifact only when its generator keeps the repository's layout", () => {
    const generator = (copies: string) => `
      apiVersion: source.extensions.fluxcd.io/v1beta1
      kind: ArtifactGenerator
      metadata: {name: gen, namespace: flux-system}
      spec:
        sources: [{alias: repo, kind: GitRepository, name: flux-system}]
        artifacts:
          - name: apps
            copy: ${copies}
    `;
    const files = (copies: string) => ({
      "clusters/main/flux-system/gotk-sync.yaml": "# placeholder\n",
      "clusters/main/gen.yaml": generator(copies),
    });
    expect(
      resolve(
        files(
          '[{from: "@repo/apps/base/**", to: "@artifact/base/"}, {from: "@repo/apps/prod/**", to: "@artifact/prod/"}]',
        ),
        "ExternalArtifact",
        "apps",
      ),
    ).toEqual({ root: "apps" });
    expect(
      resolve(
        files(
          '[{from: "@repo/apps/base/**", to: "@artifact/base/"}, {from: "@repo/other/prod/**", to: "@artifact/prod/"}]',
        ),
        "ExternalArtifact",
        "apps",
      ),
    ).toEqual({ external: expect.stringContaining("layout that differs") });
    expect(resolve(files("[]"), "ExternalArtifact", "unknown")).toEqual({
      external: expect.stringContaining("produced outside the repository"),
    });
  });
});

describe("core/flux/clusters bootstrap and roots sources", () => {
  const gitRepo = (name: string, url: string, ref: string) => `
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: GitRepository
    metadata: {name: ${name}, namespace: flux-system}
    spec: {interval: 1h, url: "${url}", ref: ${ref}}
  `;

  it("takes the URL and branch of gotk-sync.yaml's GitRepository as this repository", () => {
    const { clusters } = detect({
      "clusters/prod/flux-system/gotk-sync.yaml": `${gitRepo("flux-system", "ssh://git@github.com/o/r", "{branch: main}")}---\n${ks("flux-system", "./clusters/prod")}`,
      "clusters/prod/tenant.yaml": gitRepo("same", "https://github.com/o/r.git", "{branch: main}"),
      "clusters/prod/other.yaml": gitRepo("dev", "https://github.com/o/r.git", "{branch: dev}"),
    });
    const resolve = clusters[0]!.resolveSource;
    expect(clusters.map((c) => c.rule)).toEqual(["gotk-sync"]);
    expect(resolve({ kind: "GitRepository", name: "same", namespace: "flux-system" })).toEqual({ root: "" });
    expect(resolve({ kind: "GitRepository", name: "dev", namespace: "flux-system" })).toEqual({
      external: expect.stringContaining("another ref of this repository"),
    });
  });

  it("without a declared entrypoint, the roots' own source is this repository, with its URL and ref", () => {
    const { clusters } = detect({
      "flux/repo.yaml": gitRepo("home", "ssh://git@github.com/o/home", "{branch: main}"),
      "flux/root.yaml": ks("cluster", "./flux/apps", "{kind: GitRepository, name: home}"),
      "flux/apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n",
      "flux/other.yaml": gitRepo("twin", "https://github.com/o/home", "{branch: main}"),
    });
    const resolve = clusters[0]!.resolveSource;
    expect(resolve({ kind: "GitRepository", name: "home", namespace: "flux-system" })).toEqual({ root: "" });
    expect(resolve({ kind: "GitRepository", name: "twin", namespace: "flux-system" })).toEqual({ root: "" });
  });
});

describe("core/flux/clusters templates", () => {
  it("a FluxInstance whose sync is still a template (a bootstrap script fills it in) is not a cluster", () => {
    const { clusters } = detect({
      "bootstrap/flux-instance.yaml": `
        apiVersion: fluxcd.controlplane.io/v1
        kind: FluxInstance
        metadata: {name: flux, namespace: flux-system}
        spec: {sync: {kind: GitRepository, url: "https://github.com/o/r", path: "kubernetes/clusters/\${CLUSTER}"}}
      `,
      "kubernetes/clusters/main/flux-system/gotk-sync.yaml": "# placeholder\n",
    });
    expect(clusters.map((c) => [c.name, c.rule])).toEqual([["main", "bootstrap-layout"]]);
  });
});
