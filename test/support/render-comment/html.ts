/**
 * Markdown → the HTML GitHub shows for a comment: cmark-gfm with GitHub's extensions, GitHub alert blocks
 * (`> [!WARNING]` …, which cmark-gfm leaves as blockquotes) turned into GitHub's `markdown-alert` divs, and
 * a page imitating the comment column (934 px content at a 1280 px viewport, GitHub's markdown CSS). Mermaid
 * blocks are drawn in the page by the `mermaid` browser bundle, loaded from node_modules; the in-page script
 * records what it measured in `window.__renderResult`. Everything here but `cmarkGfm` is pure.
 */
import { execFileSync } from "node:child_process";

export const COLUMN_WIDTH = 934;
export const VIEWPORT_WIDTH = 1280;
export const SCREEN_HEIGHT = 900;

export const CMARK_ARGS = [
  "--unsafe",
  "-e",
  "table",
  "-e",
  "strikethrough",
  "-e",
  "autolink",
  "-e",
  "tagfilter",
  "-e",
  "tasklist",
] as const;

/** Markdown → HTML with the cmark-gfm binary, as GitHub renders a comment. */
export function cmarkGfm(markdown: string, binary = "cmark-gfm"): string {
  return execFileSync(binary, [...CMARK_ARGS], { input: markdown, encoding: "utf8", maxBuffer: 64 << 20 });
}

/** Height in screens, one decimal (1234 px → 1.4). */
export function screens(heightPx: number, screen = SCREEN_HEIGHT): number {
  return Math.round((heightPx / screen) * 10) / 10;
}

/** The 1-based screen a point `topPx` from the top of the comment falls on (0–899 → 1). */
export function screenOf(topPx: number, screen = SCREEN_HEIGHT): number {
  return Math.floor(Math.max(0, topPx) / screen) + 1;
}

const ALERTS = {
  NOTE: { title: "Note", color: "#0969da" },
  TIP: { title: "Tip", color: "#1a7f37" },
  IMPORTANT: { title: "Important", color: "#8250df" },
  WARNING: { title: "Warning", color: "#9a6700" },
  CAUTION: { title: "Caution", color: "#d1242f" },
} as const;

const ALERT_OPEN = /<blockquote>\n<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\](?:\n|<\/p>\n)/g;

/**
 * GitHub's alert blocks: a blockquote whose first line is exactly `[!TYPE]` becomes
 * `<div class="markdown-alert markdown-alert-type"><p class="markdown-alert-title">Type</p>…</div>`
 * (nested blockquotes are matched by depth; other blockquotes stay as they are).
 */
export function githubAlerts(html: string): string {
  let out = "";
  let at = 0;
  ALERT_OPEN.lastIndex = 0;
  for (let m = ALERT_OPEN.exec(html); m !== null; m = ALERT_OPEN.exec(html)) {
    if (m.index < at) continue;
    const type = m[1] as keyof typeof ALERTS;
    const bodyStart = m.index + m[0].length;
    // Find the matching </blockquote>.
    const tag = /<(\/?)blockquote>/g;
    tag.lastIndex = bodyStart;
    let depth = 1;
    let close = -1;
    for (let t = tag.exec(html); t !== null; t = tag.exec(html)) {
      depth += t[1] === "/" ? -1 : 1;
      if (depth === 0) {
        close = t.index;
        break;
      }
    }
    if (close < 0) break;
    const paragraphOpen = m[0].endsWith("</p>\n") ? "" : "<p>";
    const body = githubAlerts(paragraphOpen + html.slice(bodyStart, close));
    const lower = type.toLowerCase();
    out +=
      html.slice(at, m.index) +
      `<div class="markdown-alert markdown-alert-${lower}">\n<p class="markdown-alert-title">${ALERTS[type].title}</p>\n${body}</div>`;
    at = close + "</blockquote>".length;
    ALERT_OPEN.lastIndex = at;
  }
  return out + html.slice(at);
}

const alertCss = Object.entries(ALERTS)
  .map(
    ([type, { color }]) =>
      `.markdown-alert-${type.toLowerCase()} { border-left-color: ${color}; }\n` +
      `.markdown-alert-${type.toLowerCase()} .markdown-alert-title { color: ${color}; }`,
  )
  .join("\n");

