/**
 * Helm's own template functions (pkg/engine/funcs.go), over sprig's: toYaml / toYamlPretty / fromYaml /
 * fromYamlArray and toJson / fromJson / fromJsonArray with Helm's behaviour (a value that cannot be
 * converted gives "" or an `Error` entry, never a failed render; the `must…` variants fail), `include`
 * (a named template's output as a string, at most 1000 deep), `tpl` (a string rendered as a template with
 * the chart's named templates), `required`, and `lookup`, which is always empty as in `helm template`
 * and is reported to `onNondeterministic` as "lookup": helm-controller reads the cluster there.
 * Sprig's `env` and `expandenv` are removed, as Helm removes them. toToml writes as BurntSushi/toml's
 * encoder does; fromToml reads with smol-toml (integers as int64), so its error messages are smol-toml's.
 */
import { parse as parseToml } from "smol-toml";
import { stringify } from "yaml";
import { readYamlDocuments } from "../yaml/read-documents.ts";
import { YAML11_TAGS } from "../yaml/scalar-schemas.ts";
import { stringifyYaml } from "../yaml/stringify.ts";
import { fromPlain, marshalJson, plain } from "./json.ts";
import { type SprigOptions, sprigFunctions, strval } from "./sprig.ts";
import { FuncError, LimitError, TemplateError, TemplateParseError, TemplateSet } from "./template/exec.ts";
import { goQuote } from "./template/fmt.ts";
import { formatFloat, type GoFunction, type GoValue, isMap, NO_VALUE } from "./template/values.ts";

const fail = (message: string): never => {
  throw new FuncError(message);
};

/**
 * Nested `include`s allowed ("rendering template has a nested reference name"). Helm allows 1000; each
 * level costs this engine more stack than Go's, and no real chart nests more than a few dozen.
 */
export const MAX_INCLUDE_DEPTH = 250;

/** sigs.k8s.io/yaml.Marshal (toYaml), or go-yaml's encoder with a 2-space indent (toYamlPretty), without the final newline. */
/**
 * Characters yaml.v2's reader refuses ("control characters are not allowed") that encoding/json leaves
 * as they are: sigs.k8s.io/yaml.Marshal writes JSON and reads it back with yaml.v2, so toYaml fails on them.
 */
const YAML_V2_REFUSED = /[\u007f\u0080-\u0084\u0086-\u009f\ufffe\uffff]/;

/**
 * A number as go-yaml writes it, wrapped so the writers leave it alone (they would print JavaScript's
 * text): a string they must double-quote, with its NUL escaped, which `unwrapNumbers` takes back out.
 */
const NUMBER_MARK = "\u0000#";
const NUMBER_WRAPPED = /"\\0#(-?[0-9][0-9.e+-]*|-?\.inf|\.nan)\\0"/g;
const wrapNumber = (text: string) => `${NUMBER_MARK}${text}\u0000`;
const unwrapNumbers = (yaml: string) => yaml.replace(NUMBER_WRAPPED, "$1");

const TWO_POW_64 = 2 ** 64;

/**
 * A number of a value toYaml writes, as Helm's writers print it, when that differs from JavaScript's
 * text. toYaml (sigs.k8s.io/yaml) goes through encoding/json and go-yaml v2: an int64 stays its digits,
 * and so does a whole float64 go-yaml v2 reads back as an int or a uint; any other float64 is
 * strconv.FormatFloat(f, 'g', -1) (1e-05, 1.2345675e+06), and NaN or an infinity cannot be written.
 * toYamlPretty (go-yaml v3 on the Go value) prints every float64 with 'g' (1e+06) and .nan / .inf.
 */
function goNumberText(n: number | bigint, pretty: boolean): string {
  if (typeof n === "bigint") return n.toString();
  if (!Number.isFinite(n)) {
    if (!pretty) throw new Error(`json: unsupported value: ${formatFloat(n)}`);
    return Number.isNaN(n) ? ".nan" : n > 0 ? ".inf" : "-.inf";
  }
  if (!pretty && Number.isInteger(n) && n >= -(2 ** 63) && n < TWO_POW_64) return BigInt(n).toString();
  return formatFloat(n);
}

/** plain(v) for toYaml: numbers whose Go text is not JavaScript's wrapped (wrapNumber). */
function yamlData(v: GoValue, pretty: boolean): unknown {
  const data = plain(v);
  const visit = (x: unknown, original: GoValue): unknown => {
    if (typeof original === "bigint" || typeof original === "number") {
      const text = goNumberText(original, pretty);
      return text === String(x) ? x : wrapNumber(text);
    }
    if (Array.isArray(x) && Array.isArray(original)) return x.map((item, i) => visit(item, original[i]!));
    if (x !== null && typeof x === "object" && isMap(original))
      for (const k of Object.keys(x))
        (x as Record<string, unknown>)[k] = visit((x as Record<string, unknown>)[k], original[k]!);
    return x;
  };
  return visit(data, v);
}

