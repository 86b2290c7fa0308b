/**
 * How every job starts: one GraphQL request reads the configuration (`.github/flux-impact.yml` of the
 * default branch for pull requests, of the pushed commit for pushes, else the owner's `.github`
 * repository's file, as Probot's `context.config` does) and this App's latest "flux-impact" check run on
 * the commit (a repeated delivery reuses it); then the check run is created when there is none. An
 * `_extends` costs one more request. A pull request therefore cannot loosen its own gate: its head's
 * configuration is never read.
 */
import {
  CONFIG_FILE,
  extendedConfig,
  extendsTarget,
  type ParsedConfig,
  parseConfigText,
} from "../core/config/index.ts";
import { GitHubApiError, toGitHubError } from "./errors.ts";
import { bodyText, CHECK_NAME, type CountingClient, call, type RepoRef } from "./jobs.ts";

export interface JobStart {
  checkRunId: number;
  config: ParsedConfig;
}

export interface StartOptions {
  /** The revision whose configuration applies: "HEAD" (the default branch) or a commit SHA. */
  configRev: string;
  /** A re-run the user asked for: a new check run even when one exists (GitHub's "Re-run" expects it). */
  fresh?: boolean;
  /** The App's id: only its own check runs are reused. */
  appId?: number;
}

/** The configuration fields of a query (`$file` = "<rev>:.github/flux-impact.yml"); see configOfAnswer. */
export const CONFIG_FIELD = "config: object(expression: $file) { ... on Blob { text } }";
export const ORG_CONFIG = `org: repository(owner: $owner, name: ".github") { ${CONFIG_FIELD} }`;
/** Errors a query with ORG_CONFIG can live with: the owner has no `.github` repository, or no access. */
export const orgMissingOk = (errors: ReadonlyArray<{ path?: ReadonlyArray<string | number> }>) =>
  errors.every((e) => e.path?.[0] === "org");

export interface ConfigAnswer {
  repository: { config: { text?: string | null } | null } | null;
  org: { config: { text?: string | null } | null } | null;
}

const START = `query ($owner: String!, $repo: String!, $sha: GitObjectID!, $file: String!, $check: String!, $appId: Int) {
  repository(owner: $owner, name: $repo) {
    ${CONFIG_FIELD}
    commit: object(oid: $sha) {
      ... on Commit {
        checkSuites(first: 20, filterBy: { appId: $appId, checkName: $check }) {
          nodes { checkRuns(first: 20, filterBy: { checkName: $check }) { nodes { databaseId } } }
        }
      }
    }
  }
  ${ORG_CONFIG}
}`;

interface StartData {
  repository: {
    config: { text?: string | null } | null;
    commit: {
      checkSuites?: { nodes: Array<{ checkRuns: { nodes: Array<{ databaseId: number }> } }> };
    } | null;
  };
  org: { config: { text?: string | null } | null } | null;
}

/**
 * The first request failed (GitHub's GraphQL API down, or an answer that is not JSON): the job cannot go
 * on, but it has a check run — found or created over REST — so the failure is shown on the commit and the
 * gate stays closed while the delivery is retried.
 */
export class JobStartError extends Error {
  override readonly name = "JobStartError";
  constructor(
    readonly checkRunId: number,
    override readonly cause: unknown,
  ) {
    super("the job could not start");
  }
}

