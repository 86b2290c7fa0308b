/**
 * Strategic merge as kustomize v5.5 applies patches: kyaml's merge2 walker (not apimachinery's
 * strategicpatch), ported onto plain JSON values.
 *
 * - Maps merge recursively; a `null` in the patch deletes the key; an explicit `null` in the target that
 *   the patch does not touch is kept.
 * - `$patch: delete|replace|merge` on maps and as a list element; `$setElementOrder/…`, `$retainKeys` and
 *   `$deleteFromPrimitiveList/…` are NOT understood by kyaml and are merged as ordinary fields (verified
 *   with kubectl).
 * - Lists merge element by element only where the built-in schema says so (merge-schema-table.ts, see
 *   associative-list.ts); all other lists, including every list in a custom resource, are replaced.
 * - Type mismatches fail ("wrong node kind: …").
 *
 * Not here: choosing the target, restoring name/namespace/kind afterwards (apply-patches.ts).
 */
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "../resource.ts";
import { mergeAssociativeList } from "./associative-list.ts";
import {
  elementSetter,
  getValue,
  isMissingOrNull,
  isNilOrEmpty,
  KyamlError,
  kindOf,
  type Maybe,
  ownField,
  rawText,
  requireKind,
  setContents,
  setField,
  shortTag,
} from "./kyaml-nodes.ts";
import { fieldSchema, isAssociative, type SchemaRef, schemaForType } from "./merge-schema.ts";

export type MergeResult = { ok: true; value: JsonObject | null } | { ok: false; error: string };

/** Merge `patch` into `target` (neither is modified). `value` null: the object was deleted. */
export function strategicMergePatch(target: JsonObject, patch: JsonObject): MergeResult {
  try {
    const merged = walk(cloneJson(target), cloneJson(patch), undefined);
    if (merged === undefined || merged === KEEP_NULL || merged === null) return { ok: true, value: null };
    if (!isJsonObject(merged)) return { ok: false, error: "strategic merge produced a non-object" };
    return { ok: true, value: merged };
  } catch (error) {
    if (error instanceof KyamlError) return { ok: false, error: error.message };
    throw error;
  }
}

/** merge2's "persistent null": a null in the target the patch left alone stays in the output. */
const KEEP_NULL = Symbol("keep-null");
type Walked = Maybe | typeof KEEP_NULL;

type Directive = "merge" | "replace" | "delete" | "unknown";

function walk(dest: Maybe, origin: Maybe, schemaIn: SchemaRef | undefined): Walked {
  const schema = schemaIn ?? schemaFromMeta(dest, origin);
  const first = [dest, origin].find((s) => !isMissingOrNull(s));
  const kind = first === undefined || first === null ? undefined : kindOf(first);
  if (kind === "SequenceNode") {
    requireKind(kind, dest, origin);
    if (!isAssociative(schema)) return origin !== undefined ? origin : dest;
    const list = visitAssociativeList(dest, origin);
    if (list === undefined) return undefined;
    const merged = mergeAssociativeList(
      list as JsonValue[],
      origin as JsonValue[] | undefined,
      schema,
      elementWalk,
    );
    return merged;
  }
  if (kind === "ScalarNode") {
    requireKind(kind, dest, origin);
    return origin !== undefined ? origin : dest;
  }
  if (kind === "MappingNode") requireKind(kind, dest, origin);
  return walkMap(dest, origin, schema);
}

function elementWalk(dest: Maybe, origin: Maybe, schema: SchemaRef): Maybe {
  const r = walk(dest, origin, schema);
  return r === KEEP_NULL ? null : r;
}

function walkMap(destIn: Maybe, origin: Maybe, schema: SchemaRef | undefined): Walked {
  const dest = visitMap(destIn, origin);
  if (dest === undefined || dest === KEEP_NULL || !isJsonObject(dest)) return dest;
  const keys = new Set(Object.keys(dest));
  if (isJsonObject(origin)) for (const k of Object.keys(origin)) keys.add(k);
  for (const key of [...keys].sort()) {
    const val = walk(
      ownField(dest, key),
      isJsonObject(origin) ? ownField(origin, key) : undefined,
      schema === undefined ? undefined : fieldSchema(schema, key),
    );
    if (val === KEEP_NULL) setField(dest, key, null, true);
    else setField(dest, key, val);
  }
  return dest;
}

function visitMap(dest: Maybe, origin: Maybe): Walked {
  if (isMissingOrNull(dest)) {
    const ps = directiveOrUnknown(origin);
    if (ps === "delete") return undefined;
    if (origin === undefined && dest === null) return KEEP_NULL;
    return origin;
  }
  if (origin === null) return undefined;
  switch (directive(origin)) {
    case "delete":
      return undefined;
    case "replace":
      return origin;
    default:
      return dest;
  }
}

function visitAssociativeList(dest: Maybe, origin: Maybe): Maybe {
  if (isMissingOrNull(dest)) return origin;
  if (origin === null) return undefined;
  switch (directive(origin)) {
    case "delete":
      return undefined;
    case "replace":
      return origin;
    default:
      return dest;
  }
}

function directiveOrUnknown(origin: Maybe): Directive {
  try {
    return directive(origin);
  } catch (error) {
    if (error instanceof KyamlError) return "unknown";
    throw error;
  }
}

/** Read (and remove from the patch) a `$patch` directive, as merge2's determineSmpDirective does. */
function directive(patch: Maybe): Directive {
  if (patch === undefined) return "merge";
  if (isJsonObject(patch)) {
    if (!Object.hasOwn(patch, "$patch")) return "merge";
    const v = rawText(patch.$patch);
    const d = knownDirective(v);
    delete patch.$patch;
    return d;
  }
  if (Array.isArray(patch)) {
    const elem = patch.find((e) => isJsonObject(e) && Object.hasOwn(e, "$patch"));
    if (!isJsonObject(elem) || Object.keys(elem).length > 1) return "merge";
    const v = rawText(elem.$patch);
    const d = knownDirective(v);
    setContents(patch, elementSetter(patch, undefined, ["$patch"], [v]));
    return d;
  }
  throw new KyamlError(
    `no implemented strategic merge patch strategy for '${shortTag(patch)}' ('${rawText(patch)}')`,
  );
}

function knownDirective(v: string): Directive {
  if (v === "delete" || v === "replace" || v === "merge") return v;
  throw new KyamlError(`unknown patch strategy '${v}'`);
}

/** kyaml's fallback when no schema is known: the schema of a source's own apiVersion/kind. */
function schemaFromMeta(dest: Maybe, origin: Maybe): SchemaRef | undefined {
  for (const src of [dest, origin]) {
    if (!isJsonObject(src)) continue;
    const apiVersion = metaText(src, "apiVersion");
    const kind = metaText(src, "kind");
    if (!apiVersion || !kind) continue;
    const s = schemaForType(apiVersion, kind);
    if (s !== undefined) return s;
  }
  return undefined;
}

function metaText(obj: JsonObject, key: string): string {
  const v = ownField(obj, key);
  return isNilOrEmpty(v) ? "" : getValue(v);
}
