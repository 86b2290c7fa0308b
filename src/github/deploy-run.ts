/**
 * Deploy tracking on GitHub (issue 16): after a push to the default branch, what the commit changes is
 * recorded and shown as a "Flux deploy" check run on the commit; as Flux's events arrive (the receiver in
 * src/runtime/flux-events.ts hands each one over), the record is updated and so are the check run and —
 * once the outcome is known — one comment on the merged pull request. A scheduled sweep ends the deploys
 * whose deadline passed with objects still silent (neutral, naming them).
 *
 * Records live in a conditional key-value store (Netlify Blobs in the App, memory in tests and
 * `npm start`); every change is a compare-and-set, so a burst of events handled at once loses none. GitHub
 * is written only when what it shows changes.
 */
import { createHash } from "node:crypto";
import type { AppConfig } from "../core/config/index.ts";
import {
  applyEvent,
  DEFAULT_DEPLOY_DEADLINE_MINUTES,
  DEPLOY_CHECK_NAME,
  type DeployRecord,
  decideFluxFailure,
  dependentsIndex,
  deployRecordFor,
  deployStatus,
  eventState,
  extendOrder,
  type FluxEvent,
  failureKey,
  fluxFailureActions,
  parseRevision,
  redactEventMessage,
  renderDeployCheckRun,
  renderDeployComment,
} from "../core/deploy/index.ts";
import { analyzePullRequest, type RepoSnapshot } from "../core/index.ts";
import type { LiveObjectState } from "../core/maintenance/index.ts";
import { type AppliedActions, applyIssueActions, configAndIssues } from "./issues.ts";
import {
  analyzedRepository,
  CountingClient,
  call,
  type GitHubClient,
  type RepoRef,
  serialized,
  snapshotAt,
} from "./jobs.ts";
import { DEFAULT_TARBALL_LIMITS, type TarballLimits } from "./tarball.ts";

export interface StoredDeploy {
  kind: "deploy";
  deploy: DeployRecord;
  checkRunId?: number;
  commentId?: number;
  /** Digest of the check run output last written (nothing is written again when it is the same). */
  written?: string;
  /** Digest of the comment last written. */
  commented?: string;
  /** When a worker set out to create the comment (the others leave it to that one). */
  commentClaim?: string;
}

/** A claim to create the comment older than this is taken over (its worker died). */
const COMMENT_CLAIM_MS = 2 * 60_000;

/** The default branch's commits as pushed (to order revisions) and the deploys still waiting for events. */
export interface StoredBranch {
  kind: "branch";
  /**
   * When the first Flux event of this repository arrived: deploys are tracked only from then on, so a
   * repository whose clusters send none gets no check run that could only end "not confirmed".
   */
  eventsSince: string;
  commits: string[];
  active: Array<{ sha: string; deadline: string }>;
  /** The default branch's name, from the last push. */
  defaultBranch?: string;
  /** Whether the repository has several clusters (failure issue keys name the cluster only then). */
  multiCluster?: boolean;
  /** What waits on each object (failure issue keys → dependents), from the last push's analysis. */
  dependents?: Record<string, string[]>;
  /** The commit (and pull request) that last changed each object, by failure issue key. */
  changedBy?: Record<string, { sha: string; pullRequest?: number }>;
  /** Objects with an open failure issue (a success of any other needs no GitHub request). */
  failing?: string[];
  /** Each object's last known state (the dashboard's live section), by failure issue key. */
  live?: Record<string, LiveRecord>;
  /**
   * Events that may belong to a commit whose push is still being analyzed: Flux can apply a commit before
   * the App has recorded what it changes. A new deploy takes them in.
   */
  early?: Array<{ event: FluxEvent; cluster?: string }>;
}

/** Early events kept, and for how long. */
const EARLY_KEEP = 300;
const EARLY_MS = 60 * 60_000;

/** An object's state as its last state-changing event left it. */
export interface LiveRecord {
  state: "progressing" | "reconciled" | "failed";
  since: string;
  reason: string;
  message: string;
}

/** Objects kept in the live section (the newest changes win). */
const LIVE_KEEP = 500;

export type StoredValue = StoredDeploy | StoredBranch;

