/**
 * The lead of the comment, right under the verdict: what needs action, then what Flux will do, then
 * what could not be analyzed — the part a reviewer reads in ten seconds.
 *  - Introduced errors and warnings as GitHub alert blocks (`> [!CAUTION]`, `> [!WARNING]`), one line a
 *    finding (code, message, file link), every piece escaped as in `findings.ts`. At most ALERT_MAX a
 *    severity are shown here; the rest (and notices) are listed under Findings. Essential blocks.
 *  - One line of what Flux will do ("Flux will create 3 · change 2 · delete 4 objects"), deletions
 *    named (collapsed when many); dangerous deletions, disabled services and suspend flips as bullets.
 * The same blocks lead the check-run summary.
 */
import { compareDiagnostics, type Diagnostic } from "../../diagnostics.ts";
import type { ImpactReport, RevisionInfo } from "../../impact/types.ts";
import type { Block } from "../budget.ts";
import { clip, mdInline } from "../markdown.ts";
import { code, countedList, fileLink, plural, type RenderContext } from "./common.ts";
import { fluxActionLines } from "./flux-actions.ts";
import { renamePairs } from "./renames.ts";

/** Findings shown per alert block; the rest are listed under Findings. */
export const ALERT_MAX = 25;
const MESSAGE_MAX = 300;
const NAMES_INLINE = 5;

/** The introduced findings the alert blocks show (errors and warnings, at most ALERT_MAX each). */
export function alertedFindings(report: ImpactReport): Set<Diagnostic> {
  const out = new Set<Diagnostic>();
  for (const severity of ["error", "warning"] as const)
    for (const d of report.findings.introduced
      .filter((x) => x.severity === severity)
      .sort(compareDiagnostics)
      .slice(0, ALERT_MAX))
      out.add(d);
  return out;
}

/** One finding as an alert line: code, message, file link (and cluster when there are several). */
export function alertLine(d: Diagnostic, head: RevisionInfo, showCluster: boolean): string {
  const where = d.file !== undefined ? ` — ${fileLink(d.file, d.line, head)}` : "";
  const ref = d.ref !== undefined && d.file === undefined ? ` — ${mdInline(clip(d.ref, 200))}` : "";
  const cluster = showCluster && d.cluster ? ` · cluster ${code(d.cluster)}` : "";
  return `> - ${code(d.code)} ${mdInline(clip(d.message, MESSAGE_MAX))}${where}${ref}${cluster}\n`;
}

export function alertBlocks(ctx: RenderContext): Block[] {
  const { report } = ctx;
  const several = (report.clusters?.length ?? 0) > 1;
  const blocks: Block[] = [];
  const kinds = [
    ["error", "CAUTION"],
    ["warning", "WARNING"],
  ] as const;
  for (const [severity, alert] of kinds) {
    const all = report.findings.introduced.filter((d) => d.severity === severity).sort(compareDiagnostics);
    if (all.length === 0) continue;
    const shown = all.slice(0, ALERT_MAX);
    let text = `> [!${alert}]\n> **${plural(all.length, severity)}** this change introduces\n>\n`;
    for (const d of shown) text += alertLine(d, ctx.head, several);
    if (all.length > shown.length)
      text += `>\n> _${plural(all.length - shown.length, `more ${severity}`)} listed under Findings._\n`;
    blocks.push({ text: `${text}\n`, essential: true, shed: true });
  }
  return blocks;
}

/** Distinct objects by change across the Kustomizations' rendered output (deletions from the report). */
function objectCounts(report: ImpactReport): { create: number; change: number } {
  const seen = new Map<string, string>();
  for (const k of report.kustomizations)
    for (const o of k.objects) {
      const key = `${k.cluster ?? ""}|${o.ref.apiVersion}|${o.ref.display}`;
      if (!seen.has(key)) seen.set(key, o.change);
    }
  let create = 0;
  let change = 0;
  for (const c of seen.values()) {
    if (c === "added") create++;
    else if (c === "modified") change++;
  }
  return { create, change };
}

/** "Flux will create 3 · change 2 · delete 4 objects", deletions named, then the lines that need a look. */
export function fluxWillBlocks(report: ImpactReport): Block[] {
  const { create, change } = objectCounts(report);
  const deleted = report.deletions.filter((d) => d.action === "deleted");
  const orphaned = report.deletions.filter((d) => d.action === "orphaned");
  const parts: string[] = [];
  if (create > 0) parts.push(`create ${create}`);
  if (change > 0) parts.push(`change ${change}`);
  if (deleted.length > 0) parts.push(`delete ${deleted.length}`);
  if (orphaned.length > 0) parts.push(`orphan ${orphaned.length}`);
  const renames = renamePairs(report);
  const { lines, deletionLines } = fluxActionLines(report, renames);
  const explained = new Set(renames.flatMap((r) => r.deletions));
  if (parts.length === 0 && lines.length === 0) return [];
  const total = create + change + deleted.length + orphaned.length;
  const blocks: Block[] = [];
  if (parts.length > 0) {
    let text = `**Flux will** ${parts.join(" · ")} ${total === 1 ? "object" : "objects"}`;
    const plain = deleted.filter((d) => !explained.has(d) && !d.dangerous);
    const names = plain.map((d) => d.ref.display);
    if (names.length > 0 && names.length <= NAMES_INLINE)
      text += ` — deletes ${countedList(
        plain.map((d) => refText(d.ref.display)),
        NAMES_INLINE,
      )}`;
    blocks.push({ text: `${text}.\n\n`, essential: true, shed: true });
    if (names.length > NAMES_INLINE && deletionLines.length > 0)
      blocks.push({
        text: `<details><summary>The ${plural(deletionLines.length, "Kustomization")} whose objects Flux deletes or orphans</summary>\n\n${deletionLines.map((l) => `${l}\n`).join("")}\n</details>\n\n`,
        group: "actions",
      });
    else if (orphaned.length > 0)
      blocks.push({
        text: `${deletionLines.filter((l) => l.startsWith("- 👻")).join("\n")}\n\n`,
        group: "actions",
      });
  }
  if (lines.length > 0)
    blocks.push({ text: `${lines.map((l) => `${l}\n`).join("")}\n`, essential: true, shed: true });
  return blocks;
}

function refText(display: string): string {
  const m = /^([A-Za-z][A-Za-z0-9]*) (\S.*)$/.exec(display);
  return m ? `${m[1]} ${code(m[2]!)}` : code(display);
}
