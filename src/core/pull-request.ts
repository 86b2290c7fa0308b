/**
 * analyzePullRequest() and checkBranch(): the two entry points adapters call (CLI diff/check, the GitHub
 * App). Both apply the repository's configuration — read from the default branch by the adapter — to
 * the analysis, the checks and the conclusion.
 *
 * Pull request steps: 0. the secret scan of both revisions (files only, before and apart from any
 * rendering); 1. changed files; 2. analyze base, then head reusing base's unaffected builds; 3. impact;
 * 4. checks on both revisions (danger rules on the change); 5. findings introduced by the change vs already
 * on base; 6. conclusion from the policy. Neither entry point throws on repository content (see
 * analyzePullRequest).
 */
import { type AnalyzedRepository, analyzeRepository, failedRepository } from "./analyze.ts";
import { applyPolicy, failing, type Policy, policyConclusion } from "./checks/policy.ts";
import { type CheckResult, runChecks, scanRevisionSecrets } from "./checks/run-checks.ts";
import type { AppConfig } from "./config/schema.ts";
import { DEFAULT_CONFIG } from "./config/schema.ts";
import { analysisFailed, type Diagnostic } from "./diagnostics.ts";
import type { DiscoveryCaches } from "./flux/discover.ts";
import type { RawFluxObject } from "./flux/raw-scan.ts";
import { analyzeChange } from "./impact/analyze-change.ts";
import { changedFilesBetween, touchedPaths } from "./impact/changed-files.ts";
import { renamesOf, splitFindings } from "./impact/findings.ts";
import type { ChangedFile, ImpactReport } from "./impact/types.ts";
import type { ParsedFile, ParsedFiles } from "./kustomize/context.ts";
import type { AnalyzeOptions } from "./model.ts";
import type { SecretScanResult } from "./secrets/scan.ts";
import type { AnalysisSession } from "./session.ts";
import type { RepoSnapshot } from "./snapshot/repo-snapshot.ts";
import { sameBytes } from "./util/bytes.ts";

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
  /**
   * The analysis of `base` made earlier by analyzeBase with the same configuration and analysis options
   * (a cache of the default branch's commit): then base is neither scanned, rendered nor checked again.
   */
  baseAnalysis?: BaseAnalysis;
}

export interface PullRequestAnalysis {
  base: AnalyzedRepository;
  head: AnalyzedRepository;
  report: ImpactReport;
}

/**
 * Everything a pull request's analysis computes from its base revision alone — the model, the checks
 * (secret scan included), and the parses and builds the head analysis reuses — for one configuration and
 * set of analysis options. Plain data (maps, arrays, objects; no functions or class instances), so an
 * adapter may store it with any structured-clone serializer and give it back for the next pull request
 * against the same commit.
 */
export interface BaseAnalysis {
  format: typeof BASE_ANALYSIS_FORMAT;
  model: AnalyzedRepository;
  checks: CheckResult;
  secrets: SecretScanResult;
  /**
   * The base revision's parsed files, the Flux objects its raw scan found in each file and its builds
   * (without the files' text, which the base snapshot holds), as the session held them after its analysis.
   * A head takes every build its change does not reach and the scan of every file it does not change; it
   * asks for the parse of a file only when a build it renders anew reads it, so a stored analysis may read
   * each parse back only then (src/github/base-cache.ts).
   */
  reuse: {
    parsedFiles: ParsedFiles;
    fluxScans: Map<string, readonly RawFluxObject[]>;
    builds: Map<string, { caches: DiscoveryCaches; excluded: string }>;
  };
}

/** Bumped whenever BaseAnalysis changes shape; a stored analysis of another format is not used. */
export const BASE_ANALYSIS_FORMAT = 3;

/** True when `value` looks like a BaseAnalysis of this format (a stored one read back). */
export function isBaseAnalysis(value: unknown): value is BaseAnalysis {
  if (value === null || typeof value !== "object") return false;
  const v = value as Partial<BaseAnalysis>;
  return (
    v.format === BASE_ANALYSIS_FORMAT &&
    typeof v.model === "object" &&
    v.model !== null &&
    Array.isArray(v.model.kustomizations) &&
    Array.isArray(v.checks?.findings) &&
    Array.isArray(v.secrets?.findings) &&
    typeof v.reuse?.parsedFiles?.get === "function" &&
    typeof v.reuse.parsedFiles.keys === "function" &&
    v.reuse.fluxScans instanceof Map &&
    v.reuse.builds instanceof Map
  );
}

function sharedOptions(base: RepoSnapshot, config: AppConfig) {
  const sops = base.readText(".sops.yaml");
  return {
    policy: policyOf(config),
    allowlist: config.secrets.allowlist,
    sopsConfigText: sops.ok ? sops.text : undefined,
  };
}

/** The analysis of an earlier commit of the same branch, and the files changed since (git's list). */
export interface EarlierBase {
  analysis: BaseAnalysis;
  changedFiles: readonly ChangedFile[];
}

