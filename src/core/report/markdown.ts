/**
 * The one escaping layer between untrusted text (paths, names, YAML values, messages that echo input) and
 * the GitHub-flavoured Markdown the report writes. Everything a renderer prints from data goes through one
 * of these functions:
 *   - `mdInline`   inline Markdown text (paragraphs, list items, table cells);
 *   - `mdCode`     an inline code span, safe for any content;
 *   - `mdFence`    a fenced block (diffs, diagrams) whose fence is longer than any backtick run inside;
 *   - `htmlInline` text inside raw HTML (`<summary>`), where Markdown is not parsed;
 *   - `mdLink`     a link, only to http(s) URLs the report builds itself;
 *   - `plainText`  plain-text channels (check-run annotations): invisible characters made visible.
 * Mentions (`@user`), issue references (`#1`, `GH-1`) and autolinks (`https://…`, `www.`) in data are
 * broken with a zero-width space, as Renovate's `sanitizeMarkdown` does; bidi controls and zero-width
 * characters become a visible `\u{…}` so they cannot reorder or hide text ("Trojan Source").
 * It does not decide layout or lengths beyond `clip`.
 */

const ZWSP = "&#8203;";
const LINE_BREAK = /[\n\r\v\f\u0085\u2028\u2029]/;
/**
 * C0/C1 controls (tab and line breaks aside), bidi controls, zero-width and other invisible characters,
 * lone surrogates, and Unicode tag characters (U+E0000–E007F, used to smuggle invisible text): [from, to].
 */
const INVISIBLE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x00, 0x08],
  [0x0e, 0x1f],
  [0x7f, 0x84],
  [0x86, 0x9f],
  [0xad, 0xad],
  [0x34f, 0x34f],
  [0x61c, 0x61c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xd800, 0xdfff],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff9, 0xfffb],
  [0xe0000, 0xe007f],
];
const MD_PUNCTUATION = new Set(["\\", "`", "*", "_", "[", "]", "!", "~", "|", "$"]);
const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
const ATTR_ENTITIES: Record<string, string> = { ...HTML_ENTITIES, '"': "&quot;", "'": "&#39;" };

/** `\u{202E}`: how an invisible or control character is shown. */
export function visibleCodePoint(ch: string): string {
  return `\\u{${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}}`;
}

/** `ch` is one element of Array.from(): a code point, or a lone surrogate. */
function isInvisible(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  if (cp >= 0x20 && cp < 0x7f) return false;
  return INVISIBLE_RANGES.some(([from, to]) => cp >= from && cp <= to);
}

/** Printable ASCII, tab and newline only: nothing to make visible (the common case, checked fast). */
const SAFE_ASCII = /^[\x20-\x7E\t\n]*$/;
const hex = (n: number) => `\\u{${n.toString(16)}}`;
/** The same ranges as one regular expression (built, so no combining mark sits in a literal class). */
const INVISIBLE_RE = new RegExp(
  `[${INVISIBLE_RANGES.map(([a, b]) => `${hex(a)}-${hex(b)}`).join("")}]`,
  "gu",
);
const OTHER_LINE_BREAKS = /[\v\f\u0085\u2028\u2029]/g;

/**
 * Defangs shared by Markdown and HTML text: mentions, issue references and autolinks. Returns the text
 * to write before `ch` (a zero-width space) or "".
 */
function breakBefore(chars: readonly string[], i: number): string {
  const ch = chars[i]!;
  const prev = (n: number) => (chars[i - n] ?? "").toLowerCase();
  const isDigit = (s: string | undefined) => s !== undefined && s >= "0" && s <= "9";
  if (isDigit(ch) && (prev(1) === "#" || (prev(1) === "-" && prev(2) === "h" && prev(3) === "g")))
    return ZWSP;
  if (ch === "/" && prev(1) === ":" && chars[i + 1] === "/") return ZWSP;
  if (ch === "." && prev(1) === "w" && prev(2) === "w" && prev(3) === "w") return ZWSP;
  return "";
}

