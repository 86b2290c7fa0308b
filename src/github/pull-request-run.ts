/**
 * One pull request analysis on GitHub, free of any HTTP-server assumption (Probot's server and a Netlify
 * background function both call it): ensure the "flux-impact" check run on the head commit (in progress),
 * find the merge base and the changed files (compare), download both revisions as tarballs (changed files
 * the archive leaves out are read in batches for the secret scan, unarchived.ts), run the core's analysis, then —
 * unless the PR head moved meanwhile (stale-write guard) — complete the check run and create or update the
 * one sticky comment. A failure ends the check run by its cause (failure.ts): `failure` when the content
 * is the cause, in progress while a GitHub fault is retried, then the configured `onAnalysisError`.
 *
 * The configuration is the default branch's (read with the check run in the job's first request, see
 * job-start.ts): the PR cannot loosen its own gate.
 */

import { type ChartFetcher, supplyCharts } from "../charts/index.ts";
import type { AppConfig } from "../core/config/index.ts";
import type { AnalyzeOptions, ChangedFile, RepoSnapshot } from "../core/index.ts";
import {
  AnalysisSession,
  analyzeBase,
  analyzePullRequest,
  applyHelmRenders,
  type BaseAnalysis,
  type EarlierBase,
  helmChartNeeds,
  type PullRequestAnalysis,
  policyOf,
} from "../core/index.ts";
import { carryCiSection } from "../core/maintenance/index.ts";
import { COMMENT_MARKER, renderCheckRun, renderComment } from "../core/report/index.ts";
import type { BaseAnalysisCache } from "./base-cache.ts";
import { GitHubApiError } from "./errors.ts";
import { type OnAnalysisError, UnscannedFilesError } from "./failure.ts";
import { JobStartError, startJob } from "./job-start.ts";
import {
  analyzedRepository,
  CHECK_NAME,
  CountingClient,
  call,
  completeCheckRun,
  configNote,
  failCheckRun,
  type GitHubClient,
  isRetriable,
  logDetail,
  safeMessage,
  serialized,
  snapshotAt,
} from "./jobs.ts";
import {
  type BotIdentity,
  duplicateStickyComments,
  findStickyComment,
  type IssueComment,
  stickyAction,
} from "./sticky-comment.ts";
import { DEFAULT_TARBALL_LIMITS, type TarballLimits } from "./tarball.ts";
import { changedEntries, PULL_FILES_MAX, readUnarchived } from "./unarchived.ts";

export { CHECK_NAME, type GitHubClient };

export interface PullRequestJob {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  baseSha: string;
  /** The base branch's name (`main`): the branch Flux follows for this repository. */
  baseRef?: string;
  htmlUrl?: string;
}

/** How long to wait before reading the PR head again when it differs from the delivery's. */
const HEAD_LAG_MS = 2000;

export interface RunOptions {
  /** Wait before the second head read (GitHub's API lagging the webhook); 0 reads once. */
  headLagMs?: number;
  identity: BotIdentity;
  /** A re-run asked for by a user: a new check run even when one exists for the head commit. */
  fresh?: boolean;
  limits?: TarballLimits;
  log?: { info(msg: string): void; warn(msg: string): void };
  /** Base analyses of earlier pull requests against the same commit (base-cache.ts); none by default. */
  baseCache?: BaseAnalysisCache;
  /**
   * Render changed HelmReleases' charts: a fetcher per job (the runtime gives one with its Blobs cache).
   * Without it, HelmReleases show their spec changes only.
   */
  charts?: ChartRendering;
}

/** How the App gets charts: a fetcher for one job, and the wall time all its fetches may take. */
export interface ChartRendering {
  fetcher: () => ChartFetcher;
  deadlineMs?: number;
}

export type RunOutcome =
  | { kind: "completed"; conclusion: string; comment: "create" | "update" | "none"; requests: number }
  | { kind: "superseded"; requests: number }
  | { kind: "failed"; message: string; requests: number };

/** GitHub lists at most this many files in a comparison; at the cap the pull request's own list is read. */
const COMPARE_FILES_MAX = 300;

interface CompareFile {
  filename: string;
  status: string;
  previous_filename?: string;
}

interface CompareResponse {
  merge_base_commit: { sha: string };
  files?: CompareFile[];
}

/** A file of a comparison or commit (GitHub's statuses) as the core's changed file. */
export function changedFileOf(f: CompareFile): ChangedFile {
  if (f.status === "renamed" && f.previous_filename)
    return { path: f.filename, status: "renamed", previousPath: f.previous_filename };
  const status =
    f.status === "added" || f.status === "copied" ? "added" : f.status === "removed" ? "removed" : "modified";
  return { path: f.filename, status };
}

