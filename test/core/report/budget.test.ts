import { describe, expect, it } from "vitest";
import type { ImpactReport } from "../../../src/core/impact/types.ts";
import { type Block, type DropGroup, fitBlocks, textSize } from "../../../src/core/report/budget.ts";
import { renderCheckRun } from "../../../src/core/report/check-run.ts";
import { COMMENT_MAX_CHARS, renderComment } from "../../../src/core/report/comment.ts";
import { structureOf } from "../../support/markdown/structure.ts";
import {
  finding,
  helmReleaseImpact,
  impactReport,
  kustomizationImpact,
  objectDiff,
  objectRef,
  REVISIONS,
} from "./fixtures.ts";

const note = (what: string) => (n: number) => `_${n} ${what} left out._`;
const GROUPS: DropGroup[] = [
  { id: "diffs", order: "largest", note: note("diffs") },
  { id: "rows", order: "last", note: note("rows") },
];

const BLOCKS: Block[] = [
  { text: "# head\n\n", essential: true },
  { text: "| a |\n| --- |\n", needs: ["rows"] },
  { text: "| 1 |\n", group: "rows" },
  { text: "| 2 |\n", group: "rows" },
  { text: "| 3 |\n", group: "rows" },
  { text: "\n", needs: ["rows"] },
  { text: "**ks**\n\n", needs: ["diffs:0"] },
  { text: "<details>small</details>\n\n", group: "diffs", tags: ["diffs:0"] },
  { text: `<details>${"x".repeat(100)}</details>\n\n`, group: "diffs", tags: ["diffs:0"] },
  { text: "**other**\n\n", needs: ["diffs:1"] },
  { text: `<details>${"y".repeat(50)}</details>\n\n`, group: "diffs", tags: ["diffs:1"] },
  { text: "footer\n", essential: true },
];
const full = BLOCKS.map((b) => b.text).join("");

describe("core/report/budget textSize", () => {
  it("counts UTF-8 bytes, never fewer than UTF-16 code units", () => {
    expect(textSize("abc")).toBe(3);
    expect(textSize("é")).toBe(2);
    expect(textSize("→")).toBe(3);
    expect(textSize("🚀")).toBe(4);
    expect("🚀".length).toBe(2);
    expect(textSize("\uD800")).toBe(3);
  });
});

