/**
 * Failed workflow runs. On the default branch, one open issue per workflow (keyed by its file path): the
 * first failure opens it, each further failure comments on it (how many runs failed in a row), the next
 * success — of a run newer than the last failure — closes it. A redelivered or older run changes nothing.
 * On a pull request's branch no issue is opened: the failure becomes a line in that PR's sticky comment
 * (the CI section below), removed when the workflow passes on the same commit.
 *
 * Everything quoted from a run (job and step names, annotations, log lines) is escaped, credential-masked
 * and bounded before it reaches an issue.
 */
import type { AppConfig } from "../config/schema.ts";
import type { ImpactReport } from "../impact/types.ts";
import { clip, mdCode, mdFence, mdInline, mdLink } from "../report/markdown.ts";
import { maskCredentials } from "../secrets/mask.ts";
import {
  type BotIssue,
  duplicateActions,
  type IssueAction,
  type IssueMarker,
  issueLabels,
  issueMarker,
  issuesByKey,
  wildcard,
  withMarker,
} from "./bot-issues.ts";

export interface WorkflowRunInfo {
  id: number;
  /** The workflow's id (to ask GitHub for its newest run). */
  workflowId?: number;
  attempt: number;
  /** The run number (grows with every run of the workflow). */
  number: number;
  name: string;
  /** `.github/workflows/ci.yaml`. */
  path: string;
  conclusion: string | null;
  headBranch: string | null;
  headSha: string;
  event: string;
  url: string;
  /**
   * True when the run's head repository is this repository. A fork's run can carry any branch name
   * (`main` too) and must never count for the default branch. Absent: not known to be ours.
   */
  fromThisRepository?: boolean;
}

/** Events whose runs run on the pushed or chosen ref of this repository (not on a pull request's head). */
const DEFAULT_BRANCH_EVENTS = new Set([
  "push",
  "schedule",
  "workflow_dispatch",
  "repository_dispatch",
  "release",
  "merge_group",
  "workflow_run",
  "dynamic",
]);

/**
 * Whether a workflow run is a run of the default branch: its head repository is this repository, its head
 * branch is the default branch, and its event runs on that branch. A pull request from a fork whose branch
 * is named `main` is not, and neither is a `pull_request` run of this repository.
 */
export function isDefaultBranchRun(run: WorkflowRunInfo, defaultBranch: string): boolean {
  return (
    run.fromThisRepository === true &&
    run.headBranch === defaultBranch &&
    DEFAULT_BRANCH_EVENTS.has(run.event)
  );
}

export interface FailedJob {
  name: string;
  conclusion: string;
  url?: string;
  failedSteps: string[];
  annotations: Array<{ path: string; line?: number; message: string }>;
  /** The job's log text, when it could be read. */
  log?: string;
}

export interface FailureDetails {
  jobs: FailedJob[];
  /** Failed jobs not detailed (bounded request budget). */
  moreJobs?: number;
  /** Markdown: the Flux impact of the failing commit, when it touched Flux objects. */
  flux?: string;
  commitUrl?: string;
}

export const FAILED = new Set(["failure", "timed_out", "startup_failure"]);

export type RunDecision =
  | { kind: "none"; why: string }
  | { kind: "open" }
  | { kind: "comment"; issue: BotIssue & { marker: IssueMarker }; failures: number }
  | { kind: "close"; issue: BotIssue & { marker: IssueMarker }; failures: number };

export function watched(
  config: AppConfig["failedRuns"],
  run: Pick<WorkflowRunInfo, "name" | "path">,
): boolean {
  const match = (patterns: readonly string[]) =>
    patterns.some((p) => wildcard(p, run.name) || wildcard(p, run.path));
  return match(config.workflows) && !match(config.ignoreWorkflows);
}

/** What a completed run on the default branch means for the workflow's issue. */
export function decideWorkflowRun(
  run: WorkflowRunInfo,
  defaultBranch: string,
  config: AppConfig["failedRuns"],
  issues: readonly BotIssue[],
): { decision: RunDecision; duplicates: IssueAction[] } {
  const none = (why: string) => ({ decision: { kind: "none" as const, why }, duplicates: [] });
  if (!config.enabled) return none("failed-run issues are turned off (failedRuns.enabled)");
  if (!isDefaultBranchRun(run, defaultBranch))
    return none(
      run.fromThisRepository !== true
        ? "a run of another repository (a fork)"
        : `not a run of the default branch (${run.headBranch ?? "no branch"}, ${run.event})`,
    );
  if (!watched(config, run)) return none("workflow not watched (failedRuns.workflows / ignoreWorkflows)");
  const { keep, close } = duplicateActions(issuesByKey(issues, "workflow").get(run.path) ?? []);
  const failed = FAILED.has(run.conclusion ?? "");
  const last = keep ? lastRun(keep.marker) : undefined;
  const failures = Number(keep?.marker.fields.failures ?? "0") || 0;
  const decision: RunDecision = ((): RunDecision => {
    if (failed) {
      if (!keep) return { kind: "open" };
      if (last && !newer(run, last))
        return { kind: "none", why: "already recorded (redelivery or an older run)" };
      return { kind: "comment", issue: keep, failures: failures + 1 };
    }
    if (run.conclusion !== "success") return { kind: "none", why: `conclusion ${run.conclusion ?? "none"}` };
    if (!keep) return { kind: "none", why: "no open issue for this workflow" };
    if (last && !newer(run, last))
      return { kind: "none", why: "an older run succeeded; the newer failure stands" };
    return { kind: "close", issue: keep, failures };
  })();
  return { decision, duplicates: close };
}

