/**
 * kustomize v5.5's env-file parser (api/kv/kv.go keyValuesFromLines / keyValuesFromLine).
 *
 * One pair per line: a UTF-8 BOM is dropped from the first line only, leading Unicode white space is
 * trimmed, blank and "#" lines are skipped, the rest splits at the first "=" and the value is kept
 * verbatim (quotes and trailing spaces included). A line without "=" has an empty value (no environment
 * lookup); a line with an empty key ("=x") is skipped. Keys are not validated (kustomize's validator is a
 * no-op). This module does not read files.
 */
import type { Parsed } from "./kv.ts";

export interface EnvPair {
  key: string;
  value: string;
}

/** bufio.Scanner's default limit: a line of 64 KiB or more stops the scan, silently (kv.go ignores Err). */
const MAX_LINE_BYTES = 64 * 1024 - 1;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder("utf-8", { ignoreBOM: true });

export function parseEnvFile(content: Uint8Array): Parsed<EnvPair[]> {
  const pairs: EnvPair[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < content.length) {
    let end = content.indexOf(0x0a, start);
    const next = end < 0 ? content.length : end + 1;
    if (end < 0) end = content.length;
    if (end - start > MAX_LINE_BYTES) break;
    let lineEnd = end;
    if (lineEnd > start && content[lineEnd - 1] === 0x0d) lineEnd--; // ScanLines drops one trailing \r
    const bytes = content.subarray(start, lineEnd);
    let line: string;
    try {
      line = utf8.decode(bytes);
    } catch {
      return {
        ok: false,
        error: `line [${bytes.join(" ")}] has invalid utf8 bytes : ${lenient.decode(bytes)}`,
      };
    }
    if (lineNo === 0 && line.startsWith("\ufeff")) line = line.slice(1);
    lineNo++;
    start = next;
    line = trimLeftSpace(line);
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    const key = eq < 0 ? line : line.slice(0, eq);
    if (key === "") continue;
    pairs.push({ key, value: eq < 0 ? "" : line.slice(eq + 1) });
  }
  return { ok: true, value: pairs };
}

/** Go's unicode.IsSpace (note: U+0085 is space, U+FEFF is not, unlike JavaScript's \s). */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

function trimLeftSpace(s: string): string {
  return s.replace(GO_SPACE, "");
}
