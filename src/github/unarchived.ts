/**
 * Changed files the head's archive leaves out (`export-ignore` in `.gitattributes`), read from GitHub so
 * the secret scan sees every file a pull request changes: their text in batches of GraphQL `object`
 * lookups (one request per 50 files), and what GraphQL does not give as text — binary or truncated
 * blobs — from the git blobs API by object id. A file that cannot be read (too large, gone) is listed,
 * and the caller fails the check with the list: a file nobody scanned is never passed.
 *
 * The list of changed files is the comparison's while GitHub gives it whole (under 300 files), else the
 * pull request's own list (up to 3000 files, GitHub's cap); beyond that the changed files cannot all be
 * known, which fails the check too.
 */
import { type CountingClient, call, type RepoRef } from "./jobs.ts";

export interface ChangedEntry {
  filename: string;
  status: string;
  previous_filename?: string;
}

/** Files per GraphQL request. */
const BATCH = 50;
/** One file larger than this is not read (the archive's own per-file reading stops far below it). */
export const UNARCHIVED_FILE_MAX = 8 * 1024 * 1024;
/** All files read this way together, at most (memory: the analysis holds them with both archives). */
export const UNARCHIVED_TOTAL_MAX = 64 * 1024 * 1024;
/** GitHub lists at most this many files of a pull request. */
export const PULL_FILES_MAX = 3000;

export interface UnarchivedFiles {
  files: Array<{ path: string; bytes: Uint8Array }>;
  /** Changed files that could not be read (or could not all be listed): the check fails with these. */
  unscanned: string[];
}

/**
 * The changed files of a pull request, complete: the comparison's when it is under GitHub's cap, else
 * the pull request's file list. `complete: false` when even that list is at GitHub's cap.
 */
export async function changedEntries(
  gh: CountingClient,
  job: RepoRef & { number: number },
  compared: readonly ChangedEntry[] | undefined,
  compareMax: number,
): Promise<{ entries: ChangedEntry[]; complete: boolean }> {
  if (compared && compared.length < compareMax) return { entries: [...compared], complete: true };
  const entries: ChangedEntry[] = [];
  for (let page = 1; page <= PULL_FILES_MAX / 100; page++) {
    const batch = await call<ChangedEntry[]>(
      gh,
      "list the pull request's files",
      "GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
      { owner: job.owner, repo: job.repo, pull_number: job.number, per_page: 100, page },
    );
    if (!Array.isArray(batch)) break;
    entries.push(...batch);
    if (batch.length < 100) return { entries, complete: true };
  }
  return { entries, complete: entries.length < PULL_FILES_MAX };
}

interface BlobNode {
  __typename: string;
  oid?: string;
  byteSize?: number;
  isBinary?: boolean | null;
  isTruncated?: boolean;
  text?: string | null;
}

function batchQuery(size: number): string {
  const vars = Array.from({ length: size }, (_, i) => `$e${i}: String!`).join(", ");
  const fields = Array.from(
    { length: size },
    (_, i) =>
      `f${i}: object(expression: $e${i}) { __typename ... on Blob { oid byteSize isBinary isTruncated text } }`,
  ).join("\n    ");
  return `query ($owner: String!, $repo: String!, ${vars}) {\n  repository(owner: $owner, name: $repo) {\n    ${fields}\n  }\n}`;
}

/**
 * Reads `paths` at commit `sha`. Submodule entries (a commit, not a blob) hold nothing to scan and are
 * skipped; everything else is read or listed as unscanned.
 */
export async function readUnarchived(
  gh: CountingClient,
  job: RepoRef,
  sha: string,
  paths: readonly string[],
): Promise<UnarchivedFiles> {
  const out: UnarchivedFiles = { files: [], unscanned: [] };
  let total = 0;
  const keep = (path: string, bytes: Uint8Array) => {
    if (total + bytes.byteLength > UNARCHIVED_TOTAL_MAX) {
      out.unscanned.push(path);
      return;
    }
    total += bytes.byteLength;
    out.files.push({ path, bytes });
  };
  for (let at = 0; at < paths.length; at += BATCH) {
    const batch = paths.slice(at, at + BATCH);
    const expressions = Object.fromEntries(batch.map((p, i) => [`e${i}`, `${sha}:${p}`]));
    const data = await gh.graphql<{ repository: Record<string, BlobNode | null> | null }>(
      "read changed files the archive leaves out",
      batchQuery(batch.length),
      { owner: job.owner, repo: job.repo, ...expressions },
    );
    const nodes = data.repository ?? {};
    for (const [i, path] of batch.entries()) {
      const node = nodes[`f${i}`];
      if (node?.__typename === "Commit") continue; // a submodule: its content is another repository's
      if (node?.__typename !== "Blob" || typeof node.byteSize !== "number") {
        out.unscanned.push(path);
        continue;
      }
      if (node.byteSize > UNARCHIVED_FILE_MAX || total + node.byteSize > UNARCHIVED_TOTAL_MAX) {
        out.unscanned.push(path);
        continue;
      }
      if (typeof node.text === "string" && !node.isBinary && !node.isTruncated) {
        keep(path, new TextEncoder().encode(node.text));
        continue;
      }
      if (!node.oid) {
        out.unscanned.push(path);
        continue;
      }
      const blob = await call<{ content?: string; encoding?: string }>(
        gh,
        "read a changed file the archive leaves out",
        "GET /repos/{owner}/{repo}/git/blobs/{file_sha}",
        { owner: job.owner, repo: job.repo, file_sha: node.oid },
      );
      if (blob.encoding !== "base64" || typeof blob.content !== "string") {
        out.unscanned.push(path);
        continue;
      }
      keep(path, new Uint8Array(Buffer.from(blob.content, "base64")));
    }
  }
  return out;
}
