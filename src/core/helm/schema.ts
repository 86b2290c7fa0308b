/**
 * values.schema.json, as Helm checks it (ValidateAgainstSchema): the chart's coalesced values against its
 * schema, then each subchart's values against the subchart's. @cfworker/json-schema interprets the
 * schema (no code generation; drafts 4, 7, 2019-09 and 2020-12, the chart's `$schema` deciding). Helm
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

function draftOf(schema: Schema): SchemaDraft {
  const s = schema.$schema ?? "";
  if (s.includes("draft-04")) return "4";
  if (s.includes("2019-09")) return "2019-09";
  if (s.includes("2020-12")) return "2020-12";
  return "7";
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
    const validator = new Validator(schema, typeof schema === "object" ? draftOf(schema) : "7", false);
    const base =
      typeof schema === "object" && typeof schema.$id === "string"
        ? schema.$id
        : "file:///values.schema.json";
    for (const f of chart.files) {
      if (!f.name.endsWith(".json")) continue;
      try {
        const id = new URL(f.name, base).href;
        validator.addSchema(JSON.parse(f.data) as Schema, id);
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
