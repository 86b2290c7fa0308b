/**
 * Sprig v3 (Masterminds/sprig 3.3.0, what Helm pins) — the functions charts use, with sprig's semantics on
 * GoValues: lists are []interface{} (`list`, `append` never mutate theirs), dicts map[string]interface{}
 * (`set`, `unset`, `merge` mutate theirs, as in Go), `empty` is Go's zero-ness, integer arithmetic goes
 * through int64 (spf13/cast's conversions: floats truncate, strings parse), and regexes are RE2 (re2js).
 * Dates are sprig-time.ts (Go's time package in gotime.ts), derivePassword and AES sprig-crypto.ts, and
 * `semver`'s Version sprig-semver.ts.
 *
 * The core reads no clock and draws no randomness of its own: `now`, and every function that falls back
 * on it (`ago`, `date` of a non-time …), take the time from `SprigOptions.now`, random functions their
 * bytes from `SprigOptions.randomBytes`, and each such result is reported to
 * `SprigOptions.onNondeterministic`, so a renderer can mark its output as not comparable.
 */
import { createHash } from "node:crypto";
import { RE2JS } from "re2js";
import { sha256Hex } from "../util/sha256.ts";
import { GoTime, wrongType } from "./gotime.ts";
import { fromPlain, marshalJson } from "./json.ts";
import { mastermindsRange, satisfiesConstraint } from "./semver-range.ts";
import { cryptoFunctions } from "./sprig-crypto.ts";
import { randomFunctions } from "./sprig-random.ts";
import { newVersion } from "./sprig-semver.ts";
import { timeFunctions } from "./sprig-time.ts";
import { FuncError, LimitError } from "./template/exec.ts";
import { goQuote } from "./template/fmt.ts";
import {
  formatValue,
  type GoFunction,
  GoObject,
  type GoValue,
  goKind,
  goTypeName,
  isMap,
  NO_VALUE,
} from "./template/values.ts";

const fail = (message: string): never => {
  throw new FuncError(message);
};

type Dict = Record<string, GoValue>;

/** Go's zero-ness, as sprig's `empty` decides it. */
/** strings.Trim: `s` without the leading and trailing characters (code points) that are in `cut`. */
function trimAll(cut: string, s: string): string {
  const set = new Set(cut);
  const chars = [...s];
  let start = 0;
  let end = chars.length;
  while (start < end && set.has(chars[start]!)) start++;
  while (end > start && set.has(chars[end - 1]!)) end--;
  return chars.slice(start, end).join("");
}

/**
 * goutils.SwapCase: upper and title case to lower; lower case to title case at the start of a word (after
 * white space or at the start) and to upper case elsewhere; other characters kept. Go maps one rune to one
 * rune: a character whose JavaScript mapping is longer (ß → SS) is kept, and İ lowers to i.
 */
function swapCase(s: string): string {
  let out = "";
  let space = true;
  for (const ch of s) {
    if (/\p{Lu}|\p{Lt}/u.test(ch)) {
      out += ch === "İ" ? "i" : oneRune(ch.toLowerCase(), ch);
      space = false;
    } else if (/\p{Ll}/u.test(ch)) {
      out += space ? (TITLE_CASE[ch] ?? oneRune(ch.toUpperCase(), ch)) : oneRune(ch.toUpperCase(), ch);
      space = false;
    } else {
      out += ch;
      space = /\p{White_Space}/u.test(ch);
    }
  }
  return out;
}

/** The four lower-case digraphs whose title case is not their upper case. */
const TITLE_CASE: Record<string, string> = { ǆ: "ǅ", ǉ: "ǈ", ǌ: "ǋ", ǳ: "ǲ" };

function oneRune(mapped: string, original: string): string {
  return [...mapped].length === 1 ? mapped : original;
}

export function isEmpty(v: GoValue): boolean {
  if (v === null || v === NO_VALUE || v === undefined) return true;
  switch (typeof v) {
    case "boolean":
      return !v;
    case "bigint":
      return v === 0n;
    case "number":
      return v === 0;
    case "string":
      return v.length === 0;
    case "function":
      return false;
  }
  // A struct is never empty to sprig, but for a zero time.Time; a pointer is not nil.
  if (v instanceof GoObject) return v instanceof GoTime && v.isZero();
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

/** sprig's strval: strings as they are, everything else as fmt's %v. */
export function strval(v: GoValue): string {
  if (typeof v === "string") return v;
  if (v === null || v === NO_VALUE) return "<nil>";
  return formatValue(v);
}

/** spf13/cast ToInt64 (what sprig's arithmetic uses): errors become 0. */
export function toInt64(v: GoValue): bigint {
  switch (typeof v) {
    case "bigint":
      return v;
    case "number":
      return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
    case "boolean":
      return v ? 1n : 0n;
    case "string": {
      const s = v.trim();
      if (/^[+-]?\d+$/.test(s)) return BigInt(s);
      if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) return BigInt(s.replace(/^([+-]?)0[xX]/, "$10x"));
      return 0n;
    }
    default:
      return 0n;
  }
}

