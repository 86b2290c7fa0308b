/**
 * `flux-impact diff BASE HEAD`: analyze both revisions (directories, or git revisions of --repo) as the
 * GitHub App analyzes a pull request — impact, checks on both sides, the policy of BASE's configuration
 * (or --config) — and print the pull-request comment (Markdown) or JSON. Both snapshots share one parse
 * cache, so unchanged files are parsed once. Exit 1 when the policy fails the change.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { supplyCharts } from "../../charts/index.ts";
import type { AppConfig } from "../../core/config/index.ts";
import {
  AnalysisSession,
  type AnalyzedRepository,
  analyzePullRequest,
  applyHelmRenders,
  type ChangedFile,
  changedFilesBetween,
  helmChartNeeds,
  type ImpactReport,
  policyOf,
  type RepoSnapshot,
  type RevisionInfo,
} from "../../core/index.ts";
import { impactJson, renderComment, reportConclusion } from "../../core/report/index.ts";
import { cliChartFetcher } from "../charts.ts";
import { clusterDryRun, clusterJson, renderClusterSection } from "../cluster-diff.ts";
import { loadConfig } from "../config.ts";
import { loadDirectorySnapshot, loadGitSnapshot } from "../fs-snapshot.ts";
import { gitChangedFiles } from "../git-changes.ts";
import { repositoryOption } from "../git-identity.ts";
import { analyzeOptions, type CliIo, type CliValues, UsageError } from "../options.ts";

export interface DiffResult {
  report: ImpactReport;
  base: RevisionInfo;
  head: RevisionInfo;
  /** The models of both revisions (what --cluster dry-runs). */
  models: { base: AnalyzedRepository; head: AnalyzedRepository };
  snapshots: { base: RepoSnapshot; head: RepoSnapshot };
  config: AppConfig;
}

export function computeDiff(baseArg: string, headArg: string, values: CliValues): DiffResult {
  const repo = resolve(values.repo ?? ".");
  const scope = new AnalysisSession();
  const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
  const baseIsDir = isDir(resolve(baseArg));
  const headIsDir = isDir(resolve(headArg));
  if (baseIsDir !== headIsDir) {
    throw new UsageError("BASE and HEAD must both be directories or both be git revisions");
  }
  let base: RepoSnapshot;
  let head: RepoSnapshot;
  let changes: ChangedFile[];
  if (baseIsDir) {
    base = loadDirectorySnapshot(resolve(baseArg), { session: scope });
    head = loadDirectorySnapshot(resolve(headArg), { session: scope });
    changes = changedFilesBetween(base, head);
  } else {
    base = loadGitSnapshot(repo, baseArg, { session: scope });
    head = loadGitSnapshot(repo, headArg, { session: scope });
    changes = gitChangedFiles(repo, baseArg, headArg);
  }
  const { config, diagnostics } = loadConfig(values.config, base);
  const {
    report,
    base: baseModel,
    head: headModel,
  } = analyzePullRequest({
    base,
    head,
    changedFiles: changes,
    config,
    // The repository and branch of the base (the branch a pull request targets); none for two directories.
    analyze: { ...analyzeOptions(values), ...(baseIsDir ? {} : repositoryOption(repo, baseArg)) },
  });
  if (diagnostics.length) report.findings.existing.unshift(...diagnostics);
  return {
    report,
    base: { ref: baseArg },
    head: { ref: headArg },
    models: { base: baseModel, head: headModel },
    snapshots: { base, head },
    config,
  };
}

/**
 * `--render-charts`: the changed HelmReleases' charts fetched (https, public addresses, cached by digest
 * under ~/.cache/flux-impact/charts) and rendered at both revisions, their object diffs added.
 */
async function renderCharts(diff: DiffResult): Promise<void> {
  const analysis = { base: diff.models.base, head: diff.models.head, report: diff.report };
  const needs = helmChartNeeds(analysis);
  const fetcher = cliChartFetcher();
  try {
    const supply = await supplyCharts(needs, { fetcher, snapshots: diff.snapshots });
    applyHelmRenders(analysis, supply, { policy: policyOf(diff.config) });
  } finally {
    await fetcher.close();
  }
}

export function diffCommand(args: string[], values: CliValues, io: CliIo): number | Promise<number> {
  if (args.length !== 2) throw new UsageError("diff needs BASE and HEAD (directories or git revisions)");
  const format = values.format ?? "markdown";
  if (format !== "json" && format !== "markdown")
    throw new UsageError(`--format must be markdown or json (got "${format}")`);
  const diff = computeDiff(args[0]!, args[1]!, values);
  if (values["render-charts"]) return renderCharts(diff).then(() => printDiff(diff, values, format, io));
  return printDiff(diff, values, format, io);
}

function printDiff(diff: DiffResult, values: CliValues, format: string, io: CliIo): number | Promise<number> {
  const { report, base, head } = diff;
  const failed = reportConclusion(report) === "failure";
  if (!values.cluster) {
    if (format === "json") io.stdout(`${JSON.stringify(impactJson(report), null, 2)}\n`);
    else io.stdout(renderComment(report, { base, head }));
    return failed ? 1 : 0;
  }
  return clusterDryRun(diff, values).then((cluster) => {
    if (format === "json")
      io.stdout(`${JSON.stringify({ ...impactJson(report), cluster: clusterJson(cluster) }, null, 2)}\n`);
    else io.stdout(`${renderComment(report, { base, head })}\n${renderClusterSection(cluster)}`);
    return failed || cluster.outcomes.some((o) => o.findings.some((f) => f.severity === "error")) ? 1 : 0;
  });
}
