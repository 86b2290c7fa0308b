/**
 * Heading and one-line verdict: how many Flux objects the change affects and how many problems it
 * introduces ("3 Kustomizations, 2 HelmReleases affected · 1 error, 2 warnings"); what could not be
 * analyzed (part of the lead); and — further down — the Kustomizations that read changed files but
 * render the same output, and changed files no Kustomization reads. The verdict text is the check-run
 * title.
 */
import { type Diagnostic, severityCounts } from "../../diagnostics.ts";
import type { ImpactReport } from "../../impact/types.ts";
import type { Block } from "../budget.ts";
import { reportConclusion } from "../conclusion.ts";
import { mdInline } from "../markdown.ts";
import { code, countedList, plural, type RenderContext } from "./common.ts";

const LIST_MAX = 10;
const ICON = { success: "✅", neutral: "⚠️", failure: "❌" } as const;

/** "3 Kustomizations, 2 HelmReleases affected" or "No Flux objects affected". */
export function affectedText(report: ImpactReport): string {
  const parts: string[] = [];
  if (report.kustomizations.length > 0) parts.push(plural(report.kustomizations.length, "Kustomization"));
  if (report.helmReleases.length > 0) parts.push(plural(report.helmReleases.length, "HelmRelease"));
  return parts.length === 0 ? "No Flux objects affected" : `${parts.join(", ")} affected`;
}

/** "1 error, 2 warnings" or "no new problems". */
export function findingsText(findings: readonly Diagnostic[]): string {
  const n = severityCounts(findings);
  const parts = [
    [n.error, "error"],
    [n.warning, "warning"],
    [n.notice, "notice"],
  ] as const;
  const text = parts.filter(([n]) => n > 0).map(([n, w]) => plural(n, w));
  return text.length === 0 ? "no new problems" : text.join(", ");
}

/**
 * The verdict: affected objects, introduced problems, and what could not be analyzed (never a clean
 * verdict over parts the tool could not see). Plain text (numbers and fixed words only).
 */
export function verdictText(report: ImpactReport): string {
  const unknown: string[] = [];
  const notAnalyzed = report.notAnalyzed?.length ?? 0;
  if (notAnalyzed > 0) unknown.push(`${plural(notAnalyzed, "Kustomization")} not analyzed`);
  const blocked = [...report.kustomizations, ...report.helmReleases].filter((x) => x.blocked).length;
  if (blocked > 0) unknown.push(`${blocked} blocked`);
  if (guessedEntrypoint(report)) unknown.push("entrypoint guessed");
  const clusters = (report.clusters?.length ?? 0) > 1 ? ` in ${report.clusters!.length} clusters` : "";
  return [`${affectedText(report)}${clusters}`, findingsText(report.findings.introduced), ...unknown].join(
    " · ",
  );
}

function guessedEntrypoint(report: ImpactReport): boolean {
  return [...report.findings.introduced, ...report.findings.existing].some(
    (d) => d.code === "flux-entrypoint-fallback",
  );
}

/** "1 finding already on the base branch · 2 secret findings suppressed by the allowlist", or "". */
export function verdictExtras(report: ImpactReport): string {
  const parts: string[] = [];
  const existing = report.findings.existing.length;
  if (existing > 0) parts.push(`${plural(existing, "finding")} already on the base branch`);
  if (report.suppressed)
    parts.push(`${plural(report.suppressed, "secret finding")} suppressed by the allowlist`);
  return parts.join(" · ");
}

/** Heading (comment only) and the verdict line. */
export function verdictBlocks(ctx: RenderContext, heading: boolean): Block[] {
  const { report } = ctx;
  const blocks: Block[] = [];
  if (heading) blocks.push({ text: "### Flux impact\n\n", essential: true });
  const extras = verdictExtras(report);
  const icon = ICON[reportConclusion(report)];
  blocks.push({
    text: `${icon} **${verdictText(report)}**${extras === "" ? "" : ` · ${extras}`}\n\n`,
    essential: true,
  });
  return blocks;
}

/** What could not be analyzed, and a guessed entrypoint: part of the lead (essential). */
export function notAnalyzedBlocks(ctx: RenderContext): Block[] {
  const { report } = ctx;
  const blocks: Block[] = [];
  const notAnalyzed = report.notAnalyzed ?? [];
  if (notAnalyzed.length > 0) {
    const several = (report.clusters?.length ?? 0) > 1;
    const names = notAnalyzed.map(
      (n) => `${code(several ? `${n.cluster}: ${n.key}` : n.key)} (${mdInline(n.reason || n.source)})`,
    );
    blocks.push({
      text: `Not analyzed — their source is not this repository, or the engine could not build them (the reason is given), so what they apply is unknown here: ${countedList(names, LIST_MAX)}.\n\n`,
      essential: true,
    });
  }
  if (guessedEntrypoint(report)) {
    blocks.push({
      text: "⚠️ No FluxInstance, `gotk-sync.yaml` or `clusters/<name>/flux-system` folder was found, so the entrypoint was guessed from the Kustomizations nothing references. Pin it with `clusterPaths` in `.github/flux-impact.yml`.\n\n",
      essential: true,
    });
  }
  return blocks;
}

/** Kustomizations that read changed files but render the same, and changed files nothing reads. */
export function contextBlocks(ctx: RenderContext): Block[] {
  const { report } = ctx;
  const blocks: Block[] = [];
  if (report.touchedUnchanged.length > 0) {
    const names = report.touchedUnchanged.map((k) => code(k));
    blocks.push({
      text: `Kustomizations that read changed files but render the same output: ${countedList(names, LIST_MAX)}.\n\n`,
      group: "context",
    });
  }
  const notAnalyzed = report.notAnalyzed ?? [];
  if (report.unownedFiles.length > 0) {
    const files = report.unownedFiles.map((f) => code(f));
    const text =
      notAnalyzed.length > 0 || guessedEntrypoint(report)
        ? `Changed files no analyzed Kustomization reads (${notAnalyzed.length > 0 ? `the ${plural(notAnalyzed.length, "Kustomization")} not analyzed may read them` : "the entrypoint was guessed"}): ${countedList(files, LIST_MAX)}.\n\n`
        : `Changed files no Kustomization reads (Flux does not apply them): ${countedList(files, LIST_MAX)}.\n\n`;
    blocks.push({ text, group: "context" });
  }
  return blocks;
}
