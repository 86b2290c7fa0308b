/**
 * The string functions behind envsubst operators: a port of fluxcd/pkg `envsubst/funcs.go` and the operator
 * table of `template.go` (lookupFunc / isDefaultOp).
 *
 * Go semantics are kept where JavaScript differs: lengths and substring offsets count UTF-8 bytes, case
 * mapping is per code point with simple (one-to-one) mappings, `strings.Replace` with an empty pattern
 * inserts at every rune boundary, and replacement text is literal (no `$&`). A negative substring length
 * makes Go panic (slice bounds out of range); that is returned as an error.
 */
import { globMatch } from "./glob.ts";
import { utf8Decode, utf8Encode, utf8Length } from "./utf8.ts";

export type SubstituteFunc = (s: string, args: readonly string[]) => string | { error: string };

/** Operators that supply their own value when the variable is unset (exempt from strict mode). */
export function isDefaultOp(name: string): boolean {
  return ["-", "+", "=", "?", ":-", ":+", ":=", ":?"].includes(name);
}

export function lookupFunc(name: string, argCount: number): SubstituteFunc {
  switch (name) {
    case ",":
      return (s) => mapFirst(s, lowerRune);
    case ",,":
      return (s) => mapAll(s, lowerRune);
    case "^":
      return (s) => mapFirst(s, upperRune);
    case "^^":
      return (s) => mapAll(s, upperRune);
    case "#":
      return argCount === 0 ? (s) => String(utf8Length(s)) : (s, a) => trimPrefix(s, a, false);
    case "##":
      return (s, a) => trimPrefix(s, a, true);
    case "%":
      return (s, a) => trimSuffix(s, a, false);
    case "%%":
      return (s, a) => trimSuffix(s, a, true);
    case ":":
      return toSubstr;
    case "/#":
      return (s, a) =>
        a.length === 2 && s.startsWith(a[0] ?? "") ? goReplace(s, a[0] ?? "", a[1] ?? "", 1) : s;
    case "/%":
      return (s, a) =>
        a.length === 2 && s.endsWith(a[0] ?? "") ? s.slice(0, s.length - (a[0] ?? "").length) + a[1] : s;
    case "/":
      return (s, a) => (a.length === 0 ? s : goReplace(s, a[0] ?? "", a[1] ?? "", 1));
    case "//":
      return (s, a) => (a.length === 0 ? s : goReplace(s, a[0] ?? "", a[1] ?? "", -1));
    default:
      // "", "=", ":=", ":-", ":?", ":+" and any unknown operator: the value, or the joined args if it is empty.
      return (s, a) => (s.length === 0 && a.length > 0 ? a.join("") : s);
  }
}

function upperRune(c: string): string {
  const u = c.toUpperCase();
  return [...u].length === 1 ? u : c;
}

function lowerRune(c: string): string {
  if (c === "\u0130") return "i"; // the one simple lowercase mapping JS only offers as a full mapping
  const l = c.toLowerCase();
  return [...l].length === 1 ? l : c;
}

function mapAll(s: string, f: (c: string) => string): string {
  let out = "";
  for (const c of s) out += f(c);
  return out;
}

function mapFirst(s: string, f: (c: string) => string): string {
  const first = s.codePointAt(0);
  if (first === undefined) return s;
  const c = String.fromCodePoint(first);
  return f(c) + s.slice(c.length);
}

/** Go's strconv.Atoi as a 64-bit integer; undefined where Go returns an error. */
function atoi(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v < -(2n ** 63n) || v >= 2n ** 63n ? undefined : v;
}

function toSubstr(s: string, args: readonly string[]): string | { error: string } {
  if (args.length === 0) return s;
  let pos = atoi(args[0] ?? "");
  if (pos === undefined) return s;
  const bytes = utf8Encode(s);
  const len = BigInt(bytes.length);
  if (pos < 0n) {
    pos += len;
    if (pos < 0n) pos = 0n;
  }
  if (args.length === 1) return pos < len ? utf8Decode(bytes.subarray(Number(pos))) : "";
  const length = atoi(args[1] ?? "");
  if (length === undefined) return s;
  const end = BigInt.asIntN(64, pos + length); // Go's int addition wraps
  if (end >= len) return pos < len ? utf8Decode(bytes.subarray(Number(pos))) : "";
  if (end < pos) return { error: `runtime error: slice bounds out of range [${pos}:${end}]` };
  return utf8Decode(bytes.subarray(Number(pos), Number(end)));
}

/** Go's strings.Replace(s, old, rep, n); n < 0 means all. */
export function goReplace(s: string, old: string, rep: string, n: number): string {
  if (old === rep || n === 0) return s;
  let out = "";
  let count = 0;
  if (old === "") {
    const runes = [...s];
    for (let k = 0; k <= runes.length; k++) {
      if (n < 0 || count < n) {
        out += rep;
        count++;
      }
      out += runes[k] ?? "";
    }
    return out;
  }
  let from = 0;
  while (n < 0 || count < n) {
    const at = s.indexOf(old, from);
    if (at < 0) break;
    out += s.slice(from, at) + rep;
    from = at + old.length;
    count++;
  }
  return out + s.slice(from);
}

function reverseRunes(s: string): string {
  return [...s].reverse().join("");
}

function trimPrefix(s: string, args: readonly string[], longest: boolean): string {
  const pattern = args[0];
  return pattern === undefined ? s : trimMatch(s, pattern, longest);
}

/** Upstream trims a suffix by reversing value *and pattern* rune-wise (so "[a-z]" becomes "]z-a["). */
function trimSuffix(s: string, args: readonly string[], longest: boolean): string {
  const pattern = args[0];
  return pattern === undefined ? s : reverseRunes(trimMatch(reverseRunes(s), reverseRunes(pattern), longest));
}

/** Removes the longest or shortest non-empty byte prefix of `s` that the glob matches. */
function trimMatch(s: string, pattern: string, longest: boolean): string {
  const bytes = utf8Encode(s);
  const pat = utf8Encode(pattern);
  let matched = 0;
  for (let i = 0; i < bytes.length; i++) {
    const end = bytes.length - i;
    const m = globMatch(pat, bytes.subarray(0, end));
    if (m === "bad-pattern") return s;
    if (m) {
      matched = end;
      if (longest) break;
    }
  }
  return matched === 0 ? s : utf8Decode(bytes.subarray(matched));
}
