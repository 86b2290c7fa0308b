/**
 * Per-object rendered diffs, grouped by Kustomization: each object in its own collapsed `<details>`
 * with a ```diff fence (diff text is already Secret-redacted upstream). A single object's diff is cut
 * at a line boundary past DIFF_MAX with a note; whole diffs are budget blocks (group "diffs", largest
 * dropped first), and a Kustomization's label stays while one of its diffs does.
 */
import type { KustomizationImpact, ObjectDiff } from "../../impact/types.ts";
import type { Block } from "../budget.ts";
import { clip, htmlInline, mdFence } from "../markdown.ts";
import { code, plural } from "./common.ts";

/** Longest diff shown for one object (UTF-16 code units). */
export const DIFF_MAX = 20_000;

export function diffBlocks(kustomizations: readonly KustomizationImpact[], heading = true): Block[] {
  const withObjects = kustomizations.filter((k) => k.objects.length > 0);
  if (withObjects.length === 0) return [];
  const blocks: Block[] = [];
  if (heading) blocks.push({ text: "#### Rendered changes\n\n", needs: ["diffs"] });
  withObjects.forEach((k, i) => {
    const tag = `diffs:${i}`;
    blocks.push({
      text: `**Kustomization ${code(k.key)}** — ${plural(k.objects.length, "object")}\n\n`,
      needs: [tag],
    });
    for (const o of k.objects) blocks.push({ text: objectDiffBlock(o), group: "diffs", tags: [tag] });
  });
  return blocks;
}

function summary(o: ObjectDiff): string {
  const m = /^([A-Za-z][A-Za-z0-9]*) (\S.*)$/.exec(o.ref.display);
  const name = m ? `${m[1]} <code>${htmlInline(m[2]!)}</code>` : `<code>${htmlInline(o.ref.display)}</code>`;
  return `${name} · ${o.change} · +${o.added} −${o.removed}`;
}

export function objectDiffBlock(o: ObjectDiff): string {
  const { text, omitted } = cutDiff(o.diff);
  const body = text === "" ? "No line-level change.\n" : mdFence(text, "diff");
  const note = omitted > 0 ? `\n_Diff cut here: ${plural(omitted, "more line")} not shown._\n` : "";
  return `<details><summary>${summary(o)}</summary>\n\n${body}${note}\n</details>\n\n`;
}

function cutDiff(diff: string): { text: string; omitted: number } {
  if (diff.length <= DIFF_MAX) return { text: diff, omitted: 0 };
  const lines = diff.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  let size = 0;
  let n = 0;
  while (n < lines.length && size + lines[n]!.length + 1 <= DIFF_MAX) size += lines[n++]!.length + 1;
  if (n === 0) return { text: `${clip(lines[0]!, DIFF_MAX)}\n`, omitted: lines.length - 1 };
  return { text: `${lines.slice(0, n).join("\n")}\n`, omitted: lines.length - n };
}
