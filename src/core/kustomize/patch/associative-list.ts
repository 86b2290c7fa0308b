/**
 * Merging of associative lists (kyaml walk/associative_sequence.go) as kustomize's strategic merge
 * runs it: with MergeOptionsListPrepend, so elements only in the patch come first, then the target's
 * remaining elements; elements are matched by the schema's merge keys (or by value for primitive lists).
 *
 * Ported literally, quirks included, because they show up in real output: duplicate keys in the target
 * collapse into one element, an element lacking the merge key can drop its siblings, `$patch: replace`
 * on one element keeps the target's element, and with two merge keys (ports) target elements are
 * re-appended in target order. Each quirk is pinned by a kubectl-verified test.
 */
import { type JsonValue, setOwn } from "../resource.ts";
import {
  elementSetter,
  isEmptyMap,
  isMissingOrNull,
  isNilOrEmpty,
  kindError,
  type Maybe,
  matchElementList,
  ownField,
  rawText,
  setContents,
} from "./kyaml-nodes.ts";
import { elementSchema, listKeys, type SchemaRef } from "./merge-schema.ts";

/** Walks one pair of list elements (dest, origin) with the elements' schema. */
export type ElementWalk = (dest: Maybe, origin: Maybe, schema: SchemaRef) => Maybe;

/**
 * Merge `origin`'s elements into `dest` (both lists, `dest` already chosen by the list visitor; it may be
 * `origin` itself when the target had no list). Returns the merged list.
 */
export function mergeAssociativeList(
  dest: JsonValue[],
  origin: JsonValue[] | undefined,
  schema: SchemaRef,
  walk: ElementWalk,
): JsonValue[] {
  const keys = listKeys(schema);
  const values = elementValues(dest, origin, keys);
  if (values.length > 0 || keys.length > 0) return setElements(values, keys, dest, origin, schema, walk);
  return setElements(primitiveValues(dest, origin), [""], dest, origin, schema, walk);
}

function setElements(
  valuesList: string[][],
  keys: string[],
  dest: JsonValue[],
  origin: JsonValue[] | undefined,
  schema: SchemaRef,
  walk: ElementWalk,
): JsonValue[] {
  let items: JsonValue[] = [];
  const elemSchema = elementSchema(schema);
  if (keys.length > 1) mergeValues(valuesList);
  let validKeys = keys;
  for (const values of valuesList) {
    if (values.length === 0) continue;
    let validValues: string[];
    [validKeys, validValues] = validateKeys(valuesList, values, keys);
    const [ek, ev] = validateKeys([validValues], validValues, validKeys);
    const val = walk(matchElementList(dest, ek, ev), origin && matchElementList(origin, ek, ev), elemSchema);
    let exit = false;
    validKeys.forEach((key, i) => {
      if (isMissingOrNull(val) || isEmptyMap(val)) {
        setContents(dest, elementSetter(dest, undefined, validKeys, validValues));
        exit = true;
      } else if (key !== "" && validValues[i] !== "") {
        if (val === null || typeof val !== "object" || Array.isArray(val))
          throw kindError("MappingNode", val);
        // kyaml's FieldSetter quotes any text YAML 1.1 would not read as a string: the key stays a string.
        if (!Object.hasOwn(val, key)) setOwn(val, key, validValues[i] ?? "");
      }
    });
    if (exit) continue;
    items = elementSetter(items, val, validKeys, validValues);
  }
  if (valuesList.length > 0) items = appendListNode(items, dest, validKeys);
  else return dest;
  return items;
}

/** kyaml's appendListNode(dst, src, keys): set each of src's elements into dst by its key values. */
function appendListNode(dstIn: JsonValue[], src: JsonValue[], keys: string[]): JsonValue[] {
  let dst = dstIn;
  for (const elem of [...src]) {
    if (keys[0] === "") {
      dst = elementSetter(dst, elem, [""], [rawText(elem)]);
      continue;
    }
    const v: string[] = [];
    for (const key of keys) {
      if (isMissingOrNull(elem)) {
        dst.push(elem);
        continue;
      }
      if (typeof elem !== "object" || Array.isArray(elem)) throw kindError("MappingNode", elem);
      const value = ownField(elem, key);
      if (value === undefined) {
        dst.push(elem);
        continue;
      }
      v.push(rawText(value));
    }
    if (keys.length > 1) dst = elementSetter(dst, undefined, keys, v);
    dst = elementSetter(dst, elem, keys, v);
  }
  return dst;
}

/** Key values of every element, patch elements first (prepend), each distinct tuple once. */
function elementValues(dest: JsonValue[], origin: JsonValue[] | undefined, keys: string[]): string[][] {
  const out: string[][] = [];
  for (const src of [origin, dest]) {
    if (src === undefined) continue;
    for (const elem of src) {
      const vals = keys.map((k) => {
        if (elem === null || typeof elem !== "object" || Array.isArray(elem)) return "";
        const f = ownField(elem, k);
        return f === undefined || isNilOrEmpty(f) ? "" : rawText(f);
      });
      if (vals.length === 0 || out.some((s) => sameValues(s, vals))) continue;
      out.push(vals);
    }
  }
  return out;
}

/** Values of a primitive associative list (finalizers), patch values first, each once. */
function primitiveValues(dest: JsonValue[], origin: JsonValue[] | undefined): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const src of [origin, dest]) {
    if (src === undefined) continue;
    for (const item of src) {
      const v = rawText(item);
      if (seen.has(v)) continue;
      seen.add(v);
      out.push([v]);
    }
  }
  return out;
}

function sameValues(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Keep only the keys some element has a value for (e.g. ports without any protocol). */
function validateKeys(valuesList: string[][], values: string[], keys: string[]): [string[], string[]] {
  const valid = new Set<string>();
  for (const vs of valuesList) {
    vs.forEach((v, i) => {
      if (v !== "") valid.add(keys[i] ?? "");
    });
  }
  if (valid.size === 0) return [keys, values];
  return [keys.filter((k) => valid.has(k)), values.filter((v, i) => v !== "" || valid.has(keys[i] ?? ""))];
}

/** Tuples equal except where one side is empty are unified (port 80 with and without protocol). */
function mergeValues(list: string[][]): void {
  for (let i = 0; i < list.length; i++) {
    const a = list[i] ?? [];
    for (let j = 0; j < list.length; j++) {
      const merged = matchValues(a, list[j] ?? []);
      if (merged) {
        list[i] = merged;
        list[j] = merged;
      }
    }
  }
}

function matchValues(a: string[], b: string[]): string[] | undefined {
  if (a.length !== b.length) return undefined;
  let common = false;
  const res: string[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? "";
    const y = b[i] ?? "";
    if (x === y) {
      common = true;
      res.push(x);
    } else if (x !== "" && y !== "") return undefined;
    else res.push(x !== "" ? x : y);
  }
  return common ? res : undefined;
}