/** spf13/cast ToFloat64. */
export function toFloat64(v: GoValue): number {
  switch (typeof v) {
    case "bigint":
      return Number(v);
    case "number":
      return v;
    case "boolean":
      return v ? 1 : 0;
    case "string": {
      const n = Number(v.trim());
      return v.trim() !== "" && Number.isFinite(n) ? n : 0;
    }
    default:
      return 0;
  }
}

function list(v: GoValue, fn: string): GoValue[] {
  if (Array.isArray(v)) return v;
  if (v === null || v === NO_VALUE) return fail(`Cannot find ${fn} on type <nil>`);
  return fail(
    `Cannot find ${fn} on type ${typeof v === "string" ? "string" : typeof v === "bigint" ? "int" : typeof v}`,
  );
}

function dict(v: GoValue): Dict {
  if (isMap(v)) return v;
  // text/template passes nil to a map parameter as a nil map: read as empty (`merge $d nil`, `hasKey nil "k"`).
  if (v === null || v === NO_VALUE) return {};
  return fail(
    `wrong type for value; expected map[string]interface {}; got ${v === null ? "<nil>" : typeof v}`,
  );
}

/** sprig's strslice: a list's elements as strings (nil elements dropped), or the value as one string. */
function strslice(v: GoValue): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== NO_VALUE).map(strval);
  if (v === null || v === NO_VALUE) return [];
  return [strval(v)];
}

function deepCopy(v: GoValue): GoValue {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deepCopy(x)]));
  return v;
}

/**
 * mergo v1.0.1's deepMerge of maps, as sprig's merge (mergo.Merge) and mergeOverwrite (WithOverride) run
 * it: nested dicts merge; a nil value of `src` is skipped, or assigned when overwriting; any other value
 * fills a key `dst` lacks or holds an empty value — mergo's isEmptyValue looks through the interface, so
 * nil, "", false, 0 and an empty list or dict are all empty (the reason `true` always wins a merge,
 * helm#5238) — or, overwriting, replaces it. Values are assigned as they are: a dict merged in is shared,
 * not copied (sprig issue 188).
 */
function mergeInto(dst: Dict, src: Dict, overwrite: boolean): Dict {
  for (const [k, v] of Object.entries(src)) {
    if (v === null) {
      if (overwrite) dst[k] = null;
      continue;
    }
    const cur = dst[k];
    if (isMap(cur) && isMap(v)) mergeInto(cur, v, overwrite);
    else if (overwrite || !Object.hasOwn(dst, k) || isEmpty(cur!)) dst[k] = v;
  }
  return dst;
}

function regex(pattern: GoValue): RE2JS {
  try {
    return RE2JS.compile(strval(pattern));
  } catch (error) {
    return fail(`error parsing regexp: ${(error as Error).message}`);
  }
}

const words = (s: string) => s.split(/[\s]+/).filter(Boolean);

/** Go's strings.Title: the first letter of each word upper-cased. */
function title(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toUpperCase());
}

/** xstrings.ToSnakeCase / ToKebabCase: words split at case changes, digits and separators. */
function delimited(s: string, sep: string): string {
  const parts: string[] = [];
  let word = "";
  const chars = [...s];
  chars.forEach((c, i) => {
    const prev = chars[i - 1];
    const next = chars[i + 1];
    if (/[\s_\-.]/.test(c)) {
      if (word) parts.push(word);
      word = "";
      return;
    }
    const upper = /\p{Lu}/u.test(c);
    if (
      word &&
      upper &&
      prev !== undefined &&
      (/[\p{Ll}\d]/u.test(prev) || (next !== undefined && /\p{Ll}/u.test(next) && /\p{Lu}/u.test(prev)))
    ) {
      parts.push(word);
      word = "";
    }
    word += c;
  });
  if (word) parts.push(word);
  return parts.map((p) => p.toLowerCase()).join(sep);
}

