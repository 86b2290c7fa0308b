/**
 * Which repository the CLI analyzes, from local git: the `origin` remote's URL and the branch — the current
 * branch for the working tree, or, for a revision, the branch it names (`main`, `refs/heads/main`,
 * `origin/main`; a commit, tag or `HEAD~1` names none). The engine treats a GitRepository as this
 * repository only when its URL and ref match (AnalyzeOptions.repository).
 */
import { execFileSync } from "node:child_process";

export interface GitRepositoryIdentity {
  url?: string;
  branch?: string;
}

/**
 * `rev`: the revision analyzed (`--rev`, a diff side); absent for the working tree. Undefined outside a git
 * repository, or when git knows neither a remote nor a branch. Never throws.
 */
export function gitRepositoryIdentity(dir: string, rev?: string): GitRepositoryIdentity | undefined {
  const git = (...args: string[]): string | undefined => {
    try {
      const out = execFileSync("git", ["-C", dir, ...args], {
        stdio: ["ignore", "pipe", "ignore"],
        maxBuffer: 1024 * 1024,
      })
        .toString("utf8")
        .trim();
      return out === "" ? undefined : out;
    } catch {
      return undefined;
    }
  };
  if (git("rev-parse", "--git-dir") === undefined) return undefined;
  const url = withoutCredentials(git("remote", "get-url", "origin"));
  const branch =
    rev === undefined
      ? git("symbolic-ref", "--short", "-q", "HEAD")
      : rev.startsWith("-")
        ? undefined
        : branchOfRef(git("rev-parse", "--symbolic-full-name", rev));
  if (url === undefined && branch === undefined) return undefined;
  return { ...(url !== undefined ? { url } : {}), ...(branch !== undefined ? { branch } : {}) };
}

/** `refs/heads/main` → main; `refs/remotes/origin/main` → main (origin is the URL reported); else none. */
function branchOfRef(ref: string | undefined): string | undefined {
  if (ref === undefined || ref.includes("\n")) return undefined;
  const match = /^refs\/(?:heads\/|remotes\/origin\/)(.+)$/.exec(ref);
  return match?.[1] && match[1] !== "HEAD" ? match[1] : undefined;
}

/** A token in an https remote (`https://x-access-token:…@github.com/…`) must not reach reports. */
function withoutCredentials(url: string | undefined): string | undefined {
  if (url === undefined || !/^https?:\/\//i.test(url)) return url;
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}

/** For spreading into AnalyzeOptions: `{ repository }` when git knows it, else nothing. */
export function repositoryOption(dir: string, rev?: string): { repository?: GitRepositoryIdentity } {
  const repository = gitRepositoryIdentity(dir, rev);
  return repository ? { repository } : {};
}
