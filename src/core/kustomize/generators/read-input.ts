/**
 * Reading a generator input file as bytes. Generator files may be binary (a ConfigMap then uses
 * binaryData, a Secret base64s anything), keep a leading BOM and may hold NUL bytes, so the text reader
 * `readRelative` does not fit; this mirrors its checks (escape, symlink, directory, missing, size, LFS
 * pointer) and records the read, but returns the raw content.
 */

import { resolvePath } from "../../snapshot/paths.ts";
import type { YamlPath } from "../../yaml/locate.ts";
import { type Level, levelLocation, textFailure } from "../context.ts";

const LFS_PREFIX = new TextEncoder().encode("version https://git-lfs.github.com/spec/v1");

export function readInputBytes(
  level: Level,
  rel: string,
  what: string,
  at: YamlPath,
): Uint8Array | undefined {
  const { ctx } = level;
  // kustomize fetches an http(s) file (its loader does, and Flux lets it); this engine never fetches.
  if (/^https?:\/\//i.test(rel)) {
    ctx.report(
      "kustomize-remote-resource",
      `${what} "${rel}" is remote: never fetched, so what it generates is not rendered; changes inside it are not analysed.`,
      levelLocation(level, at),
    );
    return undefined;
  }
  const resolved = resolvePath(level.dir, rel);
  if (!resolved.ok) {
    ctx.report(
      "path-escapes-root",
      `${what} "${rel}" resolves outside the repository root.`,
      levelLocation(level, at),
    );
    return undefined;
  }
  const path = resolved.path;
  if (ctx.snapshot.isSymlink(path)) {
    ctx.report(
      "path-is-symlink",
      `${what} "${rel}" is a symlink; Flux artifacts contain no symlinks.`,
      levelLocation(level, at),
    );
    return undefined;
  }
  ctx.reads.add(path);
  const bytes = ctx.snapshot.read(path);
  if (bytes === undefined) {
    const message = ctx.snapshot.isDirectory(path)
      ? `${what} "${rel}" is a directory; it must resolve to a file.`
      : `${what} "${rel}" (${path}) does not exist.`;
    ctx.report("kustomize-missing-path", message, levelLocation(level, at));
    return undefined;
  }
  if (bytes.byteLength > ctx.snapshot.maxFileBytes) {
    ctx.add([textFailure(ctx.snapshot, path, "too-large")]);
    return undefined;
  }
  if (startsWith(bytes, LFS_PREFIX)) {
    ctx.add([textFailure(ctx.snapshot, path, "lfs-pointer")]);
    return undefined;
  }
  return bytes;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}
