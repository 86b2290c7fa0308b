/**
 * Snapshot loaders for the CLI: a directory on disk (the working tree), or a revision of a local git
 * repository (read with `git ls-tree` + `git cat-file --batch`, so nothing is checked out).
 * Symlinks are recorded as such (Flux artifacts drop them); `.git` and `node_modules` are skipped.
 */
import { execFileSync } from "node:child_process";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createMemorySnapshot, type RepoSnapshot } from "../core/snapshot/repo-snapshot.ts";

const SKIP_DIRS = new Set([".git", "node_modules"]);
/** Files larger than this are kept as empty placeholders: the engine reports them as too large anyway. */
const MAX_READ_BYTES = 8 * 1024 * 1024;

export class SnapshotLoadError extends Error {
  override readonly name = "SnapshotLoadError";
}

export interface LoadOptions {
  /** Share parsed-file caches with other snapshots of the same repository (see RepoSnapshot.cacheKey). */
  cacheKey?: object;
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
  const git = (args: string[], input?: string) =>
    execFileSync("git", ["-C", repoDir, ...args], { input, maxBuffer: 1024 * 1024 * 1024 });
  let listing: Buffer;
  try {
    listing = git(["ls-tree", "-r", "-z", "--full-tree", rev]);
  } catch {
    throw new SnapshotLoadError(`git revision "${rev}" not found in ${repoDir}`);
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
    const out = git(["cat-file", "--batch"], `${blobs.map((b) => b.sha).join("\n")}\n`);
    let offset = 0;
    for (const blob of blobs) {
      const nl = out.indexOf(10, offset);
      const header = out.subarray(offset, nl).toString("utf8").split(" ");
      const size = Number(header[2]);
      files.set(blob.path, new Uint8Array(out.subarray(nl + 1, nl + 1 + size)));
      offset = nl + 1 + size + 1;
    }
  }
  return createMemorySnapshot(files, { symlinks, ...options });
}
