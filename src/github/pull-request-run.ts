/**
 * One pull request analysis on GitHub, free of any HTTP-server assumption (Probot's server and a Netlify
 * background function both call it): ensure the "flux-impact" check run on the head commit (in progress),
 * find the merge base, download both revisions as tarballs, run the core's pull-request analysis, then —
 * unless the PR head moved meanwhile (stale-write guard) — complete the check run and create or update the
 * one sticky comment. Anything that fails after the check run exists completes it as neutral with a short,
 * safe message; it is never left in progress.
 *
 * The configuration is read from the merge base, i.e. from the base branch: the PR cannot loosen its own
 * gate.
 */
import { parseConfigText } from "../core/config/parse-config.ts";
import { analyzePullRequest } from "../core/pull-request.ts";
import { batchAnnotations, renderCheckRun } from "../core/report/check-run.ts";
import { renderComment } from "../core/report/comment.ts";
import { createMemorySnapshot, type RepoSnapshot } from "../core/snapshot/repo-snapshot.ts";
import { GitHubApiError, toGitHubError } from "./errors.ts";
import { type BotIdentity, findStickyComment, type IssueComment, stickyAction } from "./sticky-comment.ts";
import { DEFAULT_TARBALL_LIMITS, TarballError, type TarballLimits, treeFromTarball } from "./tarball.ts";

export const CHECK_NAME = "flux-impact";
const CONFIG_PATH = ".github/flux-impact.yml";

/** The slice of Octokit this module uses (Probot's installation Octokit satisfies it). */
export interface GitHubClient {
  request(route: string, parameters?: Record<string, unknown>): Promise<{ data: unknown; status: number }>;
  graphql<T>(query: string, parameters?: Record<string, unknown>): Promise<T>;
}

export interface PullRequestJob {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  baseSha: string;
  htmlUrl?: string;
}

export interface RunOptions {
  identity: BotIdentity;
  limits?: TarballLimits;
  log?: { info(msg: string): void; warn(msg: string): void };
}

export type RunOutcome =
  | { kind: "completed"; conclusion: string; comment: "create" | "update" | "none"; requests: number }
  | { kind: "superseded"; requests: number }
  | { kind: "failed"; message: string; requests: number };

async function call<T>(
  gh: CountingClient,
  operation: string,
  route: string,
  params: Record<string, unknown>,
) {
  try {
    return (await gh.request(route, params)).data as T;
  } catch (error) {
    throw toGitHubError(error, operation, Math.floor(Date.now() / 1000));
  }
}

class CountingClient {
  count = 0;
  constructor(private readonly inner: GitHubClient) {}
  request(route: string, params: Record<string, unknown>) {
    this.count++;
    return this.inner.request(route, params);
  }
  async graphql<T>(operation: string, query: string, params: Record<string, unknown>): Promise<T> {
    this.count++;
    try {
      return await this.inner.graphql<T>(query, params);
    } catch (error) {
      throw toGitHubError(error, operation, Math.floor(Date.now() / 1000));
    }
  }
}

async function ensureCheckRun(gh: CountingClient, job: PullRequestJob): Promise<number> {
  const repo = { owner: job.owner, repo: job.repo };
  const existing = await call<{ check_runs: Array<{ id: number }> }>(
    gh,
    "list the check runs of the head commit",
    "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
    { ...repo, ref: job.headSha, check_name: CHECK_NAME, filter: "latest", per_page: 1 },
  );
  const found = existing.check_runs[0];
  if (found) return found.id;
  const created = await call<{ id: number }>(
    gh,
    "create the check run",
    "POST /repos/{owner}/{repo}/check-runs",
    {
      ...repo,
      name: CHECK_NAME,
      head_sha: job.headSha,
      status: "in_progress",
    },
  );
  return created.id;
}

async function snapshotAt(
  gh: CountingClient,
  job: PullRequestJob,
  sha: string,
  what: string,
  limits: TarballLimits,
) {
  const data = await call<ArrayBuffer | Uint8Array>(
    gh,
    `download the ${what} revision`,
    "GET /repos/{owner}/{repo}/tarball/{ref}",
    { owner: job.owner, repo: job.repo, ref: sha },
  );
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const tree = await treeFromTarball(bytes, limits);
  return createMemorySnapshot(tree.files);
}

function configOf(snapshot: RepoSnapshot) {
  const text = snapshot.readText(CONFIG_PATH);
  return parseConfigText(text.ok ? text.text : undefined, CONFIG_PATH);
}