function lastRun(marker: IssueMarker): { number: number; id: number; attempt: number } | undefined {
  const number = Number(marker.fields.number);
  const [id, attempt] = (marker.fields.run ?? "").split(".").map(Number);
  return Number.isFinite(number) && Number.isFinite(id)
    ? { number, id: id!, attempt: attempt ?? 1 }
    : undefined;
}

function newer(run: WorkflowRunInfo, last: { number: number; id: number; attempt: number }): boolean {
  if (run.id === last.id) return run.attempt > last.attempt;
  return run.number > last.number;
}

function stateMarker(run: WorkflowRunInfo, failures: number): string {
  return issueMarker("workflow", run.path, { failures, run: `${run.id}.${run.attempt}`, number: run.number });
}

/** The issue actions for a decision (details only matter for failures). */
export function workflowRunActions(
  decision: RunDecision,
  run: WorkflowRunInfo,
  defaultBranch: string,
  config: AppConfig["failedRuns"],
  details: FailureDetails = { jobs: [] },
): IssueAction[] {
  const runLink = mdLink(`run #${run.number}${run.attempt > 1 ? ` (attempt ${run.attempt})` : ""}`, run.url);
  const commit = mdLink(run.headSha.slice(0, 7), details.commitUrl);
  switch (decision.kind) {
    case "none":
      return [];
    case "open":
      return [
        {
          kind: "open",
          about: "workflow",
          key: run.path,
          title: clip(`Workflow "${run.name}" is failing on ${defaultBranch}`, 200),
          labels: issueLabels(config.labels),
          body: [
            stateMarker(run, 1),
            `The workflow **${mdInline(run.name)}** (${mdCode(run.path)}) failed on ${mdCode(defaultBranch)}: ${runLink}, ${mdInline(conclusionText(run.conclusion))}, triggered by ${mdCode(run.event)} at commit ${commit}.`,
            "",
            failureText(details),
            "",
            `This issue gets a comment when the workflow fails again on ${mdCode(defaultBranch)} and is closed by its next successful run there.`,
          ].join("\n"),
        },
      ];
    case "comment":
      return [
        {
          kind: "comment",
          number: decision.issue.number,
          body: [
            `Failed again: ${runLink}, ${mdInline(conclusionText(run.conclusion))}, at commit ${commit} — **${decision.failures} runs in a row** have failed.`,
            "",
            failureText(details),
          ].join("\n"),
          updateBody: withMarker(decision.issue.body, stateMarker(run, decision.failures)),
        },
      ];
    case "close":
      return [
        {
          kind: "close",
          number: decision.issue.number,
          reason: "completed",
          comment: `Fixed: ${runLink} succeeded on ${mdCode(defaultBranch)} at commit ${commit}, after ${decision.failures} failed run${decision.failures === 1 ? "" : "s"}. Closing.`,
        },
      ];
  }
}

function conclusionText(conclusion: string | null): string {
  return conclusion === "timed_out"
    ? "timed out"
    : conclusion === "startup_failure"
      ? "could not start"
      : "failed";
}

const LOG_LINES = 30;
const LOG_LINE_CHARS = 300;
const ANNOTATIONS = 10;

/** The jobs that failed: steps, error annotations, the last lines of the failed step's log; then the Flux impact. */
export function failureText(details: FailureDetails): string {
  const out: string[] = [];
  if (details.jobs.length) out.push("### Failed jobs");
  for (const job of details.jobs) {
    out.push("", `#### ${mdLink(job.name, job.url)} — ${mdInline(job.conclusion)}`);
    if (job.failedSteps.length)
      out.push(
        `Failed step${job.failedSteps.length > 1 ? "s" : ""}: ${job.failedSteps.map((s) => mdCode(clip(s, 120))).join(", ")}`,
      );
    const annotations = job.annotations.slice(0, ANNOTATIONS);
    for (const a of annotations) {
      const where = a.path ? `${mdCode(`${a.path}${a.line ? `:${a.line}` : ""}`)}: ` : "";
      out.push(`- ${where}${mdInline(clip(maskCredentials(a.message, { heuristic: true }), 500))}`);
    }
    if (job.annotations.length > ANNOTATIONS)
      out.push(`- … ${job.annotations.length - ANNOTATIONS} more annotations`);
    const tail = job.log !== undefined ? failedStepLog(job.log) : [];
    if (tail.length) {
      out.push(
        "",
        `<details><summary>Last ${tail.length} lines of the failed step's log</summary>`,
        "",
        mdFence(tail.join("\n")),
        "</details>",
      );
    }
  }
  if (details.moreJobs)
    out.push(
      "",
      `… and ${details.moreJobs} more failed job${details.moreJobs === 1 ? "" : "s"} (see the run).`,
    );
  if (!details.jobs.length && !details.moreJobs)
    out.push("The run's jobs could not be read; see the run for details.");
  if (details.flux) out.push("", details.flux);
  return out.join("\n");
}

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/;
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * The last lines of the failed step's log: the job log is cut into steps at `##[group]Run …` lines; the
 * step holding the first `##[error]` is kept, up to that error and its next lines, at most 30 lines,
 * timestamps and colours stripped, credentials masked, each line bounded.
 */
