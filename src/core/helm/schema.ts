/**
 * values.schema.json, as Helm checks it (ValidateAgainstSchema): the chart's coalesced values against its
 * schema, then each subchart's values against the subchart's. @cfworker/json-schema interprets the
 * schema (no code generation; drafts 4, 7, 2019-09 and 2020-12, the chart's `$schema` deciding, 2020-12
 * without one, and `format` asserted for drafts 4 to 7 only, as Helm 3.21's validator does). Helm
 * fetches `$ref`s to http(s) URLs; this engine fetches nothing: a `$ref` is read from the chart's own
 * files when it holds the document, and otherwise the schema is reported as not checked, never as a
 * failure.
 */
import { type Schema, type SchemaDraft, Validator } from "@cfworker/json-schema";
import type { Chart } from "./chart.ts";
import type { Values } from "./coalesce.ts";

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
  try {
    const validator = new Validator(
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
  // The keywords that failed where they failed, not the "properties"/"allOf" chain above them.
  const leaves = result.errors.filter((e) => !STRUCTURAL.has(e.keyword));
  const lines = (leaves.length ? leaves : result.errors).map(
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