async function completeCheckRun(
  gh: CountingClient,
  job: PullRequestJob,
  id: number,
  fields: { conclusion: string; title: string; summary: string; text?: string },
  annotations: readonly unknown[] = [],
): Promise<void> {
  const batches = batchAnnotations(annotations);
  const output = {
    title: fields.title,
    summary: fields.summary,
    ...(fields.text ? { text: fields.text } : {}),
  };
  const route = "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}";
  const base = { owner: job.owner, repo: job.repo, check_run_id: id };
  // Extra annotation batches first, the completion last: a reader never sees a completed run half-annotated.
  for (const batch of batches.slice(1)) {
    await call(gh, "annotate the check run", route, { ...base, output: { ...output, annotations: batch } });
  }
  await call(gh, "complete the check run", route, {
    ...base,
    status: "completed",
    conclusion: fields.conclusion,
    output: { ...output, ...(batches[0] ? { annotations: batches[0] } : {}) },
  });
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

interface PrState {
  headSha: string;
  comments: IssueComment[];
  more: boolean;
}

async function pullRequestState(gh: CountingClient, job: PullRequestJob): Promise<PrState> {
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
  let existing = findStickyComment(state.comments, identity);
  if (!existing && state.more) existing = findStickyComment(await restComments(gh, job), identity);
  const action = stickyAction(existing, body, mode, relevant);
  if (action.kind === "create") {
    await call(gh, "create the comment", "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...repo,
      issue_number: job.number,
      body,
    });
  } else if (action.kind === "update") {
    await call(gh, "update the comment", "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      ...repo,
      comment_id: action.id,
      body,
    });
  }
  return action.kind;
}

function safeMessage(error: unknown): string {
  if (error instanceof GitHubApiError || error instanceof TarballError) return error.message;
  return "flux-impact failed while analyzing this pull request; the maintainers have the details in the logs.";
}

export async function runPullRequestAnalysis(
  client: GitHubClient,
  job: PullRequestJob,
  options: RunOptions,
): Promise<RunOutcome> {
  const gh = new CountingClient(client);
  const limits = options.limits ?? DEFAULT_TARBALL_LIMITS;
  const checkRunId = await ensureCheckRun(gh, job);
  try {
    const compare = await call<{ merge_base_commit: { sha: string } }>(
      gh,
      "compare the base and head commits",
      "GET /repos/{owner}/{repo}/compare/{basehead}",
      { owner: job.owner, repo: job.repo, basehead: `${job.baseSha}...${job.headSha}`, per_page: 1 },
    );
    const mergeBase = compare.merge_base_commit.sha;
    const base = await snapshotAt(gh, job, mergeBase, "base", limits);
    const head = await snapshotAt(gh, job, job.headSha, "head", limits);
    const { config, issues } = configOf(base);
    const { report } = analyzePullRequest({ base, head, config });
    const revisions = {
      base: { ref: mergeBase },
      head: { ref: job.headSha, blobUrl: `https://github.com/${job.owner}/${job.repo}/blob/${job.headSha}` },
    };
    const run = renderCheckRun(report, revisions);
    const body = renderComment(report, revisions);
    const state = await pullRequestState(gh, job);
    if (state.headSha !== job.headSha) {
      await completeCheckRun(gh, job, checkRunId, {
        conclusion: "neutral",
        title: "Superseded by a newer commit",
        summary:
          "The pull request's head moved while this commit was analyzed; the newer commit's check run has the result.",
      });
      return { kind: "superseded", requests: gh.count };
    }
    const configNote = issues.length
      ? `\n\n> ⚠️ \`${CONFIG_PATH}\` on the base branch is invalid, defaults were used: ${issues.map((i) => i.message).join("; ")}\n`
      : "";
    await completeCheckRun(
      gh,
      job,
      checkRunId,
      { conclusion: run.conclusion, title: run.title, summary: run.summary + configNote, text: run.text },
      run.annotations,
    );
    const relevant =
      report.kustomizations.length + report.helmReleases.length + report.findings.introduced.length > 0;
    const comment = await writeComment(gh, job, state, body, config.comment, relevant, options.identity);
    return { kind: "completed", conclusion: run.conclusion, comment, requests: gh.count };
  } catch (error) {
    const message = safeMessage(error);
    options.log?.warn(`pull request ${job.owner}/${job.repo}#${job.number}: ${message}`);
    await completeCheckRun(gh, job, checkRunId, {
      conclusion: "neutral",
      title: "flux-impact could not analyze this commit",
      summary: message,
    });
    return { kind: "failed", message, requests: gh.count };
  }
}
