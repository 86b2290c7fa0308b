/**
 * Values and keys that S12 (high entropy) must not report because they name where a credential lives, or
 * compute it, rather than hold it. Measured on the real-repository corpus
 * (`scripts/realworld/high-entropy-labels.json`): every finding there was one of these.
 *
 * - environment and secret-manager references: `os.environ/API_KEY` (LiteLLM), `os.environ["X"]`,
 *   `process.env.X`, `env:X`, `vault:path#key`, `<path:…>` (argocd-vault-plugin), `ref+…` (vals),
 *   `arn:aws:secretsmanager:…`, `awssm:`/`gcpsm:`/`azkv:`/`ssm:` prefixes (`op://…`, `${…}`, `$(…)`,
 *   `{{ … }}` and `{% … %}` are already skipped by the rule itself: URL, placeholder, leading `$`/`{`);
 * - Terraform/HCL references and calls: `var.x`, `local.x`, `module.x["k"].fields["K"]`, `data.t.n.attr`,
 *   `each.value`, `random_password.db.result` (resource type `.` name `.` attribute), `file("…")`;
 * - code and expression languages: CEL (`object.spec…`, `Object.spec.volumes.secret{`), Python
 *   (`self._token`, `os.getenv("X")`), Go templates (`.Values.token`), dotted chains of plain words
 *   optionally followed by a call, an index or a brace;
 * - digests: `sha256:…`-style values, and keys that hold a hash of a secret (`hashed_secret` in a
 *   detect-secrets `.secrets.baseline`, `password_hash`, `secretChecksum`).
 *
 * Every pattern is anchored, and each repetition starts with a fixed delimiter (`.`, `_`, an uppercase
 * letter), so no pattern backtracks more than linearly in the value.
 */
import { isReferenceValue } from "./common.ts";

/** Environment references and ARNs; secret-manager references are common.ts's `isReferenceValue`. */
const REFERENCE =
  /^(?:os\.environ(?:[/.[]|\.get\()|os\.getenv\(|process\.env[.[]|(?:env|arn|ssm|awssm|gcpsm|azkv):)/i;

/** Terraform/HCL, CEL and Python roots of an expression, followed by `.`. */
const EXPRESSION_ROOT =
  /^(?:var|local|locals|module|data|each|count|self|path|terraform|resource|object|oldObject|Object|request|params|namespaceObject|variables|authorizer|this)\.[A-Za-z_]/;

/** Terraform resource reference: `aws_iam_access_key.ci.secret`, `random_password.db[0].result`. */
const RESOURCE_REF =
  /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?:\[[^\]]*\])?\.[A-Za-z_][\w-]*(?:\[[^\]]*\])?\.[a-z_][\w]*/;

/**
 * A function call: `file("x")`, `base64decode(var.x)`, `get_password()`, `os.getenv("X").strip()`: a lowercase
 * name and `(` at the start, and after the last `)` nothing but attribute and index accessors.
 */
const CALL = /^[a-z_][a-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\(/;
const CALL_TAIL = /^(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[^\]]*\])*$/;

/** Go template field path outside braces: `.Values.auth.token`. */
const TEMPLATE_FIELD = /^\.[A-Z][A-Za-z0-9]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;

/**
 * A dotted chain of plain words (camelCase, snake_case, no digits inside a word), at least two segments,
 * optionally ending in a call, index or brace: `request.headers.get`, `Object.spec.volumes.secret{`.
 * Random tokens (JWTs, base64) mix digits and uppercase runs inside their segments, so they do not match.
 */
const WORD = "_?[A-Za-z][a-z]*(?:[A-Z_][a-z]+)*";
const WORD_CHAIN = new RegExp(`^${WORD}(?:\\.${WORD})+(?:[[({].*)?$`);

/** A digest with its algorithm: `sha256:<hex>`, `sha512-<base64>` (npm integrity), `md5:…`. */
const DIGEST = /^(?:sha(?:1|224|256|384|512)|md5|blake2b?|xxh(?:32|64|3))[:-]/i;

/** Key words of keys holding a hash of the secret rather than the secret. */
const HASH_KEY_WORDS = new Set(["hash", "hashed", "digest", "checksum", "sha1", "sha256", "sha512", "md5"]);

/** True when the value is a reference, an expression or a digest rather than a literal credential. */
export function isReferenceOrExpression(value: string): boolean {
  return (
    isReferenceValue(value) ||
    REFERENCE.test(value) ||
    EXPRESSION_ROOT.test(value) ||
    RESOURCE_REF.test(value) ||
    isCall(value) ||
    TEMPLATE_FIELD.test(value) ||
    WORD_CHAIN.test(value) ||
    DIGEST.test(value)
  );
}

function isCall(value: string): boolean {
  if (!CALL.test(value)) return false;
  const close = value.lastIndexOf(")");
  return close !== -1 && CALL_TAIL.test(value.slice(close + 1));
}

/** True when the key holds a hash of the secret (`hashed_secret`, `password_hash`, `secretChecksum`). */
export function isHashKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[_.-]+/);
  return words.some((w) => HASH_KEY_WORDS.has(w));
}