function toYaml(v: GoValue, pretty: boolean): string {
  const data = yamlData(v, pretty);
  if (!pretty && YAML_V2_REFUSED.test(JSON.stringify(data) ?? ""))
    throw new Error("yaml: control characters are not allowed");
  const write = (d: unknown) =>
    pretty ? stringify(d, { indentSeq: true, sortMapEntries: true, lineWidth: 0 }) : stringifyYaml(d);
  // go-yaml indents a top-level scalar's block as it would a map value's (its emitter starts at indent
  // -1 and raises it to 2): written as the value of a one-letter key, less the key.
  const text = typeof data === "string" ? write({ k: data }).slice("k: ".length) : write(data);
  return unwrapNumbers(text).replace(/\n$/, "");
}

/** Helm's toYAML (toYaml, `.Files.AsConfig`): sigs.k8s.io/yaml.Marshal without the final newline. */
export function toYamlText(v: GoValue): string {
  return toYaml(v, false);
}

/**
 * sigs.k8s.io/yaml.Unmarshal: go-yaml v2's reading (YAML 1.1 scalars, its clipping of a block that ends
 * the input), as the analysis reads Helm values (yaml/read-documents.ts, with its fast path for plain
 * text: bjw-s's library reads back what it writes many times per render).
 */
function yamlToJson(text: string): unknown {
  const read = readYamlDocuments(text, "fromYaml", { tags: YAML11_TAGS, duplicateKeys: "last-wins" });
  if (!read.ok)
    throw new Error(`error converting YAML to JSON: yaml: ${read.diagnostics[0]?.message ?? "invalid YAML"}`);
  return read.documents[0]?.value ?? null;
}

const jsonKind = (x: unknown) =>
  Array.isArray(x)
    ? "array"
    : x !== null && typeof x === "object"
      ? "object"
      : typeof x === "string"
        ? "string"
        : typeof x === "number"
          ? "number"
          : typeof x === "boolean"
            ? "bool"
            : "null";

/**
 * A writer as Helm exposes it: `name` gives the fallback on failure (toYaml: "", toToml: the error's
 * text), `mustName` fails the render instead.
 */
function writers(
  name: string,
  write: (v: GoValue) => string,
  onError: (message: string) => string,
): Record<string, GoFunction> {
  const run = (v: GoValue | undefined, failed: (message: string) => string) => {
    try {
      return write(v ?? null);
    } catch (error) {
      return failed((error as Error).message);
    }
  };
  const must = `must${name[0]!.toUpperCase()}${name.slice(1)}`;
  return { [name]: (v) => run(v, onError), [must]: (v) => run(v, fail) };
}

/**
 * A reader as Helm exposes it: a map (or a list) of what `parse` reads, or — when the text does not
 * parse or is of the other shape — the error in the result: `{Error: …}` for a map, `[…]` for a list.
 */
function reader(parse: (text: string) => unknown, shape: "map" | "array", prefix: string): GoFunction {
  const goType = shape === "map" ? "map[string]interface {}" : "[]interface {}";
  const error = (message: string): GoValue => (shape === "map" ? { Error: message } : [message]);
  return (s) => {
    let data: unknown;
    try {
      data = parse(strval(s ?? ""));
    } catch (e) {
      return error((e as Error).message);
    }
    if (data === null || data === undefined) return shape === "map" ? {} : [];
    if (jsonKind(data) !== (shape === "map" ? "object" : "array"))
      return error(`${prefix}json: cannot unmarshal ${jsonKind(data)} into Go value of type ${goType}`);
    return fromPlain(data);
  };
}