/** GitHub's markdown-body CSS (light theme), the parts a comment uses. */
export const GITHUB_CSS = `
html, body { margin: 0; background: #fff; }
body { width: ${VIEWPORT_WIDTH}px; }
.column { width: ${COLUMN_WIDTH + 32}px; margin: 24px auto; border: 1px solid #d1d9e0; border-radius: 6px; }
.column-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #59636e; }
.markdown-body { box-sizing: content-box; width: ${COLUMN_WIDTH}px; padding: 16px; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji"; font-size: 14px; line-height: 1.5; color: #1f2328; word-wrap: break-word; }
.markdown-body > *:first-child { margin-top: 0 !important; }
.markdown-body > *:last-child { margin-bottom: 0 !important; }
.markdown-body p, .markdown-body blockquote, .markdown-body ul, .markdown-body ol, .markdown-body dl, .markdown-body table, .markdown-body pre, .markdown-body details, .markdown-body .markdown-alert { margin-top: 0; margin-bottom: 16px; }
.markdown-body h1, .markdown-body h2, .markdown-body h3, .markdown-body h4, .markdown-body h5, .markdown-body h6 { margin-top: 24px; margin-bottom: 16px; font-weight: 600; line-height: 1.25; }
.markdown-body h1 { font-size: 2em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
.markdown-body h2 { font-size: 1.5em; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0b3; }
.markdown-body h3 { font-size: 1.25em; }
.markdown-body h4 { font-size: 1em; }
.markdown-body h5 { font-size: .875em; }
.markdown-body h6 { font-size: .85em; color: #59636e; }
.markdown-body a { color: #0969da; text-decoration: underline; text-underline-offset: .2rem; }
.markdown-body strong { font-weight: 600; }
.markdown-body ul, .markdown-body ol { padding-left: 2em; }
.markdown-body ul ul, .markdown-body ul ol, .markdown-body ol ol, .markdown-body ol ul { margin-top: 0; margin-bottom: 0; }
.markdown-body li + li { margin-top: .25em; }
.markdown-body li > p { margin-top: 16px; }
.markdown-body blockquote { margin-left: 0; margin-right: 0; padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
.markdown-body sub, .markdown-body sup { font-size: 75%; line-height: 0; position: relative; vertical-align: baseline; }
.markdown-body sub { bottom: -.25em; }
.markdown-body sup { top: -.5em; }
.markdown-body hr { height: .25em; padding: 0; margin: 24px 0; background-color: #d1d9e0; border: 0; }
.markdown-body table { display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0; border-collapse: collapse; font-variant: tabular-nums; }
.markdown-body table th { font-weight: 600; }
.markdown-body table th, .markdown-body table td { padding: 6px 13px; border: 1px solid #d1d9e0; }
.markdown-body table td > :last-child { margin-bottom: 0; }
.markdown-body table tr { background-color: #fff; border-top: 1px solid #d1d9e0b3; }
.markdown-body table tr:nth-child(2n) { background-color: #f6f8fa; }
.markdown-body code, .markdown-body tt { padding: .2em .4em; margin: 0; font-size: 85%; white-space: break-spaces; background-color: #818b981f; border-radius: 6px; font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
.markdown-body pre { padding: 16px; overflow: auto; font-size: 85%; line-height: 1.45; color: #1f2328; background-color: #f6f8fa; border-radius: 6px; word-wrap: normal; font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
.markdown-body pre code { display: inline; padding: 0; margin: 0; overflow: visible; font-size: 100%; line-height: inherit; word-wrap: normal; white-space: pre; background-color: transparent; border: 0; }
.markdown-body details summary { cursor: pointer; display: list-item; }
.markdown-body details:not([open]) > *:not(summary) { display: none !important; }
.markdown-body .markdown-alert { padding: .5rem 1rem; color: inherit; border-left: .25em solid #d1d9e0; }
.markdown-body .markdown-alert > :first-child { margin-top: 0; }
.markdown-body .markdown-alert > :last-child { margin-bottom: 0; }
.markdown-body .markdown-alert .markdown-alert-title { display: flex; font-weight: 500; align-items: center; line-height: 1; }
${alertCss}
.markdown-body .mermaid-viewer { margin-bottom: 16px; border: 1px solid #d1d9e0; border-radius: 6px; overflow: auto; }
.markdown-body .mermaid-viewer svg { display: block; margin: 0 auto; }
.markdown-body .mermaid-error { margin-bottom: 16px; padding: 8px 16px; color: #d1242f; background: #ffebe9; border-radius: 6px; white-space: pre-wrap; font-family: monospace; font-size: 12px; }
`;

/**
 * In-page script: draws every mermaid block (parse first, then render; a failure leaves a visible error
 * box and is counted), then measures with every <details> closed and stores the figures. `codes` are the
 * codes of the report's introduced findings; the first finding is the top-most visible element whose text
 * holds one of them (the smallest such element, so a list item wins over its list).
 */
