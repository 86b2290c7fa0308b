/**
 * What every GitHub job shares: a request-counting client whose failures become typed GitHubApiErrors,
 * check-run completion in annotation batches, repository snapshots from tarballs, the configuration note,
 * and the safe failure text. How a job starts (configuration and check run) is in job-start.ts.
 */
import { CONFIG_FILE } from "../core/config/index.ts";
import { type AnalysisSession, createMemorySnapshot } from "../core/index.ts";
import { batchAnnotations, CHECK_OUTPUT_MAX, clip, mdInline } from "../core/report/index.ts";
import { currentAttempt } from "./attempt.ts";
import { GitHubApiError, toGitHubError } from "./errors.ts";
import { causeOf, decideFailure, type OnAnalysisError, UnscannedFilesError } from "./failure.ts";
import {
  ArchiveDownloadError,
  TarballError,
  type TarballLimits,
  type TarballSource,
  type TarballTree,
  treeFromTarball,
} from "./tarball.ts";

export const CHECK_NAME = "flux-impact";

/** The slice of Octokit this module uses (Probot's installation Octokit satisfies it). */
export interface GitHubClient {
  request(route: string, parameters?: Record<string, unknown>): Promise<{ data: unknown; status: number }>;
  graphql<T>(query: string, parameters?: Record<string, unknown>): Promise<T>;
  /** Octokit's auth (Probot's installation Octokit): `refresh: true` gets a new installation token. */
  auth?: (options: { type: "installation"; refresh: true }) => Promise<unknown>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

/**
 * AnalyzeOptions.repository for a job: the GitHub repository and the branch Flux would follow there (a pull
 * request's base, the pushed branch). A GitRepository pointing at this URL and branch is this repository.
 */
export function analyzedRepository(repo: RepoRef, branch?: string | null): { url: string; branch?: string } {
  return { url: `https://github.com/${repo.owner}/${repo.repo}`, ...(branch ? { branch } : {}) };
}

/**
 * One REST request, its failure typed. A route that answers JSON must answer a JSON object or list (or
 * nothing, 204): anything else — an HTML error page with status 200, text, `null` — is a garbled answer,
 * a retriable GitHub fault, never handed to the caller. Downloads (archives, logs, raw file contents, an
 * unparsed body) answer bytes or text and are not checked.
 */
export async function call<T>(
  gh: CountingClient,
  operation: string,
  route: string,
  params: Record<string, unknown>,
) {
  let response: { data: unknown; status: number };
  try {
    response = await gh.request(route, params);
  } catch (error) {
    throw toGitHubError(error, operation, Math.floor(Date.now() / 1000));
  }
  if (
    answersJson(route, params) &&
    response.status !== 204 &&
    response.status !== 205 &&
    !isJson(response.data)
  )
    throw new GitHubApiError(operation, response.status, true, undefined, undefined, "malformed");
  return response.data as T;
}

/** Whether a route's answer is JSON: not a download, not a raw media type, not left unparsed. */
function answersJson(route: string, params: Record<string, unknown>): boolean {
  const format = (params.mediaType as { format?: unknown } | undefined)?.format;
  const parse = (params.request as { parseSuccessResponseBody?: unknown } | undefined)
    ?.parseSuccessResponseBody;
  return (
    !/\/(tarball|zipball)\/|\/logs$/.test(route) &&
    (format === undefined || format === "json") &&
    parse !== false
  );
}

/** A parsed JSON object or list (Octokit leaves a body it could not parse as text). */
function isJson(data: unknown): boolean {
  return (
    typeof data === "object" && data !== null && !(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)
  );
}

export class CountingClient {
  count = 0;
  private refreshed = false;
  constructor(private readonly inner: GitHubClient) {}
  async request(route: string, params: Record<string, unknown>) {
    this.count++;
    try {
      return await this.inner.request(route, params);
    } catch (error) {
      if (!(await this.refreshAfter(error))) throw error;
      this.count++;
      return await this.inner.request(route, params);
    }
  }

