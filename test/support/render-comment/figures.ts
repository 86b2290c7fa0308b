/**
 * The table `npm run render-comment` prints: one row of figures per rendered comment (height in screens,
 * widest table against the column, the screen of the first introduced finding, Mermaid failures).
 */
import type { PageFigures } from "./browser.ts";
import { COLUMN_WIDTH, screenOf, screens } from "./html.ts";

export interface Row {
  id: string;
  title: string;
  chars: number;
  figures: PageFigures;
}

export function formatRow(r: Row): string[] {
  const f = r.figures;
  const first = f.firstFinding;
  const finding =
    first === null
      ? "none introduced"
      : first.topPx === null
        ? first.hidden
          ? "hidden (in closed <details>)"
          : "not found"
        : `screen ${screenOf(first.topPx)} (${first.topPx} px, ${first.code})`;
  return [
    r.id,
    String(r.chars),
    `${screens(f.heightPx).toFixed(1)} (${f.heightPx} px)`,
    f.tables === 0 ? "no tables" : `${f.widestTablePx} / ${COLUMN_WIDTH} px`,
    f.tables === 0 ? "—" : f.overflowingTables > 0 ? `yes (${f.overflowingTables})` : "no",
    finding,
    `${f.mermaidErrors} of ${f.mermaidBlocks}`,
  ];
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
