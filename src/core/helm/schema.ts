/**
 * values.schema.json, as Helm checks it (ValidateAgainstSchema): the chart's coalesced values against its
 * schema, then each subchart's values against the subchart's. @cfworker/json-schema interprets the
 * schema (no code generation; drafts 4, 7, 2019-09 and 2020-12, the chart's `$schema` deciding, 2020-12
 * without one, and `format` asserted for drafts 4 to 7 only, as Helm 3.21's validator does). Helm
 * fetches `$ref`s to http(s) URLs; this engine fetches nothing: a `$ref` is read from the chart's own
 * files when it holds the document, and otherwise the schema is reported as not checked, never as a
 * failure. Failures are worded as Helm prints them: santhosh-tekuri/jsonschema v6's error tree, rebuilt
 * from @cfworker/json-schema's output units (see "santhosh-tekuri/jsonschema v6's messages" below).
 */
import {
  deepCompareStrict,
  encodePointer,
  type OutputUnit,
  type Schema,
  type SchemaDraft,
  Validator,
  validate,
} from "@cfworker/json-schema";
import type { Chart } from "./chart.ts";
import type { Values } from "./coalesce.ts";
import { goQuote } from "./template/fmt.ts";
import { formatFloat } from "./template/values.ts";

/** Schemas not checked (a remote `$ref`, or a schema that is not JSON), by chart name, with why. */
export interface SchemaSkip {
  chart: string;
  reason: string;
}

/**
 * The schema's draft as Helm 3.21's validator (santhosh-tekuri/jsonschema v6) takes it: its `$schema`, or
 * the latest draft, 2020-12, for a schema that names none.
 */
function draftOf(schema: Schema): SchemaDraft {
  const s = schema.$schema ?? "";
  if (s.includes("draft-04")) return "4";
  if (/draft-0[67]/.test(s)) return "7";
  if (s.includes("2019-09")) return "2019-09";
  return "2020-12";
}

/** Keywords whose value is one subschema, a list of them, or a map of them (the rest are data). */
const ONE_SUBSCHEMA = new Set([
  "additionalProperties",
  "additionalItems",
  "items",
  "contains",
  "propertyNames",
  "not",
  "if",
  "then",
  "else",
  "unevaluatedProperties",
  "unevaluatedItems",
]);
const SUBSCHEMA_LIST = new Set(["allOf", "anyOf", "oneOf", "prefixItems", "items"]);
const SUBSCHEMA_MAP = new Set([
  "properties",
  "patternProperties",
  "$defs",
  "definitions",
  "dependentSchemas",
]);

/**
 * The schema without its `format` keywords, for a draft whose `format` the validator does not assert:
 * santhosh-tekuri/jsonschema asserts it for drafts 4 to 7 and, as Helm does not call AssertFormat, only
 * annotates it from 2019-09 on — @cfworker/json-schema would assert it for every draft. A property named
 * "format" is a key of `properties`, not a keyword, and stays.
 */
function withoutFormat(schema: unknown): unknown {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "format" && typeof v === "string") continue;
    if (SUBSCHEMA_LIST.has(k) && Array.isArray(v)) out[k] = v.map(withoutFormat);
    else if (ONE_SUBSCHEMA.has(k)) out[k] = withoutFormat(v);
    else if (SUBSCHEMA_MAP.has(k) && v !== null && typeof v === "object" && !Array.isArray(v))
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, withoutFormat(sub)]));
    else if (k === "dependencies" && v !== null && typeof v === "object" && !Array.isArray(v))
      out[k] = Object.fromEntries(
        Object.entries(v).map(([name, sub]) => [name, Array.isArray(sub) ? sub : withoutFormat(sub)]),
      );
    else out[k] = v;
  }
  return out;
}

/** A schema document as validated: its formats dropped when its draft only annotates them. */
function asValidated(schema: Schema): Schema {
  const draft = draftOf(schema);
  return draft === "4" || draft === "7" ? schema : (withoutFormat(schema) as Schema);
}

const STRUCTURAL = new Set([
  "properties",
  "allOf",
  "items",
  "prefixItems",
  "$ref",
  "$dynamicRef",
  "if",
  "then",
  "else",
]);