export async function startJob(
  gh: CountingClient,
  job: RepoRef,
  headSha: string,
  options: StartOptions,
): Promise<JobStart> {
  let data: StartData;
  try {
    data = await gh.graphql<StartData>(
      "read the configuration and the check runs",
      START,
      {
        owner: job.owner,
        repo: job.repo,
        sha: headSha,
        file: `${options.configRev}:${CONFIG_FILE}`,
        check: CHECK_NAME,
        ...(Number.isFinite(options.appId) ? { appId: options.appId } : {}),
      },
      // The owner has no `.github` repository, or the App cannot read it: that part is null, the rest holds.
      orgMissingOk,
    );
    // JSON without the repository the query asks for is as unusable as no JSON at all.
    if (!data?.repository)
      throw new GitHubApiError(
        "read the configuration and the check runs",
        200,
        true,
        undefined,
        undefined,
        "malformed",
      );
  } catch (error) {
    // Without a check run nothing would tell the author; one over REST (if GitHub answers that at all).
    const checkRunId = await restCheckRun(gh, job, headSha, options).catch(() => undefined);
    if (checkRunId === undefined) throw error;
    throw new JobStartError(checkRunId, error);
  }
  const runs = (data.repository.commit?.checkSuites?.nodes ?? []).flatMap((s) => s.checkRuns.nodes);
  const existing = options.fresh ? undefined : Math.max(...runs.map((r) => r.databaseId));
  const checkRunId =
    existing !== undefined && Number.isFinite(existing) ? existing : await createCheckRun(gh, job, headSha);
  return { checkRunId, config: await configOfAnswer(gh, job, data) };
}

/** This App's latest "flux-impact" check run on the commit, over REST; a new one when there is none. */
async function restCheckRun(
  gh: CountingClient,
  job: RepoRef,
  headSha: string,
  options: StartOptions,
): Promise<number> {
  if (!options.fresh) {
    const listed = await call<{ check_runs?: Array<{ id: number; app?: { id?: number } | null }> }>(
      gh,
      "list the check runs",
      "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
      {
        owner: job.owner,
        repo: job.repo,
        ref: headSha,
        check_name: CHECK_NAME,
        ...(Number.isFinite(options.appId) ? { app_id: options.appId } : {}),
        filter: "latest",
      },
    );
    const ids = (listed.check_runs ?? [])
      .filter((r) => !Number.isFinite(options.appId) || r.app?.id === options.appId)
      .map((r) => r.id)
      .filter((id) => Number.isFinite(id));
    if (ids.length) return Math.max(...ids);
  }
  return createCheckRun(gh, job, headSha);
}

/** The configuration a query with CONFIG_FIELD and ORG_CONFIG found: the repository's, else the owner's. */
export function configOfAnswer(gh: CountingClient, job: RepoRef, data: ConfigAnswer): Promise<ParsedConfig> {
  const text = data.repository?.config?.text ?? data.org?.config?.text ?? undefined;
  return resolveConfig(gh, job, text);
}

async function createCheckRun(gh: CountingClient, job: RepoRef, headSha: string): Promise<number> {
  const created = await call<{ id: number }>(
    gh,
    "create the check run",
    "POST /repos/{owner}/{repo}/check-runs",
    {
      owner: job.owner,
      repo: job.repo,
      name: CHECK_NAME,
      head_sha: headSha,
      status: "in_progress",
    },
  );
  return created.id;
}

/** The configuration of `text`, with its `_extends` read from the contents API (one request). */
async function resolveConfig(
  gh: CountingClient,
  job: RepoRef,
  text: string | undefined,
): Promise<ParsedConfig> {
  if (text === undefined) return parseConfigText(undefined);
  const target = extendsTarget(text, job.owner);
  if (target === undefined) return parseConfigText(text);
  if ("issue" in target) {
    const parsed = parseConfigText(text);
    return { config: parsed.config, issues: [target.issue, ...parsed.issues] };
  }
  const { owner, repo, path } = target.target;
  const name = `${owner}/${repo}:${path}`;
  try {
    const data = await gh.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner,
      repo,
      path,
      mediaType: { format: "raw" },
    });
    return extendedConfig(text, { text: bodyText(data.data), name });
  } catch (error) {
    const e = toGitHubError(error, "read the extended configuration");
    return extendedConfig(text, {
      text: undefined,
      name,
      missing: e.status === 404 ? "not found" : `GitHub answered ${e.status}`,
    });
  }
}
