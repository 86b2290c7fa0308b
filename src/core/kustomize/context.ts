/**
 * State shared by one kustomize build: the snapshot, the diagnostics sink, the read-set (which files the
 * build's output depends on, for ownership), limits, and cached file parses.
 *
 * Every file a kustomization names is read through `readRelative`, so path escapes, symlinks, missing
 * files and undecodable content are reported the same way everywhere, and every read is recorded.
 */
import { type Diagnostic, type DiagnosticCode, type DiagnosticInit, diagnostic } from "../diagnostics.ts";
import type { AnalysisSession } from "../session.ts";
import { resolvePath } from "../snapshot/paths.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { type ByteBudget, heapCost, MiB, sizeText } from "../util/budget.ts";
import { locateLines, type YamlPath } from "../yaml/locate.ts";
import { readYamlDocuments, type YamlDocument } from "../yaml/read-documents.ts";

export interface RenderLimits {
  /** Deepest chain of kustomizations including kustomizations. */
  maxNesting: number;
  /** Kustomization directories and resource files loaded in one build, counting repeats. */
  maxExpansions: number;
  /** Resources in one build's output. */
  maxResources: number;
  /**
   * Bytes one build may materialize (about their JSON length): every resource file load (aliases
   * expanded), generated object, patch application and replacement copy. DEFAULT_MAX_BUILD_BYTES when
   * absent.
   */
  maxBytes?: number;
}

/**
 * Per build, in heapCost units (util/budget.ts): half of what a whole revision may materialize, and six
 * times what the largest repository of the real-world corpus materializes in all its builds together.
 */
export const DEFAULT_MAX_BUILD_BYTES = 32 * MiB;

export const DEFAULT_RENDER_LIMITS: RenderLimits = {
  maxNesting: 20,
  maxExpansions: 50_000,
  maxResources: 20_000,
  maxBytes: DEFAULT_MAX_BUILD_BYTES,
};

export interface ParsedFile {
  ok: boolean;
  documents: YamlDocument[];
  diagnostics: Diagnostic[];
  /** The documents' size with aliases expanded (see readYamlDocuments); what loading them costs. */
  bytes?: number;
  nodes?: number;
}

/**
 * Parsed files by path, as a base analysis carries them (pull-request.ts): a Map, or the view of a stored
 * analysis that reads each one back only when it is asked for.
 */
export interface ParsedFiles {
  get(path: string): ParsedFile | undefined;
  keys(): IterableIterator<string>;
}

/**
 * Parses are cached in the snapshot's session by path, and reused only when the text is the same — so two
 * revisions of a repository may share one session and parse each unchanged file once. A stored analysis
 * of another revision adopted by the session (its `adoptedParses`) serves the files whose text it had.
 */
export function parseFileCached(snapshot: RepoSnapshot, path: string): ParsedFile {
  const cache = snapshot.session.parsedFiles;
  const text = snapshot.readText(path);
  if (!text.ok) return { ok: false, documents: [], diagnostics: [textFailure(snapshot, path, text.reason)] };
  const hit = cache.get(path);
  if (hit && hit.text === text.text) return hit.parsed;
  // Parsed files are kept for the session: once what they hold reaches its budget, no more are parsed
  // (every build that needs one is then unknown, with this finding).
  const budget = snapshot.session.parseBudget;
  const adopted = adoptedParse(snapshot.session, path, text.text);
  if (adopted) {
    // As a parse found in the session: taken whatever is left of the budget, and charged to it.
    budget.charge(heapCost(adopted));
    cache.set(path, { text: text.text, parsed: adopted });
    return adopted;
  }
  let parsed: ParsedFile;
  if (budget.exhausted)
    parsed = { ok: false, documents: [], diagnostics: [parseBudgetFailure(path, budget)] };
  else {
    parsed = readYamlDocuments(text.text, path);
    budget.charge(heapCost(parsed));
  }
  cache.set(path, { text: text.text, parsed });
  return parsed;
}

/** True when a file was not parsed because the session's parse budget was spent. */
export function overParseBudget(parsed: ParsedFile): boolean {
  return !parsed.ok && parsed.diagnostics.some((d) => d.code === "kustomize-budget-exceeded");
}

/** The parse of `path` in an analysis the session adopted whose revision had this text for it. */
function adoptedParse(session: AnalysisSession, path: string, text: string): ParsedFile | undefined {
  for (const adopted of session.adoptedParses) {
    if (adopted.textOf(path) !== text) continue;
    const parsed = adopted.parsedFiles.get(path);
    if (parsed) return parsed;
  }
  return undefined;
}

