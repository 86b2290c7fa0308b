/**
 * Repository maintenance on the default branch: the stale-service sweep and the health dashboard. Runs
 * after the push check (reusing its snapshot, configuration and findings) and from the schedule (the
 * Netlify scheduled function calls the same entry point with only the repository).
 *
 * Requests: a push adds one GraphQL request (the App's issues and, in the same query, the git history of
 * every `.dis` path — when it was created, by whom) plus the writes; a `.dis` file moved after it was
 * disabled (or added as `.dis` right away) costs a commit lookup more, and a history request per move
 * level for all such files (see historyAndIssues); a scheduled run costs one GraphQL request for the
 * default branch, its configuration and the issues, the tarball, and the history query.
 * Writes: issues opened/closed/reopened as the core plans (none in dry-run mode), the dashboard created
 * once and edited only when its text changed. Runs for one repository are serialized in this process;
 * duplicates from runs on other instances are closed by the next run.
 */

import type { ParsedConfig } from "../core/config/index.ts";
import { type BranchCheck, checkBranch, type RepoSnapshot } from "../core/index.ts";
import {
  type DisabledCommit,
  duplicateActions,
  findDisabledServices,
  type IssueAction,
  issueLabels,
  issuesByKey,
  planStaleSweep,
  renderDashboard,
} from "../core/maintenance/index.ts";
import { type DeployStore, liveStates } from "./deploy-run.ts";
import { applyIssueActions, BOT_ISSUES_FIELD, type IssuesAnswer, issuesOfAnswer } from "./issues.ts";
import { CONFIG_FIELD, type ConfigAnswer, configOfAnswer, ORG_CONFIG, orgMissingOk } from "./job-start.ts";
import {
  analyzedRepository,
  CountingClient,
  call,
  type GitHubClient,
  type RepoRef,
  serialized,
  snapshotAt,
} from "./jobs.ts";
import { DEFAULT_TARBALL_LIMITS, type TarballLimits } from "./tarball.ts";

export interface MaintenanceJob extends RepoRef {
  /** What a push already knows; a scheduled run reads the default branch itself. */
  known?: {
    sha: string;
    branch: string;
    snapshot: RepoSnapshot;
    config: ParsedConfig;
    check: BranchCheck;
  };
}

export interface MaintenanceOptions {
  /** Where Flux's events left each object's state (the dashboard's live section); none: no such section. */
  deployStore?: DeployStore;
  now?: string;
  limits?: TarballLimits;
  log?: { info(msg: string): void; warn(msg: string): void };
}

export interface MaintenanceOutcome {
  sha: string;
  disabled: number;
  stale: number;
  dryRun: boolean;
  /** Stale-issue actions planned (applied unless dryRun). */
  planned: IssueAction[];
  opened: number[];
  closed: number;
  reopened: number;
  deferred: number;
  dashboard: "created" | "updated" | "unchanged" | "off";
  requests: number;
}

const HEAD_QUERY = `query ($owner: String!, $repo: String!, $file: String!) {
  repository(owner: $owner, name: $repo) {
    defaultBranchRef { name target { oid } }
    ${CONFIG_FIELD}
    ${BOT_ISSUES_FIELD}
  }
  ${ORG_CONFIG}
}`;

/** Paths per history query (aliases `h0`…); a sweep of 30 services is one request. */
const HISTORY_BATCH = 60;

interface HistoryNode {
  oid: string;
  committedDate: string;
  url: string;
  author: { name: string | null; user: { login: string } | null } | null;
}

export function runMaintenance(
  client: GitHubClient,
  job: MaintenanceJob,
  options: MaintenanceOptions = {},
): Promise<MaintenanceOutcome> {
  return serialized(`maintenance ${job.owner}/${job.repo}`, () => maintain(client, job, options));
}

