/**
 * Per-object rendered diffs: each Kubernetes object written as YAML (Secret values fingerprinted, SOPS
 * metadata dropped) and compared line by line with the `diff` library. Objects are matched by identity.
 */
import { structuredPatch } from "diff";
import type { JsonObject } from "../kustomize/resource.ts";
import { maskCredentials } from "../secrets/mask.ts";
import { redactObject } from "../secrets/redact.ts";
import { stringifyYaml } from "../yaml/stringify.ts";
import { objectKey, objectRef } from "./object-identity.ts";
import type { ObjectDiff } from "./types.ts";

export interface ObjectSetDiff {
  diffs: ObjectDiff[];
  /** Objects only in base, keyed by identity. */
  removed: Map<string, JsonObject>;
  added: Map<string, JsonObject>;
}

/** Volatile labels and annotations (chart versions, checksums) left out of comparisons and diffs. */
export interface StripOptions {
  labels: readonly string[];
  annotations: readonly string[];
}

export function diffObjectSets(
  base: readonly JsonObject[],
  head: readonly JsonObject[],
  context = 3,
  strip?: StripOptions,
): ObjectSetDiff {
  // A build the head analysis reused from base renders the very same objects: nothing to compare.
  if (base.length === head.length && base.every((o, i) => o === head[i]))
    return { diffs: [], removed: new Map(), added: new Map() };
  const clean = (o: JsonObject) => (strip ? stripVolatile(o, strip) : o);
  const baseByKey = new Map(base.map((o) => [objectKey(o), clean(o)]));
  const headByKey = new Map(head.map((o) => [objectKey(o), clean(o)]));
  const diffs: ObjectDiff[] = [];
  const removed = new Map<string, JsonObject>();
  const added = new Map<string, JsonObject>();
  for (const [key, b] of baseByKey) {
    const h = headByKey.get(key);
    if (!h) {
      removed.set(key, b);
      diffs.push(objectDiff(b, undefined, context));
    } else if (!deepEqual(b, h)) diffs.push(objectDiff(b, h, context));
  }
  for (const [key, h] of headByKey) {
    if (baseByKey.has(key)) continue;
    added.set(key, h);
    diffs.push(objectDiff(undefined, h, context));
  }
  return { diffs, removed, added };
}

/**
 * Changed lines past which the line diff gives up and shows the object as replaced: the diff's work grows
 * with the product of the text's length and the number of changed lines (a 20,000-line object changed on
 * every line took two minutes), and a reviewer reads none of such a diff line by line.
 */
export const MAX_EDIT_LENGTH = 1000;
/** Longest diff text kept per object (the comment shows the first 20,000 characters of it). */
export const MAX_DIFF_TEXT = 256 * 1024;

export function objectDiff(
  base: JsonObject | undefined,
  head: JsonObject | undefined,
  context = 3,
): ObjectDiff {
  const ref = objectRef((head ?? base)!);
  const before = base ? maskCredentials(stringifyYaml(redactObject(base)), { heuristic: true }) : "";
  const after = head ? maskCredentials(stringifyYaml(redactObject(head)), { heuristic: true }) : "";
  const patch = structuredPatch("", "", before, after, "", "", { context, maxEditLength: MAX_EDIT_LENGTH });
  const hunks = patch?.hunks ?? [replacedHunk(before, after)];
  let addedLines = 0;
  let removedLines = 0;
  const text: string[] = [];
  let size = 0;
  const keep = (line: string) => {
    // Past MAX_DIFF_TEXT lines are counted, not kept.
    if (size > MAX_DIFF_TEXT) return;
    text.push(line);
    size += line.length + 1;
  };
  for (const h of hunks) {
    keep(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const line of h.lines) {
      if (line.startsWith("\\")) continue;
      if (line.startsWith("+")) addedLines++;
      else if (line.startsWith("-")) removedLines++;
      keep(line);
    }
  }
  return {
    ref,
    change: !base ? "added" : !head ? "removed" : "modified",
    diff: text.length ? `${text.join("\n")}\n` : "",
    added: addedLines,
    removed: removedLines,
  };
}

/** The whole object replaced: every old line removed, every new line added (one hunk). */
function replacedHunk(
  before: string,
  after: string,
): { oldStart: number; oldLines: number; newStart: number; newLines: number; lines: string[] } {
  const lines = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));
  const old = lines(before);
  const next = lines(after);
  return {
    oldStart: old.length ? 1 : 0,
    oldLines: old.length,
    newStart: next.length ? 1 : 0,
    newLines: next.length,
    lines: [...old.map((l) => `-${l}`), ...next.map((l) => `+${l}`)],
  };
}

/** A copy without the volatile labels/annotations, on the object and on its pod templates. */
export function stripVolatile(obj: JsonObject, strip: StripOptions): JsonObject {
  if (strip.labels.length === 0 && strip.annotations.length === 0) return obj;
  const scrub = (meta: unknown): JsonObject | undefined => {
    if (meta === null || typeof meta !== "object" || Array.isArray(meta)) return undefined;
    const m = { ...(meta as JsonObject) };
    for (const [field, keys] of [
      ["labels", strip.labels],
      ["annotations", strip.annotations],
    ] as const) {
      const map = m[field];
      if (map === null || typeof map !== "object" || Array.isArray(map) || !keys.some((k) => k in map))
        continue;
      const kept: JsonObject = {};
      for (const [k, v] of Object.entries(map)) if (!keys.includes(k)) kept[k] = v;
      if (Object.keys(kept).length) m[field] = kept;
      else delete m[field];
    }
    return m;
  };
  const out: JsonObject = { ...obj };
  const meta = scrub(obj.metadata);
  if (meta) out.metadata = meta;
  const spec = obj.spec;
  if (spec && typeof spec === "object" && !Array.isArray(spec)) {
    const template = (spec as JsonObject).template;
    if (template && typeof template === "object" && !Array.isArray(template)) {
      const tmeta = scrub((template as JsonObject).metadata);
      if (tmeta)
        out.spec = { ...(spec as JsonObject), template: { ...(template as JsonObject), metadata: tmeta } };
    }
  }
  return out;
}

/** Structural equality of JSON data (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) =>
      Object.hasOwn(b as object, k) &&
      deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
