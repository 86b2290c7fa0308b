/**
 * The secret gate (rules S1–S12 of docs/reliability-security.md §4): scans raw repository files for
 * committed credentials and returns findings as diagnostics. Pure and synchronous; no I/O, no network,
 * never verifies a credential online, never decrypts.
 *
 * Every message carries the finding's length and fingerprint (§4.2) plus what to do — never a character
 * of the secret beyond its public type prefix, never a decoded or encrypted value. Binary files (NUL
 * bytes, invalid UTF-8) get the filename rules only. Suppression: the base-branch allowlist (fingerprint,
 * or code + gitignore-style path) for any rule; inline pragmas for S12 and placeholder-only S8 findings.
 * Every suppression is counted.
 */
import ignore from "ignore";
import { analysisFailed, type Diagnostic, type DiagnosticCode, diagnostic } from "../diagnostics.ts";
import { sha256Hex } from "../util/sha256.ts";
import {
  decodeText,
  hasNextLinePragma,
  hasPragma,
  LineIndex,
  type RawFinding,
  ROTATE_ADVICE,
} from "./rules/common.ts";
import { scanFilename } from "./rules/filenames.ts";
import { scanGithubTokens } from "./rules/github-token.ts";
import { scanHighEntropy } from "./rules/high-entropy.ts";
import { scanKubernetesSecrets } from "./rules/kubernetes-secret.ts";
import { scanSecretGenerators } from "./rules/secret-generator.ts";
import { scanSops } from "./rules/sops.ts";
import { parseSopsRules, type SopsRule } from "./rules/sops-config.ts";
import { scanCredentialText } from "./rules/text-rules.ts";
import { hasSopsKey } from "./rules/yaml-docs.ts";

export interface SecretScanInput {
  /** Raw files to scan (all of a snapshot, or a PR's changed files). */
  files: Iterable<{ path: string; bytes: Uint8Array }>;
  /** creation_rules of `.sops.yaml` from the BASE branch (the PR cannot redefine what must be encrypted). */
  sopsRules?: Array<{
    path_regex?: string;
    encrypted_regex?: string;
    unencrypted_regex?: string;
    encrypted_suffix?: string;
    unencrypted_suffix?: string;
  }>;
  /** Base revision's bytes for a path, for S9(c) "was encrypted, now is not" regressions. */
  baseFile?: (path: string) => Uint8Array | undefined;
  /** Allowlist from the base branch config: a fingerprint, or a rule code plus a path glob. */
  allowlist?: Array<{ fingerprint?: string; code?: string; path?: string }>;
  /**
   * The scan of another revision (a pull request's base, an earlier commit), and whether a path had the
   * same content there (`bytes` undefined: absent there too). Under the same sopsRules and allowlist (else it
   * is not used), a file that is the same, whose generator sources are the same too, has the same findings,
   * which are taken instead of scanning it again.
   */
  previous?: { scan: SecretScanResult; same: (path: string, bytes: Uint8Array | undefined) => boolean };
}

/** One file's part of a scan: what it found and suppressed, and the other files its rules read. */
export interface FileScan {
  findings: Diagnostic[];
  suppressed: number;
  reads: string[];
}

export interface SecretScanResult {
  /** code, severity, message (no secret bytes), file, line, column. */
  findings: Diagnostic[];
  /** Findings removed by the allowlist or an inline pragma (counted, never silent). */
  suppressed: number;
  /** Per file, for a later scan's `previous`; files that found, suppressed and read nothing are left out. */
  files?: Map<string, FileScan>;
  /** The sops rules and allowlist the findings were made under: another scan reuses them only under the same. */
  basis?: string;
}

const NOTHING: FileScan = { findings: [], suppressed: 0, reads: [] };

const encoder = new TextEncoder();
const STRUCTURED = /\.(?:ya?ml|json)(?:\.|$)/i;
const CREDENTIAL_CODES = new Set<DiagnosticCode>([
  "secret-github-token",
  "secret-private-key",
  "secret-age-key",
  "secret-cloud-credential",
]);

/**
 * sha256(ruleId + ":" + sha256(normalized secret)), first 16 hex digits. The secret a rule reports carries
 * its key path where it has one (a Kubernetes Secret's keys and values); the file path is not part of it,
 * so a finding keeps its fingerprint when its file is renamed or moved (the allowlist keeps matching, and
 * a move does not make it new).
 */
export function secretFingerprint(code: string, secret: string): string {
  const inner = sha256Hex(encoder.encode(secret.trim()));
  return sha256Hex(encoder.encode(`${code}:${inner}`)).slice(0, 16);
}

