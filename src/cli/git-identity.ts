/**
 * Which repository the CLI analyzes, from local git: the `origin` remote's URL and the branch — the current
 * branch for the working tree, or, for a revision, the branch it names (`main`, `refs/heads/main`,
 * `origin/main`; a commit, tag or `HEAD~1` names none). The engine treats a GitRepository as this
 * repository only when its URL and ref match (AnalyzeOptions.repository).
 *
 * It takes up to three `git` processes. The built CLI starts them before it loads the engine
 * (`startRepositoryIdentity`, from entry.ts) and hands the answer over in its io, so they run beside that
 * load instead of after it; anything else asks git when it needs the answer (`gitRepositoryIdentity`).
 */
import { execFile, execFileSync } from "node:child_process";
import { resolve } from "node:path";
import type { CliIo } from "./options.ts";

export interface GitRepositoryIdentity {
  url?: string;
  branch?: string;
}

/** An identity asked for ahead of time: of the repository at `dir`, for the revision `rev`. */
export interface KnownRepositoryIdentity {
  dir: string;
  rev: string | undefined;
  identity: GitRepositoryIdentity | undefined;
}

const GIT_OPTIONS = { maxBuffer: 1024 * 1024 } as const;

/** The git commands an identity takes; the first only tells whether `dir` is in a repository at all. */
function commands(
  dir: string,
  rev: string | undefined,
): { inRepo: string[]; url: string[]; branch?: string[] } {
  const at = ["-C", dir];
  return {
    inRepo: [...at, "rev-parse", "--git-dir"],
    url: [...at, "remote", "get-url", "origin"],
    ...(rev === undefined
      ? { branch: [...at, "symbolic-ref", "--short", "-q", "HEAD"] }
      : rev.startsWith("-")
        ? {}
        : { branch: [...at, "rev-parse", "--symbolic-full-name", rev] }),
  };
}

/** What git printed (trimmed; undefined when it failed or printed nothing) → the identity. */
function identityOf(
  rev: string | undefined,
  out: { inRepo: string | undefined; url: string | undefined; branch: string | undefined },
): GitRepositoryIdentity | undefined {
  if (out.inRepo === undefined) return undefined;
  const url = withoutCredentials(out.url);
  const branch = rev === undefined ? out.branch : branchOfRef(out.branch);
  if (url === undefined && branch === undefined) return undefined;
  return { ...(url !== undefined ? { url } : {}), ...(branch !== undefined ? { branch } : {}) };
}

function printed(out: Buffer | string): string | undefined {
  const text = out.toString().trim();
  return text === "" ? undefined : text;
}

/**
 * `rev`: the revision analyzed (`--rev`, a diff side); absent for the working tree. Undefined outside a git
 * repository, or when git knows neither a remote nor a branch. Never throws.
 */
export function gitRepositoryIdentity(dir: string, rev?: string): GitRepositoryIdentity | undefined {
  const git = (args: string[] | undefined): string | undefined => {
    if (args === undefined) return undefined;
    try {
      return printed(execFileSync("git", args, { ...GIT_OPTIONS, stdio: ["ignore", "pipe", "ignore"] }));
    } catch {
      return undefined;
    }
  };
  const run = commands(dir, rev);
  const inRepo = git(run.inRepo);
  if (inRepo === undefined) return undefined;
  return identityOf(rev, { inRepo, url: git(run.url), branch: git(run.branch) });
}

/** gitRepositoryIdentity with the git processes running side by side, while the caller goes on. */
export async function startRepositoryIdentity(
  dir: string,
  rev: string | undefined,
): Promise<KnownRepositoryIdentity> {
  const git = (args: string[] | undefined): Promise<string | undefined> =>
    args === undefined
      ? Promise.resolve(undefined)
      : new Promise((done) => {
          try {
            const child = execFile("git", args, GIT_OPTIONS, (error, stdout) =>
              done(error ? undefined : printed(stdout)),
            );
            child.stdin?.end();
          } catch {
            done(undefined);
          }
        });
  const run = commands(dir, rev);
  const [inRepo, url, branch] = await Promise.all([git(run.inRepo), git(run.url), git(run.branch)]);
  return { dir, rev, identity: identityOf(rev, { inRepo, url, branch }) };
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

/**
 * For spreading into AnalyzeOptions: `{ repository }` when git knows it, else nothing. The answer `io`
 * carries is taken when it is for the same folder and revision.
 */
export function repositoryOption(
  dir: string,
  rev: string | undefined,
  io?: Pick<CliIo, "repositoryIdentity">,
): { repository?: GitRepositoryIdentity } {
  const known = io?.repositoryIdentity;
  const repository =
    known !== undefined && known.dir === resolve(dir) && known.rev === rev
      ? known.identity
      : gitRepositoryIdentity(dir, rev);
  return repository ? { repository } : {};
}
