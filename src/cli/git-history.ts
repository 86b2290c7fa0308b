/**
 * When each disabled (`.dis`) service was disabled, from local git history: the newest commit that added
 * the `.dis` path (a rename from `ks.yaml` shows as an addition of the new path). One `git log` for every
 * path. Outside a git repository, or when git fails, nothing is known and ages are simply not shown.
 */
import { execFileSync } from "node:child_process";

export interface DisabledCommit {
  /** Committer date, ISO 8601. */
  date: string;
  commit: string;
  author: string;
}

/** By path relative to `dir` (which may be a sub-directory of the repository). */
export function gitDisabledSince(dir: string, rev = "HEAD"): Record<string, DisabledCommit> {
  let out: string;
  try {
    out = execFileSync(
      "git",
      [
        "-C",
        dir,
        "log",
        rev,
        "--diff-filter=A",
        "--relative",
        "--name-only",
        "-z",
        "--format=%x01%H%x09%cI%x09%an",
        "--",
        "*.dis",
      ],
      { maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] },
    ).toString("utf8");
  } catch {
    return {};
  }
  return parseDisabledLog(out);
}

/** Parses `git log -z --name-only --format=%x01%H%x09%cI%x09%an` output, newest commit first. */
export function parseDisabledLog(out: string): Record<string, DisabledCommit> {
  const result: Record<string, DisabledCommit> = Object.create(null);
  for (const chunk of out.split("\x01")) {
    if (chunk.trim() === "") continue;
    const [header = "", ...paths] = chunk.split("\0");
    const [commit = "", date = "", author = ""] = header.split("\t");
    for (const raw of paths) {
      const path = raw.replace(/^\n+/, "");
      if (path === "" || path in result) continue;
      result[path] = { date, commit, author };
    }
  }
  return result;
}
