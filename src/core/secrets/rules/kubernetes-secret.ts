/**
 * S8 (manifests): unencrypted Kubernetes Secrets. Per document: `apiVersion: v1`, `kind: Secret` (a case
 * variant gives a warning), and `data`/`stringData` with at least one value that is neither "" nor a pure
 * Flux `${VAR}` placeholder (nor a `{{ … }}` chart template), in a file without top-level SOPS metadata
 * (those are S9's). Items of a `kind: *List` are checked too. Base64 `data` values are decoded one level
 * and rescanned with S1–S7; such findings point at the data key's line and never show the value.
 *
 * A document that does not parse goes through a raw-text fallback (B9): a top-level `kind: Secret` line
 * plus a top-level `data:`/`stringData:` block with a non-empty value still gives the finding.
 * Never flags ExternalSecret, SealedSecret, SecretStore or `secretKeyRef`/`secretRef` references.
 */
import { isMap, isSeq, type Node, type YAMLMap } from "yaml";
import { decodeBase64 } from "./base64.ts";
import {
  decodeText,
  hasLiteralDefault,
  isPlaceholderValue,
  isReferenceValue,
  isSubstitutionPlaceholder,
  MAX_LINE,
  type RawFinding,
} from "./common.ts";
import { scanCredentialText } from "./text-rules.ts";
import {
  asMap,
  type ParsedDocument,
  pairsOf,
  parseRawDocument,
  printableName,
  type RawDocument,
  scalarText,
  splitDocuments,
} from "./yaml-docs.ts";