export function failedStepLog(log: string, maxLines = LOG_LINES): string[] {
  const lines = log
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.replace(TIMESTAMP, "").replace(ANSI, ""));
  const error = lines.findIndex((l) => l.startsWith("##[error]"));
  let end = error === -1 ? lines.length : Math.min(lines.length, error + 3);
  while (end > 0 && lines[end - 1]!.trim() === "") end--;
  let start = 0;
  for (let i = (error === -1 ? lines.length : error) - 1; i >= 0; i--) {
    if (lines[i]!.startsWith("##[group]Run ")) {
      start = i;
      break;
    }
  }
  const masked = maskCredentials(lines.slice(Math.max(start, end - maxLines), end).join("\n"), {
    heuristic: true,
  });
  return masked.split("\n").map((l) => clip(l, LOG_LINE_CHARS));
}

/**
 * What the failing commit changed in Flux terms (from the core's impact report of the commit against its
 * parent), or undefined when it changed no Flux object: a short list, so whoever triages the failure
 * sees at once whether a deployment change is involved.
 */
export function fluxImpactText(report: ImpactReport, sha: string, commitUrl?: string): string | undefined {
  const ks = report.kustomizations.filter((k) => !k.carrierOnly);
  const hr = report.helmReleases;
  if (ks.length === 0 && hr.length === 0) return undefined;
  const items = [
    ...ks.map((k) => `- Kustomization ${mdCode(k.key)} ${k.change}`),
    ...hr.map((h) => `- HelmRelease ${mdCode(h.key)} ${h.change}`),
  ];
  const shown = items.slice(0, 20);
  if (items.length > shown.length) shown.push(`- … ${items.length - shown.length} more`);
  return [`### Flux impact of ${mdLink(sha.slice(0, 7), commitUrl)}`, "", ...shown].join("\n");
}

// ——— The CI section of a pull request's sticky comment ———

const CI_START = /^<!-- flux-impact:ci sha=([0-9a-f]{7,64}) -->$/m;
const CI_END = "<!-- flux-impact:ci-end -->";
const CI_ENTRY = / <!-- wf=([A-Za-z0-9%._~-]+) -->$/;

/** The sticky comment with this run's line added (failed) or removed (passed) in its CI section. */
export function withCiEntry(body: string, run: WorkflowRunInfo, failed: boolean): string {
  const { rest, sha, entries } = splitCi(body);
  const current = sha === run.headSha ? entries : new Map<string, string>();
  const key = encodeURIComponent(run.path);
  if (failed)
    current.set(
      key,
      `- ❌ **${mdInline(run.name)}**: ${mdLink(`run #${run.number}`, run.url)} ${mdInline(conclusionText(run.conclusion))} <!-- wf=${key} -->`,
    );
  else current.delete(key);
  return joinCi(rest, run.headSha, current);
}

/** The new comment body keeps the CI section of the old one when both are about the same head commit. */
export function carryCiSection(oldBody: string | undefined, newBody: string, headSha: string): string {
  if (!oldBody) return newBody;
  const old = splitCi(oldBody);
  if (old.sha !== headSha || old.entries.size === 0) return newBody;
  return joinCi(splitCi(newBody).rest, headSha, old.entries);
}

function splitCi(body: string): { rest: string; sha?: string; entries: Map<string, string> } {
  const start = CI_START.exec(body);
  const entries = new Map<string, string>();
  if (!start) return { rest: body, entries };
  const end = body.indexOf(CI_END, start.index);
  if (end === -1) return { rest: body, entries };
  for (const line of body.slice(start.index, end).split("\n")) {
    const m = CI_ENTRY.exec(line);
    if (m) entries.set(m[1]!, line);
  }
  const rest = `${body.slice(0, start.index).replace(/\n+$/, "")}\n${body.slice(end + CI_END.length).replace(/^\n+/, "")}`;
  return { rest: rest.replace(/\n+$/, "\n"), sha: start[1]!, entries };
}

function joinCi(rest: string, sha: string, entries: Map<string, string>): string {
  if (entries.size === 0) return rest;
  const section = [
    `<!-- flux-impact:ci sha=${sha} -->`,
    "### Failing workflows on this commit",
    ...entries.values(),
    CI_END,
  ].join("\n");
  return `${rest.replace(/\n+$/, "")}\n\n${section}\n`;
}
