/**
 * The conformance oracle's model of what source-controller puts in a GitRepository artifact: regular
 * files only, minus the paths its ignore rules exclude. A port of the semantics of fluxcd/pkg
 * `sourceignore` + `sourceignore/gitignore` (go-git's matcher: each path is matched on its own, the last
 * matching pattern wins, `!` re-includes, patterns of a nested `.sourceignore` are scoped to its directory)
 * and `artifact/storage/archive.go` (`SourceIgnoreFilter`: the ext/CI/extra defaults apply only when there
 * is no user pattern at all; the VCS defaults always apply).
 *
 * Written independently of the engine (src/core/flux/artifact.ts) on purpose: it is part of the oracle.
 * Pure: callers pass the file list and a reader.
 */

export interface IgnorePattern {
  domain: string[];
  pattern: string[];
  inclusion: boolean;
  dirOnly: boolean;
  isGlob: boolean;
}

export const EXCLUDE_VCS = ".git/,.gitignore,.gitmodules,.gitattributes";
export const EXCLUDE_DEFAULTS = [
  "*.jpg,*.jpeg,*.gif,*.png,*.wmv,*.flv,*.tar.gz,*.zip",
  ".github/,.circleci/,.travis.yml,.gitlab-ci.yml,appveyor.yml,.drone.yml,cloudbuild.yaml,codeship-services.yml,codeship-steps.yml",
  "**/.goreleaser.yml,**/.sops.yaml,**/.flux.yaml",
].join(",");

export function parsePattern(raw: string, domain: readonly string[]): IgnorePattern {
  let p = raw;
  let inclusion = false;
  if (p.startsWith("!")) {
    inclusion = true;
    p = p.slice(1);
  }
  if (!p.endsWith("\\ ")) p = p.replace(/ +$/, "");
  let dirOnly = false;
  if (p.endsWith("/")) {
    dirOnly = true;
    p = p.slice(0, -1);
  }
  return { domain: [...domain], pattern: p.split("/"), inclusion, dirOnly, isGlob: p.includes("/") };
}

/** sourceignore.ReadPatterns: one pattern per line, `#` lines and blank lines skipped. */
export function readPatterns(text: string, domain: readonly string[]): IgnorePattern[] {
  return text
    .split(/\r?\n/)
    .filter((s) => !s.startsWith("#") && s.trim().length > 0)
    .map((s) => parsePattern(s, domain));
}

/** 0 = no match, 1 = exclude, 2 = include. */
export function matchPattern(p: IgnorePattern, path: readonly string[], isDir: boolean): 0 | 1 | 2 {
  if (path.length <= p.domain.length) return 0;
  for (let i = 0; i < p.domain.length; i++) if (path[i] !== p.domain[i]) return 0;
  const rest = path.slice(p.domain.length);
  const ok = p.isGlob ? globMatch(p, rest, isDir) : simpleNameMatch(p, rest, isDir);
  if (!ok) return 0;
  return p.inclusion ? 2 : 1;
}

function simpleNameMatch(p: IgnorePattern, path: readonly string[], isDir: boolean): boolean {
  for (let i = 0; i < path.length; i++) {
    const m = goFilepathMatch(p.pattern[0] ?? "", path[i] ?? "");
    if (m === "error") return false;
    if (!m) continue;
    if (p.dirOnly && !isDir && i === path.length - 1) return false;
    return true;
  }
  return false;
}

