/**
 * Filesystem helpers for the tests, the scripts and their libraries: read a directory into the
 * path → bytes map a RepoSnapshot is made from (regular files only; symlinks reported separately, as git
 * would), write such a map back to disk, and a TreeView over a directory for the reference build.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DirEntry, TreeView } from "../conformance/kustomization-walk.ts";

export interface DiskTree {
  /** Repository path (with the prefix) → content. */
  files: Map<string, Uint8Array>;
  /** Repository paths that are symlinks on disk. */
  symlinks: string[];
}

/** Read every regular file under `root`; repository paths are `prefix` + the path relative to root. */
export function readTree(root: string, prefix = ""): DiskTree {
  const files = new Map<string, Uint8Array>();
  const symlinks: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      if (e.name === ".git" && rel === "") continue;
      const childAbs = join(abs, e.name);
      const childRel = rel === "" ? e.name : `${rel}/${e.name}`;
      if (e.isSymbolicLink()) symlinks.push(prefix + childRel);
      else if (e.isDirectory()) walk(childAbs, childRel);
      else if (e.isFile()) files.set(prefix + childRel, readFileSync(childAbs));
    }
  };
  walk(root, "");
  return { files, symlinks };
}

/** Write path → content under `root`, creating directories. */
export function writeTree(root: string, files: ReadonlyMap<string, Uint8Array | string>): void {
  for (const [path, content] of files) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

/** A TreeView over a directory on disk (paths relative to root, "" = root); symlinks are invisible. */
export function diskTreeView(root: string): TreeView {
  const stat = (p: string) => {
    try {
      return lstatSync(join(root, p));
    } catch {
      return undefined;
    }
  };
  return {
    list(dir: string): DirEntry[] {
      try {
        return readdirSync(join(root, dir), { withFileTypes: true })
          .filter((e) => e.isFile() || e.isDirectory())
          .map((e) => ({ name: e.name, isDir: e.isDirectory() }));
      } catch {
        return [];
      }
    },
    isFile: (p) => stat(p)?.isFile() ?? false,
    exists: (p) => {
      const s = stat(p);
      return s !== undefined && (s.isFile() || s.isDirectory());
    },
  };
}
