/**
 * Checks are small pure rules over the engine's model (and, on pull requests, the impact of the change).
 * Each returns findings (Diagnostics with a stable code); the registry runs them all and the policy
 * (severity overrides, ignored paths, which severities fail) decides the check's conclusion.
 */
import type { AnalyzedRepository } from "../analyze.ts";
import type { Diagnostic, DiagnosticCode } from "../diagnostics.ts";
import type { ImpactReport } from "../impact/types.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";

export interface CheckContext {
  /** The revision being checked (a PR's head, or the default branch). */
  model: AnalyzedRepository;
  snapshot: RepoSnapshot;
  /** On pull requests: the impact of the change (danger rules read it). */
  change?: { base: AnalyzedRepository; impact: ImpactReport };
  /** "branch" adds the repository-health notices (shown on the default branch, not on every PR). */
  mode: "pull-request" | "branch";
  /** When each disabled (.dis) service was disabled, ISO dates by path, when the caller knows (git history). */
  disabledSince?: Readonly<Record<string, string>>;
  /** The current date (ISO), for ages; the core reads no clock. */
  now?: string;
}

export interface Rule {
  /** Stable name of the rule (for docs and tests). */
  name: string;
  codes: readonly DiagnosticCode[];
  /** When the rule runs. */
  when: "always" | "pull-request" | "branch";
  run(ctx: CheckContext): Diagnostic[];
}
