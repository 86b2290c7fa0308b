/**
 * Credentials with a shape but no vendor prefix of their own:
 *   - an AWS access key pair: an access key id (`AKIA…`/`ASIA…`, 20 characters) with a 40-character
 *     secret access key near it (same file, within a few lines, under a key naming it a secret). An id
 *     alone is an identifier, not a credential, and is not reported;
 *   - a password inside a URL (`scheme://user:password@host`), unless the password is a reference or a
 *     template (`${VAR}`, `$(VAR)`, `{{ … }}`, `op://…`), masked (`****`) or a documented placeholder.
 * Both are errors: a working credential in a commit. Messages never carry the secret (the id's last four
 * characters are not shown either; the fingerprint tells findings apart).
 */
import { isPlaceholderValue, isReferenceValue, type LineIndex, type RawFinding } from "./common.ts";

const KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g;
/** A 40-character secret access key, as a value of a key that names it. */
const SECRET_KEY =
  /(?:secret[_-]?access[_-]?key|aws[_-]?secret[_-]?key|secretaccesskey|aws_secret)["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi;
/** Lines between the id and its secret that still make a pair. */
const PAIR_WINDOW = 5;

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]{1,20}):\/\/([^\s:/@'"]{1,128}):([^\s@/'"]{1,256})@[^\s/'"]/gi;

export function scanCloudCredentials(text: string, lines: LineIndex): RawFinding[] {
  return [...scanAwsKeyPairs(text, lines), ...scanUrlPasswords(text, lines)];
}

function scanAwsKeyPairs(text: string, lines: LineIndex): RawFinding[] {
  if (!text.includes("AKIA") && !text.includes("ASIA")) return [];
  const ids: Array<{ id: string; line: number; column: number }> = [];
  KEY_ID.lastIndex = 0;
  for (let m = KEY_ID.exec(text); m !== null; m = KEY_ID.exec(text)) {
    ids.push({ id: m[0], ...lines.position(m.index) });
  }
  if (ids.length === 0) return [];
  const secrets: Array<{ secret: string; line: number }> = [];
  SECRET_KEY.lastIndex = 0;
  for (let m = SECRET_KEY.exec(text); m !== null; m = SECRET_KEY.exec(text)) {
    const secret = m[1]!;
    if (isPlaceholderValue(secret) || /^[A-Za-z]+$/.test(secret)) continue;
    secrets.push({ secret, line: lines.position(m.index).line });
  }
  const out: RawFinding[] = [];
  for (const id of ids) {
    const pair = secrets.find((s) => Math.abs(s.line - id.line) <= PAIR_WINDOW);
    if (!pair) continue;
    out.push({
      code: "secret-cloud-credential",
      severity: "error",
      message: "AWS access key pair (an access key id and its secret access key) is committed",
      line: id.line,
      column: id.column,
      secret: `${id.id}\u0000${pair.secret}`,
      len: pair.secret.length,
    });
  }
  return out;
}

function scanUrlPasswords(text: string, lines: LineIndex): RawFinding[] {
  if (!text.includes("://")) return [];
  const out: RawFinding[] = [];
  URL_PASSWORD.lastIndex = 0;
  for (let m = URL_PASSWORD.exec(text); m !== null; m = URL_PASSWORD.exec(text)) {
    const password = m[3]!;
    if (!isLiteralPassword(password)) continue;
    const { line, column } = lines.position(m.index);
    out.push({
      code: "secret-cloud-credential",
      severity: "error",
      message: `A password is written inside a ${m[1]!.toLowerCase()}:// URL`,
      line,
      column,
      secret: password,
      len: password.length,
    });
  }
  return out;
}

function isLiteralPassword(password: string): boolean {
  if (password.length < 3) return false;
  if (isReferenceValue(password) || isPlaceholderValue(password)) return false;
  // Masked in documentation ("****", "xxx", "..."), a placeholder of a shell, Python or SQL, or an
  // application's own template: Python f-strings and Frigate write `{TOKEN}`, printf `%s`.
  if (/^[*x.\u2022]+$/i.test(password) || /^(\$[A-Za-z_{(]|%\(|%s$|:[a-z])/.test(password)) return false;
  if (/\{[A-Za-z_][A-Za-z0-9_.]*\}/.test(password)) return false;
  // `scheme://host:8080@…` is a host and a port, not a user and a password.
  if (/^\d{1,5}$/.test(password)) return false;
  return !/^(password|passwd|pass|pwd|pw|secret)$/i.test(password);
}

/** The secrets masked in outputs: AWS secret access keys (with their ids) and URL passwords. */
export function cloudCredentialSecrets(text: string, lines: LineIndex): string[] {
  return scanCloudCredentials(text, lines).flatMap((f) => f.secret.split("\u0000"));
}
