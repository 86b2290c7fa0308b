/**
 * An in-memory, read-only view of a repository at one revision: path → bytes.
 *
 * Loaders (a directory, a git revision, a GitHub tarball) live outside the core and hand the engine a
 * snapshot. The snapshot knows files, the directories implied by them, and the paths that are symlinks
 * in the repository (Flux artifacts drop symlinks, so they read as absent but are reported as such).
 */
import { AnalysisSession } from "../session.ts";
import { basename, compareBytewise, dirname, normalizePath } from "./paths.ts";

export interface DirectoryListing {
  /** Names (not paths) of regular files directly in the directory, byte-wise sorted. */
  files: readonly string[];
  /** Names of subdirectories, byte-wise sorted. */
  dirs: readonly string[];
}

export type TextResult =
  | { ok: true; text: string }
  | { ok: false; reason: "missing" | "not-utf8" | "too-large" | "lfs-pointer" };

export interface RepoSnapshot {
  /** Raw bytes of a regular file, or undefined. */
  read(path: string): Uint8Array | undefined;
  /** The file decoded as UTF-8 (fatal decoding, NUL bytes rejected, a UTF-8 BOM dropped). Cached. */
  readText(path: string): TextResult;
  isFile(path: string): boolean;
  isDirectory(path: string): boolean;
  /** True when the path is a symlink in the repository (absent from Flux artifacts). */
  isSymlink(path: string): boolean;
  list(dir: string): DirectoryListing;
  /** All regular file paths, byte-wise sorted. */
  files(): readonly string[];
  /** Paths that are symlinks in the repository, byte-wise sorted. */
  symlinks(): readonly string[];
  /** Entries of the source (an archive) that were left out: hard links, devices, unsafe names. */
  skipped(): readonly SkippedEntry[];
  /** Limit used by readText; files above it report "too-large". */
  readonly maxFileBytes: number;
  /**
   * The analysis session whose caches derived data (parsed files, builds) goes to. A view of another
   * snapshot (the Flux artifact) shares the session of the snapshot it was cut from.
   */
  readonly session: AnalysisSession;
}

export interface SkippedEntry {
  /** The entry's path as the source named it (display only: never read). */
  path: string;
  /** Why it was left out ("link", "device", "unsafe-name", "duplicate", "absolute", …). */
  reason: string;
}

export interface SnapshotOptions {
  /** Entries of the source that were left out, reported as findings (never read). */
  skipped?: readonly SkippedEntry[];
  /** Paths that are symlinks in the repository, mapped to their targets (kept for messages only). */
  symlinks?: Iterable<string>;
  /** Largest file that readText decodes; 1 MiB by default. */
  maxFileBytes?: number;
  /** The session whose caches this snapshot shares (a new one when absent); see AnalysisSession. */
  session?: AnalysisSession;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

const EMPTY_LISTING: DirectoryListing = { files: [], dirs: [] };
const LFS_PREFIX = "version https://git-lfs.github.com/spec/v1";

export function createMemorySnapshot(
  input: ReadonlyMap<string, Uint8Array | string> | Record<string, Uint8Array | string>,
  options: SnapshotOptions = {},
): RepoSnapshot {
  const encoder = new TextEncoder();
  const bytes = new Map<string, Uint8Array>();
  const entries = input instanceof Map ? input.entries() : Object.entries(input);
  for (const [rawPath, content] of entries) {
    const norm = normalizePath(rawPath);
    if (!norm.ok || norm.path === "") throw new Error(`invalid snapshot path: ${JSON.stringify(rawPath)}`);
    bytes.set(norm.path, typeof content === "string" ? encoder.encode(content) : content);
  }
  const symlinks = new Set<string>();
  for (const s of options.symlinks ?? []) {
    const norm = normalizePath(s);
    if (norm.ok) symlinks.add(norm.path);
  }
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const symlinkList = [...symlinks].sort(compareBytewise);
  const skipped = [...(options.skipped ?? [])];

  const children = new Map<string, { files: string[]; dirs: Set<string> }>();
  const entry = (dir: string) => {
    let e = children.get(dir);
    if (!e) {
      e = { files: [], dirs: new Set() };
      children.set(dir, e);
    }
    return e;
  };
  entry("");
  for (const path of bytes.keys()) {
    entry(dirname(path)).files.push(basename(path));
    let child = dirname(path);
    while (child !== "") {
      const parent = dirname(child);
      const e = entry(parent);
      if (e.dirs.has(basename(child))) break;
      e.dirs.add(basename(child));
      child = parent;
    }
  }
  const listings = new Map<string, DirectoryListing>();
  for (const [dir, e] of children) {
    listings.set(dir, { files: e.files.sort(compareBytewise), dirs: [...e.dirs].sort(compareBytewise) });
  }
  const allFiles = [...bytes.keys()].sort(compareBytewise);
  const texts = new Map<string, TextResult>();
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

  const snapshot: RepoSnapshot = {
    maxFileBytes,
    session: options.session ?? new AnalysisSession(),
    read: (path) => bytes.get(path),
    readText(path) {
      const cached = texts.get(path);
      if (cached) return cached;
      const result = decodeText(bytes.get(path), decoder, maxFileBytes);
      texts.set(path, result);
      return result;
    },
    isFile: (path) => bytes.has(path),
    isDirectory: (path) => listings.has(path),
    isSymlink: (path) => symlinks.has(path),
    list: (dir) => listings.get(dir) ?? EMPTY_LISTING,
    files: () => allFiles,
    symlinks: () => symlinkList,
    skipped: () => skipped,
  };
  return snapshot;
}

function decodeText(
  data: Uint8Array | undefined,
  decoder: InstanceType<typeof TextDecoder>,
  max: number,
): TextResult {
  if (!data) return { ok: false, reason: "missing" };
  if (data.byteLength > max) return { ok: false, reason: "too-large" };
  if (data.includes(0)) return { ok: false, reason: "not-utf8" };
  let text: string;
  try {
    text = decoder.decode(data);
  } catch {
    return { ok: false, reason: "not-utf8" };
  }
  if (text.startsWith(LFS_PREFIX)) return { ok: false, reason: "lfs-pointer" };
  return { ok: true, text };
}
