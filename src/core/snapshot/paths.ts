/**
 * POSIX path helpers for repository-relative paths.
 *
 * A repository path never starts with "/" or "./" and never contains "." or ".." segments; the root is "".
 * Every reference found in a repository (kustomization entries, spec.path, generator files) is resolved
 * through these helpers so that escaping the root is detected in one place.
 */

export type ResolvedPath = { ok: true; path: string } | { ok: false; reason: "escapes-root" | "absolute" };

const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)/;

/** Normalize a repository-relative path: drop "./", "//", trailing "/", resolve "..". */
export function normalizePath(p: string): ResolvedPath {
  if (p.startsWith("/")) return { ok: false, reason: "absolute" };
  // Most paths are already normal (every path of a snapshot): nothing to drop or resolve.
  if (p !== "" && !p.endsWith("/") && !p.includes("//") && !DOT_SEGMENT.test(p)) return { ok: true, path: p };
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length === 0) return { ok: false, reason: "escapes-root" };
      out.pop();
      continue;
    }
    out.push(seg);
  }
  return { ok: true, path: out.join("/") };
}

/** Resolve `rel` against directory `dir` (both repository-relative). */
export function resolvePath(dir: string, rel: string): ResolvedPath {
  if (rel.startsWith("/")) return { ok: false, reason: "absolute" };
  return normalizePath(dir === "" ? rel : `${dir}/${rel}`);
}

/**
 * Flux's `securejoin.SecureJoin(root, spec.path)`: the path is read as if the root were "/", so leading
 * "/" and "../" are clamped at the root and it can never escape.
 */
export function secureJoin(p: string): string {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      out.pop();
      continue;
    }
    out.push(seg);
  }
  return out.join("/");
}

export function dirname(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? "" : p.slice(0, i);
}

export function basename(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? p : p.slice(i + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

/** Path of `p` relative to directory `from`, with "../" where needed (both repository-relative). */
export function relativePath(from: string, p: string): string {
  const a = from === "" ? [] : from.split("/");
  const b = p === "" ? [] : p.split("/");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const up = a.slice(i).map(() => "..");
  return [...up, ...b.slice(i)].join("/") || ".";
}

/** True when `p` equals `dir` or lies below it. */
export function isWithin(p: string, dir: string): boolean {
  return dir === "" || p === dir || p.startsWith(`${dir}/`);
}

/** Byte-wise comparison, the order Go's sort.Strings and filepath.Walk use. */
export function compareBytewise(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * kustomize's test for a remote resource: a URL scheme, an scp-like git address, or a host-looking first
 * segment ("github.com/org/repo//path?ref=v1"). Callers check local existence first, as kustomize does.
 */
export function looksRemote(entry: string): boolean {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(entry)) return true;
  if (entry.startsWith("git@") || entry.startsWith("git::")) return true;
  if (/^[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+(:\d+)?\//.test(entry) && !entry.startsWith(".")) return true;
  return entry.includes("?ref=") || entry.includes("//");
}
