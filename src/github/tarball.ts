/**
 * A repository snapshot from GitHub's tarball of one commit (`GET /repos/{o}/{r}/tarball/{sha}`), read in
 * memory with `node:zlib` and `modern-tar`, under limits: compressed and uncompressed bytes, file count,
 * path length. GitHub wraps the tree in one `<owner>-<repo>-<sha>/` directory, which is removed.
 *
 * A breach of a total limit, or an archive that does not decompress or parse, is a `TarballError` with a
 * message safe to show in a check run. Single entries that cannot be part of a Flux artifact — symlinks,
 * hard links, devices, absolute paths, `..` segments, over-long paths — are left out and listed in
 * `rejected`, so the analysis reports them instead of stopping.
 */
import { gunzipSync } from "node:zlib";
import { unpackTar } from "modern-tar";

export interface TarballLimits {
  compressedBytes: number;
  uncompressedBytes: number;
  files: number;
  pathLength: number;
}

export const DEFAULT_TARBALL_LIMITS: TarballLimits = {
  compressedBytes: 100 * 1024 * 1024,
  uncompressedBytes: 512 * 1024 * 1024,
  files: 50_000,
  pathLength: 1024,
};

export type TarballProblem = "too-large" | "too-many-files" | "corrupt";

export class TarballError extends Error {
  override readonly name = "TarballError";
  constructor(
    readonly problem: TarballProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface RejectedEntry {
  path: string;
  reason: "symlink" | "link" | "device" | "absolute" | "parent-segment" | "path-too-long";
}

export interface TarballTree {
  files: Map<string, Uint8Array>;
  rejected: RejectedEntry[];
  /** Bytes after decompression. */
  bytes: number;
}

function mb(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(0)} MB` : `${Math.ceil(n / 1024)} KB`;
}

function gunzip(gz: Uint8Array, limits: TarballLimits): Uint8Array {
  if (gz.byteLength > limits.compressedBytes) {
    throw new TarballError(
      "too-large",
      `The repository archive is ${mb(gz.byteLength)} compressed, over the ${mb(limits.compressedBytes)} limit; it was not analyzed.`,
    );
  }
  try {
    return gunzipSync(gz, { maxOutputLength: limits.uncompressedBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) {
      throw new TarballError(
        "too-large",
        `The repository archive expands beyond the ${mb(limits.uncompressedBytes)} limit; it was not analyzed.`,
      );
    }
    throw new TarballError(
      "corrupt",
      "The repository archive from GitHub is truncated or not gzip data; it was not analyzed (a re-run usually fixes this).",
    );
  }
}

/** The path inside the repository: without GitHub's top directory; undefined for that directory itself. */
function repoPath(name: string): string | undefined {
  const slash = name.indexOf("/");
  if (slash === -1) return undefined;
  const rest = name.slice(slash + 1).replace(/\/+$/, "");
  return rest === "" ? undefined : rest;
}

function rejectReason(
  raw: string,
  path: string,
  type: string,
  limits: TarballLimits,
): RejectedEntry["reason"] | undefined {
  if (raw.startsWith("/")) return "absolute";
  if (path.split("/").some((s) => s === ".." || s === ".")) return "parent-segment";
  if (path.length > limits.pathLength) return "path-too-long";
  if (type === "symlink") return "symlink";
  if (type === "link") return "link";
  if (type === "character-device" || type === "block-device" || type === "fifo") return "device";
  return undefined;
}

export async function treeFromTarball(
  gz: Uint8Array,
  limits: TarballLimits = DEFAULT_TARBALL_LIMITS,
): Promise<TarballTree> {
  const tar = gunzip(gz, limits);
  let entries: Awaited<ReturnType<typeof unpackTar>>;
  try {
    entries = await unpackTar(tar, { strict: true });
  } catch {
    throw new TarballError(
      "corrupt",
      "The repository archive from GitHub could not be read as a tar archive; it was not analyzed.",
    );
  }
  const files = new Map<string, Uint8Array>();
  const rejected: RejectedEntry[] = [];
  for (const { header, data } of entries) {
    const type = header.type ?? "file";
    if (type === "directory" || type === "pax-global-header" || type === "pax-header") continue;
    const path = repoPath(header.name);
    if (path === undefined) continue;
    const reason = rejectReason(header.name, path, type, limits);
    if (reason) {
      rejected.push({ path: path.slice(0, limits.pathLength), reason });
      continue;
    }
    if (files.size >= limits.files) {
      throw new TarballError(
        "too-many-files",
        `The repository has more than ${limits.files} files, over the limit; it was not analyzed.`,
      );
    }
    files.set(path, data ?? new Uint8Array());
  }
  return { files, rejected, bytes: tar.byteLength };
}