/**
 * Changed files the head tarball does not hold (`export-ignore` in `.gitattributes`), read from GitHub so
 * the secret rules still see them (unarchived.ts). Any that cannot be read fail the check, by name.
 */
async function exportIgnored(
  gh: CountingClient,
  job: PullRequestJob,
  head: RepoSnapshot,
  { entries, complete }: { entries: readonly CompareFile[]; complete: boolean },
): Promise<Array<{ path: string; bytes: Uint8Array }>> {
  const absent = entries
    .filter((f) => f.status !== "removed" && head.read(f.filename) === undefined)
    .map((f) => f.filename);
  const read = await readUnarchived(gh, job, job.headSha, absent);
  const unscanned = [...read.unscanned];
  if (!complete)
    unscanned.push(
      `(more than ${PULL_FILES_MAX} changed files: GitHub lists no more, so files left out of the archive cannot all be found)`,
    );
  if (unscanned.length) throw new UnscannedFilesError(unscanned);
  return read.files;
}

/**
 * One GraphQL request for the PR's current head (the stale-write guard) and its first 100 comments with
 * `viewerDidAuthor` (which ones the App wrote). Later pages are read over REST only when the sticky
 * comment is not among the first 100.
 */
const PR_STATE = `query ($owner: String!, $repo: String!, $number: Int!) {
  repository(owner: $owner, name: $repo) {
    pullRequest(number: $number) {
      headRefOid
      comments(first: 100) {
        nodes { databaseId body viewerDidAuthor }
        pageInfo { hasNextPage }
      }
    }
  }
}`;

export interface PrState {
  headSha: string;
  comments: IssueComment[];
  more: boolean;
}

export async function pullRequestState(
  gh: CountingClient,
  job: Pick<PullRequestJob, "owner" | "repo" | "number">,
): Promise<PrState> {
  const data = await gh.graphql<{
    repository: {
      pullRequest: {
        headRefOid: string;
        comments: {
          nodes: Array<{ databaseId: number; body: string; viewerDidAuthor: boolean }>;
          pageInfo: { hasNextPage: boolean };
        };
      };
    };
  }>("re-read the pull request", PR_STATE, { owner: job.owner, repo: job.repo, number: job.number });
  const pr = data.repository.pullRequest;
  return {
    headSha: pr.headRefOid,
    comments: pr.comments.nodes.map((c) => ({
      id: c.databaseId,
      body: c.body,
      viewerDidAuthor: c.viewerDidAuthor,
    })),
    more: pr.comments.pageInfo.hasNextPage,
  };
}

async function restComments(gh: CountingClient, job: PullRequestJob): Promise<IssueComment[]> {
  const comments: IssueComment[] = [];
  for (let page = 2; page <= 30; page++) {
    const batch = await call<IssueComment[]>(
      gh,
      "list the pull request's comments",
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      { owner: job.owner, repo: job.repo, issue_number: job.number, per_page: 100, page },
    );
    comments.push(...batch);
    if (batch.length < 100) break;
  }
  return comments;
}

async function writeComment(
  gh: CountingClient,
  job: PullRequestJob,
  state: PrState,
  body: string,
  mode: "always" | "affected" | "never",
  relevant: boolean,
  identity: BotIdentity,
): Promise<"create" | "update" | "none"> {
  const repo = { owner: job.owner, repo: job.repo };
  let comments = state.comments;
  if (!findStickyComment(comments, identity) && state.more) comments = await restComments(gh, job);
  const existing = findStickyComment(comments, identity);
  // Failed workflow runs of this head commit (added by the workflow_run handler) stay in the comment.
  const full = carryCiSection(existing?.body ?? undefined, body, job.headSha);
  const action = stickyAction(existing, full, mode, relevant);
  for (const extra of duplicateStickyComments(comments, identity)) {
    await call(
      gh,
      "delete a duplicate comment",
      "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}",
      {
        ...repo,
        comment_id: extra.id,
      },
    );
  }
  const write = (text: string) =>
    action.kind === "create"
      ? call(gh, "create the comment", "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          ...repo,
          issue_number: job.number,
          body: text,
        })
      : action.kind === "update"
        ? call(gh, "update the comment", "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
            ...repo,
            comment_id: action.id,
            body: text,
          })
        : Promise.resolve();
  try {
    await write(full);
  } catch (error) {
    // GitHub refused the report itself (422): one short comment pointing at the check run, no loop.
    if (!(error instanceof GitHubApiError) || error.status !== 422) throw error;
    await write(fallbackComment(job));
  }
  return action.kind;
}

