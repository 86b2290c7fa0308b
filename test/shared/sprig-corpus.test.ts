import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runSprigCorpus } from "../support/helm/sprig-corpus.ts";

const shared = process.env.FLUX_IMPACT_SHARED ?? resolve(import.meta.dirname, "..", "..", "..", "shared");
const corpus = join(shared, "corpus", "helm", "sprig");
const present = existsSync(corpus);
if (!present) console.log(`test/shared/sprig-corpus.test.ts: skipped: ${corpus} not found`);

describe.skipIf(!present)("sprig's own tests (../shared/corpus/helm/sprig)", () => {
  const results = present ? runSprigCorpus(shared) : { passed: 0, failed: [], unimplemented: [], total: 0 };

  it("reproduces every case whose functions are implemented, byte for byte", () => {
    expect(results.failed).toEqual([]);
  });

  it("leaves only the functions listed as not implemented yet", () => {
    const missing = [...new Set(results.unimplemented.flatMap((u) => u.functions))].sort();
    expect(missing).toEqual([]);
    expect(results.passed).toBe(results.total - results.unimplemented.length);
  });
});
