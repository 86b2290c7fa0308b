/**
 * A repository snapshot from GitHub's tarball of one commit (`GET /repos/{o}/{r}/tarball/{sha}`), read as
 * it downloads — `node:zlib`'s streaming gunzip and `modern-tar`'s streaming decoder — under limits:
 * compressed and uncompressed bytes, file count, path length. A limit is enforced while the bytes arrive:
 * the download stops at the first byte over it, and neither the compressed archive nor the whole tar is
 * ever held in memory; only the files kept are. GitHub wraps the tree in one `<owner>-<repo>-<sha>/`
 * directory, which is removed.
 *
 * A breach of a total limit, or an archive that does not decompress or parse, is a `TarballError` with a
 * message safe to show in a check run. A download that fails while it is read (its deadline, a dropped
 * connection) is an `ArchiveDownloadError` carrying the transport's error: GitHub's fault, not the
 * archive's. Single entries that cannot be part of a Flux artifact — symlinks, hard links, devices,
 * absolute paths, `..` segments, over-long paths — are left out and listed in `rejected`, so the analysis
 * reports them instead of stopping.
 */
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { createTarDecoder, type ParsedTarEntry } from "modern-tar";

export interface TarballLimits {
  compressedBytes: number;
  uncompressedBytes: number;
  /** Entries kept or left out (directories aside). */
  files: number;
  pathLength: number;
}

