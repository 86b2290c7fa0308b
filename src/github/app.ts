/**
 * The Probot app (Probot's convention: the default export is the app function, so any Probot runner can
 * load it). A thin adapter: it turns pull request events into `runPullRequestAnalysis` calls with the
 * installation's Octokit, and pushes to the default branch into `runBranchCheck`. Closed pull requests are
 * not analyzed; drafts are. An `edited` event matters only when the base branch changed. Pushes to other
 * branches and branch deletions are ignored.
 */
import type { Context, Probot } from "probot";
import type { BaseAnalysisCache } from "./base-cache.ts";
import { runBranchCheck } from "./branch-run.ts";
import { type DeployStore, startDeploy } from "./deploy-run.ts";
import { CountingClient, call } from "./jobs.ts";
import { runMaintenance } from "./maintenance.ts";
import { CHECK_NAME, type ChartRendering, runPullRequestAnalysis } from "./pull-request-run.ts";
import type { TarballLimits } from "./tarball.ts";
import { runWorkflowRun } from "./workflow-run.ts";

/** `/flux-impact recheck` alone on the comment's first line. */
const RECHECK = /^\s*\/flux-impact\s+recheck\s*(?:\n|$)/;
/** Permissions that may ask for a re-run ("maintain" and "triage" come as write/read in this API). */
const WRITE = new Set(["admin", "write"]);

export interface AppOptions {
  /** Tarball limits (defaults: DEFAULT_TARBALL_LIMITS). */
  limits?: TarballLimits;
  /** Wait before re-reading a pull request head that differs from the delivery's (default 2 s). */
  headLagMs?: number;
  /** The GitHub App id (identifies the App's own comments); defaults to the APP_ID environment variable. */
  appId?: number;
  /** Base analyses shared by pull requests against the same commit (base-cache.ts); none by default. */
  baseCache?: BaseAnalysisCache;
  /** Where deploys are tracked (deploy-run.ts); without one, pushes record no deploy. */
  deployStore?: DeployStore;
  /** Render changed HelmReleases' charts in pull requests (pull-request-run.ts); off without it. */
  charts?: ChartRendering;
}

