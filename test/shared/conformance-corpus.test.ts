import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadChecks } from "../support/conformance/flux-local-checks.ts";
import { generatedResources } from "../support/conformance/kustomization-walk.ts";
import { gitRepositoryIgnores } from "../support/conformance/render-equality.ts";
import { artifactFiles } from "../support/conformance/source-ignore.ts";
import { FLUX_LOCAL_PREFIX, fluxLocalClusterAnalyses } from "../support/fs/corpus.ts";
import { diskTreeView, readTree } from "../support/fs/disk-tree.ts";

const shared = process.env.FLUX_IMPACT_SHARED ?? resolve(import.meta.dirname, "..", "..", "..", "shared");
const corpus = join(shared, "corpus", "flux-local");
const present = existsSync(join(corpus, "expected.json"));
if (!present)
  console.log(`test/shared/conformance-corpus.test.ts skipped: ${corpus}/expected.json not found`);

describe.skipIf(!present)("test/support/conformance (flux-local corpus in ../shared)", () => {
  it("reads every get ks/get hr case and the uncovered group expectations", () => {
    const { checks, skipped } = loadChecks(JSON.parse(readFileSync(join(corpus, "expected.json"), "utf8")));
    const byKind = (k: string, legacy: boolean) =>
      checks.filter((c) => c.kind === k && c.legacy === legacy && !c.id.startsWith("group")).length;
    expect([byKind("ks", true), byKind("ks", false), byKind("hr", true), byKind("hr", false)]).toEqual([
      14, 3, 13, 3,
    ]);
    expect(checks.filter((c) => c.id.startsWith("group")).map((c) => `${c.cluster} ${c.kind}`)).toEqual([
      "cluster11 hr-objects",
      "cluster3 ks-objects",
      "cluster8 ks",
      "cluster8 hr-chart",
      "cluster10 ks-objects",
      "cluster10 hr-objects",
    ]);
    expect(skipped).toEqual([
      {
        id: "group cluster --path tests/testdata/cluster --sources ''",
        reason: expect.stringContaining("no get expectations"),
      },
      {
        id: "group cluster12 --path tests/testdata/cluster12/cluster: helm-rendered objects",
        reason: "needs `helm template` (out of scope: no chart rendering)",
      },
    ]);
    const wide = checks.find((c) => c.id === "test_get_ks[cluster2-wide]");
    expect(wide?.expected).toEqual([
      "flux-system/cluster path=tests/testdata/cluster2/flux helmrepos=3 ocirepos=1 releases=0",
      "flux-system/cluster-apps path=tests/testdata/cluster2/apps helmrepos=0 ocirepos=0 releases=0",
      "flux-system/cluster-apps-headlamp path=tests/testdata/cluster2/apps/monitoring/headlamp/app helmrepos=0 ocirepos=0 releases=1",
      "flux-system/cluster-apps-ingress-nginx path=tests/testdata/cluster2/apps/networking/ingress-nginx/app helmrepos=0 ocirepos=0 releases=1",
      "flux-system/cluster-apps-ingress-nginx-certificates path=tests/testdata/cluster2/apps/networking/ingress-nginx/certificates helmrepos=0 ocirepos=0 releases=0",
    ]);
  });

  it("places the fixtures at tests/testdata/ and analyses each cluster directory", () => {
    const tree = readTree(join(corpus, "testdata"), FLUX_LOCAL_PREFIX);
    expect(tree.files.size).toBe(168);
    expect(tree.files.has("tests/testdata/cluster7/clusters/home/apps.yaml")).toBe(true);
    expect(fluxLocalClusterAnalyses(join(corpus, "testdata")).map((a) => a.options.searchRoot)).toEqual(
      [
        "cluster",
        "cluster10",
        "cluster11",
        "cluster12",
        "cluster2",
        "cluster3",
        "cluster4",
        "cluster5",
        "cluster6",
        "cluster7",
        "cluster8",
        "cluster9",
        "image_error",
      ].map((c) => `tests/testdata/${c}`),
    );
  });

  it("generates kustomizations for the fixture directories that have none (Flux's walk)", () => {
    const view = diskTreeView(join(corpus, "testdata"));
    expect(generatedResources(view, "cluster7/flux/apps")).toEqual([
      "./cloudflare/release.yaml",
      "./database/namespace.yaml",
      "./database/postgresql/helm-release.yaml",
      "./ingress-nginx/chart.yaml",
      "./ingress-nginx/release.yaml",
      "./ingress-nginx/repository.yaml",
      "./unifi-controller/release.yaml",
    ]);
    expect(generatedResources(view, "cluster2/flux")).toEqual(["./apps.yaml", "./config", "./repositories"]);
    expect(generatedResources(view, "cluster3/clusters/cluster3")).toEqual([
      "./cluster.yaml",
      "./flux-system/gotk-sync.yaml",
      "./namespaces.yaml",
      "./tenants.yaml",
    ]);
  });

  it("excludes the whole cluster2 fixture from the home-ops-kubernetes artifact (its spec.ignore)", () => {
    const tree = readTree(join(corpus, "testdata"), FLUX_LOCAL_PREFIX);
    const ignore = gitRepositoryIgnores(tree.files).find(
      (r) => r.key === "flux-system/home-ops-kubernetes" && r.file.startsWith("tests/testdata/cluster2/"),
    )?.ignore;
    expect(ignore).toBe(
      "# exclude all\n/*\n# include kubernetes directory\n!/tests/testdata/cluster2/kubernetes\n",
    );
    expect(artifactFiles([...tree.files.keys()], () => undefined, ignore)).toEqual([]);
  });
});
