import { describe, expect, it } from "vitest";
import { loadChecks } from "../support/conformance/flux-local-checks.ts";
import { normalizeRoot } from "../support/conformance/flux-local-format.ts";

const expected = {
  cases: [
    {
      id: "test_get_ks[wide]",
      command: "flux-local get ks --path tests/testdata/cluster -o wide",
      argv: ["get", "ks", "--path", "tests/testdata/cluster", "-o", "wide"],
      root_path: "tests/testdata/cluster",
      namespace_filter: "flux-system",
      kustomizations: [
        {
          name: "infra",
          namespace: "flux-system",
          path: "tests/testdata/cluster/infra",
          helmrepos: 3,
          ocirepos: 0,
          releases: 0,
        },
        {
          name: "apps",
          namespace: "flux-system",
          path: "tests/testdata/cluster/apps",
          helmrepos: 0,
          ocirepos: 0,
          releases: 1,
        },
      ],
    },
    {
      id: "test_get_hr[label]",
      command: "flux-local get hr -A --path tests/testdata/cluster -l app=podinfo,tier=web",
      argv: ["get", "hr", "-A", "--path", "./tests/testdata/cluster/", "-l", "app=podinfo,tier=web"],
      root_path: "./tests/testdata/cluster/",
      namespace_filter: null,
      helmreleases: [
        {
          name: "podinfo",
          namespace: "podinfo",
          revision: "6.3.2",
          chart: "podinfo-podinfo",
          source: "podinfo",
        },
      ],
    },
    {
      id: "test_get_hr_new[name]",
      command:
        "flux-local get hr-new metallb -n metallb --path tests/testdata/cluster --sources a,b=tests/testdata/x",
      argv: [
        "get",
        "hr-new",
        "metallb",
        "-n",
        "metallb",
        "--path",
        "tests/testdata/cluster",
        "--sources",
        "a,b=tests/testdata/x",
      ],
      root_path: "tests/testdata/cluster",
      namespace_filter: "metallb",
      message: "no HelmRelease objects found in cluster",
    },
    {
      id: "test_build_ks[x]",
      argv: ["build", "ks", "--path", "tests/testdata/cluster"],
      root_path: "tests/testdata/cluster",
    },
  ],
  by_cluster_and_root: [
    {
      cluster: "cluster",
      root_path: "tests/testdata/cluster",
      sources: null,
      kustomizations: [{ name: "apps", namespace: "flux-system", path: "tests/testdata/cluster/apps" }],
      kustomizations_from: { case: "test_get_cluster[yaml]", command: "flux-local get cluster -o yaml" },
      helmreleases: [],
      helmreleases_from: { case: "test_get_hr[label]" },
    },
    {
      cluster: "cluster10",
      root_path: "tests/testdata/cluster10",
      sources: null,
      kustomization_objects_seen_in_build_output: [
        {
          name: "snap",
          namespace: "snap",
          spec_path_raw: "./deploy",
          sourceRef: { kind: "GitRepository", name: "ext" },
        },
      ],
      kustomizations_from: {
        case: "test_build_ks[x]",
        command: "flux-local build ks --path=tests/testdata/cluster10",
      },
      helmrelease_objects_seen_in_build_output: [
        {
          name: "dex",
          namespace: "net",
          owner_kustomization: "flux-system/apps",
          chart: {
            spec: {
              chart: "./charts/dex",
              version: "1.4.0",
              sourceRef: { kind: "GitRepository", name: "g", namespace: "flux-system" },
            },
          },
        },
      ],
      helmreleases_from: {
        case: "test_build_ks[x]",
        command: "flux-local build ks --path=tests/testdata/cluster10",
      },
    },
    {
      cluster: "cluster8",
      root_path: "tests/testdata/cluster8",
      sources: null,
      kustomizations: [{ name: "apps", namespace: "flux-system", path: "tests/testdata/cluster8/apps" }],
      kustomizations_from: {
        case: "test_get_cluster[y]",
        command: "flux-local get cluster -o yaml",
        namespace_filter: "flux-system",
      },
      helmreleases: [
        {
          name: "podinfo",
          namespace: "podinfo",
          kustomization: "flux-system/apps",
          chart: {
            name: "podinfo",
            repo_name: "podinfo",
            repo_namespace: "flux-system",
            repo_kind: "HelmRepository",
          },
        },
      ],
      helmreleases_from: { case: "test_get_cluster[y]", command: "flux-local get cluster -o yaml" },
    },
    {
      cluster: "cluster12",
      root_path: "tests/testdata/cluster12/cluster",
      sources: null,
      rendered_objects_from_build_hr: { case: "test_build_hr[x]", objects: [] },
    },
  ],
};

