import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { scanRevisionSecrets } from "../../src/core/checks/run-checks.ts";
import {
  AnalysisSession,
  analyzePullRequest,
  analyzeRepository,
  createMemorySnapshot,
} from "../../src/core/index.ts";
import { renderComment } from "../../src/core/report/index.ts";
import { sameBytes } from "../../src/core/util/bytes.ts";
import { diffScenarios } from "../support/bench/diff-scenarios.ts";
import { cacheEntryOf, pullRequestPipeline } from "../support/bench/pull-request-pipeline.ts";
import { headTree } from "../support/conformance/impact-diff.ts";
import { realRepoDirs } from "../support/fs/corpus.ts";
import { readTree } from "../support/fs/disk-tree.ts";

const shared = process.env.FLUX_IMPACT_SHARED ?? resolve(import.meta.dirname, "..", "..", "..", "shared");
const real = join(shared, "corpus", "real");
const present = existsSync(real);
if (!present) console.log(`test/shared/base-cache-corpus.test.ts: skipped: ${real} not found`);

/**
 * On every real repository, for each change the benchmark makes (one app, a shared component, the
 * defaults of every app): the pull request analyzed as one call, from base's analysis made in the same
 * job, and from base's analysis read back from the App's cache entry, all report the same — findings
 * (secret scan included, which reuses base's per-file results) and comment.
 */
describe.skipIf(!present)("a stored base analysis on the real corpus (../shared/corpus/real)", () => {
  for (const repo of present ? realRepoDirs(shared) : []) {
    it(`${repo.name}: the same report with and without a stored base`, async () => {
      const tree = readTree(repo.dir);
      const model = analyzeRepository(createMemorySnapshot(tree.files, { symlinks: tree.symlinks }));
      const entry = await cacheEntryOf({ base: tree.files, symlinks: tree.symlinks });
      // The benchmark's edits, and one every repository has: a comment added to its first YAML file.
      const first = [...tree.files.keys()].filter((p) => p.endsWith(".yaml")).sort()[0]!;
      const scenarios = [
        ...diffScenarios(tree.files, model).filter((sc) => !("skipped" in sc)),
        {
          id: "comment",
          edits: { [first]: `${new TextDecoder().decode(tree.files.get(first))}\n# edited\n` },
        },
      ];
      for (const sc of scenarios) {
        if ("skipped" in sc) continue;
        const input = { base: tree.files, head: headTree(tree.files, sc.edits), symlinks: tree.symlinks };
        const session = new AnalysisSession();
        const { report } = analyzePullRequest({
          base: createMemorySnapshot(input.base, { symlinks: input.symlinks, session }),
          head: createMemorySnapshot(input.head, { symlinks: input.symlinks, session }),
        });
        const oneCall = renderComment(report, { base: { ref: "base" }, head: { ref: "head" } });
        const sameJob = await pullRequestPipeline(input);
        const cached = await pullRequestPipeline(input, { entry });
        // The head's secret scan, reusing base's per-file results, finds what a scan of head alone finds.
        const base = createMemorySnapshot(input.base, { symlinks: input.symlinks });
        const head = createMemorySnapshot(input.head, { symlinks: input.symlinks });
        const reused = scanRevisionSecrets(head, {
          baseFile: (p) => base.read(p),
          previous: { scan: scanRevisionSecrets(base, {}), same: (p, b) => sameBytes(base.read(p), b) },
        });
        const alone = scanRevisionSecrets(head, { baseFile: (p) => base.read(p) });
        expect(reused.findings, `${sc.id}: secret findings`).toEqual(alone.findings);
        expect(reused.suppressed, `${sc.id}: suppressed secret findings`).toBe(alone.suppressed);
        expect(sameJob.report.findings, `${sc.id}: findings`).toEqual(report.findings);
        expect(cached.report.findings, `${sc.id}: findings from the cache`).toEqual(report.findings);
        expect(sameJob.comment, `${sc.id}: comment`).toBe(oneCall);
        expect(cached.comment, `${sc.id}: comment from the cache`).toBe(oneCall);
      }
    });
  }
});