function fallbackComment(job: PullRequestJob): string {
  const checks = `https://github.com/${job.owner}/${job.repo}/pull/${job.number}/checks`;
  return `${COMMENT_MARKER}\n### Flux impact\n\nGitHub refused this report as a comment; the [flux-impact check run](${checks}) has it in full.\n`;
}

export function runPullRequestAnalysis(
  client: GitHubClient,
  job: PullRequestJob,
  options: RunOptions,
): Promise<RunOutcome> {
  return serialized(`${job.owner}/${job.repo}@${job.headSha}`, () => analyze(client, job, options));
}

async function analyze(client: GitHubClient, job: PullRequestJob, options: RunOptions): Promise<RunOutcome> {
  const gh = new CountingClient(client);
  const limits = options.limits ?? DEFAULT_TARBALL_LIMITS;
  let started: Awaited<ReturnType<typeof startJob>>;
  try {
    started = await startJob(gh, job, job.headSha, {
      configRev: "HEAD",
      fresh: options.fresh === true,
      appId: options.identity.appId,
    });
  } catch (error) {
    if (!(error instanceof JobStartError)) throw error;
    return failed(gh, job, error.checkRunId, error.cause, options);
  }
  const { checkRunId, config: parsed } = started;
  const { config, issues } = parsed;
  let completed = false;
  try {
    const compare = await call<CompareResponse>(
      gh,
      "compare the base and head commits",
      "GET /repos/{owner}/{repo}/compare/{basehead}",
      { owner: job.owner, repo: job.repo, basehead: `${job.baseSha}...${job.headSha}`, per_page: 1 },
    );
    const mergeBase = compare.merge_base_commit.sha;
    // One session: head reuses the parses and builds of base that the change cannot affect.
    const session = new AnalysisSession();
    const base = await snapshotAt(gh, job, mergeBase, "base", limits, session);
    const head = await snapshotAt(gh, job, job.headSha, "head", limits, session);
    // The comparison's files, or the PR's own list over its cap: what the analysis and the scan start from.
    const listed = await changedEntries(gh, job, compare.files, COMPARE_FILES_MAX);
    const missing = await exportIgnored(gh, job, head, listed);
    const analyzeOptions = { repository: analyzedRepository(job, job.baseRef) };
    const baseAnalysis = await cachedBase(gh, options, job, mergeBase, config, analyzeOptions, base);
    const analysis = analyzePullRequest({
      base,
      head,
      config,
      analyze: analyzeOptions,
      ...(baseAnalysis ? { baseAnalysis } : {}),
      changedFiles: listed.entries.map(changedFileOf),
      ...(missing.length ? { extraHeadFiles: missing } : {}),
    });
    const { report } = analysis;
    if (options.charts) await renderCharts(analysis, { base, head }, config, options.charts);
    const revisions = {
      base: { ref: mergeBase },
      head: { ref: job.headSha, blobUrl: `https://github.com/${job.owner}/${job.repo}/blob/${job.headSha}` },
    };
    const run = renderCheckRun(report, revisions);
    const body = renderComment(report, {
      ...revisions,
      checkRunUrl: `https://github.com/${job.owner}/${job.repo}/runs/${checkRunId}`,
    });
    let state = await pullRequestState(gh, job);
    if (state.headSha !== job.headSha && (options.headLagMs ?? HEAD_LAG_MS) > 0) {
      // GitHub's API can lag the webhook by seconds: read once more before calling this run superseded.
      await new Promise((resolve) => setTimeout(resolve, options.headLagMs ?? HEAD_LAG_MS));
      state = await pullRequestState(gh, job);
    }
    if (state.headSha !== job.headSha) {
      await completeCheckRun(gh, job, checkRunId, {
        conclusion: "neutral",
        title: "Superseded by a newer commit",
        summary:
          "The pull request's head moved while this commit was analyzed; the newer commit's check run has the result.",
      });
      return { kind: "superseded", requests: gh.count };
    }
    await completeCheckRun(
      gh,
      job,
      checkRunId,
      {
        conclusion: run.conclusion,
        title: run.title,
        summary: run.summary + configNote(issues),
        text: run.text,
      },
      run.annotations,
    );
    completed = true;
    const relevant =
      report.kustomizations.length + report.helmReleases.length + report.findings.introduced.length > 0;
    const comment = await writeComment(gh, job, state, body, config.comment, relevant, options.identity);
    return { kind: "completed", conclusion: run.conclusion, comment, requests: gh.count };
  } catch (error) {
    if (completed) {
      // The check run already holds the result: a failing comment must not overwrite it.
      options.log?.warn(
        `pull request ${job.owner}/${job.repo}#${job.number}: the comment failed: ${logDetail(error)}`,
      );
      if (isRetriable(error)) throw error;
      return { kind: "failed", message: safeMessage(error), requests: gh.count };
    }
    return failed(gh, job, checkRunId, error, options, config.onAnalysisError);
  }
}