function parseBudgetFailure(path: string, budget: ByteBudget): Diagnostic {
  return diagnostic(
    "kustomize-budget-exceeded",
    `${path} was not parsed: the YAML files this analysis parsed already hold more than ${sizeText(budget.limit)} (the engine's limit on YAML per analysis); what builds reading it apply is unknown.`,
    { file: path },
  );
}

export function textFailure(snapshot: RepoSnapshot, path: string, reason: string): Diagnostic {
  switch (reason) {
    case "too-large":
      return diagnostic(
        "file-too-large",
        `${path} is larger than ${snapshot.maxFileBytes} bytes and was not parsed.`,
        {
          file: path,
        },
      );
    case "lfs-pointer":
      return diagnostic(
        "content-unavailable",
        `${path} is a Git LFS pointer; its content is not in the repository.`,
        {
          file: path,
        },
      );
    case "not-utf8":
      return diagnostic("file-not-utf8", `${path} is binary or not valid UTF-8; it cannot be read as YAML.`, {
        file: path,
      });
    default:
      return diagnostic("kustomize-missing-path", `${path} does not exist.`, { file: path });
  }
}

/** A view of `source` that records the paths read (content) and probed (existence, listings). */
export function recordingSnapshot(
  source: RepoSnapshot,
  reads: Set<string>,
  probes: Set<string>,
): RepoSnapshot {
  return {
    read: (path) => {
      reads.add(path);
      return source.read(path);
    },
    readText: (path) => {
      reads.add(path);
      return source.readText(path);
    },
    isFile: (path) => {
      probes.add(path);
      return source.isFile(path);
    },
    isDirectory: (path) => {
      probes.add(path);
      return source.isDirectory(path);
    },
    isSymlink: (path) => {
      probes.add(path);
      return source.isSymlink(path);
    },
    list: (dir) => {
      probes.add(dir);
      return source.list(dir);
    },
    files: () => source.files(),
    symlinks: () => source.symlinks(),
    skipped: () => source.skipped(),
    maxFileBytes: source.maxFileBytes,
    session: source.session,
  };
}

export class BuildContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Files whose content the output depends on. */
  readonly reads = new Set<string>();
  /** Paths whose existence (or absence) the output depends on: probed kustomization names, walked dirs. */
  readonly probes = new Set<string>();
  expansions = 0;
  /** Bytes materialized so far (see RenderLimits.maxBytes). */
  bytes = 0;
  /** True once an error was reported: Flux would fail this build and apply nothing. */
  failed = false;
  private budgetReported = false;

  /**
   * The build's only way to the repository: every content read is added to `reads` and every existence
   * test or listing to `probes`, so the files a build depends on are complete by construction (what a
   * change can affect, and when a build of another revision may be reused).
   */
  readonly snapshot: RepoSnapshot;

  constructor(
    source: RepoSnapshot,
    readonly limits: RenderLimits = DEFAULT_RENDER_LIMITS,
    /** The allowance of the whole analysis this build belongs to, when there is one. */
    readonly budget?: ByteBudget,
  ) {
    this.snapshot = recordingSnapshot(source, this.reads, this.probes);
  }

  report(code: DiagnosticCode, message: string, init: DiagnosticInit = {}): void {
    const d = diagnostic(code, message, init);
    if (d.severity === "error") this.failed = true;
    this.diagnostics.push(d);
  }

  add(list: readonly Diagnostic[]): void {
    for (const d of list) {
      if (d.severity === "error") this.failed = true;
      // One budget finding per build says it stopped: the files it could not parse after that are not
      // listed one by one (a large repository over the budget would get thousands).
      if (d.code === "kustomize-budget-exceeded" && this.diagnostics.some((x) => x.code === d.code)) continue;
      this.diagnostics.push(d);
    }
  }

  /** True once the expansion budget ran out: Flux would fail this build, so finishing touches are skipped. */
  get budgetExceeded(): boolean {
    return this.budgetReported;
  }

  /** Count one expansion; false (and one diagnostic) once the budget is spent. */
  spend(file: string): boolean {
    this.expansions++;
    if (this.budgetReported) return false;
    if (this.expansions <= this.limits.maxExpansions) return true;
    this.exceed(
      `Render budget exceeded (expansions=${this.expansions}, limit=${this.limits.maxExpansions}); the build was stopped.`,
      { file },
    );
    return false;
  }

  /**
   * Count `bytes` about to be materialized (a file load, a generated object, a patch or replacement
   * copy) before making them; false (and one diagnostic) when this build or the whole analysis would go
   * over its allowance: the caller then skips the work, and the build stops.
   */
  charge(bytes: number, where: DiagnosticInit | (() => DiagnosticInit)): boolean {
    if (this.budgetReported) return false;
    const limit = this.limits.maxBytes ?? DEFAULT_MAX_BUILD_BYTES;
    this.bytes += bytes;
    if (this.bytes > limit) {
      this.exceed(
        `Render budget exceeded (bytes=${this.bytes}, limit=${limit}: this build copies or expands more than ${sizeText(limit)} of objects); the build was stopped and its result is unknown.`,
        where,
      );
      return false;
    }
    if (this.budget && !this.budget.charge(bytes)) {
      this.exceed(
        `Render budget exceeded (analysis bytes=${this.budget.used}, limit=${this.budget.limit}: the builds of this revision together copy or expand more than ${sizeText(this.budget.limit)} of objects); the build was stopped and its result is unknown.`,
        where,
      );
      return false;
    }
    return true;
  }

  private exceed(message: string, where: DiagnosticInit | (() => DiagnosticInit)): void {
    this.budgetReported = true;
    this.report("kustomize-budget-exceeded", message, typeof where === "function" ? where() : where);
  }
}

