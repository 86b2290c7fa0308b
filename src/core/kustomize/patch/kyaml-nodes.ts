/**
 * kyaml's node primitives, ported onto plain JSON values for the strategic-merge walker and the
 * replacement field paths: scalar text as kyaml sees it, node kinds, and the list filters
 * (ElementSetter, ElementMatcher, FieldMatcher) with their exact matching quirks, which decide how
 * kustomize merges and orders list elements.
 *
 * Values are mutated in place where kyaml mutates nodes, because merge results depend on node identity.
 * Kind mismatches throw `KyamlError`; callers turn it into a returned error.
 */
import { formatNumber, normalizeTimestamp, parseGoFloat, parseGoInt } from "../../yaml/scalar-schemas.ts";
import { stringifyYaml } from "../../yaml/stringify.ts";
import { isJsonObject, type JsonObject, type JsonValue, setOwn } from "../resource.ts";

/** An error kyaml would return; caught at the module boundaries and reported as text. */
export class KyamlError extends Error {}

export type NodeKind = "MappingNode" | "SequenceNode" | "ScalarNode";

/** A value that may be absent (kyaml's nil RNode). */
export type Maybe = JsonValue | undefined;

export function kindOf(v: JsonValue): NodeKind {
  if (Array.isArray(v)) return "SequenceNode";
  return isJsonObject(v) ? "MappingNode" : "ScalarNode";
}

export function isMissingOrNull(v: Maybe): v is null | undefined {
  return v === undefined || v === null;
}

export function isEmptyMap(v: Maybe): boolean {
  return isMissingOrNull(v) || (isJsonObject(v) && Object.keys(v).length === 0);
}

/** kyaml's IsNilOrEmpty: absent, null, an empty map or an empty list. */
export function isNilOrEmpty(v: Maybe): boolean {
  return isEmptyMap(v) || (Array.isArray(v) && v.length === 0);
}

/** A node's Value text: the scalar as written ("null" for null), "" for maps and lists. */
export function rawText(v: Maybe): string {
  if (v === undefined) return "";
  if (v === null) return "null";
  if (typeof v === "string") return v;
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return "";
}

/** kyaml's GetValue: "" for absent and null nodes, else the Value text. */
export function getValue(v: Maybe): string {
  return isMissingOrNull(v) ? "" : rawText(v);
}

