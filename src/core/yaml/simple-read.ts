/**
 * The fast reading of the YAML most files are: block maps and sequences, plain and quoted scalars,
 * literal and folded block scalars, a few anchors and aliases; without tags, merge keys, directives or
 * complex keys. js-yaml reads such text about eight times faster than yaml's composer (a repository's
 * analysis spent most of its time parsing), and gives the same values there.
 *
 * It is only a shortcut: readYamlDocuments takes its result when the text has none of the features
 * above and js-yaml reads it without an error or a warning, and reads the text itself otherwise — every
 * diagnostic (syntax, duplicate keys, depth, aliases, tags) comes from that full reading, so a file either
 * reader would refuse is reported exactly as before. Where the two readers could disagree on text they
 * both accept, the shortcut declines it (see `needsFullReader` and the checks on the values);
 * test/core/yaml/simple-read.test.ts compares both readers on every case, and `npm run test:shared`
 * (test/shared/yaml-shortcut-corpus.test.ts) on every YAML file of the corpora and on mutations of them.
 */
import { FAILSAFE_SCHEMA, loadAll, Type } from "js-yaml";
import type { Tags } from "yaml";
import { leafSize, measureValue } from "./measure.ts";
import type { ReadResult, YamlDocument, YamlLimits } from "./read-documents.ts";
import { PLAIN_SCALARS } from "./scalar-schemas.ts";

/**
 * Text features the shortcut leaves to the full reader, because they need what only it does (the alias
 * limits, tag diagnostics, go-yaml's folding and clipping) or because js-yaml reads them differently.
 * They are looked for outside literal block scalars; tabs, carriage returns, Unicode line and paragraph
 * separators, a byte-order mark and NUL (indentation and line rules the readers differ on) anywhere.
 */