/** A key-value store with create-only writes and compare-and-set (runtime: MemoryStore, BlobsStore). */
export interface DeployStore {
  get(key: string): Promise<{ value: StoredValue; etag: string } | undefined>;
  create(key: string, value: StoredValue): Promise<boolean>;
  replace(key: string, value: StoredValue, etag: string): Promise<string | undefined>;
  list(prefix?: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

export interface DeployOptions {
  store: DeployStore;
  log?: { info(msg: string): void; warn(msg: string): void };
  now?: () => number;
  limits?: TarballLimits;
}

/** Deploys tracked at once per repository; older ones are dropped from the active list first. */
export const MAX_ACTIVE = 20;
/** Compare-and-set attempts before giving up (the delivery then fails and is retried). */
const CAS_ATTEMPTS = 40;
/** Jittered wait between attempts: events of one merge arrive together and collide on one record. */
const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * 2 ** Math.min(attempt, 6)));

const repoKey = (job: RepoRef) => `${job.owner}/${job.repo}`.toLowerCase();
const branchKey = (job: RepoRef) => `branch/${repoKey(job)}`;
const deployKey = (job: RepoRef, sha: string) => `deploy/${repoKey(job)}/${sha}`;
const digest = (text: string) => createHash("sha256").update(text).digest("hex");

/** Read-modify-write with compare-and-set, retried on a conflicting write. `change` returns undefined to leave it. */
async function update<T extends StoredValue>(
  store: DeployStore,
  key: string,
  initial: () => T | undefined,
  change: (current: T) => T | undefined,
): Promise<T | undefined> {
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    if (attempt > 0) await backoff(attempt);
    const entry = await store.get(key);
    if (!entry) {
      const fresh = initial();
      if (!fresh) return undefined;
      const next = change(fresh) ?? fresh;
      if (await store.create(key, next)) return next;
      continue;
    }
    const next = change(entry.value as T);
    if (!next) return entry.value as T;
    if ((await store.replace(key, next, entry.etag)) !== undefined) return next;
  }
  throw new Error(`deploy store: ${key} kept changing under ${CAS_ATTEMPTS} attempts`);
}

export interface PushJob extends RepoRef {
  branch: string;
  before: string;
  after: string;
  /** When the push happened (RFC 3339). */
  pushedAt: string;
  /** What the branch check read for `after`. */
  head: RepoSnapshot;
  config: AppConfig;
}

export type DeployStart =
  | { kind: "tracking"; targets: number; checkRunId: number; pullRequest?: number; requests: number }
  | { kind: "nothing"; why: string; requests: number };

/**
 * One repository's deploy work at a time in this process: the records are compare-and-set anyway, but a
 * warm instance handling a merge's burst then rarely collides, and a store without compare-and-set (the
 * local Blobs server of `npm run e2e`) loses nothing.
 */
const oneAtATime = <T>(job: RepoRef, run: () => Promise<T>) => serialized(`deploys ${repoKey(job)}`, run);

/** Records what the pushed commit changes and opens its "Flux deploy" check run. */
export function startDeploy(
  client: GitHubClient,
  job: PushJob,
  options: DeployOptions,
): Promise<DeployStart> {
  return oneAtATime(job, () => start(client, job, options));
}

