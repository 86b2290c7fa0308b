/**
 * Writing objects back to YAML the way kustomize does (objects pass through JSON, then go-yaml v2):
 * keys in go-yaml's order (non-letters before letters, digit runs compared as numbers), block style,
 * sequences not indented under their key, strings that would read back as another type in double quotes,
 * other strings that cannot be plain in single quotes, multi-line strings as literal blocks.
 */
import { Document, Scalar, visit } from "yaml";
import { fastStringify } from "./fast-stringify.ts";
import { goYamlKeyCompare } from "./key-order.ts";
import { SERIALIZE_TAGS } from "./scalar-schemas.ts";

export { goYamlKeyCompare } from "./key-order.ts";

/** The scalar tags of the writing schema: a plain string any of them would read as another type is quoted. */
const RETYPING_TAGS = new Document(null, { customTags: SERIALIZE_TAGS }).schema.tags.filter(
  (t) => t.default && t.tag !== "tag:yaml.org,2002:str" && t.test,
);

/** True when a plain string would be read back as a bool, number, null or timestamp. */
export function retypes(s: string): boolean {
  return RETYPING_TAGS.some((t) => t.test!.test(s));
}

export interface StringifyOptions {
  /** Sort mapping keys as go-yaml does (kustomize output order). Default true. */
  sortKeys?: boolean;
}

export function stringifyYaml(value: unknown, options: StringifyOptions = {}): string {
  if (options.sortKeys !== false) {
    const fast = fastStringify(value, retypes);
    if (fast !== undefined) return fast;
  }
  return stringifyWithLibrary(value, options);
}

/** The reference writer (the `yaml` library); stringifyYaml's fast path must equal it. */
export function stringifyWithLibrary(value: unknown, options: StringifyOptions = {}): string {
  const doc = new Document(value, {
    customTags: SERIALIZE_TAGS,
    sortMapEntries:
      options.sortKeys === false ? false : (a, b) => goYamlKeyCompare(String(a.key), String(b.key)),
    keepUndefined: false,
  });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && !node.value.includes("\n") && retypes(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return doc.toString({
    indentSeq: false,
    lineWidth: 0,
    minContentWidth: 0,
    singleQuote: true,
    doubleQuotedAsJSON: false,
    nullStr: "null",
  });
}

/** A multi-document stream, each document introduced by "---" as kustomize prints them. */
export function stringifyYamlStream(values: readonly unknown[]): string {
  return values.map((v) => stringifyYaml(v)).join("---\n");
}