export function helmFunctions(
  set: () => TemplateSet,
  options: SprigOptions = {},
): Record<string, GoFunction> {
  const f: Record<string, GoFunction> = { ...sprigFunctions(options) };
  delete f.env;
  delete f.expandenv;
  let depth = 0;
  Object.assign(f, {
    ...writers(
      "toYaml",
      (v) => toYaml(v, false),
      () => "",
    ),
    toYamlPretty: writers(
      "toYamlPretty",
      (v) => toYaml(v, true),
      () => "",
    ).toYamlPretty!,
    ...writers(
      "toJson",
      (v) => marshalJson(v),
      () => "",
    ),
    ...writers("toToml", tomlText, (message) => message),
    fromYaml: reader(yamlToJson, "map", "error unmarshaling JSON: while decoding JSON: "),
    fromYamlArray: reader(yamlToJson, "array", "error unmarshaling JSON: while decoding JSON: "),
    fromJson: reader((text) => JSON.parse(text), "map", ""),
    fromJsonArray: reader((text) => JSON.parse(text), "array", ""),
    // `this` is the set running the call: inside `tpl`, its own copy, so the text's defines are found.
    include: function (this: unknown, name: GoValue, data: GoValue) {
      const current = this instanceof TemplateSet ? this : set();
      // Helm stops a name included 1000 times over; this engine's stack stops sooner, and cannot tell an
      // endless recursion from a deep one: a bound of this engine, not Helm's error.
      if (depth >= MAX_INCLUDE_DEPTH)
        throw new LimitError(
          `rendering template has a nested reference name: ${strval(name ?? "")}: unable to execute template`,
        );
      depth++;
      try {
        return current.execute(strval(name ?? ""), data ?? null);
      } finally {
        depth--;
      }
    },
    tpl: function (this: unknown, text: GoValue, data: GoValue) {
      const current = this instanceof TemplateSet ? this : set();
      const source = strval(text ?? "");
      depth++;
      try {
        if (depth > MAX_INCLUDE_DEPTH)
          throw new LimitError(
            "rendering template has a nested reference name: tpl: unable to execute template",
          );
        return current.render(source, data ?? null).replaceAll("<no value>", "");
      } catch (error) {
        if (error instanceof TemplateParseError)
          return fail(`cannot parse template ${goQuote(source)}: ${error.message}`);
        if (error instanceof TemplateError)
          return fail(`error during tpl function execution for ${goQuote(source)}: ${error.message}`);
        throw error;
      } finally {
        depth--;
      }
    },
    required: (warn, v) => {
      if (v === undefined || v === null || v === NO_VALUE || v === "") return fail(strval(warn ?? ""));
      return v;
    },
    lookup: () => {
      options.onNondeterministic?.("lookup");
      return {};
    },
    fromToml: (s) => {
      try {
        return fromToml(parseToml(strval(s ?? ""), { integersAsBigInt: true }));
      } catch (error) {
        return { Error: (error as Error).message.split("\n")[0]! };
      }
    },
  } satisfies Record<string, GoFunction>);
  return f;
}

/** TOML data as GoValues: integers int64 (bigint), floats float64, tables maps, dates as their text. */
function fromToml(x: unknown): GoValue {
  if (Array.isArray(x)) return x.map(fromToml);
  if (x instanceof Date) return x.toISOString();
  if (x !== null && typeof x === "object")
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, fromToml(v)]));
  return x as GoValue;
}

const TOML_BARE_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * BurntSushi/toml's encoder: keys sorted, a table's plain values first, then its tables (`[a.b]`,
 * indented two spaces per level under their header) and arrays of tables (`[[a]]`).
 */
function tomlText(v: GoValue): string {
  if (!isMap(v)) throw new Error("toml: top-level values must be Go maps or structs");
  const key = (k: string) => (TOML_BARE_KEY.test(k) ? k : JSON.stringify(k));
  const scalar = (x: GoValue): string => {
    if (typeof x === "string") return JSON.stringify(x);
    if (typeof x === "bigint" || typeof x === "boolean") return String(x);
    if (typeof x === "number") return Number.isInteger(x) ? `${x}.0` : String(x);
    if (Array.isArray(x)) return `[${x.map(scalar).join(", ")}]`;
    if (isMap(x))
      return `{${Object.keys(x)
        .sort()
        .map((k) => `${key(k)} = ${scalar(x[k]!)}`)
        .join(", ")}}`;
    throw new Error(`toml: cannot encode a value of type ${x === null ? "nil" : typeof x}`);
  };
  const isTable = (x: GoValue) => isMap(x);
  const isTableArray = (x: GoValue) => Array.isArray(x) && x.length > 0 && x.every((e) => isMap(e));
  let out = "";
  const table = (m: Record<string, GoValue>, path: string[], indent: string) => {
    const keys = Object.keys(m).sort();
    for (const k of keys) {
      const x = m[k]!;
      if (x === null || x === NO_VALUE || isTable(x) || isTableArray(x)) continue;
      out += `${indent}${key(k)} = ${scalar(x)}\n`;
    }
    for (const k of keys) {
      const x = m[k]!;
      const sub = [...path, key(k)];
      const inner = "  ".repeat(sub.length - 1);
      if (isTable(x)) {
        out += `${out ? "\n" : ""}${inner}[${sub.join(".")}]\n`;
        table(x as Record<string, GoValue>, sub, `${inner}  `);
      } else if (isTableArray(x)) {
        for (const e of x as Array<Record<string, GoValue>>) {
          out += `${out ? "\n" : ""}${inner}[[${sub.join(".")}]]\n`;
          table(e, sub, `${inner}  `);
        }
      }
    }
  };
  table(v, [], "");
  return out;
}
