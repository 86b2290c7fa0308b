/**
 * Errors talking to GitHub, typed: the HTTP status (0 for a network failure), whether trying again can
 * help, how long GitHub asked us to wait, and what we were doing. The message is built from those fields
 * only — never from the response body, the request headers or the URL's query, so no token or content
 * can reach a check run or a log line through it.
 */

export type GitHubFailure = "timeout" | "blocked" | "malformed";

export class GitHubApiError extends Error {
  override readonly name = "GitHubApiError";
  constructor(
    /** What flux-impact was doing, in words ("download the head revision"). */
    readonly operation: string,
    /** HTTP status; 0 when no response arrived. */
    readonly status: number,
    /** Whether the same request may succeed later (5xx, 429, rate limits, network failures). */
    readonly retriable: boolean,
    /** Seconds GitHub asked us to wait (Retry-After, or until the rate limit resets). */
    readonly retryAfterSeconds?: number,
    /** A GraphQL answer with errors (HTTP 200): the error types GitHub gave (`FORBIDDEN`, `NOT_FOUND`). */
    readonly graphqlErrorTypes?: readonly string[],
    /**
     * What went wrong besides an HTTP status: "timeout" (the deadline passed before the answer, or its
     * body, was complete), "blocked" (a redirect to a host or scheme GitHub does not download from), or
     * "malformed" (an answer that is not the JSON the API documents, such as an HTML error page).
     */
    readonly failure?: GitHubFailure,
  ) {
    super(describe(operation, status, retryAfterSeconds, graphqlErrorTypes, failure));
  }
}

function describe(
  operation: string,
  status: number,
  retryAfter: number | undefined,
  graphqlTypes: readonly string[] | undefined,
  failure?: GitHubFailure,
): string {
  if (failure === "blocked")
    return `GitHub redirected flux-impact to an address that is not GitHub's download service (another host, or plain http) when asked to ${operation}; refused.`;
  if (failure === "timeout") return `GitHub did not answer in time when asked to ${operation}.`;
  if (failure === "malformed")
    return `GitHub answered with something other than the JSON expected when asked to ${operation}.`;
  if (graphqlTypes) {
    const types = graphqlTypes.length ? ` (${graphqlTypes.join(", ")})` : "";
    return `GitHub's GraphQL API answered with errors${types} when asked to ${operation}.`;
  }
  const wait = retryAfter !== undefined ? `; GitHub asked to wait ${retryAfter} s` : "";
  if (status === 0) return `Could not reach GitHub to ${operation}${wait}.`;
  const meaning = MEANINGS[status] ?? (status >= 500 ? "a GitHub server error" : "an error");
  return `GitHub answered ${status} (${meaning}) when asked to ${operation}${wait}.`;
}

const MEANINGS: Record<number, string> = {
  401: "credentials rejected",
  403: "forbidden or rate limited",
  404: "not found — deleted branch, commit or repository, or no access",
  409: "conflict",
  410: "gone",
  422: "request rejected",
  429: "rate limited",
};

function messageOf(error: unknown): string {
  const e = error as { message?: unknown; response?: { data?: { message?: unknown } } } | undefined;
  const data = e?.response?.data?.message;
  return `${typeof e?.message === "string" ? e.message : ""} ${typeof data === "string" ? data : ""}`;
}

function nameOf(error: unknown): unknown {
  return (error as { name?: unknown } | null | undefined)?.name;
}

interface ResponseLike {
  status?: unknown;
  /** Octokit's GraphqlResponseError: the answer's `errors`. */
  errors?: unknown;
  response?: { headers?: Record<string, unknown> } | undefined;
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const v = headers?.[name];
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : undefined;
}

/**
 * The typed error for anything an Octokit call threw (a RequestError with status and response headers,
 * or a network failure). `nowSeconds` turns a rate-limit reset time into a wait.
 */
export function toGitHubError(error: unknown, operation: string, nowSeconds?: number): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  const e = (error ?? {}) as ResponseLike;
  // GraphQL's answer had an `errors` member that is not the documented list: not GitHub's JSON.
  if (nameOf(error) === "GraphqlResponseError" && !Array.isArray(e.errors))
    return new GitHubApiError(operation, 200, true, undefined, undefined, "malformed");
  if (Array.isArray(e.errors) && e.status === undefined) {
    // Only GitHub's error type names (an enum) are kept: messages can quote repository content.
    const types = e.errors
      .map((x) => (x as { type?: unknown }).type)
      .filter((t): t is string => typeof t === "string" && /^[A-Z_]{1,40}$/.test(t));
    return new GitHubApiError(operation, 200, false, undefined, [...new Set(types)]);
  }
  // A request that got no HTTP answer (Octokit reports those as 500 with the fetch error as cause), or a
  // body that failed while it was read (the fetch error itself: the deadline's TimeoutError, a reset).
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (e.response === undefined && (cause instanceof Error || nameOf(error) === "TimeoutError")) {
    if (nameOf(cause) === "BlockedRequestError" || nameOf(error) === "BlockedRequestError")
      return new GitHubApiError(operation, 0, false, undefined, undefined, "blocked");
    if (nameOf(cause) === "TimeoutError" || nameOf(error) === "TimeoutError")
      return new GitHubApiError(operation, 0, true, undefined, undefined, "timeout");
    return new GitHubApiError(operation, 0, true);
  }
  const status = typeof e.status === "number" ? e.status : 0;
  const headers = e.response?.headers;
  const retryAfterHeader = Number(header(headers, "retry-after"));
  const remaining = header(headers, "x-ratelimit-remaining");
  const reset = Number(header(headers, "x-ratelimit-reset"));
  let retryAfter: number | undefined;
  if (Number.isFinite(retryAfterHeader) && retryAfterHeader >= 0) retryAfter = retryAfterHeader;
  else if (remaining === "0" && Number.isFinite(reset) && nowSeconds !== undefined)
    retryAfter = Math.max(0, reset - nowSeconds);
  // A secondary rate limit without Retry-After: GitHub says to wait at least a minute. (GitHub's own
  // message is only classified here, never repeated.)
  const secondary = status === 403 && /secondary rate limit|abuse detection/i.test(messageOf(error));
  if (secondary && retryAfter === undefined) retryAfter = 60;
  const rateLimited = status === 429 || (status === 403 && (retryAfter !== undefined || remaining === "0"));
  const retriable = status === 0 || status >= 500 || rateLimited;
  return new GitHubApiError(operation, status, retriable, retryAfter);
}