describe("core/report/budget fitBlocks", () => {
  it("keeps everything that fits", () => {
    expect(fitBlocks(BLOCKS, GROUPS, 10_000, "too big")).toEqual({
      text: full,
      dropped: {},
      fallback: false,
    });
  });

  it("drops the largest diff first and notes it after the group", () => {
    const result = fitBlocks(BLOCKS, GROUPS, textSize(full) - 50, "too big");
    expect(result.dropped).toEqual({ diffs: 1 });
    expect(result.text).toBe(
      "# head\n\n| a |\n| --- |\n| 1 |\n| 2 |\n| 3 |\n\n**ks**\n\n<details>small</details>\n\n" +
        `**other**\n\n<details>${"y".repeat(50)}</details>\n\n\n_1 diffs left out._\n\nfooter\n`,
    );
  });

  it("drops headers with their last member", () => {
    // Without diffs: 48 bytes + 22 for their note = 70; dropping all rows: -18 -15 (table head) +21.
    const result = fitBlocks(BLOCKS, GROUPS, 60, "too big");
    expect(result.dropped).toEqual({ diffs: 3, rows: 3 });
    expect(result.text).toBe("# head\n\n\n_3 rows left out._\n\n\n_3 diffs left out._\n\nfooter\n");
    expect(textSize(result.text)).toBe(58);
  });

  it("drops rows from the end", () => {
    const row = (n: number): Block => ({ text: `| ${String(n).repeat(40)} |\n`, group: "rows" });
    const blocks: Block[] = [
      { text: "| h |\n| - |\n", needs: ["rows"] },
      row(1),
      row(2),
      row(3),
      { text: "\n", needs: ["rows"] },
    ];
    const result = fitBlocks(blocks, GROUPS, 120, "too big");
    expect(result).toEqual({
      text: `| h |\n| - |\n| ${"1".repeat(40)} |\n\n_2 rows left out._\n\n\n`,
      dropped: { rows: 2 },
      fallback: false,
    });
  });

  it("lets groups of one stage take turns", () => {
    const staged: DropGroup[] = [
      { id: "a", order: "last", note: note("a"), stage: "tables" },
      { id: "b", order: "last", note: note("b"), stage: "tables" },
    ];
    const blocks: Block[] = [
      ...["a1", "a2", "a3"].map((t): Block => ({ text: `${t.repeat(10)}\n`, group: "a" })),
      ...["b1", "b2", "b3"].map((t): Block => ({ text: `${t.repeat(10)}\n`, group: "b" })),
    ];
    const result = fitBlocks(blocks, staged, 100, "too big");
    expect(result.dropped).toEqual({ a: 2, b: 1 });
    expect(result.text).toBe(
      `${"a1".repeat(10)}\n\n_2 a left out._\n\n${"b1".repeat(10)}\n${"b2".repeat(10)}\n\n_1 b left out._\n\n`,
    );
  });

  it("falls back to the essential blocks and the overflow note", () => {
    const result = fitBlocks(BLOCKS, GROUPS, 40, "_Too big._");
    expect(result).toEqual({
      text: "# head\n\n\n_Too big._\n\nfooter\n",
      dropped: { diffs: 3, rows: 3 },
      fallback: true,
    });
  });

  it("clips even the fallback on a line boundary when nothing else fits", () => {
    const result = fitBlocks(BLOCKS, GROUPS, 10, "_Too big._");
    expect(result.text).toBe("# head\n\n\n");
  });
});

/** Hundreds of affected objects, huge diffs, many findings and deletions, multi-byte text. */
function hugeReport(): ImpactReport {
  const bigDiff = (i: number) =>
    `@@ -1,400 +1,400 @@\n${Array.from({ length: 400 }, (_, j) => `${j % 2 ? "+" : "-"}  key${j}: välue-${i}-${j} → 🚀 ${"z".repeat(30)}`).join("\n")}\n`;
  const kustomizations = Array.from({ length: 300 }, (_, i) =>
    kustomizationImpact({
      name: `app-${i}`,
      dependents: Array.from({ length: 5 }, (_, j) => `flux-system/dependent-${i}-${j}`),
      upstream: ["flux-system/infra"],
      objects: Array.from({ length: 3 }, (_, j) =>
        objectDiff({
          ref: objectRef("Deployment", `ns-${i}`, `deploy-${j}`, "apps/v1"),
          diff: bigDiff(i * 3 + j),
          // Counts differ per Kustomization: 300 distinct rows, none grouped, so rows must be dropped.
          added: 200 + i,
          removed: 200,
        }),
      ),
    }),
  );
  return impactReport({
    kustomizations,
    helmReleases: Array.from({ length: 300 }, (_, i) =>
      helmReleaseImpact({
        namespace: `ns-${i}`,
        name: `app-${i}`,
        kustomization: `flux-system/app-${i}`,
        chart: { from: "1.0.0", to: "2.0.0" },
        values: [{ path: "image.tag", change: "modified", from: "1.0", to: "2.0", secret: false }],
      }),
    ),
    deletions: Array.from({ length: 200 }, (_, i) => ({
      ref: objectRef("PersistentVolumeClaim", `ns-${i}`, `data-${i}`),
      kustomization: `flux-system/app-${i}`,
      action: "deleted" as const,
      dangerous: true,
    })),
    findings: {
      introduced: Array.from({ length: 1200 }, (_, i) =>
        finding(
          "graph-depends-on-missing",
          `Kustomization app-${i} depends on a missing target.`,
          `apps/app-${i}/ks.yaml`,
          i + 1,
        ),
      ),
      existing: Array.from({ length: 300 }, (_, i) =>
        finding("flux-deprecated-field", `old field ${i}`, `apps/old-${i}.yaml`, 1),
      ),
    },
    graph: {
      nodes: kustomizations.map((k) => ({
        id: `ks:${k.key}`,
        kind: "Kustomization" as const,
        key: k.key,
        affected: true,
        missing: false,
      })),
      edges: kustomizations
        .slice(1)
        .map((k) => ({ from: `ks:${k.key}`, to: "ks:flux-system/app-0", kind: "dependsOn" as const })),
    },
  });
}