function globMatch(p: IgnorePattern, input: readonly string[], isDir: boolean): boolean {
  let path = [...input];
  let matched = false;
  let canTraverse = false;
  for (let i = 0; i < p.pattern.length; i++) {
    const pat = p.pattern[i] ?? "";
    if (pat === "") {
      canTraverse = false;
      continue;
    }
    if (pat === "**") {
      if (i === p.pattern.length - 1) break;
      canTraverse = true;
      continue;
    }
    if (pat.includes("**")) return false;
    if (path.length === 0) return false;
    if (canTraverse) {
      canTraverse = false;
      while (path.length > 0) {
        const e = path[0] ?? "";
        path = path.slice(1);
        const m = goFilepathMatch(pat, e);
        if (m === "error") return false;
        if (m) {
          matched = true;
          break;
        }
        if (path.length === 0) matched = false;
      }
    } else {
      const m = goFilepathMatch(pat, path[0] ?? "");
      if (m === "error" || !m) return false;
      matched = true;
      path = path.slice(1);
    }
  }
  if (matched && p.dirOnly && !isDir && path.length === 0) matched = false;
  return matched;
}

/** Go's path/filepath.Match for one path component: `*`, `?`, `[...]` classes (with `^`), `\` escapes. */
export function goFilepathMatch(pattern: string, name: string): boolean | "error" {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? "";
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "\\") {
      i++;
      if (i >= pattern.length) return "error";
      re += escapeRegex(pattern[i] ?? "");
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) return "error";
      let body = pattern.slice(i + 1, end);
      let negate = false;
      if (body.startsWith("^")) {
        negate = true;
        body = body.slice(1);
      }
      if (body === "") return "error";
      re += `[${negate ? "^" : ""}${body.replace(/[\]\\^]/g, (m) => `\\${m}`)}]`;
      i = end;
    } else re += escapeRegex(c);
  }
  try {
    return new RegExp(`${re}$`, "su").test(name);
  } catch {
    return "error";
  }
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** The matcher: patterns in increasing priority; the last one that matches decides. */
export function isExcluded(
  patterns: readonly IgnorePattern[],
  path: readonly string[],
  isDir: boolean,
): boolean {
  for (let i = patterns.length - 1; i >= 0; i--) {
    const m = matchPattern(patterns[i]!, path, isDir);
    if (m !== 0) return m === 1;
  }
  return false;
}

/**
 * The patterns source-controller applies to a GitRepository checkout: every `.sourceignore` (loaded
 * depth-first in name order, the root's first, `.git` skipped), then `spec.ignore`; VCS defaults always,
 * the other defaults only when there is no user pattern.
 */
export function artifactPatterns(
  files: readonly string[],
  readText: (path: string) => string | undefined,
  specIgnore: string | undefined,
): IgnorePattern[] {
  const ignoreFiles = files
    .filter((f) => f === ".sourceignore" || f.endsWith("/.sourceignore"))
    .filter((f) => !f.split("/").includes(".git"))
    .sort(compareLoadOrder);
  const user: IgnorePattern[] = [];
  for (const f of ignoreFiles) {
    const domain = f.split("/").slice(0, -1);
    user.push(...readPatterns(readText(f) ?? "", domain));
  }
  if (specIgnore !== undefined) user.push(...readPatterns(specIgnore, []));
  const vcs = EXCLUDE_VCS.split(",").map((p) => parsePattern(p, []));
  if (user.length > 0) return [...vcs, ...user];
  return [...vcs, ...EXCLUDE_DEFAULTS.split(",").map((p) => parsePattern(p, []))];
}

/** LoadIgnorePatterns order: a directory's own file before its subdirectories, subdirectories by name. */
function compareLoadOrder(a: string, b: string): number {
  const da = a.split("/").slice(0, -1);
  const db = b.split("/").slice(0, -1);
  for (let i = 0; i < Math.min(da.length, db.length); i++) {
    if (da[i] !== db[i]) return (da[i] ?? "") < (db[i] ?? "") ? -1 : 1;
  }
  return da.length - db.length;
}

/** Regular files that survive the artifact filter. */
export function artifactFiles(
  files: readonly string[],
  readText: (path: string) => string | undefined,
  specIgnore: string | undefined,
): string[] {
  const patterns = artifactPatterns(files, readText, specIgnore);
  return files.filter((f) => !isExcluded(patterns, f.split("/"), false));
}