/** xstrings.ToCamelCase: words joined at single underscores and capitalized; leading, trailing and doubled underscores keep one. */
function camelcase(s: string): string {
  const lead = /^_*/.exec(s)![0];
  const trail = s.length > lead.length ? /_*$/.exec(s)![0] : "";
  const core = s.slice(lead.length, s.length - trail.length);
  const out = core.replace(
    /(^|_+)([^_]?)/g,
    (_, us: string, c: string) => "_".repeat(Math.max(0, us.length - 1)) + c.toUpperCase(),
  );
  return lead + out + trail;
}

function indent(n: GoValue, s: GoValue): string {
  const pad = " ".repeat(Number(toInt64(n)));
  return pad + strval(s).replace(/\n/g, `\n${pad}`);
}

/** Elements `until` may make, and characters `repeat` may: this engine's bounds (Go has none). */
const MAX_UNTIL = 1_000_000;
const MAX_REPEAT = 32 * 1024 * 1024;

function until(start: bigint, stop: bigint, step: bigint): GoValue[] {
  const out: GoValue[] = [];
  if (step === 0n) return out;
  const count = (stop - start) / step;
  if (count > BigInt(MAX_UNTIL)) throw new LimitError(`until: more than ${MAX_UNTIL} elements`);
  if (step > 0n) for (let i = start; i < stop; i += step) out.push(i);
  else for (let i = start; i > stop; i += step) out.push(i);
  return out;
}

function base64Encode(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function base64Decode(s: string): string {
  try {
    const bin = atob(s);
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch (error) {
    return (error as Error).message;
  }
}

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function base32Encode(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  while (out.length % 8) out += "=";
  return out;
}
function base32Decode(s: string): string {
  const clean = s.replace(/=+$/, "");
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of clean) {
    const i = B32.indexOf(c);
    if (i < 0) return `illegal base32 data at input byte ${s.indexOf(c)}`;
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new TextDecoder().decode(Uint8Array.from(out));
}

/** Go's %q of each argument's strval (nil arguments skipped), space-joined. */
function quoteAll(args: GoValue[], q: (s: string) => string): string {
  return args
    .filter((a) => a !== null && a !== NO_VALUE)
    .map((a) => q(strval(a)))
    .join(" ");
}

function jsonOrEmpty(v: GoValue, options: Parameters<typeof marshalJson>[1]): string {
  try {
    return marshalJson(v, options);
  } catch {
    return "";
  }
}

function path(op: (p: string) => string): GoFunction {
  return (p) => op(strval(p ?? ""));
}

function clean(p: string): string {
  if (p === "") return ".";
  const abs = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length && out[out.length - 1] !== "..") out.pop();
      else if (!abs) out.push("..");
    } else out.push(part);
  }
  const joined = out.join("/");
  return abs ? `/${joined}` : joined || ".";
}

export interface SprigOptions {
  /**
   * The current time, for `now` and what falls back on it, as a time in Local (which is UTC: the core
   * reads no environment). Default: the Unix epoch, 1970-01-01T00:00:00Z.
   */
  now?: () => Date;
  /**
   * `n` random bytes (Go's crypto/rand), for encryptAES's IV. Default: a fixed pseudo-random sequence
   * (SHA-256 of a counter), the same for every function set.
   */
  randomBytes?: (n: number) => Uint8Array;
  /**
   * Called with the function's name each time a result depends on the clock or on randomness (`now`,
   * `ago`, `date` of a non-time, `durationRound` of a time, encryptAES): the output is not comparable.
   */
  onNondeterministic?: (name: string) => void;
}

/** The default random source: SHA-256 of "sprig" and a counter, as many blocks as asked. */
function fixedRandom(): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32)
      out.set(
        createHash("sha256")
          .update(`sprig ${counter++}`)
          .digest()
          .subarray(0, n - i),
        i,
      );
    return out;
  };
}

