/**
 * `npm run bench`: in one run, side by side,
 *   1. start-up of the built CLI (`flux-impact --help`), and each real corpus repository
 *      (../shared/corpus/real/*): `flux-impact build --all` with the built CLI (what a user waits for), and
 *      the analysis repeated in a long-running process, vs invoking `kubectl kustomize` once per rendered
 *      path (sum of the kubectl process times), and the ratios;
 *   2. a generated synthetic repository (test/support/synthetic-repo/generate.ts) at 1×, 3× and 10×
 *      the size of onedr0p/home-ops: wall time, CPU time, peak RSS (median of 3 child-process runs) and
 *      ms per Kustomization;
 *   3. pull requests (test/support/bench/diff-section.ts): the App's pipeline between onedr0p/home-ops (the
 *      largest real corpus repository, the synthetic 10× one) and a copy with one app changed, with a shared
 *      component changed, and with the defaults every app gets changed — without and with a stored base
 *      analysis, cold and warm;
 *   4. the full check of each real corpus repository (test/support/bench/check-section.ts): rules and
 *      secret scan on an analyzed model, the secret scan alone, and analysis + checks;
 *   5. the secret scan's throughput over real repositories and each rule on 1 MB adversarial inputs
 *      (test/support/bench/secret-scan.ts);
 *   6. Helm (test/support/bench/helm-section.ts): app-template rendered for one HelmRelease, and a chart
 *      bump end to end with the chart served by a loopback registry.
 * `npm run bench -- SECTION…` runs only those sections (real, synthetic, pull-request, check, secrets, helm).
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
import { helmSection } from "../test/support/bench/helm-section.ts";
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

/** The issue's targets for the built CLI. */
const HELP_TARGET_MS = 150;
const RATIO_TARGET = 30;
/** Repositories this many rendered Kustomizations or more are judged (smaller ones are start-up alone). */
const RATIO_JUDGED_PATHS = 50;

/** Wall time of one run of the built CLI (`node dist/cli.js …`), as a user runs `flux-impact`. */
function cliWallMs(repoRoot: string, args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(repoRoot, "dist", "cli.js"), ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  // build exits 1 when a Kustomization cannot be built (its error is printed, the rest is written).
  const wrote = /wrote \d+ files/.test(`${r.stdout}${r.stderr}`);
  if (r.status !== 0 && !(r.status === 1 && wrote))
    throw new Error(`flux-impact ${args.join(" ")} failed: ${r.stderr.trim().slice(-2000)}`);
  return ms;
}

/** `flux-impact build --all` over the repository, once per search root (each a process): total wall time. */
function buildAllMs(repoRoot: string, dir: string, roots: readonly string[]): number {
  const out = mkdtempSync(join(tmpdir(), "flux-impact-bench-build-"));
  try {
    const runs = roots.length === 0 ? [[]] : roots.map((r) => ["--search-root", r]);
    return runs.reduce(
      (sum, extra) => sum + cliWallMs(repoRoot, ["build", dir, "--all", "--out", out, ...extra]),
      0,
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function realRepos(repoRoot: string): void {
  console.log(
    `== start-up and real corpus repositories: the built CLI vs kubectl kustomize (targets: --help <= ${HELP_TARGET_MS} ms; ` +
      `build --all >= ${RATIO_TARGET}× faster on repositories of ${RATIO_JUDGED_PATHS}+ Kustomizations)`,
  );
  const build = spawnSync(process.execPath, [join(repoRoot, "scripts", "build.mjs")], { encoding: "utf8" });
  if (build.status !== 0) {
    console.log(`  skipped — npm run build failed: ${build.stderr.trim().slice(-500)}`);
    return;
  }
  const help = median(Array.from({ length: 5 }, () => cliWallMs(repoRoot, ["--help"])));
  console.log(
    `  flux-impact --help (dist/cli.js): ${formatMs(help)} wall, median of 5 (target <= ${HELP_TARGET_MS} ms: ${verdict(help <= HELP_TARGET_MS)})`,
  );
  const shared = resolveSharedDir(repoRoot, process.env);
  if (!shared.ok) {
    console.log(`  real corpus skipped — ${shared.reason}`);
    return;
  }
  if (spawnSync("kubectl", ["version", "--client"]).status !== 0) {
    console.log("  real corpus skipped — kubectl is not installed");
    return;
  }
  const rows: string[][] = [
    [
      "repository",
      "ks",
      "paths",
      "build --all",
      "engine warm",
      "kubectl (sum)",
      "ratio",
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
    const cold = median(Array.from({ length: RUNS }, () => buildAllMs(repoRoot, repo.dir, roots)));
    const runs = repeatEngine(1, repoRoot, repo.dir, { searchRoots: roots, warm: WARM });
    const warm = median(runs.map((r) => r.warmAnalyzeMs));
    const none = kubectl.paths === 0;
    const ratio = kubectl.totalMs / cold;
    const ratioWarm = kubectl.totalMs / warm;
    const judged = kubectl.paths >= RATIO_JUDGED_PATHS;
    rows.push([
      repo.name,
      String(runs[0]?.kustomizations ?? 0),
      `${kubectl.paths}${kubectl.failures ? ` (${kubectl.failures} fail)` : ""}`,
      formatMs(cold),
      formatMs(warm),
      none ? "-" : formatMs(kubectl.totalMs),
      none ? "-" : formatRatio(ratio),
      none ? "-" : formatRatio(ratioWarm),
      none
        ? "n/a (no Kustomization rendered from this repository)"
        : judged
          ? `>= ${RATIO_TARGET}×: ${verdict(ratio >= RATIO_TARGET)}`
          : `n/a (under ${RATIO_JUDGED_PATHS} Kustomizations)`,
    ]);
  }
  for (const line of table(rows)) console.log(`  ${line}`);
  for (const line of [
    "build --all = `node dist/cli.js build DIR --all --out TMP` (the built CLI, as `flux-impact` runs: start-up, reading",
    `the files, every render, writing them), wall, median of ${RUNS}; one process per search root of a multi-cluster repository.`,
    `engine warm = the analysis again in a long-running process (the App), median of ${WARM}.`,
    "kubectl = one `kubectl kustomize --load-restrictor LoadRestrictionsNone` per rendered Kustomization, process",
    "time only, once per path; ratio = kubectl (sum) / build --all.",
  ])
    console.log(`  ${line}`);
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

const SECTIONS: Record<string, (repoRoot: string) => void | Promise<void>> = {
  real: realRepos,
  synthetic,
  "pull-request": diffSection,
  check: checkSection,
  secrets: secretScanSection,
  helm: helmSection,
};

async function main(argv: readonly string[]): Promise<number> {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  // `npm run bench -- pull-request check`: only those sections.
  const unknown = argv.filter((a) => !(a in SECTIONS));
  if (unknown.length > 0) {
    console.error(`unknown section(s) ${unknown.join(", ")}; sections: ${Object.keys(SECTIONS).join(", ")}`);
    return 2;
  }
  const t0 = performance.now();
  for (const [name, run] of Object.entries(SECTIONS))
    if (argv.length === 0 || argv.includes(name)) await run(repoRoot);
  console.log("");
  console.log(`bench finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
