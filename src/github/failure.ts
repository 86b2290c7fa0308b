/**
 * How a job that could not finish ends its check run — decided by the cause, so that nothing a pull
 * request contains can open the gate. Branch protection counts a `neutral` conclusion as passing, so:
 *
 * - **The content is the cause** (an archive over the limits, files that could not be read for the secret
 *   scan, the engine failing on this commit's files): the check concludes `failure`, with the reason and
 *   what to do. Retrying cannot help, and the configuration cannot change it.
 * - **Something outside the pull request is the cause** (GitHub errors, the network, a garbled answer):
 *   while the delivery will be retried the check run stays in progress (merges wait) and says so; once the
 *   retries are spent it concludes as the default branch's `onAnalysisError` says — `failure` unless the
 *   maintainers chose `neutral`.
 *
 * Pure: the error classes are the only thing it knows of the App.
 */
import { GitHubApiError } from "./errors.ts";
import { TarballError } from "./tarball.ts";

export type OnAnalysisError = "failure" | "neutral";

/** Changed files the secret scan could not read (the archive leaves them out and GitHub did not give them). */
export class UnscannedFilesError extends Error {
  override readonly name = "UnscannedFilesError";
  constructor(readonly paths: readonly string[]) {
    super(`${paths.length} changed files could not be read for the secret scan`);
  }
}

export type FailureCause =
  /** The pull request's content: fails, whatever the configuration says. */
  | { kind: "content"; message: string }
  /** GitHub or the network: `retriable` when another attempt may succeed. */
  | { kind: "outside"; message: string; retriable: boolean };

const MAX_LISTED = 20;

/** Why a job failed, in words safe for a check run (no response body, no content, no token). */
export function causeOf(error: unknown): FailureCause {
  if (error instanceof GitHubApiError)
    return { kind: "outside", message: error.message, retriable: error.retriable };
  if (error instanceof TarballError) {
    if (error.problem === "too-large")
      return {
        kind: "content",
        message: `${error.message} Keep large files out of the repository (or out of its archive with \`export-ignore\` in \`.gitattributes\`), or split the change.`,
      };
    if (error.problem === "too-many-files")
      return {
        kind: "content",
        message: `${error.message} Move files out of the repository (or out of its archive with \`export-ignore\` in \`.gitattributes\`), or split the change.`,
      };
    // A truncated or mixed-up archive is GitHub's doing, not the content's; it was downloaded twice already.
    return { kind: "outside", message: error.message, retriable: false };
  }
  if (error instanceof UnscannedFilesError) {
    const listed = error.paths.slice(0, MAX_LISTED).map((p) => `\`${p.replace(/`/g, "'")}\``);
    const more = error.paths.length > MAX_LISTED ? ` and ${error.paths.length - MAX_LISTED} more` : "";
    return {
      kind: "content",
      message: `These changed files are left out of the repository archive and GitHub did not return their content, so they were not scanned for committed credentials: ${listed.join(", ")}${more}. Re-run the check; if it fails again, make them part of the archive (remove \`export-ignore\`) or split the change.`,
    };
  }
  return {
    kind: "content",
    message:
      "The analysis failed on this commit's content, so what it changes is unknown. Re-running will not help; the flux-impact maintainers have the details in the logs.",
  };
}

export type FailureDecision =
  /** Leave the check run in progress (it says a retry is coming) and fail the delivery so it is retried. */
  | { action: "retry"; title: string; summary: string }
  | { action: "complete"; conclusion: "failure" | "neutral"; title: string; summary: string };

export interface FailureContext {
  /** No further attempt follows (the worker's retries are spent, or nothing retries this job). */
  final: boolean;
  /** The default branch's `onAnalysisError` (its default, `failure`, when the configuration is unknown). */
  onAnalysisError: OnAnalysisError;
  /** The title of a run that could not be completed ("flux-impact could not analyze this commit"). */
  title: string;
}

export function decideFailure(cause: FailureCause, context: FailureContext): FailureDecision {
  if (cause.kind === "content")
    return { action: "complete", conclusion: "failure", title: context.title, summary: cause.message };
  if (cause.retriable && !context.final)
    return {
      action: "retry",
      title: "Waiting for GitHub: flux-impact will try again",
      summary: `${cause.message} flux-impact will try again; until then this check stays in progress.`,
    };
  const ending =
    context.onAnalysisError === "neutral"
      ? "The repository's configuration (`onAnalysisError: neutral`) lets this check pass on such a fault."
      : "The check fails so that nothing unanalyzed is merged; re-run it (or comment `/flux-impact recheck`) once GitHub answers again.";
  return {
    action: "complete",
    conclusion: context.onAnalysisError,
    title: context.title,
    summary: `${cause.message} ${ending}`,
  };
}