describe("test/support/conformance/flux-local-checks.ts", () => {
  it("normalizes --path arguments to repository paths", () => {
    expect(normalizeRoot("./tests/testdata/cluster6/")).toBe("tests/testdata/cluster6");
    expect(normalizeRoot(".")).toBe("");
  });

  it("turns get ks/hr cases and uncovered group expectations into checks with canonical rows", () => {
    const { checks, skipped } = loadChecks(expected);
    expect(checks).toEqual([
      {
        id: "test_get_ks[wide]",
        command: "flux-local get ks --path tests/testdata/cluster -o wide",
        kind: "ks",
        cluster: "cluster",
        root: "tests/testdata/cluster",
        sources: null,
        legacy: true,
        namespace: "flux-system",
        name: null,
        labels: null,
        wide: true,
        expected: [
          "flux-system/apps path=tests/testdata/cluster/apps helmrepos=0 ocirepos=0 releases=1",
          "flux-system/infra path=tests/testdata/cluster/infra helmrepos=3 ocirepos=0 releases=0",
        ],
      },
      {
        id: "test_get_hr[label]",
        command: "flux-local get hr -A --path tests/testdata/cluster -l app=podinfo,tier=web",
        kind: "hr",
        cluster: "cluster",
        root: "tests/testdata/cluster",
        sources: null,
        legacy: true,
        namespace: null,
        name: null,
        labels: { app: "podinfo", tier: "web" },
        wide: false,
        expected: ["podinfo/podinfo revision=6.3.2 chart=podinfo-podinfo source=podinfo"],
      },
      {
        id: "test_get_hr_new[name]",
        command:
          "flux-local get hr-new metallb -n metallb --path tests/testdata/cluster --sources a,b=tests/testdata/x",
        kind: "hr",
        cluster: "cluster",
        root: "tests/testdata/cluster",
        sources: "a,b=tests/testdata/x",
        legacy: false,
        namespace: "metallb",
        name: "metallb",
        labels: null,
        wide: false,
        expected: [],
      },
      {
        id: "group cluster10 --path tests/testdata/cluster10: Kustomization objects in build output",
        command: "flux-local build ks --path=tests/testdata/cluster10",
        kind: "ks-objects",
        cluster: "cluster10",
        root: "tests/testdata/cluster10",
        sources: null,
        legacy: true,
        namespace: null,
        name: null,
        labels: null,
        wide: false,
        expected: ["snap/snap path=./deploy source=GitRepository/ext"],
      },
      {
        id: "group cluster10 --path tests/testdata/cluster10: HelmRelease objects in build output",
        command: "flux-local build ks --path=tests/testdata/cluster10",
        kind: "hr-objects",
        cluster: "cluster10",
        root: "tests/testdata/cluster10",
        sources: null,
        legacy: true,
        namespace: null,
        name: null,
        labels: null,
        wide: false,
        expected: [
          "net/dex ks=flux-system/apps chart=./charts/dex version=1.4.0 source=GitRepository/flux-system/g",
        ],
      },
      {
        id: "group cluster8 --path tests/testdata/cluster8: test_get_cluster[y] kustomizations",
        command: "flux-local get cluster -o yaml",
        kind: "ks",
        cluster: "cluster8",
        root: "tests/testdata/cluster8",
        sources: null,
        legacy: true,
        namespace: "flux-system",
        name: null,
        labels: null,
        wide: false,
        expected: ["flux-system/apps path=tests/testdata/cluster8/apps"],
      },
      {
        id: "group cluster8 --path tests/testdata/cluster8: test_get_cluster[y] helmreleases",
        command: "flux-local get cluster -o yaml",
        kind: "hr-chart",
        cluster: "cluster8",
        root: "tests/testdata/cluster8",
        sources: null,
        legacy: true,
        namespace: null,
        name: null,
        labels: null,
        wide: false,
        expected: [
          "podinfo/podinfo ks=flux-system/apps chart=podinfo version= source=HelmRepository/flux-system/podinfo",
        ],
      },
    ]);
    expect(skipped).toEqual([
      {
        id: "group cluster12 --path tests/testdata/cluster12/cluster: helm-rendered objects",
        reason: "needs `helm template` (out of scope: no chart rendering)",
      },
    ]);
  });
});
