import { describe, expect, it } from "vitest";
import type { CheckResult } from "../support/conformance/flux-local.ts";
import type { FluxLocalCheck } from "../support/conformance/flux-local-checks.ts";
import type { DiffCheckResult } from "../support/conformance/flux-local-diff.ts";
import type { FluxLocalDiffCheck } from "../support/conformance/flux-local-diff-cases.ts";
import type { RenderCase } from "../support/conformance/render-equality.ts";
import { fluxLocalDiffReport, fluxLocalReport, renderReport } from "../support/conformance/report.ts";

function check(id: string, expected: string[]): FluxLocalCheck {
  return {
    id,
    command: `flux-local get ks ${id}`,
    kind: "ks",
    cluster: "c",
    root: "tests/testdata/c",
    sources: null,
    legacy: true,
    namespace: null,
    name: null,
    labels: null,
    wide: false,
    expected,
  };
}

describe("test/support/conformance/report.ts", () => {
  it("prints each flux-local check, row diffs for failures, reasons for deviations, and the score", () => {
    const results: CheckResult[] = [
      { check: check("a", ["x"]), status: "pass", flux: ["x"], fluxLocal: ["x"], reasons: [] },
      { check: check("b", ["x"]), status: "fail", flux: ["y"], fluxLocal: ["y"], reasons: [] },
      {
        check: check("c", ["x"]),
        status: "deviation",
        flux: ["x", "z"],
        fluxLocal: ["x"],
        reasons: ["because"],
      },
    ];
    expect(fluxLocalReport(results, [{ id: "g", reason: "needs helm" }])).toEqual([
      "  PASS  a  ($ flux-local get ks a)",
      "  FAIL  b  ($ flux-local get ks b)",
      "        rows: - expected only, + ours only (Flux semantics)",
      "        - x",
      "        + y",
      "  DEV   c  ($ flux-local get ks c)",
      "        excluded: flux-local deviates from Flux here:",
      "          * because",
      "          Flux answer vs flux-local: + z",
      "  N/A   g: needs helm",
      "",
      "  flux-local get ks/get hr: 1/2 Flux-faithful checks reproduced = 50.0%   (target: 100% of Flux-faithful cases)",
      "  excluded: 1 deviations explained by flux-local≠Flux, 0 unexplained; 1 not applicable",
    ]);
  });

  it("prints per-analysis counts, mismatches with their diff, and the overall share", () => {
    const base = { repo: "r", analysis: ".", path: "apps" };
    const cases: RenderCase[] = [
      { ...base, key: "ns/a", status: "equal", detail: "3 objects" },
      {
        ...base,
        key: "ns/b",
        status: "mismatch",
        detail: "1 differ",
        diff: "v1/ConfigMap/ns/x\n- k: 1\n+ k: 2",
        equalModuloOrigin: true,
      },
      { ...base, key: "ns/c", status: "skipped", detail: "external source OCIRepository/o" },
    ];
    expect(renderReport(cases)).toEqual([
      "  r [.]: 1/2 equal, 1 skipped (ns/c: external source OCIRepository/o)",
      "    MISMATCH ns/b (apps): 1 differ [equal once origin annotations are dropped]",
      "        v1/ConfigMap/ns/x",
      "        - k: 1",
      "        + k: 2",
      "",
      "  render equality: 1/2 Kustomizations equal = 50.0%   (target: >= 99%)",
      "  (1 more equal once config.kubernetes.io/origin-style annotations are dropped)",
    ]);
  });

  it("prints each flux-local diff case, what differs, why excluded cases are excluded, and the score", () => {
    const diffCheck = (id: string): FluxLocalDiffCheck => ({
      id,
      command: `flux-local diff ks ${id}`,
      kind: "ks",
      cluster: "c",
      root: "tests/testdata/c",
      sources: null,
      namespace: null,
      name: id,
      edits: {},
      expectation: { type: "empty" },
    });
    const results: DiffCheckResult[] = [
      { check: diffCheck("a"), status: "pass", details: [], reasons: [] },
      { check: diffCheck("b"), status: "fail", details: ["Kustomizations (1): ns/b modified"], reasons: [] },
      { check: diffCheck("c"), status: "deviation", details: [], reasons: ["allow-list"] },
      {
        check: diffCheck("d"),
        status: "unexplained",
        details: ["ns/d: ConfigMap ns/x removed"],
        reasons: ["r"],
      },
      { check: diffCheck("e"), status: "excluded", details: [], reasons: ["needs helm"] },
      { check: diffCheck("f"), status: "crash", details: ["Error: boom\n    at x"], reasons: [] },
    ];
    expect(fluxLocalDiffReport(results)).toEqual([
      "  PASS  a  ($ flux-local diff ks a)",
      "  FAIL  b  ($ flux-local diff ks b)",
      "        Kustomizations (1): ns/b modified",
      "  DEV   c  ($ flux-local diff ks c)",
      "        excluded: flux-local deviates from Flux here:",
      "          * allow-list",
      "  DEV?  d  ($ flux-local diff ks d)",
      "        under flux-local's deviations we would list:",
      "          ns/d: ConfigMap ns/x removed",
      "        excluded: flux-local deviates from Flux here:",
      "          * r",
      "  N/A   e  ($ flux-local diff ks e)",
      "        excluded: not comparable:",
      "          * needs helm",
      "  CRASH f  ($ flux-local diff ks f)",
      "        Error: boom",
      "            at x",
      "",
      "  flux-local diff ks/diff hr: 1/3 Flux-faithful cases reproduced = 33.3%   (target: 100% of Flux-faithful cases)",
      "  excluded: 3 (flux-local≠Flux or not comparable; 1 unexplained); 1 CRASHED",
      "  (diff hr: flux-local diffs the chart rendered by `helm template`; we report chart, values and input changes, so only cases without rendered output are comparable)",
    ]);
  });
});
