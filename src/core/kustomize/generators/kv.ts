/**
 * Small pieces of kustomize's key/value loading (api/kv/kv.go, api/internal/generators/utils.go,
 * kyaml/yaml/datamap.go): literal and file sources, base64 as kustomize wraps it, and the effect of the
 * YAML round trip every builtin generator's arguments go through before the generator sees them.
 *
 * No file reading happens here; generate.ts reads the files these sources name.
 */
import { normalizeTimestamp, parseGoFloat, parseGoInt } from "../../yaml/scalar-schemas.ts";

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** kv.go parseLiteralSource: split at the first "=", strip one pair of matching surrounding quotes. */
export function parseLiteralSource(source: string): Parsed<{ key: string; value: string }> {
  const eq = source.indexOf("=");
  if (eq <= 0) return { ok: false, error: `invalid literal source ${source}, expected key=value` };
  return { ok: true, value: { key: source.slice(0, eq), value: removeQuotes(source.slice(eq + 1)) } };
}

function removeQuotes(s: string): string {
  if (s.length < 2 || s[0] !== s[s.length - 1]) return s;
  return s[0] === '"' || s[0] === "'" ? s.slice(1, -1) : s;
}

/** utils.go ParseFileSource: "path" (key = basename) or "key=path"; a second "=" is an error. */
export function parseFileSource(source: string): Parsed<{ key: string; path: string }> {
  const parts = source.split("=");
  if (parts.length === 1) return { ok: true, value: { key: goPathBase(source), path: source } };
  if (parts.length > 2)
    return { ok: false, error: `source ${goQuote(source)} key name or file path contains '='` };
  const [key = "", path = ""] = parts;
  if (key === "") {
    return {
      ok: false,
      error: `missing key name for file path ${goQuote(path)} in source ${goQuote(source)}`,
    };
  }
  if (path === "") {
    return {
      ok: false,
      error: `missing file path for key name ${goQuote(key)} in source ${goQuote(source)}`,
    };
  }
  return { ok: true, value: { key, path } };
}

/** Go's path.Base: last element after dropping trailing slashes; "." for "", "/" for all slashes. */
export function goPathBase(p: string): string {
  if (p === "") return ".";
  const trimmed = p.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** Go's %q for the strings that appear in messages (close enough: JSON escapes). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard base64 with padding. */
export function base64(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    out += B64[a >> 2]! + B64[((a & 3) << 4) | ((b ?? 0) >> 4)]!;
    out += b === undefined ? "=" : B64[((b & 15) << 2) | ((c ?? 0) >> 6)]!;
    out += c === undefined ? "=" : B64[c & 63]!;
  }
  return out;
}

/**
 * datamap.go encodeBase64: base64 broken into 70-character lines. When the encoding is 70 characters or
 * longer, every line, the last included, ends with "\n"; shorter encodings have no newline.
 */
export function wrappedBase64(bytes: Uint8Array): string {
  const encoded = base64(bytes);
  if (encoded.length < 70) return encoded;
  let out = "";
  for (let i = 0; i < encoded.length; i += 70) out += `${encoded.slice(i, i + 70)}\n`;
  return out;
}

const NON_STRING_WORDS = new Set([
  "",
  "~",
  "null",
  "Null",
  "NULL",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
]);

/**
 * True when go-yaml v3 types the plain scalar as something other than a string (null, bool, int, float,
 * timestamp). kustomize writes generated data keys unquoted and untagged, so reading its own output back
 * turns such a key into a non-string map key, and printing the object then fails ("json: unsupported
 * type: map[interface {}]interface {}"), in Flux as in kubectl.
 */
export function isNonStringScalar(s: string): boolean {
  if (NON_STRING_WORDS.has(s)) return true;
  if (!/^[-+.0-9]/.test(s)) return false;
  return normalizeTimestamp(s) !== undefined || parseGoInt(s) !== undefined || parseGoFloat(s) !== undefined;
}

/**
 * kustomize hands a builtin generator its arguments as YAML made from JSON (sigs.k8s.io/yaml). Go's JSON
 * leaves U+007F–U+009F (but U+0085), U+FFFE and U+FFFF unescaped and go-yaml then refuses them.
 */
const REJECTED_BY_YAML = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

/**
 * The same round trip reads a raw NEL (U+0085) inside the JSON string as a YAML line break: a run of
 * spaces and NELs folds to one space for a single NEL, or to n-1 newlines for n NELs.
 */
export function pluginConfigString(s: string): Parsed<string> {
  if (REJECTED_BY_YAML.test(s)) return { ok: false, error: "yaml: control characters are not allowed" };
  if (!s.includes("\u0085")) return { ok: true, value: s };
  const folded = s.replace(/ *(?:\u0085 *)+/g, (run) => {
    const breaks = run.split("\u0085").length - 1;
    return breaks === 1 ? " " : "\n".repeat(breaks - 1);
  });
  return { ok: true, value: folded };
}
