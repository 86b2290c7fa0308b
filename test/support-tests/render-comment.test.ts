import { describe, expect, it } from "vitest";
import { analyzeFiles } from "../support/render-comment/comment.ts";
import { formatRow } from "../support/render-comment/figures.ts";
import { commentPage, githubAlerts, screenOf, screens } from "../support/render-comment/html.ts";
import {
  chartBump,
  deleteApp,
  dependsOnMove,
  imageBump,
  loneApp,
  renameApp,
  withDependsOn,
} from "../support/render-comment/scenarios.ts";
import { generateSyntheticRepo } from "../support/synthetic-repo/generate.ts";

describe("githubAlerts", () => {
  it("turns a [!WARNING] blockquote into GitHub's alert div", () => {
    const html = "<blockquote>\n<p>[!WARNING]\nSome <strong>text</strong></p>\n</blockquote>\n<p>after</p>\n";
    expect(githubAlerts(html)).toBe(
      '<div class="markdown-alert markdown-alert-warning">\n<p class="markdown-alert-title">Warning</p>\n' +
        "<p>Some <strong>text</strong></p>\n</div>\n<p>after</p>\n",
    );
  });

  it("handles a marker alone in its paragraph, nested blockquotes and every type", () => {
    const html =
      "<blockquote>\n<p>[!CAUTION]</p>\n<p>one</p>\n<blockquote>\n<p>inner</p>\n</blockquote>\n<p>two</p>\n</blockquote>\n" +
      "<blockquote>\n<p>[!NOTE]\nnote</p>\n</blockquote>\n";
    const out = githubAlerts(html);
    expect(out).toContain('<div class="markdown-alert markdown-alert-caution">');
    expect(out).toContain(
      '<p class="markdown-alert-title">Caution</p>\n<p>one</p>\n<blockquote>\n<p>inner</p>\n</blockquote>\n<p>two</p>\n</div>',
    );
    expect(out).toContain(
      '<div class="markdown-alert markdown-alert-note">\n<p class="markdown-alert-title">Note</p>\n<p>note</p>\n</div>',
    );
    expect(out).not.toContain("[!");
  });

  it("leaves plain blockquotes and unknown markers alone", () => {
    const html =
      "<blockquote>\n<p>quote [!NOTE]</p>\n</blockquote>\n<blockquote>\n<p>[!DANGER]\nx</p>\n</blockquote>\n";
    expect(githubAlerts(html)).toBe(html);
  });
});

describe("screen arithmetic", () => {
  it("gives heights in 900 px screens with one decimal", () => {
    expect(screens(900)).toBe(1);
    expect(screens(3772)).toBe(4.2);
    expect(screens(644)).toBe(0.7);
    expect(screens(0)).toBe(0);
  });

  it("puts a point on its 1-based screen", () => {
    expect(screenOf(0)).toBe(1);
    expect(screenOf(899)).toBe(1);
    expect(screenOf(900)).toBe(2);
    expect(screenOf(2594)).toBe(3);
  });

  it("formats a row of figures", () => {
    const row = formatRow({
      id: "x",
      title: "x",
      chars: 10,
      figures: {
        heightPx: 1800,
        pageHeightPx: 1900,
        tables: 2,
        widestTablePx: 1200,
        overflowingTables: 1,
        mermaidBlocks: 1,
        mermaidErrors: 0,
        mermaidMessages: [],
        firstFinding: { topPx: 950, tag: "li", code: "graph-depends-on-missing", text: "" },
      },
    });
    expect(row).toEqual([
      "x",
      "10",
      "2.0 (1800 px)",
      "1200 / 934 px",
      "yes (1)",
      "screen 2 (950 px, graph-depends-on-missing)",
      "0 of 1",
    ]);
  });
});

describe("commentPage", () => {
  it("loads mermaid, sets the 934 px column and passes the finding codes to the page", () => {
    const page = commentPage({ title: "t <1>", bodyHtml: "<p>x</p>", mermaidSrc: "../m.js", codes: ["a-b"] });
    expect(page).toContain('<script src="../m.js"></script>');
    expect(page).toContain("width: 934px");
    expect(page).toContain('const codes = ["a-b"]');
    expect(page).toContain("t &lt;1&gt;");
  });
});

describe("scenario builders", () => {
  const files = generateSyntheticRepo(1, 1);

  it("bumps one image tag", () => {
    const { edits } = imageBump(files);
    expect(edits.size).toBe(1);
    const [path, text] = [...edits][0] ?? ["", ""];
    expect(path).toMatch(/\/helmrelease\.yaml$/);
    expect(text).not.toBe(files.get(path));
  });

  it("bumps the chart of 26 HelmReleases", () => {
    const { edits, releases } = chartBump(files);
    expect(edits.size).toBe(26);
    expect(new Set(releases).size).toBe(26);
    const report = analyzeFiles(files, new Map([...files, ...edits]));
    const bumped = report.helmReleases.filter((h) => h.chartRef !== undefined || h.chart !== undefined);
    expect(bumped).toHaveLength(26);
  });

  it("moves many Kustomizations' dependsOn from one target to another", () => {
    const { baseEdits, edits } = dependsOnMove(files, 15);
    expect(edits.size).toBe(15);
    expect([...baseEdits.keys()]).toEqual([...edits.keys()]);
    const targets = (m: Map<string, string>) =>
      new Set([...m.values()].map((t) => /dependsOn:\n {4}- name: (\S+)/.exec(t)?.[1]));
    expect(targets(baseEdits).size).toBe(1);
    expect(targets(edits).size).toBe(1);
    expect([...targets(edits)]).not.toEqual([...targets(baseEdits)]);
  });

  it("inserts a dependsOn only where there is none", () => {
    const ks = "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  path: ./x\n";
    expect(withDependsOn(ks, { name: "a", ns: "b" })).toBe(
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  dependsOn:\n    - name: a\n      namespace: b\n  path: ./x\n",
    );
    expect(withDependsOn("spec:\n  dependsOn:\n    - name: c\n", { name: "a", ns: "b" })).toBeUndefined();
  });

  it("renames one app: its directory moves and its names change", () => {
    const app = loneApp(files);
    expect(app).toBeDefined();
    const { head } = renameApp(files);
    const name = app?.name ?? "";
    expect([...head.keys()].some((p) => p.startsWith(`${app?.dir}/`))).toBe(false);
    const ks = head.get(`kubernetes/apps/${app?.ns}/${name}-next/ks.yaml`) ?? "";
    expect(ks).toContain(`name: ${name}-next`);
    expect(head.get(`kubernetes/apps/${app?.ns}/kustomization.yaml`)).toContain(`./${name}-next/ks.yaml`);
    expect(head.size).toBe(files.size);
  });

  it("deletes one app: its directory and its line in the namespace kustomization", () => {
    const app = loneApp(files);
    const { head } = deleteApp(files);
    expect([...head.keys()].some((p) => p.startsWith(`${app?.dir}/`))).toBe(false);
    expect(head.get(`kubernetes/apps/${app?.ns}/kustomization.yaml`)).not.toContain(`./${app?.name}/ks.yaml`);
    expect(head.size).toBeLessThan(files.size);
  });
});
