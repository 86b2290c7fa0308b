/**
 * Footer: which revisions were analyzed (base → head, short SHAs) and the tool's name. Revision refs
 * can be labels or directory names from the CLI, so they are shown as code spans.
 */
import type { Block } from "../budget.ts";
import { type RenderContext, revisionMarkdown } from "./common.ts";

export function footerBlocks(ctx: RenderContext, pointer = "the check run has the full report"): Block[] {
  return [
    {
      text: `\n---\n<sub>flux-impact · analyzed ${revisionMarkdown(ctx.base)} → ${revisionMarkdown(ctx.head)} · ${pointer}</sub>\n`,
      essential: true,
    },
  ];
}
