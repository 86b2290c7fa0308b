/**
 * Deploy tracking: what a commit pushed to the default branch is expected to change in each cluster (the
 * Kustomizations and HelmReleases its impact report names), and what Flux's events say happened to each.
 *
 * A record is plain data an adapter stores per commit. `applyEvent` folds one event into it:
 *
 * - only an expected object is affected (kind, namespace, name, and the cluster when the event names one);
 *   an event for anything else is not attributed to the commit;
 * - a Kustomization event counts at the commit's revision, and a success also at a later commit of the
 *   branch (`order`: the branch's commits as pushed, oldest first) — a failure there is the later commit's;
 *   an event for an earlier or unknown revision is ignored;
 * - a HelmRelease event carries the chart version, not a commit: it counts when it happened after the push
 *   and, if the commit sets a chart version, for that version;
 * - per object, an event older than the one its state came from is ignored (events arrive out of order).
 *
 * `deployStatus` turns a record into the check run's state: failure as soon as one object failed, success
 * when every object reconciled, neutral after the deadline with the silent ones named, in progress before.
 */
import type { ImpactReport } from "../impact/types.ts";
import { type FluxEvent, parseRevision } from "./event.ts";

export type DeployKind = "Kustomization" | "HelmRelease";
export type TargetState = "pending" | "progressing" | "reconciled" | "failed";

export interface DeployTarget {
  /** The cluster's name ("" when the repository has one). */
  cluster: string;
  kind: DeployKind;
  namespace: string;
  name: string;
  /** HelmRelease: the chart version this commit deploys, when the change sets one. */
  chartVersion?: string;
  state: TargetState;
  /** Time of the event the state comes from (RFC 3339). */
  at?: string;
  reason?: string;
  message?: string;
  /** The revision that event reported. */
  revision?: string;
}

export interface DeployRecord {
  format: 1;
  /** "owner/repo". */
  repository: string;
  branch: string;
  sha: string;
  /** When the commit was pushed (RFC 3339): HelmRelease events before it are not its. */
  pushedAt: string;
  /** After it, objects still silent end the check as neutral. */
  deadline: string;
  /** The merged pull request the commit came from. */
  pullRequest?: number;
  /** Cluster names of the repository ([""] for one unnamed cluster). */
  clusters: string[];
  targets: DeployTarget[];
  /** What the analysis could not see into (Kustomizations of other sources): named, never tracked. */
  unseen: string[];
}

export const DEFAULT_DEPLOY_DEADLINE_MINUTES = 30;

/** The record of a pushed commit, or undefined when the commit changes no Flux object. */
export function deployRecordFor(
  report: ImpactReport,
  commit: {
    repository: string;
    branch: string;
    sha: string;
    pushedAt: string;
    deadlineMinutes?: number;
    pullRequest?: number;
  },
): DeployRecord | undefined {
  const suspended = new Set(
    report.suspendFlips.filter((f) => f.to).map((f) => `${f.cluster ?? ""}|${f.kind}|${f.key}`),
  );
  const targets: DeployTarget[] = [];
  const add = (t: Omit<DeployTarget, "state">, key: string) => {
    if (suspended.has(`${t.cluster}|${t.kind}|${key}`)) return;
    targets.push({ ...t, state: "pending" });
  };
  for (const k of report.kustomizations) {
    if (k.change === "removed") continue;
    add({ cluster: k.cluster ?? "", kind: "Kustomization", namespace: k.namespace, name: k.name }, k.key);
  }
  for (const h of report.helmReleases) {
    if (h.change === "removed") continue;
    const version = h.chart?.to;
    add(
      {
        cluster: h.cluster ?? "",
        kind: "HelmRelease",
        namespace: h.namespace,
        name: h.name,
        ...(version && /^v?\d/.test(version) ? { chartVersion: version } : {}),
      },
      h.key,
    );
  }
  if (targets.length === 0) return undefined;
  const minutes = commit.deadlineMinutes ?? DEFAULT_DEPLOY_DEADLINE_MINUTES;
  const record: DeployRecord = {
    format: 1,
    repository: commit.repository,
    branch: commit.branch,
    sha: commit.sha,
    pushedAt: commit.pushedAt,
    deadline: new Date(Date.parse(commit.pushedAt) + minutes * 60_000).toISOString(),
    clusters: report.clusters?.length ? [...report.clusters] : [""],
    targets,
    unseen: (report.notAnalyzed ?? []).map(
      (n) => `${n.cluster ? `${n.cluster}: ` : ""}Kustomization ${n.key} (${n.source}: ${n.reason})`,
    ),
  };
  if (commit.pullRequest !== undefined) record.pullRequest = commit.pullRequest;
  return record;
}

export type ApplyOutcome =
  | { applied: true; record: DeployRecord; target: DeployTarget }
  | { applied: false; why: string };

export interface EventContext {
  /** The cluster the event came from (the receiver URL's or the Alert's `eventMetadata.cluster`). */
  cluster?: string;
  /** The branch's commits as pushed, oldest first (to tell a later revision from an earlier one). */
  order: readonly string[];
}

