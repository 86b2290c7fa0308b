/**
 * Failing Flux objects on the default branch become issues, like failing workflows: one issue per object
 * (keyed by cluster, kind, namespace and name), opened by its first failure event, commented when it fails
 * again at another revision or for another reason (or after REPEAT_HOURS of the same failure — Flux
 * re-emits it at every retry), closed when the object reconciles again.
 *
 * The rules the maintainer issues already have hold: the labels of the configuration, at most
 * `maxOpenIssues` open at once (the rest wait), an issue closed as "not planned" snoozes the object for
 * `snoozeDays`, two open issues for one object (concurrent workers) are reduced to one, and a dry run
 * only reports. Flux's message is credential-masked and bounded before it reaches an issue.
 */
import type { AppConfig } from "../config/schema.ts";
import type { DependencyGraph } from "../graph/dependency-graph.ts";
import { downstreamOf } from "../graph/dependency-graph.ts";
import {
  type BotIssue,
  duplicateActions,
  type IssueAction,
  issueLabels,
  issueMarker,
  issuesByKey,
  withMarker,
} from "../maintenance/bot-issues.ts";
import { clip, mdCode, mdFence, mdInline, mdLink } from "../report/markdown.ts";
import type { FluxEvent } from "./event.ts";
import { redactEventMessage } from "./render.ts";
import { type DeployKind, eventState, short } from "./tracking.ts";

/** The same failure is said again on the issue after this long. */
export const REPEAT_HOURS = 6;

export interface FailureContext {
  /** The cluster the event came from ("" for a repository with one). */
  cluster: string;
  defaultBranch: string;
  /** "owner/repo", for links. */
  repository: string;
  now: string;
  /** The commit and pull request that last changed the object, when a tracked deploy knows them. */
  lastChange?: { sha: string; pullRequest?: number };
  /** What waits on the object (dependsOn, transitively), when known. */
  dependents?: readonly string[];
}

export type FailureDecision =
  | { kind: "none"; why: string }
  | { kind: "open" }
  | { kind: "comment"; issue: BotIssue; failures: number }
  | { kind: "close"; issue: BotIssue; failures: number };

export function failureKey(cluster: string, kind: string, namespace: string, name: string): string {
  return `${cluster}|${kind}|${namespace}/${name}`;
}

function objectText(kind: string, namespace: string, name: string, cluster: string): string {
  return `${kind} ${namespace ? `${namespace}/` : ""}${name}${cluster ? ` on cluster ${cluster}` : ""}`;
}

/** What one Flux event means for its object's issue. */
export function decideFluxFailure(
  event: FluxEvent,
  context: FailureContext,
  config: AppConfig["deploys"],
  issues: readonly BotIssue[],
): { decision: FailureDecision; key: string; duplicates: IssueAction[] } {
  const o = event.involvedObject;
  const key = failureKey(context.cluster, o.kind, o.namespace ?? "", o.name);
  const none = (why: string) => ({ decision: { kind: "none" as const, why }, key, duplicates: [] });
  if (!config.failureIssues) return none("failure issues are turned off (deploys.failureIssues)");
  if (o.kind !== "Kustomization" && o.kind !== "HelmRelease") return none(`${o.kind} is not tracked`);
  const state = eventState(o.kind as DeployKind, event);
  const byKey = issuesByKey(issues, "flux");
  const { keep, close } = duplicateActions(byKey.get(key) ?? []);
  const failures = Number(keep?.marker.fields.failures ?? "0") || 0;
  const decision = ((): FailureDecision => {
    if (state === "reconciled")
      return keep ? { kind: "close", issue: keep, failures } : { kind: "none", why: "no open issue" };
    if (state !== "failed") return { kind: "none", why: `${event.reason} is not a failure` };
    if (keep) {
      const last = keep.marker.fields;
      if (last.at && Date.parse(event.timestamp) <= Date.parse(last.at))
        return { kind: "none", why: "already recorded (a redelivery or an older event)" };
      const same = last.reason === event.reason && last.revision === (event.metadata?.revision ?? "");
      const recent =
        last.said && Date.parse(event.timestamp) - Date.parse(last.said) < REPEAT_HOURS * 3600_000;
      if (same && recent)
        return { kind: "none", why: `the same failure, said less than ${REPEAT_HOURS} h ago` };
      return { kind: "comment", issue: keep, failures: failures + 1 };
    }
    const snoozed = (byKey.get(key) ?? []).find(
      (i) =>
        i.state === "closed" &&
        i.stateReason === "not_planned" &&
        i.closedAt &&
        Date.parse(context.now) - Date.parse(i.closedAt) < config.snoozeDays * 86_400_000,
    );
    if (snoozed) return { kind: "none", why: `snoozed: #${snoozed.number} was closed as not planned` };
    const open = [...byKey.values()].flat().filter((i) => i.state === "open").length;
    if (open >= config.maxOpenIssues)
      return { kind: "none", why: `${open} failure issues are open (deploys.maxOpenIssues)` };
    return { kind: "open" };
  })();
  return { decision, key, duplicates: close };
}

