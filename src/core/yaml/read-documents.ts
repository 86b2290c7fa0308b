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
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  Scalar,
  type Tags,
} from "yaml";
import { type Diagnostic, diagnostic } from "../diagnostics.ts";
import { measureValue } from "./measure.ts";
import { KUSTOMIZE_TAGS } from "./scalar-schemas.ts";
import { readSimpleYaml } from "./simple-read.ts";

export interface YamlLimits {
  /** Largest number of documents in one file. */
  maxDocuments: number;
  /** Largest nesting of collections in one document. */
  maxDepth: number;
  /** yaml's maxAliasCount: how many alias expansions one document may do. */
  maxAliasCount: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxDocuments: 1000, maxDepth: 64, maxAliasCount: 100 };

/**
 * How large a file's documents may grow when their aliases are expanded, as a multiple of the file's
 * length plus a constant. yaml's maxAliasCount bounds the number of alias expansions, not their size: 99
 * aliases of a 1 MB anchor make 100 MB of objects that every later copy, serialization and diff expands.
 * Real files stay far below (a document without aliases measures about its own length).
 */
export const ALIAS_EXPANSION_FACTOR = 4;
export const ALIAS_EXPANSION_SLACK = 64 * 1024;

function aliasAllowance(text: string): number {
  return ALIAS_EXPANSION_FACTOR * text.length + ALIAS_EXPANSION_SLACK;
}

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
  /**
   * The size of the documents read, aliases expanded: about their JSON length (`bytes`) and how many
   * values they hold (`nodes`) — what copying them costs (see util/budget.ts heapCost).
   */
  bytes?: number;
  nodes?: number;
}

export interface ReadOptions {
  limits?: Partial<YamlLimits>;
  /** Scalar typing; kustomize's reading by default. */
  tags?: (tags: Tags) => Tags;
  /**
   * A key repeated in one map is read, the last one winning, instead of being an error: Helm's reading
   * (sigs.k8s.io/yaml's non-strict Unmarshal) of values files, rendered manifests and fromYaml.
   */
  duplicateKeys?: "error" | "last-wins";
}

export function readYamlDocuments(text: string, file: string, options: ReadOptions = {}): ReadResult {
  const limits = { ...DEFAULT_YAML_LIMITS, ...options.limits };
  // Most files take the shortcut (simple-read.ts): the same result, several times faster.
  const tags = options.tags ?? KUSTOMIZE_TAGS;
  const simple = readSimpleYaml(text, file, limits, tags, aliasAllowance(text));
  if (simple) return simple;
  const full = readFully(text, file, limits, options);
  // A quoted scalar whose next line is not indented past its key: yaml refuses it ("Missing closing
  // quote"), go-yaml (Helm, and kustomize's yaml.v3) never checks indentation inside quotes and folds the
  // line break into a space, as js-yaml does once its "deficient indentation" warning is let through.
  // openebs's snapshot CRDs have such descriptions.
  if (!full.ok && full.diagnostics.some((d) => MISSING_QUOTE.test(d.message)))
    return readSimpleYaml(text, file, limits, tags, aliasAllowance(text), DEFICIENT_INDENTATION) ?? full;
  return full;
}

