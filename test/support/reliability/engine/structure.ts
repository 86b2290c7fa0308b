/**
 * The Markdown structure of a rendered comment or check-run summary, as GitHub would parse it — headings,
 * `<details>` balance, fenced blocks, table rows and their column counts — and the active markup that data
 * must never create: mentions, issue references, links, images, HTML comments, raw bidi or CR characters.
 * Used by the injection cases to compare a report over hostile strings with the same report over clean ones.
 * The parsing itself is test/support/markdown/structure.ts (the report tests use it too); this adds the
 * comparisons.
 */

import { type Structure, structureOf } from "../../markdown/structure.ts";

export { structureOf };

/** Differences in structure between a clean rendering and a hostile one ([] when the same). */
export function structureChanges(clean: Structure, hostile: Structure): string[] {
  const changes: string[] = [];
  if (JSON.stringify(clean.headings) !== JSON.stringify(hostile.headings))
    changes.push(`headings ${clean.headings.length} → ${hostile.headings.length}`);
  if (hostile.details !== 0 || !hostile.detailsNeverNegative)
    changes.push(`<details> unbalanced (${hostile.details} open)`);
  if (clean.detailsCount !== hostile.detailsCount)
    changes.push(`<details> blocks ${clean.detailsCount} → ${hostile.detailsCount}`);
  if (hostile.openFence) changes.push("a fenced block is left open");
  if (clean.fences !== hostile.fences) changes.push(`fenced blocks ${clean.fences} → ${hostile.fences}`);
  if (JSON.stringify(clean.tableRows) !== JSON.stringify(hostile.tableRows))
    changes.push("table column counts differ");
  return changes;
}

const BIDI_OR_INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF\r]/;

/**
 * Active markup in text GitHub parses (outside fences and code spans): what data must never produce.
 * `allowedComments` is how many `<!--` the renderer itself writes (the comment's hidden marker).
 */
export function activeMarkup(markdown: string, allowedComments: number): string[] {
  const { prose: markdownLines, html } = structureOf(markdown);
  const prose = `${markdownLines}\n${html}`;
  // Entities (&#8203; is the zero-width space that breaks mentions) are not letters; links to the head
  // revision's files are the renderer's own.
  const text = prose
    .replace(/&#?[A-Za-z0-9]+;/g, "·")
    .replace(/\]\(https:\/\/github\.com\/example\/home-cluster\/blob\/[^)\s]*\)/g, "]");
  const found: string[] = [];
  if (/(^|[^\\\w`])@[A-Za-z0-9]/.test(text)) found.push("a @mention");
  if (/(^|[^\\&\w])#\d/.test(text)) found.push("an #issue reference");
  if (/(?<!\\)\]\((?!#)/.test(text)) found.push("a Markdown link");
  if (/(?<!\\)!\[/.test(text)) found.push("an image");
  if (/https?:\/\/|www\./.test(text)) found.push("an autolink");
  if (/<(img|a|script|iframe)\b/i.test(text)) found.push("raw HTML");
  if ((text.match(/<!--/g) ?? []).length > allowedComments) found.push("an HTML comment");
  if (BIDI_OR_INVISIBLE.test(markdown)) found.push("a raw bidi, zero-width or CR character");
  return found;
}
