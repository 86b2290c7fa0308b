/**
 * The check-run conclusion from findings, worst severity wins (kubechecks' commitState ordering):
 * any error → "failure", else any warning → "neutral", else "success" (notices alone do not matter).
 * Which findings count (those introduced by the change) is the caller's choice.
 */
import type { Diagnostic } from "../diagnostics.ts";

export type Conclusion = "success" | "neutral" | "failure";

export function conclusionOf(findings: readonly Diagnostic[]): Conclusion {
  if (findings.some((d) => d.severity === "error")) return "failure";
  if (findings.some((d) => d.severity === "warning")) return "neutral";
  return "success";
}

/** The report's own conclusion (set from the repository's policy), or worst-severity-wins on what it introduces. */
export function reportConclusion(report: {
  conclusion?: Conclusion;
  findings: { introduced: readonly Diagnostic[] };
}): Conclusion {
  return report.conclusion ?? conclusionOf(report.findings.introduced);
}
