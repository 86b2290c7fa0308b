/**
 * Injection corpus: every string of a report (names, keys, paths, values, images, messages, diff text,
 * graph keys, revision refs) gets hostile Markdown/HTML appended; the rendered comment and check run
 * must keep exactly the structure of the clean rendering and contain nothing active from the data.
 */
import { describe, expect, it } from "vitest";
import type { ImpactReport, RevisionInfo } from "../../../src/core/impact/types.ts";
import { renderCheckRun } from "../../../src/core/report/check-run.ts";
import { renderComment } from "../../../src/core/report/comment.ts";
import { COMMENT_MARKER } from "../../../src/core/report/markers.ts";
import { mermaidFlowchart } from "../../../src/core/report/mermaid.ts";
import { structureOf } from "../../support/markdown/structure.ts";
import { REVISIONS, smallReport } from "./fixtures.ts";

const EVIL =
  "</details></summary><!-- hidden --> @octocat @org/team #1 GH-2 [x](javascript:alert(1)) ![](https://t) " +
  "<img src=x onerror=alert(1)> a|b\r\n# not a heading\n```\n</details>\n~~~ `tick` ``double`` *b* _i_ ~s~ $x$ \\ " +
  "\u202Eevil\u2066x\u2069\u200B\uFEFF https://github.com/o/r/issues/1 www.example.com \"quote' ] [ ) (";

/** Keys whose strings are enums the renderers switch on, not data. */
const ENUM_KEYS = new Set(["change", "status", "action", "severity", "code"]);

function poison<T>(value: T, key = "", parentKey = ""): T {
  if (typeof value === "string") {
    if (ENUM_KEYS.has(key) || (key === "kind" && parentKey !== "ref")) return value;
    return `${value}${EVIL}` as T;
  }
  if (Array.isArray(value)) return value.map((v) => poison(v, key, parentKey)) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = poison(v, k, key);
    return out as T;
  }
  return value;
}

const clean = smallReport();
const evil: ImpactReport = poison(smallReport());
const evilRevisions: { base: RevisionInfo; head: RevisionInfo } = {
  base: { ref: `main${EVIL}` },
  head: { ref: `feature${EVIL}`, blobUrl: REVISIONS.head.blobUrl! },
};

const outputs = {
  comment: [renderComment(clean, REVISIONS), renderComment(evil, evilRevisions)],
  "check-run summary": [
    renderCheckRun(clean, REVISIONS).summary,
    renderCheckRun(evil, evilRevisions).summary,
  ],
  "check-run text": [renderCheckRun(clean, REVISIONS).text, renderCheckRun(evil, evilRevisions).text],
} as const;

describe("core/report injection corpus", () => {
  it("poisons the data (the corpus reaches the renderers)", () => {
    expect(evil.kustomizations[0]!.key).toContain("@octocat");
    expect(evil.helmReleases[0]!.values[0]!.to).toContain("</details>");
    expect(evil.kustomizations[1]!.objects[0]!.diff).toContain("```");
    expect(outputs.comment[1].length).toBeGreaterThan(outputs.comment[0].length + 5_000);
  });

  describe.each(Object.keys(outputs) as Array<keyof typeof outputs>)("%s", (name) => {
    const [good, bad] = outputs[name];
    const before = structureOf(good);
    const after = structureOf(bad);

    it("keeps the headings", () => {
      expect(after.headings).toEqual(before.headings);
    });

    it("keeps <details> balanced and their number unchanged", () => {
      expect({
        details: after.details,
        never: after.detailsNeverNegative,
        count: after.detailsCount,
      }).toEqual({
        details: 0,
        never: true,
        count: before.detailsCount,
      });
    });

    it("keeps fenced blocks closed and their number unchanged", () => {
      expect({ open: after.openFence, fences: after.fences }).toEqual({ open: false, fences: before.fences });
    });

    it("keeps every table row's column count", () => {
      expect(after.tableRows).toEqual(before.tableRows);
    });

    it("creates no mention, issue reference or autolink", () => {
      // GitHub looks for these in Markdown text and in raw HTML alike; entities (&#8203; is the zero-width
      // space that breaks them) are not letters.
      const text = `${after.prose}\n${after.html}`
        .replace(/&#?[A-Za-z0-9]+;/g, "·")
        .replace(/\]\(https:\/\/github\.com\/example\/home-cluster\/blob\/[^)\s]*\)/g, "]");
      expect(`${after.prose}\n${after.html}`).toContain("@&#8203;octocat");
      expect(text).not.toMatch(/@[A-Za-z0-9]/);
      expect(text).not.toMatch(/#\d/);
      expect(text).not.toMatch(/GH-\d/i);
      expect(text).not.toMatch(/https?:\/\//);
      expect(text).not.toMatch(/www\./);
    });

    it("creates no link, image or HTML from data", () => {
      expect(after.prose).not.toMatch(/(?<!\\)\]\(javascript:/);
      expect(after.prose).not.toMatch(/(?<!\\)!\[/);
      expect(after.prose).not.toMatch(/<img|<\/summary><!--|<!-- hidden/);
      // Line breaks inside table cells depend on how many items a cell lists, not on escaping.
      const tags = (s: string) => (s.match(/<\/?[a-z][^>]*>/g) ?? []).filter((t) => t !== "<br>").sort();
      expect(tags(after.prose)).toEqual(tags(before.prose));
      expect(tags(after.html)).toEqual(tags(before.html));
    });

    it("has no HTML comment but the marker", () => {
      const comments = bad.match(/<!--/g) ?? [];
      const outsideFences = `${after.prose}\n${after.html}`.match(/<!--/g) ?? [];
      expect(outsideFences).toEqual(name === "comment" ? ["<!--"] : []);
      if (name === "comment") expect(bad.startsWith(`${COMMENT_MARKER}\n`)).toBe(true);
      expect(comments.length).toBeGreaterThanOrEqual(outsideFences.length);
    });

    it("shows bidi and zero-width characters as visible escapes, and has no CR", () => {
      expect(bad).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B\uFEFF\r]/);
      if (name !== "check-run text") expect(bad).toContain("\\u{202E}");
    });
  });

  it("keeps Mermaid labels inside their quotes", () => {
    const comment = outputs.comment[1];
    const mermaid = comment.slice(
      comment.indexOf("```mermaid\n") + 11,
      comment.indexOf("\n```\n", comment.indexOf("```mermaid")),
    );
    // The comment draws the broken edge (HelmRelease → missing target); the whole graph has all 5 nodes.
    const whole = mermaidFlowchart(evil.graph).source;
    const nodeLines = [mermaid, whole].flatMap((m) => m.split("\n").filter((l) => /^ {2}n\d+[[(]/.test(l)));
    expect(nodeLines).toHaveLength(2 + 5);
    for (const l of nodeLines)
      expect(l).toMatch(
        /^ {2}n\d+(\["[^"<>`\n]*(<br\/>[^"<>`\n]*)*"\]|\(\["[^"<>`\n]*(<br\/>[^"<>`\n]*)*"\]\))$/,
      );
  });

  it("keeps annotations plain and bounded", () => {
    const { annotations } = renderCheckRun(evil, evilRevisions);
    expect(annotations).toHaveLength(1);
    expect(annotations[0]!.message).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200B\uFEFF\r]/);
    expect(annotations[0]!.title).toBe("error: graph-depends-on-missing");
    expect(annotations[0]!.path).toBe(evil.findings.introduced[0]!.file);
  });
});
