/**
 * text/template's predefined functions (funcs.go): and, or (short-circuit, in exec.ts), not, len, index,
 * slice, print, printf, println, html, js, urlquery, call, and the comparisons eq, ne, lt, le, gt, ge with
 * Go's rules (integers with integers, floats with floats, strings with strings; `eq` takes several
 * arguments and is true when the first equals any of them).
 */
import type { TemplateSet } from "./exec.ts";
import { FuncError } from "./exec.ts";
import { sprint, sprintf, sprintln } from "./fmt.ts";
import { type GoFunction, type GoValue, isMap, isTrue, NO_VALUE, ZERO } from "./values.ts";

const fail = (message: string): never => {
  throw new FuncError(message);
};

type Kind = "bool" | "int" | "float" | "string" | "nil" | "complex" | "other";

function basicKind(v: GoValue): Kind {
  if (v === null || v === NO_VALUE) return "nil";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float";
    case "string":
      return "string";
    default:
      return "other";
  }
}

function eqOne(a: GoValue, b: GoValue): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === "nil" || kb === "nil") {
    // Go: both are no value after indirectInterface; different kinds with one invalid are unequal.
    return ka === "nil" && kb === "nil";
  }
  if (ka === "other" || kb === "other") {
    if (ka === "other" && kb === "other") return fail("non-comparable types");
    return fail("incompatible types for comparison");
  }
  if (ka !== kb) {
    // An untyped integer constant against a float is still incomparable in Go's template: types differ.
    return fail("incompatible types for comparison");
  }
  return a === b;
}

function lessThan(a: GoValue, b: GoValue): boolean {
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka !== kb || ka === "nil" || ka === "other" || ka === "bool")
    return fail(
      ka === kb && ka !== "other" && ka !== "nil"
        ? "invalid type for comparison"
        : "incompatible types for comparison",
    );
  return (a as string | number | bigint) < (b as string | number | bigint);
}

function toInt(v: GoValue, what: string): number {
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number" && Number.isInteger(v)) return v;
  return fail(
    `cannot index slice/array with type ${typeof v === "number" ? "float64" : typeof v}`.replace(
      "slice/array",
      what,
    ),
  );
}

function indexOne(item: GoValue, key: GoValue): GoValue {
  if (item === null || item === NO_VALUE) return fail("index of untyped nil");
  if (Array.isArray(item)) {
    const i = toInt(key, "slice/array");
    if (i < 0 || i >= item.length) return fail(`index out of range: ${i}`);
    return item[i]!;
  }
  if (typeof item === "string") {
    const i = toInt(key, "slice/array");
    const bytes = new TextEncoder().encode(item);
    if (i < 0 || i >= bytes.length) return fail(`index out of range: ${i}`);
    return BigInt(bytes[i]!);
  }
  if (isMap(item)) {
    if (key === null || key === NO_VALUE) return fail("value is nil; should be of type string");
    if (typeof key !== "string")
      return fail(`value has type ${typeof key === "bigint" ? "int" : typeof key}; should be string`);
    return Object.hasOwn(item, key) ? item[key]! : (item[ZERO] ?? NO_VALUE);
  }
  return fail(`can't index item of type ${typeof item}`);
}