async function start(client: GitHubClient, job: PushJob, options: DeployOptions): Promise<DeployStart> {
  const gh = new CountingClient(client);
  const now = options.now ?? Date.now;
  const known = (await options.store.get(branchKey(job)))?.value;
  if (known?.kind !== "branch")
    return {
      kind: "nothing",
      why: "no Flux event has come from this repository's clusters yet",
      requests: gh.count,
    };
  await update<StoredBranch>(
    options.store,
    branchKey(job),
    () => undefined,
    (b) => ({ ...b, commits: extendOrder(b.commits, job.before, job.after) }),
  );
  if (/^0+$/.test(job.before))
    return { kind: "nothing", why: "a new branch has no earlier commit", requests: gh.count };
  const base = await snapshotAt(gh, job, job.before, "previous", options.limits ?? DEFAULT_TARBALL_LIMITS);
  const { report, head } = analyzePullRequest({
    base,
    head: job.head,
    config: job.config,
    analyze: { repository: analyzedRepository(job, job.branch) },
  });
  const multiCluster = head.clusters.length > 1;
  const pullRequest = await mergedPullRequest(gh, job);
  const record = deployRecordFor(report, {
    repository: `${job.owner}/${job.repo}`,
    branch: job.branch,
    sha: job.after,
    pushedAt: job.pushedAt,
    deadlineMinutes: job.config.deploys.deadlineMinutes ?? DEFAULT_DEPLOY_DEADLINE_MINUTES,
    ...(pullRequest !== undefined ? { pullRequest } : {}),
  });
  const dependents = dependentsIndex(head.clusters, !multiCluster);
  await update<StoredBranch>(
    options.store,
    branchKey(job),
    () => undefined,
    (b) => {
      const changedBy = { ...b.changedBy };
      for (const t of record?.targets ?? [])
        changedBy[failureKey(multiCluster ? t.cluster : "", t.kind, t.namespace, t.name)] = {
          sha: job.after,
          ...(pullRequest !== undefined ? { pullRequest } : {}),
        };
      return { ...b, defaultBranch: job.branch, multiCluster, dependents, changedBy };
    },
  );
  if (!record) return { kind: "nothing", why: "the commit changes no Flux object", requests: gh.count };
  // Events Flux sent while this push was being analyzed (a fast reconcile beats the analysis).
  let early = record;
  const branchNow = (await options.store.get(branchKey(job)))?.value;
  if (branchNow?.kind === "branch")
    for (const e of [...(branchNow.early ?? [])].sort(
      (a, b) => Date.parse(a.event.timestamp) - Date.parse(b.event.timestamp),
    )) {
      const out = applyEvent(early, e.event, {
        order: branchNow.commits,
        ...(e.cluster ? { cluster: e.cluster } : {}),
      });
      if (out.applied) early = out.record;
    }
  const existing = await options.store.get(deployKey(job, job.after));
  let stored: StoredDeploy;
  if (existing && existing.value.kind === "deploy" && existing.value.checkRunId !== undefined) {
    stored = existing.value; // a redelivered push: the deploy is already tracked
  } else {
    const output = renderDeployCheckRun(early, new Date(now()).toISOString());
    const created = await call<{ id: number }>(
      gh,
      "create the deploy check run",
      "POST /repos/{owner}/{repo}/check-runs",
      {
        owner: job.owner,
        repo: job.repo,
        name: DEPLOY_CHECK_NAME,
        head_sha: job.after,
        status: output.status,
        ...(output.conclusion
          ? { conclusion: output.conclusion, completed_at: new Date(now()).toISOString() }
          : {}),
        started_at: job.pushedAt,
        output: { title: output.title, summary: output.summary },
      },
    );
    stored = {
      kind: "deploy",
      deploy: early,
      checkRunId: created.id,
      written: digest(JSON.stringify(significant(early, output))),
    };
    await update<StoredDeploy>(
      options.store,
      deployKey(job, job.after),
      () => stored,
      (d) => (d.checkRunId ? undefined : stored),
    );
  }
  await update<StoredBranch>(
    options.store,
    branchKey(job),
    () => undefined,
    (b) =>
      b.active.some((a) => a.sha === job.after)
        ? undefined
        : { ...b, active: [...b.active, { sha: job.after, deadline: record.deadline }].slice(-MAX_ACTIVE) },
  );
  // The early events may already complete it: the check run and the comment say so now.
  await show(gh, job, job.after, options, () => new Date(now()).toISOString());
  return {
    kind: "tracking",
    targets: record.targets.length,
    checkRunId: stored.checkRunId!,
    ...(pullRequest !== undefined ? { pullRequest } : {}),
    requests: gh.count,
  };
}

/** The pull request merged as this commit (GitHub's list for the commit; the first merged one into the branch). */
async function mergedPullRequest(gh: CountingClient, job: PushJob): Promise<number | undefined> {
  const pulls = await call<
    Array<{
      number: number;
      merged_at?: string | null;
      merge_commit_sha?: string | null;
      base?: { ref?: string };
    }>
  >(gh, "find the merged pull request", "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", {
    owner: job.owner,
    repo: job.repo,
    commit_sha: job.after,
    per_page: 100,
  });
  const merged = (Array.isArray(pulls) ? pulls : []).filter((p) => p.merged_at && p.base?.ref === job.branch);
  return (merged.find((p) => p.merge_commit_sha === job.after) ?? merged[0])?.number;
}