export function sprigFunctions(options: SprigOptions = {}): Record<string, GoFunction> {
  const nondeterministic = options.onNondeterministic ?? (() => {});
  const now = options.now ?? (() => new Date(0));
  const randomBytes = options.randomBytes ?? fixedRandom();
  const f: Record<string, GoFunction> = {
    // Defaults and flow
    default: (d, given) => (given === undefined || isEmpty(given) ? d! : given),
    empty: (v) => isEmpty(v ?? null),
    coalesce: (...args) => args.find((a) => !isEmpty(a)) ?? null,
    all: (...args) => args.every((a) => !isEmpty(a)),
    any: (...args) => args.some((a) => !isEmpty(a)),
    ternary: (vt, vf, cond) => (cond === true ? vt! : vf!),
    fail: (msg) => fail(strval(msg ?? "")),
    // Strings
    toString: (...a: GoValue[]) => strval(a[0] ?? null),
    toStrings: (v) => strslice(v ?? null),
    trim: (s) => strval(s!).trim(),
    trimAll: (cut, s) => trimAll(strval(cut!), strval(s!)),
    // sprig's older name, arguments in the same order.
    trimall: (cut, s) => trimAll(strval(cut!), strval(s!)),
    swapcase: (s) => swapCase(strval(s!)),
    hello: () => "Hello!",
    trimPrefix: (p, s) =>
      strval(s!).startsWith(strval(p!)) ? strval(s!).slice(strval(p!).length) : strval(s!),
    trimSuffix: (p, s) =>
      strval(p!) !== "" && strval(s!).endsWith(strval(p!))
        ? strval(s!).slice(0, -strval(p!).length)
        : strval(s!),
    upper: (s) => strval(s!).toUpperCase(),
    lower: (s) => strval(s!).toLowerCase(),
    title: (s) => title(strval(s!)),
    untitle: (s) => strval(s!).replace(/(^|\s)(\p{L})/gu, (_, sp: string, c: string) => sp + c.toLowerCase()),
    repeat: (n, s) => {
      const count = Math.max(0, Number(toInt64(n!)));
      const text = strval(s!);
      if (count * text.length > MAX_REPEAT)
        throw new LimitError(`repeat: more than ${MAX_REPEAT} characters`);
      return text.repeat(count);
    },
    substr: (start, end, s) => {
      const str = strval(s!);
      let a = Number(toInt64(start!));
      let b = Number(toInt64(end!));
      if (a < 0) return str.slice(0, b < 0 ? str.length : b);
      if (b < 0 || b > str.length) b = str.length;
      if (a > b) a = b;
      return str.slice(a, b);
    },
    nospace: (s) => strval(s!).replace(/\s/g, ""),
    trunc: (c, s) => {
      const n = Number(toInt64(c!));
      const str = strval(s!);
      if (n < 0 && str.length + n > 0) return str.slice(str.length + n);
      if (n >= 0 && str.length > n) return str.slice(0, n);
      return str;
    },
    abbrev: (width, s) => {
      const w = Number(toInt64(width!));
      const str = strval(s!);
      if (w < 4 || str.length <= w) return str;
      return `${str.slice(0, w - 3)}...`;
    },
    abbrevboth: (left, right, s) => {
      const l = Number(toInt64(left!));
      const r = Number(toInt64(right!));
      let str = strval(s!);
      if (r < 4 || (l > 0 && r < 7)) return str;
      if (str.length <= r) return str;
      let offset = l;
      if (offset > str.length) offset = str.length;
      if (str.length - offset < r - 3) offset = str.length - (r - 3);
      if (offset <= 4) return `${str.slice(0, r - 3)}...`;
      if (offset + r - 3 < str.length) {
        str = str.slice(offset);
        return `...${str.length > r - 3 ? `${str.slice(0, r - 6)}...` : str}`;
      }
      return `...${str.slice(str.length - (r - 3))}`;
    },
    initials: (s) =>
      words(strval(s!))
        .map((w) => [...w][0])
        .join(""),
    wrap: (n, s) => wrapText(strval(s!), Number(toInt64(n!)), "\n"),
    wrapWith: (n, sep, s) => wrapText(strval(s!), Number(toInt64(n!)), strval(sep!)),
    contains: (sub, s) => strval(s!).includes(strval(sub!)),
    hasPrefix: (p, s) => strval(s!).startsWith(strval(p!)),
    hasSuffix: (p, s) => strval(s!).endsWith(strval(p!)),
    quote: (...args) => quoteAll(args, goQuote),
    squote: (...args) => quoteAll(args, (s) => `'${s}'`),
    cat: (...args) =>
      args
        .filter((a) => a !== null && a !== NO_VALUE)
        .map(strval)
        .join(" "),
    indent: (n, s) => indent(n!, s!),
    nindent: (n, s) => `\n${indent(n!, s!)}`,
    replace: (old, nu, s) => strval(s!).split(strval(old!)).join(strval(nu!)),
    plural: (one, many, n) => (toInt64(n!) === 1n ? strval(one!) : strval(many!)),
    snakecase: (s) => delimited(strval(s!), "_"),
    kebabcase: (s) => delimited(strval(s!), "-"),
    camelcase: (s) => camelcase(strval(s!)),
    split: (sep, s) => {
      const parts = strval(s!).split(strval(sep!));
      return Object.fromEntries(parts.map((p, i) => [`_${i}`, p]));
    },
    splitList: (sep, s) => strval(s!).split(strval(sep!)),
    splitn: (sep, n, s) => {
      const count = Number(toInt64(n!));
      const all = strval(s!).split(strval(sep!));
      const parts =
        count > 0 && all.length > count
          ? [...all.slice(0, count - 1), all.slice(count - 1).join(strval(sep!))]
          : all;
      return Object.fromEntries(parts.map((p, i) => [`_${i}`, p]));
    },
    join: (sep, v) => strslice(v ?? null).join(strval(sep!)),
    sortAlpha: (v) => {
      const items = strslice(v ?? null);
      return items.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    },
    // Encodings and hashes
    b64enc: (s) => base64Encode(strval(s!)),
    b64dec: (s) => base64Decode(strval(s!)),
    b32enc: (s) => base32Encode(strval(s!)),
    b32dec: (s) => base32Decode(strval(s!)),
    sha256sum: (s) => sha256Hex(new TextEncoder().encode(strval(s!))),
    sha1sum: (s) => createHash("sha1").update(strval(s!)).digest("hex"),
    sha512sum: (s) => createHash("sha512").update(strval(s!)).digest("hex"),
    adler32sum: (s) => {
      let a = 1;
      let b = 0;
      for (const byte of new TextEncoder().encode(strval(s!))) {
        a = (a + byte) % 65521;
        b = (b + a) % 65521;
      }
      return String(((b << 16) | a) >>> 0);
    },
    // sprig: the constraint, then the version as Masterminds/semver reads it (a missing minor or patch is
    // 0, leading zeros and a "v" are taken, spaces are not).
    semverCompare: (constraint, version) => {
      const range = mastermindsRange(strval(constraint!));
      if (range === undefined) return fail(`improper constraint: ${strval(constraint!)}`);
      return satisfiesConstraint(range, newVersion(strval(version!)).toString()) ?? false;
    },
    semver: (v) => newVersion(typeof v === "string" ? v : wrongType("string", v)),
    urlParse: (u) => urlParse(strval(u!)),
    urlJoin: (d) => urlJoin(dict(d!)),
    ...timeFunctions({ now: () => GoTime.fromDate(now()), nondeterministic }),
    ...cryptoFunctions({ randomBytes, nondeterministic }),
    ...randomFunctions({ randomBytes, nondeterministic }),
    // json.Marshal's error is dropped, as sprig drops it: a value that cannot be written gives "".
    toJson: (v) => jsonOrEmpty(v ?? null, {}),
    toRawJson: (v) => jsonOrEmpty(v ?? null, { raw: true }),
    toPrettyJson: (v) => jsonOrEmpty(v ?? null, { indent: "  " }),
    fromJson: (s) => {
      try {
        return fromPlain(JSON.parse(strval(s!)));
      } catch {
        return {};
      }
    },
    // Regular expressions (RE2)
    regexMatch: (re, s) => regex(re!).matcher(strval(s!)).find(),
    regexFind: (re, s) => {
      const m = regex(re!).matcher(strval(s!));
      return m.find() ? (m.group() ?? "") : "";
    },
    regexFindAll: (re, s, n) => {
      const m = regex(re!).matcher(strval(s!));
      const limit = Number(toInt64(n!));
      const out: GoValue[] = [];
      while ((limit < 0 || out.length < limit) && m.find()) out.push(m.group() ?? "");
      return out;
    },
    regexReplaceAll: (re, s, repl) =>
      regex(re!)
        .matcher(strval(s!))
        .replaceAll(strval(repl!).replace(/\$\{?(\w+)\}?/g, "$$$1")),
    regexReplaceAllLiteral: (re, s, repl) =>
      regex(re!)
        .matcher(strval(s!))
        .replaceAll(RE2JS.quoteReplacement(strval(repl!))),
    regexSplit: (re, s, n) => regexSplit(regex(re!), strval(s!), Number(toInt64(n!))),
    regexQuoteMeta: (s) => RE2JS.quote(strval(s!)).replace(/^\\Q|\\E$/g, ""),
    // Lists
    list: (...args) => [...args],
    tuple: (...args) => [...args],
    first: (v) => list(v ?? null, "first")[0] ?? null,
    last: (v) => {
      const l = list(v ?? null, "last");
      return l.length ? l[l.length - 1]! : null;
    },
    rest: (v) => list(v ?? null, "rest").slice(1),
    initial: (v) => list(v ?? null, "initial").slice(0, -1),
    reverse: (v) => [...list(v ?? null, "reverse")].reverse(),
    uniq: (v) => {
      const out: GoValue[] = [];
      for (const x of list(v ?? null, "uniq")) if (!out.some((y) => deepEqual(x, y))) out.push(x);
      return out;
    },
    without: (v, ...omit) => list(v ?? null, "without").filter((x) => !omit.some((o) => deepEqual(x, o))),
    has: (needle, v) =>
      v === null || v === NO_VALUE ? false : list(v!, "has").some((x) => deepEqual(x, needle!)),
    compact: (v) => list(v ?? null, "compact").filter((x) => !isEmpty(x)),
    append: (v, x) => [...list(v ?? null, "append"), x!],
    push: (v, x) => [...list(v ?? null, "push"), x!],
    prepend: (v, x) => [x!, ...list(v ?? null, "prepend")],
    concat: (...lists) => lists.flatMap((l) => list(l, "concat")),
    chunk: (size, v) => {
      const n = Number(toInt64(size!));
      const l = list(v ?? null, "chunk");
      const out: GoValue[] = [];
      for (let i = 0; i < l.length; i += n) out.push(l.slice(i, i + n));
      return out;
    },
    slice: (v, ...idx) => {
      const l = list(v ?? null, "slice");
      const a = idx[0] === undefined ? 0 : Number(toInt64(idx[0]));
      const b = idx[1] === undefined ? l.length : Number(toInt64(idx[1]));
      return l.slice(a, b);
    },
    until: (n) => until(0n, toInt64(n!), toInt64(n!) >= 0n ? 1n : -1n),
    untilStep: (start, stop, step) => until(toInt64(start!), toInt64(stop!), toInt64(step!)),
    seq: (...args) => seq(args.map((a) => toInt64(a))),
    // Dicts
    dict: (...args) => {
      const d: Dict = {};
      for (let i = 0; i < args.length; i += 2) d[strval(args[i]!)] = i + 1 < args.length ? args[i + 1]! : "";
      return d;
    },
    get: (d, k) => {
      const m = dict(d!);
      return Object.hasOwn(m, strval(k!)) ? m[strval(k!)]! : "";
    },
    set: (d, k, v) => {
      const m = dict(d!);
      m[strval(k!)] = v!;
      return m;
    },
    unset: (d, k) => {
      const m = dict(d!);
      delete m[strval(k!)];
      return m;
    },
    hasKey: (d, k) => Object.hasOwn(dict(d!), strval(k!)),
    pluck: (k, ...ds) =>
      ds.flatMap((d) => (isMap(d) && Object.hasOwn(d, strval(k!)) ? [d[strval(k!)]!] : [])),
    keys: (...ds) => ds.flatMap((d) => Object.keys(dict(d))),
    values: (d) => Object.values(dict(d!)),
    pick: (d, ...ks) => {
      const m = dict(d!);
      return Object.fromEntries(
        ks
          .map(strval)
          .filter((k) => Object.hasOwn(m, k))
          .map((k) => [k, m[k]!]),
      );
    },
    omit: (d, ...ks) => {
      const m = dict(d!);
      const drop = new Set(ks.map(strval));
      return Object.fromEntries(Object.entries(m).filter(([k]) => !drop.has(k)));
    },
    dig: (...args) => {
      const d = dict(args[args.length - 1]!);
      const def = args[args.length - 2]!;
      let cur: GoValue = d;
      for (const k of args.slice(0, -2)) {
        if (!isMap(cur) || !Object.hasOwn(cur, strval(k))) return def;
        cur = cur[strval(k)]!;
      }
      return cur;
    },
    merge: (dst, ...srcs) => srcs.reduce<Dict>((acc, s) => mergeInto(acc, dict(s), false), dict(dst!)),
    mergeOverwrite: (dst, ...srcs) =>
      srcs.reduce<Dict>((acc, s) => mergeInto(acc, dict(s), true), dict(dst!)),
    deepCopy: (v) => deepCopy(v ?? null),
    // Integer and float math
    add: (...args) => args.reduce<bigint>((s, a) => s + toInt64(a), 0n),
    add1: (a) => toInt64(a!) + 1n,
    sub: (a, b) => toInt64(a!) - toInt64(b!),
    mul: (a, ...rest) => rest.reduce<bigint>((s, x) => s * toInt64(x), toInt64(a!)),
    div: (a, b) => (toInt64(b!) === 0n ? fail("integer divide by zero") : toInt64(a!) / toInt64(b!)),
    mod: (a, b) => (toInt64(b!) === 0n ? fail("integer divide by zero") : toInt64(a!) % toInt64(b!)),
    max: (a, ...rest) => rest.map(toInt64).reduce(bigMax, toInt64(a!)),
    biggest: (a, ...rest) => rest.map(toInt64).reduce(bigMax, toInt64(a!)),
    min: (a, ...rest) => rest.map(toInt64).reduce(bigMin, toInt64(a!)),
    // shopspring/decimal, as sprig: exact decimal arithmetic on the floats' shortest forms.
    addf: (...args) => args.reduce<number>((s, a) => decimalOp(s, toFloat64(a), "+"), 0),
    add1f: (a) => toFloat64(a!) + 1,
    subf: (a, ...rest) => rest.reduce<number>((s, x) => decimalOp(s, toFloat64(x), "-"), toFloat64(a!)),
    mulf: (a, ...rest) => rest.reduce<number>((s, x) => decimalOp(s, toFloat64(x), "*"), toFloat64(a!)),
    divf: (a, ...rest) => rest.reduce<number>((s, x) => s / toFloat64(x), toFloat64(a!)),
    maxf: (a, ...rest) => rest.reduce<number>((m, x) => Math.max(m, toFloat64(x)), toFloat64(a!)),
    minf: (a, ...rest) => rest.reduce<number>((m, x) => Math.min(m, toFloat64(x)), toFloat64(a!)),
    floor: (a) => Math.floor(toFloat64(a!)),
    ceil: (a) => Math.ceil(toFloat64(a!)),
    round: (a, p) => {
      const m = 10 ** Number(toInt64(p ?? 0n));
      return Math.round(toFloat64(a!) * m) / m;
    },
    int: (a) => toInt64(a!),
    int64: (a) => toInt64(a!),
    float64: (a) => toFloat64(a!),
    atoi: (s) => toInt64(typeof s === "string" ? s : "0"),
    // An octal number's value (fmt.Sprint of the argument), 0 when it is not one.
    toDecimal: (v) => {
      const m = /^([+-]?)([0-7]+)$/.exec(strval(v ?? null));
      if (!m) return 0n;
      const n = BigInt(`0o${m[2]}`) * (m[1] === "-" ? -1n : 1n);
      return n > 0x7fffffffffffffffn || n < -0x8000000000000000n ? 0n : n;
    },
    // Paths (slash-separated, as Helm's charts use them)
    base: path((p) => (p === "" ? "." : p.replace(/\/+$/, "").split("/").pop() || "/")),
    dir: path((p) => {
      const c = clean(p);
      const i = c.lastIndexOf("/");
      return i < 0 ? "." : i === 0 ? "/" : c.slice(0, i);
    }),
    ext: path((p) => {
      const b = p.split("/").pop() ?? "";
      const i = b.lastIndexOf(".");
      return i < 0 ? "" : b.slice(i);
    }),
    clean: path(clean),
    isAbs: (p) => strval(p!).startsWith("/"),
    // Types
    kindOf: (v) => goKind(v ?? null),
    kindIs: (k, v) => goKind(v ?? null) === strval(k!),
    typeOf: (v) => goTypeName(v ?? null),
    typeIs: (t, v) => goTypeName(v ?? null) === strval(t!),
    typeIsLike: (t, v) => {
      const name = goTypeName(v ?? null);
      return name === strval(t!) || `*${name}` === strval(t!);
    },
    deepEqual: (a, b) => deepEqual(a!, b!),
  };
  // The must* variants return errors instead of panicking; with no panics here, they are the same.
  for (const name of [
    "first",
    "last",
    "rest",
    "initial",
    "reverse",
    "uniq",
    "without",
    "has",
    "compact",
    "append",
    "push",
    "prepend",
    "chunk",
    "slice",
    "deepCopy",
    "merge",
    "mergeOverwrite",
    "regexMatch",
    "regexFind",
    "regexFindAll",
    "regexReplaceAll",
    "regexReplaceAllLiteral",
    "regexSplit",
    "toJson",
    "toRawJson",
    "toPrettyJson",
    "fromJson",
  ]) {
    const base = f[name]!;
    f[`must${name[0]!.toUpperCase()}${name.slice(1)}`] = base;
  }
  f.osBase = f.base!;
  f.osDir = f.dir!;
  f.osExt = f.ext!;
  f.osClean = f.clean!;
  f.osIsAbs = f.isAbs!;
  return f;
}

