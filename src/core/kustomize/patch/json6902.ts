/**
 * JSON patch (RFC 6902) as kustomize applies it: gopkg.in/evanphx/json-patch.v4 v4.12.0 semantics and
 * error texts, on plain JSON values.
 *
 * v4 leniencies kept: `replace` of a missing object key adds it; negative array indices count from the
 * end; a path without a leading "/" addresses the root's last segment; a missing `value` is null. JSON nulls behave as absent when walking a path.
 * Not here: parsing patch text (patch-text.ts), kustomize's annotation clean-up (apply-patches.ts).
 */
import { cloneJson, isJsonObject, type JsonObject, type JsonValue, setOwn } from "../resource.ts";

export type Json6902Result = { ok: true; value: JsonObject } | { ok: false; error: string };

type Container = JsonObject | JsonValue[];
class PatchError extends Error {}

const MISSING = "missing value";
const INVALID_INDEX = "invalid index referenced";

/** Apply decoded JSON patch operations to a copy of `target`. */
export function applyJson6902(target: JsonObject, ops: unknown): Json6902Result {
  if (!Array.isArray(ops)) {
    return {
      ok: false,
      error: `json: cannot unmarshal ${jsonType(ops)} into Go value of type jsonpatch.Patch`,
    };
  }
  const doc = cloneJson(target) as JsonObject;
  try {
    for (const op of ops) {
      if (op === null) throw new PatchError("Unexpected kind: unknown");
      if (!isJsonObject(op)) {
        throw new PatchError(
          `json: cannot unmarshal ${jsonType(op)} into Go value of type jsonpatch.Operation`,
        );
      }
      applyOperation(doc, op);
    }
  } catch (error) {
    if (error instanceof PatchError) return { ok: false, error: error.message };
    throw error;
  }
  return { ok: true, value: doc };
}

function applyOperation(doc: JsonObject, op: JsonObject): void {
  const kind = typeof op.op === "string" ? op.op : "unknown";
  const value = op.value === undefined ? null : cloneJson(op.value);
  switch (kind) {
    case "add": {
      const path = field(op, "path", "add operation failed to decode path: missing value");
      const [con, key] = findObject(
        doc,
        path,
        `add operation does not apply: doc is missing path: "${path}"`,
      );
      wrap(() => add(con, key, value), `error in add for path: '${path}'`);
      return;
    }
    case "remove": {
      const path = field(op, "path", "remove operation failed to decode path: missing value");
      const [con, key] = findObject(
        doc,
        path,
        `remove operation does not apply: doc is missing path: "${path}"`,
      );
      wrap(() => remove(con, key), `error in remove for path: '${path}'`);
      return;
    }
    case "replace": {
      const path = field(
        op,
        "path",
        `replace operation failed to decode path: operation missing path field: ${MISSING}`,
      );
      const [con, key] = findObject(
        doc,
        path,
        `replace operation does not apply: doc is missing path: ${path}`,
      );
      wrap(() => get(con, key), `replace operation does not apply: doc is missing key: ${path}`, true);
      set(con, key, value);
      return;
    }
    case "move": {
      const from = field(
        op,
        "from",
        `move operation failed to decode from: operation, missing from field: ${MISSING}`,
      );
      const [fcon, fkey] = findObject(
        doc,
        from,
        `move operation does not apply: doc is missing from path: ${from}`,
      );
      const val = wrap(() => get(fcon, fkey), `error in move for path: '${fkey}'`);
      wrap(() => remove(fcon, fkey), `error in move for path: '${fkey}'`);
      const path = field(
        op,
        "path",
        `move operation failed to decode path: operation missing path field: ${MISSING}`,
      );
      const [con, key] = findObject(
        doc,
        path,
        `move operation does not apply: doc is missing destination path: ${path}`,
      );
      wrap(() => add(con, key, val ?? null), `error in move for path: '${path}'`);
      return;
    }
    case "copy": {
      const from = field(
        op,
        "from",
        `copy operation failed to decode from: operation, missing from field: ${MISSING}`,
      );
      const [fcon, fkey] = findObject(
        doc,
        from,
        `copy operation does not apply: doc is missing from path: ${from}`,
      );
      const val = wrap(() => get(fcon, fkey), `error in copy for from: '${from}'`);
      const path = field(op, "path", "copy operation failed to decode path: missing value");
      const [con, key] = findObject(
        doc,
        path,
        `copy operation does not apply: doc is missing destination path: ${path}`,
      );
      wrap(() => add(con, key, cloneJson(val ?? null)), "error while adding value during copy");
      return;
    }
    case "test": {
      const path = field(
        op,
        "path",
        `test operation failed to decode path: operation missing path field: ${MISSING}`,
      );
      const [con, key] = findObject(doc, path, `test operation does not apply: is missing path: ${path}`);
      const val = wrap(() => get(con, key), `error in test for path: '${path}'`);
      const failed = `testing value ${path} failed: test failed`;
      if (val === undefined || val === null) {
        if (op.value === undefined || op.value === null) return;
        throw new PatchError(failed);
      }
      if (op.value === undefined || !docEquals(val, op.value)) throw new PatchError(failed);
      return;
    }
    default:
      throw new PatchError(`Unexpected kind: ${kind}`);
  }
}

