/**
 * The check run for a head commit: a title (the verdict, ≤ 255 characters), a summary that mirrors the
 * comment's lead without repeating the title (what needs action, what Flux will do, what could not be
 * analyzed; ≤ 65,000), a text with the full detail (tables, chains, diagram, every finding, per-object
 * diffs; ≤ 65,000, same budget rules),
 * the conclusion from the findings the change introduces, and line annotations for those findings that
 * have a file and line (at most 500; the overflow is said in the summary). `batchAnnotations` splits
 * annotations into GitHub's 50-per-request batches. Sending them is the GitHub layer's job.
 */
import { compareDiagnostics, type Diagnostic } from "../diagnostics.ts";
import type { ImpactReport, RevisionInfo } from "../impact/types.ts";
import { maskCredentials } from "../secrets/mask.ts";
import { type Block, fitBlocks } from "./budget.ts";
import { detailBlocks, dropGroups, leadBlocks } from "./comment.ts";
import { type Conclusion, reportConclusion } from "./conclusion.ts";
import { clip, plainText } from "./markdown.ts";
import { plural, type RenderContext } from "./sections/common.ts";
import { diffBlocks, helmDiffBlocks } from "./sections/diffs.ts";
import { footerBlocks } from "./sections/footer.ts";
import { verdictExtras, verdictText } from "./sections/summary.ts";

export const CHECK_OUTPUT_MAX = 65_000;
export const TITLE_MAX = 255;
export const ANNOTATIONS_MAX = 500;
export const ANNOTATIONS_PER_REQUEST = 50;
/** 64 KB message limit: 16,000 UTF-16 units are at most 64,000 UTF-8 bytes. */
const MESSAGE_MAX = 16_000;

export interface CheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "failure" | "warning" | "notice";
  message: string;
  title: string;
}

export interface CheckRunOutput {
  title: string;
  summary: string;
  text: string;
  conclusion: Conclusion;
  annotations: CheckRunAnnotation[];
}

const LEVEL = { error: "failure", warning: "warning", notice: "notice" } as const;

function annotation(d: Diagnostic & { file: string; line: number }): CheckRunAnnotation {
  return {
    path: d.file,
    start_line: d.line,
    end_line: d.line,
    annotation_level: LEVEL[d.severity],
    message: clip(maskCredentials(plainText(d.message)), MESSAGE_MAX),
    title: clip(plainText(`${d.severity}: ${d.code}`, false), TITLE_MAX),
  };
}

/** Line annotations for the findings that have a file and line, in report order, capped at GitHub's limit. */
export function annotationsOf(findings: readonly Diagnostic[]): {
  annotations: CheckRunAnnotation[];
  overflow: number;
} {
  const located = findings
    .filter(
      (d): d is Diagnostic & { file: string; line: number } =>
        d.file !== undefined && d.line !== undefined && d.line > 0,
    )
    .sort(compareDiagnostics);
  return {
    annotations: located.slice(0, ANNOTATIONS_MAX).map(annotation),
    overflow: Math.max(0, located.length - ANNOTATIONS_MAX),
  };
}

export function renderCheckRun(
  report: ImpactReport,
  options: { base: RevisionInfo; head: RevisionInfo },
): CheckRunOutput {
  const ctx: RenderContext = { report, base: options.base, head: options.head };
  const { annotations, overflow } = annotationsOf(report.findings.introduced);

  // The title is the verdict; the summary goes on from there (never repeating it).
  const extras = verdictExtras(report);
  const summaryBlocks: Block[] = [
    ...(extras !== "" ? [{ text: `${extras}.\n\n`, essential: true }] : []),
    ...leadBlocks(ctx),
  ];
  if (overflow > 0)
    summaryBlocks.push({
      text: `_${plural(overflow, "more finding")} with a file and line ${overflow === 1 ? "is" : "are"} not annotated (GitHub takes ${ANNOTATIONS_MAX} annotations per check run); all are listed under Findings._\n\n`,
      essential: true,
    });
  if (summaryBlocks.length === 0)
    summaryBlocks.push({ text: "Nothing needs action and Flux changes no object.\n\n", essential: true });
  summaryBlocks.push(...footerBlocks(ctx, "the tables, findings and per-object diffs are below"));
  const where = "the rest did not fit GitHub's check-run size limit";
  const summary = fitBlocks(
    summaryBlocks,
    dropGroups(where),
    CHECK_OUTPUT_MAX,
    "_The report is too large to show here._",
  );

  const detail = [
    ...detailBlocks(ctx),
    ...diffBlocks(report.kustomizations),
    ...helmDiffBlocks(report.helmReleases),
  ];
  const text =
    detail.length === 0
      ? "No rendered object changed.\n"
      : fitBlocks(
          detail,
          dropGroups(where, true),
          CHECK_OUTPUT_MAX,
          "_The details are too large to show here._",
        ).text;

  return {
    title: clip(verdictText(report), TITLE_MAX),
    summary: maskCredentials(summary.text),
    text: maskCredentials(text),
    conclusion: reportConclusion(report),
    annotations,
  };
}

/** Consecutive batches of at most `size` (GitHub accepts 50 annotations per create/update request). */
export function batchAnnotations<T>(annotations: readonly T[], size = ANNOTATIONS_PER_REQUEST): T[][] {
  const n = Math.max(1, Math.floor(size));
  const batches: T[][] = [];
  for (let i = 0; i < annotations.length; i += n) batches.push(annotations.slice(i, i + n));
  return batches;
}
