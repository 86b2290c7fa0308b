/**
 * Paths into Helm values as text, in `--set` syntax: keys joined by ".", list items as "[i]", and ".",
 * "[", "]" and "\" inside a key escaped with "\" (so "a\.b.c" is key "a.b" then "c"). Used for
 * ValueChange paths and for the secret-path set, so both sides agree on one spelling.
 */
import type { PathSegment } from "./helm-strvals.ts";

export function escapeKey(key: string): string {
  return key.replace(/[\\.[\]]/g, (c) => `\\${c}`);
}

export function childPath(parent: string, segment: PathSegment): string {
  if (typeof segment === "number") return `${parent}[${segment}]`;
  return parent === "" ? escapeKey(segment) : `${parent}.${escapeKey(segment)}`;
}

export function pathText(segments: readonly PathSegment[]): string {
  let text = "";
  for (const s of segments) text = childPath(text, s);
  return text;
}
