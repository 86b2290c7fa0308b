/**
 * What source-controller puts in a GitRepository artifact (fluxcd/pkg sourceignore, storage/archive.go):
 * the repository minus symlinks and ignored files. Ignore rules are gitignore patterns from every
 * `.sourceignore` (scoped to its directory) plus the GitRepository's `spec.ignore` (scoped to the root).
 * Without any such pattern, default exclusions apply (VCS, CI, images/archives, `.sops.yaml`, …); with
 * any, only the VCS defaults remain.
 */
import ignore from "ignore";
import { basename, dirname } from "../snapshot/paths.ts";
import { createMemorySnapshot, type RepoSnapshot } from "../snapshot/repo-snapshot.ts";

const VCS = [".git/", ".gitignore", ".gitmodules", ".gitattributes"];
const DEFAULTS = [
  "*.jpg",
  "*.jpeg",
  "*.gif",
  "*.png",
  "*.wmv",
  "*.flv",
  "*.tar.gz",
  "*.zip",
  ".github/",
  ".circleci/",
  ".travis.yml",
  ".gitlab-ci.yml",
  "appveyor.yml",
  ".drone.yml",
  "cloudbuild.yaml",
  "codeship-services.yml",
  "codeship-steps.yml",
  "**/.goreleaser.yml",
  "**/.sops.yaml",
  "**/.flux.yaml",
];

export interface ArtifactFilter {
  snapshot: RepoSnapshot;
  /** Repository files left out of the artifact. */
  excluded: string[];
  /** The `.sourceignore` files that shaped it. */
  ignoreFiles: string[];
}

/**
 * go-git's gitignore matcher, which source-controller uses: each path is matched on its own; a pattern
 * matches when it matches the path or one of its parent directories; the last matching pattern decides,
 * and `!` includes again. Unlike git (and the `ignore` package's `ignores`), a file under an excluded
 * directory can be included again by a later `!` pattern (`/kubernetes/**` + `!/kubernetes/x.yaml`).
 * Each pattern gets its own `ignore` instance, whose parent-directory rule is exactly "this pattern
 * matches the path or a parent".
 */
function goGitMatcher(patterns: readonly string[]): (path: string) => boolean {
  // Without a `!` pattern nothing can be included again, and git's reading is the same (one matcher).
  if (!patterns.some((p) => p.startsWith("!"))) {
    const all = ignore().add([...patterns]);
    return (path) => all.ignores(path);
  }
  const rules = patterns.map((p) =>
    p.startsWith("!")
      ? { include: true, match: ignore().add(p.slice(1)) }
      : { include: false, match: ignore().add(p) },
  );
  return (path) => {
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i]!;
      if (rule.match.ignores(path)) return !rule.include;
    }
    return false;
  };
}

const DEFAULT_DIRS = new Set([".git", ".github", ".circleci"]);
const DEFAULT_NAMES = new Set([
  ".gitignore",
  ".gitmodules",
  ".gitattributes",
  ...DEFAULTS.filter((p) => !p.startsWith("*.") && !p.endsWith("/")).map((p) => p.replace(/^\*\*\//, "")),
]);
const DEFAULT_SUFFIXES = DEFAULTS.filter((p) => p.startsWith("*.")).map((p) => p.slice(1));

/**
 * The default exclusions (VCS + DEFAULTS) as `ignore` reads them — every pattern names one path segment,
 * at any depth, case-insensitively; the `/` ones only directories — decided per segment instead of per
 * pattern (every file of every revision is tested). test/core/flux/artifact.test.ts holds it to the
 * `ignore` matcher.
 */
export function ignoredByDefault(path: string): boolean {
  let start = 0;
  for (;;) {
    const dot = path.indexOf(".", start);
    if (dot === -1) return false;
    const slash = path.indexOf("/", start);
    const end = slash === -1 ? path.length : slash;
    if (dot < end) {
      const name = path.slice(start, end).toLowerCase();
      if (DEFAULT_NAMES.has(name) || (slash !== -1 && DEFAULT_DIRS.has(name))) return true;
      for (const suffix of DEFAULT_SUFFIXES) if (name.endsWith(suffix)) return true;
    }
    if (slash === -1) return false;
    start = slash + 1;
  }
}

/** The default exclusions through the `ignore` package, for tests of ignoredByDefault. */
export function defaultPatternMatcher(): (path: string) => boolean {
  return goGitMatcher([...VCS, ...DEFAULTS]);
}

/** Rewrite a gitignore pattern from directory `dir` so it can be matched from the repository root. */
export function scopePattern(pattern: string, dir: string): string | undefined {
  let p = pattern.replace(/\s+$/, "");
  if (p === "" || p.startsWith("#")) return undefined;
  let negate = "";
  if (p.startsWith("!")) {
    negate = "!";
    p = p.slice(1);
  }
  if (dir === "") return negate + p;
  const trailing = p.endsWith("/") ? "/" : "";
  const body = trailing ? p.slice(0, -1) : p;
  const anchored = body.startsWith("/") || body.includes("/");
  const rel = body.replace(/^\//, "");
  return `${negate}${dir}/${anchored ? "" : "**/"}${rel}${trailing}`;
}

export function artifactSnapshot(snapshot: RepoSnapshot, specIgnore?: string): ArtifactFilter {
  const ignoreFiles = snapshot.files().filter((f) => basename(f) === ".sourceignore");
  const user: string[] = [];
  for (const file of ignoreFiles) {
    const text = snapshot.readText(file);
    if (!text.ok) continue;
    for (const line of text.text.split(/\r?\n/)) {
      const scoped = scopePattern(line, dirname(file));
      if (scoped) user.push(scoped);
    }
  }
  for (const line of (specIgnore ?? "").split(/\r?\n/)) {
    const scoped = scopePattern(line, "");
    if (scoped) user.push(scoped);
  }
  const ignored = user.length === 0 ? ignoredByDefault : goGitMatcher([...VCS, ...user]);
  const kept = new Map<string, Uint8Array>();
  const excluded: string[] = [];
  for (const file of snapshot.files()) {
    if (ignored(file)) excluded.push(file);
    else kept.set(file, snapshot.read(file)!);
  }
  if (excluded.length === 0) return { snapshot, excluded, ignoreFiles };
  return {
    // A view of the same revision: it shares the snapshot's session (parses, budgets, builds).
    snapshot: createMemorySnapshot(kept, {
      symlinks: snapshot.symlinks(),
      skipped: snapshot.skipped(),
      maxFileBytes: snapshot.maxFileBytes,
      session: snapshot.session,
    }),
    excluded,
    ignoreFiles,
  };
}
