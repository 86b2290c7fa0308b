/**
 * Writing objects back to YAML the way kustomize and sigs.k8s.io/yaml do: keys in byte order (objects
 * pass through JSON in kustomize), block style, sequences not indented under their key, and every string
 * quoted that a YAML 1.1 or kustomize reader would otherwise type as a bool, number, null or timestamp.
 */
import { Document } from "yaml";
import { compareBytewise } from "../snapshot/paths.ts";
import { SERIALIZE_TAGS } from "./scalar-schemas.ts";

export interface StringifyOptions {
  /** Sort mapping keys byte-wise (kustomize output order). Default true. */
  sortKeys?: boolean;
}

export function stringifyYaml(value: unknown, options: StringifyOptions = {}): string {
  const doc = new Document(value, {
    customTags: SERIALIZE_TAGS,
    sortMapEntries: options.sortKeys === false ? false : (a, b) => compareBytewise(String(a.key), String(b.key)),
    keepUndefined: false,
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
