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

  it("reproduces every case byte for byte but a TOML parser's own error text", () => {
    expect(r.total).toBe(24);
    expect(r.passed).toBe(23);
    // BurntSushi/toml's message is not smol-toml's; the error still comes back in the result, as in Helm.
    expect(r.failed).toEqual([
      {
        template: "{{ fromToml . }}",
        detail: expect.stringMatching(/^want "map\[Error:toml: line 1: .*got "map\[Error:[^\]]+\]"$/),
      },
    ]);
  });
});
