/**
 * S1–S5: GitHub tokens (classic PAT, OAuth, App user/installation, refresh, fine-grained PAT) and the
 * catch-all for future lengths, from gitleaks `github.go` / trufflehog `github/v2`.
 *
 * One global regex with a fixed alternation of prefixes and a bounded character class, anchored on word
 * boundaries by look-arounds, so it stays linear on adversarial input (a run of `ghp_` costs a bounded
 * number of steps per start position). Low-entropy or `xxxx`-run bodies are likely placeholders and give
 * a warning instead of an error. Never verifies a token online; never reports its characters.
 */
import { hasPlaceholderRun, type LineIndex, type RawFinding, shannonEntropy } from "./common.ts";

const TOKEN = /(?<![A-Za-z0-9_])(ghp|gho|ghu|ghs|ghr|github_pat)_([A-Za-z0-9_]{36,255})(?![A-Za-z0-9_])/g;

const KIND: Record<string, string> = {
  ghp: "GitHub personal access token",
  gho: "GitHub OAuth access token",
  ghu: "GitHub App user-to-server token",
  ghs: "GitHub App installation token",
  ghr: "GitHub refresh token",
  github_pat: "GitHub fine-grained personal access token",
};

/** Exact lengths of S1–S5; anything else in 36..255 is the catch-all. */
function isExactFormat(prefix: string, body: string): boolean {
  if (prefix === "github_pat") return body.length === 82;
  return body.length === 36 && /^[A-Za-z0-9]+$/.test(body);
}

export function scanGithubTokens(text: string, lines: LineIndex): RawFinding[] {
  const out: RawFinding[] = [];
  if (!text.includes("gh") && !text.includes("github_pat_")) return out;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const prefix = m[1]!;
    const body = m[2]!;
    const token = m[0];
    const { line, column } = lines.position(m.index);
    const placeholder = shannonEntropy(body) < 3 || hasPlaceholderRun(body);
    const what = `${KIND[prefix] ?? "GitHub token"} (${prefix}_…)`;
    const shape = isExactFormat(prefix, body) ? "" : ", non-standard length";
    out.push({
      code: "secret-github-token",
      severity: placeholder ? "warning" : "error",
      message: placeholder
        ? `${what} detected, but it looks like a placeholder (low entropy or a repeated-character run${shape})`
        : `${what} detected${shape ? ` (catch-all rule${shape})` : ""}`,
      line,
      column,
      secret: token,
      len: token.length,
    });
  }
  return out;
}