describe("core/report/budget huge report", () => {
  const report = hugeReport();
  const comment = renderComment(report, REVISIONS);
  const check = renderCheckRun(report, REVISIONS);

  it("keeps the comment within 60,000 UTF-16 units and UTF-8 bytes", () => {
    expect(comment.length).toBeLessThanOrEqual(60_000);
    expect(Buffer.byteLength(comment, "utf8")).toBeLessThanOrEqual(60_000);
    expect(Buffer.byteLength(comment, "utf8")).toBeGreaterThan(40_000);
  });

  it("keeps fences and <details> balanced", () => {
    for (const text of [comment, check.summary, check.text]) {
      const s = structureOf(text);
      expect({ openFence: s.openFence, details: s.details, never: s.detailsNeverNegative }).toEqual({
        openFence: false,
        details: 0,
        never: true,
      });
    }
  });

  it("drops every diff before touching other sections, and says so", () => {
    expect(comment).toContain(
      "_900 object diffs were left out to fit the size limit (largest first); the check run has the full list._",
    );
    expect(comment).not.toContain("```diff");
    expect(comment).toContain("#### Kustomizations");
    expect(comment).toMatch(
      /_\d+ Kustomization rows were left out to fit the size limit; the check run has the full list\._/,
    );
    // No dependsOn edge changed or broke: the diagram is not drawn at all.
    expect(comment).not.toContain("```mermaid");
    expect(comment).toContain("_300 dependsOn chains were left out");
    expect(comment.trimEnd().endsWith("</sub>")).toBe(true);
  });

  it("keeps table rows whole", () => {
    const rows = structureOf(comment).tableRows;
    expect(rows.length).toBeGreaterThan(2);
    expect(new Set(rows)).toEqual(new Set([3, 4].filter((n) => rows.includes(n))));
  });

  it("keeps the check-run summary and text within 65,000 bytes", () => {
    expect(Buffer.byteLength(check.summary, "utf8")).toBeLessThanOrEqual(65_000);
    expect(Buffer.byteLength(check.text, "utf8")).toBeLessThanOrEqual(65_000);
    expect(check.text).toContain("```diff");
    expect(check.text).toMatch(
      /_\d+ object diffs were left out to fit the size limit \(largest first\); the rest did not fit GitHub's check-run size limit\._/,
    );
  });

  it("renders ~25 MB of diffs into a comment within the size limit (its time is the L7 figure)", () => {
    const body = renderComment(report, REVISIONS);
    expect(body.length).toBeLessThanOrEqual(COMMENT_MAX_CHARS);
    expect(body).toContain("was left out to fit the size limit");
  });

  it("honours a smaller maxChars and falls back to the verdict when nothing else fits", () => {
    const small = renderComment(report, { ...REVISIONS, maxChars: 5_000 });
    expect(Buffer.byteLength(small, "utf8")).toBeLessThanOrEqual(5_000);
    const tiny = renderComment(report, { ...REVISIONS, maxChars: 400 });
    expect(tiny).toBe(
      [
        "<!-- flux-impact:comment -->",
        "### Flux impact",
        "",
        "❌ **300 Kustomizations, 300 HelmReleases affected · 1,200 errors** · 300 findings already on the base branch",
        "",
        "",
        "_The full report is too large for a comment; the check run has it._",
        "",
        "",
        "---",
        "<sub>flux-impact · analyzed 1a2b3c4 → 9f8e7d6 · the check run has the full report</sub>",
        "",
      ].join("\n"),
    );
  });
});
