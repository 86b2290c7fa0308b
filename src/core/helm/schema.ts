/**
 * values.schema.json, as Helm checks it (ValidateAgainstSchema): the chart's coalesced values against its
 * schema, then each subchart's values against the subchart's. @cfworker/json-schema interprets the
 * schema (no code generation; drafts 4, 7, 2019-09 and 2020-12, the chart's `$schema` deciding). Helm
 * fetches `$ref`s to http(s) URLs; this engine fetches nothing, so a schema that needs one is reported
 * as not checked rather than as a failure.
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

function remoteRef(x: unknown): string | undefined {
  if (Array.isArray(x)) {
    for (const e of x) {
      const r = remoteRef(e);
      if (r) return r;
    }
    return undefined;
  }
  if (x === null || typeof x !== "object") return undefined;
  for (const [k, v] of Object.entries(x)) {
    if (k === "$ref" && typeof v === "string" && /^[a-z][a-z0-9+.-]*:/i.test(v) && !v.startsWith("#"))
      return v;
    const r = remoteRef(v);
    if (r) return r;
  }
  return undefined;
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

/** One schema's problems, as Helm lists them (`- at '/path': message`), or "" when the values pass. */
function validateOne(values: Values, schemaText: string, chart: string, skipped: SchemaSkip[]): string {
  let schema: Schema;
  try {
    schema = JSON.parse(schemaText) as Schema;
  } catch (error) {
    return `${(error as Error).message}\n`;
  }
  if (typeof schema !== "object" && typeof schema !== "boolean") return "";
  const remote = remoteRef(schema);
  if (remote) {
    skipped.push({ chart, reason: `its values.schema.json refers to ${remote}, which is not fetched` });
    return "";
  }
  const result = new Validator(schema, typeof schema === "object" ? draftOf(schema) : "7", false).validate(
    values,
  );
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
    const problems = validateOne(values, chart.schema, chart.metadata.name, skipped);
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