async function maintain(client: GitHubClient, job: MaintenanceJob, options: MaintenanceOptions) {
  const gh = new CountingClient(client);
  const now = options.now ?? new Date().toISOString();
  let known = job.known;
  let issuesAnswer: IssuesAnswer | undefined;
  if (!known) {
    const head = await gh.graphql<
      ConfigAnswer & {
        repository: ConfigAnswer["repository"] &
          IssuesAnswer & { defaultBranchRef: { name: string; target: { oid: string } } | null };
      }
    >(
      "read the default branch, the configuration and the App's issues",
      HEAD_QUERY,
      { owner: job.owner, repo: job.repo, file: `HEAD:.github/flux-impact.yml` },
      orgMissingOk,
    );
    const ref = head.repository?.defaultBranchRef;
    if (!ref) throw new Error("the repository has no default branch");
    issuesAnswer = head.repository ?? undefined;
    const config = await configOfAnswer(gh, job, head);
    const snapshot = await snapshotAt(
      gh,
      job,
      ref.target.oid,
      "default branch",
      options.limits ?? DEFAULT_TARBALL_LIMITS,
    );
    const check = checkBranch({
      snapshot,
      config: config.config,
      analyze: { repository: analyzedRepository(job, ref.name) },
      now,
    });
    known = { sha: ref.target.oid, branch: ref.name, snapshot, config, check };
  }
  const { sha, branch, snapshot, config, check } = known;
  const services = findDisabledServices(snapshot, check.model);
  const { history, issues } = await historyAndIssues(
    gh,
    job,
    sha,
    services.map((s) => s.file),
    issuesAnswer,
  );

  const files = new Set(snapshot.files());
  const plan = planStaleSweep({
    services,
    history,
    issues,
    config: config.config.stale,
    now,
    exists: (p) => files.has(p),
    blobUrl: `https://github.com/${job.owner}/${job.repo}/blob/${sha}`,
  });
  const dryRun = config.config.stale.dryRun;
  const applied = dryRun
    ? { opened: [], closed: 0, reopened: 0 }
    : await applyIssueActions(gh, job, plan.actions);
  if (dryRun && plan.actions.length)
    options.log?.info(
      `flux-impact ${job.owner}/${job.repo}: stale sweep dry run, would ${plan.actions.map((a) => a.kind).join(", ")} (stale.dryRun)`,
    );
  // Issues opened just now appear on the dashboard too.
  const opened = plan.actions.filter((a) => a.kind === "open");
  opened.forEach((a, i) => {
    const s = plan.services.find((x) => x.file === (a as { key: string }).key);
    const number = applied.opened[i];
    if (s && number !== undefined) s.issue = number;
  });

  const live = options.deployStore ? await liveStates(options.deployStore, job) : undefined;
  const dashboard = config.config.dashboard.enabled
    ? await writeDashboard(gh, job, {
        title: config.config.dashboard.title,
        labels: config.config.dashboard.labels,
        body: renderDashboard({
          title: config.config.dashboard.title,
          model: check.model,
          findings: check.findings,
          services: plan.services,
          issues,
          staleDays: config.config.stale.days,
          branch,
          sha,
          blobUrl: `https://github.com/${job.owner}/${job.repo}/blob/${sha}`,
          commitUrl: `https://github.com/${job.owner}/${job.repo}/commit/${sha}`,
          ...(live ? { live } : {}),
        }).body,
        issues,
      })
    : "off";

  return {
    sha,
    disabled: services.length,
    stale: plan.services.filter((s) => s.stale).length,
    dryRun,
    planned: plan.actions,
    opened: applied.opened,
    closed: applied.closed,
    reopened: applied.reopened,
    deferred: plan.deferred.length,
    dashboard,
    requests: gh.count,
  } satisfies MaintenanceOutcome;
}

