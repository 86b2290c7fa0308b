/**
 * Secret values never leave the engine in clear or in ciphertext: every output path (CLI build, reports,
 * diffs) shows a Secret's `data` / `stringData` values as a short fingerprint, so a change is visible
 * without the value, and drops the SOPS metadata block Flux strips when it decrypts.
 */
import { isJsonObject, type JsonObject, type JsonValue } from "../kustomize/resource.ts";
import { sha256Hex } from "../util/sha256.ts";

const encoder = new TextEncoder();

/** "<redacted sha256:0123456789ab>": the first 12 hex digits of the value's SHA-256. */
export function fingerprint(value: string): string {
  return `<redacted sha256:${sha256Hex(encoder.encode(value)).slice(0, 12)}>`;
}

/** A copy of `obj` safe to print: Secret values fingerprinted, SOPS metadata removed. Other kinds unchanged. */
export function redactObject(obj: JsonObject): JsonObject {
  const isSecret = obj.kind === "Secret" && typeof obj.apiVersion === "string" && obj.apiVersion === "v1";
  if (!isSecret && !("sops" in obj)) return obj;
  const copy: JsonObject = { ...obj };
  delete copy.sops;
  if (!isSecret) return copy;
  for (const field of ["data", "stringData"] as const) {
    const values = obj[field];
    if (!isJsonObject(values)) continue;
    const masked: JsonObject = {};
    for (const [k, v] of Object.entries(values)) masked[k] = fingerprint(stringValue(v));
    copy[field] = masked;
  }
  return copy;
}

function stringValue(v: JsonValue): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
