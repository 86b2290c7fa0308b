/**
 * The rendering side: find the tools (cmark-gfm, a system Chromium, playwright-core, the mermaid bundle),
 * and for each comment write `<id>.md`, `<id>.html` and a full-page `<id>.png` into the output directory,
 * returning what the in-page script measured.
 */
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { RenderedComment } from "./comment.ts";
import { cmarkGfm, commentPage, githubAlerts, VIEWPORT_WIDTH } from "./html.ts";

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const MERMAID_BUNDLE = join(PROJECT_ROOT, "node_modules", "mermaid", "dist", "mermaid.min.js");

export interface Tools {
  cmark: string;
  chromium: string;
}

export interface PageFigures {
  heightPx: number;
  pageHeightPx: number;
  tables: number;
  widestTablePx: number;
  overflowingTables: number;
  mermaidBlocks: number;
  mermaidErrors: number;
  mermaidMessages: string[];
  firstFinding:
    | null
    | { topPx: number; tag: string; code: string; text: string }
    | { topPx: null; hidden: boolean };
}

const runs = (bin: string, args: string[]) => {
  try {
    execFileSync(bin, args, { stdio: "ignore", timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
};

/** The tools, or the list of what is missing with how to install it. */
export async function findTools(): Promise<{ tools: Tools } | { missing: string[] }> {
  const missing: string[] = [];
  const cmark = process.env.CMARK_GFM ?? "cmark-gfm";
  if (!runs(cmark, ["--version"]))
    missing.push("cmark-gfm (GitHub's Markdown renderer): apt-get install -y cmark-gfm");
  const chromium = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
    (p): p is string => p !== undefined && p !== "" && existsSync(p),
  );
  if (!chromium)
    missing.push("chromium (headless browser): apt-get install -y chromium (or set CHROMIUM_PATH)");
  try {
    await import("playwright-core");
  } catch {
    missing.push("playwright-core (npm devDependency): npm ci");
  }
  if (!existsSync(MERMAID_BUNDLE)) missing.push("mermaid (npm devDependency): npm ci");
  return missing.length > 0 || !chromium ? { missing } : { tools: { cmark, chromium } };
}

export interface Renderer {
  render(comment: RenderedComment): Promise<PageFigures>;
  close(): Promise<void>;
}

export async function openRenderer(tools: Tools, outDir: string): Promise<Renderer> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath: tools.chromium,
    headless: true,
    args: ["--no-sandbox", "--allow-file-access-from-files", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const context = await browser.newContext({
    viewport: { width: VIEWPORT_WIDTH, height: 900 },
    deviceScaleFactor: 1,
  });
  return {
    async render(comment) {
      const html = commentPage({
        title: comment.title,
        bodyHtml: githubAlerts(cmarkGfm(comment.markdown, tools.cmark)),
        mermaidSrc: relative(outDir, MERMAID_BUNDLE).split("\\").join("/"),
        codes: comment.introducedCodes,
      });
      const htmlPath = join(outDir, `${comment.id}.html`);
      writeFileSync(join(outDir, `${comment.id}.md`), comment.markdown);
      writeFileSync(htmlPath, html);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      try {
        await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load" });
        // Strings, not functions: tsx's name helpers do not exist in the page.
        await page.waitForFunction("window.__renderResult !== undefined", null, { timeout: 120_000 });
        const figures = (await page.evaluate("window.__renderResult")) as PageFigures;
        await page.screenshot({ path: join(outDir, `${comment.id}.png`), fullPage: true });
        if (errors.length > 0) figures.mermaidMessages.push(...errors.map((e) => `page error: ${e}`));
        return figures;
      } finally {
        await page.close();
      }
    },
    async close() {
      await context.close();
      await browser.close();
    },
  };
}
