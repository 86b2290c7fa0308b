/**
 * `.sops.yaml` creation rules: reading them from text (never throws; anything malformed is dropped) and
 * compiling their Go (RE2) regexes to JavaScript. Only the fields that decide *what must be encrypted*
 * are kept; recipients are not needed. A regex JavaScript cannot compile makes its rule inert.
 *
 * The regexes come from the base branch's configuration (trusted by the repository owner), and they
 * are only run on paths (≤ 1 KiB) and keys (cut to 256 characters).
 */
import { parse } from "yaml";

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

/** A Go regexp as a JavaScript RegExp (a leading `(?i)`/`(?s)`/`(?m)` becomes flags), or undefined. */
export function compileGoRegex(source: string): RegExp | undefined {
  let flags = "";
  let body = source;
  const lead = /^\(\?([ims]+)\)/.exec(body);
  if (lead) {
    flags = [...new Set(lead[1])].join("");
    body = body.slice(lead[0].length);
  }
  try {
    return new RegExp(body.replace(/\\A/g, "^").replace(/\\z/g, "$"), flags);
  } catch {
    return undefined;
  }
}

/** SOPS's leaf-selection options, regexes compiled. */
export interface Selection {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: RegExp;
  encryptedRegex?: RegExp;
}

/** The selection `options` define; undefined when they set none or a regex does not compile. */
export function selectionOf(options: SopsRule): Selection | undefined {
  const sel: Selection = {};
  if (options.unencrypted_suffix !== undefined) sel.unencryptedSuffix = options.unencrypted_suffix;
  if (options.encrypted_suffix !== undefined) sel.encryptedSuffix = options.encrypted_suffix;
  if (options.unencrypted_regex !== undefined) {
    const re = compileGoRegex(options.unencrypted_regex);
    if (!re) return undefined;
    sel.unencryptedRegex = re;
  }
  if (options.encrypted_regex !== undefined) {
    const re = compileGoRegex(options.encrypted_regex);
    if (!re) return undefined;
    sel.encryptedRegex = re;
  }
  return Object.keys(sel).length > 0 ? sel : undefined;
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