export interface EventJob extends RepoRef {
  cluster?: string;
  event: FluxEvent;
}

export interface EventOutcome {
  /** Commits whose deploy the event changed. */
  applied: string[];
  /** Why it changed none (one reason per active deploy). */
  skipped: string[];
  writes: number;
  /** The failing object's issue: what was decided, and written unless a dry run. */
  issue?: { decision: string; why?: string; applied?: AppliedActions; dryRun?: boolean } | undefined;
  requests: number;
}

/** Folds one Flux event into every active deploy of the repository and shows what changed. */
export function applyFluxEvent(
  client: GitHubClient,
  job: EventJob,
  options: DeployOptions,
): Promise<EventOutcome> {
  return oneAtATime(job, () => apply(client, job, options));
}

async function apply(client: GitHubClient, job: EventJob, options: DeployOptions): Promise<EventOutcome> {
  const gh = new CountingClient(client);
  const now = () => new Date((options.now ?? Date.now)()).toISOString();
  const outcome: EventOutcome = { applied: [], skipped: [], writes: 0, requests: 0 };
  // One write to the branch's record per event at most: created by the first, the object's live state
  // and the early events kept (each only when it changes something).
  const at = now();
  const branch = await update<StoredBranch>(
    options.store,
    branchKey(job),
    () => ({ kind: "branch", eventsSince: at, commits: [], active: [] }),
    (b) => {
      const live = withLive(b, job);
      const early = withEarly(live ?? b, job, at);
      return early ?? live;
    },
  );
  if (!branch) return outcome;
  outcome.issue = await failureIssue(gh, job, branch, options, now);
  if (branch.active.length === 0) {
    outcome.skipped.push("no deploy is being tracked");
    outcome.requests = gh.count;
    return outcome;
  }
  for (const { sha } of [...branch.active].reverse()) {
    let why: string | undefined;
    const stored = await update<StoredDeploy>(
      options.store,
      deployKey(job, sha),
      () => undefined,
      (d) => {
        const r = applyEvent(d.deploy, job.event, {
          order: branch.commits,
          ...(job.cluster ? { cluster: job.cluster } : {}),
        });
        if (!r.applied) {
          why = r.why;
          return undefined;
        }
        why = undefined;
        return { ...d, deploy: r.record };
      },
    );
    if (!stored) {
      outcome.skipped.push(`${sha.slice(0, 7)}: no record`);
      continue;
    }
    if (why !== undefined) outcome.skipped.push(`${sha.slice(0, 7)}: ${why}`);
    else outcome.applied.push(sha);
    // Also when not applied: what an earlier run of this delivery recorded may not be shown yet.
    outcome.writes += await show(gh, job, sha, options, now);
  }
  outcome.requests = gh.count;
  return outcome;
}

/**
 * The branch's record keeping an event a deploy recorded later may need — a Kustomization's at a commit no
 * deploy tracks yet, a HelmRelease's (its revision is a chart version, not a commit) — or undefined.
 */
function withEarly(b: StoredBranch, job: EventJob, now: string): StoredBranch | undefined {
  const { event } = job;
  const o = event.involvedObject;
  if (o.kind !== "Kustomization" && o.kind !== "HelmRelease") return undefined;
  if (o.kind === "Kustomization") {
    const revision = parseRevision(event.metadata?.revision ?? "");
    // At a commit no deploy tracks yet: its push may still be being analyzed.
    if (revision.kind !== "git" || b.active.some((a) => a.sha === revision.sha)) return undefined;
  }
  const cutoff = Date.parse(now) - EARLY_MS;
  return {
    ...b,
    early: [...(b.early ?? []), { event, ...(job.cluster ? { cluster: job.cluster } : {}) }]
      .filter((e) => Date.parse(e.event.timestamp) >= cutoff)
      .slice(-EARLY_KEEP),
  };
}

