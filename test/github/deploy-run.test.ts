import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadDirectorySnapshot } from "../../src/cli/fs-snapshot.ts";
import { DEFAULT_CONFIG } from "../../src/core/config/index.ts";
import { applyEvent } from "../../src/core/deploy/index.ts";
import {
  applyFluxEvent,
  type DeployStore,
  liveStates,
  receiveFluxEvent,
  type StoredDeploy,
  type StoredValue,
  startDeploy,
  sweepDeploys,
} from "../../src/github/deploy-run.ts";
import { MemoryStore } from "../../src/runtime/deliveries.ts";
import { fluxEvent } from "../support/flux/events.ts";
import { readTree } from "../support/fs/disk-tree.ts";
import { GitHubDouble } from "../support/github/github-double.ts";
import { guardNetwork, testProbot } from "../support/github/probot.ts";

const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "homelab");
const BEFORE = "1".repeat(40);
const AFTER = "2".repeat(40);
const PUSHED = "2026-12-07T10:00:00.000Z";
const at = (minutes: number) => new Date(Date.parse(PUSHED) + minutes * 60_000).toISOString();

guardNetwork();

let double: GitHubDouble;
let store: DeployStore & MemoryStore<StoredValue>;
beforeEach(async () => {
  double = new GitHubDouble();
  await double.addTree(BEFORE, readTree(join(EXAMPLE, "base")).files);
  double.addMergedPull(7, AFTER);
  double.install();
  store = new MemoryStore<StoredValue>();
});
afterEach(() => nock.cleanAll());

const repo = () => ({ owner: double.owner, repo: double.repo });

async function client() {
  return (await testProbot()).auth(1);
}

async function push(now = Date.parse(PUSHED)) {
  return startDeploy(
    (await client()) as never,
    {
      ...repo(),
      branch: "main",
      before: BEFORE,
      after: AFTER,
      pushedAt: PUSHED,
      head: loadDirectorySnapshot(join(EXAMPLE, "head")),
      config: DEFAULT_CONFIG,
    },
    { store, now: () => now },
  );
}

const TARGETS = [
  ["Kustomization", "flux-system", "cluster-apps"],
  ["Kustomization", "flux-system", "cluster-vars"],
  ["Kustomization", "flux-system", "immich"],
  ["Kustomization", "flux-system", "jellyfin"],
  ["HelmRelease", "media", "immich"],
  ["HelmRelease", "media", "jellyfin"],
] as const;

function success(kind: string, namespace: string, name: string, minute: number) {
  return fluxEvent({
    kind: kind as "Kustomization",
    namespace,
    name,
    reason: kind === "HelmRelease" ? "UpgradeSucceeded" : "ReconciliationSucceeded",
    revision: kind === "HelmRelease" ? (name === "immich" ? "0.9.0" : "1.4.2") : `main@sha1:${AFTER}`,
    timestamp: at(minute),
  });
}

async function event(e: ReturnType<typeof fluxEvent>, minute: number, cluster?: string) {
  return applyFluxEvent(
    (await client()) as never,
    { ...repo(), event: e, ...(cluster ? { cluster } : {}) },
    { store, now: () => Date.parse(at(minute)) },
  );
}

/** The cluster's first event (at the commit before the merge): it opts the repository in. */
async function optIn() {
  const e = fluxEvent({
    name: "flux-system",
    reason: "ReconciliationSucceeded",
    revision: `main@sha1:${BEFORE}`,
    timestamp: at(-60),
  });
  return event(e, -60);
}

