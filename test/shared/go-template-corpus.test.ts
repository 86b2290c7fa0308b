import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runGoTemplateCorpus } from "../support/helm/go-template-corpus.ts";

const shared = process.env.FLUX_IMPACT_SHARED ?? resolve(import.meta.dirname, "..", "..", "..", "shared");
const corpus = join(shared, "corpus", "helm", "go-text-template");
const present = existsSync(corpus);
if (!present) console.log(`test/shared/go-template-corpus.test.ts: skipped: ${corpus} not found`);

describe.skipIf(!present)("Go's own text/template tables (../shared/corpus/helm/go-text-template)", () => {
  const results = present ? runGoTemplateCorpus(shared) : { exec: [], cmp: [], missingKey: [] };
  it.each([
    ["execTests usable without Go values", results.exec, 212],
    ["cmpTests usable without Go values", results.cmp, 94],
    ["missingkey options", results.missingKey, 5],
  ] as const)("%s: every case reproduced byte for byte", (_, cases, count) => {
    expect(cases).toHaveLength(count);
    expect(cases.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`)).toEqual([]);
  });
});
