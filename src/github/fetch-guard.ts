/**
 * The only way the App's Octokit reaches the network: requests and redirects go to GitHub's hosts only
 * (its API, its archive host, the storage Actions logs live in — or the configured GitHub Enterprise
 * host), never anywhere a repository or a redirect points (SSRF), and every request has a deadline, so a
 * hung connection becomes a retriable failure instead of a hung job: 10 s for API calls, 60 s for archive
 * and log downloads. Redirect URLs (they carry short-lived credentials) are never logged or reported.
 */

export interface FetchGuardOptions {
  /** Host names allowed besides GitHub's (a GitHub Enterprise or local test host). */
  extraHosts?: readonly string[];
  apiTimeoutMs?: number;
  downloadTimeoutMs?: number;
  fetch?: typeof fetch;
}

/** GitHub's API and archive hosts, and where Actions logs are stored. */
const GITHUB_SUFFIXES = ["github.com", "githubusercontent.com", "blob.core.windows.net"];
const MAX_REDIRECTS = 3;

export class BlockedRequestError extends Error {
  override readonly name = "BlockedRequestError";
}

export function allowedHost(host: string, extra: readonly string[] = []): boolean {
  const h = host.toLowerCase();
  return extra.includes(h) || GITHUB_SUFFIXES.some((s) => h === s || h.endsWith(`.${s}`));
}

export function guardedFetch(options: FetchGuardOptions = {}): typeof fetch {
  const inner = options.fetch ?? fetch;
  const extra = (options.extraHosts ?? []).map((h) => h.toLowerCase());
  return async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    const download = /\/(tarball|zipball|logs)(\/|$)/.test(url.pathname);
    const timeout = AbortSignal.timeout(
      download ? (options.downloadTimeoutMs ?? 60_000) : (options.apiTimeoutMs ?? 10_000),
    );
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    for (let hop = 0; ; hop++) {
      if (!allowedHost(url.hostname, extra))
        throw new BlockedRequestError(`refused a request to ${url.hostname}: not a GitHub host`);
      const response = await inner(url, { ...init, redirect: "manual", signal });
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return response;
      if (hop >= MAX_REDIRECTS) throw new BlockedRequestError("too many redirects");
      await response.body?.cancel();
      url = new URL(location, url);
      // A redirect never carries our Authorization header to another host (the URL is pre-signed).
      if (init?.headers) init = { ...init, headers: withoutAuthorization(init.headers) };
    }
  };
}

function withoutAuthorization(headers: ConstructorParameters<typeof Headers>[0]): Headers {
  const h = new Headers(headers);
  h.delete("authorization");
  return h;
}
