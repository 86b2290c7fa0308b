/**
 * The impact-analysis pipeline of `flux-impact diff` and the GitHub App (src/cli/commands/diff.ts
 * `computeDiff`) over two in-memory trees, for the conformance checks and the benchmark: both snapshots
 * share one fresh analysis session, the changed files are computed from the bytes, base is analysed in full and
 * head with reuse of base's builds, then analyzeChange and the pull-request comment. Each call starts from
 * fresh snapshots and a fresh session, so nothing is cached across calls. Stage times are measured with
 * performance.now(). No I/O.
 */

import {
  AnalysisSession,
  type AnalyzedRepository,
  type AnalyzeOptions,
  analyzeChange,
  analyzeRepository,
  type ChangedFile,
  changedFilesBetween,
  createMemorySnapshot,
  type ImpactReport,
} from "../../../src/core/index.ts";
import { renderComment } from "../../../src/core/report/index.ts";

export interface DiffInput {
  base: ReadonlyMap<string, Uint8Array>;
  head: ReadonlyMap<string, Uint8Array>;
  symlinks?: readonly string[];
  /** Analysis options for both revisions (e.g. searchRoot). */
  options?: AnalyzeOptions;
}

export interface DiffTimings {
  snapshotsMs: number;
  changedFilesMs: number;
  baseMs: number;
  headMs: number;
  changeMs: number;
  commentMs: number;
}

export interface DiffOutput {
  baseModel: AnalyzedRepository;
  headModel: AnalyzedRepository;
  changes: ChangedFile[];
  report: ImpactReport;
  comment: string;
  timings: DiffTimings;
}

export type Differ = (input: DiffInput) => DiffOutput;

export function diffTrees(input: DiffInput): DiffOutput {
  const options = input.options ?? {};
  const symlinks = input.symlinks ?? [];
  const t0 = performance.now();
  const scope = new AnalysisSession();
  const base = createMemorySnapshot(input.base, { symlinks, session: scope });
  const head = createMemorySnapshot(input.head, { symlinks, session: scope });
  const t1 = performance.now();
  const changes = changedFilesBetween(base, head);
  const t2 = performance.now();
  const baseModel = analyzeRepository(base, options);
  const t3 = performance.now();
  const headModel = analyzeRepository(head, {
    ...options,
    reuse: { from: baseModel, changedFiles: changes },
  });
  const t4 = performance.now();
  const report = analyzeChange(baseModel, headModel, changes);
  const t5 = performance.now();
  const comment = renderComment(report, { base: { ref: "base" }, head: { ref: "head" } });
  const t6 = performance.now();
  return {
    baseModel,
    headModel,
    changes,
    report,
    comment,
    timings: {
      snapshotsMs: t1 - t0,
      changedFilesMs: t2 - t1,
      baseMs: t3 - t2,
      headMs: t4 - t3,
      changeMs: t5 - t4,
      commentMs: t6 - t5,
    },
  };
}

/** A copy of `files` with fresh byte arrays (as two separately loaded revisions have) and `edits` applied. */
export function headTree(
  files: ReadonlyMap<string, Uint8Array>,
  edits: Readonly<Record<string, string | null>>,
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [path, bytes] of files) out.set(path, new Uint8Array(bytes));
  const encoder = new TextEncoder();
  for (const [path, text] of Object.entries(edits)) {
    if (text === null) out.delete(path);
    else out.set(path, encoder.encode(text));
  }
  return out;
}
