import { describe, expect, it } from "vitest";
import { emulateFluxLocal, UNIFIED_GIT_URL } from "../support/conformance/flux-local-emulation.ts";
import { parseSources } from "../support/conformance/flux-local-rows.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => new TextDecoder().decode(b);

const files = new Map<string, Uint8Array>([
  [
    "tests/testdata/c/cluster.yaml",
    enc(
      [
        "---",
        "apiVersion: source.toolkit.fluxcd.io/v1",
        "kind: GitRepository",
        "metadata:",
        "  name: home-ops",
        "  namespace: flux-system",
        "spec:",
        "  url: ssh://git@github.com/example/home-ops",
        "  ignore: |",
        "    /*",
        "    !/kubernetes",
        "---",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1",
        "kind: Kustomization",
        "metadata:",
        "  name: infra",
        "  namespace: controllers",
        "spec:",
        "  interval: 1h",
        "  prune: yes",
        "  sourceRef:",
        "    kind: GitRepository",
        "    name: flux-system",
        "",
      ].join("\n"),
    ),
  ],
  [
    "tests/testdata/c/flux-system/gotk-sync.yaml",
    enc(
      [
        "apiVersion: source.toolkit.fluxcd.io/v1",
        "kind: GitRepository",
        "metadata:",
        "  name: flux-system",
        "  namespace: flux-system",
        "spec:",
        "  url: ssh://git@github.com/allenporter/flux-local",
        "",
      ].join("\n"),
    ),
  ],
  [
    "tests/testdata/c/oci.yaml",
    enc(
      [
        "apiVersion: kustomize.toolkit.fluxcd.io/v1",
        "kind: Kustomization",
        "metadata:",
        "  name: tenants",
        "  namespace: flux-system",
        "spec:",
        "  path: ./tenants/overlays/",
        "  sourceRef:",
        "    kind: OCIRepository",
        "    name: cluster",
        "",
      ].join("\n"),
    ),
  ],
  ["tests/testdata/other/x.yaml", enc("kind: GitRepository\nmetadata: {name: x}\nspec: {ignore: '*'}\n")],
]);

describe("test/support/conformance/flux-local-emulation.ts", () => {
  it("rewrites the snapshot the way flux-local reads it, and logs each deviation", () => {
    const r = emulateFluxLocal(files, {
      clusterDir: "tests/testdata/c",
      root: "tests/testdata/c",
      sources: parseSources("cluster=tests/testdata/c"),
    });
    expect(r.reasons).toEqual([
      "flux-local ignores spec.ignore of GitRepository flux-system/home-ops (Flux filters the artifact with it)",
      "flux-local builds every GitRepository from the local tree (Flux fetches each URL: ssh://git@github.com/allenporter/flux-local, ssh://git@github.com/example/home-ops)",
      "controllers/infra has no spec.path: flux-local builds --path tests/testdata/c, Flux builds the source root",
      "--sources maps OCIRepository cluster to tests/testdata/c: flux-local builds flux-system/tenants from ./tests/testdata/c/tenants/overlays (Flux pulls the artifact)",
    ]);
    expect(dec(r.files.get("tests/testdata/c/cluster.yaml"))).toBe(
      [
        "---",
        "apiVersion: source.toolkit.fluxcd.io/v1",
        "kind: GitRepository",
        "metadata:",
        "  name: home-ops",
        "  namespace: flux-system",
        "spec:",
        `  url: "${UNIFIED_GIT_URL}"`,
        "---",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1",
        "kind: Kustomization",
        "metadata:",
        "  name: infra",
        "  namespace: controllers",
        "spec:",
        "  interval: 1h",
        "  prune: yes",
        "  sourceRef:",
        "    kind: GitRepository",
        "    name: flux-system",
        '  path: "./tests/testdata/c"',
        "",
      ].join("\n"),
    );
    expect(dec(r.files.get("tests/testdata/c/oci.yaml"))).toBe(
      [
        "---",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1",
        "kind: Kustomization",
        "metadata:",
        "  name: tenants",
        "  namespace: flux-system",
        "spec:",
        '  path: "./tests/testdata/c/tenants/overlays"',
        "  sourceRef:",
        "    kind: GitRepository",
        "    name: cluster",
        "",
      ].join("\n"),
    );
    expect(r.files.get("tests/testdata/other/x.yaml")).toBe(files.get("tests/testdata/other/x.yaml"));
  });

  it("changes nothing when the cluster has no deviation to emulate", () => {
    const only = new Map([...files].filter(([p]) => p.includes("gotk-sync")));
    const r = emulateFluxLocal(only, {
      clusterDir: "tests/testdata/c",
      root: "tests/testdata/c",
      sources: null,
    });
    expect(r.reasons).toEqual([]);
    expect(r.files).toEqual(only);
  });
});
