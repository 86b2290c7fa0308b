/**
 * Leaf-by-leaf comparison of two effective-values trees. Maps are compared key by key (keys in byte
 * order), lists item by item ("[i]"; items past the shorter list are added/removed leaves — a list is
 * never reported wholesale); a leaf is a scalar or an empty map/list. Where a map or list meets a scalar,
 * the old leaves are removed and the new ones added. Output is in walk order (sorted keys, numeric
 * indexes). Paths at or under a secret path carry `secret: true` and no value text. Iterative.
 */
import { isJsonObject, type JsonValue } from "../kustomize/resource.ts";
import { maskCredentials } from "../secrets/mask.ts";
import type { PathSegment } from "./helm-strvals.ts";
import { childPath } from "./helm-value-paths.ts";
import type { ValueChange } from "./types.ts";

const MAX_TEXT = 80;

export function diffValues(
  base: JsonValue | undefined,
  head: JsonValue | undefined,
  secretPaths: ReadonlySet<string>,
): ValueChange[] {
  const out: ValueChange[] = [];
  type Task = { path: string; a: JsonValue | undefined; b: JsonValue | undefined; secret: boolean };
  const stack: Task[] = [{ path: "", a: base ?? {}, b: head ?? {}, secret: false }];
  while (stack.length > 0) {
    const { path, a, b, secret } = stack.pop()!;
    if (sameContainerKind(a, b)) {
      const segments = mergedSegments(a!, b!);
      for (let i = segments.length - 1; i >= 0; i--) {
        const seg = segments[i]!;
        const p = childPath(path, seg);
        stack.push({ path: p, a: child(a!, seg), b: child(b!, seg), secret: secret || secretPaths.has(p) });
      }
      continue;
    }
    if (containerKind(a) === undefined && containerKind(b) === undefined) {
      if (a === undefined && b === undefined) continue;
      if (a === b) continue;
      out.push(change(path, a, b, secret));
      continue;
    }
    // A non-empty container meets a scalar (or nothing): old leaves go, new leaves come.
    const removed: ValueChange[] = [];
    const added: ValueChange[] = [];
    collectLeaves(path, a, secret, secretPaths, (p, v, s) => removed.push(change(p, v, undefined, s)));
    collectLeaves(path, b, secret, secretPaths, (p, v, s) => added.push(change(p, undefined, v, s)));
    out.push(...removed, ...added);
  }
  return out;
}

/** "map"/"list" for a non-empty container; undefined for scalars, empty containers and absence. */
function containerKind(v: JsonValue | undefined): "map" | "list" | undefined {
  if (Array.isArray(v)) return v.length > 0 ? "list" : undefined;
  if (isJsonObject(v)) return Object.keys(v).length > 0 ? "map" : undefined;
  return undefined;
}

function sameContainerKind(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return (Array.isArray(a) && Array.isArray(b)) || (isJsonObject(a) && isJsonObject(b));
}

function mergedSegments(a: JsonValue, b: JsonValue): PathSegment[] {
  if (Array.isArray(a) && Array.isArray(b))
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => i);
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  return [...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

function child(v: JsonValue, seg: PathSegment): JsonValue | undefined {
  if (Array.isArray(v)) return typeof seg === "number" && seg < v.length ? v[seg] : undefined;
  if (isJsonObject(v) && typeof seg === "string" && Object.hasOwn(v, seg)) return v[seg];
  return undefined;
}

function collectLeaves(
  root: string,
  v: JsonValue | undefined,
  secret: boolean,
  secretPaths: ReadonlySet<string>,
  emit: (path: string, v: JsonValue, secret: boolean) => void,
): void {
  if (v === undefined) return;
  const stack: Array<[string, JsonValue, boolean]> = [[root, v, secret]];
  while (stack.length > 0) {
    const [path, value, s] = stack.pop()!;
    if (containerKind(value) === undefined) {
      emit(path, value, s);
      continue;
    }
    const segments = mergedSegments(value, value);
    for (let i = segments.length - 1; i >= 0; i--) {
      const seg = segments[i]!;
      const p = childPath(path, seg);
      stack.push([p, child(value, seg)!, s || secretPaths.has(p)]);
    }
  }
}

function change(
  path: string,
  a: JsonValue | undefined,
  b: JsonValue | undefined,
  secret: boolean,
): ValueChange {
  const c: ValueChange = {
    path,
    change: a === undefined ? "added" : b === undefined ? "removed" : "modified",
    secret,
  };
  if (!secret) {
    if (a !== undefined) c.from = maskedValue(path, shortText(a));
    if (b !== undefined) c.to = maskedValue(path, shortText(b));
  }
  return c;
}

/** The value with credentials replaced by fingerprints, judged with its key (`auth.password: …`). */
function maskedValue(path: string, text: string): string {
  const key = /[A-Za-z0-9_.-]*$/.exec(path.split(".").pop() ?? "")?.[0] || "value";
  const line = `${key}: ${text}`;
  const masked = maskCredentials(line, { heuristic: true });
  return masked === line ? text : masked.slice(key.length + 2);
}

/** A scalar as one short line: strings as written (JSON-quoted when multi-line), others as JSON. */
export function shortText(v: JsonValue): string {
  let t = typeof v === "string" ? (/[\r\n\t]/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v);
  if (t.length > MAX_TEXT) t = `${t.slice(0, MAX_TEXT - 1)}…`;
  return t;
}
