import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runUnittestCorpus } from "../support/helm/unittest-corpus.ts";

const shared = process.env.FLUX_IMPACT_SHARED ?? resolve(import.meta.dirname, "..", "..", "..", "shared");
const corpus = join(shared, "corpus", "helm", "bjw-s-helm-charts");
const present = existsSync(join(corpus, "common", "test-chart", "unittests"));
if (!present) console.log(`test/shared/helm-unittest-corpus.test.ts: skipped: ${corpus} not found`);

describe.skipIf(!present)(
  "bjw-s common's helm-unittest suites (../shared/corpus/helm/bjw-s-helm-charts)",
  () => {
    it("passes the suites' assertions as helm-unittest evaluates them", { timeout: 300_000 }, async () => {
      const r = await runUnittestCorpus(shared);
      expect(r.suites).toBe(171);
      expect(r.totalTests).toBe(726);
      expect(r.totalAssertions).toBe(914);
      expect(r.unsupported).toEqual([]);
      expect(r.failed.map((f) => `${f.suite} › ${f.test} › ${f.assertion}`)).toEqual([]);
      expect(r.passedAssertions).toBe(914);
      expect(r.passedTests).toBe(726);
    });
  },
);
