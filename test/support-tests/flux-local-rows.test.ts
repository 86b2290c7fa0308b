import { describe, expect, it } from "vitest";
import type { FluxLocalCheck } from "../support/conformance/flux-local-checks.ts";
import { hrColumns, parseSources, rowsFor, sourceAllowed } from "../support/conformance/flux-local-rows.ts";
import { hr, ks, model, source } from "../support/fixtures/model.ts";

function check(parts: Partial<FluxLocalCheck>): FluxLocalCheck {
  return {
    id: "t",
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

const m = model({
  kustomizations: [
    ks("flux-system/apps", {
      path: "tests/testdata/c/apps",
      rawPath: "./tests/testdata/c/apps/",
      objects: [
        {
          apiVersion: "source.toolkit.fluxcd.io/v1",
          kind: "HelmChart",
          metadata: { name: "ingress", namespace: "charts" },
          spec: {
            chart: "ingress-nginx",
            version: "4.13.3",
            sourceRef: { kind: "HelmRepository", name: "ingress-repo" },
          },
        },
      ],
    }),
    ks("flux-system/flux", {
      path: "",
      rawPath: "./",
      source: { kind: "OCIRepository", name: "manifests" },
      status: "external",
    }),
    ks("other/infra", {
      path: "tests/testdata/c/infra",
      source: { kind: "GitRepository", name: "flux-system", namespace: "flux-system" },
    }),
  ],
  helmReleases: [
    hr("podinfo/podinfo", "flux-system/apps", {
      chart: { name: "podinfo", version: "6.3.2", source: "podinfo" },
      labels: { app: "podinfo" },
    }),
    hr("flux-system/local", "flux-system/apps", {
      chart: { name: "./charts/x", source: "flux-system", kind: "GitRepository" },
    }),
    hr("flux-system/oci", "flux-system/apps", {
      chartRef: { kind: "OCIRepository", name: "app-template", namespace: "flux-system" },
    }),
    hr("flux-system/ingress", "flux-system/apps", {
      chartRef: { kind: "HelmChart", name: "ingress", namespace: "charts" },
    }),
    hr("metallb/metallb", "other/infra", {
      chart: { name: "metallb", version: "4.1.14", source: "bitnami" },
    }),
  ],
  sources: [
    source("HelmRepository", "flux-system/podinfo", "other/infra"),
    source("HelmRepository", "flux-system/bitnami", "other/infra"),
    source("OCIRepository", "flux-system/manifests", "other/infra"),
  ],
});

describe("test/support/conformance/flux-local-rows.ts", () => {
  it("parses --sources into allow-list entries with optional directory mappings", () => {
    expect(parseSources("flux-system,ns/apps=./tests/testdata/x/")).toEqual([
      { namespace: null, name: "flux-system", dir: null },
      { namespace: "ns", name: "apps", dir: "tests/testdata/x" },
    ]);
    expect(sourceAllowed(parseSources("ns/apps"), { name: "apps", namespace: "other" })).toBe(false);
    expect(sourceAllowed(parseSources("apps"), { name: "apps", namespace: "other" })).toBe(true);
  });

  it("prints legacy get ks rows with adjusted paths, the namespace filter and -o wide counts", () => {
    expect(rowsFor(m, check({ namespace: "flux-system", wide: true }), false)).toEqual([
      "flux-system/apps path=tests/testdata/c/apps helmrepos=0 ocirepos=0 releases=4",
      "flux-system/flux path= helmrepos=0 ocirepos=0 releases=0",
    ]);
    expect(rowsFor(m, check({ namespace: "other", wide: true }), false)).toEqual([
      "other/infra path=tests/testdata/c/infra helmrepos=2 ocirepos=1 releases=1",
    ]);
  });

  it("drops non-Git Kustomizations only in flux-local's legacy view, and applies the --sources allow-list", () => {
    expect(rowsFor(m, check({}), true)).toEqual([
      "flux-system/apps path=tests/testdata/c/apps",
      "other/infra path=tests/testdata/c/infra",
    ]);
    expect(rowsFor(m, check({ legacy: false }), true)).toEqual([
      "flux-system/apps path=./tests/testdata/c/apps/",
      "flux-system/flux path=./",
      "other/infra path=tests/testdata/c/infra",
    ]);
    expect(rowsFor(m, check({ sources: "manifests" }), false)).toEqual(["flux-system/flux path="]);
  });

  it("prints get hr columns like flux-local (None revisions, <hr ns>-<chart>, HelmChart chartRefs resolved)", () => {
    expect(rowsFor(m, check({ kind: "hr" }), false)).toEqual([
      "flux-system/ingress revision=4.13.3 chart=flux-system-ingress-nginx source=ingress-repo",
      "flux-system/local revision=None chart=flux-system-./charts/x source=flux-system",
      "flux-system/oci revision=None chart=flux-system-app-template source=app-template",
      "metallb/metallb revision=4.1.14 chart=metallb-metallb source=bitnami",
      "podinfo/podinfo revision=6.3.2 chart=podinfo-podinfo source=podinfo",
    ]);
    expect(rowsFor(m, check({ kind: "hr", labels: { app: "podinfo" } }), false)).toEqual([
      "podinfo/podinfo revision=6.3.2 chart=podinfo-podinfo source=podinfo",
    ]);
    expect(rowsFor(m, check({ kind: "hr", name: "metallb", namespace: "metallb" }), false)).toEqual([
      "metallb/metallb revision=4.1.14 chart=metallb-metallb source=bitnami",
    ]);
    const missing = hr("a/b", "flux-system/apps", {
      chartRef: { kind: "HelmChart", name: "nope", namespace: "a" },
    });
    expect(hrColumns(m, missing)).toEqual({ revision: "None", chart: "a-nope", source: "" });
  });

  it("lists Kustomization and HelmRelease objects with raw paths, sources and owners", () => {
    expect(rowsFor(m, check({ kind: "ks-objects" }), false)).toEqual([
      "flux-system/apps path=./tests/testdata/c/apps/ source=GitRepository/flux-system",
      "flux-system/flux path=./ source=OCIRepository/manifests",
      "other/infra path=tests/testdata/c/infra source=GitRepository/flux-system",
    ]);
    expect(rowsFor(m, check({ kind: "hr-objects", name: "metallb" }), false)).toEqual([
      "metallb/metallb ks=other/infra chart=metallb version=4.1.14 source=HelmRepository/flux-system/bitnami",
    ]);
    expect(rowsFor(m, check({ kind: "hr-chart", name: "metallb" }), false)).toEqual([
      "metallb/metallb ks=other/infra chart=metallb version= source=HelmRepository/flux-system/bitnami",
    ]);
  });
});
