/**
 * Changed files between two git revisions, from `git diff --name-status -M -z` (renames detected as git
 * does). Copies count as additions.
 */
import { execFileSync } from "node:child_process";
import type { ChangedFile } from "../core/index.ts";
import { gitSetupProblem, gitStderrLine, SnapshotLoadError } from "./fs-snapshot.ts";

export function gitChangedFiles(repoDir: string, base: string, head: string): ChangedFile[] {
  let out: string;
  try {
    out = execFileSync("git", ["-C", repoDir, "diff", "--name-status", "-M", "-z", base, head], {
      maxBuffer: 256 * 1024 * 1024,
      // git's stderr is read for the message, never passed through as a raw `fatal:` line.
      stdio: ["ignore", "pipe", "pipe"],
    }).toString("utf8");
  } catch (error) {
    const why = gitStderrLine(error);
    throw new SnapshotLoadError(
      gitSetupProblem(error, repoDir) ??
        notARepository(repoDir) ??
        `git diff ${base} ${head} failed in ${repoDir}${why ? `: ${why}` : ""}`,
    );
  }
  return parseNameStatus(out);
}

/** Outside a repository `git diff` compares paths (`--no-index`), so its error does not say why. */
function notARepository(repoDir: string): string | undefined {
  try {
    execFileSync("git", ["-C", repoDir, "rev-parse", "--git-dir"], { stdio: ["ignore", "ignore", "pipe"] });
    return undefined;
  } catch (error) {
    return gitSetupProblem(error, repoDir);
  }
}

export function parseNameStatus(out: string): ChangedFile[] {
  const fields = out.split("\0");
  const changes: ChangedFile[] = [];
  for (let i = 0; i < fields.length; ) {
    const status = fields[i++] ?? "";
    if (status === "") continue;
    const letter = status[0];
    if (letter === "R" || letter === "C") {
      const from = fields[i++] ?? "";
      const to = fields[i++] ?? "";
      changes.push(
        letter === "R" ? { path: to, status: "renamed", previousPath: from } : { path: to, status: "added" },
      );
      continue;
    }
    const path = fields[i++] ?? "";
    changes.push({ path, status: letter === "A" ? "added" : letter === "D" ? "removed" : "modified" });
  }
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
