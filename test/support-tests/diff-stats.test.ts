import { describe, expect, it } from "vitest";
import type { ImpactReport, KustomizationImpact } from "../../src/core/impact/types.ts";
import { affectedText, countsOf, type DiffSample, diffFigures } from "../support/bench/diff-stats.ts";

function sample(wallMs: number, cpuMs: number, baseMs: number): DiffSample {
  return {
    wallMs,
    cpuMs,
    timings: { baseMs, pullRequestMs: 10, commentMs: 3 },
  };
}

describe("test/support/bench/diff-stats.ts", () => {
  it("counts what the report lists", () => {
    const k = (carrierOnly: boolean, objects: number) =>
      ({
        carrierOnly,
        objects: Array.from({ length: objects }, () => ({})),
      }) as unknown as KustomizationImpact;
    const report = {
      changedFiles: [{ path: "a", status: "modified" }],
      kustomizations: [k(true, 1), k(false, 3)],
      helmReleases: [{}, {}],
      deletions: [{}],
      findings: { introduced: [], existing: [{}] },
    } as unknown as ImpactReport;
    const counts = countsOf({ report, comment: "abcd" });
    expect(counts).toEqual({
      changedFiles: 1,
      kustomizations: 2,
      carrierOnly: 1,
      helmReleases: 2,
      objectDiffs: 4,
      deletions: 1,
      introducedFindings: 0,
      commentChars: 4,
    });
    expect(affectedText(counts)).toBe("2 ks (1 carrier-only), 2 hr, 4 object diffs, 1 deletion");
    expect(affectedText({ ...counts, carrierOnly: 0, objectDiffs: 1, deletions: 0 })).toBe(
      "2 ks, 2 hr, 1 object diff",
    );
  });

  it("takes cold medians over processes and warm medians over every repetition", () => {
    const figures = diffFigures([
      { cold: sample(500, 800, 0), maxRssMb: 140, warm: [sample(100, 150, 90), sample(120, 170, 95)] },
      { cold: sample(400, 700, 0), maxRssMb: 150, warm: [sample(110, 160, 80)] },
      { cold: sample(900, 1200, 0), maxRssMb: 145, warm: [sample(300, 400, 200), sample(90, 140, 70)] },
    ]);
    expect(figures).toEqual({
      coldWallMs: 500,
      coldCpuMs: 800,
      maxRssMb: 145,
      warmWallMs: 110,
      warmCpuMs: 160,
      warmStages: { baseMs: 90, pullRequestMs: 10, commentMs: 3 },
      warmCount: 5,
    });
  });
});
