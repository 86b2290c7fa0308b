/**
 * Helm's `--set` parser (helm.sh/helm/v4 pkg/strvals: ParseInto, ParseIntoString) and Flux's
 * ReplacePathValue / ReplacePathLiteralValue (fluxcd/pkg chartutil/values.go), which helm-controller uses
 * for a valuesFrom reference with a `targetPath`.
 *
 * A port of the semantics, including the sharp edges: the line is `path=value`, so a comma in the value
 * starts another `key=value` pair; `\` escapes the next character in keys and values; `{a,b}` is a list;
 * values are typed (true/false/null, base-10 integers without a leading zero) unless strings are forced;
 * maps and lists already in `dest` are modified in place (Go's aliasing is reproduced on purpose: it decides
 * whether a targetPath value or an inline value wins). Errors are returned as text, never thrown — except
 * EngineLimit, when the lines would grow lists past MAX_LIST_GROWTH entries (a bound Helm does not have).
 * Not ported: `--set-json`, `--set-file`.
 */
import { EngineLimit } from "../diagnostics.ts";
import { isJsonObject, type JsonObject, type JsonValue, setOwn } from "../kustomize/resource.ts";

/** A key in a map or an index in a list. */
export type PathSegment = string | number;

/** Largest list index strvals accepts (strvals.MaxIndex). */
const MAX_INDEX = 65536;
/** Largest `a.b.c` nesting (strvals.MaxNestedNameLevel). */
const MAX_NESTED_NAME_LEVEL = 30;
/** Our own bound on `[0][0]…` nesting (unbounded upstream): keeps the recursion shallow. */
const MAX_NESTED_INDEX_LEVEL = 100;
/**
 * Our own bound on the list entries one Scanner's lines may create by indexing past a list's end: each
 * `a[65536]=1` (14 characters) makes 65,537 entries, so a 1 MB value could ask for billions.
 */
export const MAX_LIST_GROWTH = 1_000_000;

/** List entries created so far, shared by the lines parsed into one set of values. */
export interface GrowthMeter {
  entries: number;
}

const EOF = Symbol("EOF");
const NOT_LIST = Symbol("not a list");
type Err = string | typeof EOF | undefined;

interface Scanner {
  runes: string[];
  pos: number;
  stringValues: boolean;
  onSet: ((path: PathSegment[]) => void) | undefined;
  growth: GrowthMeter;
}

/**
 * Parse a `--set` line into `dest` (ParseInto, or ParseIntoString when `stringValues`). Returns the error
 * text Helm would report, or undefined. `onSet` receives the path of every value set.
 */
export function parseSetInto(
  line: string,
  dest: JsonObject,
  stringValues: boolean,
  onSet?: (path: PathSegment[]) => void,
  growth: GrowthMeter = { entries: 0 },
): string | undefined {
  const sc: Scanner = { runes: Array.from(line), pos: 0, stringValues, onSet, growth };
  for (;;) {
    const err = key(sc, dest, 0, []);
    if (err === undefined) continue;
    return err === EOF ? undefined : err;
  }
}

/** Flux's ReplacePathValue: a value wrapped in quotes is set as a string (quotes trimmed), else typed. */
export function replacePathValue(
  values: JsonObject,
  path: string,
  value: string,
  onSet?: (path: PathSegment[]) => void,
  growth?: GrowthMeter,
): string | undefined {
  const quoted =
    (value.startsWith("'") && value.endsWith("'")) || (value.startsWith('"') && value.endsWith('"'));
  if (quoted)
    return parseSetInto(`${path}=${value.replace(/^['"]+|['"]+$/g, "")}`, values, true, onSet, growth);
  return parseSetInto(`${path}=${value}`, values, false, onSet, growth);
}

