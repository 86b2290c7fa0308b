/**
 * Credentials in text about to leave the engine (object diffs, Helm values, the rendered comment and
 * check run) are replaced by their fingerprint, whatever object they sit in: a GitHub token in a
 * ConfigMap or in Helm values must not be printed back to the pull request that committed it. Findings
 * about them come from the secret scan; this only keeps the reports from repeating them.
 *
 * Masked: GitHub tokens (S1–S5), age secret keys (S7), AWS key pairs and passwords inside URLs wherever
 * they occur; the body lines of private
 * key blocks (S6, also inside a diff where each line carries a `+`/`-` prefix, or in an indented block
 * scalar, or all on one line with escaped newlines); high-entropy values of password/token/secret keys (S12) when `heuristic` is set (for YAML
 * text, before it is diffed). Kubernetes Secret values are fingerprinted earlier (redact.ts).
 */
import { fingerprint } from "./redact.ts";
import { scanAgeKeys } from "./rules/age-key.ts";
import { cloudCredentialSecrets } from "./rules/cloud-credentials.ts";
import { LineIndex } from "./rules/common.ts";
import { scanGithubTokens } from "./rules/github-token.ts";
import { scanHighEntropy } from "./rules/high-entropy.ts";

const KEY_WINDOW = 200;
const BEGIN_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;
const END_KEY = /-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----/;
/** What a line keeps in front of a masked key line: diff markers, indentation, quotes. */
const LINE_PREFIX = /^[-+ \t>"'|]*/;

export interface MaskOptions {
  /** Also mask S12 high-entropy values of password/token/secret keys (meant for YAML text). */
  heuristic?: boolean;
}

/** The text with every credential it contains replaced by a fingerprint; unchanged when there is none. */
export function maskCredentials(text: string, options: MaskOptions = {}): string {
  if (!mayHoldCredential(text, options)) return text;
  const lines = new LineIndex(text);
  const found = [...scanGithubTokens(text, lines), ...scanAgeKeys(text, lines)];
  if (options.heuristic) found.push(...scanHighEntropy(text, lines).filter((f) => f.secret !== "overflow"));
  const secrets = [...found.map((f) => f.secret), ...cloudCredentialSecrets(text, lines)];
  let out = text;
  for (const secret of new Set(secrets.sort((a, b) => b.length - a.length))) {
    // URL passwords may be short; every other credential is at least 8 characters.
    if (secret.length >= 3) out = out.split(secret).join(fingerprint(secret));
  }
  return out.includes("PRIVATE KEY") || out.includes("PuTTY-User-Key-File-") ? maskKeyBlocks(out) : out;
}

function mayHoldCredential(text: string, options: MaskOptions): boolean {
  return (
    text.includes("gh") ||
    text.includes("github_pat_") ||
    text.includes("AGE-SECRET-KEY-") ||
    text.includes("PRIVATE KEY") ||
    text.includes("PuTTY-User-Key-File-") ||
    text.includes("AKIA") ||
    text.includes("ASIA") ||
    text.includes("://") ||
    (options.heuristic === true && /passw|token|secret|api_?key/i.test(text))
  );
}

/** Replaces the lines between a private key's BEGIN and END lines (or a PuTTY key's Private-Lines). */
function maskKeyBlocks(text: string): string {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const inline = BEGIN_KEY.exec(line);
    if (inline && line.length - (inline.index + inline[0].length) >= 64) {
      // A whole key on one line: JSON-escaped ("\\n") in a value, or a one-line Helm --set.
      const bodyStart = inline.index + inline[0].length;
      const endAt = line.slice(bodyStart).search(END_KEY);
      const bodyEnd = endAt === -1 ? line.length : bodyStart + endAt;
      lines[i] =
        `${line.slice(0, bodyStart)}${fingerprint(line.slice(bodyStart, bodyEnd))}${line.slice(bodyEnd)}`;
    } else if (inline) {
      const end = findLine(lines, i + 1, (l) => END_KEY.test(l) || BEGIN_KEY.test(l));
      const stop = end !== -1 && END_KEY.test(lines[end]!) ? end : Math.min(lines.length, i + 1 + KEY_WINDOW);
      maskRange(lines, i + 1, stop);
      i = stop - 1;
    } else if (/PuTTY-User-Key-File-[23]:/.test(line)) {
      const at = findLine(lines, i + 1, (l) => /Private-Lines:\s*\d+/.test(l));
      if (at === -1) continue;
      const count = Math.min(Number(/Private-Lines:\s*(\d+)/.exec(lines[at]!)![1]), KEY_WINDOW);
      maskRange(lines, at + 1, Math.min(lines.length, at + 1 + count));
      i = at + count;
    }
  }
  return lines.join("\n");
}

function findLine(lines: readonly string[], from: number, test: (line: string) => boolean): number {
  for (let j = from; j < lines.length && j <= from + KEY_WINDOW; j++) if (test(lines[j]!)) return j;
  return -1;
}

function maskRange(lines: string[], from: number, to: number): void {
  for (let j = from; j < to; j++) {
    const line = lines[j]!;
    const prefix = LINE_PREFIX.exec(line)?.[0] ?? "";
    const body = line.slice(prefix.length);
    if (body.trim() === "") continue;
    lines[j] = `${prefix}${fingerprint(body.trim())}`;
  }
}
