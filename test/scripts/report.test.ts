import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../scripts/conformance/flux-local.ts";
import type { FluxLocalCheck } from "../../scripts/conformance/flux-local-checks.ts";
import type { RenderCase } from "../../scripts/conformance/render-equality.ts";
import { fluxLocalReport, renderReport } from "../../scripts/conformance/report.ts";

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

describe("scripts/conformance/report.ts", () => {
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
});