/** Go's url.Parse, as sprig's urlParse returns it. */
function urlParse(u: string): Dict {
  const m = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(u)!;
  const authority = m[2] ?? "";
  const at = authority.lastIndexOf("@");
  const host = at >= 0 ? authority.slice(at + 1) : authority;
  return {
    scheme: m[1] ?? "",
    host,
    hostname: host.replace(/:\d*$/, "").replace(/^\[(.*)\]$/, "$1"),
    path: m[3] ?? "",
    query: m[4] ?? "",
    opaque: "",
    fragment: m[5] ?? "",
    userinfo: at >= 0 ? authority.slice(0, at) : "",
  };
}

/** Go's url.URL{…}.String() from urlParse's keys. */
function urlJoin(d: Dict): string {
  const get = (k: string) => (typeof d[k] === "string" ? (d[k] as string) : "");
  let out = "";
  if (get("scheme")) out += `${get("scheme")}:`;
  if (get("host") || get("userinfo"))
    out += `//${get("userinfo") ? `${get("userinfo")}@` : ""}${get("host")}`;
  const p = get("path");
  out += p && get("host") && !p.startsWith("/") ? `/${p}` : p;
  if (get("query")) out += `?${get("query")}`;
  if (get("fragment")) out += `#${get("fragment")}`;
  return out;
}

