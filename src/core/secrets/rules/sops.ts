/**
 * S9: files SOPS should encrypt. Applies to paths ending in `.sops.yaml`/`.sops.yml` and to any file with
 * top-level SOPS metadata; `.sops.yaml` itself is configuration and is skipped. Per YAML/JSON document:
 *   (a) a `sops` mapping with an encrypted `mac` and at least one recipient (age, pgp, kms, …);
 *   (b) every non-empty scalar leaf selected by the file's `encrypted_regex`/`unencrypted_regex`/suffix
 *       options (and, when a base-branch creation rule matching the path sets an option, by that rule
 *       too: a PR cannot narrow what must be encrypted) matches the `ENC[AES256_GCM,…]` grammar;
 *   (c) any file whose base revision was SOPS-encrypted and whose head has no SOPS metadata: regression;
 *   (d) a Kubernetes Secret document with SOPS metadata whose `data`/`stringData` holds a literal value the
 *       selection leaves in plain text (`encrypted_regex: ^data$` beside a `stringData.password`), unless the
 *       value is empty, a reference or template (`${VAR}`, `op://…`, `{{ … }}`) or an identifier under a
 *       key such as `host`/`username` (the same test as S8's, which skips files with SOPS metadata).
 * Option regexes are Go RE2, evaluated by `../re2.ts`. One RE2 does not accept gives a notice and
 * skips the check it would drive (never "everything must be encrypted"); (a), (d) and a base rule's
 * selection still apply.
 * A file that only matches a base `path_regex` but has no metadata gets (c) only (rules such as
 * `path_regex: .*\.yaml` would otherwise flag every manifest; plaintext Secrets there are S8's).
 * Messages name key paths and counts, never values or ciphertext. Dotenv/INI SOPS files get (c) only.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments, type YAMLMap } from "yaml";
import { basename } from "../../snapshot/paths.ts";
import { decodeBase64 } from "./base64.ts";
import {
  decodeText,
  hasLiteralDefault,
  isPlaceholderValue,
  isReferenceValue,
  isSubstitutionPlaceholder,
  type RawFinding,
} from "./common.ts";
import {
  compileGoRegex,
  DEFAULT_SELECTION,
  type Selection,
  type SopsRule,
  selectionOf,
  shouldEncrypt,
  type UnsupportedOption,
} from "./sops-config.ts";
import {
  asMap,
  hasSopsKey,
  hasSopsMetadata,
  looksSopsEncrypted,
  mapGet,
  printableName,
  scalarText,
} from "./yaml-docs.ts";

const ENC =
  /^ENC\[AES256_GCM,data:[A-Za-z0-9+/]*={0,2},iv:[A-Za-z0-9+/]+={0,2},tag:[A-Za-z0-9+/]+={0,2},type:(?:str|int|float|bool|bytes|comment)\]$/;
const NAMED = /\.sops\.ya?ml$/;
const MAX_SOPS_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 200;
const RECIPIENT_KEYS = ["age", "pgp", "kms", "gcp_kms", "azure_kv", "hc_vault"];
const OPTION_KEYS = [
  "encrypted_regex",
  "unencrypted_regex",
  "encrypted_suffix",
  "unencrypted_suffix",
] as const;

export interface SopsScanContext {
  rules: readonly SopsRule[];
  /** The base revision's text of the same path, when it exists and is text. */
  baseText?: string | undefined;
}

export function isSopsConfigPath(path: string): boolean {
  const name = basename(path);
  return name === ".sops.yaml" || name === ".sops.yml";
}

