/**
 * The part of Go's fmt the templates use: Sprint (spaces between operands when neither is a string),
 * Sprintln, and Sprintf with the verbs charts use — %v %T %s %d %q %x %X %o %b %c %U %e %E %f %F %g %G %t
 * %% — with flags (- + # 0 space), width and precision, explicit argument indexes (%[1]s), and Go's
 * complaints for a wrong verb
 * (`%!d(string=x)`), a missing argument (`%!s(MISSING)`) and extra ones (`%!(EXTRA int=1)`).
 */
import { formatFloat, formatValue, type GoValue, goTypeName } from "./values.ts";

export function sprint(args: readonly GoValue[]): string {
  let out = "";
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += formatValue(a);
  });
  return out;
}

export function sprintln(args: readonly GoValue[]): string {
  return `${args.map((a) => formatValue(a)).join(" ")}\n`;
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number | undefined;
  prec?: number | undefined;
}

function pad(s: string, spec: Spec, numeric = false): string {
  if (spec.width === undefined || s.length >= spec.width) return s;
  const fill = spec.width - s.length;
  if (spec.minus) return s + " ".repeat(fill);
  if (spec.zero && numeric) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : "";
    return sign + "0".repeat(fill) + s.slice(sign.length);
  }
  return " ".repeat(fill) + s;
}

/** strconv.CanBackquote: no backquote, no control characters but tab. */
function canBackquote(s: string): boolean {
  return !/[`\u0000-\u0008\u000a-\u001f\u007f\ufeff]/.test(s);
}

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's strconv.Quote (`%q` of a string): what unicode.IsPrint refuses is escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (GO_PRINTABLE.test(ch)) out += ch;
    else if (ch === "\x07") out += "\\a";
    else if (ch === "\b") out += "\\b";
    else if (ch === "\f") out += "\\f";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\v") out += "\\v";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else out += `\\U${c.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}

function signed(s: string, negative: boolean, spec: Spec): string {
  return (negative ? "-" : spec.plus ? "+" : spec.space ? " " : "") + s;
}

function formatInt(v: bigint, verb: string, spec: Spec): string {
  const negative = v < 0n;
  const abs = negative ? -v : v;
  let digits: string;
  switch (verb) {
    case "d":
    case "v":
      digits = abs.toString(10);
      break;
    case "x":
      digits = (spec.sharp ? "0x" : "") + abs.toString(16);
      break;
    case "X":
      digits = (spec.sharp ? "0X" : "") + abs.toString(16).toUpperCase();
      break;
    case "o":
      digits = (spec.sharp ? "0" : "") + abs.toString(8);
      break;
    case "O":
      digits = `0o${abs.toString(8)}`;
      break;
    case "b":
      digits = abs.toString(2);
      break;
    default:
      digits = abs.toString(10);
  }
  if (spec.prec !== undefined && digits.length < spec.prec)
    digits = "0".repeat(spec.prec - digits.length) + digits;
  return pad(signed(digits, negative, spec), { ...spec, zero: spec.zero && spec.prec === undefined }, true);
}

function formatFloatVerb(f: number, verb: string, spec: Spec): string {
  if (!Number.isFinite(f)) {
    const s = Number.isNaN(f) ? "NaN" : f > 0 ? (spec.plus ? "+Inf" : "+Inf") : "-Inf";
    return pad(Number.isNaN(f) ? (spec.plus ? "+NaN" : "NaN") : f > 0 && !spec.plus ? "+Inf" : s, {
      ...spec,
      zero: false,
    });
  }
  const negative = f < 0 || Object.is(f, -0);
  const a = Math.abs(f);
  let s: string;
  switch (verb) {
    case "f":
    case "F":
      s = a.toFixed(spec.prec ?? 6);
      break;
    case "e":
    case "E": {
      s = goExp(a.toExponential(spec.prec ?? 6));
      if (verb === "E") s = s.toUpperCase();
      break;
    }
    default: {
      // %g / %v: shortest, or the given number of significant digits.
      if (spec.prec === undefined) s = formatFloat(a);
      else {
        const p = spec.prec === 0 ? 1 : spec.prec;
        const exp = a === 0 ? 0 : Math.floor(Math.log10(a));
        s = exp < -4 || exp >= p ? goExp(a.toExponential(p - 1)) : a.toPrecision(p);
        if (!spec.sharp) s = s.replace(/(\.\d*?)0+(e|$)/, "$1$2").replace(/\.(e|$)/, "$1");
      }
      if (verb === "G") s = s.toUpperCase();
    }
  }
  return pad(signed(s, negative, spec), spec, true);
}

/** JavaScript's exponent (`1e+6`) as Go writes it (`1e+06`). */
function goExp(s: string): string {
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}

/** fmt's badVerb: the verb, and the argument's type and value — or only `<nil>` for a nil argument. */
function bad(verb: string, v: GoValue): string {
  if (v === null) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${formatValue(v)})`;
}

function formatOne(v: GoValue, verb: string, spec: Spec): string {
  // printArg: the type's name for %T (a nil argument's is <nil>), padded and cut as %s is.
  if (verb === "T") {
    const name = goTypeName(v);
    return pad(spec.prec !== undefined ? name.slice(0, spec.prec) : name, spec);
  }
  if (verb === "v") {
    if (typeof v === "bigint") return formatInt(v, "d", spec);
    if (typeof v === "number") return formatFloatVerb(v, "g", spec);
    if (typeof v === "string") return pad(spec.prec !== undefined ? v.slice(0, spec.prec) : v, spec);
    return pad(formatValue(v), spec);
  }
  switch (verb) {
    case "d":
    case "o":
    case "O":
    case "b":
      if (typeof v === "bigint") return formatInt(v, verb, spec);
      if (Array.isArray(v))
        return pad(`[${v.map((x) => formatOne(x, verb, { ...spec, width: undefined })).join(" ")}]`, spec);
      return bad(verb, v);
    case "x":
    case "X":
      if (typeof v === "bigint") return formatInt(v, verb, spec);
      if (typeof v === "string") {
        const hex = [...new TextEncoder().encode(v)]
          .map((b) => b.toString(16).padStart(2, "0"))
          .join(spec.space ? " " : "");
        return pad(verb === "X" ? hex.toUpperCase() : hex, spec);
      }
      return bad(verb, v);
    case "c":
      if (typeof v === "bigint") return pad(String.fromCodePoint(Number(v)), spec);
      return bad(verb, v);
    case "U":
      if (typeof v === "bigint") return pad(`U+${v.toString(16).toUpperCase().padStart(4, "0")}`, spec);
      return bad(verb, v);
    case "q":
      if (typeof v === "string") return pad(spec.sharp && canBackquote(v) ? `\`${v}\`` : goQuote(v), spec);
      if (typeof v === "bigint") return pad(`'${String.fromCodePoint(Number(v))}'`, spec);
      return bad(verb, v);
    case "s":
      if (typeof v === "string") return pad(spec.prec !== undefined ? v.slice(0, spec.prec) : v, spec);
      if (Array.isArray(v) || (typeof v === "object" && v !== null)) return pad(formatValue(v), spec);
      return bad(verb, v);
    case "t":
      if (typeof v === "boolean") return pad(String(v), spec);
      return bad(verb, v);
    case "e":
    case "E":
    case "f":
    case "F":
    case "g":
    case "G":
      if (typeof v === "number") return formatFloatVerb(v, verb, spec);
      return bad(verb, v);
    default:
      return bad(verb, v);
  }
}