export function builtins(set: TemplateSet): Record<string, GoFunction> {
  void set;
  return {
    // Evaluated lazily by the executor; here for the parser to know them.
    and: () => fail("and is evaluated by the executor"),
    or: () => fail("or is evaluated by the executor"),
    not: (...args) => {
      if (args.length !== 1) fail(`wrong number of args for not: want 1 got ${args.length}`);
      return !isTrue(args[0]!);
    },
    len: (...args) => {
      if (args.length !== 1) fail(`wrong number of args for len: want 1 got ${args.length}`);
      const v = args[0]!;
      if (typeof v === "string") return BigInt(new TextEncoder().encode(v).length);
      if (Array.isArray(v)) return BigInt(v.length);
      if (isMap(v)) return BigInt(Object.keys(v).length);
      if (v === null || v === NO_VALUE) return fail("len of nil pointer");
      return fail(`len of type ${typeof v === "bigint" ? "int" : typeof v}`);
    },
    index: (item, ...keys) => {
      if (item === undefined) return fail("wrong number of args for index: want at least 1 got 0");
      let v = item;
      for (const k of keys) v = indexOne(v, k);
      return v;
    },
    slice: (item, ...idx) => {
      if (item === undefined) return fail("wrong number of args for slice: want at least 1 got 0");
      if (idx.length > 3) return fail(`too many slice indexes: ${idx.length}`);
      if (typeof item === "string") {
        if (idx.length === 3) return fail("cannot 3-index slice a string");
        const n = item.length;
        const from = idx[0] === undefined ? 0 : toInt(idx[0], "slice");
        const to = idx[1] === undefined ? n : toInt(idx[1], "slice");
        if (from < 0 || to < from || to > n) return fail(`invalid slice index: ${from} > ${to}`);
        return item.slice(from, to);
      }
      if (!Array.isArray(item)) return fail(`can't slice item of type ${typeof item}`);
      const n = item.length;
      const ix = idx.map((i) => toInt(i, "slice"));
      const from = ix[0] ?? 0;
      const to = ix[1] ?? n;
      const cap = ix[2] ?? n;
      if (from < 0 || to < from || to > cap || cap > n) return fail(`index out of range`);
      return item.slice(from, to);
    },
    print: (...args) => sprint(args),
    printf: (format, ...args) => {
      if (typeof format !== "string") return fail("printf needs a format string");
      return sprintf(format, args);
    },
    println: (...args) => sprintln(args),
    html: (...args) => htmlEscape(evalArgs(args)),
    js: (...args) => jsEscape(evalArgs(args)),
    urlquery: (...args) =>
      encodeURIComponent(evalArgs(args))
        .replace(/%20/g, "+")
        .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    call: (fn, ...args) => {
      if (typeof fn !== "function") return fail(`non-function of type ${fn === null ? "<nil>" : typeof fn}`);
      return fn(...args);
    },
    eq: (arg1, ...rest) => {
      if (arg1 === undefined || rest.length === 0) return fail("missing argument for comparison");
      return rest.some((b) => eqOne(arg1, b));
    },
    ne: (...args) => {
      if (args.length !== 2) fail(`wrong number of args for ne: want 2 got ${args.length}`);
      return !eqOne(args[0]!, args[1]!);
    },
    lt: (a, b) => lessThan(a!, b!),
    le: (a, b) => lessThan(a!, b!) || eqOne(a!, b!),
    gt: (a, b) => !lessThan(a!, b!) && !eqOne(a!, b!),
    ge: (a, b) => !lessThan(a!, b!),
  };
}

/** evalArgs: one string argument as is, else fmt.Sprint of them. */
function evalArgs(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  // printableValue: a nil argument is no value.
  return sprint(args.map((a) => (a === null ? NO_VALUE : a)));
}

function htmlEscape(s: string): string {
  return s.replace(/[&'<>"\0]/g, (c) =>
    c === "\0" ? "\uFFFD" : { "&": "&amp;", "'": "&#39;", "<": "&lt;", ">": "&gt;", '"': "&#34;" }[c]!,
  );
}

function jsEscape(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case "\\":
        out += "\\\\";
        break;
      case "'":
        out += "\\'";
        break;
      case '"':
        out += '\\"';
        break;
      case "<":
        out += "\\u003C";
        break;
      case ">":
        out += "\\u003E";
        break;
      case "&":
        out += "\\u0026";
        break;
      case "=":
        out += "\\u003D";
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\t":
        out += "\\t";
        break;
      default:
        if (c < 0x20) out += `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`;
        else out += ch;
    }
  }
  return out;
}
