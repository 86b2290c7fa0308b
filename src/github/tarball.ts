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
  // Room for large homelab repositories, while two archives and the analysis fit a 1 GB function.
  uncompressedBytes: 256 * 1024 * 1024,
  files: 50_000,
  pathLength: 1024,
};

export type TarballProblem = "too-large" | "too-many-files" | "corrupt" | "wrong-commit";

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
  reason:
    | "symlink"
    | "link"
    | "device"
    | "absolute"
    | "parent-segment"
    | "path-too-long"
    /** A backslash, a NUL or an empty segment: git never writes such names. */
    | "unsafe-name"
    /** The same path twice (after Unicode NFC normalization). */
    | "duplicate";
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
  // A backslash (a Windows separator: `a\..\b`), a NUL, or an empty segment: git never writes these.
  if (path.includes("\\") || path.includes("\u0000") || path.split("/").includes("")) return "unsafe-name";
  if (path.split("/").some((s) => s === ".." || s === ".")) return "parent-segment";
  if (path.length > limits.pathLength) return "path-too-long";
  if (type === "symlink") return "symlink";
  if (type === "link") return "link";
  if (type === "character-device" || type === "block-device" || type === "fifo") return "device";
  return undefined;
}

/**
 * Names of ustar entries whose name or prefix field holds more bytes after its terminating NUL: a name
 * with a NUL inside, which tar readers silently cut short (`nul\0name.yaml` reads as `nul`). Walks the
 * 512-byte headers of the uncompressed archive; it only flags, the reader does the parsing.
 */
function namesHidingBytes(tar: Uint8Array): Set<string> {
  const out = new Set<string>();
  const decoder = new TextDecoder();
  const field = (at: number, length: number) => {
    const bytes = tar.subarray(at, at + length);
    const end = bytes.indexOf(0);
    const hides = end !== -1 && bytes.subarray(end).some((b) => b !== 0);
    return { text: decoder.decode(end === -1 ? bytes : bytes.subarray(0, end)), hides };
  };
  for (let pos = 0; pos + 512 <= tar.length; ) {
    if (tar.subarray(pos, pos + 512).every((b) => b === 0)) break;
    const name = field(pos, 100);
    const ustar = decoder.decode(tar.subarray(pos + 257, pos + 262)) === "ustar";
    const prefix = ustar ? field(pos + 345, 155) : { text: "", hides: false };
    if (name.hides || prefix.hides) out.add(prefix.text ? `${prefix.text}/${name.text}` : name.text);
    const sizeField = tar.subarray(pos + 124, pos + 136);
    // Sizes are octal text, or base-256 when the high bit is set (GNU); big sizes are never names anyway.
    const size =
      (sizeField[0] ?? 0) & 0x80
        ? 0
        : Number.parseInt(decoder.decode(sizeField).replace(/\0.*$/, "").trim() || "0", 8);
    if (!Number.isFinite(size) || size < 0) break;
    pos += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/**
 * The files of a GitHub tarball. `commit`: the SHA that was asked for — `git archive` records the commit in
 * the pax global header, and an archive of another commit is refused.
 */
export async function treeFromTarball(
  gz: Uint8Array,
  limits: TarballLimits = DEFAULT_TARBALL_LIMITS,
  commit?: string,
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
  const hidden = namesHidingBytes(tar);
  const files = new Map<string, Uint8Array>();
  const rejected: RejectedEntry[] = [];
  for (const { header, data } of entries) {
    const type = header.type ?? "file";
    const recorded = header.pax?.comment;
    if (commit && typeof recorded === "string" && /^[0-9a-f]{40}$/.test(recorded) && recorded !== commit) {
      throw new TarballError(
        "wrong-commit",
        `GitHub sent the archive of commit ${recorded.slice(0, 7)} instead of ${commit.slice(0, 7)}; it was not analyzed.`,
      );
    }
    if (type === "directory" || type === "pax-global-header" || type === "pax-header") continue;
    const raw = repoPath(header.name);
    if (raw === undefined) continue;
    const path = raw.normalize("NFC");
    const reason =
      rejectReason(header.name, path, type, limits) ??
      (hidden.has(header.name) && !header.pax?.path ? "unsafe-name" : undefined) ??
      (files.has(path) ? "duplicate" : undefined);
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