export function scanSops(path: string, text: string, ctx: SopsScanContext): RawFinding[] {
  if (isSopsConfigPath(path)) return [];
  if (ctx.baseText !== undefined && looksSopsEncrypted(ctx.baseText) && !hasSopsMetadata(text)) {
    return [
      finding(
        1,
        "File was SOPS-encrypted in the base revision and is now plain text (regression); restore the encrypted version",
        text,
      ),
    ];
  }
  const named = NAMED.test(path);
  if (!named && !hasSopsKey(text)) return [];
  if (text.length > MAX_SOPS_BYTES)
    return [finding(1, "SOPS file is too large to verify its encryption", text)];
  if (fullyEncrypted(text)) return [];
  const counter = new LineCounter();
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = parseAllDocuments(text, { lineCounter: counter, uniqueKeys: false, logLevel: "silent" });
  } catch {
    return [finding(1, "SOPS file cannot be parsed, so its encryption cannot be verified", text)];
  }
  const lineOf = (node: Node | null | undefined) => {
    const at = node?.range?.[0];
    return at === undefined ? 1 : counter.linePos(at).line;
  };
  const list = Array.isArray(docs) ? docs : [docs];
  const out: RawFinding[] = [];
  const base = baseRuleSelection(path, ctx.rules);
  const baseSelection = base.selection;
  const notices = new Set<string>();
  const notice = (line: number, message: string) => {
    if (notices.has(message)) return;
    notices.add(message);
    out.push({ code: "secret-sops-regex-unsupported", severity: "notice", message, line, secret: message });
  };
  for (const doc of list) {
    if (doc.errors.length > 0) {
      const line = counter.linePos(doc.errors[0]?.pos[0] ?? 0).line;
      out.push(finding(line, "SOPS file cannot be parsed, so its encryption cannot be verified", text));
      continue;
    }
    const root = asMap(doc.contents as Node | null);
    if (!root) continue;
    const meta = asMap(mapGet(root, "sops"));
    if (!meta) {
      const plain = plaintextLeaves(root, [baseSelection ?? DEFAULT_SELECTION], lineOf, NONE);
      if (named && plain.length > 0) {
        out.push(
          finding(
            lineOf(root),
            `SOPS file has no sops metadata: ${plain.length} value(s) are not encrypted`,
            pairsText(plain),
          ),
        );
      }
      continue;
    }
    const metaLine = lineOf(root.items.find((p) => isScalar(p.key) && p.key.value === "sops")?.key as Node);
    const problems = metadataProblems(meta);
    if (problems.length > 0)
      out.push(finding(metaLine, `SOPS metadata is invalid: ${problems.join("; ")}`, text));
    const own = metadataSelection(meta);
    if (own.unsupported) notice(metaLine, unsupportedMessage(own.unsupported, "this file's sops metadata"));
    if (base.unsupported) notice(metaLine, unsupportedMessage(base.unsupported, "the base .sops.yaml rule"));
    const explicit = own.selection;
    const selections: Selection[] = [];
    if (!own.unsupported) selections.push(explicit ?? DEFAULT_SELECTION);
    if (baseSelection) selections.push(baseSelection);
    // With only SOPS's default selection, a Kubernetes object's identity fields are plain by necessity
    // (Flux must read them); they are never a secret, so they are not asked to be encrypted.
    const exempt =
      !own.unsupported && isDefaultSelection(explicit) && !baseSelection && isKubernetesObject(root)
        ? K8S_IDENTITY
        : NONE;
    const plain = selections.length > 0 ? plaintextLeaves(root, selections, lineOf, exempt) : [];
    const first = plain[0];
    if (first) {
      out.push(
        finding(
          first.line,
          `SOPS file has ${plain.length} value(s) that must be encrypted in plain text (first at key path "${printableName(first.path.join("."))}")`,
          pairsText(plain),
        ),
      );
    }
    const leaked = plainSecretValues(root, lineOf, new Set(plain.map((l) => l.path.join("\u0000"))));
    const firstLeak = leaked[0];
    if (firstLeak) {
      const name = secretName(root);
      out.push(
        finding(
          firstLeak.line,
          `Kubernetes Secret${name ? ` "${printableName(name)}"` : ""} has ${leaked.length} data/stringData value(s) in plain text beside its SOPS metadata: the file's SOPS selection leaves them unencrypted (first at key path "${printableName(firstLeak.path.join("."))}")`,
          pairsText(leaked),
        ),
      );
    }
  }
  return out;
}

function unsupportedMessage(u: UnsupportedOption, where: string): string {
  return `The ${u.option} of ${where} cannot be evaluated here (${u.reason}), so which values SOPS encrypts is unknown; that selection's plaintext check is skipped`;
}

function finding(line: number, message: string, secret: string): RawFinding {
  return { code: "secret-sops-unencrypted", severity: "error", message, line, secret };
}

interface Leaf {
  path: string[];
  line: number;
  value: string;
}

function pairsText(leaves: Leaf[]): string {
  return JSON.stringify(leaves.map((l) => [l.path.join("\u0000"), l.value]));
}