export function createApp(options: AppOptions = {}) {
  return (app: Probot): void => {
    const appId = options.appId ?? Number(process.env.APP_ID);
    const limits = {
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.headLagMs !== undefined ? { headLagMs: options.headLagMs } : {}),
    };
    const pullRequests = {
      ...limits,
      ...(options.baseCache ? { baseCache: options.baseCache } : {}),
      ...(options.charts ? { charts: options.charts } : {}),
    };
    app.on(
      [
        "pull_request.opened",
        "pull_request.synchronize",
        "pull_request.reopened",
        "pull_request.ready_for_review",
        "pull_request.edited",
      ],
      async (context) => {
        const { payload } = context;
        const pr = payload.pull_request;
        if (pr.state === "closed") return;
        if (
          payload.action === "edited" &&
          !("changes" in payload && payload.changes && "base" in payload.changes)
        )
          return;
        const outcome = await runPullRequestAnalysis(
          context.octokit,
          {
            owner: payload.repository.owner.login,
            repo: payload.repository.name,
            number: pr.number,
            headSha: pr.head.sha,
            baseSha: pr.base.sha,
            baseRef: pr.base.ref,
          },
          { identity: { appId }, log: context.log, ...pullRequests },
        );
        context.log.info(
          `flux-impact ${payload.repository.full_name}#${pr.number} ${pr.head.sha.slice(0, 7)}: ${outcome.kind} (${outcome.requests} requests)`,
        );
      },
    );

    /**
     * A user asked for a new analysis: the PRs of a re-run check, or the branch head for main. GitHub
     * sends no pull requests (and no branch) for a fork's commit, so they are found by the head SHA; the
     * analysis reads the configuration of the default branch as always, never the fork's.
     */
    const rerun = async (
      context: Context<"check_run.rerequested"> | Context<"check_suite.rerequested">,
      headSha: string,
      headBranch: string | null,
      listed: ReadonlyArray<RerunPull>,
    ) => {
      const repository = context.payload.repository;
      const repo = { owner: repository.owner.login, repo: repository.name };
      const gh = new CountingClient(context.octokit);
      const pulls = listed.length ? listed : await openPullsWithHead(gh, repo, repository.id, headSha);
      for (const pr of pulls.filter((p) => p.head.sha === headSha)) {
        await runPullRequestAnalysis(
          context.octokit,
          { ...repo, number: pr.number, headSha, baseSha: pr.base.sha, ...baseRefOf(pr.base) },
          { identity: { appId }, fresh: true, log: context.log, ...pullRequests },
        );
      }
      if (
        pulls.length === 0 &&
        headBranch === repository.default_branch &&
        (await onBranch(gh, repo, headBranch, headSha))
      )
        await runBranchCheck(
          context.octokit,
          { ...repo, sha: headSha, branch: headBranch },
          { appId, log: context.log, ...limits },
        );
    };

    app.on("check_run.rerequested", async (context) => {
      const run = context.payload.check_run;
      if (run.name !== CHECK_NAME) return;
      await rerun(context, run.head_sha, run.check_suite?.head_branch ?? null, run.pull_requests);
    });

    app.on("check_suite.rerequested", async (context) => {
      const suite = context.payload.check_suite;
      await rerun(context, suite.head_sha, suite.head_branch, suite.pull_requests);
    });

    app.on("issue_comment.created", async (context) => {
      const { payload } = context;
      if (!payload.issue.pull_request || !RECHECK.test(payload.comment.body)) return;
      if (payload.comment.user?.type === "Bot") return;
      const repo = { owner: payload.repository.owner.login, repo: payload.repository.name };
      const gh = new CountingClient(context.octokit);
      const permission = await call<{ permission: string }>(
        gh,
        "read the commenter's permission",
        "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
        { ...repo, username: payload.comment.user?.login ?? "" },
      );
      if (!WRITE.has(permission.permission)) {
        context.log.info(`flux-impact: recheck by ${payload.comment.user?.login} ignored (no write access)`);
        return;
      }
      const pr = await call<{ state: string; head: { sha: string }; base: { sha: string; ref?: string } }>(
        gh,
        "read the pull request",
        "GET /repos/{owner}/{repo}/pulls/{pull_number}",
        { ...repo, pull_number: payload.issue.number },
      );
      if (pr.state === "closed") return;
      await runPullRequestAnalysis(
        context.octokit,
        {
          ...repo,
          number: payload.issue.number,
          headSha: pr.head.sha,
          baseSha: pr.base.sha,
          ...baseRefOf(pr.base),
        },
        { identity: { appId }, fresh: true, log: context.log, ...pullRequests },
      );
    });

    app.on(["installation", "installation_repositories"], async (context) => {
      const { payload } = context;
      context.log.info(
        `flux-impact: ${context.name}.${payload.action} for installation ${payload.installation.id}`,
      );
    });

    app.on("push", async (context) => {
      const { payload } = context;
      const branch = payload.repository.default_branch;
      if (payload.ref !== `refs/heads/${branch}` || payload.deleted || /^0+$/.test(payload.after)) return;
      const repo = { owner: payload.repository.owner?.login ?? "", repo: payload.repository.name };
      const outcome = await runBranchCheck(
        context.octokit,
        { ...repo, sha: payload.after, branch },
        { appId, log: context.log, ...limits },
      );
      context.log.info(
        `flux-impact ${payload.repository.full_name}@${payload.after.slice(0, 7)} (${branch}): ${outcome.kind} (${outcome.requests} requests)`,
      );
      if (outcome.kind !== "completed") return;
      // The stale-service sweep and the dashboard, on the snapshot the check just read.
      const maintenance = await runMaintenance(
        context.octokit,
        { ...repo, known: { sha: payload.after, branch, ...outcome.known } },
        { log: context.log, ...(options.deployStore ? { deployStore: options.deployStore } : {}) },
      );
      context.log.info(
        `flux-impact ${payload.repository.full_name}: ${maintenance.disabled} disabled services (${maintenance.stale} stale), ${maintenance.opened.length} issues opened, ${maintenance.closed} closed${maintenance.dryRun ? " (dry run)" : ""}, dashboard ${maintenance.dashboard} (${maintenance.requests} requests)`,
      );
      if (options.deployStore && !/^0+$/.test(payload.before)) {
        // What the commit changes, for the events of the clusters that deploy it (deploy-run.ts).
        const deploy = await startDeploy(
          context.octokit,
          {
            ...repo,
            branch,
            before: payload.before,
            after: payload.after,
            pushedAt: pushTime(payload.repository.pushed_at),
            head: outcome.known.snapshot,
            config: outcome.known.config.config,
          },
          {
            store: options.deployStore,
            ...(options.limits ? { limits: options.limits } : {}),
            log: context.log,
          },
        );
        context.log.info(
          `flux-impact ${payload.repository.full_name}@${payload.after.slice(0, 7)} deploy: ${deploy.kind === "tracking" ? `tracking ${deploy.targets} objects${deploy.pullRequest ? ` of #${deploy.pullRequest}` : ""}` : `not tracked (${deploy.why})`} (${deploy.requests} requests)`,
        );
      }
    });

    app.on("workflow_run.completed", async (context) => {
      const { payload } = context;
      const run = payload.workflow_run;
      const outcome = await runWorkflowRun(
        context.octokit,
        {
          owner: payload.repository.owner.login,
          repo: payload.repository.name,
          defaultBranch: payload.repository.default_branch,
          run: {
            id: run.id,
            workflowId: run.workflow_id,
            attempt: run.run_attempt ?? 1,
            number: run.run_number,
            name: run.name ?? payload.workflow?.name ?? run.path,
            path: run.path,
            conclusion: run.conclusion,
            headBranch: run.head_branch,
            headSha: run.head_sha,
            event: run.event,
            url: run.html_url,
            fromThisRepository: run.head_repository?.id === payload.repository.id,
          },
          // Only pull requests of this repository (a fork's are not listed by GitHub, nor ours to edit).
          pullRequests: (run.pull_requests ?? []).flatMap((p) =>
            p && p.base.repo.id === payload.repository.id ? [{ number: p.number }] : [],
          ),
        },
        { identity: { appId }, log: context.log, ...pullRequests },
      );
      context.log.info(
        `flux-impact ${payload.repository.full_name} workflow ${run.path} #${run.run_number} ${run.conclusion}: ${outcome.kind}${"why" in outcome ? ` (${outcome.why})` : ""} (${outcome.requests} requests)`,
      );
    });
  };
}

