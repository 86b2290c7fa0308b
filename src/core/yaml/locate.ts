/**
 * Find the line of a value inside a YAML file, for diagnostics that point at one field (a patch entry,
 * a dependsOn item). Positions are computed on demand by re-parsing the one file, so parsed models never
 * keep the (large) AST around.
 */
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from "yaml";

export type YamlPath = ReadonlyArray<string | number>;

/**
 * The 1-based line of the node at each of `paths` in the `docIndex`-th non-empty document, or of the
 * deepest parent that exists; undefined when the document cannot be found. The text is read once.
 */
export function locateLines(
  text: string,
  docIndex: number,
  paths: readonly YamlPath[],
): Array<number | undefined> {
  const docs = parseForPositions(text);
  const doc = docs?.list[docIndex];
  return paths.map((path) => (docs && doc ? lineAt(doc, docs.lineCounter, path) : undefined));
}

/** The line of one path, as locateLines finds it, in the document whose content starts on `startLine`. */
export function locateLineInDocumentAt(text: string, startLine: number, path: YamlPath): number | undefined {
  const docs = parseForPositions(text);
  if (!docs) return undefined;
  const doc = docs.list.find((d) => {
    const start = (d.contents as Node | null)?.range?.[0];
    return start !== undefined && docs.lineCounter.linePos(start).line === startLine;
  });
  return doc ? lineAt(doc, docs.lineCounter, path) : undefined;
}

/** The text's non-empty documents with their positions; undefined when yaml cannot read it at all. */
function parseForPositions(text: string): { list: Document.Parsed[]; lineCounter: LineCounter } | undefined {
  const lineCounter = new LineCounter();
  let parsed: Document.Parsed[];
  try {
    parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: false }) as Document.Parsed[];
  } catch {
    return undefined;
  }
  const list = (Array.isArray(parsed) ? parsed : [parsed]).filter((d) => {
    const c = d.contents as Node | null;
    return c !== null && !(isScalar(c) && (c.value === null || c.value === undefined));
  });
  return { list, lineCounter };
}

function lineAt(doc: Document.Parsed, lineCounter: LineCounter, path: YamlPath): number | undefined {
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
