/**
 * kustomize's fieldspec filter (api/filters/fieldspec/fieldspec.go) over plain JSON objects: follow a
 * FieldSpec path, descending into every element of a sequence met on the way (paths never name sequence
 * positions), optionally creating missing maps, and hand the field found to a setter.
 *
 * The setter gets a slot (container + key) so it can replace scalars. Errors are kustomize's texts and
 * are returned, never thrown. Not done: kyaml's `[name=value]` element selectors inside a path element
 * (no builtin field spec uses them; such an element is taken as a literal key).
 */
import {
  gvkOf,
  idString,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  resIdOf,
  setOwn,
} from "../resource.ts";
import { type FieldSpec, gvkMatches, splitFieldPath } from "./field-spec.ts";

/** The kind of node created for a missing last path element when the field spec says `create`. */
export type CreateKind = "none" | "scalar" | "map";

/** Where a value lives, so a setter can read and replace it. */
export interface FieldSlot {
  parent: JsonObject | JsonValue[];
  key: string | number;
}

/** Called on each field the path reaches; returns an error message or undefined. */
export type SetValue = (slot: FieldSlot) => string | undefined;

export function slotValue(slot: FieldSlot): JsonValue | undefined {
  if (Array.isArray(slot.parent)) return slot.parent[slot.key as number];
  const key = String(slot.key);
  return Object.hasOwn(slot.parent, key) ? slot.parent[key] : undefined;
}

export function setSlot(slot: FieldSlot, value: JsonValue): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else setOwn(slot.parent, String(slot.key), value);
}

/** The Go yaml node kind name of a value, for kyaml's "wrong node kind" messages. */
export function nodeKindName(value: JsonValue | undefined): string {
  if (Array.isArray(value)) return "SequenceNode";
  if (isJsonObject(value)) return "MappingNode";
  return "ScalarNode";
}

/** The text of a scalar as kyaml holds it (numbers and booleans as written). */
export function scalarText(value: JsonValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

interface Walk {
  fs: FieldSpec;
  setValue: SetValue;
  createKind: CreateKind;
}

/**
 * Apply `setValue` to every field `fs` reaches in `obj`, when `obj`'s GVK is selected by `fs`.
 * Returns kustomize's error text ("considering field '…' of object …: …") or undefined.
 */
export function applyFieldSpec(
  obj: JsonObject,
  fs: FieldSpec,
  setValue: SetValue,
  createKind: CreateKind,
): string | undefined {
  if (!gvkMatches(gvkOf(obj), fs)) return undefined;
  const error = walkNode(obj, undefined, splitFieldPath(fs.path), { fs, setValue, createKind });
  return error === undefined
    ? undefined
    : `considering field '${fs.path}' of object ${idString(resIdOf(obj))}: ${error}`;
}

/** Apply each field spec in turn (kustomize's fsslice filter); stops at the first error. */
export function applyFieldSpecs(
  obj: JsonObject,
  list: readonly FieldSpec[],
  setValue: SetValue,
  createKind: CreateKind,
): string | undefined {
  for (const fs of list) {
    const error = applyFieldSpec(obj, fs, setValue, createKind);
    if (error !== undefined) return error;
  }
  return undefined;
}

function walkNode(
  node: JsonValue | undefined,
  slot: FieldSlot | undefined,
  path: string[],
  w: Walk,
): string | undefined {
  if (path.length === 0) return slot ? w.setValue(slot) : undefined;
  if (node === null || node === undefined) return undefined;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const error = walkNode(node[i], { parent: node, key: i }, path, w);
      if (error !== undefined) return `visit traversal on path: [${path.join(" ")}]: ${error}`;
    }
    return undefined;
  }
  if (isJsonObject(node)) return walkMap(node, path, w);
  return "expected sequence or mapping node";
}

type NodeKind = "none" | "scalar" | "map" | "seq";

function walkMap(obj: JsonObject, path: string[], w: Walk): string | undefined {
  const head = path[0] ?? "";
  const isSeq = head.endsWith("[]");
  const name = isSeq ? head.slice(0, -2) : head;
  if (name === "") return "cannot set or create an empty field name";
  let kind: NodeKind = "none";
  let create = false;
  if (!w.fs.create || w.createKind === "none" || isSeq) {
    if (isSeq) kind = "seq";
  } else if (path.length <= 1) {
    create = true;
    kind = w.createKind;
  } else {
    create = true;
    kind = "map";
  }
  let field = Object.hasOwn(obj, name) ? obj[name] : undefined;
  if (field === undefined) {
    if (!create) return undefined;
    field = emptyNode(kind);
    setOwn(obj, name, field);
  } else if (field === null && kind !== "none") {
    // kustomize turns an explicit null into the node kind it expected.
    field = emptyNode(kind);
    setOwn(obj, name, field);
  }
  return walkNode(field, { parent: obj, key: name }, path.slice(1), w);
}

function emptyNode(kind: NodeKind): JsonValue {
  if (kind === "map") return {};
  if (kind === "seq") return [];
  return "";
}
