import { describe, expect, it } from "vitest";
import { diagnostic } from "../../../src/core/diagnostics.ts";
import { renderBranchCheckRun } from "../../../src/core/report/branch-check-run.ts";
import { batchAnnotations, renderCheckRun } from "../../../src/core/report/check-run.ts";
import { renderComment } from "../../../src/core/report/comment.ts";
import { conclusionOf } from "../../../src/core/report/conclusion.ts";
import { finding, impactReport, REVISIONS, smallReport } from "./fixtures.ts";

describe("core/report/conclusion", () => {
  it.each([
    [[], "success"],
    [[diagnostic("flux-entrypoint", "chose x")], "success"],
    [[diagnostic("flux-entrypoint", "x"), diagnostic("flux-deprecated-field", "y")], "neutral"],
    [[diagnostic("flux-deprecated-field", "y"), diagnostic("yaml-syntax", "z")], "failure"],
    [[diagnostic("yaml-syntax", "z", { severity: "warning" })], "neutral"],
    [[diagnostic("flux-deprecated-field", "y", { severity: "error" })], "failure"],
  ] as const)("%# → %s", (findings, expected) => {
    expect(conclusionOf(findings)).toBe(expected);
  });
});

describe("core/report/check-run renderCheckRun", () => {
  const report = smallReport();
  const run = renderCheckRun(report, REVISIONS);

  it("titles the run with the verdict", () => {
    expect(run.title).toBe("3 Kustomizations, 1 HelmRelease affected · 1 error");
    expect(renderCheckRun(impactReport(), REVISIONS).title).toBe(
      "No Flux objects affected · no new problems",
    );
  });

  it("concludes from the introduced findings only", () => {
    expect(run.conclusion).toBe("failure");
    const onlyExisting = impactReport({ findings: { introduced: [], existing: report.findings.introduced } });
    expect(renderCheckRun(onlyExisting, REVISIONS).conclusion).toBe("success");
  });

  it("summarizes the comment's lead without repeating the title; the text has the detail and every base finding", () => {
    const comment = renderComment(report, REVISIONS);
    const lead = comment.slice(comment.indexOf("> [!CAUTION]"), comment.indexOf("#### Kustomizations"));
    expect(run.summary.startsWith("1 finding already on the base branch.\n\n> [!CAUTION]")).toBe(true);
    expect(run.summary).toContain(lead);
    expect(run.summary).not.toContain(run.title);
    expect(run.summary).not.toContain("#### Kustomizations");
    expect(run.text).toContain("#### Kustomizations");
    expect(run.text).toContain("<details><summary>Already on the base branch (");
    expect(run.summary).toMatch(
      /\n---\n<sub>flux-impact · analyzed 1a2b3c4 → 9f8e7d6 · the tables, findings and per-object diffs are below<\/sub>\n$/,
    );
    expect(run.summary).not.toContain("<!--");
    // The comment keeps base findings in files the change does not touch to one line of counts.
    expect(comment).toContain("Already on the base branch, in files this change does not touch:");
  });

  it("puts the per-object diffs in the text", () => {
    const comment = renderComment(report, REVISIONS);
    const diffs = comment.slice(
      comment.indexOf("**Kustomization `flux-system/apps`**"),
      comment.indexOf("\n---\n"),
    );
    expect(run.text.endsWith(diffs)).toBe(true);
    expect(renderCheckRun(impactReport(), REVISIONS).text).toBe("No rendered object changed.\n");
  });

  it("annotates introduced findings that have a file and line", () => {
    const withFindings = impactReport({
      findings: {
        introduced: [
          finding("yaml-syntax", "bad YAML\nat column 3", "apps/a.yaml", 4),
          finding("flux-deprecated-field", "old", "apps/b.yaml", 2),
          finding("flux-source-external", "external", "apps/c.yaml", 1),
          finding("flux-entrypoint-not-found", "no file"),
          finding("graph-depends-on-cycle", "no line", "apps/d.yaml"),
        ],
        existing: [finding("yaml-syntax", "old problem", "apps/e.yaml", 1)],
      },
    });
    expect(renderCheckRun(withFindings, REVISIONS).annotations).toEqual([
      {
        path: "apps/a.yaml",
        start_line: 4,
        end_line: 4,
        annotation_level: "failure",
        message: "bad YAML\nat column 3",
        title: "error: yaml-syntax",
      },
      {
        path: "apps/b.yaml",
        start_line: 2,
        end_line: 2,
        annotation_level: "warning",
        message: "old",
        title: "warning: flux-deprecated-field",
      },
      {
        path: "apps/c.yaml",
        start_line: 1,
        end_line: 1,
        annotation_level: "notice",
        message: "external",
        title: "notice: flux-source-external",
      },
    ]);
  });

  it("caps annotations at 500 and says how many were left out", () => {
    const many = impactReport({
      findings: {
        introduced: Array.from({ length: 1200 }, (_, i) =>
          finding(
            "graph-depends-on-missing",
            `missing ${i}`,
            `apps/app-${String(i).padStart(4, "0")}/ks.yaml`,
            3,
          ),
        ),
        existing: [],
      },
    });
    const out = renderCheckRun(many, REVISIONS);
    expect(out.annotations).toHaveLength(500);
    expect(out.annotations[0]!.path).toBe("apps/app-0000/ks.yaml");
    expect(out.annotations[499]!.path).toBe("apps/app-0499/ks.yaml");
    expect(out.summary).not.toContain(out.title);
    expect(out.summary.split("\n").slice(0, 2)).toEqual([
      "> [!CAUTION]",
      "> **1,200 errors** this change introduces",
    ]);
    expect(out.summary).toContain("> _1,175 more errors listed under Findings._");
    expect(out.summary).toContain(
      "_700 more findings with a file and line are not annotated (GitHub takes 500 annotations per check run); all are listed under Findings._",
    );
    expect(batchAnnotations(out.annotations).map((b) => b.length)).toEqual(Array(10).fill(50));
  });

  it("clamps annotation messages and the title", () => {
    const long = impactReport({
      findings: { introduced: [finding("yaml-syntax", "x".repeat(70_000), "a.yaml", 1)], existing: [] },
    });
    const out = renderCheckRun(long, REVISIONS);
    expect(out.annotations[0]!.message).toHaveLength(16_000);
    expect(out.annotations[0]!.message.endsWith("x…")).toBe(true);
    expect(out.title.length).toBeLessThanOrEqual(255);
  });
});

