/**
 * Schema lookups for the strategic-merge walker: which schema a resource type has, a field's schema,
 * and whether a list is associative (merged element by element) and by which keys. Data in
 * merge-schema-table.ts; this module only interprets it the way kyaml's openapi.ResourceSchema does.
 *
 * A schema is a definition name, OPAQUE (a schema exists but nothing below it merges by key) or a list
 * spec "[k1,k2]Elem". `undefined` means no schema at all (custom resources), which makes every list
 * atomic and lets kyaml look for apiVersion/kind on nested objects.
 */
import { SCHEMA_BY_TYPE, SCHEMA_DEFINITIONS } from "./merge-schema-table.ts";

export type SchemaRef = string;

export const OPAQUE: SchemaRef = "";

export function schemaForType(apiVersion: string, kind: string): SchemaRef | undefined {
  return SCHEMA_BY_TYPE.get(`${apiVersion} ${kind}`);
}

/** kyaml's ResourceSchema.Field: a list spec has no fields; unknown definitions are opaque. */
export function fieldSchema(schema: SchemaRef, key: string): SchemaRef | undefined {
  if (schema.startsWith("[")) return undefined;
  const def = Object.hasOwn(SCHEMA_DEFINITIONS, schema) ? SCHEMA_DEFINITIONS[schema] : undefined;
  if (!def || !Object.hasOwn(def, key)) return OPAQUE;
  return def[key] ?? OPAQUE;
}

/** True when the schema has patch strategy "merge": the list is merged element by element. */
export function isAssociative(schema: SchemaRef | undefined): schema is SchemaRef {
  return schema?.startsWith("[") === true;
}

/** Merge keys of an associative list ([] for a primitive list such as finalizers). */
export function listKeys(schema: SchemaRef): string[] {
  const inner = schema.slice(1, schema.indexOf("]"));
  return inner === "" ? [] : inner.split(",");
}

/** Schema of an associative list's elements. */
export function elementSchema(schema: SchemaRef): SchemaRef {
  return schema.slice(schema.indexOf("]") + 1);
}