/** One kustomization level: the directory and the kustomization file (or the directory, when generated). */
export interface Level {
  ctx: BuildContext;
  dir: string;
  /** Path of the kustomization file, or undefined when Flux generated it. */
  file: string | undefined;
  /** Nesting depth, 0 for the root. */
  depth: number;
}

/** Where to attach a diagnostic about an entry of this level's kustomization file. */
export function levelLocation(level: Level, at?: YamlPath): { file: string; line?: number } {
  if (!at) return { file: level.file || level.dir };
  const file = level.file;
  if (!file) return { file: level.dir };
  const text = level.ctx.snapshot.readText(file);
  const line = text.ok ? locateLines(text.text, 0, [at])[0] : undefined;
  return line === undefined ? { file } : { file, line };
}

/**
 * levelLocation for the origins of what several entries make (generated ConfigMaps and Secrets): the line of
 * each is found when it is first read, for all of them at once. Most are never read (only a finding or a
 * report names them), and finding them takes a second, full parse of the kustomization file with positions:
 * about 3% of `build --all` on a repository where most apps generate a ConfigMap. Each origin holds the
 * file and a `line` getter; copies (a spread, V8's serializer, structuredClone) read it as a plain value.
 */
export function levelLocationsWhenRead(
  level: Level,
  at: readonly YamlPath[],
): Array<{ file: string; line?: number }> {
  const file = level.file;
  if (!file) return at.map(() => ({ file: level.dir }));
  // Read now, through the build's snapshot, so the file is among the build's reads as before.
  const text = level.ctx.snapshot.readText(file);
  let lines: Array<number | undefined> | undefined;
  const lineOf = (i: number): number | undefined => {
    lines ??= text.ok ? locateLines(text.text, 0, at) : [];
    return lines[i];
  };
  return at.map((_, i) => {
    const origin: { file: string; line?: number } = { file };
    Object.defineProperty(origin, "line", { enumerable: true, get: () => lineOf(i) });
    return origin;
  });
}

export type ReadResult = { ok: true; path: string; text: string } | { ok: false };

/**
 * Read a file named by this level's kustomization (a patch, a generator input). `what` describes it for
 * messages ("patch file"); `at` locates the entry in the kustomization file.
 */
export function readRelative(level: Level, rel: string, what: string, at?: YamlPath): ReadResult {
  const { ctx } = level;
  const resolved = resolvePath(level.dir, rel);
  if (!resolved.ok) {
    ctx.report(
      "path-escapes-root",
      `${what} "${rel}" resolves outside the repository root.`,
      levelLocation(level, at),
    );
    return { ok: false };
  }
  const path = resolved.path;
  if (ctx.snapshot.isSymlink(path)) {
    ctx.report(
      "path-is-symlink",
      `${what} "${rel}" is a symlink; Flux artifacts contain no symlinks.`,
      levelLocation(level, at),
    );
    return { ok: false };
  }
  ctx.reads.add(path);
  if (ctx.snapshot.isDirectory(path) && !ctx.snapshot.isFile(path)) {
    ctx.report(
      "kustomize-missing-path",
      `${what} "${rel}" is a directory; it must resolve to a file.`,
      levelLocation(level, at),
    );
    return { ok: false };
  }
  const text = ctx.snapshot.readText(path);
  if (!text.ok) {
    if (text.reason === "missing") {
      ctx.report(
        "kustomize-missing-path",
        `${what} "${rel}" (${path}) does not exist.`,
        levelLocation(level, at),
      );
    } else {
      ctx.add([textFailure(ctx.snapshot, path, text.reason)]);
    }
    return { ok: false };
  }
  return { ok: true, path, text: text.text };
}