/** Prefilter: some `kind: Secret` (any case, YAML or JSON); not SecretStore/ExternalSecret/SealedSecret. */
const KIND_SECRET = /\bkind["']?[ \t]*:[ \t]*["']?secret\b/i;

interface Value {
  key: string;
  value: string;
  line: number;
  /** True for `data` (base64). */
  encoded: boolean;
}

/**
 * Bytes of candidate documents one file may have parsed as YAML; the rest (and any bigger document) is
 * read by the raw-text fallback. YAML parsing costs ~0.5 s/MB, the fallback is line-based and linear.
 */
const PARSE_BUDGET = 64 * 1024;
/** Documents one file may have parsed (the parser's fixed cost per document dominates for tiny ones). */
const PARSE_DOCS = 100;
/** Flow collections make the parser slow (nesting); documents with more openers use the fallback. */
const MAX_FLOW_OPENERS = 256;
/** Decoded values shorter than this cannot hold an S1–S7 credential (the shortest is a 40-char token). */
const MIN_DECODED = 40;
/** Findings one file may produce before the remaining Secret documents are only counted. */
const MAX_FINDINGS = 50;
/** Values the raw fallback reads from one document (enough to decide; bounds the work on huge ones). */
const MAX_VALUES = 1000;

export function scanKubernetesSecrets(text: string): RawFinding[] {
  if (!KIND_SECRET.test(text)) return [];
  const out: RawFinding[] = [];
  let budget = PARSE_BUDGET;
  let parses = PARSE_DOCS;
  let skipped = 0;
  let firstSkipped = 0;
  for (const doc of splitDocuments(text)) {
    if (!KIND_SECRET.test(doc.text)) continue;
    if (out.length >= MAX_FINDINGS) {
      if (skipped++ === 0) firstSkipped = doc.line;
      continue;
    }
    const affordable = doc.text.length <= budget && parses > 0 && flowOpeners(doc.text) <= MAX_FLOW_OPENERS;
    const parsed = affordable ? parseRawDocument(doc) : undefined;
    budget = Math.max(0, budget - doc.text.length);
    parses--;
    if (parsed) structured(parsed, out);
    else out.push(...rawFallback(doc));
  }
  if (skipped > 0)
    out.push({
      code: "secret-unencrypted-secret",
      severity: "error",
      message: `${skipped} more document(s) with kind: Secret in this file were not examined (limit ${MAX_FINDINGS} findings per file)`,
      line: firstSkipped,
      secret: `skipped:${skipped}`,
    });
  return out;
}

function flowOpeners(text: string): number {
  let n = 0;
  for (let i = text.indexOf("["); i !== -1 && n <= MAX_FLOW_OPENERS; i = text.indexOf("[", i + 1)) n++;
  for (let i = text.indexOf("{"); i !== -1 && n <= MAX_FLOW_OPENERS; i = text.indexOf("{", i + 1)) n++;
  return n;
}

function structured(doc: ParsedDocument, out: RawFinding[]): void {
  const root = asMap(doc.contents);
  if (!root) return;
  const kind = scalarText(pairsOf(root, "kind")[0]?.value as Node | undefined) ?? "";
  const items = pairsOf(root, "items")[0]?.value as Node | undefined;
  if (kind.endsWith("List") && items && isSeq(items)) {
    for (const item of items.items) if (isMap(item)) checkSecret(item, doc, out);
    return;
  }
  checkSecret(root, doc, out);
}

function checkSecret(map: YAMLMap, doc: ParsedDocument, out: RawFinding[]): void {
  const kindPair = pairsOf(map, "kind")[0];
  const kind = scalarText(kindPair?.value as Node | undefined) ?? "";
  const apiVersion = scalarText(pairsOf(map, "apiVersion")[0]?.value as Node | undefined);
  if (kind.toLowerCase() !== "secret") return;
  const exact = kind === "Secret" && apiVersion === "v1";
  if (!exact && apiVersion !== undefined && apiVersion !== "" && apiVersion.toLowerCase() !== "v1") return;
  const values: Value[] = [];
  for (const field of ["data", "stringData"] as const) {
    for (const pair of pairsOf(map, field)) {
      const node = pair.value as Node | null;
      const entries = asMap(node);
      if (entries) {
        for (const entry of entries.items) {
          const key = scalarText(entry.key as Node | null) ?? "";
          const valueNode = entry.value as Node | null;
          const value = scalarText(valueNode) ?? "<collection>";
          values.push({
            key,
            value,
            line: doc.lineOf(valueNode ?? (entry.key as Node)),
            encoded: field === "data",
          });
        }
      } else {
        const value = scalarText(node) ?? "<collection>";
        values.push({ key: field, value, line: doc.lineOf(node ?? (pair.key as Node)), encoded: false });
      }
    }
  }
  const metadata = asMap(pairsOf(map, "metadata")[0]?.value as Node | undefined);
  const name = metadata ? (scalarText(pairsOf(metadata, "name")[0]?.value as Node | undefined) ?? "") : "";
  report(values, name, doc.lineOf((kindPair?.key as Node | undefined) ?? map), exact, "", out);
}

function report(values: Value[], name: string, line: number, exact: boolean, how: string, out: RawFinding[]) {
  const real = values.filter((v) => isRealValue(v));
  if (real.length === 0) return;
  const label = name ? `Kubernetes Secret "${printableName(name)}"` : "Kubernetes Secret";
  const variant = exact ? "" : " (kind/apiVersion is a case variant of v1 Secret)";
  out.push({
    code: "secret-unencrypted-secret",
    severity: exact ? "error" : "warning",
    message: `${label} has ${real.length} unencrypted value(s) in data/stringData and the file has no SOPS metadata${variant}${how}; encrypt it with SOPS`,
    line,
    secret: real
      .map((v) => `${v.key}\u0000${v.value}`)
      .sort()
      .join("\u0001"),
    pragmaEligible: () => real.every((v) => isPlaceholderValue(v.encoded ? decodedOrSelf(v.value) : v.value)),
  });
  for (const v of real) {
    if (!v.encoded || v.value.length < (MIN_DECODED * 4) / 3) continue;
    const bytes = decodeBase64(v.value);
    const decoded = bytes ? decodeText(bytes) : undefined;
    if (decoded === undefined) continue;
    for (const inner of scanCredentialText(decoded)) {
      out.push({
        ...inner,
        message: `${inner.message} inside the base64 value of data key "${printableName(v.key)}" of ${label}`,
        line: v.line,
        column: 1,
      });
    }
  }
}

function decodedOrSelf(value: string): string {
  const bytes = decodeBase64(value);
  return (bytes && decodeText(bytes)) ?? value;
}

/**
 * Keys whose literal values are identifiers, not credentials (a Secret often carries them beside the
 * password: a database's host, port, name and user).
 */
const NON_SENSITIVE_KEY =
  /^(host(name)?|port|db|dbname|database(_?name)?|user(name)?|email|region|endpoint|namespace|bucket|schema|sslmode|cluster|domain|server|address)$/i;

/**
 * A literal that could be a credential: not empty, not a reference to where the secret lives or a
 * template (`op://…`, `${VAR}`, `{{ … }}`, `vault:…`, … — checked on the base64-decoded text of `data`
 * too), not a documented placeholder, and not an identifier under a key that names one.
 */
function isRealValue(v: Value): boolean {
  const value = v.value.trim();
  if (value.length < 3 || value === '""' || value === "''") return false;
  if (isSubstitutionPlaceholder(value) || isReferenceValue(value)) return false;
  const text = v.encoded ? decodedOrSelf(value).trim() : value;
  if (text === "" || isReferenceValue(text) || (isPlaceholderValue(text) && !hasLiteralDefault(text)))
    return false;
  const key = v.key.replace(/^.*[._-](?=[^._-]+$)/, "");
  if (NON_SENSITIVE_KEY.test(v.key) || (NON_SENSITIVE_KEY.test(key) && !/pass|secret|token|key/i.test(v.key)))
    return !/^[A-Za-z0-9._-]{1,64}$/.test(text) || /^[A-Za-z0-9+/]{32,}={0,2}$/.test(text);
  return true;
}

/** B9: a document that does not parse is still read line by line for a Secret with values. */
function rawFallback(doc: RawDocument): RawFinding[] {
  const text = doc.text;
  let kindLine = -1;
  let exact = false;
  const values: Value[] = [];
  let block: { field: string; indent: number } | undefined;
  // Line by line without splitting the document: this runs on every Secret document a file has.
  for (let pos = 0, i = 0; pos < text.length; i++) {
    let end = text.indexOf("\n", pos);
    if (end === -1) end = text.length;
    let indent = 0;
    while (
      pos + indent < end &&
      (text.charCodeAt(pos + indent) === 32 || text.charCodeAt(pos + indent) === 9)
    )
      indent++;
    const bodyStart = pos + indent;
    const lineEnd = Math.min(end, pos + MAX_LINE);
    pos = end + 1;
    if (bodyStart >= lineEnd || text.charCodeAt(bodyStart) === 35 /* # */) continue;
    if (indent > 0 && (!block || (block.indent !== -1 && indent !== block.indent))) continue;
    const body = text.slice(bodyStart, lineEnd).trimEnd();
    if (body === "") continue;
    if (indent === 0) {
      block = undefined;
      const colon = body.indexOf(":");
      if (colon === -1) continue;
      const key = unquote(body.slice(0, colon).trim());
      const rest = stripComment(body.slice(colon + 1)).trim();
      if (key === "kind" && unquote(rest).toLowerCase() === "secret") {
        kindLine = doc.line + i;
        exact = unquote(rest) === "Secret";
      } else if (key === "data" || key === "stringData") {
        block = { field: key, indent: -1 };
        if (rest !== "" && rest !== "{}" && rest !== "~" && rest !== "null")
          values.push({ key, value: rest, line: doc.line + i, encoded: false });
      }
      continue;
    }
    if (!block) continue;
    if (block.indent === -1) block.indent = indent;
    const colon = body.indexOf(":");
    if (colon === -1) continue;
    const value = unquote(stripComment(body.slice(colon + 1)).trim());
    const key = unquote(body.slice(0, colon).trim());
    if (values.length < MAX_VALUES)
      values.push({ key, value, line: doc.line + i, encoded: block.field === "data" });
  }
  if (kindLine === -1) return jsonFallback(doc);
  const out: RawFinding[] = [];
  report(
    values,
    "",
    kindLine,
    exact,
    " (found by the raw-text fallback: the document could not be parsed)",
    out,
  );
  return out;
}

/** JSON (flow) style: `"kind": "Secret"` with a non-empty `"data"`/`"stringData"` object. */
function jsonFallback(doc: RawDocument): RawFinding[] {
  const kind = /"kind"[ \t]*:[ \t]*"(secret)"/i.exec(doc.text);
  if (!kind || !/"(?:data|stringData)"[ \t\r\n]*:[ \t\r\n]*\{[ \t\r\n]*"/.test(doc.text)) return [];
  const exact = kind[1] === "Secret";
  const line = doc.line + (doc.text.slice(0, kind.index).split("\n").length - 1);
  const out: RawFinding[] = [];
  const values: Value[] = [{ key: "data", value: doc.text, line, encoded: false }];
  report(values, "", line, exact, " (found by the raw-text fallback: the document could not be parsed)", out);
  return out;
}

function stripComment(s: string): string {
  const at = s.indexOf(" #");
  return at === -1 ? s : s.slice(0, at);
}

function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0] ? s.slice(1, -1) : s;
}