/** The creation rules of a `.sops.yaml` text; [] when it is missing, malformed or has none. Never throws. */
export function parseSopsConfig(text: string): NonNullable<SecretScanInput["sopsRules"]> {
  return parseSopsRules(text);
}

export function scanSecrets(input: SecretScanInput): SecretScanResult {
  const files = [...input.files];
  const byPath = new Map(files.map((f) => [f.path, f.bytes]));
  const rules: readonly SopsRule[] = input.sopsRules ?? [];
  const allow = compileAllowlist(input.allowlist ?? []);
  const findings: Diagnostic[] = [];
  let suppressed = 0;
  const results = new Map<string, FileScan>();
  const basis = JSON.stringify([rules, input.allowlist ?? []]);
  const previous = input.previous?.scan.basis === basis ? input.previous : undefined;
  for (const { path, bytes } of files) {
    const result = reusedScan(previous, path, bytes, byPath) ?? scanFile(path, bytes);
    findings.push(...result.findings);
    suppressed += result.suppressed;
    if (result.findings.length > 0 || result.suppressed > 0 || result.reads.length > 0)
      results.set(path, result);
  }
  return { findings, suppressed, files: results, basis };

  function scanFile(path: string, bytes: Uint8Array): FileScan {
    const out: FileScan = { findings: [], suppressed: 0, reads: [] };
    const lookup = (p: string) => {
      if (!out.reads.includes(p)) out.reads.push(p);
      return byPath.get(p);
    };
    let text: string | undefined;
    let raw: RawFinding[];
    try {
      text = decodeText(bytes);
      raw = text === undefined ? scanBinary(path, bytes) : scanTextFile(path, text, rules, input, lookup);
    } catch (error) {
      // One file the rules fail on costs only that file, and not its credentials: the plain-text rules
      // (tokens, keys, cloud credentials), which need no parsing, are tried on their own.
      out.findings.push(
        analysisFailed(
          `scanning ${path} for committed secrets`,
          error,
          { file: path },
          "only its plain-text credentials were looked for",
        ),
      );
      raw = fallbackScan(path, text);
    }
    const lines = text === undefined ? undefined : new LineIndex(text);
    for (const f of capPerCode(raw)) {
      const fp = secretFingerprint(f.code, f.secret);
      if (allow(f.code, path, fp) || (lines && pragmaAt(lines, f.line) && eligible(f))) {
        out.suppressed++;
        continue;
      }
      out.findings.push(toDiagnostic(f, path, fp));
    }
    return out;
  }
}

/**
 * The earlier scan's result for a file whose bytes, and the bytes of every file its rules read, are the
 * same in both revisions (the rules read nothing else, so they would find the same); undefined otherwise.
 */
function reusedScan(
  previous: SecretScanInput["previous"],
  path: string,
  bytes: Uint8Array,
  byPath: ReadonlyMap<string, Uint8Array>,
): FileScan | undefined {
  if (!previous?.scan.files || !previous.same(path, bytes)) return undefined;
  const earlier = previous.scan.files.get(path) ?? NOTHING;
  for (const p of earlier.reads) if (!previous.same(p, byPath.get(p))) return undefined;
  return { ...earlier, findings: earlier.findings.map((d) => ({ ...d })) };
}

/** At most MAX_PER_CODE findings of one code per file, then one summary finding for the rest. */
const MAX_PER_CODE = 20;

function capPerCode(raw: RawFinding[]): RawFinding[] {
  const counts = new Map<DiagnosticCode, number>();
  const out: RawFinding[] = [];
  for (const f of raw) {
    const n = (counts.get(f.code) ?? 0) + 1;
    counts.set(f.code, n);
    if (n <= MAX_PER_CODE) out.push(f);
  }
  for (const [code, n] of counts) {
    if (n <= MAX_PER_CODE) continue;
    const rest = raw.filter((f) => f.code === code).slice(MAX_PER_CODE);
    const first = rest[0]!;
    out.push({
      code,
      severity: rest.some((f) => f.severity === "error") ? "error" : first.severity,
      message: `${n - MAX_PER_CODE} more ${code} finding(s) in this file are not listed (first at line ${first.line})`,
      line: first.line,
      secret: `overflow:${n}`,
    });
  }
  return out;
}

/** The rules that need no parsing, each on its own: what a file the full scan failed on still shows. */
function fallbackScan(path: string, text: string | undefined): RawFinding[] {
  const out: RawFinding[] = [];
  const attempt = (fn: () => RawFinding[]) => {
    try {
      out.push(...fn());
    } catch {
      // already reported as analysis-failed
    }
  };
  attempt(() => pathCredentials(path));
  if (text !== undefined) attempt(() => scanCredentialText(text, new LineIndex(text)));
  return out;
}

