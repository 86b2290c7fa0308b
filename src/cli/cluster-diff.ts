/**
 * `diff --cluster`: every object the change adds or modifies (core: dryRunPlan), sent to the live cluster
 * as a server-side apply dry run; the answers become findings and changes (core: dryRunOutcome).
 */
import {
  apiRefusal,
  type ClusterDryRun,
  clusterDryRunJson,
  type DryRunAnswer,
  dryRunOutcome,
  dryRunPlan,
  renderClusterDryRun,
} from "../core/deploy/index.ts";
import { connectCluster } from "./cluster.ts";
import type { DiffResult } from "./commands/diff.ts";
import type { CliValues } from "./options.ts";

export async function clusterDryRun(diff: DiffResult, values: CliValues): Promise<ClusterDryRun> {
  const plan = dryRunPlan(diff.report, diff.models);
  const cluster = await connectCluster({ kubeconfig: values.kubeconfig, context: values.context });
  const outcomes = [];
  for (const changed of plan.objects) {
    const answer = await cluster.dryRunApply(changed.head);
    const core: DryRunAnswer =
      answer.kind === "refused" ? { kind: "refused", refusal: apiRefusal(answer.code, answer.body) } : answer;
    outcomes.push(dryRunOutcome(changed, core));
  }
  return { context: cluster.context, server: cluster.server, outcomes, skipped: plan.skipped };
}

export { clusterDryRunJson as clusterJson, renderClusterDryRun as renderClusterSection };
