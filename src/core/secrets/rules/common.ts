/**
 * Shared pieces of the secret rules: the internal finding shape, text decoding, offset → line mapping,
 * Shannon entropy and placeholder heuristics, and the advice appended to every message.
 *
 * Nothing here looks at secrets itself; rules call these helpers. A `RawFinding.secret` is kept only to
 * compute the fingerprint and is dropped before anything leaves the scanner.
 */
import type { DiagnosticCode, Severity } from "../../diagnostics.ts";

export interface RawFinding {
  code: DiagnosticCode;
  severity: Severity;
  /** Message without the fingerprint suffix and advice; must never contain the secret. */
  message: string;
  line: number;
  column?: number;
  /** What identifies the finding for the fingerprint (the secret, or a stable description for file rules). */
  secret: string;
  /** Length shown in the message (of the secret, or of the file for filename rules). */
  len?: number;
  /** Inline pragmas (`gitleaks:allow`, `pragma: allowlist secret`) may silence it (S12, S8 placeholders). */
  pragmaEligible?: boolean | (() => boolean);
}

/** Lines longer than this are cut for the line-based rules (the regex hazard bound, §3.2). */
export const MAX_LINE = 64 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The bytes as text, or undefined for binary content (NUL bytes or invalid UTF-8). A UTF-8 BOM is dropped. */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    const text = utf8.decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}

/** Maps string offsets to 1-based line and column; built lazily once per text. */
export class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  position(offset: number): { line: number; column: number } {
    if (!this.starts) {
      const starts = [0];
      let at = this.text.indexOf("\n");
      while (at !== -1) {
        starts.push(at + 1);
        at = this.text.indexOf("\n", at + 1);
      }
      this.starts = starts;
    }
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  /** Text of the 1-based line `n` (without its newline), cut to MAX_LINE; "" when out of range. */
  lineText(n: number): string {
    this.position(0);
    const start = this.starts![n - 1];
    if (start === undefined) return "";
    const next = this.starts![n];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, Math.min(end, start + MAX_LINE));
  }
}

/** Shannon entropy in bits per UTF-16 code unit (ASCII fast path; values are short). */
export function shannonEntropy(value: string): number {
  const n = value.length;
  if (n === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Longest run of one repeated character. */
export function longestRun(value: string): number {
  let best = 0;
  let run = 0;
  let prev = -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    run = c === prev ? run + 1 : 1;
    prev = c;
    if (run > best) best = run;
  }
  return best;
}

/** `xxxx`-like placeholder: a run of 6+ identical characters, as in the gitleaks FP samples. */
export function hasPlaceholderRun(value: string): boolean {
  return longestRun(value) >= 6;
}

/** Templated or obviously fake values: `${…}`, `{{ … }}`, `<…>`, `ENC[…]`, REPLACE_ME, changeme, one-char runs. */
export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  if (v === "") return true;
  if (v.includes("${") || v.includes("{{")) return true;
  if (v.startsWith("<") && v.endsWith(">")) return true;
  if (v.startsWith("ENC[") && v.endsWith("]")) return true;
  const lower = v.toLowerCase();
  if (lower.includes("replace_me") || lower.includes("replaceme") || lower.includes("changeme")) return true;
  return longestRun(v) === v.length;
}

/**
 * A value that names where a secret lives instead of holding it: a secret-manager reference (1Password
 * `op://`, Vault `vault:` and argocd-vault-plugin `<path:…>`, vals `ref+…`, AWS Secrets Manager and SSM
 * ARNs, Azure Key Vault and GCP Secret Manager URIs) or a template or variable (`${VAR}`, `$(VAR)`,
 * `{{ … }}`, `{% … %}`, `<% … %>`), anywhere in the value. Such a value is not a credential.
 */
export function isReferenceValue(value: string): boolean {
  const v = value.trim();
  // Every form below holds one of these characters: most values are decided by one scan.
  if (!/[$:{<%]|\/secrets\//.test(v)) return false;
  if (hasLiteralDefault(v)) return false;
  return (
    /^(op|vault|ref\+[a-z0-9+]+|sops|secretsmanager|awssecretsmanager|azurekeyvault|gcpsecrets?|sm):\/{0,2}\S/i.test(
      v,
    ) ||
    /^vault:/i.test(v) ||
    /^<path:[^>]+>$/.test(v) ||
    /^arn:aws[a-z-]*:(secretsmanager|ssm|kms):/.test(v) ||
    /^https:\/\/[a-z0-9-]+\.vault\.azure\.net\/secrets\//i.test(v) ||
    /^projects\/[^/]+\/secrets\/[^/]+/.test(v) ||
    /\$\{[^}]*\}/.test(v) ||
    /\$\([A-Za-z_][A-Za-z0-9_]*\)/.test(v) ||
    /\{\{[\s\S]*\}\}/.test(v) ||
    /\{%[\s\S]*%\}/.test(v) ||
    /<%[\s\S]*%>/.test(v)
  );
}

/** `${VAR:=literal}`: the literal is what Flux writes when VAR is unset, so the value holds a literal. */
export function hasLiteralDefault(value: string): boolean {
  return /\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=][^}$]+\}/.test(value);
}

/** A pure Flux substitution placeholder `${VAR}` (no default value, which would be a literal). */
export function isSubstitutionPlaceholder(value: string): boolean {
  return /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value.trim());
}

/** Inline pragmas that silence S12 (and S8 placeholder values); never S1–S7, S9, S10. */
export function hasPragma(line: string): boolean {
  return line.includes("gitleaks:allow") || /pragma:\s?allowlist secret/.test(line);
}

export function hasNextLinePragma(line: string): boolean {
  return /pragma:\s?allowlist nextline secret/.test(line);
}

/** The line of `text` around `offset` (without the newline), cut to MAX_LINE. */
export function lineAt(text: string, offset: number): { start: number; text: string } {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  let end = text.indexOf("\n", offset);
  if (end === -1) end = text.length;
  if (end - start > MAX_LINE) end = start + MAX_LINE;
  return { start, text: text.slice(start, end) };
}

/** What to do, appended to every finding of a committed credential. */
export const ROTATE_ADVICE =
  "Rotate it now: removing the file or the commit does not revoke it, and a public repository or fork PR " +
  "means it is already exposed; then purge it from the history.";