function marker(key: string, event: FluxEvent, failures: number, said: string): string {
  return issueMarker("flux", key, {
    failures,
    reason: event.reason.replace(/[^A-Za-z0-9]/g, ""),
    revision: event.metadata?.revision ?? "",
    at: event.timestamp,
    said,
  });
}

/** The commands the runbook uses for this object. */
export function runbook(kind: string, namespace: string, name: string): string[] {
  const ns = namespace || "flux-system";
  return kind === "HelmRelease"
    ? [
        `flux reconcile helmrelease ${name} --with-source -n ${ns}`,
        `flux logs --kind HelmRelease --name ${name} -n ${ns}`,
        "flux get helmreleases -A",
      ]
    : [
        `flux reconcile kustomization ${name} --with-source -n ${ns}`,
        `flux logs --kind Kustomization --name ${name} -n ${ns}`,
        "flux get kustomizations -A",
      ];
}

const NAME = /^[A-Za-z0-9._-]+$/;

function failureText(event: FluxEvent, context: FailureContext): string[] {
  const o = event.involvedObject;
  const repo = `https://github.com/${context.repository}`;
  const revision = event.metadata?.revision;
  const out = [
    `Flux reports **${mdInline(event.reason)}** at ${mdInline(event.timestamp)}${revision ? ` (revision ${mdCode(revision)})` : ""}:`,
    "",
    mdFence(clip(redactEventMessage(event.message), 3000)),
  ];
  if (context.lastChange) {
    const c = context.lastChange;
    out.push(
      "",
      `Last changed by ${mdLink(short(c.sha), `${repo}/commit/${c.sha}`)}${c.pullRequest !== undefined ? ` (#${c.pullRequest})` : ""}.`,
    );
  }
  if (context.dependents === undefined)
    out.push("", "What waits on it is not known yet (the App learns the graph from the next push).");
  else if (context.dependents.length) {
    const shown = context.dependents
      .slice(0, 20)
      .map((d) => mdCode(d))
      .join(", ");
    const more = context.dependents.length > 20 ? ` and ${context.dependents.length - 20} more` : "";
    out.push("", `Blocked while it fails (they depend on it): ${shown}${more}.`);
  } else out.push("", "Nothing depends on it.");
  // Only names Kubernetes accepts are put into commands (an event's names come from the cluster).
  if (NAME.test(o.name) && NAME.test(o.namespace ?? "flux-system"))
    out.push(
      "",
      "To look into it:",
      "",
      mdFence(runbook(o.kind, o.namespace ?? "", o.name).join("\n"), "sh"),
    );
  return out;
}

/** The issue actions for a decision. */
export function fluxFailureActions(
  decision: FailureDecision,
  key: string,
  event: FluxEvent,
  context: FailureContext,
  config: AppConfig["deploys"],
): IssueAction[] {
  const o = event.involvedObject;
  const what = objectText(o.kind, o.namespace ?? "", o.name, context.cluster);
  switch (decision.kind) {
    case "none":
      return [];
    case "open":
      return [
        {
          kind: "open",
          about: "flux",
          key,
          title: clip(`Flux ${what} is failing`, 200),
          labels: issueLabels(config.labels),
          body: [
            marker(key, event, 1, event.timestamp),
            `Flux ${mdInline(what)} failed after a reconciliation of ${mdCode(context.defaultBranch)}.`,
            "",
            ...failureText(event, context),
            "",
            "This issue gets a comment when it fails again and is closed when Flux reconciles it successfully.",
          ].join("\n"),
        },
      ];
    case "comment":
      return [
        {
          kind: "comment",
          number: decision.issue.number,
          body: [
            `Failed again (${decision.failures} failures reported):`,
            "",
            ...failureText(event, context),
          ].join("\n"),
          updateBody: withMarker(decision.issue.body, marker(key, event, decision.failures, event.timestamp)),
        },
      ];
    case "close": {
      const revision = event.metadata?.revision;
      return [
        {
          kind: "close",
          number: decision.issue.number,
          reason: "completed",
          comment: `Recovered: Flux reports ${mdInline(event.reason)} at ${mdInline(event.timestamp)}${revision ? ` (revision ${mdCode(revision)})` : ""}, after ${decision.failures} failure${decision.failures === 1 ? "" : "s"} reported. Closing.`,
        },
      ];
    }
  }
}

/**
 * What waits on each object of a model (transitive dependsOn), keyed like failure issues: what an issue
 * says is blocked. Plain data, kept with the branch's deploy records.
 */
export function dependentsIndex(
  clusters: ReadonlyArray<{
    name: string;
    graphs: { kustomizations: DependencyGraph; helmReleases: DependencyGraph };
  }>,
  single: boolean,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const c of clusters) {
    const cluster = single ? "" : c.name;
    for (const [kind, graph] of [
      ["Kustomization", c.graphs.kustomizations],
      ["HelmRelease", c.graphs.helmReleases],
    ] as const) {
      for (const key of graph.keys) {
        const down = downstreamOf(graph, key);
        if (down.length) out[`${cluster}|${kind}|${key}`] = down.map((d) => `${kind} ${d}`);
      }
    }
  }
  return out;
}
