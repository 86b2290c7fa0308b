/**
 * `flux-impact check [DIR]`: every check on one revision (the working tree, or `--rev`), as the check run on
 * the default branch would show it: build and graph errors, the secret gate, repository health (with the
 * age of `.dis` services from git history when DIR is in a git repository). Text lines are
 * `path:line:col  severity  CODE  message`; exit 1 when a finding fails the policy.
 */
import { resolve } from "node:path";
import { checkBranch, compareDiagnostics, type Diagnostic, severityCounts } from "../../core/index.ts";
import { loadConfig } from "../config.ts";
import { loadDirectorySnapshot, loadGitSnapshot } from "../fs-snapshot.ts";
import { gitDisabledSince } from "../git-history.ts";
import { repositoryOption } from "../git-identity.ts";
import { analyzeOptions, type CliIo, type CliValues, UsageError } from "../options.ts";

export interface CheckCommandOptions {
  /** The current date (ISO) for `.dis` ages; tests pin it. */
  now?: string;
}

export function checkCommand(
  args: string[],
  values: CliValues,
  io: CliIo,
  opts: CheckCommandOptions = {},
): number {
  if (args.length > 1) throw new UsageError(`check takes at most one directory, got: ${args.join(" ")}`);
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json") {
    throw new UsageError(`--format must be text or json (got "${format}")`);
  }
  const dir = resolve(args[0] ?? ".");
  const snapshot = values.rev ? loadGitSnapshot(dir, values.rev) : loadDirectorySnapshot(dir);
  const { config, diagnostics: configFindings } = loadConfig(values.config, snapshot);
  const history = gitDisabledSince(dir, values.rev ?? "HEAD");
  const disabledSince = Object.fromEntries(Object.entries(history).map(([path, c]) => [path, c.date]));
  const result = checkBranch({
    snapshot,
    config,
    analyze: { ...analyzeOptions(values), ...repositoryOption(dir, values.rev, io) },
    disabledSince,
    now: opts.now ?? new Date().toISOString(),
  });
  const findings = [...configFindings, ...result.findings].sort(compareDiagnostics);
  const failingCount = result.failing.length;
  if (format === "json") {
    io.stdout(
      `${JSON.stringify(
        {
          conclusion: result.conclusion,
          failing: failingCount,
          suppressed: result.suppressed,
          counts: severityCounts(findings),
          findings: findings.map(findingJson),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    const several = result.model.clusters.length > 1;
    if (several)
      io.stdout(
        `Clusters: ${result.model.clusters.map((c) => `${c.name} (${c.entrypoints[0]?.path || "."})`).join(", ")}\n\n`,
      );
    for (const d of findings) io.stdout(`${textLine(d, several)}\n`);
    const c = severityCounts(findings);
    const suppressed = result.suppressed ? `, ${result.suppressed} suppressed by the allowlist` : "";
    io.stdout(
      `\n${plural(c.error, "error")}, ${plural(c.warning, "warning")}, ${plural(c.notice, "notice")}${suppressed}; check ${result.conclusion === "failure" ? `fails (${plural(failingCount, "finding")} at a failing severity)` : "passes"}.\n`,
    );
  }
  return result.conclusion === "failure" ? 1 : 0;
}

/** `path:line:col  severity  CODE  message`, with `[cluster]` before the message when there are several. */
export function textLine(d: Diagnostic, showCluster = false): string {
  const where = d.file ? `${d.file}:${d.line ?? 1}:${d.column ?? 1}` : "(repository)";
  return `${where}  ${d.severity}  ${d.code}  ${showCluster && d.cluster ? `[${d.cluster}] ` : ""}${d.message}`;
}

function findingJson(d: Diagnostic) {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(d.file !== undefined ? { file: d.file } : {}),
    ...(d.line !== undefined ? { line: d.line } : {}),
    ...(d.column !== undefined ? { column: d.column } : {}),
    ...(d.ref !== undefined ? { ref: d.ref } : {}),
    cluster: d.cluster ?? null,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
