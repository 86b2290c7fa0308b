/**
 * The only way the App's Octokit reaches the network. A request goes to GitHub's API host only
 * (api.github.com, or the configured GitHub Enterprise / test host), and a redirect is followed only over
 * https to the hosts GitHub documents for the downloads the App makes — never anywhere a repository or a
 * redirect points (SSRF), never to any host of a shared cloud-storage domain. Every request has a deadline
 * that also covers reading its body, so a hung connection becomes a retriable failure instead of a hung
 * job: 10 s for API calls, 60 s for archive and log downloads. Redirect URLs (they carry short-lived
 * credentials) are never logged or reported.
 */

export interface FetchGuardOptions {
  /**
   * Hosts allowed besides GitHub's, for requests and redirects: the configured GitHub Enterprise host, or
   * a local test double. Only these may be reached over plain http (a double on http://127.0.0.1).
   */
  extraHosts?: readonly string[];
  apiTimeoutMs?: number;
  downloadTimeoutMs?: number;
  fetch?: typeof fetch;
}

/** Where a request may start: GitHub's REST and GraphQL API. */
const API_HOSTS = ["api.github.com"];

/**
 * Where GitHub redirects the downloads the App makes, and nothing else:
 * - `codeload.github.com`: repository archives (`GET /repos/{o}/{r}/tarball/{ref}`, "Download a repository
 *   archive (tar)" in GitHub's REST docs).
 * - Actions logs (`GET /repos/{o}/{r}/actions/jobs/{id}/logs`): the hosts GitHub's "Communicating with
 *   self-hosted runners" docs list as needed for "uploading/downloading job summaries, logs, workflow
 *   artifacts, and caches" — `results-receiver.actions.githubusercontent.com` and Azure blob storage —
 *   with the storage narrowed to GitHub's own accounts, `productionresultssa<N>.blob.core.windows.net`,
 *   as the meta API publishes them (`GET /meta`, `domains.actions_inbound.full_domains`); and
 *   `pipelines.actions.githubusercontent.com`, the Actions service host those docs' earlier lists name
 *   (older runs' logs are served from it). Not any `*.blob.core.windows.net` (anyone's storage account),
 *   not any `*.githubusercontent.com` (raw repository content lives there).
 */
const DOWNLOAD_HOSTS = [
  "codeload.github.com",
  "results-receiver.actions.githubusercontent.com",
  "pipelines.actions.githubusercontent.com",
];
const ACTIONS_STORAGE = /^productionresultssa\d{1,3}\.blob\.core\.windows\.net$/;
const MAX_REDIRECTS = 3;

export class BlockedRequestError extends Error {
  override readonly name = "BlockedRequestError";
}

/** Whether a request may start at `host` (GitHub's API, or a configured extra host). */
export function allowedApiHost(host: string, extra: readonly string[] = []): boolean {
  const h = host.toLowerCase();
  return API_HOSTS.includes(h) || extra.includes(h);
}

/** Whether a redirect may go to `host`: the API hosts, or where GitHub serves archives and logs. */
export function allowedHost(host: string, extra: readonly string[] = []): boolean {
  const h = host.toLowerCase();
  return allowedApiHost(h, extra) || DOWNLOAD_HOSTS.includes(h) || ACTIONS_STORAGE.test(h);
}

/** Why `url` may not be fetched (safe to report: the host only, never the path or query), if it may not. */
function refusal(url: URL, extra: readonly string[], redirect: boolean): string | undefined {
  const host = url.hostname.toLowerCase();
  const configured = extra.includes(host);
  if (!(redirect ? allowedHost(host, extra) : allowedApiHost(host, extra)))
    return `refused a request to ${host}: not a GitHub host`;
  // Plain http (and odd ports or credentials in the URL) only for a host the operator configured.
  if (!configured && url.protocol !== "https:") return `refused a request to ${host}: not https`;
  if (!configured && (url.port !== "" || url.username !== "" || url.password !== ""))
    return `refused a request to ${host}: not GitHub's address`;
  if (configured && url.protocol !== "https:" && url.protocol !== "http:")
    return `refused a request to ${host}: not http(s)`;
  return undefined;
}

export function guardedFetch(options: FetchGuardOptions = {}): typeof fetch {
  const inner = options.fetch ?? fetch;
  const extra = (options.extraHosts ?? []).map((h) => h.toLowerCase());
  return async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    const download = /\/(tarball|zipball|logs)(\/|$)/.test(url.pathname);
    // The signal goes to fetch, which also aborts the body's stream: a download whose body outlives the
    // deadline fails with the deadline's TimeoutError while it is read.
    const timeout = AbortSignal.timeout(
      download ? (options.downloadTimeoutMs ?? 60_000) : (options.apiTimeoutMs ?? 10_000),
    );
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    for (let hop = 0; ; hop++) {
      const refused = refusal(url, extra, hop > 0);
      if (refused) throw new BlockedRequestError(refused);
      const response = await inner(url, { ...init, redirect: "manual", signal });
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return response;
      if (hop >= MAX_REDIRECTS) throw new BlockedRequestError("too many redirects");
      await response.body?.cancel();
      const next = new URL(location, url);
      // Our Authorization header never follows a redirect to another origin (the URL there is pre-signed).
      if (init?.headers && next.origin !== url.origin)
        init = { ...init, headers: withoutAuthorization(init.headers) };
      url = next;
    }
  };
}

function withoutAuthorization(headers: ConstructorParameters<typeof Headers>[0]): Headers {
  const h = new Headers(headers);
  h.delete("authorization");
  return h;
}