export function ownField(obj: JsonObject, key: string): Maybe {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** The YAML tag kyaml would print for a scalar, for messages. */
export function shortTag(v: JsonValue): string {
  if (v === null) return "!!null";
  if (typeof v === "boolean") return "!!bool";
  if (typeof v === "number") return Number.isInteger(v) ? "!!int" : "!!float";
  if (typeof v === "string") return "!!str";
  return Array.isArray(v) ? "!!seq" : "!!map";
}

export function kindError(expected: NodeKind, node: JsonValue): KyamlError {
  const contents = stringifyYaml(node).trimEnd();
  return new KyamlError(
    `wrong node kind: expected ${expected} but got ${kindOf(node)}: node contents:\n${contents}`,
  );
}

/** kyaml's ErrorIfAnyInvalidAndNonNull. */
export function requireKind(expected: NodeKind, ...nodes: Maybe[]): void {
  for (const n of nodes) if (!isMissingOrNull(n) && kindOf(n) !== expected) throw kindError(expected, n);
}

/**
 * The value an untagged plain scalar with this text has once kustomize's output is read back (go-yaml v3
 * resolution, as in yaml/scalar-schemas.ts KUSTOMIZE_TAGS): nodes kyaml creates from strings.
 */
export function resolvePlain(text: string): JsonValue {
  if (/^(?:~|null|Null|NULL)?$/.test(text)) return null;
  if (text === "true" || text === "True" || text === "TRUE") return true;
  if (text === "false" || text === "False" || text === "FALSE") return false;
  if (/^[-+.0-9]/.test(text)) {
    const n = parseGoInt(text) ?? parseGoFloat(text);
    if (n !== undefined) return n;
    const ts = normalizeTimestamp(text);
    if (ts !== undefined) return ts;
  }
  return text;
}

/** Replace an array's contents in place (kyaml assigns a node's Content). */
export function setContents(list: JsonValue[], next: JsonValue[]): void {
  list.length = 0;
  for (const v of next) list.push(v);
}

/**
 * FieldMatcher{Name, StringValue} as ElementSetter uses it: with an empty string value any element that
 * has the field matches; with name "" the element is a scalar compared by value.
 */
function fieldMatchesString(elem: JsonValue, name: string, value: string): boolean {
  if (name === "") {
    if (kindOf(elem) !== "ScalarNode") throw kindError("ScalarNode", elem);
    return getValue(elem) === value;
  }
  if (!isJsonObject(elem)) throw kindError("MappingNode", elem);
  if (!Object.hasOwn(elem, name)) return false;
  return value === "" || rawText(elem[name]) === value;
}

/**
 * kyaml's ElementSetter: drop null and empty-map elements, replace (or, with `element` undefined,
 * delete) every element matching keys/values, append `element` when nothing matched. Returns the new
 * list; quirks kept: elements whose keys run past `values` reuse the previous match result, and with no
 * values at all every mapping element is dropped.
 */
export function elementSetter(
  list: JsonValue[],
  element: Maybe,
  keysIn: string[],
  values: string[],
): JsonValue[] {
  const keys = keysIn.length === 0 ? [""] : keysIn;
  const mappingSetter = keys[0] !== "" && values.length > 0 && values[0] !== "";
  const out: JsonValue[] = [];
  let matched = false;
  for (const elem of list) {
    if (isMissingOrNull(elem) || isEmptyMap(elem)) continue;
    if (!isJsonObject(elem) && mappingSetter) {
      out.push(elem);
      continue;
    }
    let found = true;
    let val = false;
    for (let j = 0; j < keys.length; j++) {
      if (j < values.length) val = fieldMatchesString(elem, keys[j] ?? "", values[j] ?? "");
      if (!val) {
        found = false;
        break;
      }
    }
    if (!found) {
      if (values.length > 0) out.push(elem);
      continue;
    }
    matched = true;
    if (element === undefined) continue;
    out.push(element);
  }
  if (isMissingOrNull(element)) return out;
  if (!matched) out.push(element);
  return out;
}

/** kyaml's ElementMatcher{Keys, Values} (RNode.ElementList): the first element whose fields equal the values. */
export function matchElementList(list: Maybe, keysIn: string[], valuesIn: string[]): Maybe {
  if (!Array.isArray(list)) return undefined;
  const keys = keysIn.length === 0 ? [""] : keysIn;
  const values = valuesIn.length === 0 ? [""] : valuesIn;
  if (keys[0] === "") return list.find((item) => rawText(item) === values[0]);
  if (keys.length !== values.length) return undefined;
  return list.find(
    (item) =>
      isJsonObject(item) && keys.every((k, i) => Object.hasOwn(item, k) && rawText(item[k]) === values[i]),
  );
}

/** kyaml's FieldSetter on a map: absent or null values clear the field, `keepNull` keeps an explicit null. */
export function setField(map: JsonObject, key: string, value: Maybe, keepNull = false): void {
  if (value === undefined || (value === null && !keepNull)) delete map[key];
  else setOwn(map, key, value);
}

/**
 * A scalar node whose Value text is replaced keeps its tag, as kyaml's replacement writer does: a string
 * stays a string, a number or bool must still read as one (else decoding fails as in kustomize), and an
 * untagged node (created, or an explicit null) takes the plain-YAML type of the text.
 */
export function retypeScalar(target: JsonValue, untagged: boolean, text: string): JsonValue {
  if (untagged || target === null) return resolvePlain(text);
  if (typeof target === "string") return text;
  if (typeof target === "boolean") {
    const v = resolvePlain(text);
    if (typeof v !== "boolean") throw new KyamlError(`yaml: cannot decode !!str \`${text}\` as a !!bool`);
    return v;
  }
  const tag = shortTag(target);
  const n = tag === "!!int" ? parseGoInt(text) : (parseGoFloat(text) ?? parseGoInt(text));
  if (n === undefined) throw new KyamlError(`yaml: cannot decode !!str \`${text}\` as a ${tag}`);
  return n;
}