const MISSING_QUOTE = /^Missing closing ["']quote/;
const DEFICIENT_INDENTATION = /^deficient indentation$/;

/** readYamlDocuments with yaml's composer: every file the shortcut declines, and every diagnostic. */
export function readFully(
  text: string,
  file: string,
  limits: YamlLimits,
  options: ReadOptions = {},
): ReadResult {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const documents: YamlDocument[] = [];
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, {
      lineCounter,
      customTags: options.tags ?? KUSTOMIZE_TAGS,
      merge: true,
      // yaml's own duplicate-key check compares each key with every earlier one (20,000 keys in one map
      // took 7 s); duplicateKeyErrors does the same check in linear time.
      uniqueKeys: false,
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
  // Aliases need a "*": only then can the documents grow past the allowance.
  const aliased = text.includes("*");
  const allowance = aliasAllowance(text);
  let bytes = 0;
  let nodes = 0;
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
    const contents = doc.contents as Node | null;
    const walk = walkDocument(contents);
    const errors =
      options.duplicateKeys === "last-wins" ? [...doc.errors] : [...doc.errors, ...walk.duplicates];
    if (errors.length > 0) {
      ok = false;
      for (const e of errors) {
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
    if (walk.depth > limits.maxDepth) {
      ok = false;
      diagnostics.push(
        diagnostic("yaml-too-deep", `Document nests deeper than ${limits.maxDepth} levels.`, { file, line }),
      );
      index++;
      continue;
    }
    if (text.includes(">")) foldLikeGoYaml(walk.blockScalars);
    if (!/[\r\n]$/.test(text)) clipAtEndLikeGoYaml(walk.blockScalars, text);
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (error) {
      ok = false;
      // An alias to an anchor never set is a plain error (kustomize: "unknown anchor 'x' referenced").
      const unresolved = /^Unresolved alias/.test(errorText(error));
      const alias = !unresolved && (error instanceof ReferenceError || /alias/i.test(errorText(error)));
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
    const size = measureValue(value, aliased ? allowance - bytes : Number.POSITIVE_INFINITY);
    if (aliased) {
      if (size.bytes > allowance - bytes) {
        ok = false;
        diagnostics.push(
          diagnostic(
            "yaml-alias-limit",
            Number.isFinite(size.bytes)
              ? `Document's aliases expand the file to more than ${allowance} bytes (${ALIAS_EXPANSION_FACTOR}× its size plus ${ALIAS_EXPANSION_SLACK}); refusing it (possible billion-laughs input).`
              : "Document's aliases refer to the node that contains them (a cycle); refusing it.",
            { file, line },
          ),
        );
        index++;
        continue;
      }
    }
    bytes += size.bytes;
    nodes += size.nodes;
    // Empty documents ("---" alone, comments only, "~") are accepted and yield nothing, as in kustomize.
    if (value !== null && value !== undefined) documents.push({ file, index, line, value });
    index++;
  }
  return { ok, documents, diagnostics, bytes, nodes };
}

type KeyError = { code: "DUPLICATE_KEY"; message: string; pos: [number] };

/**
 * One pass over a document's AST for what is checked and adjusted before it is converted:
 *  - duplicate keys: yaml's uniqueKeys check (two keys of one map are the same when both are scalars with
 *    strictly equal values), reported as yaml reports them, with a set per map instead of a scan of the
 *    earlier keys (yaml's own check compares each key with every earlier one);
 *  - the depth of nested values (a collection key counts, a scalar key does not; aliases are leaves);
 *  - the block scalars (`|`, `>`), keys included, for the go-yaml adjustments below.
 * Iterative, so a deeply nested document cannot exhaust the stack.
 */
function walkDocument(root: Node | null): { duplicates: KeyError[]; depth: number; blockScalars: Scalar[] } {
  const duplicates: KeyError[] = [];
  const blockScalars: Scalar[] = [];
  let depth = 0;
  if (root === null) return { duplicates, depth, blockScalars };
  // depth 0: a scalar key, which is visited but does not count toward the depth.
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, d] = stack.pop()!;
    if (d > depth) depth = d;
    if (isScalar(node)) {
      if (node.type === Scalar.BLOCK_FOLDED || node.type === Scalar.BLOCK_LITERAL) blockScalars.push(node);
      continue;
    }
    if (isMap(node)) {
      const seen = node.items.length > 1 ? new Set<unknown>() : undefined;
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          stack.push([key, 0]);
          const v = key.value;
          // NaN !== NaN
          if (seen && !(typeof v === "number" && Number.isNaN(v))) {
            if (seen.has(v))
              duplicates.push({
                code: "DUPLICATE_KEY",
                message: "Map keys must be unique",
                pos: [key.range?.[0] ?? 0],
              });
            else seen.add(v);
          }
        } else if (isMap(key) || isSeq(key)) stack.push([key, d + 1]);
        if (pair.value) stack.push([pair.value, d + 1]);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        if (isPair(item)) {
          if (item.value) stack.push([item.value, d + 1]);
          if (item.key && (isMap(item.key) || isSeq(item.key))) stack.push([item.key, d + 1]);
          else if (isScalar(item.key)) stack.push([item.key, 0]);
        } else if (item && !isAlias(item)) stack.push([item, d + 1]);
      }
    }
  }
  // yaml reports each when it reaches the key: in document order.
  duplicates.sort((a, b) => a.pos[0] - b.pos[0]);
  return { duplicates, depth, blockScalars };
}

/**
 * kustomize's YAML reader (kyaml's go-yaml v3) keeps one extra line break before a more-indented line
 * of a folded block scalar: `>-` with "x", "  y" reads as "x\n\n  y" where the YAML spec says "x\n  y"
 * (verified with kubectl kustomize v5.5.0). Flux applies kustomize's reading, so we match it.
 */
function foldLikeGoYaml(blockScalars: readonly Scalar[]): void {
  for (const node of blockScalars)
    if (node.type === Scalar.BLOCK_FOLDED && typeof node.value === "string")
      node.value = addGoYamlBreaks(node.value);
}

/**
 * A block scalar with clip chomping (`|`, `>`) that runs to the end of a text without a final line break
 * has no trailing newline (YAML 1.2 `b-chomped-last`, and go-yaml, which kustomize uses); the yaml package
 * adds one. Inline patches whose text was itself chomped (`patch: |-`) end this way.
 */
function clipAtEndLikeGoYaml(blockScalars: readonly Scalar[], text: string): void {
  for (const node of blockScalars) {
    if (typeof node.value !== "string" || !node.value.endsWith("\n") || !node.range) continue;
    if (node.range[1] < text.length) continue;
    const header = /^[|>]([1-9]?[+-]?|[+-]?[1-9]?)/.exec(text.slice(node.range[0]))?.[1] ?? "";
    if (header.includes("+") || header.includes("-")) continue;
    node.value = node.value.slice(0, -1);
  }
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

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

function errorText(error: unknown): string {
  return firstLine(error instanceof Error ? error.message : String(error));
}