function field(op: JsonObject, name: string, message: string): string {
  const v = op[name];
  if (typeof v !== "string") throw new PatchError(message);
  return v;
}

/** Run a container operation, prefixing its error (or, with `replaceMessage`, replacing it). */
function wrap<T>(fn: () => T, prefix: string, replaceMessage = false): T {
  try {
    return fn();
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    throw new PatchError(replaceMessage ? `${prefix}: ${MISSING}` : `${prefix}: ${error.message}`);
  }
}

/** evanphx's findObject: the container holding the last segment, or an error when a parent is missing. */
function findObject(doc: JsonObject, path: string, missing: string): [Container, string] {
  const split = path.split("/");
  if (split.length < 2) throw new PatchError(`${missing}: ${MISSING}`);
  let cur: Container = doc;
  for (const part of split.slice(1, -1)) {
    let next: JsonValue | undefined;
    try {
      next = get(cur, decodeKey(part));
    } catch {
      next = undefined;
    }
    if (next === undefined || next === null || (typeof next !== "object" && !Array.isArray(next))) {
      throw new PatchError(`${missing}: ${MISSING}`);
    }
    cur = next;
  }
  return [cur, decodeKey(split[split.length - 1] ?? "")];
}

function decodeKey(s: string): string {
  return s.replace(/~[01]/g, (m) => (m === "~1" ? "/" : "~"));
}

function atoi(key: string): number {
  if (!/^[+-]?[0-9]+$/.test(key))
    throw new PatchError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  return Number.parseInt(key, 10);
}

function invalidIndex(idx: number): PatchError {
  return new PatchError(`Unable to access invalid index: ${idx}: ${INVALID_INDEX}`);
}

function get(con: Container, key: string): JsonValue | undefined {
  if (!Array.isArray(con)) return Object.hasOwn(con, key) ? con[key] : undefined;
  const idx = atoi(key);
  if (idx >= con.length || idx < 0) throw invalidIndex(idx);
  return con[idx];
}

function set(con: Container, key: string, val: JsonValue): void {
  if (Array.isArray(con)) con[atoi(key)] = val;
  else setOwn(con, key, val);
}

function add(con: Container, key: string, val: JsonValue): void {
  if (!Array.isArray(con)) {
    setOwn(con, key, val);
    return;
  }
  if (key === "-") {
    con.push(val);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (error) {
    throw new PatchError(`value was not a proper array index: '${key}': ${(error as Error).message}`);
  }
  const size = con.length + 1;
  if (idx >= size || idx < -size) throw invalidIndex(idx);
  if (idx < 0) idx += size;
  con.splice(idx, 0, val);
}

function remove(con: Container, key: string): void {
  if (!Array.isArray(con)) {
    if (!Object.hasOwn(con, key))
      throw new PatchError(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete con[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= con.length || idx < -con.length) throw invalidIndex(idx);
  if (idx < 0) idx += con.length;
  con.splice(idx, 1);
}

/** evanphx's lazyNode.equal: structural equality (objects need the same keys; JSON text for scalars). */
function docEquals(a: JsonValue, b: JsonValue): boolean {
  if (isJsonObject(a)) {
    if (!isJsonObject(b) || Object.keys(a).length !== Object.keys(b).length) return false;
    return Object.keys(a).every((k) => Object.hasOwn(b, k) && docEquals(a[k] ?? null, b[k] ?? null));
  }
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => docEquals(x, b[i] ?? null));
  }
  return !isJsonObject(b) && !Array.isArray(b) && JSON.stringify(a) === JSON.stringify(b);
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "object") return "object";
  return typeof v === "boolean" ? "bool" : typeof v;
}
