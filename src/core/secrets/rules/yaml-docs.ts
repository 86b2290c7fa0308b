/**
 * Just enough YAML for the structure-aware rules: split a file into raw documents at `---` / `...`
 * marker lines (line-based, so a broken document cannot hide its siblings), parse one document to the
 * `yaml` AST without converting it (no alias expansion, duplicate keys kept), and read maps and scalars
 * with 1-based lines. Also the cheap raw markers of SOPS metadata. No typing of scalars beyond `yaml`'s.
 */
import { isMap, isScalar, LineCounter, type Node, type Pair, parseDocument, type YAMLMap } from "yaml";

export interface RawDocument {
  text: string;
  /** 1-based line of the document's first line in the file. */
  line: number;
}

/** Largest document the rules parse; bigger ones use the raw-text fallbacks. */
export const MAX_PARSE_BYTES = 1024 * 1024;

export function splitDocuments(text: string): RawDocument[] {
  const docs: RawDocument[] = [];
  let start = 0;
  let startLine = 1;
  let line = 1;
  let pos = 0;
  while (pos <= text.length) {
    let eol = text.indexOf("\n", pos);
    if (eol === -1) eol = text.length;
    if (isMarker(text, pos, eol)) {
      if (pos > start) docs.push({ text: text.slice(start, pos), line: startLine });
      // A `---` line may carry content (`--- {a: 1}`), so it opens the next document; `...` only ends one.
      const opens = text[pos] === "-";
      start = opens ? pos : eol + 1;
      startLine = opens ? line : line + 1;
    }
    pos = eol + 1;
    line++;
  }
  if (start < text.length) docs.push({ text: text.slice(start), line: startLine });
  return docs;
}

function isMarker(text: string, pos: number, eol: number): boolean {
  if (!text.startsWith("---", pos) && !text.startsWith("...", pos)) return false;
  const next = text[pos + 3];
  return pos + 3 >= eol || next === " " || next === "\t" || next === "\r";
}

export interface ParsedDocument {
  contents: Node | null;
  /** 1-based file line of an AST node (of the document start when the node has no range). */
  lineOf(node: Node | null | undefined): number;
}

/** The document's AST, or undefined when it has errors, is too big, or the parser gives up. */
export function parseRawDocument(doc: RawDocument): ParsedDocument | undefined {
  if (doc.text.length > MAX_PARSE_BYTES) return undefined;
  const counter = new LineCounter();
  try {
    const parsed = parseDocument(doc.text, { lineCounter: counter, uniqueKeys: false, logLevel: "silent" });
    if (parsed.errors.length > 0) return undefined;
    const lineOf = (node: Node | null | undefined) => {
      const at = node?.range?.[0];
      return at === undefined ? doc.line : doc.line + counter.linePos(at).line - 1;
    };
    return { contents: (parsed.contents as Node | null) ?? null, lineOf };
  } catch {
    return undefined;
  }
}

/** The pairs of `map` whose key is the scalar `key` (all of them: duplicate keys are kept). */
export function pairsOf(map: YAMLMap, key: string): Pair[] {
  const out: Pair[] = [];
  for (const pair of map.items) if (isScalar(pair.key) && String(pair.key.value) === key) out.push(pair);
  return out;
}

export function mapGet(map: YAMLMap, key: string): Node | null | undefined {
  const pair = pairsOf(map, key)[0];
  return pair ? ((pair.value as Node | null) ?? null) : undefined;
}

/** A scalar's value as a string ("" for null), or undefined for collections and aliases. */
export function scalarText(node: Node | null | undefined): string | undefined {
  if (node === null || node === undefined) return "";
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return v === null || v === undefined ? "" : String(v);
}

export function asMap(node: Node | null | undefined): YAMLMap | undefined {
  return node && isMap(node) ? node : undefined;
}

/** Raw marker of a top-level SOPS metadata key: `sops:` at column 0 (YAML) or a `"sops": {` key (JSON). */
export function hasSopsKey(text: string): boolean {
  return /^sops[ \t]*:/m.test(text) || /"sops"[ \t]*:[ \t\r\n]*\{/.test(text);
}

/** SOPS metadata in any of its formats: YAML/JSON `sops` key, dotenv `sops_mac=`, INI `[sops]`. */
export function hasSopsMetadata(text: string): boolean {
  return hasSopsKey(text) || /^sops_mac=/m.test(text) || /^\[sops\]/m.test(text);
}

/** Whether a text looks SOPS-encrypted in any of its formats (YAML, JSON, dotenv, INI). */
export function looksSopsEncrypted(text: string): boolean {
  return text.includes("ENC[AES256_GCM,") && hasSopsMetadata(text);
}

/** Keys and names safe to print: identifier-like and short, else a neutral stand-in. */
export function printableName(name: string, fallback = "…"): string {
  // Letters, digits and the characters of a template (`${APP}-db`), never a token's prefix.
  return /^[A-Za-z0-9._\-/${}:=]{1,128}$/.test(name) && !/gh[porsu]_|github_pat_|AGE-SECRET/i.test(name)
    ? name
    : fallback;
}
