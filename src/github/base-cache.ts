/**
 * The cache of base analyses: what a pull request's analysis computes from its base commit alone (the
 * core's BaseAnalysis: model, checks, parses and builds), stored once per repository, commit,
 * configuration, analysis options and engine build, so the next pull request against the same commit of
 * the default branch analyzes only its head.
 *
 * When the branch has moved on, the newest stored analysis (`latest`) is the starting point: the new commit
 * is analyzed from it and the files changed since (the core's analyzeBase with an earlier base).
 *
 * A base analysis is a function of the commit's content, which no pull request can change (the merge base
 * is an ancestor of the base branch), the default branch's configuration and the engine: all are in the key,
 * so an entry is never stale. The engine build is the deploy (Netlify's deploy id) — code changes, entries
 * change. Entries are serialized with V8's structured clone (the analysis shares objects between its
 * model and its builds; JSON would copy them) and gzip-compressed. Each parsed file is serialized on its
 * own and read back only if the analysis asks for it: a pull request's head asks for the few its change
 * re-renders, and reading every parse back was a quarter of reading the entry (synthetic 10×: 2,164
 * files).
 *
 * The cache never decides anything: an entry that cannot be read, is corrupt or is of another format is a
 * miss (the base is analyzed, as without a cache), and a write that fails is logged and forgotten. Entries
 * hold repository content (rendered objects, as the analysis does), stay in the App's own store, and only
 * the newest KEEP per repository are kept.
 */
import { createHash } from "node:crypto";
import { deserialize, serialize } from "node:v8";
import { gunzipSync, gzipSync } from "node:zlib";
import type { AppConfig } from "../core/config/index.ts";
import {
  type AnalyzeOptions,
  type BaseAnalysis,
  isBaseAnalysis,
  type ParsedFile,
  type ParsedFiles,
} from "../core/index.ts";

/** Where entries live: a Netlify Blobs store in the App, memory in tests. */
export interface BytesStore {
  get(key: string): Promise<Uint8Array | undefined>;
  /** `stored`: epoch ms, kept as metadata for pruning. */
  set(key: string, bytes: Uint8Array, stored: number): Promise<void>;
  list(prefix: string): Promise<Array<{ key: string; stored: number }>>;
  delete(key: string): Promise<void>;
}

export interface BaseCacheLog {
  info(msg: string): void;
  warn(msg: string): void;
}

/** Entries kept per repository: the default branch's recent commits that open pull requests start from. */
export const KEEP = 5;

