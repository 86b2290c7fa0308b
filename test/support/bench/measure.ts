/**
 * Measurements for `npm run bench`: engine runs in child processes (scripts/bench/run-engine.ts, one
 * process per run so peak RSS is per run) and `kubectl kustomize` timings for the same Kustomizations
 * (one invocation per path, through the conformance reference build so the Flux spec is merged in the
 * same way; only the kubectl process time is counted), and diff pipeline runs (scripts/bench/run-diff.ts).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { AnalyzeOptions, RepositoryModel } from "../../../src/core/index.ts";
import { createReferenceTree, specAsBuilt } from "../conformance/reference-build.ts";
import type { DiffRun } from "./diff-stats.ts";

/** What one scripts/bench/run-engine.ts process prints (one JSON line). */
export interface EngineRun {
  files: number;
  loadMs: number;
  analyzeMs: number;
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
  kustomizations: number;
  rendered: number;
  objects: number;
  failed: number;
  /** Median analysis time of the --warm repetitions (same process, JIT warm); NaN without --warm. */
  warmAnalyzeMs: number;
}

export interface EngineOptions {
  prefix?: string;
  searchRoots?: readonly string[];
  /** Repeat the analysis this many times in the same process after the cold one. */
  warm?: number;
}

export function runEngineChild(repoRoot: string, dir: string, options: EngineOptions = {}): EngineRun {
  const args = ["--import", "tsx", join(repoRoot, "scripts", "bench", "run-engine.ts"), dir];
  if (options.prefix) args.push("--prefix", options.prefix);
  for (const r of options.searchRoots ?? []) args.push("--search-root", r);
  if (options.warm) args.push("--warm", String(options.warm));
  const r = spawnSync(process.execPath, args, {
    cwd: repoRoot,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(`engine run failed (${dir}): ${r.error?.message ?? r.stderr.trim().slice(-2000)}`);
  const line = r.stdout.trim().split("\n").pop() ?? "";
  const run = JSON.parse(line) as EngineRun;
  // JSON has no NaN: a run without --warm reports null.
  if (typeof run.warmAnalyzeMs !== "number") run.warmAnalyzeMs = Number.NaN;
  return run;
}

export function repeatEngine(
  times: number,
  repoRoot: string,
  dir: string,
  options: EngineOptions = {},
): EngineRun[] {
  return Array.from({ length: times }, () => runEngineChild(repoRoot, dir, options));
}

/**
 * One diff benchmark process (scripts/bench/run-diff.ts): base = `dir`, head = `dir` with `edits`; `store`
 * writes the base's cache entry to a file, `cached` runs with the base read back from such a file.
 */
export function runDiffChild(
  repoRoot: string,
  dir: string,
  edits: Readonly<Record<string, string>>,
  warm: number,
  cache: { store?: string; cached?: string; moved?: string } = {},
): DiffRun {
  const args = [
    "--import",
    "tsx",
    join(repoRoot, "scripts", "bench", "run-diff.ts"),
    dir,
    "--warm",
    String(warm),
    ...(cache.store ? ["--store", cache.store] : []),
    ...(cache.cached ? ["--cached", cache.cached] : []),
    ...(cache.moved ? ["--moved", cache.moved] : []),
  ];
  const r = spawnSync(process.execPath, args, {
    cwd: repoRoot,
    encoding: "utf8",
    input: JSON.stringify(edits),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(`diff run failed (${dir}): ${r.error?.message ?? r.stderr.trim().slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as DiffRun;
}

export interface KubectlTiming {
  paths: number;
  totalMs: number;
  failures: number;
}

/** kubectl kustomize once per rendered Kustomization of the given models. */
export function timeKubectl(
  files: ReadonlyMap<string, Uint8Array>,
  models: readonly RepositoryModel[],
): KubectlTiming {
  const tree = createReferenceTree(files);
  let paths = 0;
  let totalMs = 0;
  let failures = 0;
  try {
    for (const model of models) {
      for (const k of model.kustomizations) {
        if (!k.build) continue;
        const r = tree.build(specAsBuilt(k));
        if (r.status === "path-not-found") continue;
        paths++;
        totalMs += r.kubectlMs;
        if (r.status === "error") failures++;
      }
    }
  } finally {
    tree.dispose();
  }
  return { paths, totalMs, failures };
}

export function analysisOptions(searchRoots: readonly string[]): AnalyzeOptions[] {
  return searchRoots.length === 0 ? [{}] : searchRoots.map((r) => ({ searchRoot: r }));
}