/**
 * The base side of analyzePullRequest on its own: the secret scan, the analysis and the checks of the
 * base revision, as analyzePullRequest makes them. Given the analysis of an earlier commit (same
 * configuration and options) and the files changed since, only what those changes reach is scanned and
 * rendered again — the rest is taken from it, as a pull request's head takes it from its base — with the
 * same result. Never throws on repository content.
 */
export function analyzeBase(
  base: RepoSnapshot,
  config: AppConfig = DEFAULT_CONFIG,
  analyze: AnalyzeOptions = {},
  earlier?: EarlierBase,
): BaseAnalysis {
  const shared = sharedOptions(base, config);
  const changed = earlier ? touchedPaths(earlier.changedFiles) : undefined;
  const same = (path: string) => changed !== undefined && !changed.has(path);
  if (earlier)
    adoptBase(base.session, earlier.analysis, (path) => (same(path) ? base.readText(path) : undefined));
  const secrets = secretScan(base, {
    ...shared,
    ...(earlier ? { previous: { scan: earlier.analysis.secrets, same } } : {}),
  });
  let model: AnalyzedRepository;
  let checks: CheckResult;
  try {
    const options = analyzeOptionsOf(config, analyze);
    model = analyzeRepository(
      base,
      earlier
        ? {
            ...options,
            reuse: {
              from: earlier.analysis.model,
              changedFiles: earlier.changedFiles,
              session: base.session,
            },
          }
        : options,
    );
    checks = runChecks({ model, snapshot: base, mode: "pull-request" }, { ...shared, secrets });
  } catch (error) {
    const failure = analysisFailed("analyzing the base revision", error, {}, "what it applies is unknown");
    model = failedRepository(failure);
    checks = { findings: applyPolicy([failure, ...secrets.findings], shared.policy), suppressed: 0 };
  }
  return {
    format: BASE_ANALYSIS_FORMAT,
    model,
    checks,
    secrets,
    reuse: {
      parsedFiles: parsesOf(base.session, earlier?.analysis.reuse.parsedFiles, same),
      fluxScans: new Map([...base.session.fluxScans].map(([path, entry]) => [path, entry.objects])),
      builds: base.session.builds.get(model) ?? new Map(),
    },
  };
}

/**
 * The parses a base analysis carries: the session's, and the earlier analysis' of every file unchanged
 * since that the session did not need (the next analysis from this one may).
 */
function parsesOf(
  session: AnalysisSession,
  earlier: ParsedFiles | undefined,
  same: (path: string) => boolean,
): Map<string, ParsedFile> {
  const parses = new Map([...session.parsedFiles].map(([path, entry]) => [path, entry.parsed]));
  if (earlier)
    for (const path of earlier.keys()) {
      if (parses.has(path) || !same(path)) continue;
      const parsed = earlier.get(path);
      if (parsed) parses.set(path, parsed);
    }
  return parses;
}

/**
 * Makes a base analysis' parses, builds and raw scans available to `session`, as if the revision it was
 * made from had been analyzed in it. A file's parse or scan is taken only while the file has the text that
 * revision had (`textOf`; undefined when it is not known, and the file is then parsed and scanned anew);
 * parses are taken when asked for (kustomize/context.ts parseFileCached) and charged to the session's
 * parse budget then.
 */
function adoptBase(
  session: AnalysisSession,
  analysis: BaseAnalysis,
  textOf: (path: string) => ReturnType<RepoSnapshot["readText"]> | undefined,
): void {
  if (!session.builds.has(analysis.model)) session.builds.set(analysis.model, analysis.reuse.builds);
  if (!session.adoptedParses.some((a) => a.parsedFiles === analysis.reuse.parsedFiles))
    session.adoptedParses.push({
      parsedFiles: analysis.reuse.parsedFiles,
      textOf: (path) => {
        const text = textOf(path);
        return text?.ok ? text.text : undefined;
      },
    });
  for (const [path, objects] of analysis.reuse.fluxScans) {
    if (session.fluxScans.has(path)) continue;
    const text = textOf(path);
    if (!text?.ok) continue;
    session.fluxScans.set(path, { text: text.text, objects });
  }
}

/**
 * Never throws on repository content. The secret scans of both revisions run first and on their own (they
 * read files, never the model), so nothing rendering does can hide a committed credential; an exception
 * anywhere in the analysis after that (past the engine's own guards, which keep a failure to one object or
 * file) still returns a report: the secret findings, an analysis-failed finding, and the repository named
 * as not analyzed.
 */