function scanBinary(path: string, bytes: Uint8Array): RawFinding[] {
  return [
    ...scanFilename(path, { size: bytes.length, hasPrivateKey: false, hasAgeKey: false }),
    ...pathCredentials(path),
  ];
}

/** A token used as a file or folder name is committed too (the path is in every clone and archive). */
function pathCredentials(path: string): RawFinding[] {
  return scanGithubTokens(path, new LineIndex(path)).map((f) => ({
    ...f,
    message: `${f.message} in the file's path`,
    line: 1,
    column: 1,
  }));
}

function scanTextFile(
  path: string,
  text: string,
  rules: readonly SopsRule[],
  input: SecretScanInput,
  lookup: (path: string) => Uint8Array | undefined,
): RawFinding[] {
  const lines = new LineIndex(text);
  const credentials = scanCredentialText(text, lines);
  const filename = [
    ...scanFilename(path, {
      size: text.length,
      hasPrivateKey: credentials.some((f) => f.code === "secret-private-key"),
      hasAgeKey: credentials.some((f) => f.code === "secret-age-key"),
    }),
    ...pathCredentials(path),
  ];
  const base = input.baseFile?.(path);
  const baseText = base === undefined ? undefined : decodeText(base);
  const structured = [
    ...(STRUCTURED.test(path) && !hasSopsKey(text) ? scanKubernetesSecrets(text) : []),
    ...scanSecretGenerators(path, text, lookup),
    ...scanSops(path, text, { rules, baseText }),
  ];
  const blocking = structured.some((f) => f.severity === "error");
  const credentialLines = new Set(credentials.map((f) => f.line));
  // S12 adds nothing on a line that already holds a credential, or in a file already blocked by S8/S9.
  // A value a credential rule already reports (an AWS secret key beside its id) is not reported twice.
  const reported = credentials.map((f) => f.secret);
  const entropy = blocking
    ? []
    : scanHighEntropy(text, lines).filter(
        (f) => !credentialLines.has(f.line) && !reported.some((s) => s.includes(f.secret)),
      );
  return [...filename, ...credentials, ...structured, ...entropy];
}

function eligible(f: RawFinding): boolean {
  return typeof f.pragmaEligible === "function" ? f.pragmaEligible() : f.pragmaEligible === true;
}

function pragmaAt(lines: LineIndex, line: number): boolean {
  return hasPragma(lines.lineText(line)) || (line > 1 && hasNextLinePragma(lines.lineText(line - 1)));
}

function toDiagnostic(f: RawFinding, path: string, fp: string): Diagnostic {
  const facts = f.len === undefined ? `fp ${fp}` : `len ${f.len}, fp ${fp}`;
  return diagnostic(f.code, `${f.message} (${facts}). ${advice(f.code)}`, {
    file: path,
    line: f.line,
    column: f.column,
    severity: f.severity,
  });
}

function advice(code: DiagnosticCode): string {
  if (CREDENTIAL_CODES.has(code) || code === "secret-runbook-file") return ROTATE_ADVICE;
  if (code === "secret-unencrypted-secret" || code === "secret-sops-unencrypted")
    return `Encrypt the values with SOPS before merging; if they are real credentials, they are exposed: ${ROTATE_ADVICE.charAt(0).toLowerCase()}${ROTATE_ADVICE.slice(1)}`;
  if (code === "secret-sops-regex-unsupported")
    return "Fix the regex (SOPS itself cannot use it either) or check the file's values by hand.";
  if (code === "secret-suspicious-file")
    return "Check whether it holds a credential; if so, remove it, rotate the credential and purge it from the history.";
  return "If it is a real credential, rotate it and keep it out of the repository (SOPS).";
}

type AllowCheck = (code: DiagnosticCode, path: string, fp: string) => boolean;

function compileAllowlist(entries: NonNullable<SecretScanInput["allowlist"]>): AllowCheck {
  const fingerprints = new Set<string>();
  const byCode = new Map<string, ReturnType<typeof ignore>>();
  for (const e of entries) {
    if (e.fingerprint !== undefined) {
      if (/^[0-9a-f]{16,64}$/.test(e.fingerprint)) fingerprints.add(e.fingerprint.slice(0, 16));
    } else if (e.code !== undefined && e.path !== undefined) {
      const matcher = byCode.get(e.code) ?? ignore();
      matcher.add(e.path);
      byCode.set(e.code, matcher);
    }
  }
  return (code, path, fp) => fingerprints.has(fp) || matches(byCode.get(code), path);
}

function matches(matcher: ReturnType<typeof ignore> | undefined, path: string): boolean {
  try {
    return matcher?.ignores(path) ?? false;
  } catch {
    return false; // `ignore` refuses paths it cannot judge (absolute, "./x"); such a path is not allowlisted
  }
}
