/**
 * Per-object rendered diffs, grouped by Kustomization: each object in its own collapsed `<details>`
 * with a ```diff fence (diff text is already Secret-redacted upstream); a Kustomization with one object
 * has its name in that object's summary instead of a label line, and more than DIFFS_LISTED_MAX
 * Kustomizations put the whole list in one more `<details>`. A single object's diff is cut at a line
 * boundary past DIFF_MAX with a note; whole diffs are budget blocks (group "diffs", largest dropped
 * first), and a Kustomization's label stays while one of its diffs does.
 */
import { notTheClusters } from "../../helm/helm-release.ts";
import type { HelmReleaseImpact, KustomizationImpact, ObjectDiff } from "../../impact/types.ts";
import type { Block } from "../budget.ts";
import { clip, htmlInline, mdFence } from "../markdown.ts";
import { code, plural } from "./common.ts";

/** Longest diff shown for one object (UTF-16 code units). */
export const DIFF_MAX = 20_000;
/** More Kustomizations with rendered changes than this: the whole list in one `<details>`. */
export const DIFFS_LISTED_MAX = 10;

export function diffBlocks(kustomizations: readonly KustomizationImpact[], heading = true): Block[] {
  const withObjects = kustomizations.filter((k) => k.objects.length > 0);
  if (withObjects.length === 0) return [];
  const blocks: Block[] = [];
  if (heading) blocks.push({ text: "#### Rendered changes\n\n", needs: ["diffs"] });
  // Many Kustomizations: their diffs behind one more click, so the list does not fill screens.
  const wrap = withObjects.length > DIFFS_LISTED_MAX;
  if (wrap) {
    const objects = withObjects.reduce((n, k) => n + k.objects.length, 0);
    blocks.push({
      text: `<details><summary>${plural(objects, "object")} in ${plural(withObjects.length, "Kustomization")}</summary>\n\n`,
      needs: ["diffs"],
    });
  }
  withObjects.forEach((k, i) => {
    const tag = `diffs:${i}`;
    // One object: its summary names the Kustomization too (one closed line per Kustomization).
    if (k.objects.length === 1) {
      const owner = `Kustomization <code>${htmlInline(k.key)}</code> → `;
      blocks.push({ text: objectDiffBlock(k.objects[0]!, owner), group: "diffs", tags: [tag] });
      return;
    }
    blocks.push({
      text: `**Kustomization ${code(k.key)}** — ${plural(k.objects.length, "object")}\n\n`,
      needs: [tag],
    });
    for (const o of k.objects) blocks.push({ text: objectDiffBlock(o), group: "diffs", tags: [tag] });
  });
  if (wrap) blocks.push({ text: "</details>\n\n", needs: ["diffs"] });
  return blocks;
}

/**
 * The rendered charts of changed HelmReleases, as Kustomizations' diffs are shown: a HelmRelease whose
 * chart could not be rendered says why (never an empty list that would read as "nothing changes"), and
 * one whose chart calls random or time functions says those values are placeholders.
 */
export function helmDiffBlocks(helmReleases: readonly HelmReleaseImpact[]): Block[] {
  const withRender = helmReleases.filter((h) => h.rendered);
  if (withRender.length === 0) return [];
  // What could not be rendered is said whatever the budget: its lines are not droppable, and keep the heading.
  const anyNote = withRender.some((h) => h.rendered!.status !== "rendered");
  const header = (text: string): Block => (anyNote ? { text } : { text, needs: ["hdiffs"] });
  const blocks: Block[] = [
    header(
      "#### What the changed HelmReleases install (charts rendered)\n\n" +
        "<sub>Rendered as helm-controller renders them, with `helm template`'s view of the cluster: default API versions, no `lookup` results.</sub>\n\n",
    ),
  ];
  const wrap = withRender.length > DIFFS_LISTED_MAX;
  if (wrap)
    blocks.push(header(`<details><summary>${plural(withRender.length, "HelmRelease")}</summary>\n\n`));
  withRender.forEach((h, i) => {
    const tag = `hdiffs:${i}`;
    const r = h.rendered!;
    const label = `**HelmRelease ${code(h.key)}**`;
    if (r.status !== "rendered") {
      const what =
        r.status === "failed"
          ? `⛔ does not render: ${code(clip(r.message ?? "", 600))}`
          : `❔ not shown: ${htmlInline(clip(r.message ?? "", 600))}`;
      blocks.push({ text: `${label} — ${what}\n\n` });
      return;
    }
    const placeholders = notComparable(r.nondeterministic ?? []);
    if (r.objects.length === 0) {
      blocks.push({
        text: `${label} — the rendered objects do not change${placeholders}\n\n`,
        group: "hdiffs",
        tags: [tag],
      });
      return;
    }
    blocks.push({
      text: `${label} — ${plural(r.objects.length, "object")}${placeholders}\n\n`,
      needs: [tag],
    });
    for (const o of r.objects) blocks.push({ text: objectDiffBlock(o), group: "hdiffs", tags: [tag] });
  });
  if (wrap) blocks.push(header("</details>\n\n"));
  return blocks;
}

function summary(o: ObjectDiff): string {
  const m = /^([A-Za-z][A-Za-z0-9]*) (\S.*)$/.exec(o.ref.display);
  const name = m ? `${m[1]} <code>${htmlInline(m[2]!)}</code>` : `<code>${htmlInline(o.ref.display)}</code>`;
  return `${name} · ${o.change} · +${o.added} −${o.removed}`;
}

/** `owner`: raw HTML put before the object's summary (already escaped). */
export function objectDiffBlock(o: ObjectDiff, owner = ""): string {
  const { text, omitted } = cutDiff(o.diff);
  const body = text === "" ? "No line-level change.\n" : mdFence(text, "diff");
  const note = omitted > 0 ? `\n_Diff cut here: ${plural(omitted, "more line")} not shown._\n` : "";
  return `<details><summary>${owner}${summary(o)}</summary>\n\n${body}${note}\n</details>\n\n`;
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

/** What of a render is not the cluster's: random values, and what `lookup` would read. "" when nothing. */
function notComparable(calls: readonly string[]): string {
  const notes = notTheClusters(calls, (name) => code(name));
  return notes.length ? ` _(${notes.join("; ")})_` : "";
}
