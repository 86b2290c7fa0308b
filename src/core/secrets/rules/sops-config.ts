/**
 * `.sops.yaml` creation rules: reading them from text (never throws; anything malformed is dropped) and
 * compiling their Go regexes with RE2's own semantics (`../re2.ts`, re2js: inline flags anywhere,
 * `(?P<name>…)`, `\z`, `\Q…\E`, POSIX classes, …). Only the fields that decide *what must be
 * encrypted* are kept; recipients are not needed. A `path_regex` that cannot be translated makes its rule
 * inert; an option regex that cannot be translated makes the selection *unknown* (callers skip the
 * plaintext check it would drive and say so), never "everything".
 *
 * `path_regex` comes from the base branch's configuration; option regexes also come from a file's own
 * `sops` metadata (written by the PR author); RE2 matches in linear time, so no pattern can stall the
 * scan. They are only run on paths (≤ 1 KiB) and keys (cut to 256 characters).
 */
import { parse } from "yaml";
import { type GoRegex, translateRe2 } from "../re2.ts";

export interface SopsRule {
  path_regex?: string;
  encrypted_regex?: string;
  unencrypted_regex?: string;
  encrypted_suffix?: string;
  unencrypted_suffix?: string;
}

const FIELDS = [
  "path_regex",
  "encrypted_regex",
  "unencrypted_regex",
  "encrypted_suffix",
  "unencrypted_suffix",
] as const;

export function parseSopsRules(text: string): SopsRule[] {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100, logLevel: "silent", uniqueKeys: false });
  } catch {
    return [];
  }
  if (!isRecord(doc) || !Array.isArray(doc.creation_rules)) return [];
  const rules: SopsRule[] = [];
  for (const entry of doc.creation_rules) {
    if (!isRecord(entry)) continue;
    const rule: SopsRule = {};
    for (const field of FIELDS) {
      const v = entry[field];
      if (typeof v === "string" && v !== "") rule[field] = v;
    }
    rules.push(rule);
  }
  return rules;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A Go regexp (RE2 semantics), or undefined when RE2 does not accept it. */
export function compileGoRegex(source: string): GoRegex | undefined {
  const result = translateRe2(source);
  return result.ok ? result.regex : undefined;
}

/** SOPS's leaf-selection options, regexes compiled. */
export interface Selection {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: GoRegex;
  encryptedRegex?: GoRegex;
}

/** A regex option that could not be translated: which one and why (never its text). */
export interface UnsupportedOption {
  option: "encrypted_regex" | "unencrypted_regex";
  reason: string;
}

/**
 * The selection `options` define: `selection` is undefined when they set none; `unsupported` is set
 * (and `selection` undefined) when a regex option cannot be translated, so what SOPS selects is unknown.
 */
export function selectionOf(options: SopsRule): {
  selection?: Selection;
  unsupported?: UnsupportedOption;
} {
  const sel: Selection = {};
  if (options.unencrypted_suffix !== undefined) sel.unencryptedSuffix = options.unencrypted_suffix;
  if (options.encrypted_suffix !== undefined) sel.encryptedSuffix = options.encrypted_suffix;
  for (const option of ["unencrypted_regex", "encrypted_regex"] as const) {
    const source = options[option];
    if (source === undefined) continue;
    const result = translateRe2(source);
    if (!result.ok) return { unsupported: { option, reason: result.reason } };
    if (option === "encrypted_regex") sel.encryptedRegex = result.regex;
    else sel.unencryptedRegex = result.regex;
  }
  return Object.keys(sel).length > 0 ? { selection: sel } : {};
}

/** SOPS's default when a file sets no option: everything but keys ending in `_unencrypted`. */
export const DEFAULT_SELECTION: Selection = { unencryptedSuffix: "_unencrypted" };

/** Whether SOPS encrypts a leaf at `path` (its mapping keys), in the order of sops.go `shouldBeEncrypted`. */
export function shouldEncrypt(sel: Selection, path: readonly string[]): boolean {
  const any = (test: (key: string) => boolean) => path.some((key) => test(key.slice(0, 256)));
  let encrypted = true;
  const { unencryptedSuffix, encryptedSuffix, unencryptedRegex, encryptedRegex } = sel;
  if (unencryptedSuffix && any((k) => k.endsWith(unencryptedSuffix))) encrypted = false;
  if (encryptedSuffix) encrypted = any((k) => k.endsWith(encryptedSuffix));
  if (unencryptedRegex && any((k) => unencryptedRegex.test(k))) encrypted = false;
  if (encryptedRegex) encrypted = any((k) => encryptedRegex.test(k));
  return encrypted;
}
