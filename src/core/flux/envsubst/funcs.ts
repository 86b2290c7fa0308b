/**
 * The string functions behind envsubst operators: a port of fluxcd/pkg `envsubst/funcs.go` and the operator
 * table of `template.go` (lookupFunc / isDefaultOp).
 *
 * Go semantics are kept where JavaScript differs: lengths and substring offsets count UTF-8 bytes, case
 * mapping is per code point with simple (one-to-one) mappings, `strings.Replace` with an empty pattern
 * inserts at every rune boundary, and replacement text is literal (no `$&`). A negative substring length
 * makes Go panic (slice bounds out of range); that is returned as an error.
 */
import { type GlobMeter, globMatch } from "./glob.ts";
import { utf8Decode, utf8Encode, utf8Length } from "./utf8.ts";

/** A failure; `limit` when it is one of the engine's bounds (not Flux's behaviour) that stopped it. */
export interface FuncError {
  error: string;
  limit?: "output" | "work";
}

export type SubstituteFunc = (s: string, args: readonly string[]) => string | FuncError;

/**
 * The engine's bounds on one evaluation (none in Go, whose memory and time a hostile expression exhausts):
 * the longest value an operator may produce, checked before a replacement builds it, and the pattern
 * matching work of the trim operators.
 */
export interface FuncLimits {
  maxOutput: number;
  meter?: GlobMeter & { limit: number };
}

const UNLIMITED: FuncLimits = { maxOutput: Number.POSITIVE_INFINITY };

export function outputLimitError(max: number): FuncError {
  return {
    error: `the substituted text would exceed ${max} characters (the engine's limit; Flux has none)`,
    limit: "output",
  };
}

export function workLimitError(): FuncError {
  return {
    error: "pattern matching in a trim operator (#, ##, %, %%) needs more work than the engine's limit",
    limit: "work",
  };
}

/** Operators that supply their own value when the variable is unset (exempt from strict mode). */
export function isDefaultOp(name: string): boolean {
  return ["-", "+", "=", "?", ":-", ":+", ":=", ":?"].includes(name);
}

export function lookupFunc(name: string, argCount: number, limits: FuncLimits = UNLIMITED): SubstituteFunc {
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
      return argCount === 0 ? (s) => String(utf8Length(s)) : (s, a) => trimPrefix(s, a, false, limits.meter);
    case "##":
      return (s, a) => trimPrefix(s, a, true, limits.meter);
    case "%":
      return (s, a) => trimSuffix(s, a, false, limits.meter);
    case "%%":
      return (s, a) => trimSuffix(s, a, true, limits.meter);
    case ":":
      return toSubstr;
    case "/#":
      return (s, a) =>
        a.length === 2 && s.startsWith(a[0] ?? "")
          ? boundedReplace(s, a[0] ?? "", a[1] ?? "", 1, limits.maxOutput)
          : s;
    case "/%":
      return (s, a) =>
        a.length === 2 && s.endsWith(a[0] ?? "") ? s.slice(0, s.length - (a[0] ?? "").length) + a[1] : s;
    case "/":
      return (s, a) => (a.length === 0 ? s : boundedReplace(s, a[0] ?? "", a[1] ?? "", 1, limits.maxOutput));
    case "//":
      return (s, a) => (a.length === 0 ? s : boundedReplace(s, a[0] ?? "", a[1] ?? "", -1, limits.maxOutput));
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

/** goReplace, unless its result would be longer than `max`: then an output-limit error, before building it. */
function boundedReplace(s: string, old: string, rep: string, n: number, max: number): string | FuncError {
  if (old === rep || n === 0) return s;
  if (rep.length > old.length && Number.isFinite(max)) {
    let count = 0;
    if (old === "") {
      for (const _ of s) if (n < 0 || count < n) count++;
      if (n < 0 || count < n) count++; // after the last rune too
    } else {
      for (let at = s.indexOf(old); at >= 0 && (n < 0 || count < n); at = s.indexOf(old, at + old.length))
        count++;
    }
    if (s.length + count * (rep.length - old.length) > max) return outputLimitError(max);
  }
  return goReplace(s, old, rep, n);
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

type Meter = FuncLimits["meter"];

function trimPrefix(s: string, args: readonly string[], longest: boolean, meter: Meter): string | FuncError {
  const pattern = args[0];
  return pattern === undefined ? s : trimMatch(s, pattern, longest, meter);
}

/** Upstream trims a suffix by reversing value *and pattern* rune-wise (so "[a-z]" becomes "]z-a["). */
function trimSuffix(s: string, args: readonly string[], longest: boolean, meter: Meter): string | FuncError {
  const pattern = args[0];
  if (pattern === undefined) return s;
  const r = trimMatch(reverseRunes(s), reverseRunes(pattern), longest, meter);
  return typeof r === "string" ? reverseRunes(r) : r;
}

/**
 * Removes the longest or shortest non-empty byte prefix of `s` that the glob matches. Quadratic (or
 * worse, with several stars) in the value's length, as upstream: the work is metered.
 */
function trimMatch(s: string, pattern: string, longest: boolean, meter: Meter): string | FuncError {
  const bytes = utf8Encode(s);
  const pat = utf8Encode(pattern);
  let matched = 0;
  for (let i = 0; i < bytes.length; i++) {
    const end = bytes.length - i;
    const m = globMatch(pat, bytes.subarray(0, end), meter);
    if (meter && meter.steps > meter.limit) return workLimitError();
    if (m === "bad-pattern") return s;
    if (m) {
      matched = end;
      if (longest) break;
    }
  }
  return matched === 0 ? s : utf8Decode(bytes.subarray(matched));
}