/**
 * The changed HelmReleases' charts, fetched (https, public addresses, cached by digest) or read from the
 * snapshots, rendered into the report. A chart that cannot be had is named in the report for its
 * HelmRelease; it never fails the job.
 */
async function renderCharts(
  analysis: PullRequestAnalysis,
  snapshots: { base: RepoSnapshot; head: RepoSnapshot },
  config: AppConfig,
  charts: ChartRendering,
): Promise<void> {
  const needs = helmChartNeeds(analysis);
  if (needs.length === 0) return;
  const fetcher = charts.fetcher();
  try {
    const supply = await supplyCharts(needs, {
      fetcher,
      snapshots,
      ...(charts.deadlineMs !== undefined ? { deadlineMs: charts.deadlineMs } : {}),
    });
    applyHelmRenders(analysis, supply, { policy: policyOf(config) });
  } finally {
    await fetcher.close();
  }
}

/**
 * The merge base's analysis from the cache, or made now and stored for the next pull request against it;
 * undefined without a cache (analyzePullRequest then analyzes base itself).
 */
async function cachedBase(
  gh: CountingClient,
  options: RunOptions,
  job: PullRequestJob,
  sha: string,
  config: AppConfig,
  analyzeOptions: AnalyzeOptions,
  base: RepoSnapshot,
): Promise<BaseAnalysis | undefined> {
  const cache = options.baseCache;
  if (!cache) return undefined;
  const key = cache.key(job, sha, config, analyzeOptions);
  const hit = await cache.load(key, options.log);
  if (hit) {
    options.log?.info(
      `pull request ${job.owner}/${job.repo}#${job.number}: base ${sha} analysis from the cache`,
    );
    return hit;
  }
  const earlier = await earlierBase(gh, job, cache, sha, config, analyzeOptions, options.log);
  const made = analyzeBase(base, config, analyzeOptions, earlier);
  await cache.save(key, made, options.log);
  return made;
}

/**
 * The stored analysis of an earlier commit of the base branch and the files changed since (one
 * comparison), from which analyzeBase analyzes only what changed; undefined when there is none, the stored
 * commit is not an ancestor, GitHub lists too many files to be sure of them, or the comparison fails — then
 * the base is analyzed in full, with the same result.
 */
async function earlierBase(
  gh: CountingClient,
  job: PullRequestJob,
  cache: BaseAnalysisCache,
  sha: string,
  config: AppConfig,
  analyzeOptions: AnalyzeOptions,
  log: RunOptions["log"],
): Promise<EarlierBase | undefined> {
  const found = await cache.latest(job, config, analyzeOptions, log);
  if (!found || found.sha === sha) return undefined;
  try {
    const compare = await call<CompareResponse & { status?: string }>(
      gh,
      "compare the stored base with this one",
      "GET /repos/{owner}/{repo}/compare/{basehead}",
      { owner: job.owner, repo: job.repo, basehead: `${found.sha}...${sha}`, per_page: 1 },
    );
    const files = compare.files;
    if (compare.status !== "ahead" || !files || files.length >= COMPARE_FILES_MAX) return undefined;
    log?.info(
      `pull request ${job.owner}/${job.repo}#${job.number}: base ${sha} analyzed from the stored analysis of ${found.sha} and ${files.length} changed files`,
    );
    return { analysis: found.analysis, changedFiles: files.map(changedFileOf) };
  } catch (error) {
    log?.warn(`base analysis cache: could not compare ${found.sha} with ${sha}: ${safeMessage(error)}`);
    return undefined;
  }
}

/** Ends the check run of a job that failed (see failure.ts) and the delivery with it. */
async function failed(
  gh: CountingClient,
  job: PullRequestJob,
  checkRunId: number,
  error: unknown,
  options: RunOptions,
  onAnalysisError?: OnAnalysisError,
): Promise<RunOutcome> {
  const message = await failCheckRun(gh, job, checkRunId, error, {
    title: "flux-impact could not analyze this commit",
    logPrefix: `pull request ${job.owner}/${job.repo}#${job.number}`,
    log: options.log,
    ...(onAnalysisError ? { onAnalysisError } : {}),
  });
  return { kind: "failed", message, requests: gh.count };
}
