/**
 * The App's issues on GitHub: listed in one GraphQL request (issues carrying the `flux-impact` label,
 * open and closed, newest first, kept only when the App wrote them — `viewerDidAuthor` under the
 * installation token; a marker pasted by anyone else is ignored), and the core's issue actions applied
 * over REST. Listing by label, not by search (search lags and misfires); the label is always added.
 */
import type { ParsedConfig } from "../core/config/index.ts";
import { BOT_LABEL, type BotIssue, type IssueAction } from "../core/maintenance/index.ts";
import { CONFIG_FIELD, type ConfigAnswer, configOfAnswer, ORG_CONFIG, orgMissingOk } from "./job-start.ts";
import { type CountingClient, call, type RepoRef } from "./jobs.ts";

/** GraphQL selection of the App's issues (needs `$owner`, `$repo`); read with issuesOfAnswer. */
export const BOT_ISSUES_FIELD = `issues(first: 100, labels: ["${BOT_LABEL}"], states: [OPEN, CLOSED], orderBy: { field: CREATED_AT, direction: DESC }) {
      nodes { number title body state stateReason createdAt closedAt url viewerDidAuthor }
    }`;

export interface IssuesAnswer {
  issues: {
    nodes: Array<{
      number: number;
      title: string;
      body: string;
      state: "OPEN" | "CLOSED";
      stateReason: string | null;
      createdAt: string;
      closedAt: string | null;
      url: string;
      viewerDidAuthor: boolean;
    }>;
  };
}

export function issuesOfAnswer(answer: IssuesAnswer | null | undefined): BotIssue[] {
  return (answer?.issues.nodes ?? [])
    .filter((i) => i.viewerDidAuthor)
    .map((i) => ({
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state === "OPEN" ? "open" : "closed",
      stateReason: (i.stateReason?.toLowerCase() ?? null) as BotIssue["stateReason"],
      createdAt: i.createdAt,
      closedAt: i.closedAt,
      url: i.url,
    }));
}

const CONFIG_AND_ISSUES = `query ($owner: String!, $repo: String!, $file: String!) {
  repository(owner: $owner, name: $repo) {
    ${CONFIG_FIELD}
    ${BOT_ISSUES_FIELD}
  }
  ${ORG_CONFIG}
}`;

/** The default branch's configuration and the App's issues, in one GraphQL request. */
export async function configAndIssues(
  gh: CountingClient,
  repo: RepoRef,
): Promise<{ config: ParsedConfig; issues: BotIssue[] }> {
  const data = await gh.graphql<ConfigAnswer & { repository: ConfigAnswer["repository"] & IssuesAnswer }>(
    "read the configuration and the App's issues",
    CONFIG_AND_ISSUES,
    { owner: repo.owner, repo: repo.repo, file: "HEAD:.github/flux-impact.yml" },
    orgMissingOk,
  );
  return { config: await configOfAnswer(gh, repo, data), issues: issuesOfAnswer(data.repository) };
}

export interface AppliedActions {
  opened: number[];
  updated: number;
  commented: number;
  closed: number;
  reopened: number;
}

/** Applies the actions in order; returns what was written (opened issue numbers included). */
export async function applyIssueActions(
  gh: CountingClient,
  repo: RepoRef,
  actions: readonly IssueAction[],
): Promise<AppliedActions> {
  const r = { owner: repo.owner, repo: repo.repo };
  const done: AppliedActions = { opened: [], updated: 0, commented: 0, closed: 0, reopened: 0 };
  const comment = (issue: number, body: string) =>
    call(gh, "comment on an issue", "POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      ...r,
      issue_number: issue,
      body,
    });
  const patch = (issue: number, fields: Record<string, unknown>, what: string) =>
    call(gh, what, "PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      ...r,
      issue_number: issue,
      ...fields,
    });
  for (const a of actions) {
    switch (a.kind) {
      case "open": {
        const created = await call<{ number: number }>(
          gh,
          "open an issue",
          "POST /repos/{owner}/{repo}/issues",
          {
            ...r,
            title: a.title,
            body: a.body,
            labels: a.labels,
          },
        );
        done.opened.push(created.number);
        break;
      }
      case "update":
        await patch(a.number, { body: a.body, ...(a.title ? { title: a.title } : {}) }, "update an issue");
        done.updated++;
        break;
      case "comment":
        await comment(a.number, a.body);
        if (a.updateBody !== undefined) await patch(a.number, { body: a.updateBody }, "update an issue");
        done.commented++;
        break;
      case "close":
        await comment(a.number, a.comment);
        await patch(
          a.number,
          { state: "closed", state_reason: a.reason, ...(a.body !== undefined ? { body: a.body } : {}) },
          "close an issue",
        );
        done.closed++;
        break;
      case "reopen":
        await patch(a.number, { state: "open", body: a.body }, "reopen an issue");
        await comment(a.number, a.comment);
        done.reopened++;
        break;
    }
  }
  return done;
}