/** Flux's ReplacePathLiteralValue (`literal: true`): the value is set verbatim as a string. */
export function replacePathLiteralValue(
  values: JsonObject,
  path: string,
  value: string,
  onSet?: (path: PathSegment[]) => void,
  growth?: GrowthMeter,
): string | undefined {
  const escaped = value.replace(/[\\,[\]{}]/g, (c) => `\\${c}`);
  return parseSetInto(`${path}=${escaped}`, values, true, onSet, growth);
}

function readRune(sc: Scanner): string | undefined {
  return sc.pos < sc.runes.length ? sc.runes[sc.pos++] : undefined;
}

/** Read until one of `stop` (consumed, returned as `last`) or the end (`last` undefined). */
function runesUntil(sc: Scanner, stop: string): { v: string; last: string | undefined } {
  let v = "";
  for (;;) {
    const r = readRune(sc);
    if (r === undefined) return { v, last: undefined };
    if (stop.includes(r)) return { v, last: r };
    if (r === "\\") {
      const next = readRune(sc);
      if (next === undefined) return { v, last: undefined };
      v += next;
    } else v += r;
  }
}

function key(sc: Scanner, data: JsonObject, level: number, path: PathSegment[]): Err {
  const { v: k, last } = runesUntil(sc, "=[,.");
  if (last === undefined) return k.length === 0 ? EOF : `key ${JSON.stringify(k)} has no value`;
  if (last === "[") {
    const i = keyIndex(sc);
    if (typeof i !== "number") return i === EOF ? EOF : `error parsing index: ${i}`;
    let list: JsonValue[] = [];
    if (Object.hasOwn(data, k)) {
      const existing = data[k];
      if (!Array.isArray(existing)) return `unable to parse key: ${JSON.stringify(k)} is not a list`;
      list = existing;
    }
    const [next, err] = listItem(sc, list, i, level, 0, [...path, k, i]);
    set(data, k, next);
    return err;
  }
  if (last === "=") {
    const vl = valList(sc);
    if (Array.isArray(vl)) return setValue(sc, data, k, vl, path);
    if (vl === EOF) {
      setValue(sc, data, k, "", path);
      return EOF;
    }
    if (vl === NOT_LIST) {
      // Go returns the reader's (nil) error here, not the end of input: the caller keeps the value.
      return setValue(sc, data, k, typedVal(runesUntil(sc, ",").v, sc.stringValues), path);
    }
    return vl;
  }
  if (last === ",") {
    set(data, k, "");
    return `key ${JSON.stringify(k)} has no value (cannot end with ,)`;
  }
  // last === "."
  if (level + 1 > MAX_NESTED_NAME_LEVEL)
    return `value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`;
  let inner: JsonObject = {};
  if (Object.hasOwn(data, k)) {
    const existing = data[k];
    if (!isJsonObject(existing)) return `unable to parse key: ${JSON.stringify(k)} is not a map`;
    inner = existing;
  }
  const err = key(sc, inner, level + 1, [...path, k]);
  const empty = Object.keys(inner).length === 0;
  if (err === undefined && empty) return `key map ${JSON.stringify(k)} has no value`;
  if (!empty) set(data, k, inner);
  return err;
}

function set(data: JsonObject, k: string, value: JsonValue): void {
  if (k !== "") setOwn(data, k, value);
}

function setValue(
  sc: Scanner,
  data: JsonObject,
  k: string,
  value: JsonValue,
  path: PathSegment[],
): undefined {
  if (k === "") return undefined;
  setOwn(data, k, value);
  sc.onSet?.([...path, k]);
  return undefined;
}

