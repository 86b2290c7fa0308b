/**
 * S12 (warning, never blocks): a YAML/JSON/dotenv key containing `password`, `passwd`, `token`, `secret`,
 * `apikey` or `api_key` whose value has Shannon entropy ≥ 3.5 and length ≥ 12.
 *
 * Skips templated and referenced values (`${…}`, `{{ … }}`, `<…>`, `ENC[…]`, `secretKeyRef`, `$VAR`),
 * placeholders (`REPLACE_ME`, `changeme`, one-character runs), values with spaces (prose), URLs and paths,
 * identifiers (`my-app-secret`, `github_app_installation_id`, `APP_TOKEN_NAME`, `githubAppPrivateKey`) and keys that name something rather than hold it (`secretName`,
 * `tokenSecretRef`, `passwordFile`, …). Also skips what names or computes a credential instead of holding it
 * (`high-entropy-skip.ts`): environment and secret-manager references (`os.environ/API_KEY`, `vault:…`,
 * `arn:aws:secretsmanager:…`), Terraform references and calls (`module.x["k"].fields["K"]`, `file(…)`), CEL,
 * Python and Go-template expressions, digests, and keys holding a hash (`hashed_secret`). Lines are found through a keyword scan, each line read once and
 * cut to 64 KiB, so the rule is linear. Pragmas are applied by the caller (`pragmaEligible`).
 */
import { isPlaceholderValue, type LineIndex, MAX_LINE, type RawFinding, shannonEntropy } from "./common.ts";
import { isHashKey, isReferenceOrExpression } from "./high-entropy-skip.ts";
import { printableName } from "./yaml-docs.ts";

const KEYWORD = /passw(?:or)?d|token|secret|api_?key/gi;
const KEY_LINE = /^(?:-[ \t]+)?(?:export[ \t]+)?["']?([A-Za-z0-9_.-]{1,128})["']?[ \t]*[:=]/;
const NAMING_SUFFIXES = [
  "name",
  "names",
  "ref",
  "refs",
  "path",
  "file",
  "files",
  "dir",
  "url",
  "uri",
  "endpoint",
  "namespace",
  "selector",
  "store",
  "template",
  "type",
  "kind",
  "length",
  "ttl",
  "expiry",
  "enabled",
  "mode",
  "field",
  "format",
  "policy",
  "id",
];
const MIN_ENTROPY = 3.5;
const MIN_LENGTH = 12;
const MAX_FINDINGS = 50;

export function scanHighEntropy(text: string, lines: LineIndex): RawFinding[] {
  const out: RawFinding[] = [];
  KEYWORD.lastIndex = 0;
  for (let m = KEYWORD.exec(text); m !== null; m = KEYWORD.exec(text)) {
    if (out.length >= MAX_FINDINGS) {
      out.push({
        code: "secret-high-entropy",
        severity: "warning",
        message: `Stopped after ${MAX_FINDINGS} high-entropy findings in this file; the rest of it was not examined`,
        line: lines.position(m.index).line,
        secret: "overflow",
      });
      break;
    }
    const start = text.lastIndexOf("\n", m.index) + 1;
    let end = text.indexOf("\n", m.index);
    if (end === -1) end = text.length;
    KEYWORD.lastIndex = end;
    let line = text.slice(start, Math.min(end, start + MAX_LINE));
    if (line.endsWith("\r")) line = line.slice(0, -1);
    const hit = check(line);
    if (!hit) continue;
    const { line: lineNo } = lines.position(start);
    out.push({
      code: "secret-high-entropy",
      severity: "warning",
      message: `High-entropy value for key "${printableName(hit.key)}" (looks like a credential); if it is one, rotate it and move it into a SOPS-encrypted Secret`,
      line: lineNo,
      column: hit.column,
      secret: hit.value,
      len: hit.value.length,
      pragmaEligible: true,
    });
  }
  return out;
}

function check(line: string): { key: string; value: string; column: number } | undefined {
  const indent = line.length - line.trimStart().length;
  const m = KEY_LINE.exec(line.slice(indent));
  if (!m) return undefined;
  const key = m[1]!;
  const lower = key.toLowerCase();
  if (!/passw(?:or)?d|token|secret|api_?key/.test(lower)) return undefined;
  const last = lower.split(/[_.-]/).pop() ?? lower;
  if (NAMING_SUFFIXES.some((s) => last.endsWith(s) && !/(?:passw(?:or)?d|token|secret|api_?key)$/.test(last)))
    return undefined;
  const rest = line.slice(indent + m[0].length);
  const value = scalarAfter(rest);
  // Cheapest tests first: most keyword lines hold a placeholder or a reference.
  if (value === undefined || !looksLikeCredential(value) || isHashKey(key)) return undefined;
  return { key, value, column: line.length - rest.trimStart().length + 1 };
}

/** The scalar after the separator: quoted, or plain up to a ` #` comment; trailing JSON comma dropped. */
function scalarAfter(rest: string): string | undefined {
  const t = rest.trim();
  if (t === "") return undefined;
  const q = t[0];
  if (q === '"' || q === "'") {
    const close = t.indexOf(q, 1);
    return close === -1 ? undefined : t.slice(1, close);
  }
  const hash = t.indexOf(" #");
  return (hash === -1 ? t : t.slice(0, hash)).replace(/,$/, "").trim();
}

function looksLikeCredential(value: string): boolean {
  if (value.length < MIN_LENGTH || isPlaceholderValue(value)) return false;
  if (/[\s]/.test(value) || value.includes("://") || value.includes("secretKeyRef")) return false;
  if (/^[$!&*|>{[/~]/.test(value)) return false;
  // Names, not values: kebab-case, snake_case, dotted, UPPER_SNAKE and camelCase identifiers.
  if (/^[a-z0-9]+(?:[-._][a-z0-9]+)+$/.test(value) || /^[A-Z0-9]+(?:_[A-Z0-9]+)+$/.test(value)) return false;
  if (/^[a-z]+(?:[A-Z][a-z]+)+$/.test(value)) return false;
  if (isReferenceOrExpression(value)) return false;
  return shannonEntropy(value) >= MIN_ENTROPY;
}