/** A float as an exact decimal: digits and a power-of-ten scale (its shortest round-trip form). */
function decimal(f: number): { n: bigint; scale: number } {
  const [mant, exp] = f.toExponential().split("e") as [string, string];
  const digits = mant.replace(".", "").replace("-", "");
  const fracDigits = (mant.split(".")[1] ?? "").length;
  const scale = fracDigits - Number(exp);
  const n = BigInt(digits) * (f < 0 ? -1n : 1n);
  return scale >= 0 ? { n, scale } : { n: n * 10n ** BigInt(-scale), scale: 0 };
}

function decimalOp(a: number, b: number, op: "+" | "-" | "*"): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return op === "+" ? a + b : op === "-" ? a - b : a * b;
  const x = decimal(a);
  const y = decimal(b);
  if (op === "*") return Number(`${x.n * y.n}e-${x.scale + y.scale}`);
  const scale = Math.max(x.scale, y.scale);
  const xn = x.n * 10n ** BigInt(scale - x.scale);
  const yn = y.n * 10n ** BigInt(scale - y.scale);
  return Number(`${op === "+" ? xn + yn : xn - yn}e-${scale}`);
}

/** Math.max and Math.min take no bigints. */
function bigMax(a: bigint, b: bigint): bigint {
  return b > a ? b : a;
}
function bigMin(a: bigint, b: bigint): bigint {
  return b < a ? b : a;
}