  /**
   * A 401 in the middle of a job means the installation token was revoked or expired early: get a new one,
   * once per job, and let the caller try again.
   */
  private async refreshAfter(error: unknown): Promise<boolean> {
    if ((error as { status?: unknown })?.status !== 401 || this.refreshed || !this.inner.auth) return false;
    this.refreshed = true;
    try {
      await this.inner.auth({ type: "installation", refresh: true });
      return true;
    } catch {
      return false;
    }
  }
  /**
   * A GraphQL request. `partialOk` accepts an answer with errors (its data then has null where they
   * occurred) when every error is one the caller can live with.
   */
  async graphql<T>(
    operation: string,
    query: string,
    params: Record<string, unknown>,
    partialOk?: (errors: ReadonlyArray<{ path?: ReadonlyArray<string | number> }>) => boolean,
  ): Promise<T> {
    this.count++;
    let data: T;
    try {
      data = await this.inner.graphql<T>(query, params).catch(async (error: unknown) => {
        if (!(await this.refreshAfter(error))) throw error;
        this.count++;
        return this.inner.graphql<T>(query, params);
      });
    } catch (error) {
      const partial = error as { data?: unknown; errors?: Array<{ path?: Array<string | number> }> };
      if (partialOk && isJson(partial.data) && Array.isArray(partial.errors) && partialOk(partial.errors))
        return partial.data as T;
      // Octokit reads `.errors` of whatever the body parsed to: `null` ends in a TypeError of its own.
      if (error instanceof TypeError && (error as { status?: unknown }).status === undefined)
        throw new GitHubApiError(operation, 200, true, undefined, undefined, "malformed");
      throw toGitHubError(error, operation, Math.floor(Date.now() / 1000));
    }
    // An HTML page or text with status 200 has no `data` member: Octokit hands back undefined.
    if (!isJson(data) || Array.isArray(data))
      throw new GitHubApiError(operation, 200, true, undefined, undefined, "malformed");
    return data;
  }
}

export async function snapshotAt(
  gh: CountingClient,
  job: RepoRef,
  sha: string,
  what: string,
  limits: TarballLimits,
  /** The analysis session to load into: give a pull request's base and head the same one. */
  session?: AnalysisSession,
) {
  // The body is left unparsed (Octokit's `parseSuccessResponseBody: false` hands over the response's
  // ReadableStream), so the archive is read — and its limits enforced — while it downloads.
  const download = async (again: boolean) => {
    const operation = `download the ${what} revision${again ? " again" : ""}`;
    let response: { data: unknown; headers?: Record<string, unknown> };
    try {
      response = await gh.request("GET /repos/{owner}/{repo}/tarball/{ref}", {
        owner: job.owner,
        repo: job.repo,
        ref: sha,
        request: { parseSuccessResponseBody: false },
      });
    } catch (error) {
      throw toGitHubError(error, operation, Math.floor(Date.now() / 1000));
    }
    const length = Number(response.headers?.["content-length"]);
    try {
      const tree = await treeFromTarball(
        archiveOf(response.data),
        limits,
        sha,
        Number.isSafeInteger(length) && length >= 0 ? { declaredBytes: length } : {},
      );
      return snapshotOfTree(tree, session);
    } catch (error) {
      // The download failed while it was read (its deadline, a dropped connection): GitHub's fault, retriable.
      if (error instanceof ArchiveDownloadError)
        throw toGitHubError(error.cause, operation, Math.floor(Date.now() / 1000));
      throw error;
    }
  };
  try {
    return await download(false);
  } catch (error) {
    // A download cut short: fetch it once more before giving up (never analyze a partial archive).
    if (!(error instanceof TarballError) || error.problem !== "corrupt") throw error;
    return await download(true);
  }
}

/** The archive as the response carried it: the unparsed body stream, or bytes (test doubles). */
function archiveOf(data: unknown): TarballSource {
  return data instanceof ReadableStream ? (data as ReadableStream<Uint8Array>) : bodyBytes(data);
}

/** A response body as bytes, whatever Octokit made of it (text for text types, an ArrayBuffer otherwise). */
export function bodyBytes(data: unknown): Uint8Array {
  if (typeof data === "string") return new TextEncoder().encode(data);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array();
}

/** A response body as text (UTF-8). */
export function bodyText(data: unknown): string {
  return typeof data === "string" ? data : new TextDecoder().decode(bodyBytes(data));
}

/** Symlinks stay known (a kustomization naming one is told so); other left-out entries become findings. */
function snapshotOfTree(tree: TarballTree, session: AnalysisSession | undefined) {
  return createMemorySnapshot(tree.files, {
    ...(session ? { session } : {}),
    symlinks: tree.rejected.filter((r) => r.reason === "symlink").map((r) => r.path),
    skipped: tree.rejected.filter((r) => r.reason !== "symlink"),
  });
}

export async function completeCheckRun(
  gh: CountingClient,
  job: RepoRef,
  id: number,
  fields: { conclusion: string; title: string; summary: string; text?: string },
  annotations: readonly unknown[] = [],
): Promise<void> {
  const batches = batchAnnotations(annotations);
  const output = {
    title: fields.title,
    summary: clip(fields.summary, CHECK_OUTPUT_MAX),
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

const inFlight = new Map<string, Promise<unknown>>();

/**
 * Runs jobs with the same key (repository and head commit) one after the other in this process, so two
 * deliveries for one head at once find each other's check run and comment instead of racing to create
 * two. Across processes the durable delivery claim (runtime) does the same.
 */
export async function serialized<T>(key: string, job: () => Promise<T>): Promise<T> {
  const previous = inFlight.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(job);
  inFlight.set(key, run);
  try {
    return await run;
  } finally {
    if (inFlight.get(key) === run) inFlight.delete(key);
  }
}

/** A failure worth another attempt later (GitHub 5xx, network, rate limits): failure.ts decides. */
export function isRetriable(error: unknown): boolean {
  const cause = causeOf(error);
  return cause.kind === "outside" && cause.retriable;
}

/**
 * A job that failed after its check run existed: the cause decides (failure.ts). A fault outside the pull
 * request that will be retried leaves the run in progress and says so; anything else completes it —
 * `failure` when the content is the cause, the configured `onAnalysisError` otherwise — never leaving it
 * in progress for good. The operator's log gets the details. Returns the message shown; rethrows
 * `error` when the delivery is worth retrying, so the worker runs it again (the check run is reused).
 */
export async function failCheckRun(
  gh: CountingClient,
  job: RepoRef,
  checkRunId: number,
  error: unknown,
  what: {
    title: string;
    logPrefix: string;
    log?: { warn(msg: string): void } | undefined;
    onAnalysisError?: OnAnalysisError;
  },
): Promise<string> {
  what.log?.warn(`${what.logPrefix}: ${logDetail(error)}`);
  const decision = decideFailure(causeOf(error), {
    final: currentAttempt().final,
    onAnalysisError: what.onAnalysisError ?? "failure",
    title: what.title,
  });
  if (decision.action === "retry") {
    const output = { title: decision.title, summary: clip(decision.summary, CHECK_OUTPUT_MAX) };
    // Best effort: GitHub may well be failing; the run is in progress either way.
    await call(gh, "update the check run", "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      owner: job.owner,
      repo: job.repo,
      check_run_id: checkRunId,
      status: "in_progress",
      output,
    }).catch(() => undefined);
    throw error;
  }
  await completeCheckRun(gh, job, checkRunId, {
    conclusion: decision.conclusion,
    title: decision.title,
    summary: decision.summary,
  });
  // Retries spent: the run says so, and a later redelivery may still bring the real result.
  if (isRetriable(error)) throw error;
  return decision.summary;
}

/** The text of an invalid configuration for a check run: escaped (values are user text), bounded. */
export function configNote(issues: ReadonlyArray<{ message: string }>): string {
  if (issues.length === 0) return "";
  const text = clip(issues.map((i) => i.message).join("; "), 2000);
  return `\n\n> ⚠️ \`${CONFIG_FILE}\` is invalid; defaults were used for: ${mdInline(text)}\n`;
}

/** What the operator's log gets for an unexpected failure (typed errors are already safe and short). */
export function logDetail(error: unknown): string {
  if (
    error instanceof GitHubApiError ||
    error instanceof TarballError ||
    error instanceof UnscannedFilesError
  )
    return error.message;
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error);
}

export function safeMessage(error: unknown): string {
  if (error instanceof GitHubApiError || error instanceof TarballError) return error.message;
  return "flux-impact failed while analyzing this pull request; the maintainers have the details in the logs.";
}