/**
 * One schema's problems, as Helm lists them (`- at '/path': message`), or "" when the values pass. A
 * `$ref` Helm would fetch (another URL, or a path relative to the schema's `$id`) is read from the chart's
 * own files when the chart holds it at that relative path (bjw-s charts ship `schemas/*.json` beside the
 * schema that refers to them); one the chart does not hold leaves the schema unchecked, and said.
 */
function validateOne(values: Values, schemaText: string, chart: Chart, skipped: SchemaSkip[]): string {
  let schema: Schema;
  try {
    schema = JSON.parse(schemaText) as Schema;
  } catch (error) {
    return `${(error as Error).message}\n`;
  }
  if (typeof schema !== "object" && typeof schema !== "boolean") return "";
  const name = chart.metadata.name;
  let result: ReturnType<Validator["validate"]>;
  let validator: Validator;
  try {
    validator = new Validator(
      typeof schema === "object" ? asValidated(schema) : schema,
      typeof schema === "object" ? draftOf(schema) : "2020-12",
      false,
    );
    const base =
      typeof schema === "object" && typeof schema.$id === "string"
        ? schema.$id
        : "file:///values.schema.json";
    for (const f of chart.files) {
      if (!f.name.endsWith(".json")) continue;
      try {
        const id = new URL(f.name, base).href;
        const referred = JSON.parse(f.data) as Schema;
        validator.addSchema(typeof referred === "object" ? asValidated(referred) : referred, id);
      } catch {
        // Not JSON, or not a schema: only a $ref to it would need it, and that $ref then stays unresolved.
      }
    }
    result = validator.validate(values);
  } catch (error) {
    const ref = /Unresolved \$ref "([^"]*)"/.exec((error as Error).message)?.[1];
    skipped.push({
      chart: name,
      reason: ref
        ? `its values.schema.json refers to ${ref}, which is not in the chart and is not fetched`
        : `its values.schema.json could not be read: ${(error as Error).message.split("\n")[0]}`,
    });
    return "";
  }
  if (result.valid) return "";
  try {
    const root = (validator as unknown as { schema: Schema | boolean }).schema;
    const lookup = (validator as unknown as { lookup: Record<string, Schema | boolean> }).lookup;
    const text = helmMessage(
      result.errors,
      values,
      root,
      typeof schema === "object" ? draftOf(schema) : "2020-12",
      lookup,
    );
    if (text !== undefined) return `${text}\n`;
  } catch {
    // Fall through to cfworker's own wording.
  }
  return cfworkerMessage(result.errors);
}

/** The failures in @cfworker/json-schema's words: the keywords that failed where they failed. */
function cfworkerMessage(errors: OutputUnit[]): string {
  // The keywords that failed where they failed, not the "properties"/"allOf" chain above them.
  const leaves = errors.filter((e) => !STRUCTURAL.has(e.keyword));
  const lines = (leaves.length ? leaves : errors).map(
    (e) => `- at '${e.instanceLocation.replace(/^#/, "") || ""}': ${e.error}`,
  );
  return `${[...new Set(lines)].join("\n")}\n`;
}

/** ValidateAgainstSchema over the chart and its subcharts; the combined message, or "" when all pass. */
export function validateValuesSchemas(chart: Chart, values: Values, skipped: SchemaSkip[] = []): string {
  let out = "";
  if (chart.schema !== undefined) {
    const problems = validateOne(values, chart.schema, chart, skipped);
    if (problems) out += `${chart.metadata.name}:\n${problems}`;
  }
  for (const sub of chart.dependencies) {
    const raw = values[sub.metadata.name];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== "object" || Array.isArray(raw)) {
      out += `${sub.metadata.name}:\ninvalid type for values: expected object (map), got ${Array.isArray(raw) ? "[]interface {}" : typeof raw}\n`;
      continue;
    }
    out += validateValuesSchemas(sub, raw as Values, skipped);
  }
  return out;
}