/**
 * Each path's history at `sha` — the oldest commit created the path — and, when not read yet, the App's
 * issues: one GraphQL request (per 60 paths). GitHub's `history(path:)` does not follow renames, so a
 * `.dis` file moved after it was disabled (into `archive/`, say) would date from the move. The same request
 * tells the two apart for free: a service disabled in place was renamed from its enabled name beside it
 * (`ks.yaml` → `ks.yaml.dis`), so that name's history holds the same commit. Only when it does not (the
 * file was moved, or added as a `.dis` file right away) is the creating commit looked up
 * (`GET /commits/{sha}`, once per commit), and a rename from another `.dis` name followed there with one
 * more history request for all such paths — at most `MAX_HOPS` times per path and `MAX_LOOKUPS` commit
 * lookups per run. What cannot be followed keeps the date found so far (the move: the younger age). The
 * older name's history is read at `sha` too (it holds the move, which deleted that name); a name used by
 * several files in turn dates from its oldest use, as an unmoved path does.
 */
async function historyAndIssues(
  gh: CountingClient,
  job: RepoRef,
  sha: string,
  paths: readonly string[],
  known: IssuesAnswer | undefined,
): Promise<{ history: Record<string, DisabledCommit>; issues: ReturnType<typeof issuesOfAnswer> }> {
  const read = await readHistories(gh, job, sha, paths, known === undefined);
  const issues = known ?? read.issues ?? { issues: { nodes: [] } };
  const history: Record<string, DisabledCommit> = {};
  /** Reported path → the name it is being followed under, and that name's oldest commit. */
  let follow: Array<{ key: string; path: string; oldest: HistoryNode }> = [];
  paths.forEach((path, i) => {
    const h = read.histories[i];
    if (!h?.oldest) return;
    history[path] = disabledCommit(h.oldest);
    if (!h.enabled.includes(h.oldest.oid)) follow.push({ key: path, path, oldest: h.oldest });
  });

  const lookups = new Map<string, Promise<CommitFile[] | undefined>>();
  const filesOf = (oid: string) => {
    let files = lookups.get(oid);
    if (!files && lookups.size < MAX_LOOKUPS) {
      files = call<{ files?: CommitFile[] }>(
        gh,
        "read a commit's files",
        "GET /repos/{owner}/{repo}/commits/{ref}",
        {
          owner: job.owner,
          repo: job.repo,
          ref: oid,
        },
      ).then(
        (c) => c.files,
        () => undefined,
      );
      lookups.set(oid, files);
    }
    return files;
  };
  for (let hop = 0; hop < MAX_HOPS && follow.length; hop++) {
    const moved: Array<{ key: string; path: string }> = [];
    const found = await Promise.all(follow.map((f) => filesOf(f.oldest.oid)));
    follow.forEach((f, i) => {
      const file = found[i]?.find((x) => x.filename === f.path);
      // Added as `.dis`, or renamed from an enabled name (elsewhere): that commit disabled it.
      if (file?.status === "renamed" && file.previous_filename?.endsWith(".dis"))
        moved.push({ key: f.key, path: file.previous_filename });
    });
    if (!moved.length) break;
    const older = await readHistories(
      gh,
      job,
      sha,
      moved.map((m) => m.path),
      false,
    );
    follow = [];
    moved.forEach((m, i) => {
      const h = older.histories[i];
      if (!h?.oldest) return;
      history[m.key] = disabledCommit(h.oldest);
      if (!h.enabled.includes(h.oldest.oid)) follow.push({ ...m, oldest: h.oldest });
    });
  }
  return { history, issues: issuesOfAnswer(issues) };
}

/** Renames followed per `.dis` path, and commits looked up per run, to date moved files. */
const MAX_HOPS = 3;
const MAX_LOOKUPS = 10;

interface CommitFile {
  filename: string;
  status: string;
  previous_filename?: string;
}

function disabledCommit(node: HistoryNode): DisabledCommit {
  return {
    date: node.committedDate,
    commit: node.oid,
    url: node.url,
    ...(node.author?.name ? { author: node.author.name } : {}),
    ...(node.author?.user?.login ? { login: node.author.user.login } : {}),
  };
}

/** The name a `.dis` file had before it was disabled, in the same folder (as findDisabledServices has it). */
function enabledPath(path: string): string {
  const base = path.replace(/\.dis$/, "");
  return /\.ya?ml$/.test(base) ? base : `${base}.yaml`;
}

