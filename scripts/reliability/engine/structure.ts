/**
 * The Markdown structure of a rendered comment or check-run summary, as GitHub would parse it — headings,
 * `<details>` balance, fenced blocks, table rows and their column counts — and the active markup that data
 * must never create: mentions, issue references, links, images, HTML comments, raw bidi or CR characters.
 * Used by the injection cases to compare a report over hostile strings with the same report over clean ones.
 */

export interface Structure {
  headings: string[];
  /** `<details>` opened minus closed at the end (0 when balanced). */
  detailsOpen: number;
  /** False when a `</details>` ever closed more than was open. */
  detailsNeverNegative: boolean;
  detailsCount: number;
  fences: number;
  openFence: boolean;
  /** Column count of every table row, in order. */
  tableColumns: number[];
  /** Lines outside fenced blocks, code spans replaced by "CODE" (what GitHub parses as Markdown or HTML). */
  prose: string;
}

function columnCount(line: string): number {
  let pipes = 0;
  for (let i = 0; i < line.length; i++) if (line[i] === "|" && line[i - 1] !== "\\") pipes++;
  return pipes - 1;
}

/** CommonMark code spans: a backtick run closed by the next run of the same length. */
function stripCodeSpans(line: string): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === "\\" && i + 1 < line.length) {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch !== "`") {
      out += ch;
      i++;
      continue;
    }
    let n = 0;
    while (line[i + n] === "`") n++;
    const run = "`".repeat(n);
    let close = -1;
    let j = i + n;
    while (j < line.length) {
      const k = line.indexOf(run, j);
      if (k < 0) break;
      if (line[k + n] !== "`" && line[k - 1] !== "`") {
        close = k;
        break;
      }
      j = k + 1;
      while (line[j] === "`") j++;
    }
    if (close < 0) {
      out += run;
      i += n;
    } else {
      out += "CODE";
      i = close + n;
    }
  }
  return out;
}

export function structureOf(markdown: string): Structure {
  const s: Structure = {
    headings: [],
    detailsOpen: 0,
    detailsNeverNegative: true,
    detailsCount: 0,
    fences: 0,
    openFence: false,
    tableColumns: [],
    prose: "",
  };
  let fence = 0;
  const prose: string[] = [];
  for (const line of markdown.split("\n")) {
    const run = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence > 0) {
      if (run && run[1]!.length >= fence && run[2]!.trim() === "") fence = 0;
      continue;
    }
    if (run) {
      fence = run[1]!.length;
      s.fences++;
      continue;
    }
    const isHtml = /^(<\/?details\b|<!--)/.test(line);
    const text = isHtml ? line : stripCodeSpans(line);
    if (/^#{1,6} /.test(line)) s.headings.push(text);
    if (line.startsWith("|")) s.tableColumns.push(columnCount(line));
    const opened = (text.match(/<details\b/g) ?? []).length;
    s.detailsOpen += opened;
    s.detailsCount += opened;
    s.detailsOpen -= (text.match(/<\/details>/g) ?? []).length;
    if (s.detailsOpen < 0) s.detailsNeverNegative = false;
    prose.push(text);
  }
  s.openFence = fence > 0;
  s.prose = prose.join("\n");
  return s;
}

/** Differences in structure between a clean rendering and a hostile one ([] when the same). */
export function structureChanges(clean: Structure, hostile: Structure): string[] {
  const changes: string[] = [];
  if (JSON.stringify(clean.headings) !== JSON.stringify(hostile.headings))
    changes.push(`headings ${clean.headings.length} → ${hostile.headings.length}`);
  if (hostile.detailsOpen !== 0 || !hostile.detailsNeverNegative)
    changes.push(`<details> unbalanced (${hostile.detailsOpen} open)`);
  if (clean.detailsCount !== hostile.detailsCount)
    changes.push(`<details> blocks ${clean.detailsCount} → ${hostile.detailsCount}`);
  if (hostile.openFence) changes.push("a fenced block is left open");
  if (clean.fences !== hostile.fences) changes.push(`fenced blocks ${clean.fences} → ${hostile.fences}`);
  if (JSON.stringify(clean.tableColumns) !== JSON.stringify(hostile.tableColumns))
    changes.push("table column counts differ");
  return changes;
}

const BIDI_OR_INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF\r]/;

/**
 * Active markup in text GitHub parses (outside fences and code spans): what data must never produce.
 * `allowedComments` is how many `<!--` the renderer itself writes (the comment's hidden marker).
 */
export function activeMarkup(markdown: string, allowedComments: number): string[] {
  const { prose } = structureOf(markdown);
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
