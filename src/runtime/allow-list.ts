/**
 * The repository allow-list (`FLUX_IMPACT_REPOSITORIES`): which repositories every entry point serves — the
 * receiver, the background worker, the reconciler and the daily maintenance. Comma-separated
 * `owner/repo` or `owner/*`, case-insensitive; unset (or blank) means every repository the App is installed
 * on. An entry of another shape is a configuration error (thrown, naming the entry), never silently ignored.
 *
 * Imports nothing (the receiver uses it, and its cold start stays small).
 */

/** Lower-cased patterns; `undefined`: every repository. An empty list serves nothing. */
export type AllowList = readonly string[] | undefined;

const NAME = /^(?!\.\.?$)[a-z0-9._-]+$/;

/** Parses `FLUX_IMPACT_REPOSITORIES`. Throws on an entry that is not `owner/repo` or `owner/*`. */
export function parseRepositories(value: string | undefined): string[] | undefined {
  const entries = (value ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  const bad = entries.filter((e) => {
    const [owner, repo, ...rest] = e.split("/");
    return rest.length > 0 || !owner || !repo || !NAME.test(owner) || (repo !== "*" && !NAME.test(repo));
  });
  if (bad.length)
    throw new Error(
      `flux-impact: FLUX_IMPACT_REPOSITORIES must list "owner/repo" or "owner/*" entries, comma-separated (not ${bad
        .map((b) => JSON.stringify(b))
        .join(", ")})`,
    );
  return [...new Set(entries)];
}

/** Whether `repository` ("owner/repo") is served. With an allow-list, an unknown repository is not. */
export function served(patterns: AllowList, repository: string | undefined): boolean {
  if (patterns === undefined) return true;
  if (!repository) return false;
  const full = repository.toLowerCase();
  const slash = full.indexOf("/");
  if (slash <= 0) return false;
  const owner = full.slice(0, slash);
  return patterns.some((p) => {
    const pattern = p.toLowerCase();
    return pattern === full || pattern === `${owner}/*`;
  });
}

/** The reason logged when a delivery or repository is skipped. */
export const NOT_SERVED = "repository not served (FLUX_IMPACT_REPOSITORIES)";
