/**
 * The check run of a default-branch commit (a push to main): the state of the branch rather than a change —
 * every finding, repository health included, grouped by severity with links, and line annotations. The
 * conclusion comes from the policy (`checkBranch`). Same limits and escaping as the pull-request check run.
 */
import { compareDiagnostics, type Diagnostic, severityCounts } from "../diagnostics.ts";
import type { RevisionInfo } from "../impact/types.ts";
import { maskCredentials } from "../secrets/mask.ts";
import { type Block, fitBlocks } from "./budget.ts";
import { annotationsOf, CHECK_OUTPUT_MAX, type CheckRunOutput, TITLE_MAX } from "./check-run.ts";
import type { Conclusion } from "./conclusion.ts";
import { clip, mdInline } from "./markdown.ts";
import { code, plural } from "./sections/common.ts";
import { findingLine, severalClusters } from "./sections/findings.ts";

export interface BranchCheckInput {
  findings: readonly Diagnostic[];
  conclusion: Conclusion;
  kustomizations: number;
  helmReleases: number;
  suppressed: number;
  /** Each cluster: where it starts, which rule found it, what it holds, what could not be analyzed. */
  clusters?: ReadonlyArray<{
    name: string;
    path: string;
    rule: string;
    kustomizations: number;
    helmReleases: number;
    notAnalyzed: number;
    flux: string;
  }>;
}

function counts(findings: readonly Diagnostic[]): string {
  const n = severityCounts(findings);
  return [plural(n.error, "error"), plural(n.warning, "warning"), plural(n.notice, "notice")].join(", ");
}

export function renderBranchCheckRun(
  input: BranchCheckInput,
  head: RevisionInfo & { branch?: string },
): CheckRunOutput {
  const findings = [...input.findings].sort(compareDiagnostics);
  const where = head.branch ? ` on ${head.branch}` : "";
  const clusters = input.clusters ?? [];
  const notAnalyzed = clusters.reduce((n, c) => n + c.notAnalyzed, 0);
  const title = clip(
    `${plural(input.kustomizations, "Kustomization")}, ${plural(input.helmReleases, "HelmRelease")}${where} · ${counts(findings)}${notAnalyzed ? ` · ${notAnalyzed} not analyzed` : ""}`,
    TITLE_MAX,
  );
  const blocks: Block[] = [
    {
      text: `### Flux repository check\n\n${input.conclusion === "failure" ? "❌ Findings fail the policy." : "✅ Nothing fails the policy."} ${counts(findings)}${input.suppressed ? ` · ${plural(input.suppressed, "secret finding")} suppressed by the allowlist` : ""}.\n\n`,
      essential: true,
    },
  ];
  if (clusters.length > 0) {
    const rows = clusters.map(
      (c) =>
        `| ${code(c.name, true)} | ${code(c.path || ".", true)} (${mdInline(c.rule)}) | ${c.kustomizations} | ${c.helmReleases} | ${c.notAnalyzed || "—"} | ${mdInline(c.flux)} |\n`,
    );
    blocks.push({
      text: `| Cluster | Entrypoint (rule) | Kustomizations | HelmReleases | Not analyzed | Flux |\n| --- | --- | ---: | ---: | ---: | --- |\n${rows.join("")}\n`,
      essential: true,
    });
  }
  const several = severalClusters(findings);
  for (const d of findings)
    blocks.push({ text: `${findingLine(d, head, several)}\n`, group: "findings-existing" });
  const summary = fitBlocks(
    blocks,
    [
      {
        id: "findings-existing",
        order: "last",
        note: (n: number) =>
          `_${plural(n, "more finding")} did not fit; run \`flux-impact check\` locally for all._`,
      },
    ],
    CHECK_OUTPUT_MAX,
    "_The report is too large to show here._",
  ).text;
  return {
    title,
    summary: maskCredentials(summary),
    text: "",
    conclusion: input.conclusion,
    annotations: annotationsOf(findings).annotations,
  };
}
