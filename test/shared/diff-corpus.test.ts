import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { analyzeRepository } from "../../src/core/index.ts";
import { createMemorySnapshot } from "../../src/core/snapshot/repo-snapshot.ts";
import { diffScenarios } from "../support/bench/diff-scenarios.ts";
import { countsOf } from "../support/bench/diff-stats.ts";
import { evaluateDiffChecks } from "../support/conformance/flux-local-diff.ts";
import { loadDiffChecks } from "../support/conformance/flux-local-diff-cases.ts";
import { diffTrees, headTree } from "../support/conformance/impact-diff.ts";
import { FLUX_LOCAL_PREFIX } from "../support/fs/corpus.ts";
import { readTree } from "../support/fs/disk-tree.ts";

const shared = process.env.FLUX_IMPACT_SHARED ?? resolve(import.meta.dirname, "..", "..", "..", "shared");
const fluxLocal = join(shared, "corpus", "flux-local");
const homeOps = join(shared, "corpus", "real", "onedr0p-home-ops");
const hasFluxLocal = existsSync(join(fluxLocal, "expected.json"));
const hasHomeOps = existsSync(homeOps);
if (!hasFluxLocal)
  console.log(
    `test/shared/diff-corpus.test.ts: flux-local part skipped: ${fluxLocal}/expected.json not found`,
  );
if (!hasHomeOps) console.log(`test/shared/diff-corpus.test.ts: home-ops part skipped: ${homeOps} not found`);

describe.skipIf(!hasFluxLocal)(
  "test/support/conformance/flux-local-diff.ts (flux-local corpus in ../shared)",
  () => {
    const checks = hasFluxLocal
      ? loadDiffChecks(JSON.parse(readFileSync(join(fluxLocal, "expected.json"), "utf8")))
      : [];

    it("reads the 6 diff ks and 11 diff hr cases, with the modified worktree as an in-memory edit", () => {
      expect([
        checks.filter((c) => c.kind === "ks").length,
        checks.filter((c) => c.kind === "hr").length,
      ]).toEqual([6, 11]);
      const worktree = checks.find((c) => c.id === "test_diff_ks (tests/tool/test_diff.py)");
      expect(worktree?.edits).toEqual({ "tests/testdata/cluster/apps/prod/configmap.yaml": "" });
      expect(worktree?.expectation).toEqual({
        type: "changes",
        changes: [
          {
            kustomization: "flux-system/apps",
            kind: "ConfigMap",
            namespace: "podinfo",
            name: "podinfo-config",
            change: "removed",
          },
        ],
      });
      expect(checks.filter((c) => c.expectation.type === "not-found").map((c) => c.id)).toEqual([
        "test_diff_hr[not-found]",
        "test_diff_hr[not-found-namespace]",
        "test_diff_hr[not-found-all-namespaces]",
      ]);
    });

    it("reproduces every Flux-faithful case; the empty --sources allow-list is an explained deviation", () => {
      const tree = readTree(join(fluxLocal, "testdata"), FLUX_LOCAL_PREFIX);
      const results = evaluateDiffChecks(tree.files, tree.symlinks, checks, diffTrees);
      expect(results.filter((r) => r.status !== "pass").map((r) => `${r.check.id}: ${r.status}`)).toEqual([
        "test_diff_ks[yaml-empty-sources]: deviation",
      ]);
      expect(results.filter((r) => r.status === "pass")).toHaveLength(16);
    });
  },
);

describe.skipIf(!hasHomeOps)("test/support/bench/diff-scenarios.ts (onedr0p/home-ops in ../shared)", () => {
  it("finds one app, the most shared component and the defaults every app gets, and the pipeline detects each", () => {
    const tree = readTree(homeOps);
    const model = analyzeRepository(createMemorySnapshot(tree.files, { symlinks: tree.symlinks }));
    const scenarios = diffScenarios(tree.files, model);
    expect(scenarios.map((s) => ("skipped" in s ? s.skipped : Object.keys(s.edits)))).toEqual([
      ["kubernetes/apps/default/agregarr/app/helmrelease.yaml"],
      ["kubernetes/components/kopiur/backup/pvc.yaml"],
      ["kubernetes/flux/cluster/ks.yaml"],
    ]);
    const detected = scenarios.map((s) => {
      if ("skipped" in s) return undefined;
      const out = diffTrees({
        base: tree.files,
        head: headTree(tree.files, s.edits),
        symlinks: tree.symlinks,
      });
      const c = countsOf(out);
      return [c.changedFiles, c.kustomizations, c.helmReleases, c.objectDiffs, c.introducedFindings];
    });
    expect(detected).toEqual([
      [1, 1, 1, 1, 0],
      [1, 20, 0, 20, 0],
      [1, 79, 68, 146, 0],
    ]);
  });
});
