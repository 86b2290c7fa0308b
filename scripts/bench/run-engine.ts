/**
 * One benchmark run of the engine, in its own process so that peak RSS is per run:
 *   node --import tsx scripts/bench/run-engine.ts <dir> [--prefix P] [--search-root R]... [--warm N]
 * Reads the directory into a snapshot, analyses it (once per --search-root, or once as a whole), and
 * prints one JSON line: wall/CPU time of load + analysis, peak RSS, and what was rendered — all for this
 * first (cold) analysis. With --warm N the analysis is then repeated N times in the same process (a
 * long-running server's case) and the median of those is reported as warmAnalyzeMs.
 */
import { analyzeRepository, createMemorySnapshot } from "../../src/core/index.ts";
import type { EngineRun } from "../../test/support/bench/measure.ts";
import { readTree } from "../../test/support/fs/disk-tree.ts";

function parseArgs(argv: readonly string[]): { dir: string; prefix: string; roots: string[]; warm: number } {
  let dir = "";
  let prefix = "";
  let warm = 0;
  const roots: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--prefix") prefix = argv[++i] ?? "";
    else if (a === "--search-root") roots.push(argv[++i] ?? "");
    else if (a === "--warm") warm = Number(argv[++i] ?? "0");
    else dir = a;
  }
  if (dir === "") throw new Error("usage: run-engine.ts <dir> [--prefix P] [--search-root R]... [--warm N]");
  return { dir, prefix, roots, warm };
}

function analyzeAll(files: Map<string, Uint8Array>, symlinks: readonly string[], roots: readonly string[]) {
  let kustomizations = 0;
  let rendered = 0;
  let objects = 0;
  let failed = 0;
  for (const root of roots.length > 0 ? roots : [undefined]) {
    const snapshot = createMemorySnapshot(files, { symlinks });
    const model = analyzeRepository(snapshot, root === undefined ? {} : { searchRoot: root });
    kustomizations += model.kustomizations.length;
    for (const k of model.kustomizations) {
      if (!k.build) continue;
      rendered++;
      objects += k.build.objects.length;
      if (k.build.failed) failed++;
    }
  }
  return { kustomizations, rendered, objects, failed };
}

function main(): void {
  const { dir, prefix, roots, warm } = parseArgs(process.argv.slice(2));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const tree = readTree(dir, prefix);
  const t1 = performance.now();
  const counts = analyzeAll(tree.files, tree.symlinks, roots);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const warmTimes: number[] = [];
  for (let i = 0; i < warm; i++) {
    const w0 = performance.now();
    analyzeAll(tree.files, tree.symlinks, roots);
    warmTimes.push(performance.now() - w0);
  }
  warmTimes.sort((a, b) => a - b);
  const run: EngineRun = {
    files: tree.files.size,
    loadMs: t1 - t0,
    analyzeMs: t2 - t1,
    wallMs: t2 - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb,
    ...counts,
    warmAnalyzeMs: warmTimes.length === 0 ? Number.NaN : warmTimes[Math.floor((warmTimes.length - 1) / 2)]!,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

main();
