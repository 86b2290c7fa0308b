/**
 * Snapshot loaders for the CLI: a directory on disk (the working tree), or a revision of a local git
 * repository (read with `git ls-tree` + `git cat-file --batch`, so nothing is checked out).
 * Symlinks are recorded as such (Flux artifacts drop them); `.git` and `node_modules` are skipped.
 */
import { execFileSync } from "node:child_process";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type AnalysisSession, createMemorySnapshot, type RepoSnapshot } from "../core/index.ts";

const SKIP_DIRS = new Set(["node_modules"]);
/**
 * Git's own bookkeeping, never part of the repository: a `.git` folder, or the `.git` file (`gitdir: …`) of
 * a worktree or submodule checkout, at any depth. Two clones at different commits differ there.
 */
const GIT_DIR = ".git";
/** Files larger than this are kept as empty placeholders: the engine reports them as too large anyway. */
const MAX_READ_BYTES = 8 * 1024 * 1024;

export class SnapshotLoadError extends Error {
  override readonly name = "SnapshotLoadError";
}

export interface LoadOptions {
  /** Share the analysis session (caches) with other snapshots of the same repository. */
  session?: AnalysisSession;
}

export function loadDirectorySnapshot(dir: string, options: LoadOptions = {}): RepoSnapshot {
  const files = new Map<string, Uint8Array>();
  const symlinks: string[] = [];
  const walk = (abs: string, rel: string) => {
    let entries: string[];
    try {
      entries = readdirSync(abs);
    } catch (error) {
      throw new SnapshotLoadError(`cannot read directory ${abs}: ${(error as Error).message}`);
    }
    for (const name of entries) {
      if (name === GIT_DIR) continue;
      const childAbs = join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const st = lstatSync(childAbs);
      if (st.isSymbolicLink()) symlinks.push(childRel);
      else if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name)) walk(childAbs, childRel);
      } else if (st.isFile()) {
        files.set(
          childRel,
          st.size > MAX_READ_BYTES ? new Uint8Array(MAX_READ_BYTES + 1) : readFileSync(childAbs),
        );
      }
    }
  };
  walk(dir, "");
  return createMemorySnapshot(files, { symlinks, ...options });
}

export function loadGitSnapshot(repoDir: string, rev: string, options: LoadOptions = {}): RepoSnapshot {
  let listing: Buffer;
  try {
    listing = execFileSync("git", ["-C", repoDir, "ls-tree", "-r", "-z", "--full-tree", rev], {
      maxBuffer: 1024 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    throw new SnapshotLoadError(
      gitSetupProblem(error, repoDir) ?? `git revision "${rev}" not found in ${repoDir}`,
    );
  }
  const blobs: Array<{ sha: string; path: string }> = [];
  const symlinks: string[] = [];
  for (const entry of listing.toString("utf8").split("\0")) {
    if (!entry) continue;
    const tab = entry.indexOf("\t");
    const [mode, type, sha] = entry.slice(0, tab).split(" ");
    const path = entry.slice(tab + 1);
    if (type !== "blob" || !sha) continue;
    if (mode === "120000") symlinks.push(path);
    else blobs.push({ sha, path });
  }
  const files = new Map<string, Uint8Array>();
  if (blobs.length > 0) {
    let out: Buffer;
    let failure: string | undefined;
    try {
      out = execFileSync("git", ["-C", repoDir, "cat-file", "--batch"], {
        input: `${blobs.map((b) => b.sha).join("\n")}\n`,
        maxBuffer: 1024 * 1024 * 1024,
        stdio: ["pipe", "pipe", "pipe"],
      });
    } catch (error) {
      // git stopped part-way (a corrupt object, a failed lazy fetch): what it printed names the last good blob.
      const e = error as { stdout?: Buffer; stderr?: Buffer; message: string };
      out = Buffer.isBuffer(e.stdout) ? e.stdout : Buffer.alloc(0);
      failure = firstLine(e.stderr?.toString("utf8")) ?? firstLine(e.message) ?? "git cat-file failed";
    }
    readBatch(out, blobs, files, failure, (path, why) => {
      throw new SnapshotLoadError(`cannot read ${path} at ${rev}: ${why}`);
    });
    if (failure)
      throw new SnapshotLoadError(`cannot read ${rev} in ${repoDir}: git cat-file failed: ${failure}`);
  }
  return createMemorySnapshot(files, { symlinks, ...options });
}

/**
 * Splits `git cat-file --batch` output (`<oid> <type> <size>\n<bytes>\n` per object) into `files`. A
 * `<oid> missing` answer, or output that stops early (`failure`: why git stopped), is fatal for that path:
 * analyzing a revision with files silently absent would report changes that are not there, or none.
 */
function readBatch(
  out: Buffer,
  blobs: ReadonlyArray<{ sha: string; path: string }>,
  files: Map<string, Uint8Array>,
  failure: string | undefined,
  fail: (path: string, why: string) => never,
): void {
  let offset = 0;
  for (const blob of blobs) {
    const nl = out.indexOf(10, offset);
    if (nl < 0) fail(blob.path, failure ? `git cat-file failed: ${failure}` : "git cat-file stopped early");
    const header = out.subarray(offset, nl).toString("utf8").split(" ");
    if (header[1] === "missing")
      fail(blob.path, "git says the object is missing (a partial or shallow clone?)");
    const size = Number(header[2]);
    const end = nl + 1 + size;
    if (header[0] !== blob.sha || header[1] !== "blob" || !Number.isInteger(size) || end > out.length) {
      fail(
        blob.path,
        failure
          ? `git cat-file failed: ${failure}`
          : `unexpected git cat-file answer "${header.join(" ").slice(0, 120)}"`,
      );
    }
    files.set(blob.path, new Uint8Array(out.subarray(nl + 1, end)));
    offset = end + 1;
  }
}

/**
 * Why git could not run in `repoDir` at all (no git, not a repository), from a failed `execFileSync`
 * whose stderr was piped; undefined when git ran and only the command failed (an unknown revision).
 */
export function gitSetupProblem(error: unknown, repoDir: string): string | undefined {
  const e = error as { code?: string; stderr?: Buffer | string };
  if (e.code === "ENOENT") return "git is not installed (or not on PATH); it is needed to read git revisions";
  const stderr = e.stderr?.toString() ?? "";
  if (/not a git repository/i.test(stderr)) return `${repoDir} is not a git repository`;
  if (/cannot change to|no such file or directory/i.test(stderr)) return `${repoDir} does not exist`;
  return undefined;
}

/** git's own explanation of a failure: the first line of its stderr, without `fatal: `. */
export function gitStderrLine(error: unknown): string | undefined {
  return firstLine((error as { stderr?: Buffer | string }).stderr?.toString());
}

function firstLine(text: string | undefined): string | undefined {
  const line = text
    ?.split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "");
  return line === undefined ? undefined : line.replace(/^(fatal|error): /, "");
}
