/**
 * A push to the default branch: a "flux-impact" check run on the pushed head commit describing the branch's
 * state — every finding, repository health included — with the conclusion from the branch's own policy.
 * A failure ends the check run by its cause (failure.ts): never as a pass when the content is the cause.
 */

import type { ParsedConfig } from "../core/config/index.ts";
import { type BranchCheck, checkBranch, type RepoSnapshot } from "../core/index.ts";
import { renderBranchCheckRun } from "../core/report/index.ts";
import type { OnAnalysisError } from "./failure.ts";
import { JobStartError, startJob } from "./job-start.ts";
import {
  analyzedRepository,
  CountingClient,
  completeCheckRun,
  configNote,
  failCheckRun,
  type GitHubClient,
  type RepoRef,
  serialized,
  snapshotAt,
} from "./jobs.ts";
import { DEFAULT_TARBALL_LIMITS, type TarballLimits } from "./tarball.ts";

export interface BranchJob extends RepoRef {
  sha: string;
  branch: string;
}

export type BranchOutcome =
  | {
      kind: "completed";
      conclusion: string;
      findings: number;
      requests: number;
      /** What the maintenance run after a push reuses. */
      known: { snapshot: RepoSnapshot; config: ParsedConfig; check: BranchCheck };
    }
  | { kind: "failed"; message: string; requests: number };

export interface BranchRunOptions {
  /** The App's id: only its own check run on the commit is reused. */
  appId?: number;
  limits?: TarballLimits;
  now?: string;
  log?: { warn(msg: string): void };
}

export function runBranchCheck(
  client: GitHubClient,
  job: BranchJob,
  options: BranchRunOptions = {},
): Promise<BranchOutcome> {
  return serialized(`${job.owner}/${job.repo}@${job.sha}`, () => check(client, job, options));
}

async function check(
  client: GitHubClient,
  job: BranchJob,
  options: BranchRunOptions,
): Promise<BranchOutcome> {
  const gh = new CountingClient(client);
  // The pushed commit's own configuration (the default branch at that commit).
  let started: Awaited<ReturnType<typeof startJob>>;
  try {
    started = await startJob(gh, job, job.sha, {
      configRev: job.sha,
      ...(options.appId !== undefined ? { appId: options.appId } : {}),
    });
  } catch (error) {
    if (!(error instanceof JobStartError)) throw error;
    return failed(gh, job, error.checkRunId, error.cause, options);
  }
  const { checkRunId, config: parsed } = started;
  const { config, issues } = parsed;
  try {
    const snapshot = await snapshotAt(gh, job, job.sha, "pushed", options.limits ?? DEFAULT_TARBALL_LIMITS);
    const result = checkBranch({
      snapshot,
      config,
      analyze: { repository: analyzedRepository(job, job.branch) },
      now: options.now ?? new Date().toISOString(),
    });
    const run = renderBranchCheckRun(
      {
        findings: result.findings,
        conclusion: result.conclusion,
        kustomizations: result.model.kustomizations.length,
        helmReleases: result.model.helmReleases.length,
        suppressed: result.suppressed,
        clusters: result.model.clusters.map((c) => ({
          name: c.name,
          path: c.entrypoints[0]?.path ?? "",
          rule: c.entrypoints[0]?.rule ?? "",
          kustomizations: c.kustomizations.length,
          helmReleases: c.helmReleases.length,
          notAnalyzed: c.kustomizations.filter((k) => k.status === "external" || k.status === "unknown")
            .length,
          flux: c.flux.version ? `Flux ${c.flux.version}` : "version not pinned",
        })),
      },
      {
        ref: job.sha,
        branch: job.branch,
        blobUrl: `https://github.com/${job.owner}/${job.repo}/blob/${job.sha}`,
      },
    );
    await completeCheckRun(
      gh,
      job,
      checkRunId,
      { conclusion: run.conclusion, title: run.title, summary: run.summary + configNote(issues) },
      run.annotations,
    );
    return {
      kind: "completed",
      conclusion: run.conclusion,
      findings: result.findings.length,
      requests: gh.count,
      known: { snapshot, config: parsed, check: result },
    };
  } catch (error) {
    return failed(gh, job, checkRunId, error, options, config.onAnalysisError);
  }
}

/** Ends the check run of a check that failed (see failure.ts) and the delivery with it. */
async function failed(
  gh: CountingClient,
  job: BranchJob,
  checkRunId: number,
  error: unknown,
  options: BranchRunOptions,
  onAnalysisError?: OnAnalysisError,
): Promise<BranchOutcome> {
  const message = await failCheckRun(gh, job, checkRunId, error, {
    title: "flux-impact could not check this commit",
    logPrefix: `push ${job.owner}/${job.repo}@${job.sha.slice(0, 7)}`,
    log: options.log,
    ...(onAnalysisError ? { onAnalysisError } : {}),
  });
  return { kind: "failed", message, requests: gh.count };
}
