/**
 * kustomize's content hash of generated ConfigMaps and Secrets (api/hasher/hasher.go) and the
 * HashTransformer that appends it to their names at the end of the top-level build.
 *
 * The hash input is a small JSON document written exactly as Go's encoding/json writes it (sorted keys,
 * no spaces, HTML-safe escapes), hashed with SHA-256; the first ten hex digits with some letters swapped
 * form the suffix. This module does not decide which resources need a suffix (that is `generator.hashSuffix`,
 * set by the generators and by absorb) and does not fix name references.
 */

import { sha256Hex } from "../../util/sha256.ts";
import type { ResMap } from "../resmap.ts";
import {
  getName,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  setName,
  storePreviousId,
} from "../resource.ts";

/** The 10-character name suffix kustomize computes for a ConfigMap or Secret, e.g. "798k5k7g9f". */
export function kustomizeHash(obj: JsonObject): string {
  return encodeHex(sha256Hex(new TextEncoder().encode(hashInput(obj))));
}

/**
 * The JSON text kustomize hashes. `name` is always "": upstream looks up the single key "metadata/name",
 * which never exists. Kinds other than ConfigMap and Secret (a patch changed the kind) are hashed by
 * upstream from its internal YAML node structure, which cannot be reproduced; the object JSON stands in.
 */
export function hashInput(obj: JsonObject): string {
  const kind = obj.kind;
  if (kind === "ConfigMap") {
    const m: JsonObject = { kind: "ConfigMap", name: "", data: nodeValue(obj.data) };
    const binaryData = nodeValue(obj.binaryData);
    if (binaryData === null || isJsonObject(binaryData)) m.binaryData = binaryData;
    return goJson(m);
  }
  if (kind === "Secret") {
    const m: JsonObject = { kind: "Secret", type: nodeValue(obj.type), name: "", data: nodeValue(obj.data) };
    const stringData = nodeValue(obj.stringData);
    if (stringData === null || isJsonObject(stringData)) m.stringData = stringData;
    return goJson(m);
  }
  return goJson(obj);
}

/**
 * hasher.go getNodeValues: a missing field is "", a scalar is its text, a mapping is itself, and a
 * sequence fails to unmarshal into a map and becomes a nil map, encoded as null.
 */
function nodeValue(v: JsonValue | undefined): JsonValue {
  if (v === undefined) return "";
  if (Array.isArray(v)) return null;
  if (isJsonObject(v)) return v;
  if (v === null) return "null";
  return typeof v === "string" ? v : String(v);
}

/** Go's hash.go encode: the first ten hex digits with 0→g 1→h 3→k a→m e→t (avoids bad words). */
export function encodeHex(hex: string): string {
  const swap: Record<string, string> = { "0": "g", "1": "h", "3": "k", a: "m", e: "t" };
  let out = "";
  for (const ch of hex.slice(0, 10)) out += swap[ch] ?? ch;
  return out;
}

/** Go encoding/json Marshal of a value decoded into interface{}: map keys sorted by UTF-8 bytes. */
export function goJson(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "null";
  if (typeof v === "string") return goJsonString(v);
  if (Array.isArray(v)) return `[${v.map(goJson).join(",")}]`;
  const keys = Object.keys(v).sort(compareCodePoints);
  return `{${keys.map((k) => `${goJsonString(k)}:${goJson(v[k] as JsonValue)}`).join(",")}}`;
}

const HEX = "0123456789abcdef";

/** Go's encodeState.string with escapeHTML (Go ≥ 1.22 writes \b and \f short forms). */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) out += `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else if (c >= 0xd800 && c <= 0xdfff)
      out += "\\ufffd"; // a lone surrogate is invalid UTF-8 in Go
    else out += ch;
  }
  return `${out}"`;
}

/** Code point order, which equals the UTF-8 byte order Go's sort.Strings uses. */
export function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/**
 * kustomize's HashTransformer: every resource whose `generator.hashSuffix` is set remembers its current
 * id and gets `-<hash>` appended to its name. Returns error messages (none today: hashing cannot fail).
 */
export function applyHashSuffixes(resmap: ResMap): string[] {
  for (const r of resmap.resources) {
    if (!r.generator?.hashSuffix) continue;
    const hash = kustomizeHash(r.obj);
    storePreviousId(r);
    setName(r.obj, `${getName(r.obj)}-${hash}`);
  }
  return [];
}
