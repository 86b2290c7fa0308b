import { describe, expect, it } from "vitest";
import {
  formatMs,
  formatRatio,
  linearity,
  median,
  medianRun,
  table,
  verdict,
} from "../support/bench/stats.ts";

describe("test/support/bench/stats.ts", () => {
  it("takes the median of odd and even samples", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(medianRun([{ wallMs: 9 }, { wallMs: 1 }, { wallMs: 5 }])).toEqual({ wallMs: 5 });
  });

  it("formats durations and ratios", () => {
    expect(formatMs(1.234)).toBe("1.23 ms");
    expect(formatMs(512.4)).toBe("512 ms");
    expect(formatMs(2345)).toBe("2.35 s");
    expect(formatMs(Number.NaN)).toBe("n/a");
    expect(formatRatio(41.26)).toBe("41.3×");
    expect(verdict(true)).toBe("OK");
    expect(verdict(false)).toBe("MISSED");
  });

  it("pads a table, right-aligning numeric cells", () => {
    expect(
      table([
        ["repo", "ks", "time"],
        ["a", "12", "3 ms"],
        ["longer", "3", "1.50 s"],
      ]),
    ).toEqual(["repo    ks  time", "a       12    3 ms", "longer   3  1.50 s"]);
  });

  it("calls growth linear when ms per item at the largest scale stays within the tolerance", () => {
    expect(
      linearity([
        { scale: 10, msPerItem: 1.2 },
        { scale: 1, msPerItem: 1 },
      ]),
    ).toEqual({ ratio: 1.2, linear: true });
    expect(
      linearity([
        { scale: 1, msPerItem: 1 },
        { scale: 10, msPerItem: 2 },
      ]),
    ).toEqual({ ratio: 2, linear: false });
    expect(linearity([]).linear).toBe(false);
  });
});
