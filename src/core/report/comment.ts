/**
 * The sticky pull-request comment: hidden marker, heading and verdict, then the lead — introduced
 * errors and warnings as alerts, one line of what Flux will do, what could not be analyzed — then the
 * detail: affected-objects tables, dependsOn chains, the dependency diagram (only when dependsOn edges
 * change or break), the remaining findings, unchanged/unowned files, per-object diffs and a footer — in
 * that fixed order, each from a small renderer in `sections/`. The whole comment is fitted to
 * `maxChars` (default 60,000, counted in UTF-8 bytes, never fewer than UTF-16 units) by the budget:
 * whole diffs go first (largest first), then chains, the diagram and findings, then table rows, each
 * time with a visible note; fences and `<details>` always stay balanced.
 */
import type { ImpactReport, RevisionInfo } from "../impact/types.ts";
import { maskCredentials } from "../secrets/mask.ts";
import { type Block, type DropGroup, fitBlocks } from "./budget.ts";
import { COMMENT_MARKER } from "./markers.ts";
import { affectedBlocks } from "./sections/affected.ts";
import { chainBlocks } from "./sections/chains.ts";
import { plural, type RenderContext } from "./sections/common.ts";
import { diffBlocks, helmDiffBlocks } from "./sections/diffs.ts";
import { findingBlocks } from "./sections/findings.ts";
import { footerBlocks } from "./sections/footer.ts";
import { graphBlocks } from "./sections/graph.ts";
import { alertBlocks, fluxWillBlocks } from "./sections/lead.ts";
import { contextBlocks, notAnalyzedBlocks, verdictBlocks } from "./sections/summary.ts";

export const COMMENT_MAX_CHARS = 60_000;

export interface CommentOptions {
  base: RevisionInfo;
  head: RevisionInfo;
  maxChars?: number;
  /** The check run's page: the comment lists only what the change touches and links there for the rest. */
  checkRunUrl?: string;
}

interface GroupWording {
  id: string;
  order: DropGroup["order"];
  one: string;
  many: string;
  stage?: string;
}

/** The droppable groups in the order the budget drops them, and what their notes call a block. */
const GROUPS: readonly GroupWording[] = [
  { id: "diffs", order: "largest", one: "object diff", many: "object diffs" },
  { id: "hdiffs", order: "largest", one: "rendered HelmRelease diff", many: "rendered HelmRelease diffs" },
  { id: "chains", order: "last", one: "dependsOn chain", many: "dependsOn chains" },
  { id: "graph", order: "last", one: "dependency graph", many: "dependency graphs" },
  {
    id: "table-details",
    order: "last",
    one: "entry of the tables' details",
    many: "entries of the tables' details",
  },
  {
    id: "findings-existing",
    order: "last",
    one: "finding already on the base branch",
    many: "findings already on the base branch",
  },
  { id: "findings-introduced", order: "last", one: "finding", many: "findings" },
  { id: "ks-rows", order: "last", one: "Kustomization row", many: "Kustomization rows", stage: "tables" },
  { id: "hr-rows", order: "last", one: "HelmRelease row", many: "HelmRelease rows", stage: "tables" },
  { id: "actions", order: "last", one: "line of what Flux will do", many: "lines of what Flux will do" },
  {
    id: "context",
    order: "last",
    one: "list of unchanged or unowned files",
    many: "lists of unchanged or unowned files",
  },
];

/** Budget groups whose notes say what was left out and where the rest is. */
export function dropGroups(where: string, diffsLast = false): DropGroup[] {
  // The check run's text is where the diffs live: there table rows and findings go before diffs do.
  const order = diffsLast ? [...GROUPS.filter((g) => g.id !== "diffs"), GROUPS[0]!] : GROUPS;
  return order.map(({ id, order, one, many, stage }) => ({
    id,
    order,
    ...(stage !== undefined ? { stage } : {}),
    note: (n: number) =>
      `_${id === "graph" ? "The dependency graph was" : `${plural(n, one, many)} ${n === 1 ? "was" : "were"}`} left out to fit the size limit${id === "diffs" ? " (largest first)" : ""}; ${where}._`,
  }));
}

/** The lead under the verdict: what needs action, what Flux will do, what could not be analyzed. */
export function leadBlocks(ctx: RenderContext): Block[] {
  return [...alertBlocks(ctx), ...fluxWillBlocks(ctx.report), ...notAnalyzedBlocks(ctx)];
}

/** The detail after the lead (no diffs, no footer): tables, chains, diagram, findings, context. */
export function detailBlocks(ctx: RenderContext): Block[] {
  const { report } = ctx;
  return [
    ...affectedBlocks(report.kustomizations, report.helmReleases, report.clusters ?? [], ctx.head),
    ...chainBlocks(report),
    ...graphBlocks(report),
    ...findingBlocks(ctx),
    ...contextBlocks(ctx),
  ];
}

/** Verdict, lead and detail (no marker, no diffs, no footer). */
export function mainSectionBlocks(ctx: RenderContext, heading: boolean): Block[] {
  return [...verdictBlocks(ctx, heading), ...leadBlocks(ctx), ...detailBlocks(ctx)];
}

export function renderComment(report: ImpactReport, options: CommentOptions): string {
  const ctx: RenderContext = {
    report,
    base: options.base,
    head: options.head,
    surface: "comment",
    checkRunUrl: options.checkRunUrl,
  };
  const blocks: Block[] = [
    { text: `${COMMENT_MARKER}\n`, essential: true },
    ...mainSectionBlocks(ctx, true),
    ...diffBlocks(report.kustomizations),
    ...helmDiffBlocks(report.helmReleases),
    ...footerBlocks(ctx),
  ];
  const max = options.maxChars ?? COMMENT_MAX_CHARS;
  const overflow = "_The full report is too large for a comment; the check run has it._";
  // Last line of defence: a credential that reached any section is replaced (fingerprints are shorter).
  return maskCredentials(
    fitBlocks(blocks, dropGroups("the check run has the full list"), max, overflow).text,
  );
}