export function analyzePullRequest(input: PullRequestInput): PullRequestAnalysis {
  const config = input.config ?? DEFAULT_CONFIG;
  const policy = policyOf(config);
  const shared = sharedOptions(input.base, config);
  const headExtra = {
    baseFile: (path: string) => input.base.read(path),
    ...(input.extraHeadFiles ? { extraFiles: input.extraHeadFiles } : {}),
  };
  const given = input.baseAnalysis;
  const baseSecrets = given?.secrets ?? secretScan(input.base, shared);
  // Head files with base's bytes (and generator sources) have base's findings: only the rest is scanned.
  const headSecrets = secretScan(input.head, {
    ...shared,
    ...headExtra,
    previous: { scan: baseSecrets, same: (path, bytes) => sameBytes(input.base.read(path), bytes) },
  });
  try {
    const options = analyzeOptionsOf(config, input.analyze ?? {});
    const changedFiles = input.changedFiles ?? changedFilesBetween(input.base, input.head);
    const base = given?.model ?? analyzeRepository(input.base, options);
    if (given) adoptBase(input.head.session, given, (path) => input.base.readText(path));
    const head = analyzeRepository(input.head, {
      ...options,
      reuse: { from: base, changedFiles, session: given ? input.head.session : input.base.session },
    });
    const failures: Diagnostic[] = [];
    const text = (snapshot: RepoSnapshot) => (path: string) => {
      const r = snapshot.readText(path);
      return r.ok ? r.text : undefined;
    };
    const report = analyzeChange(base, head, changedFiles, {
      strip: { labels: config.diff.stripLabels, annotations: config.diff.stripAnnotations },
      failures,
      readText: { base: text(input.base), head: text(input.head) },
    });
    const baseChecks =
      given?.checks ??
      runChecks(
        { model: base, snapshot: input.base, mode: "pull-request" },
        { ...shared, secrets: baseSecrets },
      );
    const headChecks = runChecks(
      { model: head, snapshot: input.head, mode: "pull-request", change: { base, impact: report } },
      { ...shared, ...headExtra, secrets: headSecrets },
    );
    // What the comparison failed on belongs to the change (base has no such findings).
    const headFindings = [...headChecks.findings, ...applyPolicy(failures, policy)];
    report.findings = splitFindings(baseChecks.findings, headFindings, renamesOf(changedFiles));
    report.conclusion = policyConclusion(report.findings.introduced, report.findings.existing, policy);
    report.suppressed = headChecks.suppressed;
    return { base, head, report };
  } catch (error) {
    const failure = analysisFailed("analyzing the pull request", error, {}, "what it changes is unknown");
    let changedFiles: ChangedFile[] = [];
    try {
      changedFiles = [...(input.changedFiles ?? changedFilesBetween(input.base, input.head))];
    } catch {
      // the list of changed files is unknown too
    }
    const findings = splitFindings(
      applyPolicy(baseSecrets.findings, policy),
      applyPolicy([failure, ...headSecrets.findings], policy),
      renamesOf(changedFiles),
    );
    const report: ImpactReport = {
      clusters: [],
      notAnalyzed: [
        {
          cluster: "",
          key: "(repository)",
          source: "",
          reason: "the engine failed while analyzing the pull request",
        },
      ],
      changedFiles,
      kustomizations: [],
      helmReleases: [],
      deletions: [],
      disabledServices: [],
      suspendFlips: [],
      touchedUnchanged: [],
      unownedFiles: [],
      findings,
      graph: { nodes: [], edges: [] },
      conclusion: policyConclusion(findings.introduced, findings.existing, policy),
      suppressed: headSecrets.suppressed,
    };
    return { base: failedRepository(failure), head: failedRepository(failure), report };
  }
}

/** The secret scan of a revision; a failure of the scan as a whole is a finding, never an exception. */
function secretScan(
  snapshot: RepoSnapshot,
  options: Parameters<typeof scanRevisionSecrets>[1],
): ReturnType<typeof scanRevisionSecrets> {
  try {
    return scanRevisionSecrets(snapshot, options);
  } catch (error) {
    return {
      findings: [
        analysisFailed(
          "scanning the revision for committed secrets",
          error,
          {},
          "committed credentials may be unreported",
        ),
      ],
      suppressed: 0,
    };
  }
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

/**
 * The default branch (or any revision) on its own: every check, repository health included. Like
 * analyzePullRequest, never throws on repository content, and its secret scan runs first and on its own.
 */
export function checkBranch(input: BranchInput): BranchCheck {
  const config = input.config ?? DEFAULT_CONFIG;
  const policy = policyOf(config);
  const secrets = secretScan(input.snapshot, { allowlist: config.secrets.allowlist });
  let model: AnalyzedRepository;
  let findings: Diagnostic[];
  let suppressed = secrets.suppressed;
  try {
    model = analyzeRepository(input.snapshot, analyzeOptionsOf(config, input.analyze ?? {}));
    const result = runChecks(
      {
        model,
        snapshot: input.snapshot,
        mode: "branch",
        ...(input.disabledSince ? { disabledSince: input.disabledSince } : {}),
        ...(input.now ? { now: input.now } : {}),
      },
      { policy, allowlist: config.secrets.allowlist, secrets },
    );
    findings = result.findings;
    suppressed = result.suppressed;
  } catch (error) {
    const failure = analysisFailed("checking the branch", error, {}, "what it applies is unknown");
    model = failedRepository(failure);
    findings = applyPolicy([failure, ...secrets.findings], policy);
  }
  return {
    model,
    findings,
    failing: failing(findings, policy),
    conclusion: policyConclusion(findings, [], policy),
    suppressed,
  };
}
