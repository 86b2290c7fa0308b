/**
 * Findings: problems the change introduces that the lead's alerts do not show (notices, and errors or
 * warnings beyond the alerts' cap) — severity, code, message, a link to `file#Lline` in the head
 * revision when its blob URL is known — then, collapsed, those already on the base branch.
 * Messages can echo repository content, so they go through `mdInline`. One budget block per finding
 * (groups "findings-introduced", "findings-existing"); the `<details>` wrapper goes with its last item.
 */
import { compareDiagnostics, type Diagnostic } from "../../diagnostics.ts";
import type { RevisionInfo } from "../../impact/types.ts";
import type { Block } from "../budget.ts";
import { clip, mdInline, mdLink } from "../markdown.ts";
import { code, fileLink, plural, type RenderContext } from "./common.ts";
import { alertedFindings } from "./lead.ts";

const MESSAGE_MAX = 500;
const ICON = { error: "❌", warning: "⚠️", notice: "ℹ️" } as const;

/** True when findings come from more than one cluster (then each line names its cluster). */
export function severalClusters(findings: readonly Diagnostic[]): boolean {
  return new Set(findings.flatMap((d) => (d.cluster ? d.cluster.split(", ") : []))).size > 1;
}

/** One finding; `showCluster` names the cluster(s) it was found in (repositories with several). */
export function findingLine(d: Diagnostic, head: RevisionInfo, showCluster = false): string {
  const where = d.file !== undefined ? ` (${fileLink(d.file, d.line, head)})` : "";
  const ref = d.ref !== undefined && d.file === undefined ? ` (${mdInline(clip(d.ref, 200))})` : "";
  const cluster = showCluster && d.cluster ? ` · cluster ${code(d.cluster)}` : "";
  return `- ${ICON[d.severity]} **${d.severity}** ${code(d.code)} — ${mdInline(clip(d.message, MESSAGE_MAX))}${where}${ref}${cluster}`;
}

export function findingBlocks(ctx: RenderContext): Block[] {
  // Errors and warnings lead the comment as alerts (lead.ts); here: notices and what did not fit there.
  const alerted = alertedFindings(ctx.report);
  const introduced = [...ctx.report.findings.introduced]
    .filter((d) => !alerted.has(d))
    .sort(compareDiagnostics);
  const existing = [...ctx.report.findings.existing].sort(compareDiagnostics);
  if (introduced.length + existing.length === 0) return [];
  const blocks: Block[] = [
    { text: "#### Findings\n\n", needs: ["findings-introduced", "findings-existing"] },
  ];
  if (introduced.length > 0) {
    for (const d of introduced)
      blocks.push({
        text: `${findingLine(d, ctx.head, (ctx.report.clusters?.length ?? 0) > 1)}\n`,
        group: "findings-introduced",
      });
    blocks.push({ text: "\n", needs: ["findings-introduced"] });
  }
  // Nothing introduced: the verdict line already says "no new problems".
  if (existing.length > 0 && ctx.surface === "comment") {
    // The comment keeps what the change touches; the rest is one line (the check run lists it all).
    const touched = new Set(
      ctx.report.changedFiles.flatMap((c) => [c.path, ...(c.previousPath ? [c.previousPath] : [])]),
    );
    const near = existing.filter((d) => d.file !== undefined && touched.has(d.file));
    const far = existing.filter((d) => !near.includes(d));
    if (far.length > 0) {
      const byCode = new Map<string, number>();
      for (const d of far) byCode.set(d.code, (byCode.get(d.code) ?? 0) + 1);
      const counts = [...byCode]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([c, n]) => `${n} × ${code(c)}`)
        .join(", ");
      const where = ctx.checkRunUrl ? mdLink("the check run", ctx.checkRunUrl) : "the check run";
      blocks.push({
        text: `Already on the base branch, in files this change does not touch: ${counts} — ${where} lists them.\n\n`,
        group: "findings-existing",
      });
    }
    if (near.length > 0) {
      blocks.push({
        text: `<details><summary>Already on the base branch, in files this change touches (${plural(near.length, "finding")})</summary>\n\n`,
        needs: ["findings-existing"],
      });
      for (const d of near)
        blocks.push({
          text: `${findingLine(d, ctx.head, (ctx.report.clusters?.length ?? 0) > 1)}\n`,
          group: "findings-existing",
        });
      blocks.push({ text: "\n</details>\n\n", needs: ["findings-existing"] });
    }
  } else if (existing.length > 0) {
    blocks.push({
      text: `<details><summary>Already on the base branch (${plural(existing.length, "finding")})</summary>\n\n`,
      needs: ["findings-existing"],
    });
    for (const d of existing)
      blocks.push({
        text: `${findingLine(d, ctx.head, (ctx.report.clusters?.length ?? 0) > 1)}\n`,
        group: "findings-existing",
      });
    blocks.push({ text: "\n</details>\n\n", needs: ["findings-existing"] });
  }
  return blocks;
}