export const DEFAULT_TARBALL_LIMITS: TarballLimits = {
  // Only bounds the download (the compressed archive is never held): an archive over the uncompressed
  // limit below is stopped there anyway.
  compressedBytes: 100 * 1024 * 1024,
  // The memory budget: a pull request's analysis holds two revisions, and must stay under 512 MB RSS
  // whatever they contain. A revision holds its files' bytes (at most this much: the tar's headers and
  // padding count too) plus a little bookkeeping per entry (≤ 50,000), and the engine decodes each file it
  // reads into a string of up to the same size again, then parses and builds within its own budgets
  // (src/core/util/budget.ts). Measured for a whole job in the worker — Probot, the fetch guard,
  // snapshotAt, analyzePullRequest and the check run, from a ~140 MB baseline — with both revisions at the
  // limit and their YAML all in Flux builds (15,000 manifests, 2,900 changed, an amplifying substitution,
  // every budget hit): 427–453 MB at 40 MB, 446–474 MB at 44.6 MB, 505–546 MB at 52 MB. 40 MB is still
  // twelve times the largest repository of the real-world corpus (3.4 MB; manifests are kilobytes, and
  // `export-ignore` keeps other large files out of the archive).
  uncompressedBytes: 40 * 1024 * 1024,
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

/**
 * Reading the download failed (its deadline passed, the connection dropped): `cause` is the transport's
 * error, for the caller to type (src/github/errors.ts). The archive itself may be fine.
 */
export class ArchiveDownloadError extends Error {
  override readonly name = "ArchiveDownloadError";
  constructor(override readonly cause: unknown) {
    super("the archive download failed while it was read");
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

/** The gzip archive: its bytes, or the response body as it downloads. */
export type TarballSource = Uint8Array | ReadableStream<Uint8Array>;

export interface TarballReadOptions {
  /** The size the server announced (Content-Length): an archive announced over the limit is not read. */
  declaredBytes?: number;
}

function mb(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(0)} MB` : `${Math.ceil(n / 1024)} KB`;
}

const tooLargeCompressed = (limits: TarballLimits, size?: number) =>
  new TarballError(
    "too-large",
    size === undefined
      ? `The repository archive is more than ${mb(limits.compressedBytes)} compressed, over the limit; it was not analyzed.`
      : `The repository archive is ${mb(size)} compressed, over the ${mb(limits.compressedBytes)} limit; it was not analyzed.`,
  );

const tooLargeExpanded = (limits: TarballLimits) =>
  new TarballError(
    "too-large",
    `The repository archive expands beyond the ${mb(limits.uncompressedBytes)} limit; it was not analyzed.`,
  );

const NOT_GZIP =
  "The repository archive from GitHub is truncated or not gzip data; it was not analyzed (a re-run usually fixes this).";
const NOT_TAR = "The repository archive from GitHub could not be read as a tar archive; it was not analyzed.";

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

const BLOCK = 512;
/** Type flags of entries that describe the next one (pax, GNU long names): never emitted by the reader. */
const META = new Set(["x", "g", "L", "K"].map((c) => c.charCodeAt(0)));
/** Type flags whose data the reader skips whatever their size field says (modern-tar's `isBodyless`). */
const BODYLESS = new Set(["1", "2", "3", "4", "5", "6"].map((c) => c.charCodeAt(0)));
/** modern-tar refuses metadata entries larger than this. */
const MAX_META = 8 * 1024 * 1024;

/**
 * Names of entries whose ustar name or prefix field — or GNU long name — holds more bytes after its
 * terminating NUL: a name with a NUL inside, which tar readers silently cut short (`nul\0name.yaml`
 * reads as `nul`). Walks the 512-byte headers of the uncompressed stream as it passes, framing entries
 * as the reader does; it only flags, the reader does the parsing. `hidden` counts names seen and not
 * yet taken by `take`, so it stays as small as the reader's lag.
 *
 * A pax `size` record moves where the next header is; git never writes one, and an archive with one is
 * refused rather than walked differently from the reader.
 */
class HeaderWalker {
  private readonly hidden = new Map<string, number>();
  private readonly decoder = new TextDecoder();
  private readonly header = new Uint8Array(BLOCK);
  private filled = 0;
  /** Bytes of entry data (and padding) to pass before the next header. */
  private skip = 0;
  /** A metadata entry's data being collected: [bytes, filled, type flag]. */
  private meta: { bytes: Uint8Array; filled: number; type: number } | undefined;
  private done = false;

  push(chunk: Uint8Array): void {
    let at = 0;
    while (!this.done && at < chunk.length) {
      if (this.meta) {
        const m = this.meta;
        const n = Math.min(m.bytes.length - m.filled, chunk.length - at);
        m.bytes.set(chunk.subarray(at, at + n), m.filled);
        m.filled += n;
        at += n;
        if (m.filled === m.bytes.length) {
          this.meta = undefined;
          this.metaEntry(m.type, m.bytes);
        }
        continue;
      }
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      const n = Math.min(BLOCK - this.filled, chunk.length - at);
      this.header.set(chunk.subarray(at, at + n), this.filled);
      this.filled += n;
      at += n;
      if (this.filled === BLOCK) {
        this.filled = 0;
        this.block(this.header);
      }
    }
  }

  /** Whether an entry the reader emitted under `name` hides bytes in its name (counted once per entry). */
  take(name: string): boolean {
    const n = this.hidden.get(name);
    if (n === undefined) return false;
    if (n <= 1) this.hidden.delete(name);
    else this.hidden.set(name, n - 1);
    return true;
  }

  private flag(name: string): void {
    this.hidden.set(name, (this.hidden.get(name) ?? 0) + 1);
  }

  private field(block: Uint8Array, at: number, length: number): { text: string; hides: boolean } {
    const bytes = block.subarray(at, at + length);
    const end = bytes.indexOf(0);
    const hides = end !== -1 && bytes.subarray(end).some((b) => b !== 0);
    return { text: this.decoder.decode(end === -1 ? bytes : bytes.subarray(0, end)), hides };
  }

  private block(block: Uint8Array): void {
    // The end of the archive (or garbage the reader refuses): nothing more to walk.
    if (block.every((b) => b === 0)) {
      this.done = true;
      return;
    }
    const size = sizeOf(block.subarray(124, 136));
    if (size === undefined) {
      this.done = true;
      return;
    }
    const type = block[156] ?? 0;
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (META.has(type)) {
      if (size > MAX_META) {
        this.done = true; // the reader refuses it
        return;
      }
      this.meta = { bytes: new Uint8Array(size), filled: 0, type };
      this.skip = padded - size;
      if (size === 0) {
        this.meta = undefined;
        this.metaEntry(type, new Uint8Array());
      }
      return;
    }
    const name = this.field(block, 0, 100);
    const ustar = this.field(block, 257, 6).text === "ustar";
    const prefix = ustar ? this.field(block, 345, 155) : { text: "", hides: false };
    if (name.hides || prefix.hides) this.flag(prefix.text ? `${prefix.text}/${name.text}` : name.text);
    this.skip = BODYLESS.has(type) ? 0 : padded;
  }

  private metaEntry(type: number, data: Uint8Array): void {
    if (type === "L".charCodeAt(0)) {
      const name = this.field(data, 0, data.length);
      if (name.hides) this.flag(name.text);
      return;
    }
    if (type === "K".charCodeAt(0)) return;
    if (paxKeys(data, this.decoder).includes("size")) throw new TarballError("corrupt", NOT_TAR);
  }
}

/** A ustar size field: octal text, or base-256 when the high bit is set (GNU). */
function sizeOf(field: Uint8Array): number | undefined {
  let n = 0;
  if ((field[0] ?? 0) & 0x80) {
    n = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + (field[i] ?? 0);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  for (const c of field) {
    if (c === 0) break;
    if (c === 0x20) continue;
    if (c < 0x30 || c > 0x37) return undefined;
    n = n * 8 + (c - 0x30);
  }
  return n;
}

/** The keys of pax records (`<length> <key>=<value>\n`), as modern-tar splits them. */
function paxKeys(data: Uint8Array, decoder: { decode(bytes: Uint8Array): string }): string[] {
  const keys: string[] = [];
  for (let at = 0; at < data.length; ) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number.parseInt(decoder.decode(data.subarray(at, space)), 10);
    if (!(length > 0)) break;
    const record = decoder.decode(data.subarray(space + 1, at + length - 1));
    const eq = record.indexOf("=");
    if (eq > 0) keys.push(record.slice(0, eq));
    at += length;
  }
  return keys;
}

/** The source in chunks; a failure to read the download becomes an ArchiveDownloadError. */
async function* chunksOf(
  source: Uint8Array | ReadableStreamDefaultReader<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    for (let at = 0; at < source.byteLength; at += 64 * 1024) yield source.subarray(at, at + 64 * 1024);
    return;
  }
  for (;;) {
    let next: Awaited<ReturnType<typeof source.read>>;
    try {
      next = await source.read();
    } catch (error) {
      throw new ArchiveDownloadError(error);
    }
    if (next.done) return;
    yield next.value;
  }
}

/** An async iterator as a ReadableStream that pulls one chunk at a time and stops it when cancelled. */
function streamOf(chunks: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

/** An entry's data, read into one buffer of its announced size (never a list of chunks plus a copy). */
async function dataOf(entry: ParsedTarEntry): Promise<Uint8Array> {
  const data = new Uint8Array(entry.header.size);
  const reader = entry.body.getReader();
  let filled = 0;
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    if (filled + next.value.length > data.length) throw new TarballError("corrupt", NOT_TAR);
    data.set(next.value, filled);
    filled += next.value.length;
  }
  if (filled !== data.length) throw new TarballError("corrupt", NOT_TAR);
  return data;
}

const isZlibError = (error: unknown) => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && code.startsWith("Z_");
};

/**
 * The files of a GitHub tarball, read as it arrives. `commit`: the SHA that was asked for — `git archive`
 * records the commit in the pax global header, and an archive of another commit is refused.
 */
export async function treeFromTarball(
  source: TarballSource,
  limits: TarballLimits = DEFAULT_TARBALL_LIMITS,
  commit?: string,
  options: TarballReadOptions = {},
): Promise<TarballTree> {
  const announced = source instanceof Uint8Array ? source.byteLength : options.declaredBytes;
  if (announced !== undefined && announced > limits.compressedBytes) {
    if (!(source instanceof Uint8Array)) await source.cancel().catch(() => undefined);
    throw tooLargeCompressed(limits, announced);
  }

  const download = source instanceof Uint8Array ? source : source.getReader();
  let compressed = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunksOf(download)) {
      compressed += chunk.byteLength;
      if (compressed > limits.compressedBytes) throw tooLargeCompressed(limits);
      yield chunk;
    }
  }
  const gunzip = pipeline(counted(), createGunzip(), () => undefined);
  const walker = new HeaderWalker();
  let expanded = 0;
  async function* tar(): AsyncGenerator<Uint8Array> {
    for await (const chunk of gunzip as AsyncIterable<Uint8Array>) {
      expanded += chunk.byteLength;
      if (expanded > limits.uncompressedBytes) throw tooLargeExpanded(limits);
      walker.push(chunk);
      yield chunk;
    }
  }

  const files = new Map<string, Uint8Array>();
  const rejected: RejectedEntry[] = [];
  /** Bytes of the files kept: never more than the limit, whatever an entry's header claims. */
  let kept = 0;
  const reader = streamOf(tar())
    .pipeThrough(createTarDecoder({ strict: true }))
    .getReader();
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      const entry = next.value;
      const { header } = entry;
      const type = header.type ?? "file";
      const hidesBytes = walker.take(header.name);
      const recorded = header.pax?.comment;
      if (commit && typeof recorded === "string" && /^[0-9a-f]{40}$/.test(recorded) && recorded !== commit) {
        throw new TarballError(
          "wrong-commit",
          `GitHub sent the archive of commit ${recorded.slice(0, 7)} instead of ${commit.slice(0, 7)}; it was not analyzed.`,
        );
      }
      const raw = type === "directory" || type.startsWith("pax") ? undefined : repoPath(header.name);
      if (raw === undefined) {
        await entry.body.cancel();
        continue;
      }
      if (files.size + rejected.length >= limits.files) {
        throw new TarballError(
          "too-many-files",
          `The repository has more than ${limits.files} files, over the limit; it was not analyzed.`,
        );
      }
      const path = raw.normalize("NFC");
      const reason =
        rejectReason(header.name, path, type, limits) ??
        (hidesBytes && !header.pax?.path ? "unsafe-name" : undefined) ??
        (files.has(path) ? "duplicate" : undefined);
      if (reason) {
        await entry.body.cancel();
        rejected.push({ path: path.slice(0, limits.pathLength), reason });
        continue;
      }
      // An entry announcing more than the limit can hold is refused before its first byte is read.
      if (kept + header.size > limits.uncompressedBytes) throw tooLargeExpanded(limits);
      kept += header.size;
      files.set(path, await dataOf(entry));
    }
  } catch (error) {
    // Stop everything now — the download first, so no byte more arrives — not when streams wind down.
    if (!(download instanceof Uint8Array)) await download.cancel().catch(() => undefined);
    gunzip.destroy();
    await reader.cancel(error).catch(() => undefined);
    if (error instanceof TarballError || error instanceof ArchiveDownloadError) throw error;
    throw new TarballError("corrupt", isZlibError(error) ? NOT_GZIP : NOT_TAR);
  }
  return { files, rejected, bytes: expanded };
}
