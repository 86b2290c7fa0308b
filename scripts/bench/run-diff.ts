/**
 * One diff benchmark run, in its own process so the first pipeline run is cold and peak RSS is per run:
 *   node --import tsx scripts/bench/run-diff.ts <dir> [--prefix P] [--warm N]   (edits as JSON on stdin)
 * Reads the directory as the base revision, makes the head revision in memory (fresh byte arrays, the
 * stdin edits `{ "path": "new text" }` applied), then runs the whole diff pipeline once (cold: wall, CPU
 * of the process, peak RSS) and N more times in the same process (warm; each with fresh snapshots and a
 * fresh analysis session). Prints one JSON line.
 */
import { readFileSync } from "node:fs";
import { countsOf, type DiffRun, type DiffSample } from "../../test/support/bench/diff-stats.ts";
import { type DiffOutput, diffTrees, headTree } from "../../test/support/conformance/impact-diff.ts";
import { readTree } from "../../test/support/fs/disk-tree.ts";

function parseArgs(argv: readonly string[]): { dir: string; prefix: string; warm: number } {
  let dir = "";
  let prefix = "";
  let warm = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--prefix") prefix = argv[++i] ?? "";
    else if (a === "--warm") warm = Number(argv[++i] ?? "0");
    else dir = a;
  }
  if (dir === "") throw new Error("usage: run-diff.ts <dir> [--prefix P] [--warm N] < edits.json");
  return { dir, prefix, warm };
}

function sample(run: () => DiffOutput): { out: DiffOutput; sample: DiffSample } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { out, sample: { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, timings: out.timings } };
}

function main(): void {
  const { dir, prefix, warm } = parseArgs(process.argv.slice(2));
  const edits = JSON.parse(readFileSync(0, "utf8")) as Record<string, string | null>;
  const t0 = performance.now();
  const tree = readTree(dir, prefix);
  const loadMs = performance.now() - t0;
  const head = headTree(tree.files, edits);
  const input = { base: tree.files, head, symlinks: tree.symlinks };
  const cold = sample(() => diffTrees(input));
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const warmSamples: DiffSample[] = [];
  for (let i = 0; i < warm; i++) warmSamples.push(sample(() => diffTrees(input)).sample);
  const run: DiffRun = {
    files: tree.files.size,
    loadMs,
    cold: cold.sample,
    maxRssMb,
    warm: warmSamples,
    counts: countsOf(cold.out),
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

main();
