/**
 * The Markdown structure of a rendered report, as GitHub would parse it: headings, `<details>`
 * nesting, fenced blocks, table rows and their column counts, and the text outside code (fences and
 * code spans removed) for mention / link / comment checks.
 */

export interface Structure {
  headings: string[];
  /** `<details>` opened minus closed at the end (0 when balanced). */
  details: number;
  /** False when a `</details>` ever closed more than was open. */
  detailsNeverNegative: boolean;
  detailsCount: number;
  fences: number;
  openFence: boolean;
  /** Column count of every table row, in order (header, delimiter, rows). */
  tableRows: number[];
  /** Markdown lines outside fenced blocks, with code spans replaced by "CODE". */
  prose: string;
  /** Lines that start an HTML block (`<details><summary>…`, `<!--`): raw HTML, not parsed as Markdown. */
  html: string;
}

/** Cells of a GFM table row: pipes preceded by a backslash do not split. */
export function columnCount(line: string): number {
  let pipes = 0;
  for (let i = 0; i < line.length; i++) if (line[i] === "|" && line[i - 1] !== "\\") pipes++;
  return pipes - 1;
}

/** CommonMark code spans: a backtick run closed by the next run of the same length. */
export function stripCodeSpans(line: string): string {
  let out = "";
  let i = 0;
  while (i < line.length) {
    if (line[i] === "\\" && i + 1 < line.length) {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (line[i] !== "`") {
      out += line[i];
      i++;
      continue;
    }
    let n = 0;
    while (line[i + n] === "`") n++;
    const fence = "`".repeat(n);
    let j = i + n;
    let close = -1;
    while (j < line.length) {
      const k = line.indexOf(fence, j);
      if (k < 0) break;
      if (line[k + n] !== "`" && line[k - 1] !== "`") {
        close = k;
        break;
      }
      j = k + 1;
      while (line[j] === "`") j++;
    }
    if (close < 0) {
      out += fence;
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
    details: 0,
    detailsNeverNegative: true,
    detailsCount: 0,
    fences: 0,
    openFence: false,
    tableRows: [],
    prose: "",
    html: "",
  };
  let fence = 0;
  const prose: string[] = [];
  const html: string[] = [];
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
    // HTML blocks as CommonMark starts them here: `<details>`/`</details>` (type 6), `<!--` (type 2).
    const isHtml = /^(<\/?details\b|<!--)/.test(line);
    const text = isHtml ? line : stripCodeSpans(line);
    if (/^#{1,6} /.test(line)) s.headings.push(text);
    if (line.startsWith("|")) s.tableRows.push(columnCount(line));
    const opened = (text.match(/<details\b/g) ?? []).length;
    s.details += opened;
    s.detailsCount += opened;
    s.details -= (text.match(/<\/details>/g) ?? []).length;
    if (s.details < 0) s.detailsNeverNegative = false;
    (isHtml ? html : prose).push(text);
  }
  s.openFence = fence > 0;
  s.prose = prose.join("\n");
  s.html = html.join("\n");
  return s;
}
