/**
 * `npm run render-comment`: render the sticky comment the way GitHub shows it, for a reviewer to look at.
 * For the bundled example and five pull requests on the synthetic repository (an image bump, a chart bump
 * in 26 apps, a dependsOn move, an app renamed, an app deleted) — and, with `--repo DIR --base REV --head
 * REV`, a real pull request of a git checkout — the comment from the project's renderer goes through
 * cmark-gfm, GitHub's alert blocks, GitHub's markdown CSS in a 934 px column at a 1280 px viewport, and
 * Mermaid in headless Chromium. Writes `<id>.md`, `<id>.html` and a full-page `<id>.png` per comment to
 * `--out` (default render-output/) and prints, per comment: height in 900 px screens with every
 * <details> closed, the widest table against the column, the screen of the first introduced finding and
 * the Mermaid failures. The numbers are figures, not assertions: the exit code is non-zero only when a
 * tool is missing (with how to install it) or on a crash.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { findTools, openRenderer, PROJECT_ROOT } from "../test/support/render-comment/browser.ts";
import {
  type RenderedComment,
  renderGitPullRequest,
  renderScenario,
} from "../test/support/render-comment/comment.ts";
import { formatRow, type Row, table } from "../test/support/render-comment/figures.ts";
import { COLUMN_WIDTH, SCREEN_HEIGHT, screens } from "../test/support/render-comment/html.ts";
import { exampleScenario, syntheticScenarios } from "../test/support/render-comment/scenarios.ts";

const USAGE = `usage: npm run render-comment -- [--out DIR] [--only ID,…] [--repo DIR --base REV --head REV]…
  --out DIR     where the .md, .html and .png files go (default render-output/)
  --only IDS    render only these comments (example, image, chart-26, depends-on, rename, delete, pr-…)
  --repo DIR    a git checkout or bare git directory; with --base/--head (repeatable, paired in order)
                renders that real pull request too
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      out: { type: "string", default: "render-output" },
      only: { type: "string" },
      repo: { type: "string" },
      base: { type: "string", multiple: true },
      head: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const bases = values.base ?? [];
  const heads = values.head ?? [];
  if (bases.length !== heads.length || (bases.length > 0 && values.repo === undefined)) {
    process.stderr.write(`render-comment: --base and --head come in pairs, with --repo\n${USAGE}`);
    return 2;
  }

  const found = await findTools();
  if ("missing" in found) {
    process.stderr.write(
      `render-comment: missing tooling — nothing rendered:\n${found.missing.map((m) => `  - ${m}`).join("\n")}\n` +
        "On Debian/Ubuntu (as root): apt-get install -y chromium cmark-gfm; then npm ci.\n",
    );
    return 3;
  }

  const outDir = resolve(PROJECT_ROOT, values.out);
  mkdirSync(outDir, { recursive: true });
  const only = values.only?.split(",").map((s) => s.trim());
  const wanted = (id: string) => only === undefined || only.some((o) => id === o || id.startsWith(o));

  const comments: RenderedComment[] = [];
  const t0 = performance.now();
  if (wanted("example")) comments.push(renderScenario(exampleScenario()));
  for (const s of syntheticScenarios()) if (wanted(s.id)) comments.push(renderScenario(s));
  for (let i = 0; i < bases.length; i++) {
    const c = renderGitPullRequest(resolve(values.repo ?? "."), bases[i] ?? "", heads[i] ?? "");
    if (wanted(c.id) || only?.includes("pr")) comments.push(c);
  }
  process.stdout.write(
    `analyzed ${comments.length} pull requests in ${Math.round(performance.now() - t0)} ms\n`,
  );

  const renderer = await openRenderer(found.tools, outDir);
  const rows: Row[] = [];
  try {
    for (const c of comments) {
      const figures = await renderer.render(c);
      rows.push({ id: c.id, title: c.title, chars: c.markdown.length, figures });
      const first = figures.firstFinding;
      process.stdout.write(
        `\n${c.id} — ${c.title}\n  ${c.detail}\n` +
          `  ${c.report.kustomizations.length} Kustomizations, ${c.report.helmReleases.length} HelmReleases affected; ` +
          `${c.report.findings.introduced.length} findings introduced (${c.introducedCodes.join(", ") || "none"})\n` +
          `  height ${screens(figures.heightPx).toFixed(1)} screens of ${SCREEN_HEIGHT} px (${figures.heightPx} px, details closed); ` +
          `${figures.tables} tables, widest ${figures.widestTablePx} px of ${COLUMN_WIDTH}\n` +
          (first && first.topPx !== null
            ? `  first introduced finding: <${first.tag}> "${first.text}"\n`
            : "") +
          figures.mermaidMessages.map((m) => `  mermaid: ${m}\n`).join("") +
          `  → ${outDir}/${c.id}.{md,html,png}\n`,
      );
    }
  } finally {
    await renderer.close();
  }

  process.stdout.write(
    `\n${table(
      [
        "comment",
        "chars",
        `height (screens of ${SCREEN_HEIGHT} px)`,
        "widest table",
        `overflows ${COLUMN_WIDTH} px`,
        "first introduced finding",
        "mermaid errors",
      ],
      rows.map(formatRow),
    )}\n`,
  );
  return 0;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `render-comment: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
