/**
 * Pure helpers for the diff benchmark: what a diff run detected (affected counts, so a reader sees the
 * change was found) and the figures of several runs reduced to medians (cold per process, warm per
 * repetition), with the target verdict.
 */
import type { ImpactReport } from "../../../src/core/index.ts";
import type { PipelineTimings } from "./pull-request-pipeline.ts";
import { median } from "./stats.ts";

export interface DiffSample {
  wallMs: number;
  cpuMs: number;
  timings: PipelineTimings;
}

/** What one scripts/bench/run-diff.ts process prints (one JSON line). */
export interface DiffRun {
  files: number;
  /** Reading the base tree from disk (not part of the pipeline figures). */
  loadMs: number;
  cold: DiffSample;
  maxRssMb: number;
  warm: DiffSample[];
  counts: DiffCounts;
}

export interface DiffCounts {
  changedFiles: number;
  kustomizations: number;
  /** Of those, carrying only child Flux objects' changes. */
  carrierOnly: number;
  helmReleases: number;
  objectDiffs: number;
  deletions: number;
  /** Findings the head revision introduces (a broken edit would show here). */
  introducedFindings: number;
  commentChars: number;
}

export function countsOf(out: { report: ImpactReport; comment: string }): DiffCounts {
  const r = out.report;
  return {
    changedFiles: r.changedFiles.length,
    kustomizations: r.kustomizations.length,
    carrierOnly: r.kustomizations.filter((k) => k.carrierOnly).length,
    helmReleases: r.helmReleases.length,
    objectDiffs: r.kustomizations.reduce((n, k) => n + k.objects.length, 0),
    deletions: r.deletions.length,
    introducedFindings: r.findings.introduced.length,
    commentChars: out.comment.length,
  };
}

export interface DiffFigures {
  coldWallMs: number;
  coldCpuMs: number;
  maxRssMb: number;
  warmWallMs: number;
  warmCpuMs: number;
  /** Median of each stage over the warm repetitions. */
  warmStages: PipelineTimings;
  warmCount: number;
}

const STAGES: ReadonlyArray<keyof PipelineTimings> = ["baseMs", "pullRequestMs", "commentMs"];

/** Cold figures: median over the processes; warm figures: median over every warm repetition of every run. */
export function diffFigures(runs: ReadonlyArray<Pick<DiffRun, "cold" | "warm" | "maxRssMb">>): DiffFigures {
  const warm = runs.flatMap((r) => r.warm);
  const stages = {} as PipelineTimings;
  for (const s of STAGES) stages[s] = median(warm.map((w) => w.timings[s]));
  return {
    coldWallMs: median(runs.map((r) => r.cold.wallMs)),
    coldCpuMs: median(runs.map((r) => r.cold.cpuMs)),
    maxRssMb: median(runs.map((r) => r.maxRssMb)),
    warmWallMs: median(warm.map((w) => w.wallMs)),
    warmCpuMs: median(warm.map((w) => w.cpuMs)),
    warmStages: stages,
    warmCount: warm.length,
  };
}

/** "12 ks (3 carrier-only), 4 hr, 20 object diffs, 1 deletion" (deletions only when there are some). */
export function affectedText(c: DiffCounts): string {
  const carrier = c.carrierOnly > 0 ? ` (${c.carrierOnly} carrier-only)` : "";
  const deletions = c.deletions > 0 ? `, ${c.deletions} deletion${c.deletions === 1 ? "" : "s"}` : "";
  return (
    `${c.kustomizations} ks${carrier}, ${c.helmReleases} hr, ` +
    `${c.objectDiffs} object diff${c.objectDiffs === 1 ? "" : "s"}${deletions}`
  );
}
