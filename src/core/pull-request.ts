/**
 * analyzePullRequest() and checkBranch(): the two entry points adapters call (CLI diff/check, the GitHub
 * App). Both apply the repository's configuration — read from the default branch by the adapter — to
 * the analysis, the checks and the conclusion.
 *
 * Pull request steps: 1. changed files; 2. analyze base, then head reusing base's unaffected builds;
 * 3. impact; 4. checks on both revisions (danger rules on the change); 5. findings introduced by the
 * change vs already on base; 6. conclusion from the policy.
 */
import { type AnalyzedRepository, analyzeRepository } from "./analyze.ts";
import { failing, type Policy, policyConclusion } from "./checks/policy.ts";
import { runChecks } from "./checks/run-checks.ts";
import type { AppConfig } from "./config/schema.ts";
import { DEFAULT_CONFIG } from "./config/schema.ts";
import type { Diagnostic } from "./diagnostics.ts";
import { analyzeChange } from "./impact/analyze-change.ts";
import { changedFilesBetween } from "./impact/changed-files.ts";
import { renamesOf, splitFindings } from "./impact/findings.ts";
import type { ChangedFile, ImpactReport } from "./impact/types.ts";
import type { AnalyzeOptions } from "./model.ts";
import type { RepoSnapshot } from "./snapshot/repo-snapshot.ts";

export function policyOf(config: AppConfig): Policy {
  return {
    rules: config.rules,
    failOn: config.failOn,
    failOnExisting: config.failOnExisting,
    ignore: config.ignore,
  };
}

function analyzeOptionsOf(config: AppConfig, overrides: AnalyzeOptions): AnalyzeOptions {
  if (overrides.clusterPaths?.length || overrides.clusters?.length) return overrides;
  if (config.clusters.length > 0) return { ...overrides, clusters: config.clusters.map((c) => ({ ...c })) };
  return config.clusterPaths.length > 0
    ? { ...overrides, clusterPaths: [...config.clusterPaths] }
    : overrides;
}

export interface PullRequestInput {
  base: RepoSnapshot;
  head: RepoSnapshot;
  /** From the platform (PR files API, git); computed from the snapshots when absent. */
  changedFiles?: readonly ChangedFile[];
  /** The configuration of the default branch. */
  config?: AppConfig;
  analyze?: AnalyzeOptions;
  /** Head files missing from the head snapshot (export-ignored from the archive): secret-scanned too. */
  extraHeadFiles?: ReadonlyArray<{ path: string; bytes: Uint8Array }>;
}

export interface PullRequestAnalysis {
  base: AnalyzedRepository;
  head: AnalyzedRepository;
  report: ImpactReport;
}

export function analyzePullRequest(input: PullRequestInput): PullRequestAnalysis {
  const config = input.config ?? DEFAULT_CONFIG;
  const policy = policyOf(config);
  const options = analyzeOptionsOf(config, input.analyze ?? {});
  const changedFiles = input.changedFiles ?? changedFilesBetween(input.base, input.head);
  const base = analyzeRepository(input.base, options);
  const head = analyzeRepository(input.head, {
    ...options,
    reuse: { from: base, changedFiles, session: input.base.session },
  });
  const report = analyzeChange(base, head, changedFiles, {
    strip: { labels: config.diff.stripLabels, annotations: config.diff.stripAnnotations },
  });
  const sops = input.base.readText(".sops.yaml");
  const shared = {
    policy,
    allowlist: config.secrets.allowlist,
    sopsConfigText: sops.ok ? sops.text : undefined,
  };
  const baseChecks = runChecks({ model: base, snapshot: input.base, mode: "pull-request" }, shared);
  const headChecks = runChecks(
    { model: head, snapshot: input.head, mode: "pull-request", change: { base, impact: report } },
    {
      ...shared,
      baseFile: (path) => input.base.read(path),
      ...(input.extraHeadFiles ? { extraFiles: input.extraHeadFiles } : {}),
    },
  );
  report.findings = splitFindings(baseChecks.findings, headChecks.findings, renamesOf(changedFiles));
  report.conclusion = policyConclusion(report.findings.introduced, report.findings.existing, policy);
  report.suppressed = headChecks.suppressed;
  return { base, head, report };
}

export interface BranchInput {
  snapshot: RepoSnapshot;
  config?: AppConfig;
  analyze?: AnalyzeOptions;
  /** When each `.dis` service was disabled (git history), by path. */
  disabledSince?: Readonly<Record<string, string>>;
  /** The current date (ISO), for ages. */
  now?: string;
}

export interface BranchCheck {
  model: AnalyzedRepository;
  findings: Diagnostic[];
  failing: Diagnostic[];
  conclusion: "success" | "neutral" | "failure";
  suppressed: number;
}

/** The default branch (or any revision) on its own: every check, repository health included. */
export function checkBranch(input: BranchInput): BranchCheck {
  const config = input.config ?? DEFAULT_CONFIG;
  const policy = policyOf(config);
  const model = analyzeRepository(input.snapshot, analyzeOptionsOf(config, input.analyze ?? {}));
  const result = runChecks(
    {
      model,
      snapshot: input.snapshot,
      mode: "branch",
      ...(input.disabledSince ? { disabledSince: input.disabledSince } : {}),
      ...(input.now ? { now: input.now } : {}),
    },
    { policy, allowlist: config.secrets.allowlist },
  );
  return {
    model,
    findings: result.findings,
    failing: failing(result.findings, policy),
    conclusion: policyConclusion(result.findings, [], policy),
    suppressed: result.suppressed,
  };
}
