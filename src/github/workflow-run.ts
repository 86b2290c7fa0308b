/**
 * A completed workflow run. On the default branch: the workflow's issue is opened, commented or closed as
 * the core decides (`decideWorkflowRun`); for a failure the issue gets the failed jobs and steps, their
 * error annotations, the last lines of the failed step's log and, when the failing commit changed Flux
 * objects, its Flux impact. On a pull request's branch: no issue; the run's line is added to (failure) or
 * removed from (success) the CI section of that PR's sticky comment, when the comment exists and the PR
 * still points at the run's commit.
 *
 * Requests: one GraphQL request (configuration and the App's issues); for a failure on the default branch
 * the jobs list, up to 3 failed jobs' annotations and logs, the commit, and two tarballs when it touched
 * manifests; then the issue writes. Reading details never fails the job: what cannot be read is left out.
 */
import type { ParsedConfig } from "../core/config/index.ts";
import { AnalysisSession, analyzePullRequest } from "../core/index.ts";
import {
  decideWorkflowRun,
  FAILED,
  type FailedJob,
  type FailureDetails,
  fluxImpactText,
  isDefaultBranchRun,
  type WorkflowRunInfo,
  watched,
  withCiEntry,
  workflowRunActions,
} from "../core/maintenance/index.ts";
import { type AppliedActions, applyIssueActions, configAndIssues } from "./issues.ts";
import {
  analyzedRepository,
  bodyText,
  CountingClient,
  call,
  type GitHubClient,
  type RepoRef,
  serialized,
  snapshotAt,
} from "./jobs.ts";
import { changedFileOf, pullRequestState } from "./pull-request-run.ts";
import { type BotIdentity, findStickyComment } from "./sticky-comment.ts";
import { DEFAULT_TARBALL_LIMITS, type TarballLimits } from "./tarball.ts";

export interface WorkflowRunJob extends RepoRef {
  defaultBranch: string;
  run: WorkflowRunInfo;
  /** Same-repository pull requests whose head is the run's commit (GitHub lists them in the payload). */
  pullRequests: Array<{ number: number }>;
}

export interface WorkflowRunOptions {
  identity: BotIdentity;
  limits?: TarballLimits;
  log?: { info(msg: string): void; warn(msg: string): void };
}

export type WorkflowRunOutcome =
  | { kind: "issue"; decision: string; applied: AppliedActions; requests: number }
  | { kind: "pull-requests"; updated: number[]; requests: number }
  | { kind: "ignored"; why: string; requests: number };

const DETAILED_JOBS = 3;
const LOG_BYTES_MAX = 512 * 1024;

export function runWorkflowRun(
  client: GitHubClient,
  job: WorkflowRunJob,
  options: WorkflowRunOptions,
): Promise<WorkflowRunOutcome> {
  // One workflow's runs one after the other: a failure and the success after it must not cross.
  return serialized(`workflow ${job.owner}/${job.repo} ${job.run.path}`, () => handle(client, job, options));
}

async function handle(client: GitHubClient, job: WorkflowRunJob, options: WorkflowRunOptions) {
  const gh = new CountingClient(client);
  const { run } = job;
  const { config, issues } = await configAndIssues(gh, job);
  // Only runs of this repository's default branch touch maintainer issues (a fork's `main` does not).
  if (!isDefaultBranchRun(run, job.defaultBranch)) return pullRequestRun(gh, job, config, options);

  const { decision, duplicates } = decideWorkflowRun(
    run,
    job.defaultBranch,
    config.config.failedRuns,
    issues,
  );
  if (decision.kind === "none" && duplicates.length === 0)
    return { kind: "ignored" as const, why: decision.why, requests: gh.count };
  if ((decision.kind === "open" || decision.kind === "comment") && (await newerRunCompleted(gh, job)))
    return {
      kind: "ignored" as const,
      why: "a newer run of this workflow already completed",
      requests: gh.count,
    };
  const details =
    decision.kind === "open" || decision.kind === "comment"
      ? await failureDetails(gh, job, config, options)
      : undefined;
  const actions = [
    ...duplicates,
    ...workflowRunActions(decision, run, job.defaultBranch, config.config.failedRuns, {
      jobs: [],
      commitUrl: `https://github.com/${job.owner}/${job.repo}/commit/${run.headSha}`,
      ...details,
    }),
  ];
  const applied = await applyIssueActions(gh, job, actions);
  return { kind: "issue" as const, decision: decision.kind, applied, requests: gh.count };
}

/**
 * Deliveries can arrive out of order: a failure of run #11 reported after run #12 completed says nothing
 * about the workflow now (one request; on doubt the failure is reported).
 */
async function newerRunCompleted(gh: CountingClient, job: WorkflowRunJob): Promise<boolean> {
  if (job.run.workflowId === undefined) return false;
  try {
    const { workflow_runs: runs } = await call<{ workflow_runs: Array<{ run_number: number }> }>(
      gh,
      "list the workflow's runs",
      "GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs",
      {
        owner: job.owner,
        repo: job.repo,
        workflow_id: job.run.workflowId,
        branch: job.defaultBranch,
        status: "completed",
        per_page: 1,
      },
    );
    return (runs[0]?.run_number ?? 0) > job.run.number;
  } catch {
    return false;
  }
}