/**
 * The branch's record with the object's last known state, or undefined when the event does not change
 * that state (a burst of progress changes it once).
 */
function withLive(b: StoredBranch, job: EventJob): StoredBranch | undefined {
  const { event } = job;
  const o = event.involvedObject;
  if (o.kind !== "Kustomization" && o.kind !== "HelmRelease") return undefined;
  const state = eventState(o.kind, event);
  if (!state || state === "pending") return undefined;
  const cluster = b.multiCluster ? (job.cluster ?? event.metadata?.cluster ?? "") : "";
  const key = failureKey(cluster, o.kind, o.namespace ?? "", o.name);
  const known = b.live?.[key];
  if (known && (known.state === state || Date.parse(known.since) > Date.parse(event.timestamp)))
    return undefined;
  const entry: LiveRecord = {
    state,
    since: event.timestamp,
    reason: event.reason,
    message: event.message.slice(0, 300),
  };
  const live = Object.entries({ ...b.live, [key]: entry })
    .sort(([, x], [, y]) => Date.parse(y.since) - Date.parse(x.since))
    .slice(0, LIVE_KEEP);
  return { ...b, live: Object.fromEntries(live) };
}

/** The live section of the dashboard: each object's state, labelled as failure issues name them. */
export async function liveStates(store: DeployStore, repo: RepoRef): Promise<LiveObjectState[] | undefined> {
  const branch = (await store.get(branchKey(repo)))?.value;
  if (branch?.kind !== "branch" || !branch.live) return undefined;
  return Object.entries(branch.live).map(([key, r]) => {
    const [cluster, kind, name] = key.split("|");
    return {
      object: `${cluster ? `${cluster}: ` : ""}${kind} ${name}`,
      state: r.state,
      since: r.since,
      reason: r.reason,
      message: redactEventMessage(r.message),
    };
  });
}

/**
 * The failing object's issue (core: decideFluxFailure). A failure reads the configuration and the App's
 * issues (one GraphQL request); a success does only for an object with an open issue.
 */
async function failureIssue(
  gh: CountingClient,
  job: EventJob,
  branch: StoredBranch,
  options: DeployOptions,
  now: () => string,
): Promise<EventOutcome["issue"]> {
  const { event } = job;
  const o = event.involvedObject;
  if (o.kind !== "Kustomization" && o.kind !== "HelmRelease") return undefined;
  const state = eventState(o.kind, event);
  if (state !== "failed" && state !== "reconciled") return undefined;
  const cluster = branch.multiCluster ? (job.cluster ?? event.metadata?.cluster ?? "") : "";
  const key = failureKey(cluster, o.kind, o.namespace ?? "", o.name);
  if (state === "reconciled" && !branch.failing?.includes(key)) return undefined;
  const revision = event.metadata?.revision ? parseRevision(event.metadata.revision) : undefined;
  if (
    revision?.kind === "git" &&
    revision.ref &&
    branch.defaultBranch &&
    revision.ref !== branch.defaultBranch
  )
    return { decision: "none", why: `revision of ${revision.ref}, not the default branch` };
  const read = await configAndIssues(gh, job);
  const config = read.config.config.deploys;
  const context = {
    cluster,
    defaultBranch: branch.defaultBranch ?? "the default branch",
    repository: `${job.owner}/${job.repo}`,
    now: now(),
    ...(branch.changedBy?.[key] ? { lastChange: branch.changedBy[key] } : {}),
    ...(branch.dependents ? { dependents: branch.dependents[key] ?? [] } : {}),
  };
  const { decision, duplicates } = decideFluxFailure(event, context, config, read.issues);
  const actions = [...duplicates, ...fluxFailureActions(decision, key, event, context, config)];
  const why = decision.kind === "none" ? decision.why : undefined;
  if (actions.length === 0) return { decision: decision.kind, ...(why ? { why } : {}) };
  if (config.dryRun) {
    options.log?.info(
      `flux-impact ${job.owner}/${job.repo}: dry run (deploys.dryRun): would ${actions.map((a) => a.kind).join(", ")} the issue of ${key}`,
    );
    return { decision: decision.kind, dryRun: true };
  }
  const applied = await applyIssueActions(gh, job, actions);
  await update<StoredBranch>(
    options.store,
    branchKey(job),
    () => undefined,
    (b) => {
      const failing = new Set(b.failing ?? []);
      if (decision.kind === "close") failing.delete(key);
      else if (decision.kind === "open" || decision.kind === "comment") failing.add(key);
      else return undefined;
      return { ...b, failing: [...failing] };
    },
  );
  return { decision: decision.kind, applied };
}