describe("core/report/check-run batchAnnotations", () => {
  it("splits into batches of 50 by default", () => {
    const items = Array.from({ length: 123 }, (_, i) => i);
    const batches = batchAnnotations(items);
    expect(batches.map((b) => b.length)).toEqual([50, 50, 23]);
    expect(batches.flat()).toEqual(items);
  });

  it("takes another size and handles empty input", () => {
    expect(batchAnnotations([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
    expect(batchAnnotations([], 50)).toEqual([]);
    expect(batchAnnotations([1, 2], 0)).toEqual([[1], [2]]);
  });
});

describe("core/report/branch-check-run renderBranchCheckRun", () => {
  const input = {
    conclusion: "success" as const,
    kustomizations: 12,
    helmReleases: 3,
    suppressed: 0,
    findings: [
      {
        ...diagnostic("flux-source-external", "Kustomization apps/dev-team is not analyzed: …"),
        cluster: "prod",
      },
      { ...diagnostic("health-orphan-app", "apps/x/ks.yaml is not listed"), cluster: "staging" },
    ],
    clusters: [
      {
        name: "prod",
        path: "clusters/prod",
        rule: "bootstrap-layout",
        kustomizations: 6,
        helmReleases: 3,
        notAnalyzed: 2,
        flux: "version not pinned",
      },
      {
        name: "staging",
        path: "clusters/staging",
        rule: "gotk-sync",
        kustomizations: 6,
        helmReleases: 0,
        notAnalyzed: 0,
        flux: "Flux 2.9.1",
      },
    ],
  };

  it("lists every cluster with its entrypoint, counts and what it could not analyze, and says so in the title", () => {
    const run = renderBranchCheckRun(input, { ref: "abc", branch: "main" });
    expect(run.title).toBe(
      "12 Kustomizations, 3 HelmReleases on main · 0 errors, 0 warnings, 2 notices · 2 not analyzed",
    );
    expect(run.summary).toContain(
      "| `prod` | `clusters/prod` (bootstrap-layout) | 6 | 3 | 2 | version not pinned |",
    );
    expect(run.summary).toContain("| `staging` | `clusters/staging` (gotk-sync) | 6 | 0 | — | Flux 2.9.1 |");
    // Findings of several clusters name theirs.
    expect(run.summary).toContain("· cluster `staging`");
  });
});
