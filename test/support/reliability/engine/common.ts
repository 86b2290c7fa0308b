/**
 * What the engine cases of the reliability table share: the case runner (a case that throws is a failed
 * row that says so, never a crashed run), a checklist that turns several observations into one verdict,
 * timing, and the pull-request pipeline every engine case drives (analyzePullRequest, then the comment,
 * the check run and its annotations, each handed to the output sink for the seeded-secret scan).
 */
import {
  analyzePullRequest,
  type ChangedFile,
  createMemorySnapshot,
  type Diagnostic,
  type DiagnosticCode,
  type ImpactReport,
  type PullRequestInput,
  type RevisionInfo,
  type SnapshotOptions,
} from "../../../../src/core/index.ts";
import { type CheckRunOutput, renderCheckRun, renderComment } from "../../../../src/core/report/index.ts";
import type { CaseGroup, CaseResult, OutputSink } from "../types.ts";

export interface EngineCaseOptions {
  /** Skip the heavy load figures (L3, L4) and repeat measurements fewer times (for the test suite). */
  quick?: boolean;
}

export interface CaseContext {
  out: OutputSink;
  quick: boolean;
  /** Which seeded secrets (by label, never by value) appeared in any output so far, and how often. */
  leaks: () => string[];
}

export interface Verdict {
  observed: string;
  pass: boolean;
}

export interface CaseSpec {
  id: string;
  group: CaseGroup;
  name: string;
  expected: string;
  run: (ctx: CaseContext) => Verdict | Promise<Verdict>;
}

/** Runs one case; an exception is the case's failure (the engine crashed), reported with its message. */
export async function runCase(spec: CaseSpec, ctx: CaseContext): Promise<CaseResult> {
  const row = { id: spec.id, group: spec.group, name: spec.name, expected: spec.expected };
  try {
    const verdict = await spec.run(ctx);
    return { ...row, ...verdict };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    ctx.out(message);
    return { ...row, observed: `crashed: ${message.slice(0, 500)}`, pass: false };
  }
}

/** Several observations, each met or not; the case passes when all are met. */
export class Checklist {
  private readonly items: Array<{ ok: boolean; text: string }> = [];

  check(ok: boolean, text: string): boolean {
    this.items.push({ ok, text });
    return ok;
  }

  /** An observation that is reported but does not decide the verdict. */
  note(text: string): void {
    this.items.push({ ok: true, text: `(${text})` });
  }

  verdict(): Verdict {
    return {
      observed: this.items.map((i) => `${i.ok ? "✔" : "✘"} ${i.text}`).join("; "),
      pass: this.items.every((i) => i.ok),
    };
  }
}

export function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

export async function timedAsync<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

export function ms(n: number): string {
  return n >= 100 ? `${n.toFixed(0)} ms` : `${n.toFixed(1)} ms`;
}

export function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(0)} MiB`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The error of a call that is expected to fail, or undefined when it succeeded. */
export async function rejection(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
    return undefined;
  } catch (error) {
    return error;
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export const REVISIONS: { base: RevisionInfo; head: RevisionInfo } = {
  base: { ref: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d" },
  head: {
    ref: "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
    blobUrl: "https://github.com/example/home-cluster/blob/9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
  },
};

export type Files = Record<string, string | Uint8Array>;

/** What a pull request run shows its reviewers: the report, the comment and the check run. */
export interface Rendered {
  report: ImpactReport;
  comment: string;
  checkRun: CheckRunOutput;
  /** Every diagnostic of the head analysis (engine and checks), introduced or not. */
  findings: Diagnostic[];
}

export interface PullRequestCase {
  base: Files;
  head: Files;
  snapshot?: SnapshotOptions;
  headSnapshot?: SnapshotOptions;
  changedFiles?: readonly ChangedFile[];
  extraHeadFiles?: PullRequestInput["extraHeadFiles"];
  revisions?: { base: RevisionInfo; head: RevisionInfo };
}

/** analyzePullRequest over two in-memory revisions, rendered; every user-visible string goes to `out`. */
export function pullRequest(out: OutputSink, input: PullRequestCase): Rendered {
  const { report } = analyzePullRequest({
    base: createMemorySnapshot(input.base, input.snapshot ?? {}),
    head: createMemorySnapshot(input.head, input.headSnapshot ?? input.snapshot ?? {}),
    ...(input.changedFiles ? { changedFiles: input.changedFiles } : {}),
    ...(input.extraHeadFiles ? { extraHeadFiles: input.extraHeadFiles } : {}),
  });
  return renderAll(out, report, input.revisions ?? REVISIONS);
}

export function renderAll(
  out: OutputSink,
  report: ImpactReport,
  revisions: { base: RevisionInfo; head: RevisionInfo },
): Rendered {
  const comment = renderComment(report, revisions);
  const checkRun = renderCheckRun(report, revisions);
  emitCheckRun(out, checkRun);
  out(comment);
  for (const d of [...report.findings.introduced, ...report.findings.existing]) out(d.message);
  return {
    report,
    comment,
    checkRun,
    findings: [...report.findings.introduced, ...report.findings.existing],
  };
}

export function emitCheckRun(out: OutputSink, run: CheckRunOutput): void {
  out(run.title);
  out(run.summary);
  out(run.text);
  for (const a of run.annotations) {
    out(a.title);
    out(a.message);
  }
}

export function emitDiagnostics(out: OutputSink, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) out(d.message);
}

/** Findings of a code (optionally in one file), introduced by the change or not. */
export function findingsOf(r: Rendered, code: DiagnosticCode, file?: string): Diagnostic[] {
  return r.findings.filter((d) => d.code === code && (file === undefined || d.file === file));
}

/** Whether reviewers see a phrase: in the comment, the check-run summary or an annotation message. */
export function shown(r: Rendered, phrase: string): boolean {
  return (
    r.comment.includes(phrase) ||
    r.checkRun.summary.includes(phrase) ||
    r.checkRun.annotations.some((a) => a.message.includes(phrase))
  );
}

export function quote(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ");
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}