/**
 * Brings the check run and the comment in line with the stored record: written only when their text
 * changed, and again if the record moved on while writing (another event handled at the same time). One
 * worker creates the comment: it claims that in the record first (compare-and-set), the others leave it.
 */
async function show(
  gh: CountingClient,
  job: RepoRef,
  sha: string,
  options: DeployOptions,
  now: () => string,
): Promise<number> {
  const key = deployKey(job, sha);
  let writes = 0;
  for (let round = 0; round < 6; round++) {
    const entry = await options.store.get(key);
    if (entry?.value.kind !== "deploy") return writes;
    const d = entry.value;
    const at = now();
    const run = renderDeployCheckRun(d.deploy, at);
    const runDigest = digest(JSON.stringify(significant(d.deploy, run)));
    const done = deployStatus(d.deploy, at).status === "completed";
    const comment =
      done && d.deploy.pullRequest !== undefined ? renderDeployComment(d.deploy, at) : undefined;
    const commentDigest = comment === undefined ? undefined : digest(comment);
    const commentDue = commentDigest !== undefined && commentDigest !== d.commented;
    const claimed =
      d.commentClaim !== undefined && Date.parse(at) - Date.parse(d.commentClaim) < COMMENT_CLAIM_MS;
    if (runDigest === d.written && (!commentDue || (d.commentId === undefined && claimed))) return writes;
    if (runDigest !== d.written && d.checkRunId !== undefined) {
      // Claimed first: of the workers that see the same new state, one writes it.
      const etag = await options.store.replace(key, { ...d, written: runDigest }, entry.etag);
      if (etag === undefined) continue;
      try {
        await call(
          gh,
          "update the deploy check run",
          "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
          {
            owner: job.owner,
            repo: job.repo,
            check_run_id: d.checkRunId,
            status: run.status,
            ...(run.conclusion ? { conclusion: run.conclusion, completed_at: at } : {}),
            output: { title: run.title, summary: run.summary },
          },
        );
      } catch (error) {
        // Not shown after all: the next event (or this delivery's retry) writes it.
        await update<StoredDeploy>(
          options.store,
          key,
          () => undefined,
          (cur) => (cur.written === runDigest ? { ...cur, written: d.written ?? "" } : undefined),
        ).catch(() => {});
        throw error;
      }
      writes++;
      continue;
    }
    let next: StoredDeploy = d;
    if (commentDue && d.commentId !== undefined) {
      await call(
        gh,
        "update the deploy comment",
        "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
        {
          owner: job.owner,
          repo: job.repo,
          comment_id: d.commentId,
          body: comment,
        },
      );
      writes++;
      next = { ...next, commented: commentDigest };
    } else if (commentDue && !claimed) {
      const etag = await options.store.replace(key, { ...next, commentClaim: at }, entry.etag);
      if (etag === undefined) continue;
      const created = await call<{ id: number }>(
        gh,
        "comment on the merged pull request",
        "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
        { owner: job.owner, repo: job.repo, issue_number: d.deploy.pullRequest, body: comment },
      );
      writes++;
      await update<StoredDeploy>(
        options.store,
        key,
        () => undefined,
        (cur) => {
          const { commentClaim: _, ...rest } = cur;
          return { ...rest, commentId: created.id, commented: commentDigest };
        },
      );
      continue;
    }
    if ((await options.store.replace(key, next, entry.etag)) !== undefined) return writes;
  }
  return writes;
}

/**
 * What makes the check run worth writing again: its state and title, and each object's state (and a
 * failure's message). An object's progress messages alone do not: a merge's burst of events is a few
 * writes, not one per event; each write carries the latest text.
 */