/** Reasons that succeed a reconciliation, per kind (kustomize-controller v1, helm-controller v2). */
const SUCCESS: Record<DeployKind, ReadonlySet<string>> = {
  Kustomization: new Set(["ReconciliationSucceeded"]),
  HelmRelease: new Set(["InstallSucceeded", "UpgradeSucceeded", "TestSucceeded", "ReconciliationSucceeded"]),
};
/** Waiting on something else, whatever the severity: not this object's failure. */
const WAITING = new Set(["DependencyNotReady", "ArtifactNotReady"]);

/** How an event leaves its object: undefined for trace events. */
export function eventState(kind: DeployKind, event: FluxEvent): TargetState | undefined {
  if (event.severity === "trace") return undefined;
  if (WAITING.has(event.reason)) return "progressing";
  if (event.severity === "error") return "failed";
  return SUCCESS[kind].has(event.reason) ? "reconciled" : "progressing";
}

export function applyEvent(record: DeployRecord, event: FluxEvent, context: EventContext): ApplyOutcome {
  const kind = event.involvedObject.kind;
  if (kind !== "Kustomization" && kind !== "HelmRelease")
    return { applied: false, why: `${kind} events are not tracked` };
  const namespace = event.involvedObject.namespace ?? "";
  const name = event.involvedObject.name;
  // One cluster: every event is its (the names flux-impact gives clusters need not match the Alert's).
  const cluster = record.clusters.length > 1 ? (context.cluster ?? event.metadata?.cluster) : undefined;
  const candidates = record.targets.filter(
    (t) =>
      t.kind === kind &&
      t.namespace === namespace &&
      t.name === name &&
      (cluster === undefined || t.cluster === cluster),
  );
  if (candidates.length === 0)
    return { applied: false, why: `${kind} ${namespace}/${name} is not changed by ${short(record.sha)}` };
  if (candidates.length > 1)
    return {
      applied: false,
      why: `${kind} ${namespace}/${name} is in ${candidates.length} clusters and the event names none`,
    };
  const target = candidates[0]!;
  const state = eventState(kind, event);
  if (!state) return { applied: false, why: "trace event" };
  const revision = event.metadata?.revision;
  if (kind === "Kustomization") {
    if (!revision) return { applied: false, why: "the event carries no revision" };
    const parsed = parseRevision(revision);
    if (parsed.kind !== "git") return { applied: false, why: `revision ${revision} is not a commit` };
    if (parsed.sha !== record.sha) {
      const at = context.order.indexOf(parsed.sha);
      const self = context.order.indexOf(record.sha);
      if (at < 0 || self < 0 || at < self)
        return { applied: false, why: `revision ${short(parsed.sha)} is not ${short(record.sha)} or later` };
      if (state !== "reconciled")
        return { applied: false, why: `a later commit's ${state === "failed" ? "failure" : "progress"}` };
    }
  } else {
    if (Date.parse(event.timestamp) < Date.parse(record.pushedAt))
      return { applied: false, why: "the event is older than the push" };
    if (target.chartVersion && revision && chartVersionOf(revision) !== chartVersionOf(target.chartVersion))
      return { applied: false, why: `chart ${revision} is not the version this commit deploys` };
  }
  if (target.at && Date.parse(event.timestamp) < Date.parse(target.at))
    return { applied: false, why: "older than the object's last event" };
  // Reconciled stays reconciled: only a later failure (of this commit) undoes it.
  if (target.state === "reconciled" && state !== "failed")
    return { applied: false, why: "already reconciled" };
  const updated: DeployTarget = {
    ...target,
    state,
    at: event.timestamp,
    reason: event.reason,
    message: event.message,
  };
  if (revision) updated.revision = revision;
  else delete updated.revision;
  const next: DeployRecord = { ...record, targets: record.targets.map((t) => (t === target ? updated : t)) };
  return { applied: true, record: next, target: updated };
}

/** `1.2.3+sha256.abcd` (an OCI chart's digest) and `v1.2.3` compare as 1.2.3. */
function chartVersionOf(v: string): string {
  return v.replace(/^v/, "").replace(/\+.*$/, "");
}

export type DeployStatus =
  | { status: "in_progress" }
  | { status: "completed"; conclusion: "success" | "failure" | "neutral" };

export function deployStatus(record: DeployRecord, now: string): DeployStatus {
  if (record.targets.some((t) => t.state === "failed")) return { status: "completed", conclusion: "failure" };
  if (record.targets.every((t) => t.state === "reconciled"))
    return { status: "completed", conclusion: "success" };
  if (Date.parse(now) >= Date.parse(record.deadline)) return { status: "completed", conclusion: "neutral" };
  return { status: "in_progress" };
}

export function targetLabel(t: Pick<DeployTarget, "cluster" | "kind" | "namespace" | "name">): string {
  return `${t.cluster ? `${t.cluster}: ` : ""}${t.kind} ${t.namespace ? `${t.namespace}/` : ""}${t.name}`;
}

export function short(sha: string): string {
  return sha.slice(0, 7);
}

/** Commits of the branch kept to order revisions (a day of busy pushes). */
export const ORDER_KEEP = 200;

/** The branch's commit order after a push from `before` to `after` (a force push starts it again). */
export function extendOrder(order: readonly string[], before: string, after: string): string[] {
  const at = order.lastIndexOf(before);
  const kept = at >= 0 ? order.slice(0, at + 1) : /^0+$/.test(before) ? [] : [before];
  if (kept[kept.length - 1] !== after) kept.push(after);
  return kept.slice(-ORDER_KEEP);
}