/**
 * Per path: its oldest commit at `sha` and the newest commits touching its enabled name; with `withIssues`
 * the App's issues too (then one request even without paths).
 */
async function readHistories(
  gh: CountingClient,
  job: RepoRef,
  sha: string,
  paths: readonly string[],
  withIssues: boolean,
): Promise<{ histories: Array<{ oldest?: HistoryNode; enabled: string[] }>; issues?: IssuesAnswer }> {
  const histories: Array<{ oldest?: HistoryNode; enabled: string[] }> = [];
  let issues: IssuesAnswer | undefined;
  for (let start = 0; start < paths.length || (withIssues && issues === undefined); start += HISTORY_BATCH) {
    const batch = paths.slice(start, start + HISTORY_BATCH);
    const vars = batch.map((_, i) => `$p${i}: String!, $e${i}: String!`).join(", ");
    const fields = batch
      .map(
        (_, i) =>
          `h${i}: history(path: $p${i}, first: 100) { totalCount nodes { oid committedDate url author { name user { login } } } }\n        e${i}: history(path: $e${i}, first: 3) { nodes { oid } }`,
      )
      .join("\n        ");
    const readIssues = withIssues && issues === undefined;
    // GitHub refuses declared but unused variables: $sha only with paths to look up.
    const query = `query ($owner: String!, $repo: String!${batch.length ? ", $sha: GitObjectID!" : ""}${vars ? `, ${vars}` : ""}) {
  repository(owner: $owner, name: $repo) {
    ${readIssues ? BOT_ISSUES_FIELD : ""}
    ${batch.length ? `commit: object(oid: $sha) { ... on Commit {\n        ${fields}\n      } }` : ""}
  }
}`;
    const data = await gh.graphql<{
      repository: Partial<IssuesAnswer> & {
        commit?: Record<string, { nodes: Array<HistoryNode | { oid: string }> }> | null;
      };
    }>(
      readIssues
        ? "read the history of the disabled services and the App's issues"
        : "read the history of the disabled services",
      query,
      {
        owner: job.owner,
        repo: job.repo,
        ...(batch.length ? { sha } : {}),
        ...Object.fromEntries(
          batch.flatMap((p, i) => [
            [`p${i}`, p],
            [`e${i}`, enabledPath(p)],
          ]),
        ),
      },
    );
    if (readIssues)
      issues = data.repository.issues ? (data.repository as IssuesAnswer) : { issues: { nodes: [] } };
    batch.forEach((_, i) => {
      const oldest = data.repository.commit?.[`h${i}`]?.nodes.at(-1) as HistoryNode | undefined;
      const enabled = (data.repository.commit?.[`e${i}`]?.nodes ?? []).map((n) => n.oid);
      histories.push(oldest ? { oldest, enabled } : { enabled });
    });
    if (start + HISTORY_BATCH >= paths.length) break;
  }
  return issues ? { histories, issues } : { histories };
}

async function writeDashboard(
  gh: CountingClient,
  job: RepoRef,
  wanted: { title: string; labels: string[]; body: string; issues: ReturnType<typeof issuesOfAnswer> },
): Promise<"created" | "updated" | "unchanged"> {
  // The oldest open dashboard is kept (or the closed one, edited in place); younger open ones are duplicates.
  const list = issuesByKey(wanted.issues, "dashboard").get("health") ?? [];
  const { keep, close } = duplicateActions(list);
  const existing = keep ?? list.at(-1);
  const actions: IssueAction[] = [...close];
  if (!existing)
    actions.push({
      kind: "open",
      about: "dashboard",
      key: "health",
      title: wanted.title,
      body: wanted.body,
      labels: issueLabels(wanted.labels),
    });
  else if (existing.body.trim() !== wanted.body.trim() || existing.title !== wanted.title)
    actions.push({ kind: "update", number: existing.number, title: wanted.title, body: wanted.body });
  await applyIssueActions(gh, job, actions);
  return !existing ? "created" : actions.some((a) => a.kind === "update") ? "updated" : "unchanged";
}
