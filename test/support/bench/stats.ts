/**
 * Small pure helpers for the benchmark report: median, number formatting, a padded text table, and the
 * target verdicts printed next to the figures.
 */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The run whose wallMs is the median one (lower middle for an even count). */
export function medianRun<T extends { wallMs: number }>(runs: readonly T[]): T | undefined {
  const s = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  return s[Math.floor((s.length - 1) / 2)];
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

export function formatRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(1)}×` : "n/a";
}

/** Columns padded to the widest cell; the first row is the header. Numbers are right-aligned. */
export function table(rows: ReadonlyArray<ReadonlyArray<string>>): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows.map((r) =>
    r
      .map((c, i) =>
        /^[\d.,]+( ?[a-zA-Z×%]+)?$/.test(c) && i > 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!),
      )
      .join("  ")
      .trimEnd(),
  );
}

export function verdict(ok: boolean): string {
  return ok ? "OK" : "MISSED";
}

/**
 * Growth check: ms per Kustomization at the largest scale relative to the smallest. Below `tolerance`
 * (default 1.5) the growth is called roughly linear.
 */
export function linearity(perItemMs: ReadonlyArray<{ scale: number; msPerItem: number }>, tolerance = 1.5) {
  const sorted = [...perItemMs].sort((a, b) => a.scale - b.scale);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last || first.msPerItem <= 0) return { ratio: Number.NaN, linear: false };
  const ratio = last.msPerItem / first.msPerItem;
  return { ratio, linear: ratio <= tolerance };
}
