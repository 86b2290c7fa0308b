/**
 * One diff benchmark run, in its own process so the first pipeline run is cold and peak RSS is per run:
 *   node --import tsx scripts/bench/run-diff.ts <dir> [--warm N] [--store FILE | --cached FILE | --moved FILE]
 * (edits as JSON on stdin). Reads the directory as the base revision, makes the head revision in memory
 * (fresh byte arrays, the stdin edits `{ "path": "new text" }` applied), then runs the pull request pipeline
 * (test/support/bench/pull-request-pipeline.ts) once (cold: wall, CPU of the process, peak RSS) and N more
 * times in the same process (warm; fresh snapshots and analysis session each):
 *   - by default without a stored base; `--store FILE` then writes the cache entry the App would store for
 *     the base revision to FILE (not measured);
 *   - `--cached FILE`: with the base analysis read back from that entry, as the App's second pull request
 *     against the same commit does. Peak RSS is then that of such a job;
 *   - `--moved FILE`: the edited tree is the base (the branch moved on by the edit) and the pull request's head
 *     too (it changes nothing more); the base is analyzed from FILE, the entry of the unedited tree, and the
 *     edited paths — the App's first pull request after a merge.
 * Prints one JSON line.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { countsOf, type DiffRun, type DiffSample } from "../../test/support/bench/diff-stats.ts";
import {
  cacheEntryOf,
  type PipelineOutput,
  pullRequestPipeline,
} from "../../test/support/bench/pull-request-pipeline.ts";
import { headTree } from "../../test/support/conformance/impact-diff.ts";
import { readTree } from "../../test/support/fs/disk-tree.ts";

interface Args {
  dir: string;
  warm: number;
  store?: string;
  cached?: string;
  moved?: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { dir: "", warm: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--warm") args.warm = Number(argv[++i] ?? "0");
    else if (a === "--store") args.store = argv[++i] ?? "";
    else if (a === "--cached") args.cached = argv[++i] ?? "";
    else if (a === "--moved") args.moved = argv[++i] ?? "";
    else args.dir = a;
  }
  if (args.dir === "")
    throw new Error(
      "usage: run-diff.ts <dir> [--warm N] [--store FILE | --cached FILE | --moved FILE] < edits.json",
    );
  return args;
}

async function sample(
  run: () => Promise<PipelineOutput>,
): Promise<{ out: PipelineOutput; sample: DiffSample }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const out = await run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { out, sample: { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, timings: out.timings } };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const edits = JSON.parse(readFileSync(0, "utf8")) as Record<string, string | null>;
  const t0 = performance.now();
  const tree = readTree(args.dir);
  const loadMs = performance.now() - t0;
  const edited = headTree(tree.files, edits);
  const input = args.moved
    ? { base: edited, head: headTree(edited, {}), symlinks: tree.symlinks }
    : { base: tree.files, head: edited, symlinks: tree.symlinks };
  const stored = args.cached
    ? { entry: new Uint8Array(readFileSync(args.cached)) }
    : args.moved
      ? {
          earlier: {
            entry: new Uint8Array(readFileSync(args.moved)),
            changedFiles: Object.keys(edits).map((path) => ({ path, status: "modified" as const })),
          },
        }
      : {};
  // Only the figures of a run are kept: a warm repetition is a fresh job, not one beside the previous result.
  const cold = await sample(() => pullRequestPipeline(input, stored)).then(({ out, sample }) => ({
    sample,
    counts: countsOf(out),
  }));
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const warmSamples: DiffSample[] = [];
  for (let i = 0; i < args.warm; i++)
    warmSamples.push((await sample(() => pullRequestPipeline(input, stored))).sample);
  if (args.store)
    writeFileSync(args.store, await cacheEntryOf({ base: tree.files, symlinks: tree.symlinks }));
  const run: DiffRun = {
    files: tree.files.size,
    loadMs,
    cold: cold.sample,
    maxRssMb,
    warm: warmSamples,
    counts: cold.counts,
  };
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

await main();