/** Escape untrusted text for inline Markdown: the result is literal text on one line, with no markup. */
export function mdInline(text: string): string {
  const chars = Array.from(text);
  let out = "";
  let digitsOnly = true; // so far: "12." at the start would begin an ordered list
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    out += breakBefore(chars, i);
    if (LINE_BREAK.test(ch) || ch === "\t") out += " ";
    else if (isInvisible(ch)) out += visibleCodePoint(ch);
    else if (HTML_ENTITIES[ch] !== undefined) out += HTML_ENTITIES[ch];
    else if (MD_PUNCTUATION.has(ch)) out += `\\${ch}`;
    else if (ch === "@") out += `@${ZWSP}`;
    else if (i === 0 && (ch === "#" || ch === "-" || ch === "+" || ch === "=")) out += `\\${ch}`;
    else if (i > 0 && digitsOnly && (ch === "." || ch === ")")) out += `\\${ch}`;
    else out += ch;
    digitsOnly &&= ch >= "0" && ch <= "9";
  }
  return out;
}

/** Escape untrusted text inside raw HTML (a `<summary>`): entities, no Markdown escapes (not parsed there). */
export function htmlInline(text: string): string {
  const chars = Array.from(text);
  let out = "";
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    out += breakBefore(chars, i);
    if (LINE_BREAK.test(ch) || ch === "\t") out += " ";
    else if (isInvisible(ch)) out += visibleCodePoint(ch);
    else if (ATTR_ENTITIES[ch] !== undefined) out += ATTR_ENTITIES[ch];
    else if (ch === "@") out += `@${ZWSP}`;
    else out += ch;
  }
  return out;
}

/** Invisible characters made visible, line breaks kept: for plain-text outputs (annotations, titles). */
export function plainText(text: string, keepLineBreaks = true): string {
  if (keepLineBreaks && SAFE_ASCII.test(text)) return text;
  const lines = text.replace(/\r\n?/g, "\n").replace(OTHER_LINE_BREAKS, " ");
  return (keepLineBreaks ? lines : lines.replace(/\n/g, " ")).replace(INVISIBLE_RE, visibleCodePoint);
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

/**
 * An inline code span showing `text` literally: line breaks flattened, invisible characters visible, a
 * backtick fence longer than any run inside. In a table cell (`table: true`) pipes are escaped, which
 * GFM undoes inside the cell.
 */
export function mdCode(text: string, options: { table?: boolean } = {}): string {
  let body = plainText(text, false);
  if (options.table) body = body.replace(/\|/g, "\\|");
  if (body === "") return "` `";
  const fence = "`".repeat(longestBacktickRun(body) + 1);
  const pad = body.startsWith("`") || body.endsWith("`") || (body.startsWith(" ") && body.endsWith(" "));
  return pad ? `${fence} ${body} ${fence}` : `${fence}${body}${fence}`;
}

/**
 * A fenced code block: line endings normalized, invisible characters visible, a fence longer than the
 * longest backtick run in the content (so nothing inside can close it). Ends with a newline.
 */
export function mdFence(content: string, lang = ""): string {
  const normalized = content.replace(/\r\n?/g, "\n");
  const body = SAFE_ASCII.test(normalized) ? normalized : plainText(normalized);
  const fence = "`".repeat(Math.max(3, longestBacktickRun(body) + 1));
  const info = /^[A-Za-z0-9_+.-]*$/.test(lang) ? lang : "";
  return `${fence}${info}\n${body}${body.endsWith("\n") || body === "" ? "" : "\n"}${fence}\n`;
}

/** Percent-encode what could end or confuse a Markdown link destination. */
function safeUrl(url: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(url)) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]/.test(ch)
      ? ch
      : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** A link to an http(s) URL the report built (label escaped); plain escaped text for anything else. */
export function mdLink(label: string, url: string | undefined): string {
  if (url === undefined || !/^https?:\/\/[^\s/?#]+/i.test(url)) return mdInline(label);
  return `[${mdInline(label)}](${safeUrl(url)})`;
}

/** The blob URL of a repository file (and line): each path segment encoded. */
export function fileUrl(blobUrl: string | undefined, path: string, line?: number): string | undefined {
  if (blobUrl === undefined) return undefined;
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return `${blobUrl.replace(/\/+$/, "")}/${encoded}${line !== undefined && line > 0 ? `#L${line}` : ""}`;
}

/** At most `max` UTF-16 code units, cut on a code point boundary, "…" marking the cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - 1);
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
