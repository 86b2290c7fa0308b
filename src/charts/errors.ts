/**
 * Why a chart could not be fetched. Messages name the host and path of the URL that failed, never a
 * query string, user info or a token: they are safe to show in a check run or a terminal.
 */
export type ChartFetchReason =
  /** A URL (the repository's, an index entry's, a redirect's) is not https. */
  | "not-https"
  /** The host is a name or resolves to an address that is not public (loopback, private, link-local, …). */
  | "refused-address"
  /** A body (index, manifest, chart) is larger than its limit. */
  | "too-large"
  /** A request, its body included, did not finish within its deadline. */
  | "timeout"
  /**
   * The server answered 404 (or refused anonymous access: registries answer a private or missing
   * repository alike), or the index, tag list or manifest has no such chart, version or layer.
   */
  | "not-found"
  /** The bytes do not match the digest the index, the manifest or a pinned reference names. */
  | "digest-mismatch"
  /** An unexpected status, or a body that is not what the protocol says (YAML, JSON, gzip). */
  | "bad-response"
  /** The host name does not resolve, or the version constraint is not a valid semver range. */
  | "unresolvable"
  /** The URL cannot be used at all: it does not parse, carries credentials, or names an invalid OCI reference. */
  | "bad-url"
  /** The connection failed (refused, reset, TLS). */
  | "network";

export class ChartFetchError extends Error {
  override readonly name = "ChartFetchError";
  constructor(
    readonly reason: ChartFetchReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The URL as it may be shown: scheme, host and path; never user info, query or fragment. */
export function displayUrl(url: URL): string {
  if (url.protocol === "oci:") return `oci://${url.host}${url.pathname}`;
  return `${url.protocol}//${url.host}${url.pathname}`;
}
