/**
 * The B45 measurement in its own process, so its memory is the pipeline's alone:
 *   node --max-old-space-size=768 --import tsx scripts/reliability/b45-child.ts [parts-json]
 * Builds the most memory-hungry pull request found (bounded.ts: worstCaseHead), then — while a worker
 * thread samples the process's RSS every 2 ms, as l4-child.ts does — runs analyzePullRequest over both
 * revisions (one analysis session, as the GitHub App does) and renders the comment and check run. Prints
 * one JSON line: figures, the findings (code, file, severity) and every user-visible string (comment,
 * check run, finding messages) so the parent can scan them for the seeded secrets.
 */
import { AnalysisSession, analyzePullRequest, createMemorySnapshot } from "../../src/core/index.ts";
import { renderCheckRun, renderComment } from "../../src/core/report/index.ts";
import {
  type B45Figures,
  WORST_CASE,
  type WorstCaseParts,
  worstCase,
} from "../../test/support/reliability/engine/bounded-input.ts";
import { REVISIONS } from "../../test/support/reliability/engine/common.ts";
import { startSampler } from "../../test/support/reliability/engine/rss-sampler.ts";

function yamlBytes(files: Record<string, string>): number {
  let n = 0;
  for (const [path, text] of Object.entries(files)) if (/\.ya?ml$/.test(path)) n += Buffer.byteLength(text);
  return n;
}

async function main(): Promise<void> {
  const parts = process.argv[2] ? (JSON.parse(process.argv[2]) as WorstCaseParts) : WORST_CASE;
  const { base, head } = worstCase(parts);
  const rssBeforeBytes = process.memoryUsage().rss;
  const sampler = startSampler();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const t0 = performance.now();
  const session = new AnalysisSession();
  const { report } = analyzePullRequest({
    base: createMemorySnapshot(base, { session }),
    head: createMemorySnapshot(head, { session }),
  });
  const comment = renderComment(report, REVISIONS);
  const run = renderCheckRun(report, REVISIONS);
  const wallMs = performance.now() - t0;
  const peakRssBytes = Math.max(await sampler.stop(), process.memoryUsage().rss);
  const all = [
    ...report.findings.introduced.map((d) => ({ d, introduced: true })),
    ...report.findings.existing.map((d) => ({ d, introduced: false })),
  ];
  const figures: B45Figures = {
    baseYamlBytes: yamlBytes(base),
    headYamlBytes: yamlBytes(head),
    wallMs,
    rssBeforeBytes,
    peakRssBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    findings: all.map(({ d, introduced }) => ({
      code: d.code,
      severity: d.severity,
      ...(d.file !== undefined ? { file: d.file } : {}),
      introduced,
    })),
    notAnalyzed: (report.notAnalyzed ?? []).map((n) => n.key),
    conclusion: report.conclusion ?? "",
    outputs: [
      comment,
      run.title,
      run.summary,
      run.text,
      ...run.annotations.flatMap((a) => [a.title, a.message]),
      ...all.map(({ d }) => d.message),
    ],
  };
  console.log(JSON.stringify(figures));
}

await main();
