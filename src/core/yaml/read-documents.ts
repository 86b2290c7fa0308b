/**
 * Multi-document YAML → plain values with file and line, under explicit limits.
 *
 * Never throws for bad input: syntax errors, duplicate keys, alias bombs, excessive nesting and too many
 * documents all become diagnostics with a stable code and the line they are on. Documents that parse
 * are returned even when a sibling document in the same file fails; `ok` says whether the whole file was
 * clean (kustomize rejects a file with any bad document).
 */
import {
  isAlias,
  isMap,
  isPair,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  Scalar,
  type Tags,
  visit,
} from "yaml";
import { type Diagnostic, diagnostic } from "../diagnostics.ts";
import { KUSTOMIZE_TAGS } from "./scalar-schemas.ts";

export interface YamlLimits {
  /** Largest number of documents in one file. */
  maxDocuments: number;
  /** Largest nesting of collections in one document. */
  maxDepth: number;
  /** yaml's maxAliasCount: how many alias expansions one document may do. */
  maxAliasCount: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxDocuments: 1000, maxDepth: 64, maxAliasCount: 100 };

export interface YamlDocument {
  /** Repository path of the file. */
  file: string;
  /** 0-based position among the file's non-empty documents. */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  value: unknown;
}

export interface ReadResult {
  ok: boolean;
  documents: YamlDocument[];
  diagnostics: Diagnostic[];
}

export interface ReadOptions {
  limits?: Partial<YamlLimits>;
  /** Scalar typing; kustomize's reading by default. */
  tags?: (tags: Tags) => Tags;
}

export function readYamlDocuments(text: string, file: string, options: ReadOptions = {}): ReadResult {
  const limits = { ...DEFAULT_YAML_LIMITS, ...options.limits };
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const documents: YamlDocument[] = [];
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, {
      lineCounter,
      customTags: options.tags ?? KUSTOMIZE_TAGS,
      merge: true,
      uniqueKeys: true,
      prettyErrors: false,
      strict: true,
      // Problems are reported as diagnostics; the library must not print warnings of its own.
      logLevel: "error",
    });
  } catch (error) {
    // The parser reports problems as errors on the document; a throw here is a resource-exhaustion guard.
    diagnostics.push(
      diagnostic("yaml-syntax", `YAML could not be parsed: ${errorText(error)}`, { file, line: 1 }),
    );
    return { ok: false, documents, diagnostics };
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  const colOf = (offset: number | undefined) =>
    offset === undefined ? undefined : lineCounter.linePos(offset).col;
  let ok = true;
  let index = 0;
  for (const doc of list) {
    for (const w of doc.warnings) {
      if (w.code === "TAG_RESOLVE_FAILED") {
        diagnostics.push(
          diagnostic("yaml-unknown-tag", `${firstLine(w.message)}; the value is read as a string.`, {
            file,
            line: lineOf(w.pos[0]),
            column: colOf(w.pos[0]),
          }),
        );
      }
    }
    if (doc.errors.length > 0) {
      ok = false;
      for (const e of doc.errors) {
        const code =
          e.code === "DUPLICATE_KEY"
            ? "yaml-duplicate-key"
            : e.code === "RESOURCE_EXHAUSTION"
              ? "yaml-too-deep"
              : "yaml-syntax";
        diagnostics.push(
          diagnostic(code, firstLine(e.message), { file, line: lineOf(e.pos[0]), column: colOf(e.pos[0]) }),
        );
      }
      continue;
    }
    const contents = doc.contents as Node | null;
    if (contents === null) continue;
    const line = lineOf(contents.range?.[0]);
    if (index >= limits.maxDocuments) {
      ok = false;
      diagnostics.push(
        diagnostic("yaml-too-many-documents", `File holds more than ${limits.maxDocuments} YAML documents.`, {
          file,
          line,
        }),
      );
      break;
    }
    const depth = measureDepth(contents, limits.maxDepth);
    if (depth > limits.maxDepth) {
      ok = false;
      diagnostics.push(
        diagnostic("yaml-too-deep", `Document nests deeper than ${limits.maxDepth} levels.`, { file, line }),
      );
      index++;
      continue;
    }
    if (text.includes(">")) foldLikeGoYaml(contents);
    if (!/[\r\n]$/.test(text)) clipAtEndLikeGoYaml(contents, text);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (error) {
      ok = false;
      const alias = error instanceof ReferenceError || /alias/i.test(errorText(error));
      diagnostics.push(
        diagnostic(
          alias ? "yaml-alias-limit" : "yaml-syntax",
          alias
            ? `Document expands more than ${limits.maxAliasCount} aliases; refusing it (possible billion-laughs input).`
            : `YAML could not be converted: ${errorText(error)}`,
          { file, line },
        ),
      );
      index++;
      continue;
    }
    // Empty documents ("---" alone, comments only, "~") are accepted and yield nothing, as in kustomize.
    if (value !== null && value !== undefined) documents.push({ file, index, line, value });
    index++;
  }
  return { ok, documents, diagnostics };
}

/**
 * kustomize's YAML reader (kyaml's go-yaml v3) keeps one extra line break before a more-indented line
 * of a folded block scalar: `>-` with "x", "  y" reads as "x\n\n  y" where the YAML spec says "x\n  y"
 * (verified with kubectl kustomize v5.5.0). Flux applies kustomize's reading, so we match it.
 */
function foldLikeGoYaml(root: Node): void {
  visit(root, {
    Scalar(_key, node) {
      if (node.type === Scalar.BLOCK_FOLDED && typeof node.value === "string")
        node.value = addGoYamlBreaks(node.value);
    },
  });
}

/**
 * A block scalar with clip chomping (`|`, `>`) that runs to the end of a text without a final line break
 * has no trailing newline (YAML 1.2 `b-chomped-last`, and go-yaml, which kustomize uses); the yaml package
 * adds one. Inline patches whose text was itself chomped (`patch: |-`) end this way.
 */
function clipAtEndLikeGoYaml(root: Node, text: string): void {
  visit(root, {
    Scalar(_key, node) {
      if (node.type !== Scalar.BLOCK_LITERAL && node.type !== Scalar.BLOCK_FOLDED) return;
      if (typeof node.value !== "string" || !node.value.endsWith("\n") || !node.range) return;
      if (node.range[1] < text.length) return;
      const header = /^[|>]([1-9]?[+-]?|[+-]?[1-9]?)/.exec(text.slice(node.range[0]))?.[1] ?? "";
      if (header.includes("+") || header.includes("-")) return;
      node.value = node.value.slice(0, -1);
    },
  });
}

export function addGoYamlBreaks(value: string): string {
  const lines = value.split("\n");
  const out: string[] = [];
  let previousContent: string | undefined;
  for (const line of lines) {
    const moreIndented = line.startsWith(" ") || line.startsWith("\t");
    if (moreIndented && previousContent !== undefined && !/^[ \t]/.test(previousContent)) out.push("");
    out.push(line);
    if (line !== "") previousContent = line;
  }
  return out.join("\n");
}

/** Iterative depth measure of a YAML AST; stops counting once over `cap`. Aliases count as leaves. */
function measureDepth(root: Node, cap: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > cap) return max;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) {
          if (item.value) stack.push([item.value, depth + 1]);
          if (item.key && (isMap(item.key) || isSeq(item.key))) stack.push([item.key, depth + 1]);
        } else if (item && !isAlias(item)) stack.push([item, depth + 1]);
      }
    }
  }
  return max;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

function errorText(error: unknown): string {
  return firstLine(error instanceof Error ? error.message : String(error));
}
