import { describe, expect, it } from "vitest";
import { type Analyzer, evaluateChecks, rowDiff, summarize } from "../support/conformance/flux-local.ts";
import type { FluxLocalCheck } from "../support/conformance/flux-local-checks.ts";
import { ks, model } from "../support/fixtures/model.ts";

const enc = (s: string) => new TextEncoder().encode(s);

const files = new Map<string, Uint8Array>([
  [
    "tests/testdata/c/tenants.yaml",
    enc(
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: tenants\n  namespace: flux-system\n" +
        "spec:\n  path: ./tenants/overlays/\n  sourceRef:\n    kind: OCIRepository\n    name: cluster\n",
    ),
  ],
]);

/** Stands in for analyzeRepository: renders `tenants` locally only once its sourceRef points at Git. */
const fakeAnalyzer: Analyzer = (snapshot, options) => {
  if (options.searchRoot === "boom") throw new Error("engine exploded");
  const text = snapshot.readText("tests/testdata/c/tenants.yaml");
  const local = text.ok && text.text.includes("kind: GitRepository");
  return model({
    kustomizations: [
      ks("flux-system/flux-system", { path: "tests/testdata/c", rawPath: "./tests/testdata/c" }),
      local
        ? ks("flux-system/tenants", {
            path: "tests/testdata/c/tenants/overlays",
            rawPath: "./tests/testdata/c/tenants/overlays",
          })
        : ks("flux-system/tenants", {
            path: "tenants/overlays",
            rawPath: "./tenants/overlays/",
            source: { kind: "OCIRepository", name: "cluster" },
            status: "external",
          }),
    ],
  });
};

function check(id: string, parts: Partial<FluxLocalCheck>): FluxLocalCheck {
  return {
    id,
    command: "",
    kind: "ks",
    cluster: "c",
    root: "tests/testdata/c",
    sources: null,
    legacy: true,
    namespace: null,
    name: null,
    labels: null,
    wide: false,
    expected: [],
    ...parts,
  };
}

describe("test/support/conformance/flux-local.ts", () => {
  const results = evaluateChecks(
    files,
    [],
    [
      check("new-pass", {
        legacy: false,
        expected: [
          "flux-system/flux-system path=./tests/testdata/c",
          "flux-system/tenants path=./tenants/overlays/",
        ],
      }),
      check("drop-oci", { expected: ["flux-system/flux-system path=tests/testdata/c"] }),
      check("mapped", {
        sources: "flux-system,cluster=tests/testdata/c",
        expected: [
          "flux-system/flux-system path=tests/testdata/c",
          "flux-system/tenants path=tests/testdata/c/tenants/overlays",
        ],
      }),
      check("mapped-wrong", { sources: "flux-system,cluster=tests/testdata/c", expected: ["x/y path=z"] }),
      check("plain-fail", { legacy: false, expected: ["flux-system/flux-system path=./elsewhere"] }),
      check("crash", { root: "boom" }),
    ],
    fakeAnalyzer,
  );

  it("passes a check whose Flux-faithful rows equal flux-local's", () => {
    expect(results[0]).toMatchObject({ status: "pass", reasons: [] });
  });

  it("excludes a check explained by flux-local dropping OCI-sourced Kustomizations, with the reason", () => {
    expect(results[1]).toMatchObject({
      status: "deviation",
      flux: ["flux-system/flux-system path=tests/testdata/c", "flux-system/tenants path=tenants/overlays"],
      fluxLocal: ["flux-system/flux-system path=tests/testdata/c"],
      reasons: [
        'flux-local drops OCIRepository-sourced Kustomization flux-system/tenants (Flux reconciles it from the external artifact; we list it as "external")',
      ],
    });
  });

  it("explains a --sources mapping by re-running the engine on the rewritten snapshot", () => {
    expect(results[2]).toMatchObject({
      status: "deviation",
      reasons: [
        "--sources maps OCIRepository cluster to tests/testdata/c: flux-local builds flux-system/tenants from ./tests/testdata/c/tenants/overlays (Flux pulls the artifact)",
      ],
    });
  });

  it("flags a deviation that changes our answer without explaining the expectation", () => {
    expect(results[3]?.status).toBe("unexplained");
  });

  it("fails a check the deviations do not touch, and records engine crashes", () => {
    expect(results[4]).toMatchObject({
      status: "fail",
      flux: [
        "flux-system/flux-system path=./tests/testdata/c",
        "flux-system/tenants path=./tenants/overlays/",
      ],
    });
    expect(results[5]?.status).toBe("crash");
    expect(results[5]?.error).toContain("engine exploded");
  });

  it("records what the namespace filter (a query, not a deviation) hides", () => {
    const [r] = evaluateChecks(
      files,
      [],
      [check("ns", { legacy: false, namespace: "apps", expected: [] })],
      fakeAnalyzer,
    );
    expect(r).toMatchObject({
      status: "pass",
      hiddenByNamespace: [
        "flux-system/flux-system path=./tests/testdata/c",
        "flux-system/tenants path=./tenants/overlays/",
      ],
    });
  });

  it("scores only Flux-faithful checks", () => {
    expect(summarize(results)).toEqual({ scored: 3, passed: 1, deviations: 2, unexplained: 1, crashes: 1 });
    expect(rowDiff(["a", "b"], ["b", "c"])).toEqual(["- a", "+ c"]);
  });
});