function seq(args: bigint[]): string {
  const [a, b, c] = args;
  let start = 1n;
  let end = 0n;
  let step = 1n;
  if (args.length === 1) {
    end = a!;
    if (end < start) step = -1n;
  } else if (args.length === 2) {
    start = a!;
    end = b!;
    step = start > end ? -1n : 1n;
  } else if (args.length === 3) {
    start = a!;
    step = b!;
    end = c!;
    if (step === 0n || (end < start && step > 0n) || (end > start && step < 0n)) return "";
  } else return "";
  const out: bigint[] = [];
  if (step > 0n) for (let i = start; i <= end; i += step) out.push(i);
  else for (let i = start; i >= end; i += step) out.push(i);
  return out.join(" ");
}

function regexSplit(re: RE2JS, s: string, n: number): GoValue[] {
  if (n === 0) return [];
  const m = re.matcher(s);
  const out: string[] = [];
  let beg = 0;
  while ((n < 0 || out.length < n - 1) && m.find()) {
    if (m.end() === 0 && m.start() === 0 && s.length > 0) continue;
    if (m.start() === m.end() && m.start() === beg && beg !== 0) continue;
    out.push(s.slice(beg, m.start()));
    beg = m.end();
  }
  out.push(s.slice(beg));
  return out;
}

function wrapText(s: string, width: number, sep: string): string {
  const out: string[] = [];
  for (const line of s.split("\n")) {
    let current = "";
    for (const w of line.split(" ")) {
      if (current && current.length + 1 + w.length > width) {
        out.push(current);
        current = w;
      } else current = current ? `${current} ${w}` : w;
    }
    out.push(current);
  }
  return out.join(sep);
}

export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (a instanceof GoObject || b instanceof GoObject)
    return a instanceof GoObject && b instanceof GoObject && a.goType === b.goType && String(a) === String(b);
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return (
      ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k]!, b[k]!))
    );
  }
  return false;
}
