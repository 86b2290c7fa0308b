/**
 * When each disabled (`.dis`) service was disabled, from local git history: the commit where its `.dis`
 * name first appeared — the rename of `ks.yaml` to `ks.yaml.dis`, or the addition of the `.dis` file —
 * followed through later moves of the `.dis` file (into an `archive/` folder, say). One `git log` with
 * rename detection over the whole history, newest first, for every path at once: each current `.dis` path
 * is mapped back through its renames to the commit that created the name. Without a path filter, so git
 * pairs `ks.yaml` → `ks.yaml.dis` itself and never mistakes another service's deleted `.dis` file (in the
 * same commit) for the source of a new one; a second, tiny call finds `dir` within the repository. Outside a git repository, or when git fails, nothing is known
 * and ages are simply not shown.
 */
import { execFileSync } from "node:child_process";

export interface DisabledCommit {
  /** Committer date, ISO 8601. */
  date: string;
  commit: string;
  author: string;
}

export const DISABLED_LOG_FORMAT = "--format=%x01%H%x09%cI%x09%an";

/** By path relative to `dir` (which may be a sub-directory of the repository). */
export function gitDisabledSince(dir: string, rev = "HEAD"): Record<string, DisabledCommit> {
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", dir, ...args], {
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "ignore"],
    }).toString("utf8");
  let prefix: string;
  let out: string;
  try {
    // Paths from the top of the repository (a file moved into `dir` from elsewhere is still followed).
    prefix = git("rev-parse", "--show-prefix").trim();
    out = git("log", rev, "-M", "--diff-filter=AR", "--name-status", "-z", DISABLED_LOG_FORMAT, "--");
  } catch {
    return {};
  }
  const result: Record<string, DisabledCommit> = Object.create(null);
  for (const [path, since] of Object.entries(parseDisabledLog(out)))
    if (path.startsWith(prefix)) result[path.slice(prefix.length)] = since;
  return result;
}

const isDisabled = (path: string) => path.endsWith(".dis");

/**
 * Parses `git log -M --diff-filter=AR --name-status -z` output in the `DISABLED_LOG_FORMAT`, newest commit
 * first. A `.dis` path seen for the first time is one of the current paths (or one deleted since, which
 * nobody asks about); it is followed back through renames from other `.dis` names until the commit that
 * added it or renamed a non-`.dis` file to it. When a name was created more than once, the newest creation
 * counts.
 */
export function parseDisabledLog(out: string): Record<string, DisabledCommit> {
  const result: Record<string, DisabledCommit> = Object.create(null);
  /** Older name of a followed file → the path it is reported under. */
  const pending = new Map<string, string>();
  /** Names already settled (created) by a newer commit; an older creation of the same name is not theirs. */
  const claimed = new Set<string>();
  const created = (path: string): string | undefined => {
    const key = pending.get(path) ?? (claimed.has(path) || !isDisabled(path) ? undefined : path);
    pending.delete(path);
    if (isDisabled(path) || key !== undefined) claimed.add(path);
    return key;
  };
  for (const chunk of out.split("\x01")) {
    if (chunk.trim() === "") continue;
    const [header = "", ...tokens] = chunk.split("\0");
    const [commit = "", date = "", ...author] = header.split("\t");
    const since = { date, commit, author: author.join("\t") };
    for (let i = 0; i < tokens.length; i++) {
      const status = tokens[i]!.replace(/^\n+/, "");
      if (status === "") continue;
      if (status.startsWith("R") || status.startsWith("C")) {
        const from = tokens[++i] ?? "";
        const to = tokens[++i] ?? "";
        const key = created(to);
        if (key === undefined) continue;
        // A move of the `.dis` file: keep looking under its older name. A copy leaves the source in place.
        if (status.startsWith("R") && isDisabled(from)) pending.set(from, key);
        else result[key] = since;
      } else {
        const key = created(tokens[++i] ?? "");
        if (key !== undefined) result[key] = since;
      }
    }
  }
  return result;
}
