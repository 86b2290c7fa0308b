/**
 * Writing objects back to YAML the way kustomize does (objects pass through JSON, then go-yaml v2):
 * keys in go-yaml's order (non-letters before letters, digit runs compared as numbers), block style,
 * sequences not indented under their key, strings that would read back as another type in double quotes,
 * other strings that cannot be plain in single quotes, multi-line strings as literal blocks.
 */
import { Document, Scalar, visit } from "yaml";
import { SERIALIZE_TAGS } from "./scalar-schemas.ts";

export interface StringifyOptions {
  /** Sort mapping keys as go-yaml does (kustomize output order). Default true. */
  sortKeys?: boolean;
}

export function stringifyYaml(value: unknown, options: StringifyOptions = {}): string {
  const doc = new Document(value, {
    customTags: SERIALIZE_TAGS,
    sortMapEntries:
      options.sortKeys === false ? false : (a, b) => goYamlKeyCompare(String(a.key), String(b.key)),
    keepUndefined: false,
  });
  const retyping = doc.schema.tags.filter((t) => t.default && t.tag !== "tag:yaml.org,2002:str" && t.test);
  visit(doc, {
    Scalar(_key, node) {
      if (
        typeof node.value === "string" &&
        !node.value.includes("\n") &&
        retyping.some((t) => t.test!.test(node.value as string))
      ) {
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

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

/** go-yaml v2's keyList.Less for string keys. */
export function goYamlKeyCompare(a: string, b: string): number {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ca = ar[i]!;
    const cb = br[i]!;
    if (ca === cb) continue;
    const al = LETTER.test(ca);
    const bl = LETTER.test(cb);
    if (al && bl) return ca.codePointAt(0)! - cb.codePointAt(0)!;
    if (al || bl) return bl ? -1 : 1;
    let an = 0;
    let bn = 0;
    if (ca === "0" || cb === "0") {
      for (let j = i - 1; j >= 0 && DIGIT.test(ar[j]!); j--) {
        if (ar[j] !== "0") {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && DIGIT.test(ar[ai]!); ai++) an = an * 10 + (ar[ai]!.codePointAt(0)! - 48);
    for (; bi < br.length && DIGIT.test(br[bi]!); bi++) bn = bn * 10 + (br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an - bn;
    if (ai !== bi) return ai - bi;
    return ca.codePointAt(0)! - cb.codePointAt(0)!;
  }
  return ar.length - br.length;
}