export function sprintf(format: string, args: readonly GoValue[]): string {
  let out = "";
  let argi = 0;
  let i = 0;
  // Go's doPrintf: an explicit index ("%[2]s") makes the call "reordered" (no EXTRA complaint), and a bad
  // one ("%[9]s", "%[2]5d") prints BADINDEX for that verb.
  let reordered = false;
  let good = true;
  /** `[n]` at i: the argument it names; undefined when there is none. */
  const argNumber = (): boolean => {
    if (format[i] !== "[") return false;
    reordered = true;
    const close = format.indexOf("]", i + 1);
    const m = close < 0 ? null : /^[0-9]+$/.exec(format.slice(i + 1, close));
    if (close < 0) {
      i += 1;
      good = false;
      return false;
    }
    i = close + 1;
    const index = m ? Number(m[0]) - 1 : -1;
    if (!m || index < 0 || index >= args.length) {
      good = false;
      return Boolean(m);
    }
    argi = index;
    return true;
  };
  while (i < format.length) {
    const c = format[i]!;
    if (c !== "%") {
      out += c;
      i++;
      continue;
    }
    i++;
    good = true;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === "-") spec.minus = true;
      else if (f === "+") spec.plus = true;
      else if (f === "#") spec.sharp = true;
      else if (f === " ") spec.space = true;
      else if (f === "0") spec.zero = !spec.minus;
      else break;
    }
    const num = () => {
      if (format[i] === "*") {
        i++;
        const a = args[argi++];
        return typeof a === "bigint" ? Number(a) : undefined;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    let afterIndex = argNumber();
    const starWidth = format[i] === "*";
    spec.width = num();
    if (afterIndex && !starWidth && spec.width !== undefined) good = false; // "%[3]2d"
    if (starWidth) afterIndex = false;
    if (format[i] === "." && i + 1 < format.length) {
      i++;
      if (afterIndex) good = false; // "%[3].2d"
      afterIndex = argNumber();
      const starPrec = format[i] === "*";
      spec.prec = num() ?? 0;
      if (starPrec) afterIndex = false;
    }
    if (!afterIndex) argNumber();
    const verb = format[i];
    i++;
    if (verb === undefined) {
      out += "%!(NOVERB)";
      break;
    }
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (!good) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(args[argi++]!, verb, spec);
  }
  if (!reordered && argi < args.length)
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => `${goTypeName(a)}=${formatValue(a)}`)
      .join(", ")})`;
  return out;
}
