/**
 * Find the line of a value inside a YAML file, for diagnostics that point at one field (a patch entry,
 * a dependsOn item). Positions are computed on demand by re-parsing the one file, so parsed models never
 * keep the (large) AST around.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from "yaml";

export type YamlPath = ReadonlyArray<string | number>;

/**
 * 1-based line of the node at `path` in the `docIndex`-th non-empty document, or of the deepest parent
 * that exists. Undefined when the document cannot be found.
 */
export function locateLine(text: string, docIndex: number, path: YamlPath): number | undefined {
  const lineCounter = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false });
  } catch {
    return undefined;
  }
  const list = (Array.isArray(docs) ? docs : [docs]).filter((d) => {
    const c = d.contents as Node | null;
    return c !== null && !(isScalar(c) && (c.value === null || c.value === undefined));
  });
  const doc = list[docIndex];
  if (!doc) return undefined;
  let node = doc.contents as Node | null;
  let offset = node?.range?.[0];
  for (const key of path) {
    if (!node) break;
    let next: Node | null = null;
    let keyOffset: number | undefined;
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? pair.key.value : pair.key;
        if (String(k) === String(key)) {
          next = (pair.value as Node | null) ?? null;
          keyOffset = (pair.key as Node | null)?.range?.[0];
          break;
        }
      }
    } else if (isSeq(node) && typeof key === "number") {
      next = (node.items[key] as Node | null) ?? null;
      keyOffset = next?.range?.[0];
    }
    if (keyOffset === undefined) break;
    offset = keyOffset;
    node = next;
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}