// --- santhosh-tekuri/jsonschema v6's messages, rebuilt from @cfworker/json-schema's output units ---
//
// Helm prints the validator's error tree (output.go `display`) without its first line, "jsonschema
// validation failed with 'file:///values.schema.json#'": each cause as "- at '<pointer>': <kind text>",
// nested causes indented two spaces more. cfworker reports a flat list of units, each naming the keyword
// that failed (keywordLocation, through `$ref`s) and the value it failed on (instanceLocation); the tree
// below walks the schema and the values together, as validator.go does, asking those units which
// keyword failed where, and words each failure as kind/kind.go's LocalizedString does.

/** One santhosh ValidationError: its instance location's tokens, its kind's text, its causes. */
interface HelmError {
  at: string[];
  /** A kind.Reference (`$ref`), which `display` skips when it has a single cause. */
  ref?: boolean;
  /** A kind.Group ("validation failed": several errors at one schema), flattened at the root. */
  group?: boolean;
  msg: string;
  causes: HelmError[];
}

/** The order of kind.Type's Want (schema.go `Types.ToStrings`). */
const TYPE_ORDER = ["null", "boolean", "number", "integer", "string", "array", "object"];

const hasOwn = (o: object, k: string) => Object.hasOwn(o, k);
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** Go's `%q` of a rune (strconv.QuoteRune). */
function goQuoteRune(ch: string): string {
  if (ch === "'") return "'\\''";
  if (ch === '"') return `'"'`;
  return `'${goQuote(ch).slice(1, -1)}'`;
}

/** kind.go `quote`: `%q`, its `\"` unescaped and `'` escaped, in single quotes. */
function quote(s: string): string {
  const q = goQuote(s).replaceAll('\\"', '"').replaceAll("'", "\\'");
  return `'${q.slice(1, -1)}'`;
}

const joinQuoted = (names: string[]) => names.map(quote).join(", ");

/**
 * kind.go `display` of a schema value (a json.Number keeps the schema's own digits; JSON.parse kept
 * only the number, printed here the way JavaScript writes it).
 */
function display(v: unknown): string {
  if (typeof v === "string") return quote(v);
  if (v === null) return "<nil>";
  if (typeof v === "object") return "value";
  return String(v);
}

/** schema.go `typeOf`: a number is "number", integral or not. */
function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "object" ? "object" : typeof v === "boolean" ? "boolean" : typeof v;
}

/**
 * format.go's reason a string is not of a format, for the formats whose reason depends on the string
 * alone; undefined for the others (their Go error texts come from time, net/netip and net/url parsers).
 */