/** Selection of the first base-branch creation rule matching `path`, when that rule sets an option. */
function baseRuleSelection(path: string, rules: readonly SopsRule[]): ReturnType<typeof selectionOf> {
  for (const rule of rules) {
    if (rule.path_regex !== undefined) {
      const re = compileGoRegex(rule.path_regex);
      if (!re?.test(path)) continue;
    }
    return selectionOf(rule);
  }
  return {};
}

/** Whether a document is a `v1` Secret (kind and apiVersion compared case-insensitively, as S8 does). */
function isSecretObject(root: YAMLMap): boolean {
  const kind = scalarText(mapGet(root, "kind")) ?? "";
  const api = scalarText(mapGet(root, "apiVersion"));
  return kind.toLowerCase() === "secret" && (api === undefined || api === "" || api.toLowerCase() === "v1");
}

function secretName(root: YAMLMap): string {
  const metadata = asMap(mapGet(root, "metadata"));
  return metadata ? (scalarText(mapGet(metadata, "name")) ?? "") : "";
}

/**
 * (d): literal `data`/`stringData` values of a Secret document that are not `ENC[…]` and not already
 * reported by (b) (`seen` holds their key paths).
 */
function plainSecretValues(root: YAMLMap, lineOf: (n: Node) => number, seen: ReadonlySet<string>): Leaf[] {
  if (!isSecretObject(root)) return [];
  const out: Leaf[] = [];
  for (const field of ["data", "stringData"] as const) {
    for (const pair of root.items) {
      if (!isScalar(pair.key) || pair.key.value !== field) continue;
      const entries = asMap(pair.value as Node | null);
      if (!entries) continue;
      for (const entry of entries.items) {
        const key = isScalar(entry.key) ? String(entry.key.value) : "";
        const node = entry.value as Node | null;
        const value = scalarText(node);
        if (value === undefined || ENC.test(value)) continue;
        const path = [field, key];
        if (seen.has(path.join("\u0000")) || !isLiteralCredential(key, value, field === "data")) continue;
        out.push({ path, line: lineOf(node ?? (entry.key as Node)), value });
      }
    }
  }
  return out;
}

/** Keys whose literal values are identifiers, not credentials (S8's list). */
const NON_SENSITIVE_KEY =
  /^(host(name)?|port|db|dbname|database(_?name)?|user(name)?|email|region|endpoint|namespace|bucket|schema|sslmode|cluster|domain|server|address)$/i;

/** S8's test: not empty, not a reference or template (on the base64-decoded text of `data` too), not a
 * placeholder, not an identifier under a key that names one. */
function isLiteralCredential(key: string, raw: string, encoded: boolean): boolean {
  const value = raw.trim();
  if (value === "" || isSubstitutionPlaceholder(value) || isReferenceValue(value)) return false;
  const bytes = encoded ? decodeBase64(value) : undefined;
  const text = ((bytes && decodeText(bytes)) ?? value).trim();
  if (text === "" || isReferenceValue(text) || (isPlaceholderValue(text) && !hasLiteralDefault(text)))
    return false;
  const last = key.replace(/^.*[._-](?=[^._-]+$)/, "");
  if (NON_SENSITIVE_KEY.test(key) || (NON_SENSITIVE_KEY.test(last) && !/pass|secret|token|key/i.test(key)))
    return !/^[A-Za-z0-9._-]{1,64}$/.test(text) || /^[A-Za-z0-9+/]{32,}={0,2}$/.test(text);
  return true;
}

const K8S_IDENTITY: ReadonlySet<string> = new Set(["apiVersion", "kind", "metadata", "type"]);
const NONE: ReadonlySet<string> = new Set();

/** No option, or only SOPS's default `unencrypted_suffix: _unencrypted` (what `sops -e` records). */
function isDefaultSelection(sel: Selection | undefined): boolean {
  if (!sel) return true;
  const keys = Object.keys(sel);
  return keys.length === 1 && sel.unencryptedSuffix === "_unencrypted";
}

function isKubernetesObject(root: YAMLMap): boolean {
  const api = mapGet(root, "apiVersion");
  const kind = mapGet(root, "kind");
  return (
    !!api &&
    isScalar(api) &&
    typeof api.value === "string" &&
    !!kind &&
    isScalar(kind) &&
    typeof kind.value === "string"
  );
}