const FULL_READER_FEATURES: ReadonlyArray<[string, string[], (yaml: string) => boolean]> = [
  // [name, characters one of which the feature needs (a quick test first), the test]
  // Tags js-yaml resolves (`!!str`, `!!map`, `!!seq`, verbatim `!<…>`, the non-specific `!`); it
  // refuses every other tag (`!foo`), and the full reader then reads it. Directives, merge keys.
  ["tag", ["!"], matches(/(?:^|[\s[{,])!(?:[!<\s]|$)/m)],
  ["directive", ["%"], matches(/^%/m)],
  // A document marker run into other text ("---#"): yaml refuses it, js-yaml reads a marker.
  ["marker", ["---", "..."], markerRunOn],
  ["merge key", ["<<"], () => true],
  // Explicit and flow-collection keys (js-yaml writes them as "[object Object]").
  ["explicit key", ["?"], matches(/(?:^|[[{,:-]) *\?(?:[ \n]|$)/m)],
  ["collection key", ["[", "]", "}"], collectionKey],
  // An anchored value that is itself a key on the same line (`a: &x b: c`): yaml refuses a block map
  // there (so does kustomize's go-yaml), js-yaml reads {a: {b: c}}. Found by fuzzing.
  ["anchored key", ["&"], matches(/: +&\S+ +\S[^\n]*?:(?: |$)/m)],
];

/**
 * A folded block scalar (`>`). kustomize folds as go-yaml does, which differs from the YAML spec (and both
 * readers here) only before a more-indented line (read-documents.ts foldLikeGoYaml); so a text with one
 * takes the shortcut only when no string it reads has a line that starts with a space or a tab.
 */
const FOLDED_SCALAR = /(?:^|[ ])>[1-9+-]{0,2} *(?:#.*)?$/m;
const MORE_INDENTED = /(?:^|\n)[ \t]/;

/** A flow collection as a key, or one in a flow sequence: `]:` or `}:`, `{[` or `,[` (spaces between). */
const COLLECTION_KEY = /[\]}] *:|[{,] *\[/;
const COLLECTION_KEY_ANYWHERE = new RegExp(COLLECTION_KEY.source, "g");
/** A whole single- or double-quoted scalar. */
const QUOTED = `(?:"(?:[^"\\\\]|\\\\.)*"|'(?:[^']|'')*')`;
/** A line that starts with a quoted key: `  - "key": …`. */
const QUOTED_KEY_LINE = new RegExp(`^( *(?:- +)*)${QUOTED}(: .*)$`);
/** A line whose value is one quoted scalar that ends the line: `  - key: "value"  # comment`. */
const QUOTED_VALUE_LINE = new RegExp(`^( *(?:- +)*(?:[^\\s"'#][^"'#]*?: +)?)${QUOTED}( *(?:#.*)?)$`);

/**
 * Whether a line may hold a flow collection as a key. Go templates and expressions in quoted scalars
 * (`auth: "{{ .USER }}:{{ .PASSWORD }}"`, `expr: 'f(x, [1, 2])'`) look like one, so a quoted key at the
 * start of the line and a quoted value that ends it are taken out before looking again. Only those: a
 * quote inside a plain scalar (`it's`) opens nothing, and a line that is not so simple is left as it is.
 */
function collectionKey(yaml: string): boolean {
  let lastLine = -1;
  for (const m of yaml.matchAll(COLLECTION_KEY_ANYWHERE)) {
    const start = yaml.lastIndexOf("\n", m.index) + 1;
    if (start === lastLine) continue;
    lastLine = start;
    const end = yaml.indexOf("\n", m.index);
    const line = yaml
      .slice(start, end === -1 ? yaml.length : end)
      .replace(QUOTED_KEY_LINE, '$1""$2')
      .replace(QUOTED_VALUE_LINE, '$1""$2');
    if (COLLECTION_KEY.test(line)) return true;
  }
  return false;
}

function matches(re: RegExp): (yaml: string) => boolean {
  return (yaml) => re.test(yaml);
}

/** The first feature of FULL_READER_FEATURES `yaml` has. */
function fullReaderFeature(yaml: string): string | undefined {
  for (const [name, needs, test] of FULL_READER_FEATURES)
    if (needs.some((n) => yaml.includes(n)) && test(yaml)) return name;
  return undefined;
}

/**
 * `^(?:---|\.\.\.)[^ \n]` (multiline), one line start at a time: "---" starts most YAML files, and the
 * regex tried it at every position.
 */
function markerRunOn(yaml: string): boolean {
  for (let at = 0; at < yaml.length; ) {
    const c = yaml.charCodeAt(at);
    if ((c === 45 || c === 46) && (yaml.startsWith("---", at) || yaml.startsWith("...", at))) {
      const next = yaml.charCodeAt(at + 3);
      if (at + 3 < yaml.length && next !== 32 && next !== 10) return true;
    }
    const nl = yaml.indexOf("\n", at);
    if (nl === -1) return false;
    at = nl + 1;
  }
  return false;
}

/** yaml refuses implicit keys over 1024 characters; only a line that long can hold one. */
const MAX_LINE = 1024;

/**
 * Whether a line over MAX_LINE characters may hold an implicit key that long. A line certainly holds none
 * when it is a short plain key and a value of one token that cannot open a collection or hold another key,
 * which is what long lines are in these repositories (SOPS's `key: ENC[AES256_GCM,data:…]`, base64 such
 * as a `caBundle`). Any other long line is left to the full reader.
 */
function mayHoldLongKey(text: string): boolean {
  let start = 0;
  for (;;) {
    const end = text.indexOf("\n", start);
    const stop = end === -1 ? text.length : end;
    if (stop - start > MAX_LINE && !LONG_TOKEN_LINE.test(text.slice(start, stop))) return true;
    if (end === -1) return false;
    start = end + 1;
  }
}

/** `key: token` with a plain key of at most 253 characters and a SOPS or base64 token as the value. */
const LONG_TOKEN_LINE =
  /^ *(?:- +)*[A-Za-z0-9_./-]{1,253}: +(?:ENC\[[A-Za-z0-9_,:+/=.-]*\]|[A-Za-z0-9+/=]+) *$/;

const BLOCK_SCALAR = /(?:^|[ ])[|>][1-9+-]{0,2} *(?:#.*)?$/m;

/** Where an alias may start (and more: `*` begins many a cron schedule). */
const ALIAS = /(?:^|[\s[{,])\*/gm;

/**
 * yaml refuses a document whose aliases expand more than maxAliasCount (100) times, counting an alias
 * inside an anchored node once per use of that node: with at most 12 aliases in a text the product of the
 * uses along any chain is at most 3^4 = 81, so only texts with more need yaml's count.
 */
const MAX_ALIASES = 12;

/** A line as indentation, block sequence indicators ("- - "), and the rest. */
const LINE = /^( *)((?:- +)*)(.*)$/;
/** The rest of a line that opens a literal block scalar as a map value: `key: |`, `key: &a |-`, `"k": |+`. */
const KEY_LITERAL =
  /^(?:"[^"]*"|'[^']*'|[^\s#"'&!*|>%@`{}[\],?:-][^#]*?|[?:-][^\s#][^#]*?): +(?:[&!]\S* +)*\|[+-]? *(?:#.*)?$/;
/** The rest of a line that opens a literal block scalar as a sequence entry: `- |`. */
const ENTRY_LITERAL = /^(?:[&!]\S* +)*\|[+-]? *(?:#.*)?$/;
/** A block scalar header the two checks above do not take (explicit indentation, a document's). */
const OTHER_HEADER = /(?:^|[ ])[|>][+-]?[1-9][+-]? *(?:#.*)?$|^--- .*[|>][1-9+-]{0,2} *(?:#.*)?$/m;

/**
 * `text` with the content of its literal block scalars (`key: |`) blanked, line for line: shell scripts
 * and configuration files in them hold `!`, `*`, `<<`, `{…}:` and the like, which are text there, not
 * YAML. Undefined when a block scalar is opened in a way not recognised here (then all of `text` is
 * checked). A line taken for a header that is not one (inside a multi-line quoted string) only hides
 * text from the checks; what js-yaml then reads is still checked (merge keys, keys of collections).
 */
export function withoutLiteralContent(text: string): string | undefined {
  if (!text.includes("|")) return text;
  if (OTHER_HEADER.test(text)) return undefined;
  const lines = text.split("\n");
  let threshold = -1;
  let inside = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (inside) {
      const indent = line.length - line.trimStart().length;
      if (line.trim() === "" || indent > threshold) {
        lines[i] = "";
        continue;
      }
      inside = false;
    }
    if (!line.endsWith("|") && !line.includes("|-") && !line.includes("|+") && !line.includes("| ")) continue;
    const [, indent = "", dashes = "", rest = ""] = LINE.exec(line) ?? [];
    if (KEY_LITERAL.test(rest)) threshold = indent.length + dashes.length;
    else if (dashes !== "" && ENTRY_LITERAL.test(rest))
      threshold = indent.length + dashes.length - (/- +$/.exec(dashes)?.[0].length ?? 0);
    else continue;
    inside = true;
  }
  return lines.join("\n");
}

/** Why the full reader must read `text` (for tests), or undefined when the shortcut may try it. */
export function needsFullReader(text: string): string | undefined {
  if (/[\t\r\uFEFF\0\u2028\u2029]/.test(text)) return "control characters";
  // A block scalar that ends the text without a line break is clipped as go-yaml clips it.
  if (!text.endsWith("\n") && BLOCK_SCALAR.test(text)) return "block scalar at the end";
  const yaml = withoutLiteralContent(text) ?? text;
  const feature = fullReaderFeature(yaml);
  if (feature !== undefined) return feature;
  if (yaml.length > MAX_LINE && mayHoldLongKey(yaml)) return "long line";
  if (yaml.includes("*") && (yaml.match(ALIAS)?.length ?? 0) > MAX_ALIASES) return "many aliases";
  return undefined;
}

/** A js-yaml schema whose only implicit type is `resolve`, applied to plain scalars as yaml applies it. */
function schemaFor(resolve: (s: string) => unknown) {
  // js-yaml asks `resolve` whether a plain scalar is of the type, then `construct` for its value.
  let last: { s: string; v: unknown } | undefined;
  const plain = new Type("tag:flux-impact,2026:plain", {
    kind: "scalar",
    resolve: (s: unknown) => {
      if (typeof s !== "string") return false;
      const v = resolve(s);
      last = { s, v };
      return v !== s;
    },
    construct: (s: string) => (last && last.s === s ? last.v : resolve(s)),
  });
  return FAILSAFE_SCHEMA.extend({ implicit: [plain] });
}

/** One schema per reading of scalar-schemas.ts; a reading not there is not read by the shortcut. */
const SCHEMAS = new Map([...PLAIN_SCALARS].map(([tags, resolve]) => [tags, schemaFor(resolve)]));

/**
 * `text` read by js-yaml with plain scalars typed by `resolve`, as readYamlDocuments' result; undefined
 * when the full reader must read it (a feature above, an error or warning, a document that is empty or
 * null, a key read as null, too many documents, too deep a document, or aliases past the allowance).
 * Never throws.
 */
export function readSimpleYaml(
  text: string,
  file: string,
  limits: YamlLimits,
  /** The reading (scalar-schemas.ts KUSTOMIZE_TAGS or YAML11_TAGS). */
  tags: (tags: Tags) => Tags,
  /** What the documents may measure together when aliases expand them (read-documents.ts). */
  allowance: number,
  /** js-yaml warnings that do not send the text to the full reader (read-documents.ts's quoted scalars). */
  tolerated?: RegExp,
): ReadResult | undefined {
  const schema = SCHEMAS.get(tags);
  if (schema === undefined || needsFullReader(text) !== undefined) return undefined;
  const lines: number[] = [];
  let warned = false;
  let values: unknown[];
  try {
    values = loadAll(text, null, {
      schema,
      onWarning: (warning: { reason?: string }) => {
        if (!tolerated?.test(warning.reason ?? "")) warned = true;
      },
      listener: (event, state) => {
        if (event === "open" && (state as { depth?: number }).depth === 1) lines.push(state.line + 1);
      },
      // js-yaml's own guard against deep recursion; the depth diagnostic is the full reader's.
      maxDepth: limits.maxDepth + 1,
    } as Parameters<typeof loadAll>[2]);
  } catch {
    return undefined;
  }
  if (warned || values.length !== lines.length || values.length > limits.maxDocuments) return undefined;
  const documents: YamlDocument[] = [];
  const aliased = text.includes("*");
  const folded = text.includes(">") && FOLDED_SCALAR.test(text);
  let bytes = 0;
  let nodes = 0;
  for (const [index, value] of values.entries()) {
    // yaml tells an empty document (skipped) from a null one (counted); js-yaml reads both as null.
    if (value === null || value === undefined) return undefined;
    let size: { bytes: number; nodes: number } | undefined;
    if (aliased) {
      // Past the allowance (aliases of a large node), the full reader says how it was refused. Measured
      // first: measureValue counts each shared node once, the walk visits it at every use.
      size = measureValue(value);
      if (size.bytes > allowance - bytes) return undefined;
      if (measureTree(value, limits.maxDepth, folded) === undefined) return undefined;
    } else {
      // A tree (no aliases): one walk checks the keys and the depth and measures as measureValue does.
      size = measureTree(value, limits.maxDepth, folded);
      if (size === undefined) return undefined;
    }
    bytes += size.bytes;
    nodes += size.nodes;
    documents.push({ file, index, line: lines[index]!, value });
  }
  return { ok: true, documents, diagnostics: [], bytes, nodes };
}

/**
 * The size measureValue gives `root` (counting a shared node at every use), or undefined when a map of it
 * has the key "null" (js-yaml writes a null key so, yaml as "", and a quoted "null" is the same text),
 * "[object Object]" (a flow map as a key, which yaml writes as flow YAML) or "<<" (a merge key, which
 * this schema does not merge), or it nests deeper than `maxDepth` (a scalar counts as a level, a key does
 * not, as in read-documents.ts walkDocument).
 */
function measureTree(
  root: unknown,
  maxDepth: number,
  /** The text has a folded scalar: a string with a more-indented line (MORE_INDENTED) is refused too. */
  folded: boolean,
): { bytes: number; nodes: number } | undefined {
  let bytes = 0;
  let nodes = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > maxDepth) return undefined;
    nodes++;
    if (node === null || typeof node !== "object") {
      if (folded && typeof node === "string" && MORE_INDENTED.test(node)) return undefined;
      bytes += leafSize(node);
      continue;
    }
    bytes += 2;
    if (Array.isArray(node)) {
      bytes += node.length;
      for (const item of node) stack.push([item, depth + 1]);
      continue;
    }
    for (const key in node) {
      if (key === "null" || key === "[object Object]" || key === "<<") return undefined;
      bytes += key.length + 4;
      stack.push([(node as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return { bytes, nodes };
}