function formatReason(format: string, s: string): string | undefined {
  const jsonPointer = (p: string): string | null => {
    if (p === "") return null;
    if (!p.startsWith("/")) return "not starting with /";
    for (const tok of p.split("/").slice(1)) {
      let tilde = false;
      for (const ch of tok) {
        if (tilde) {
          tilde = false;
          if (ch !== "0" && ch !== "1") return "~ must be followed by 0 or 1";
          continue;
        }
        if (ch === "~") tilde = true;
      }
      if (tilde) return "~ must be followed by 0 or 1";
    }
    return null;
  };
  switch (format) {
    case "json-pointer":
      return jsonPointer(s) ?? undefined;
    case "relative-json-pointer": {
      const digits = /^[0-9]*/.exec(s)?.[0].length ?? 0;
      if (digits === 0) return "must start with non-negative integer";
      if (digits > 1 && s.startsWith("0")) return "starts with zero";
      const rest = s.slice(digits);
      return rest === "#" ? undefined : (jsonPointer(rest) ?? undefined);
    }
    case "ipv4": {
      const groups = s.split(".");
      if (groups.length !== 4) return "expected four decimals";
      for (const g of groups) {
        if (g.length > 1 && g[0] === "0") return "leading zeros";
        if (!/^[+-]?[0-9]+$/.test(g)) return `strconv.Atoi: parsing ${goQuote(g)}: invalid syntax`;
        const n = Number(g);
        if (n < 0 || n > 255) return "decimal must be between 0 and 255";
      }
      return undefined;
    }
    case "hostname": {
      const host = s.endsWith(".") ? s.slice(0, -1) : s;
      if (Buffer.byteLength(host) > 253) return "more than 253 characters long";
      for (const label of host.split(".")) {
        const bytes = Buffer.byteLength(label);
        if (bytes < 1 || bytes > 63) return "label must be 1 to 63 characters long";
        if (label.startsWith("-")) return "label starts with hyphen";
        if (label.endsWith("-")) return "label ends with hyphen";
        for (const ch of label) if (!/[a-zA-Z0-9-]/.test(ch)) return `invalid character ${goQuoteRune(ch)}`;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** validator.go's result of one schema: no error, the one error, or a Group of them. */
function oneResult(errors: HelmError[], at: string[]): HelmError[] {
  if (errors.length <= 1) return errors;
  return [{ at, group: true, msg: "validation failed", causes: errors }];
}

/** The rebuild of santhosh's error tree from cfworker's units. */
class HelmErrors {
  private readonly byPlace = new Map<string, OutputUnit[]>();

  constructor(
    private readonly units: OutputUnit[],
    private readonly draft: SchemaDraft,
    private readonly lookup: Record<string, Schema | boolean>,
  ) {
    for (const u of units) {
      const key = `${u.keywordLocation}\0${u.instanceLocation}`;
      const list = this.byPlace.get(key);
      if (list) list.push(u);
      else this.byPlace.set(key, [u]);
    }
  }

  /** cfworker's units for keyword `kw` of the schema at `p` on the value at `l`. */
  private own(p: string, kw: string, l: string): OutputUnit[] {
    return this.byPlace.get(`${p}/${kw}\0${l}`) ?? [];
  }

  /** Whether the schema at `p` failed on the value at `l`, or anything beneath them did. */
  private failedUnder(p: string, l: string): boolean {
    return this.units.some(
      (u) =>
        u.keyword !== "false" && // a false schema's unit names the value, not the schema
        (u.keywordLocation === p || u.keywordLocation.startsWith(`${p}/`)) &&
        (u.instanceLocation === l || u.instanceLocation.startsWith(`${l}/`)),
    );
  }

  private invalid(schema: unknown, p: string, l: string): boolean {
    return schema === false || (isObject(schema) && this.failedUnder(p, l));
  }

  private leaf(at: string[], msg: string): HelmError {
    return { at, msg, causes: [] };
  }

  /** Draft 4 to 2019-09 read `items` as draft 7 does; 2020-12 has prefixItems and a single `items`. */
  private get before2020() {
    return this.draft !== "2020-12";
  }

  /** validator.go `validate` of `schema` (at `p`) on `v` (at `l`, tokens `at`): its errors, in order. */
  walk(schema: unknown, p: string, l: string, at: string[], v: unknown): HelmError[] {
    if (schema === true || schema === undefined) return [];
    if (schema === false) return [this.leaf(at, "false schema")];
    if (!isObject(schema) || !this.failedUnder(p, l)) return [];
    const s = schema;
    const errors: HelmError[] = [];

    // $ref: before 2019-09 every other keyword beside it is ignored (objcompiler.go compileDraft4).
    const refErrors = (): HelmError[] => {
      if (typeof s.$ref !== "string" || this.own(p, "$ref", l).length === 0) return [];
      const target = this.lookup[(s as { __absolute_ref__?: string }).__absolute_ref__ ?? s.$ref];
      const causes = this.walk(target, `${p}/$ref`, l, at, v);
      // kind.Reference "validation failed", its causes the target's errors (a Group's causes, lifted).
      return causes.length ? [{ at, ref: true, msg: "validation failed", causes }] : [];
    };
    if (typeof s.$ref === "string" && (this.draft === "4" || this.draft === "7")) return refErrors();

    // type, const, enum, format: the first that fails is the schema's only error.
    if (this.own(p, "type", l).length) {
      const types = new Set(Array.isArray(s.type) ? s.type : [s.type]);
      const want = TYPE_ORDER.filter((t) => types.has(t));
      return [this.leaf(at, `got ${jsonType(v)}, want ${want.join(" or ")}`)]; // kind.Type
    }
    if (this.own(p, "const", l).length) {
      const c = s.const;
      return [
        this.leaf(at, c !== null && typeof c === "object" ? "const failed" : `value must be ${display(c)}`),
      ];
    }
    if (this.own(p, "enum", l).length) {
      const values = Array.isArray(s.enum) ? s.enum : [];
      const primitive = values.every((x) => x === null || typeof x !== "object");
      const msg = !primitive
        ? "enum failed"
        : values.length === 1
          ? `value must be ${display(values[0])}`
          : `value must be one of ${values.map(display).join(", ")}`;
      return [this.leaf(at, msg)]; // kind.Enum
    }
    const formatUnit = this.own(p, "format", l)[0];
    if (formatUnit) {
      const format = String(s.format);
      const reason = typeof v === "string" ? formatReason(format, v) : undefined;
      // kind.Format "%s is not valid %s: %v"; cfworker's words where format.go's reason is not rebuilt.
      return [
        this.leaf(
          at,
          reason !== undefined ? `${display(v)} is not valid ${format}: ${reason}` : formatUnit.error,
        ),
      ];
    }

    errors.push(...refErrors());

    if (isObject(v)) errors.push(...this.object(s, p, l, at, v));
    else if (Array.isArray(v)) errors.push(...this.array(s, p, l, at, v));
    else if (typeof v === "string") errors.push(...this.string(s, p, l, at, v));
    else if (typeof v === "number") errors.push(...this.number(s, p, l, at, v));

    // Not rebuilt: a failed $recursiveRef leaves the whole schema's failures in cfworker's words.
    if (typeof s.$recursiveRef === "string" && this.own(p, "$recursiveRef", l).length)
      throw new Error("$recursiveRef failures are not rebuilt");

    // not, allOf, anyOf, oneOf, if/then/else (validator.go condValidate).
    if (s.not !== undefined && this.own(p, "not", l).length) errors.push(this.leaf(at, "not failed"));
    const subErrors = (kw: string, subs: unknown[]) =>
      subs.flatMap((sub, i) =>
        this.invalid(sub, `${p}/${kw}/${i}`, l)
          ? oneResult(this.walk(sub, `${p}/${kw}/${i}`, l, at, v), at)
          : [],
      );
    if (Array.isArray(s.allOf) && this.own(p, "allOf", l).length)
      errors.push({ at, msg: "allOf failed", causes: subErrors("allOf", s.allOf) });
    if (Array.isArray(s.anyOf) && this.own(p, "anyOf", l).length)
      errors.push({ at, msg: "anyOf failed", causes: subErrors("anyOf", s.anyOf) });
    if (Array.isArray(s.oneOf) && this.own(p, "oneOf", l).length) {
      const matched = s.oneOf.flatMap((sub, i) => (this.invalid(sub, `${p}/oneOf/${i}`, l) ? [] : [i]));
      errors.push(
        matched.length >= 2
          ? this.leaf(at, `oneOf failed, subschemas ${matched[0]}, ${matched[1]} matched`)
          : { at, msg: "oneOf failed, none matched", causes: subErrors("oneOf", s.oneOf) },
      );
    }
    for (const unit of this.own(p, "if", l)) {
      const branch = unit.error.includes('"then"') ? "then" : "else";
      errors.push(...oneResult(this.walk(s[branch], `${p}/${branch}`, l, at, v), at));
    }

    // unevaluatedProperties / unevaluatedItems (2019-09 on).
    if (
      isObject(v) &&
      s.unevaluatedProperties !== undefined &&
      this.own(p, "unevaluatedProperties", l).length
    ) {
      const sp = `${p}/unevaluatedProperties`;
      const failed = new Set(
        this.own(p, "unevaluatedProperties", l).map(
          (u) => /^Property "(.*)" does not match unevaluated properties schema\.$/s.exec(u.error)?.[1],
        ),
      );
      for (const key of Object.keys(v)) {
        const kl = `${l}/${encodePointer(key)}`;
        if (
          failed.has(key) &&
          (s.unevaluatedProperties === false || this.invalid(s.unevaluatedProperties, sp, kl))
        )
          errors.push(
            ...oneResult(this.walk(s.unevaluatedProperties, sp, kl, [...at, key], v[key]), [...at, key]),
          );
      }
    }
    if (Array.isArray(v) && s.unevaluatedItems !== undefined && this.own(p, "unevaluatedItems", l).length) {
      const sp = `${p}/unevaluatedItems`;
      v.forEach((item, i) => {
        const il = `${l}/${i}`;
        const failed =
          s.unevaluatedItems === false
            ? this.units.some((u) => u.keyword === "false" && u.instanceLocation === il)
            : this.invalid(s.unevaluatedItems, sp, il);
        if (failed)
          errors.push(
            ...oneResult(this.walk(s.unevaluatedItems, sp, il, [...at, String(i)], item), [...at, String(i)]),
          );
      });
    }
    return errors;
  }

  /** validator.go objValidate. */
  private object(s: Record<string, unknown>, p: string, l: string, at: string[], v: Record<string, unknown>) {
    const errors: HelmError[] = [];
    const n = Object.keys(v).length;
    if (this.own(p, "minProperties", l).length)
      errors.push(this.leaf(at, `minProperties: got ${n}, want ${s.minProperties}`));
    if (this.own(p, "maxProperties", l).length)
      errors.push(this.leaf(at, `maxProperties: got ${n}, want ${s.maxProperties}`));
    if (this.own(p, "required", l).length && Array.isArray(s.required)) {
      const missing = (s.required as string[]).filter((k) => !hasOwn(v, k));
      if (missing.length === 1) errors.push(this.leaf(at, `missing property ${quote(missing[0] as string)}`));
      else if (missing.length) errors.push(this.leaf(at, `missing properties ${joinQuoted(missing)}`));
    }
    if (isObject(s.dependencies)) {
      for (const [key, dep] of Object.entries(s.dependencies)) {
        if (!hasOwn(v, key)) continue;
        if (Array.isArray(dep)) {
          const missing = (dep as string[]).filter((k) => !hasOwn(v, k));
          if (missing.length && this.own(p, "dependencies", l).length)
            errors.push(this.leaf(at, `properties ${joinQuoted(missing)} required, if ${quote(key)} exists`));
        } else {
          const sp = `${p}/dependencies/${encodePointer(key)}`;
          if (this.invalid(dep, sp, l)) errors.push(...oneResult(this.walk(dep, sp, l, at, v), at));
        }
      }
    }
    // properties, patternProperties, additionalProperties, property by property. Go ranges over the
    // map in a random order; this takes the values' own order.
    const additional: string[] = [];
    const properties = isObject(s.properties) ? s.properties : {};
    const patterns = isObject(s.patternProperties) ? Object.entries(s.patternProperties) : [];
    for (const [key, value] of Object.entries(v)) {
      const kl = `${l}/${encodePointer(key)}`;
      const kat = [...at, key];
      let evaluated = false;
      const sub = (schema: unknown, sp: string) => {
        evaluated = true;
        if (this.invalid(schema, sp, kl))
          errors.push(...oneResult(this.walk(schema, sp, kl, kat, value), kat));
      };
      if (hasOwn(properties, key)) sub(properties[key], `${p}/properties/${encodePointer(key)}`);
      for (const [pattern, schema] of patterns)
        if (new RegExp(pattern, "u").test(key))
          sub(schema, `${p}/patternProperties/${encodePointer(pattern)}`);
      if (!evaluated && s.additionalProperties !== undefined) {
        if (s.additionalProperties === false) {
          if (this.own(p, "additionalProperties", l).length) additional.push(key);
        } else sub(s.additionalProperties, `${p}/additionalProperties`);
      }
    }
    if (additional.length)
      errors.push(this.leaf(at, `additional properties ${joinQuoted(additional)} not allowed`));
    if (this.draft !== "4" && s.propertyNames !== undefined && this.own(p, "propertyNames", l).length) {
      for (const key of Object.keys(v)) {
        const sp = `${p}/propertyNames`;
        const kl = `${l}/${encodePointer(key)}`;
        if (!this.invalid(s.propertyNames, sp, kl)) continue;
        // The name is validated as a document of its own: its errors, and the kind.PropertyNames
        // that carries them, sit at the empty location (validator.go, v6.0.x).
        const causes = oneResult(this.walk(s.propertyNames, sp, kl, [], key), []);
        errors.push({
          at: [],
          msg: `invalid propertyName ${quote(key)}`,
          causes: causes[0]?.group ? causes[0].causes : causes,
        });
      }
    }
    if (isObject(s.dependentSchemas)) {
      for (const [key, dep] of Object.entries(s.dependentSchemas)) {
        const sp = `${p}/dependentSchemas/${encodePointer(key)}`;
        if (hasOwn(v, key) && this.invalid(dep, sp, l))
          errors.push(...oneResult(this.walk(dep, sp, l, at, v), at));
      }
    }
    if (isObject(s.dependentRequired) && this.own(p, "dependantRequired", l).length) {
      for (const [key, reqd] of Object.entries(s.dependentRequired)) {
        if (!hasOwn(v, key) || !Array.isArray(reqd)) continue;
        const missing = (reqd as string[]).filter((k) => !hasOwn(v, k));
        if (missing.length)
          errors.push(this.leaf(at, `properties ${joinQuoted(missing)} required, if ${quote(key)} exists`));
      }
    }
    return errors;
  }

  /** validator.go arrValidate. */
  private array(s: Record<string, unknown>, p: string, l: string, at: string[], v: unknown[]) {
    const errors: HelmError[] = [];
    if (this.own(p, "minItems", l).length)
      errors.push(this.leaf(at, `minItems: got ${v.length}, want ${s.minItems}`));
    if (this.own(p, "maxItems", l).length)
      errors.push(this.leaf(at, `maxItems: got ${v.length}, want ${s.maxItems}`));
    if (s.uniqueItems === true && this.own(p, "uniqueItems", l).length) {
      // util.go duplicates: the first i with an equal item before it, and the first such j.
      let pair: [number, number] | undefined;
      for (let i = 1; i < v.length && !pair; i++)
        for (let j = 0; j < i && !pair; j++) if (deepCompareStrict(v[i], v[j])) pair = [j, i];
      if (pair) errors.push(this.leaf(at, `items at ${pair[0]} and ${pair[1]} are equal`));
    }
    const item = (schema: unknown, sp: string, i: number, tok: number) => {
      const il = `${l}/${i}`;
      const iat = [...at, String(tok)];
      if (this.invalid(schema, sp, il)) errors.push(...oneResult(this.walk(schema, sp, il, iat, v[i]), iat));
    };
    let evaluated = 0;
    if (this.before2020) {
      if (Array.isArray(s.items)) {
        evaluated = Math.min(v.length, s.items.length);
        for (let i = 0; i < evaluated; i++) item(s.items[i], `${p}/items/${i}`, i, i);
        if (s.additionalItems === false) {
          if (this.own(p, "additionalItems", l).length && evaluated < v.length)
            errors.push(this.leaf(at, `last ${v.length - evaluated} additionalItem(s) not allowed`));
        } else if (s.additionalItems !== undefined) {
          // v6.0.x names each additional item by its index among the additional items.
          for (let i = evaluated; i < v.length; i++)
            item(s.additionalItems, `${p}/additionalItems`, i, i - evaluated);
        }
      } else if (s.items !== undefined) for (let i = 0; i < v.length; i++) item(s.items, `${p}/items`, i, i);
    } else {
      const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
      evaluated = Math.min(v.length, prefix.length);
      for (let i = 0; i < evaluated; i++) item(prefix[i], `${p}/prefixItems/${i}`, i, i);
      // v6.0.x names each item after prefixItems by its index among those items.
      if (s.items !== undefined && !Array.isArray(s.items))
        for (let i = evaluated; i < v.length; i++) item(s.items, `${p}/items`, i, i - evaluated);
    }
    if (
      s.contains !== undefined &&
      (this.own(p, "contains", l).length ||
        this.own(p, "minContains", l).length ||
        this.own(p, "maxContains", l).length)
    ) {
      const sp = `${p}/contains`;
      const matched: number[] = [];
      const causes: HelmError[] = [];
      v.forEach((x, i) => {
        const il = `${l}/${i}`;
        const r = validate(x, s.contains as Schema, this.draft, this.lookup, false, null, il, sp);
        if (r.valid) matched.push(i);
        else
          causes.push(
            ...oneResult(
              new HelmErrors(r.errors, this.draft, this.lookup).walk(
                s.contains,
                sp,
                il,
                [...at, String(i)],
                x,
              ),
              [...at, String(i)],
            ),
          );
      });
      const min = typeof s.minContains === "number" ? s.minContains : undefined;
      if (min !== undefined && this.draft !== "7" && this.draft !== "4") {
        if (matched.length < min)
          errors.push({
            at,
            msg:
              matched.length === 0
                ? `min ${min} items required to match contains schema, but none matched`
                : `min ${min} items required to match contains schema, but matched ${matched.length} items at ${matched.join(" ")}`,
            causes,
          });
      } else if (matched.length === 0) errors.push({ at, msg: "no items match contains schema", causes });
      const max = this.draft === "7" || this.draft === "4" ? undefined : s.maxContains;
      if (typeof max === "number" && matched.length > max)
        errors.push(
          this.leaf(
            at,
            `max ${max} items required to match contains schema, but matched ${matched.length} items at ${matched.join(" ")}`,
          ),
        );
    }
    return errors;
  }

  /** validator.go strValidate. */
  private string(s: Record<string, unknown>, p: string, l: string, at: string[], v: string) {
    const errors: HelmError[] = [];
    const length = [...v].length; // utf8.RuneCount
    if (this.own(p, "minLength", l).length)
      errors.push(this.leaf(at, `minLength: got ${length}, want ${s.minLength}`));
    if (this.own(p, "maxLength", l).length)
      errors.push(this.leaf(at, `maxLength: got ${length}, want ${s.maxLength}`));
    if (this.own(p, "pattern", l).length)
      errors.push(this.leaf(at, `${quote(v)} does not match pattern ${quote(String(s.pattern))}`));
    return errors;
  }

  /** validator.go numValidate; draft 4's boolean exclusiveMinimum/Maximum become kind.Exclusive*. */
  private number(s: Record<string, unknown>, p: string, l: string, at: string[], v: number) {
    const errors: HelmError[] = [];
    const got = formatFloat(v);
    const want = (x: unknown) => formatFloat(Number(x));
    const d4 = this.draft === "4";
    if (this.own(p, "minimum", l).length)
      errors.push(
        this.leaf(
          at,
          `${d4 && s.exclusiveMinimum === true ? "exclusiveMinimum" : "minimum"}: got ${got}, want ${want(s.minimum)}`,
        ),
      );
    if (this.own(p, "maximum", l).length)
      errors.push(
        this.leaf(
          at,
          `${d4 && s.exclusiveMaximum === true ? "exclusiveMaximum" : "maximum"}: got ${got}, want ${want(s.maximum)}`,
        ),
      );
    if (this.own(p, "exclusiveMinimum", l).length)
      errors.push(this.leaf(at, `exclusiveMinimum: got ${got}, want ${want(s.exclusiveMinimum)}`));
    if (this.own(p, "exclusiveMaximum", l).length)
      errors.push(this.leaf(at, `exclusiveMaximum: got ${got}, want ${want(s.exclusiveMaximum)}`));
    if (this.own(p, "multipleOf", l).length)
      errors.push(this.leaf(at, `multipleOf: got ${got}, want ${want(s.multipleOf)}`));
    return errors;
  }
}

/** output.go `display`: "- at '<pointer>': <text>", causes two spaces deeper, a lone-cause $ref skipped. */
function displayErrors(errors: HelmError[], indent: number, out: string[]): void {
  for (const e of errors) {
    if (e.ref && e.causes.length === 1) {
      displayErrors(e.causes, indent, out);
      continue;
    }
    const pointer = e.at.map((t) => `/${t.replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
    out.push(`${"  ".repeat(indent)}- at ${quote(pointer)}: ${e.msg}`);
    displayErrors(e.causes, indent + 1, out);
  }
}

/**
 * The failures as Helm 3.21 prints them (santhosh-tekuri/jsonschema v6's tree, less its first line), or
 * undefined when cfworker's units cannot be read back into that tree.
 */
function helmMessage(
  units: OutputUnit[],
  values: unknown,
  schema: Schema | boolean,
  draft: SchemaDraft,
  lookup: Record<string, Schema | boolean>,
): string | undefined {
  const errors = oneResult(new HelmErrors(units, draft, lookup).walk(schema, "#", "#", [], values), []);
  const top = errors[0];
  if (!top) return undefined;
  // Schema.validate: a Group at the root is replaced by its causes.
  const causes = top.group ? top.causes : errors;
  const out: string[] = [];
  displayErrors(causes, 0, out);
  return out.join("\n");
}
