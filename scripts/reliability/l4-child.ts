/**
 * The L4 measurement in its own process, so its memory is the pipeline's alone:
 *   node --max-old-space-size=768 --expose-gc --import tsx scripts/reliability/l4-child.ts <target-bytes>
 * Generates the synthetic repository at the smallest scale with at least <target-bytes> of YAML (the 8 MiB
 * per-ref cap), makes the head a copy with one image tag bumped, then — while a worker thread samples the
 * process's RSS every 2 ms (the analysis is synchronous, so the main thread cannot) — runs analyzePullRequest
 * over both refs and renders the comment and check run. Prints one JSON line (figures only, no repository
 * text).
 */
import { analyzePullRequest, createMemorySnapshot } from "../../src/core/index.ts";
import { renderCheckRun, renderComment } from "../../src/core/report/index.ts";
import { REVISIONS } from "../../test/support/reliability/engine/common.ts";
import { startSampler } from "../../test/support/reliability/engine/rss-sampler.ts";
import { headWithBump, type L4Figures, yamlBytes } from "../../test/support/reliability/engine/synthetic.ts";
import { generateSyntheticRepo } from "../../test/support/synthetic-repo/generate.ts";

async function main(): Promise<void> {
  const target = Number(process.argv[2] ?? 8 * 1024 * 1024);
  const perScale = yamlBytes(generateSyntheticRepo(1));
  let scale = Math.max(1, Math.ceil(target / perScale));
  let files = generateSyntheticRepo(scale);
  while (yamlBytes(files) < target) files = generateSyntheticRepo(++scale);
  const head = headWithBump(files);
  (globalThis as { gc?: () => void }).gc?.();
  const rssBeforeBytes = process.memoryUsage().rss;
  const sampler = startSampler();
  // Let the sampler start before the synchronous pipeline occupies the main thread.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const rssSamples: number[] = [];
  const t0 = performance.now();
  const { head: model, report } = analyzePullRequest({
    base: createMemorySnapshot(files),
    head: createMemorySnapshot(head),
  });
  rssSamples.push(process.memoryUsage().rss);
  renderComment(report, REVISIONS);
  renderCheckRun(report, REVISIONS);
  rssSamples.push(process.memoryUsage().rss);
  const wallMs = performance.now() - t0;
  const peakRssBytes = Math.max(await sampler.stop(), ...rssSamples);
  const figures: L4Figures = {
    scale,
    files: files.size,
    yamlBytes: yamlBytes(files),
    kustomizations: model.kustomizations.length,
    resources: model.kustomizations.reduce((n, k) => n + (k.build?.objects.length ?? 0), 0),
    wallMs,
    rssBeforeBytes,
    rssSamples,
    peakRssBytes,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  console.log(JSON.stringify(figures));
}

await main();