export function pageScript(codes: readonly string[]): string {
  return `
(async () => {
  const codes = ${JSON.stringify(codes)};
  const result = { mermaidBlocks: 0, mermaidErrors: 0, mermaidMessages: [] };
  try {
    const blocks = [...document.querySelectorAll('pre[lang="mermaid"], pre > code.language-mermaid')]
      .map((el) => (el.tagName === "CODE" ? el.parentElement : el));
    result.mermaidBlocks = blocks.length;
    if (blocks.length > 0 && typeof mermaid === "undefined") {
      result.mermaidErrors = blocks.length;
      result.mermaidMessages.push("the mermaid bundle did not load");
    } else if (blocks.length > 0) {
      mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
      let i = 0;
      for (const pre of blocks) {
        const text = pre.textContent ?? "";
        const box = document.createElement("div");
        try {
          await mermaid.parse(text);
          const { svg } = await mermaid.render("mermaid-" + i++, text);
          box.className = "mermaid-viewer";
          box.innerHTML = svg;
        } catch (error) {
          result.mermaidErrors++;
          const message = String((error && error.message) || error).split("\\n").slice(0, 4).join("\\n");
          result.mermaidMessages.push(message);
          box.className = "mermaid-error";
          box.textContent = "Unable to render rich display\\n" + message;
          document.querySelectorAll('[id^="dmermaid-"], [id^="mermaid-"]').forEach((n) => { if (n.closest(".markdown-body") === null) n.remove(); });
        }
        pre.replaceWith(box);
      }
    }
  } catch (error) {
    result.mermaidMessages.push("mermaid: " + String(error));
  }
  document.querySelectorAll("details").forEach((d) => d.removeAttribute("open"));
  const body = document.querySelector(".markdown-body");
  const top = body.getBoundingClientRect().top + window.scrollY;
  result.heightPx = Math.round(body.getBoundingClientRect().height);
  result.pageHeightPx = Math.round(document.documentElement.scrollHeight);
  let widest = 0;
  let overflowing = 0;
  for (const t of body.querySelectorAll("table")) {
    widest = Math.max(widest, t.scrollWidth);
    if (t.scrollWidth > ${COLUMN_WIDTH}) overflowing++;
  }
  result.tables = body.querySelectorAll("table").length;
  result.widestTablePx = Math.round(widest);
  result.overflowingTables = overflowing;
  result.contentWidthPx = body.clientWidth - 32; // padding 16 px each side
  result.firstFinding = null;
  if (codes.length > 0) {
    const candidates = [...body.querySelectorAll("*")].filter((el) => {
      const text = el.textContent ?? "";
      if (!codes.some((c) => text.includes(c))) return false;
      const r = el.getBoundingClientRect();
      if (r.height === 0 || r.width === 0) return false;
      // the smallest element: none of its element children holds a code on its own, or it is a line-level box
      return ["LI", "P", "TD", "TH", "SUMMARY", "H1", "H2", "H3", "H4", "H5", "H6"].includes(el.tagName) ||
        ![...el.children].some((c) => codes.some((code) => (c.textContent ?? "").includes(code)));
    });
    let best = null;
    for (const el of candidates) {
      const y = el.getBoundingClientRect().top + window.scrollY - top;
      if (best === null || y < best.y) best = { y, el };
    }
    if (best) {
      const text = best.el.textContent ?? "";
      result.firstFinding = { topPx: Math.round(best.y), tag: best.el.tagName.toLowerCase(), code: codes.find((c) => text.includes(c)), text: text.trim().slice(0, 160) };
    } else {
      const hidden = [...body.querySelectorAll("details")].some((d) => codes.some((c) => (d.textContent ?? "").includes(c)));
      result.firstFinding = { topPx: null, hidden };
    }
  }
  window.__renderResult = result;
})();
`;
}

export interface PageInput {
  title: string;
  /** The comment's HTML (after `githubAlerts`). */
  bodyHtml: string;
  /** Path of mermaid.min.js as the page's <script src> (relative to the page or a file:// URL). */
  mermaidSrc: string;
  codes: readonly string[];
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A standalone page: the comment in GitHub's column, mermaid loaded, the measuring script last. */
export function commentPage(input: PageInput): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=${VIEWPORT_WIDTH}">
<title>${escapeHtml(input.title)}</title>
<style>${GITHUB_CSS}</style>
<script src="${escapeHtml(input.mermaidSrc)}"></script>
</head>
<body>
<div class="column">
<div class="column-header"><strong>flux-impact</strong> <span>bot</span> commented · ${escapeHtml(input.title)}</div>
<div class="markdown-body">
${input.bodyHtml}
</div>
</div>
<script>${pageScript(input.codes)}</script>
</body>
</html>
`;
}
