import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runHelmFuncsCorpus } from "../support/helm/helm-funcs-corpus.ts";

const shared = process.env.FLUX_IMPACT_SHARED ?? resolve(import.meta.dirname, "..", "..", "..", "shared");
const corpus = join(shared, "corpus", "helm", "helm-golden", "engine");
const present = existsSync(corpus);
if (!present) console.log(`test/shared/helm-funcs-corpus.test.ts: skipped: ${corpus} not found`);

describe.skipIf(!present)("Helm's TestFuncs cases (../shared/corpus/helm/helm-golden/engine)", () => {
  const r = present
    ? runHelmFuncsCorpus(shared)
    : { passed: 0, failed: [], unimplemented: [], goOnly: 0, total: 0 };

  it("reproduces every case whose functions are implemented, byte for byte", () => {
    expect(r.failed).toEqual([]);
    expect(r.passed).toBe(r.total - r.unimplemented.length);
  });

  it("leaves only the TOML functions not implemented yet", () => {
    expect([...new Set(r.unimplemented.flatMap((u) => u.functions))].sort()).toEqual([
      "fromToml",
      "mustToToml",
      "toToml",
    ]);
  });
});
