/**
 * The changed files between two snapshots, as `git diff --name-status -M` would list them for an exact
 * rename: added, removed, modified, and renamed (a removed and an added file with the same bytes).
 * Adapters that know the changes already (GitHub's PR files API, git) pass their own list instead.
 */
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { sameBytes } from "../util/bytes.ts";
import type { ChangedFile } from "./types.ts";

export function changedFilesBetween(base: RepoSnapshot, head: RepoSnapshot): ChangedFile[] {
  const baseFiles = new Set(base.files());
  const headFiles = new Set(head.files());
  const removed: string[] = [];
  const added: string[] = [];
  const out: ChangedFile[] = [];
  for (const path of baseFiles) {
    if (!headFiles.has(path)) removed.push(path);
    else if (!sameBytes(base.read(path), head.read(path))) out.push({ path, status: "modified" });
  }
  for (const path of headFiles) if (!baseFiles.has(path)) added.push(path);
  const unmatched = new Set(removed);
  for (const path of added) {
    const bytes = head.read(path);
    const from = [...unmatched].find((r) => sameBytes(base.read(r), bytes));
    if (from !== undefined) {
      unmatched.delete(from);
      out.push({ path, status: "renamed", previousPath: from });
    } else out.push({ path, status: "added" });
  }
  for (const path of unmatched) out.push({ path, status: "removed" });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every path a change touches: current paths plus the previous paths of renames. */
export function touchedPaths(changes: readonly ChangedFile[]): Set<string> {
  const out = new Set<string>();
  for (const c of changes) {
    out.add(c.path);
    if (c.previousPath) out.add(c.previousPath);
  }
  return out;
}
