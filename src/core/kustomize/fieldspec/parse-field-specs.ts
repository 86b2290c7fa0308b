/**
 * Strict decoding of field spec lists from a `configurations:` document, with the texts Go's
 * encoding/json gives through sigs.k8s.io/yaml UnmarshalStrict (the caller adds the common
 * "error unmarshaling JSON: while decoding JSON: json: " prefix). Numbers and booleans are accepted where
 * a string belongs, as sigs.k8s.io/yaml converts them to the target type.
 */
import { isJsonObject } from "../resource.ts";
import { type FieldSpec, fieldSpec, type NameBackReference } from "./field-spec.ts";

/** A list under `at` of TransformerConfig (e.g. "commonLabels"), or an error message. */
export function parseFieldSpecList(value: unknown, at: string): FieldSpec[] | string {
  return parseList(value, `TransformerConfig.${at}`, "types.FsSlice", "types.FieldSpec", (item) =>
    parseFieldSpec(item, at),
  );
}

/** The nameReference list, or an error message. */
export function parseNameBackReferences(value: unknown): NameBackReference[] | string {
  return parseList(
    value,
    "TransformerConfig.nameReference",
    "builtinconfig.nbrSlice",
    "builtinconfig.NameBackReferences",
    parseBackReference,
  );
}

export function jsonType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "object") return "object";
  if (typeof value === "boolean") return "bool";
  return typeof value;
}

function parseList<T>(
  value: unknown,
  field: string,
  sliceType: string,
  itemType: string,
  item: (v: Record<string, unknown>) => T | string,
): T[] | string {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value))
    return `cannot unmarshal ${jsonType(value)} into Go struct field ${field} of type ${sliceType}`;
  const out: T[] = [];
  for (const v of value) {
    if (v === null) continue;
    if (!isJsonObject(v))
      return `cannot unmarshal ${jsonType(v)} into Go struct field ${field} of type ${itemType}`;
    const parsed = item(v);
    if (typeof parsed === "string") return parsed;
    out.push(parsed);
  }
  return out;
}

function parseFieldSpec(v: Record<string, unknown>, at: string): FieldSpec | string {
  const strings: Record<string, string> = { group: "", version: "", kind: "", path: "" };
  let create = false;
  for (const [key, value] of Object.entries(v)) {
    if (key === "create") {
      if (value !== null && typeof value !== "boolean") {
        return `cannot unmarshal ${jsonType(value)} into Go struct field FieldSpec.${at}.create of type bool`;
      }
      create = value === true;
    } else if (Object.hasOwn(strings, key)) {
      const text = scalarString(value);
      if (text === undefined)
        return `cannot unmarshal ${jsonType(value)} into Go struct field FieldSpec.${at}.${key} of type string`;
      strings[key] = text;
    } else {
      return `unknown field "${key}"`;
    }
  }
  return fieldSpec(strings.path ?? "", {
    group: strings.group ?? "",
    version: strings.version ?? "",
    kind: strings.kind ?? "",
    create,
  });
}

function parseBackReference(v: Record<string, unknown>): NameBackReference | string {
  const gvk: Record<string, string> = { group: "", version: "", kind: "" };
  let referrers: FieldSpec[] = [];
  for (const [key, value] of Object.entries(v)) {
    if (key === "fieldSpecs") {
      const list = parseFieldSpecList(value, "nameReference.fieldSpecs");
      if (typeof list === "string") return list;
      referrers = list;
    } else if (Object.hasOwn(gvk, key)) {
      const text = scalarString(value);
      if (text === undefined) {
        return `cannot unmarshal ${jsonType(value)} into Go struct field NameBackReferences.nameReference.${key} of type string`;
      }
      gvk[key] = text;
    } else {
      return `unknown field "${key}"`;
    }
  }
  return { group: gvk.group ?? "", version: gvk.version ?? "", kind: gvk.kind ?? "", referrers };
}

function scalarString(value: unknown): string | undefined {
  if (value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}
