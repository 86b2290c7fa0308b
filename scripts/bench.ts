/**
 * `npm run bench`: in one run, side by side,
 *   1. each real corpus repository (../shared/corpus/real/*): time to render all its Flux Kustomizations
 *      with the engine (fresh process: load + analysis; and warm: the analysis repeated in the same
 *      process) vs invoking `kubectl kustomize` once per rendered path (sum of the kubectl process times),
 *      and the ratios;
 *   2. a generated synthetic repository (test/support/synthetic-repo/generate.ts) at 1×, 3× and 10×
 *      the size of onedr0p/home-ops: wall time, CPU time, peak RSS (median of 3 child-process runs) and
 *      ms per Kustomization;
 *   3. the diff of two revisions (test/support/bench/diff-section.ts): the whole impact pipeline between
 *      the largest real corpus repository (and the synthetic 10× one) and a copy with one app changed,
 *      with a shared component changed, and with the defaults every app gets changed — cold and warm;
 *   4. the full check of each real corpus repository (test/support/bench/check-section.ts): rules and
 *      secret scan on an analyzed model, the secret scan alone, and analysis + checks;
 *   5. the secret scan's throughput over real repositories and each rule on 1 MB adversarial inputs
 *      (test/support/bench/secret-scan.ts).
 * Targets are printed next to the figures. Exits 0 unless something crashes.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeRepository, createMemorySnapshot } from "../src/core/index.ts";
import { checkSection } from "../test/support/bench/check-section.ts";
import { diffSection } from "../test/support/bench/diff-section.ts";
import { analysisOptions, repeatEngine, timeKubectl } from "../test/support/bench/measure.ts";
import { secretScanSection } from "../test/support/bench/secret-scan.ts";
import {
  formatMs,
  formatRatio,
  linearity,
  median,
  medianRun,
  table,
  verdict,
} from "../test/support/bench/stats.ts";
import { analysesFor, realRepoDirs, resolveSharedDir } from "../test/support/fs/corpus.ts";
import { readTree, writeTree } from "../test/support/fs/disk-tree.ts";
import { generateSyntheticRepo } from "../test/support/synthetic-repo/generate.ts";

const RUNS = 3;
const WARM = 3;
const SCALES = [1, 3, 10];

function realRepos(repoRoot: string): void {
  const shared = resolveSharedDir(repoRoot, process.env);
  console.log("== real corpus repositories: engine vs kubectl kustomize (target: engine >= 20× faster)");
  if (!shared.ok) {
    console.log(`  skipped — ${shared.reason}`);
    return;
  }
  if (spawnSync("kubectl", ["version", "--client"]).status !== 0) {
    console.log("  skipped — kubectl is not installed");
    return;
  }
  const rows: string[][] = [
    [
      "repository",
      "ks",
      "paths",
      "engine cold",
      "engine warm",
      "kubectl (sum)",
      "ratio cold",
      "ratio warm",
      "target",
    ],
  ];
  for (const repo of realRepoDirs(shared.dir)) {
    const tree = readTree(repo.dir);
    const roots = analysesFor([...tree.files.keys()])
      .map((a) => a.options.searchRoot)
      .filter((r): r is string => r !== undefined);
    const models = analysisOptions(roots).map((o) =>
      analyzeRepository(createMemorySnapshot(tree.files, { symlinks: tree.symlinks }), o),
    );
    const kubectl = timeKubectl(tree.files, models);
    const runs = repeatEngine(RUNS, repoRoot, repo.dir, { searchRoots: roots, warm: WARM });
    const cold = medianRun(runs)?.wallMs ?? Number.NaN;
    const warm = median(runs.map((r) => r.warmAnalyzeMs));
    const none = kubectl.paths === 0;
    const ratioCold = kubectl.totalMs / cold;
    const ratioWarm = kubectl.totalMs / warm;
    rows.push([
      repo.name,
      String(runs[0]?.kustomizations ?? 0),
      `${kubectl.paths}${kubectl.failures ? ` (${kubectl.failures} fail)` : ""}`,
      formatMs(cold),
      formatMs(warm),
      none ? "-" : formatMs(kubectl.totalMs),
      none ? "-" : formatRatio(ratioCold),
      none ? "-" : formatRatio(ratioWarm),
      none
        ? "n/a (no Kustomization rendered from this repository)"
        : `>= 20×: cold ${verdict(ratioCold >= 20)}, warm ${verdict(ratioWarm >= 20)}`,
    ]);
  }
  for (const line of table(rows)) console.log(`  ${line}`);
  console.log(
    "  engine cold = read files + analyzeRepository (discovery + every render) in a fresh process (CLI);",
  );
  console.log(
    `  engine warm = analyzeRepository again in the same process, median of ${WARM} (long-running App);`,
  );
  console.log(
    "  kubectl = one `kubectl kustomize --load-restrictor LoadRestrictionsNone` per rendered Kustomization,",
  );
  console.log(
    `  process time only, once per path. Engine figures are medians of ${RUNS} child-process runs.`,
  );
}

function synthetic(repoRoot: string): void {
  console.log("");
  console.log(
    "== synthetic repository at 1×, 3×, 10× onedr0p/home-ops (targets: 10× <= 3 s and <= 512 MB; linear growth)",
  );
  const rows: string[][] = [["scale", "files", "ks", "objects", "load", "wall", "cpu", "peak RSS", "ms/ks"]];
  const perKs: Array<{ scale: number; msPerItem: number }> = [];
  let tenX: { wallMs: number; maxRssMb: number } | undefined;
  for (const scale of SCALES) {
    const dir = mkdtempSync(join(tmpdir(), `flux-impact-bench-${scale}x-`));
    try {
      writeTree(dir, generateSyntheticRepo(scale));
      const runs = repeatEngine(RUNS, repoRoot, dir);
      const run = medianRun(runs);
      if (!run) continue;
      const rss = median(runs.map((r) => r.maxRssMb));
      const msPerKs = run.wallMs / Math.max(1, run.kustomizations);
      perKs.push({ scale, msPerItem: msPerKs });
      if (scale === 10) tenX = { wallMs: run.wallMs, maxRssMb: rss };
      rows.push([
        `${scale}×`,
        String(run.files),
        String(run.kustomizations),
        String(run.objects),
        formatMs(run.loadMs),
        formatMs(run.wallMs),
        formatMs(median(runs.map((r) => r.cpuMs))),
        `${rss.toFixed(0)} MB`,
        msPerKs.toFixed(2),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const line of table(rows)) console.log(`  ${line}`);
  if (tenX) {
    console.log(
      `  10×: wall ${formatMs(tenX.wallMs)} (target <= 3 s: ${verdict(tenX.wallMs <= 3000)}), ` +
        `peak RSS ${tenX.maxRssMb.toFixed(0)} MB (target <= 512 MB: ${verdict(tenX.maxRssMb <= 512)})`,
    );
  }
  const lin = linearity(perKs);
  console.log(
    `  growth: ms per Kustomization ${perKs.map((p) => `${p.scale}×=${p.msPerItem.toFixed(2)}`).join(", ")}; ` +
      `10×/1× = ${lin.ratio.toFixed(2)} (roughly linear if <= 1.5: ${verdict(lin.linear)})`,
  );
  console.log(
    "  wall = read files + analyzeRepository; medians of 3 runs, each in a fresh `node --import tsx`",
  );
  console.log("  process (cold JIT; peak RSS includes the Node runtime and tsx).");
}

function main(): number {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const t0 = performance.now();
  realRepos(repoRoot);
  synthetic(repoRoot);
  diffSection(repoRoot);
  checkSection(repoRoot);
  secretScanSection(repoRoot);
  console.log("");
  console.log(`bench finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return 0;
}

process.exitCode = main();