export class BaseAnalysisCache {
  constructor(
    private readonly store: BytesStore,
    /** The engine build (the deploy): part of every key. */
    private readonly engine: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The key of a commit's base analysis under a configuration and analysis options. */
  key(
    repo: { owner: string; repo: string },
    sha: string,
    config: AppConfig,
    analyze: AnalyzeOptions,
  ): string {
    return `${prefixOf(repo)}${sha}-${this.digest(config, analyze)}`;
  }

  private digest(config: AppConfig, analyze: AnalyzeOptions): string {
    return createHash("sha256")
      .update(JSON.stringify([this.engine, config, analyze]))
      .digest("hex")
      .slice(0, 32);
  }

  /**
   * The newest stored analysis of the repository under the same configuration, options and engine (of
   * whichever commit), for analyzing another commit from it; undefined when there is none — never throws.
   */
  async latest(
    repo: { owner: string; repo: string },
    config: AppConfig,
    analyze: AnalyzeOptions,
    log?: BaseCacheLog,
  ): Promise<{ sha: string; analysis: BaseAnalysis } | undefined> {
    const prefix = prefixOf(repo);
    const suffix = `-${this.digest(config, analyze)}`;
    let entries: Array<{ key: string; stored: number }>;
    try {
      entries = await this.store.list(prefix);
    } catch (error) {
      log?.warn(`base analysis cache: could not list ${prefix}: ${reason(error)}`);
      return undefined;
    }
    const newest = entries.filter((e) => e.key.endsWith(suffix)).sort((a, b) => b.stored - a.stored)[0];
    if (!newest) return undefined;
    const analysis = await this.load(newest.key, log);
    return analysis ? { sha: newest.key.slice(prefix.length, -suffix.length), analysis } : undefined;
  }

  /** The stored analysis, or undefined (a miss) — never throws. */
  async load(key: string, log?: BaseCacheLog): Promise<BaseAnalysis | undefined> {
    try {
      const bytes = await this.store.get(key);
      if (!bytes) return undefined;
      const value = unpackParses(deserialize(gunzipWhole(bytes)));
      if (isBaseAnalysis(value)) return value;
      log?.warn(`base analysis cache: entry ${key} is not a base analysis of this format; ignored`);
    } catch (error) {
      log?.warn(`base analysis cache: could not read ${key}: ${reason(error)}`);
    }
    return undefined;
  }

  /** Stores an analysis and prunes the repository's older entries — never throws. */
  async save(key: string, analysis: BaseAnalysis, log?: BaseCacheLog): Promise<void> {
    try {
      await this.store.set(key, gzipSync(serialize(packParses(analysis)), { level: 1 }), this.now());
      const prefix = key.slice(0, key.lastIndexOf("/") + 1);
      const entries = await this.store.list(prefix);
      const old = entries.sort((a, b) => b.stored - a.stored).slice(KEEP);
      for (const e of old) await this.store.delete(e.key);
    } catch (error) {
      log?.warn(`base analysis cache: could not store ${key}: ${reason(error)}`);
    }
  }
}

/** Entries up to this size (uncompressed) are inflated into one buffer of their size. */
const WHOLE_INFLATE_LIMIT = 64 * 1024 * 1024;

/**
 * gunzipSync into one buffer of the size gzip's trailer gives, instead of zlib's 16 KiB chunks joined at
 * the end: that copy was a fifth of inflating a 13 MB entry. The trailer's size only sizes the buffer
 * (zlib still checks the data and adds chunks if it was wrong), and is bounded.
 */
function gunzipWhole(bytes: Uint8Array): Buffer {
  const size =
    bytes.length >= 18
      ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readUInt32LE(bytes.length - 4)
      : 0;
  return gunzipSync(bytes, size > 0 && size < WHOLE_INFLATE_LIMIT ? { chunkSize: size + 1 } : {});
}

/** The analysis as stored: each parsed file serialized on its own (LazyParsedFiles reads it back). */
function packParses(analysis: BaseAnalysis): unknown {
  const packed = new Map<string, Uint8Array>();
  for (const path of analysis.reuse.parsedFiles.keys()) {
    const parsed = analysis.reuse.parsedFiles.get(path);
    if (parsed) packed.set(path, serialize(parsed));
  }
  return { ...analysis, reuse: { ...analysis.reuse, parsedFiles: packed } };
}

/** A stored entry with its packed parses behind a LazyParsedFiles; anything else is returned as it is. */
function unpackParses(value: unknown): unknown {
  const reuse = (value as { reuse?: { parsedFiles?: unknown } } | null)?.reuse;
  if (!(reuse?.parsedFiles instanceof Map)) return value;
  for (const bytes of reuse.parsedFiles.values()) if (!(bytes instanceof Uint8Array)) return value;
  return {
    ...(value as object),
    reuse: { ...reuse, parsedFiles: new LazyParsedFiles(reuse.parsedFiles as Map<string, Uint8Array>) },
  };
}

/**
 * A stored analysis' parsed files, each read back (V8's deserialization) the first time it is asked for.
 * A parse that cannot be read back is missing: the file is then parsed again, as without a cache.
 */
export class LazyParsedFiles implements ParsedFiles {
  private readonly read = new Map<string, ParsedFile | undefined>();

  constructor(private readonly packed: ReadonlyMap<string, Uint8Array>) {}

  /** How many parses were read back so far. */
  get readBack(): number {
    return this.read.size;
  }

  keys(): IterableIterator<string> {
    return this.packed.keys();
  }

  get(path: string): ParsedFile | undefined {
    if (this.read.has(path)) return this.read.get(path);
    const bytes = this.packed.get(path);
    let parsed: ParsedFile | undefined;
    try {
      const value: unknown = bytes === undefined ? undefined : deserialize(bytes);
      parsed = isParsedFile(value) ? value : undefined;
    } catch {
      parsed = undefined;
    }
    this.read.set(path, parsed);
    return parsed;
  }
}

function isParsedFile(value: unknown): value is ParsedFile {
  const v = value as Partial<ParsedFile> | null;
  return (
    typeof v === "object" &&
    v !== null &&
    typeof v.ok === "boolean" &&
    Array.isArray(v.documents) &&
    Array.isArray(v.diagnostics)
  );
}

function prefixOf(repo: { owner: string; repo: string }): string {
  return `base-analysis/${encodeURIComponent(repo.owner.toLowerCase())}/${encodeURIComponent(repo.repo.toLowerCase())}/`;
}

function reason(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : "unknown error";
}

/** A store in memory (tests, and the local server when nothing else is configured). */
export class MemoryBytesStore implements BytesStore {
  readonly entries = new Map<string, { bytes: Uint8Array; stored: number }>();

  async get(key: string) {
    return this.entries.get(key)?.bytes;
  }
  async set(key: string, bytes: Uint8Array, stored: number) {
    this.entries.set(key, { bytes, stored });
  }
  async list(prefix: string) {
    return [...this.entries]
      .filter(([k]) => k.startsWith(prefix))
      .map(([key, e]) => ({ key, stored: e.stored }));
  }
  async delete(key: string) {
    this.entries.delete(key);
  }
}
