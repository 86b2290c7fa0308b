/**
 * The check policy from the repository's configuration: severity overrides per code ("off" drops the
 * code), ignored paths, and which severities of which findings fail the check. By default only errors
 * introduced by the change fail it.
 */
import ignore from "ignore";
import { LOCKED_RULE_CODES } from "../config/schema.ts";
import type { Diagnostic, Severity } from "../diagnostics.ts";

export interface Policy {
  rules: Readonly<Record<string, Severity | "off">>;
  failOn: readonly Severity[];
  failOnExisting: boolean;
  ignore: readonly string[];
}

export const DEFAULT_POLICY: Policy = { rules: {}, failOn: ["error"], failOnExisting: false, ignore: [] };

/**
 * Rules that no configuration may switch off, downgrade or ignore: committed credentials (S1–S10) and the
 * engine's limits (content it could not analyze).
 */
const LOCKED: ReadonlySet<string> = new Set(LOCKED_RULE_CODES);

export function applyPolicy(findings: readonly Diagnostic[], policy: Policy): Diagnostic[] {
  const ignored = policy.ignore.length ? ignore().add([...policy.ignore]) : undefined;
  const out: Diagnostic[] = [];
  for (const d of findings) {
    if (ignored && d.file && !LOCKED.has(d.code) && safeIgnores(ignored, d.file)) continue;
    const override = LOCKED.has(d.code) ? undefined : policy.rules[d.code];
    if (override === "off") continue;
    out.push(override ? { ...d, severity: override } : d);
  }
  return out;
}

function safeIgnores(matcher: ReturnType<typeof ignore>, path: string): boolean {
  try {
    return matcher.ignores(path);
  } catch {
    return false;
  }
}

export type Conclusion = "success" | "neutral" | "failure";

/** Failure when a counted finding has a failing severity; neutral when an introduced warning remains. */
export function policyConclusion(
  introduced: readonly Diagnostic[],
  existing: readonly Diagnostic[],
  policy: Policy,
): Conclusion {
  const counted = policy.failOnExisting ? [...introduced, ...existing] : introduced;
  if (counted.some((d) => policy.failOn.includes(d.severity))) return "failure";
  if (introduced.some((d) => d.severity === "warning")) return "neutral";
  return "success";
}

export function failing(findings: readonly Diagnostic[], policy: Policy): Diagnostic[] {
  return findings.filter((d) => policy.failOn.includes(d.severity));
}