function significant(record: DeployRecord, run: { status: string; conclusion?: string; title: string }) {
  return {
    status: run.status,
    conclusion: run.conclusion,
    title: run.title,
    targets: record.targets.map((t) => [t.state, t.state === "failed" ? (t.message ?? "") : ""]),
  };
}

export interface SweepOutcome {
  ended: string[];
  writes: number;
}

/**
 * The scheduled end of deploys: each active deploy past its deadline is shown as it stands (neutral with
 * the silent objects, or failure) and leaves the active list; a completed one leaves it too.
 */
export function sweepDeploys(
  client: GitHubClient,
  repo: RepoRef,
  options: DeployOptions,
): Promise<SweepOutcome> {
  return oneAtATime(repo, () => sweep(client, repo, options));
}

async function sweep(client: GitHubClient, repo: RepoRef, options: DeployOptions): Promise<SweepOutcome> {
  const gh = new CountingClient(client);
  const nowMs = (options.now ?? Date.now)();
  const now = () => new Date(nowMs).toISOString();
  const out: SweepOutcome = { ended: [], writes: 0 };
  const branch = (await options.store.get(branchKey(repo)))?.value;
  if (branch?.kind !== "branch") return out;
  const ended: string[] = [];
  for (const { sha, deadline } of branch.active) {
    if (Date.parse(deadline) > nowMs) continue;
    out.writes += await show(gh, repo, sha, options, now);
    ended.push(sha);
  }
  if (ended.length === 0) return out;
  await update<StoredBranch>(
    options.store,
    branchKey(repo),
    () => undefined,
    (b) => ({
      ...b,
      active: b.active.filter((a) => !ended.includes(a.sha)),
    }),
  );
  out.ended = ended;
  return out;
}

/** Repositories with deploys in the store (for the scheduled sweep). */
export async function trackedRepositories(store: DeployStore): Promise<RepoRef[]> {
  const keys = await store.list("branch/");
  return keys.flatMap((k) => {
    const [, owner, repo] = k.split("/");
    return owner && repo ? [{ owner, repo }] : [];
  });
}

/**
 * Installation ids by repository, for a warm instance: a merge's events would otherwise ask GitHub once
 * each. An uninstalled App's installation token stops working soon enough to notice.
 */
const installations = new Map<string, { id: number; until: number }>();
const INSTALLATION_TTL_MS = 10 * 60_000;

/** The App's own authentication (Probot's `auth`): the app itself, or one installation. */
export interface AppAuth {
  auth(installationId?: number): Promise<GitHubClient>;
}

/** A `flux_event` delivery as the receiver hands it over (src/runtime/flux-events.ts). */
export interface FluxEventDelivery {
  repository: { owner: { login: string }; name: string };
  cluster?: string;
  event: FluxEvent;
}

/**
 * Runs a handed-over Flux event as the installation of its repository. A repository the App is not
 * installed on gets nothing (GitHub answers 404): the event is dropped, logged.
 */
export async function receiveFluxEvent(
  app: AppAuth,
  delivery: FluxEventDelivery,
  options: DeployOptions,
): Promise<EventOutcome | { notInstalled: true }> {
  const repo = { owner: delivery.repository.owner.login, repo: delivery.repository.name };
  const appClient = new CountingClient(await app.auth());
  const now = (options.now ?? Date.now)();
  let installation = installations.get(repoKey(repo));
  if (!installation || installation.until < now) {
    try {
      const found = await call<{ id: number }>(
        appClient,
        "find the App's installation",
        "GET /repos/{owner}/{repo}/installation",
        repo,
      );
      installation = { id: found.id, until: now + INSTALLATION_TTL_MS };
      installations.set(repoKey(repo), installation);
    } catch (error) {
      if ((error as { status?: number }).status === 404) {
        installations.delete(repoKey(repo));
        options.log?.warn(
          `flux-impact: Flux event for ${repo.owner}/${repo.repo}, where the App is not installed`,
        );
        return { notInstalled: true };
      }
      throw error;
    }
  }
  const outcome = await applyFluxEvent(
    await app.auth(installation.id),
    { ...repo, event: delivery.event, ...(delivery.cluster ? { cluster: delivery.cluster } : {}) },
    options,
  );
  return { ...outcome, requests: outcome.requests + appClient.count };
}
