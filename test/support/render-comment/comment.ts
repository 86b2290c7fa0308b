/**
 * A scenario → the comment the GitHub App would post: both file maps as in-memory snapshots sharing one
 * session, `analyzePullRequest` with the base's configuration, `renderComment`. A real pull request of a
 * git checkout (bare or not) is read with `git` the way the CLI reads revisions.
 */

import { loadConfig } from "../../../src/cli/config.ts";
import { loadGitSnapshot } from "../../../src/cli/fs-snapshot.ts";
import { gitChangedFiles } from "../../../src/cli/git-changes.ts";
import {
  AnalysisSession,
  analyzePullRequest,
  createMemorySnapshot,
  type ImpactReport,
} from "../../../src/core/index.ts";
import { renderComment } from "../../../src/core/report/index.ts";
import type { FileMap, RenderScenario } from "./scenarios.ts";

export interface RenderedComment {
  id: string;
  title: string;
  detail: string;
  markdown: string;
  report: ImpactReport;
  /** Codes of the findings the change introduces (what the first-finding locator looks for). */
  introducedCodes: string[];
}

function finish(
  id: string,
  title: string,
  detail: string,
  report: ImpactReport,
  base: string,
  head: string,
): RenderedComment {
  const markdown = renderComment(report, { base: { ref: base }, head: { ref: head } });
  const introducedCodes = [...new Set(report.findings.introduced.map((d) => d.code))];
  return { id, title, detail, markdown, report, introducedCodes };
}

export function analyzeFiles(base: FileMap, head: FileMap) {
  const session = new AnalysisSession();
  const baseSnap = createMemorySnapshot(base, { session });
  const headSnap = createMemorySnapshot(head, { session });
  const { config, diagnostics } = loadConfig(undefined, baseSnap);
  const { report } = analyzePullRequest({ base: baseSnap, head: headSnap, config });
  if (diagnostics.length) report.findings.existing.unshift(...diagnostics);
  return report;
}

export function renderScenario(s: RenderScenario): RenderedComment {
  return finish(s.id, s.title, s.detail, analyzeFiles(s.base, s.head), "base", "head");
}

/** A real pull request: `base..head` of the git repository at `repo` (a checkout or a bare git dir). */
export function renderGitPullRequest(repo: string, base: string, head: string): RenderedComment {
  const session = new AnalysisSession();
  const baseSnap = loadGitSnapshot(repo, base, { session });
  const headSnap = loadGitSnapshot(repo, head, { session });
  const { config, diagnostics } = loadConfig(undefined, baseSnap);
  const { report } = analyzePullRequest({
    base: baseSnap,
    head: headSnap,
    changedFiles: gitChangedFiles(repo, base, head),
    config,
  });
  if (diagnostics.length) report.findings.existing.unshift(...diagnostics);
  const short = (s: string) => (/^[0-9a-f]{40}$/.test(s) ? s.slice(0, 10) : s);
  return finish(
    `pr-${short(head)}`,
    `real PR ${short(base)}..${short(head)}`,
    `${repo}: ${base}..${head}`,
    report,
    base,
    head,
  );
}
