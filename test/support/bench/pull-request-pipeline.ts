/**
 * The pipeline of a pull request as the App and `flux-impact diff` run it, timed by stage, in the two
 * ways the App runs it:
 *   - without a stored base ("cold cache"): the base analysis (analyzeBase: secret scan, render, checks),
 *     then the pull request reusing it (analyzePullRequest with baseAnalysis: head's secret scan, render
 *     reusing base's builds, the change, head's checks) — the same work, and the same report, as
 *     analyzePullRequest alone (test/core/base-analysis.test.ts) — then the comment;
 *   - with a stored base: the entry read back from the App's cache (src/github/base-cache.ts: gunzip and
 *     V8 deserialization), the pull request, the comment;
 *   - after the branch moved on: the base analyzed from an earlier commit's entry and the files changed
 *     since (analyzeBase with an earlier base), the pull request, the comment.
 * Each call starts from fresh snapshots and a fresh analysis session. Reading files is not counted.
 */

import { DEFAULT_CONFIG } from "../../../src/core/config/index.ts";
import {
  AnalysisSession,
  analyzeBase,
  analyzePullRequest,
  type BaseAnalysis,
  type ChangedFile,
  createMemorySnapshot,
  type ImpactReport,
} from "../../../src/core/index.ts";
import { renderComment } from "../../../src/core/report/index.ts";
import { BaseAnalysisCache, MemoryBytesStore } from "../../../src/github/base-cache.ts";

export interface PipelineInput {
  base: ReadonlyMap<string, Uint8Array>;
  head: ReadonlyMap<string, Uint8Array>;
  symlinks?: readonly string[];
}

export interface PipelineTimings {
  /** The base analysis made (cold cache) or read back from the cache entry. */
  baseMs: number;
  /** analyzePullRequest given the base analysis. */
  pullRequestMs: number;
  commentMs: number;
}

export interface PipelineOutput {
  report: ImpactReport;
  comment: string;
  timings: PipelineTimings;
}

const REPO = { owner: "bench", repo: "bench" };
const SHA = "0".repeat(40);

/** A cache as the App keeps it, in memory; its entry is the bytes the App stores. */
export function benchCache(): { cache: BaseAnalysisCache; store: MemoryBytesStore; key: string } {
  const store = new MemoryBytesStore();
  const cache = new BaseAnalysisCache(store, "bench");
  return { cache, store, key: cache.key(REPO, SHA, DEFAULT_CONFIG, {}) };
}

/** The bytes the App would store for `base`'s analysis. */
export async function cacheEntryOf(input: Pick<PipelineInput, "base" | "symlinks">): Promise<Uint8Array> {
  const { cache, store, key } = benchCache();
  const snapshot = createMemorySnapshot(input.base, { symlinks: input.symlinks ?? [] });
  await cache.save(key, analyzeBase(snapshot, DEFAULT_CONFIG));
  const entry = store.entries.get(key);
  if (!entry) throw new Error("the cache stored nothing");
  return entry.bytes;
}

/** An entry's analysis, read back as the App reads it. */
async function readBack(entry: Uint8Array): Promise<BaseAnalysis> {
  const { cache, store, key } = benchCache();
  await store.set(key, entry, 0);
  const analysis = await cache.load(key);
  if (!analysis) throw new Error("the cache entry could not be read back");
  return analysis;
}

/**
 * The pipeline; with `stored.entry`, the base analysis is read back from those cache bytes; with
 * `stored.earlier`, the base is analyzed from the entry of an earlier commit and the files changed since
 * (the App after the branch moved on).
 */
export async function pullRequestPipeline(
  input: PipelineInput,
  stored: { entry?: Uint8Array; earlier?: { entry: Uint8Array; changedFiles: ChangedFile[] } } = {},
): Promise<PipelineOutput> {
  const symlinks = input.symlinks ?? [];
  const session = new AnalysisSession();
  const base = createMemorySnapshot(input.base, { symlinks, session });
  const head = createMemorySnapshot(input.head, { symlinks, session });
  const t0 = performance.now();
  let baseAnalysis: BaseAnalysis;
  if (stored.entry) baseAnalysis = await readBack(stored.entry);
  else if (stored.earlier)
    baseAnalysis = analyzeBase(
      base,
      DEFAULT_CONFIG,
      {},
      {
        analysis: await readBack(stored.earlier.entry),
        changedFiles: stored.earlier.changedFiles,
      },
    );
  else baseAnalysis = analyzeBase(base, DEFAULT_CONFIG);
  const t1 = performance.now();
  const { report } = analyzePullRequest({ base, head, config: DEFAULT_CONFIG, baseAnalysis });
  const t2 = performance.now();
  const comment = renderComment(report, { base: { ref: "base" }, head: { ref: "head" } });
  const t3 = performance.now();
  return { report, comment, timings: { baseMs: t1 - t0, pullRequestMs: t2 - t1, commentMs: t3 - t2 } };
}