async function deployCheckRun() {
  const runs = [...double.checkRuns.values()].filter((r) => r.name === "Flux deploy");
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

describe("github/deploy-run", () => {
  it("tracks nothing for a repository whose clusters have sent no event", async () => {
    const out = await push();
    expect(out).toMatchObject({
      kind: "nothing",
      why: "no Flux event has come from this repository's clusters yet",
    });
    expect(double.writes).toEqual([]);
  });

  it("opens a Flux deploy check run, completes it from events, and comments once on the merged PR", async () => {
    // The first event of the repository opts it in (nothing to attribute it to yet).
    const first = await optIn();
    expect(first.skipped).toEqual(["no deploy is being tracked"]);

    const started = await push();
    expect(started).toMatchObject({ kind: "tracking", targets: 6, pullRequest: 7 });
    const run = await deployCheckRun();
    expect(run).toMatchObject({
      headSha: AFTER,
      status: "in_progress",
      title: "deploying to cluster: 0 of 6 reconciled so far",
    });

    for (const [i, [kind, ns, name]] of TARGETS.entries()) await event(success(kind, ns, name, 1 + i / 2), 4);
    expect(run.status).toBe("completed");
    expect(run.conclusion).toBe("success");
    expect(run.title).toBe("deployed to cluster: 6 of 6 reconciled in 4 min");
    const comments = double.pull(7).comments;
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(
      /^<!-- flux-impact:deploy -->\n✅ \*\*Flux deploy of `2222222`\*\*: deployed to `cluster`: 6 of 6 reconciled in 4 min/,
    );
    // Nothing is posted while in progress: one comment, with the outcome.
    expect(run.patches.filter((p) => p.status === "in_progress").length).toBeGreaterThan(0);
  });

  it("fails on a failure with Flux's message, and says so on the PR", async () => {
    await optIn();
    await push();
    const failure = fluxEvent({
      name: "jellyfin",
      reason: "HealthCheckFailed",
      severity: "error",
      message:
        "health check failed after 5m0s: timeout waiting for: [Deployment/media/jellyfin status: 'InProgress']",
      revision: `main@sha1:${AFTER}`,
      timestamp: at(6),
    });
    const out = await event(failure, 6);
    expect(out.applied).toEqual([AFTER]);
    const run = await deployCheckRun();
    expect(run.conclusion).toBe("failure");
    expect(double.pull(7).comments[0]!.body).toContain(
      "❌ **Flux deploy of `2222222`**: `Kustomization flux-system/jellyfin` failed: health check failed after 5m0s",
    );
  });

  it("does not attribute events for other objects or earlier revisions, and writes nothing for them", async () => {
    await optIn();
    await push();
    const writes = double.writes.length;
    const other = await event(success("Kustomization", "flux-system", "home-assistant", 2), 2);
    expect(other.applied).toEqual([]);
    const earlier = fluxEvent({
      name: "immich",
      reason: "ReconciliationSucceeded",
      revision: `main@sha1:${BEFORE}`,
      timestamp: at(2),
    });
    expect((await event(earlier, 2)).applied).toEqual([]);
    expect(double.writes.length).toBe(writes);
  });

  it("ends a deploy with silent objects as neutral at the deadline, naming them", async () => {
    await optIn();
    await push();
    for (const [kind, ns, name] of TARGETS.slice(0, 4)) await event(success(kind, ns, name, 2), 2);
    const early = await sweepDeploys((await client()) as never, repo(), {
      store,
      now: () => Date.parse(at(10)),
    });
    expect(early.ended).toEqual([]);
    const late = await sweepDeploys((await client()) as never, repo(), {
      store,
      now: () => Date.parse(at(31)),
    });
    expect(late.ended).toEqual([AFTER]);
    const run = await deployCheckRun();
    expect(run.conclusion).toBe("neutral");
    expect(run.title).toBe("deploy to cluster not confirmed: 4 of 6 reconciled, 2 silent after 30 min");
    expect(double.pull(7).comments[0]!.body).toContain("⚠️");
    // Once ended it takes no more events.
    expect((await event(success("HelmRelease", "media", "immich", 40), 40)).skipped).toEqual([
      "no deploy is being tracked",
    ]);
  });

  it("loses no event of a burst of 200 for one merge, handled all at once", async () => {
    await optIn();
    await push();
    const before = double.requests.length;
    const burst = Array.from({ length: 200 }, (_, i) => {
      const [kind, ns, name] = TARGETS[i % TARGETS.length]!;
      // Progress first, then the successes; unrelated objects' events mixed in.
      if (i % 10 === 9) return success("Kustomization", "flux-system", `unrelated-${i}`, 3);
      if (i < 150)
        return fluxEvent({
          kind: kind as "Kustomization",
          namespace: ns,
          name,
          reason: "Progressing",
          revision: kind === "HelmRelease" ? "0.9.0" : `main@sha1:${AFTER}`,
          timestamp: at(1 + i / 100),
        });
      return success(kind, ns, name, 3 + i / 100);
    });
    const c = (await client()) as never;
    const outcomes = await Promise.all(
      burst.map((e) => applyFluxEvent(c, { ...repo(), event: e }, { store, now: () => Date.parse(at(5)) })),
    );
    const entry = await store.get(`deploy/${repo().owner}/${repo().repo}/${AFTER}`.toLowerCase());
    const stored = entry!.value as StoredDeploy;
    expect(stored.deploy.targets.map((t) => t.state)).toEqual(Array(6).fill("reconciled"));
    const run = await deployCheckRun();
    expect(run.conclusion).toBe("success");
    expect(double.pull(7).comments).toHaveLength(1);
    const requests = double.requests.length - before;
    const writes = outcomes.reduce((n, o) => n + o.writes, 0);
    // Written only when what GitHub shows changed: far fewer writes than events.
    // Each state GitHub shows is written once: pending → progressing → reconciled, and the comment.
    expect(writes).toBeLessThanOrEqual(20);
    expect(requests).toBeLessThanOrEqual(25);
  });

  it("runs a handed-over event as the repository's installation, and drops one for a repository without it", async () => {
    await optIn();
    await push();
    const probot = await testProbot();
    const app = { auth: (id?: number) => probot.auth(id) as never };
    const delivery = {
      repository: { owner: { login: double.owner }, name: double.repo },
      event: success("Kustomization", "flux-system", "immich", 2),
    };
    const out = await receiveFluxEvent(app, delivery, { store, now: () => Date.parse(at(2)) });
    expect(out).toMatchObject({ applied: [AFTER] });
    double.fault = (route) => (route.endsWith("/installation") ? { status: 404 } : undefined);
    // Once the cached installation id is older than ten minutes, GitHub is asked again.
    const later = { store, now: () => Date.parse(at(13)) };
    expect(await receiveFluxEvent(app, delivery, later)).toEqual({ notInstalled: true });
  });
});

describe("github/deploy-run failure issues", () => {
  const failed = (minute: number, revision = AFTER) =>
    fluxEvent({
      name: "immich",
      reason: "ReconciliationFailed",
      severity: "error",
      message:
        "Deployment/media/immich dry-run failed: spec.template.spec.containers[0].image: Required value",
      revision: `main@sha1:${revision}`,
      timestamp: at(minute),
    });

  it("opens an issue for a failing object, keeps quiet on Flux's retries, and closes it on recovery", async () => {
    await optIn();
    await push();
    const first = await event(failed(2), 2);
    expect(first.issue).toMatchObject({ decision: "open", applied: { opened: [expect.any(Number)] } });
    const issue = [...double.issues.values()][0]!;
    expect(issue.title).toBe("Flux Kustomization flux-system/immich is failing");
    expect(issue.labels).toEqual(["flux-impact", "flux-failure"]);
    expect(issue.body).toContain("Last changed by [2222222]");
    expect(issue.body).toContain("(#7)");
    expect(issue.body).toContain("flux reconcile kustomization immich --with-source -n flux-system");
    expect((await event(failed(7), 7)).issue).toMatchObject({ decision: "none" });
    const recovered = await event(success("Kustomization", "flux-system", "immich", 9), 9);
    expect(recovered.issue).toMatchObject({ decision: "close" });
    expect(issue.state).toBe("closed");
    expect(issue.comments.at(-1)).toMatch(/^Recovered: Flux reports ReconciliationSucceeded/);
    // A success of an object without an issue costs no request.
    const before = double.requests.length;
    await event(success("Kustomization", "flux-system", "jellyfin", 10), 10);
    expect(double.requests.slice(before).filter((r) => r.includes("graphql"))).toEqual([]);
  });

  it("writes no issue in a dry run", async () => {
    double.config = "deploys:\n  dryRun: true\n";
    await optIn();
    const out = await event(failed(2), 2);
    expect(out.issue).toEqual({ decision: "open", dryRun: true });
    expect(double.issues.size).toBe(0);
  });

  it("ignores a failure at a revision of another branch", async () => {
    await optIn();
    await push();
    const staging = fluxEvent({
      name: "immich",
      reason: "BuildFailed",
      severity: "error",
      revision: `staging@sha1:${"9".repeat(40)}`,
      timestamp: at(3),
    });
    expect((await event(staging, 3)).issue).toEqual({
      decision: "none",
      why: "revision of staging, not the default branch",
    });
    expect(double.issues.size).toBe(0);
  });
});

describe("github/deploy-run across instances", () => {
  it("keeps both events when another instance writes the record between a read and the write", async () => {
    await optIn();
    await push();
    const key = `deploy/${repo().owner}/${repo().repo}/${AFTER}`.toLowerCase();
    // Another instance applies jellyfin's success right after this one read the record.
    let interfered = false;
    const racing: DeployStore = {
      get: (k) => store.get(k),
      create: (k, v) => store.create(k, v),
      list: (p) => store.list(p),
      delete: (k) => store.delete(k),
      replace: async (k, v, etag) => {
        if (k === key && !interfered) {
          interfered = true;
          const current = (await store.get(k))!;
          const d = current.value as StoredDeploy;
          const other = applyEvent(d.deploy, success("Kustomization", "flux-system", "jellyfin", 2), {
            order: [BEFORE, AFTER],
          });
          if (other.applied) await store.replace(k, { ...d, deploy: other.record }, current.etag);
        }
        return store.replace(k, v, etag);
      },
    };
    await applyFluxEvent(
      (await client()) as never,
      { ...repo(), event: success("Kustomization", "flux-system", "immich", 2) },
      { store: racing, now: () => Date.parse(at(2)) },
    );
    const stored = (await store.get(key))!.value as StoredDeploy;
    const states = Object.fromEntries(stored.deploy.targets.map((t) => [`${t.kind} ${t.name}`, t.state]));
    expect(interfered).toBe(true);
    expect(states["Kustomization immich"]).toBe("reconciled");
    expect(states["Kustomization jellyfin"]).toBe("reconciled");
  });
});

describe("github/deploy-run live states", () => {
  it("keeps each object's last state change for the dashboard, not every event", async () => {
    await optIn();
    const progress = (minute: number) =>
      fluxEvent({
        name: "jellyfin",
        reason: "Progressing",
        revision: `main@sha1:${AFTER}`,
        timestamp: at(minute),
      });
    await event(progress(1), 1);
    await event(progress(2), 2); // the same state: it stays "since" the first
    expect((await liveStates(store, repo()))?.find((o) => o.object.endsWith("jellyfin"))?.since).toBe(at(1));
    await event(
      fluxEvent({
        name: "jellyfin",
        reason: "BuildFailed",
        severity: "error",
        message: "kustomize build failed",
        revision: `main@sha1:${AFTER}`,
        timestamp: at(3),
      }),
      3,
    );
    const live = await liveStates(store, repo());
    expect(live).toEqual(
      expect.arrayContaining([
        {
          object: "Kustomization flux-system/flux-system",
          state: "reconciled",
          since: at(-60),
          reason: "ReconciliationSucceeded",
          message: "ReconciliationSucceeded flux-system",
        },
        {
          object: "Kustomization flux-system/jellyfin",
          state: "failed",
          since: at(3),
          reason: "BuildFailed",
          message: "kustomize build failed",
        },
      ]),
    );
  });
});

describe("github/deploy-run events before the deploy is recorded", () => {
  it("takes in what Flux reported while the push was being analyzed", async () => {
    await optIn();
    // Flux reconciles the merge before the App has analyzed its push.
    for (const [kind, ns, name] of TARGETS) await event(success(kind, ns, name, 1), 1);
    const started = await push(Date.parse(at(2)));
    expect(started).toMatchObject({ kind: "tracking", targets: 6 });
    const run = await deployCheckRun();
    expect(run.conclusion).toBe("success");
    expect(double.pull(7).comments).toHaveLength(1);
  });
});