/** The run's line in the CI section of each pull request's sticky comment. */
async function pullRequestRun(
  gh: CountingClient,
  job: WorkflowRunJob,
  config: ParsedConfig,
  options: WorkflowRunOptions,
): Promise<WorkflowRunOutcome> {
  const { run } = job;
  const failed = FAILED.has(run.conclusion ?? "");
  if (!config.config.failedRuns.pullRequests)
    return {
      kind: "ignored",
      why: "pull-request failures are turned off (failedRuns.pullRequests)",
      requests: gh.count,
    };
  if (!watched(config.config.failedRuns, run))
    return { kind: "ignored", why: "workflow not watched", requests: gh.count };
  if (!failed && run.conclusion !== "success")
    return { kind: "ignored", why: `conclusion ${run.conclusion ?? "none"}`, requests: gh.count };
  const updated: number[] = [];
  for (const pr of job.pullRequests.slice(0, 3)) {
    const state = await pullRequestState(gh, { owner: job.owner, repo: job.repo, number: pr.number });
    if (state.headSha !== run.headSha) continue; // the PR moved on: this run is about an old commit
    const comment = findStickyComment(state.comments, options.identity);
    if (!comment?.body) continue;
    const body = withCiEntry(comment.body, run, failed);
    if (body === comment.body) continue;
    await call(gh, "update the comment", "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner: job.owner,
      repo: job.repo,
      comment_id: comment.id,
      body,
    });
    updated.push(pr.number);
  }
  return { kind: "pull-requests", updated, requests: gh.count };
}

interface JobsAnswer {
  jobs: Array<{
    id: number;
    name: string;
    conclusion: string | null;
    html_url?: string | null;
    steps?: Array<{ name: string; conclusion: string | null }>;
  }>;
}

/** Everything the issue says about a failure, each piece optional: a detail that cannot be read is left out. */
async function failureDetails(
  gh: CountingClient,
  job: WorkflowRunJob,
  config: ParsedConfig,
  options: WorkflowRunOptions,
): Promise<Partial<FailureDetails>> {
  const repo = { owner: job.owner, repo: job.repo };
  const soft = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      options.log?.warn(
        `flux-impact ${job.owner}/${job.repo}: could not ${what}: ${(error as Error).message}`,
      );
      return undefined;
    }
  };
  const jobs = await soft("list the run's jobs", () =>
    call<JobsAnswer>(
      gh,
      "list the run's jobs",
      "GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs",
      { ...repo, run_id: job.run.id, attempt_number: job.run.attempt, per_page: 100 },
    ),
  );
  const failedJobs = (jobs?.jobs ?? []).filter((j) => FAILED.has(j.conclusion ?? ""));
  const detailed: FailedJob[] = [];
  for (const j of failedJobs.slice(0, DETAILED_JOBS)) {
    const annotations = await soft("read a job's annotations", () =>
      call<Array<{ path: string; start_line?: number; message: string; annotation_level: string }>>(
        gh,
        "read a job's annotations",
        "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations",
        { ...repo, check_run_id: j.id, per_page: 50 },
      ),
    );
    const log = await soft("read a job's log", () =>
      call(gh, "read a job's log", "GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", {
        ...repo,
        job_id: j.id,
      }),
    );
    const text = log === undefined ? undefined : bodyText(log);
    detailed.push({
      name: j.name,
      conclusion: j.conclusion ?? "failure",
      ...(j.html_url ? { url: j.html_url } : {}),
      failedSteps: (j.steps ?? []).filter((s) => FAILED.has(s.conclusion ?? "")).map((s) => s.name),
      annotations: (annotations ?? [])
        .filter((a) => a.annotation_level === "failure")
        .map((a) => ({
          path: a.path === ".github" ? "" : a.path,
          ...(a.start_line ? { line: a.start_line } : {}),
          message: a.message,
        })),
      ...(text !== undefined ? { log: text.length > LOG_BYTES_MAX ? text.slice(-LOG_BYTES_MAX) : text } : {}),
    });
  }
  const flux = await soft("analyze the failing commit", () => fluxImpact(gh, job, config, options));
  return {
    jobs: detailed,
    ...(failedJobs.length > DETAILED_JOBS ? { moreJobs: failedJobs.length - DETAILED_JOBS } : {}),
    ...(flux ? { flux } : {}),
  };
}

/** The failing commit against its first parent, when it changed manifests. */
async function fluxImpact(
  gh: CountingClient,
  job: WorkflowRunJob,
  config: ParsedConfig,
  options: WorkflowRunOptions,
): Promise<string | undefined> {
  const repo = { owner: job.owner, repo: job.repo };
  const commit = await call<{
    parents: Array<{ sha: string }>;
    files?: Array<{ filename: string; status: string; previous_filename?: string }>;
  }>(gh, "read the failing commit", "GET /repos/{owner}/{repo}/commits/{ref}", {
    ...repo,
    ref: job.run.headSha,
  });
  const parent = commit.parents[0]?.sha;
  const files = commit.files ?? [];
  if (!parent || !files.some((f) => /\.(ya?ml|dis)$|(^|\/)(Kustomization|\.sourceignore)$/.test(f.filename)))
    return undefined;
  const limits = options.limits ?? DEFAULT_TARBALL_LIMITS;
  const session = new AnalysisSession();
  const base = await snapshotAt(gh, job, parent, "parent", limits, session);
  const head = await snapshotAt(gh, job, job.run.headSha, "failing", limits, session);
  const { report } = analyzePullRequest({
    base,
    head,
    config: config.config,
    changedFiles: files.map(changedFileOf),
    analyze: { repository: analyzedRepository(job, job.defaultBranch) },
  });
  return fluxImpactText(
    report,
    job.run.headSha,
    `https://github.com/${job.owner}/${job.repo}/commit/${job.run.headSha}`,
  );
}