function metadataSelection(meta: YAMLMap): ReturnType<typeof selectionOf> {
  const options: SopsRule = {};
  for (const key of OPTION_KEYS) {
    const v = mapGet(meta, key);
    if (v && isScalar(v) && typeof v.value === "string" && v.value !== "") options[key] = v.value;
  }
  return selectionOf(options);
}

const KEY = String.raw`(?:[A-Za-z0-9_][A-Za-z0-9_.\/-]*|"[^"\\]*")`;
/** A value-free key (a nested mapping or list follows), or a key whose value is encrypted, in block style. */
const DATA_LINE = new RegExp(
  String.raw`^\s*(?:-\s+)?(?:${KEY}:\s*(?:(ENC\[[^\]]*\])\s*)?|(ENC\[[^\]]*\])\s*)$`,
);
const RECIPIENT_LINE = /^ {2}(age|pgp|kms|gcp_kms|azure_kv|hc_vault):\s*$/;

/**
 * The common case without parsing (a full YAML parse costs ~0.1 s per MB): one block-style document
 * whose every value outside the top-level `sops` mapping is an `ENC[…]` value, with an encrypted mac and a
 * recipient in the metadata. Such a file has no S9 finding whatever its selection options say; anything
 * this line check does not recognise goes to the full parse.
 */
function fullyEncrypted(text: string): boolean {
  let inSops = false;
  let mac = false;
  let recipient = false;
  let recipientList = false;
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "" || /^\s*#/.test(line)) continue;
    if (!/^\s/.test(line)) {
      inSops = line === "sops:";
      if (inSops) continue;
    }
    if (inSops) {
      if (line.startsWith("  mac: ") && ENC.test(line.slice(7).trim())) mac = true;
      if (recipientList && /^ {4}-\s+\S+:\s*\S/.test(line)) recipient = true;
      if (/^ {2}\S/.test(line)) recipientList = RECIPIENT_LINE.test(line);
      continue;
    }
    const m = DATA_LINE.exec(line);
    if (!m) return false;
    const value = m[1] ?? m[2];
    if (value !== undefined && !ENC.test(value)) return false;
  }
  return mac && recipient;
}

function metadataProblems(meta: YAMLMap): string[] {
  const problems: string[] = [];
  const mac = mapGet(meta, "mac");
  if (!(mac && isScalar(mac) && typeof mac.value === "string" && ENC.test(mac.value)))
    problems.push("no encrypted mac");
  if (!hasRecipient(meta, 0)) problems.push("no recipient (age, pgp, kms, gcp_kms, azure_kv, hc_vault)");
  return problems;
}

function hasRecipient(map: YAMLMap, depth: number): boolean {
  for (const key of RECIPIENT_KEYS) {
    const v = mapGet(map, key);
    if (v && isSeq(v) && v.items.some((item) => isMap(item) && item.items.length > 0)) return true;
  }
  const groups = mapGet(map, "key_groups");
  if (depth === 0 && groups && isSeq(groups))
    return groups.items.some((g) => isMap(g) && hasRecipient(g, depth + 1));
  return false;
}

/** Non-empty scalar leaves (outside the `sops` key) that some selection wants encrypted and are not. */
function plaintextLeaves(
  root: YAMLMap,
  selections: Selection[],
  lineOf: (n: Node) => number,
  exempt: ReadonlySet<string>,
): Leaf[] {
  const out: Leaf[] = [];
  const stack: Array<[Node, string[]]> = [];
  for (let i = root.items.length - 1; i >= 0; i--) {
    const pair = root.items[i]!;
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (key === "sops" || exempt.has(key) || !pair.value) continue;
    stack.push([pair.value as Node, [key]]);
  }
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (path.length > MAX_DEPTH) continue;
    if (isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i]!;
        if (pair.value)
          stack.push([pair.value as Node, [...path, isScalar(pair.key) ? String(pair.key.value) : ""]]);
      }
    } else if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push([node.items[i] as Node, path]);
    } else if (isScalar(node)) {
      const v = node.value;
      if (v === null || v === undefined || v === "") continue;
      if (typeof v === "string" && ENC.test(v)) continue;
      if (!selections.some((s) => shouldEncrypt(s, path))) continue;
      out.push({ path, line: lineOf(node), value: String(v) });
    }
  }
  return out;
}