function keyIndex(sc: Scanner): number | string | typeof EOF {
  const { v, last } = runesUntil(sc, "]");
  if (last === undefined) return EOF;
  if (!/^[+-]?\d+$/.test(v)) return `strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) return `strconv.Atoi: parsing ${JSON.stringify(v)}: value out of range`;
  return n;
}

/** Go's setIndex: grows the list (a new array) or writes in place. */
function setIndex(
  list: JsonValue[],
  index: number,
  value: JsonValue,
  growth: GrowthMeter,
): [JsonValue[], Err] {
  if (index < 0) return [list, `negative ${index} index not allowed`];
  if (index > MAX_INDEX)
    return [list, `index of ${index} is greater than maximum supported index of ${MAX_INDEX}`];
  let out = list;
  if (out.length <= index) {
    // Growing copies the list: the copy's length is what it costs.
    growth.entries += index + 1;
    if (growth.entries > MAX_LIST_GROWTH)
      throw new EngineLimit(
        `--set list indices in values would create more than ${MAX_LIST_GROWTH} list entries`,
      );
    out = [...list];
    while (out.length <= index) out.push(null);
  }
  out[index] = value;
  return [out, undefined];
}

function listItem(
  sc: Scanner,
  list: JsonValue[],
  i: number,
  level: number,
  depth: number,
  path: PathSegment[],
): [JsonValue[], Err] {
  if (i < 0) return [list, `negative ${i} index not allowed`];
  if (depth > MAX_NESTED_INDEX_LEVEL) return [list, "list index nesting is too deep"];
  const { v: k, last } = runesUntil(sc, "[.=");
  if (k.length > 0) return [list, `unexpected data at end of array index: ${JSON.stringify(k)}`];
  if (last === undefined) return [list, EOF];
  if (last === "=") {
    const vl = valList(sc);
    let value: JsonValue;
    if (Array.isArray(vl)) value = vl;
    else if (vl === EOF) value = "";
    else if (vl === NOT_LIST) value = typedVal(runesUntil(sc, ",").v, sc.stringValues);
    else return [list, vl];
    const result = setIndex(list, i, value, sc.growth);
    if (result[1] === undefined) sc.onSet?.(path);
    return result;
  }
  if (last === "[") {
    const next = keyIndex(sc);
    if (typeof next !== "number") return [list, next === EOF ? EOF : `error parsing index: ${next}`];
    let current: JsonValue[] = [];
    if (list.length > i) {
      const existing = list[i];
      if (existing !== null && existing !== undefined) {
        if (!Array.isArray(existing)) return [list, `unable to parse key: index ${i} is not a list`];
        current = existing;
      }
    }
    const [inner, err] = listItem(sc, current, next, level, depth + 1, [...path, next]);
    if (err !== undefined) return [list, err];
    return setIndex(list, i, inner, sc.growth);
  }
  // last === "."
  let inner: JsonObject = {};
  if (list.length > i) {
    const existing = list[i];
    if (isJsonObject(existing)) inner = existing;
    else list[i] = inner; // indices out of order: Go initializes the slot in place
  }
  const err = key(sc, inner, level, path);
  if (err !== undefined) return [list, err];
  return setIndex(list, i, inner, sc.growth);
}

/** `{a,b}` → list; anything else is not a list (the rune is pushed back). */
function valList(sc: Scanner): JsonValue[] | typeof EOF | typeof NOT_LIST | string {
  const r = readRune(sc);
  if (r === undefined) return EOF;
  if (r !== "{") {
    sc.pos--;
    return NOT_LIST;
  }
  const list: JsonValue[] = [];
  for (;;) {
    const { v, last } = runesUntil(sc, ",}");
    if (last === undefined) return "list must terminate with '}'";
    list.push(typedVal(v, sc.stringValues));
    if (last === "}") {
      const next = readRune(sc);
      if (next !== undefined && next !== ",") sc.pos--;
      return list;
    }
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strvals typedVal: booleans and null (any case), "0", base-10 int64 without a leading zero; else the text. */
export function typedVal(v: string, stringValues: boolean): JsonValue {
  if (stringValues) return v;
  const lower = v.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  if (lower === "null") return null;
  if (v === "0") return 0;
  if (v !== "" && v[0] !== "0" && /^[+-]?\d+$/.test(v)) {
    const n = BigInt(v);
    if (n >= INT64_MIN && n <= INT64_MAX) return Number(n);
  }
  return v;
}
