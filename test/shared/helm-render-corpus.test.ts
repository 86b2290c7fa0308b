import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runEngineCorpus } from "../support/helm/engine-corpus.ts";
import { runFluxLocalRenders } from "../support/helm/flux-local-corpus.ts";
import { runGoldenCorpus } from "../support/helm/golden-corpus.ts";

const shared = process.env.FLUX_IMPACT_SHARED ?? resolve(import.meta.dirname, "..", "..", "..", "shared");
const corpus = join(shared, "corpus", "helm");
const present = existsSync(join(corpus, "helm-golden")) && existsSync(join(corpus, "flux-local-renders"));
if (!present) console.log(`test/shared/helm-render-corpus.test.ts: skipped: ${corpus} not found`);

describe.skipIf(!present)("Helm renders (../shared/corpus/helm)", () => {
  it("reproduces every engine case of Helm's pkg/engine tests", () => {
    const r = runEngineCorpus(shared);
    expect(r.total).toBe(36);
    expect(r.failed).toEqual([]);
  });

  it("prints helm template's golden output byte for byte, but for go-yaml's own parse-error text", async () => {
    const r = await runGoldenCorpus(shared, "v3.21.4");
    expect(r.total).toBe(25);
    // go-yaml words a parse error its own way ("could not find expected ':'"); the error is still raised.
    expect(r.failed.map((f) => f.id)).toEqual([
      "template-with-invalid-yaml",
      "template-with-invalid-yaml-debug",
    ]);
  });

  it("renders the real charts flux-local recorded, object for object", async () => {
    const r = await runFluxLocalRenders(shared);
    expect(r.total).toBe(14);
    expect(r.failed.map((f) => f.id)).toEqual(["weave-gitops"]);
  });
});
