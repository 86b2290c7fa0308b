/**
 * The Probot app (Probot's convention: the default export is the app function, so any Probot runner can
 * load it). A thin adapter: it turns pull request events into `runPullRequestAnalysis` calls with the
 * installation's Octokit, and pushes to the default branch into `runBranchCheck`. Closed pull requests are
 * not analyzed; drafts are. An `edited` event matters only when the base branch changed. Pushes to other
 * branches and branch deletions are ignored.
 */
import type { Probot } from "probot";
import { runBranchCheck } from "./branch-run.ts";
import { runPullRequestAnalysis } from "./pull-request-run.ts";

export interface AppOptions {
  /** The GitHub App id (identifies the App's own comments); defaults to the APP_ID environment variable. */
  appId?: number;
}

export function createApp(options: AppOptions = {}) {
  return (app: Probot): void => {
    const appId = options.appId ?? Number(process.env.APP_ID);
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
          },
          { identity: { appId }, log: context.log },
        );
        context.log.info(
          `flux-impact ${payload.repository.full_name}#${pr.number} ${pr.head.sha.slice(0, 7)}: ${outcome.kind} (${outcome.requests} requests)`,
        );
      },
    );

    app.on("push", async (context) => {
      const { payload } = context;
      const branch = payload.repository.default_branch;
      if (payload.ref !== `refs/heads/${branch}` || payload.deleted || /^0+$/.test(payload.after)) return;
      const outcome = await runBranchCheck(
        context.octokit,
        {
          owner: payload.repository.owner?.login ?? "",
          repo: payload.repository.name,
          sha: payload.after,
          branch,
        },
        { log: context.log },
      );
      context.log.info(
        `flux-impact ${payload.repository.full_name}@${payload.after.slice(0, 7)} (${branch}): ${outcome.kind} (${outcome.requests} requests)`,
      );
    });
  };
}

export default createApp();
