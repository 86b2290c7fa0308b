/**
 * Footer: which revisions were analyzed (base → head, short SHAs) and the tool's name. Revision refs
 * can be labels or directory names from the CLI, so they are escaped; no code spans inside `<sub>`
 * (they would render at 9 px).
 */
import type { Block } from "../budget.ts";
import { mdInline } from "../markdown.ts";
import type { RenderContext } from "./common.ts";

export function footerBlocks(ctx: RenderContext, pointer = "the check run has the full report"): Block[] {
  return [
    {
      text: `\n---\n<sub>flux-impact · analyzed ${revisionText(ctx.base.ref)} → ${revisionText(ctx.head.ref)} · ${pointer}</sub>\n`,
      essential: true,
    },
  ];
}

/** "1a2b3c4" for a full commit SHA, the ref itself otherwise — escaped text (no code inside `<sub>`). */
function revisionText(ref: string): string {
  return mdInline(/^[0-9a-f]{40}$/i.test(ref) ? ref.slice(0, 7) : ref);
}