export default createApp();

interface RerunPull {
  number: number;
  head: { sha: string };
  base: { sha: string; ref?: string; repo?: { id?: number } };
}

/**
 * The open pull requests of this repository whose head is `sha` (a fork's included): those GitHub
 * associates with the commit, else — when that finds none — the open pull requests' heads (up to 300).
 */
async function openPullsWithHead(
  gh: CountingClient,
  repo: { owner: string; repo: string },
  repositoryId: number,
  sha: string,
): Promise<RerunPull[]> {
  const ours = (p: RerunPull & { state?: string }) =>
    p.head.sha === sha && (p.state === undefined || p.state === "open") && p.base.repo?.id === repositoryId;
  const associated = await call<Array<RerunPull & { state?: string }>>(
    gh,
    "find the pull requests of the commit",
    "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls",
    { ...repo, commit_sha: sha, per_page: 100 },
  );
  const found = (Array.isArray(associated) ? associated : []).filter(ours);
  if (found.length) return found;
  const open: RerunPull[] = [];
  for (let page = 1; page <= 3; page++) {
    const batch = await call<Array<RerunPull & { state?: string }>>(
      gh,
      "list the open pull requests",
      "GET /repos/{owner}/{repo}/pulls",
      { ...repo, state: "open", per_page: 100, page },
    );
    if (!Array.isArray(batch)) break;
    open.push(...batch.filter(ours));
    if (batch.length < 100) break;
  }
  return open;
}

/** Whether `sha` is on the branch (its head or an older commit of it): a fork's branch named alike is not. */
async function onBranch(
  gh: CountingClient,
  repo: { owner: string; repo: string },
  branch: string,
  sha: string,
): Promise<boolean> {
  const compared = await call<{ status?: string }>(
    gh,
    "compare the commit with the default branch",
    "GET /repos/{owner}/{repo}/compare/{basehead}",
    { ...repo, basehead: `${branch}...${sha}`, per_page: 1 },
  );
  return compared.status === "identical" || compared.status === "behind";
}

/** The push's time: `repository.pushed_at` (epoch seconds in push payloads), else now. */
function pushTime(pushedAt: unknown): string {
  if (typeof pushedAt === "number") return new Date(pushedAt * 1000).toISOString();
  if (typeof pushedAt === "string" && !Number.isNaN(Date.parse(pushedAt)))
    return new Date(pushedAt).toISOString();
  return new Date().toISOString();
}

/** The base branch's name, when GitHub gave it. */
function baseRefOf(base: { ref?: string }): { baseRef?: string } {
  return base.ref ? { baseRef: base.ref } : {};
}
