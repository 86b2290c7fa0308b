import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDirectorySnapshot } from "../../../src/cli/fs-snapshot.ts";
import {
  applyEvent,
  type DeployRecord,
  deployRecordFor,
  deployStatus,
  eventState,
  extendOrder,
  type FluxEvent,
  parseFluxEvent,
  parseRevision,
  renderDeployCheckRun,
  renderDeployComment,
} from "../../../src/core/deploy/index.ts";
import { analyzePullRequest } from "../../../src/core/index.ts";
import { FLUX_REASONS, fluxEvent } from "../../support/flux/events.ts";

const EXAMPLE = join(import.meta.dirname, "..", "..", "..", "examples", "homelab");
const SHA = "a".repeat(40);
const LATER = "b".repeat(40);
const EARLIER = "c".repeat(40);
const PUSHED = "2026-12-07T10:00:00Z";
const ORDER = [EARLIER, SHA, LATER];

const report = analyzePullRequest({
  base: loadDirectorySnapshot(join(EXAMPLE, "base")),
  head: loadDirectorySnapshot(join(EXAMPLE, "head")),
}).report;

function record(): DeployRecord {
  const r = deployRecordFor(report, {
    repository: "o/r",
    branch: "main",
    sha: SHA,
    pushedAt: PUSHED,
    pullRequest: 7,
  });
  if (!r) throw new Error("the example changes Flux objects");
  return r;
}

function ks(name: string, reason: string, sha: string, at: string, severity: FluxEvent["severity"] = "info") {
  return {
    involvedObject: { kind: "Kustomization", namespace: "flux-system", name },
    severity,
    timestamp: at,
    message: `${reason} for ${name}`,
    reason,
    metadata: { revision: `main@sha1:${sha}` },
    reportingController: "kustomize-controller",
  } satisfies FluxEvent;
}

function hr(
  name: string,
  reason: string,
  version: string,
  at: string,
  severity: FluxEvent["severity"] = "info",
) {
  return {
    involvedObject: { kind: "HelmRelease", namespace: "media", name },
    severity,
    timestamp: at,
    message: `${reason} ${name}`,
    reason,
    metadata: { revision: version },
    reportingController: "helm-controller",
  } satisfies FluxEvent;
}

/** Folds events into the record, keeping each applied one. */
function fold(r: DeployRecord, events: FluxEvent[], order = ORDER) {
  let current = r;
  const skipped: string[] = [];
  for (const e of events) {
    const out = applyEvent(current, e, { order });
    if (out.applied) current = out.record;
    else skipped.push(out.why);
  }
  return { record: current, skipped };
}

function everythingSucceeds(at = "2026-12-07T10:03:00Z"): FluxEvent[] {
  return [
    ...["cluster-apps", "cluster-vars", "immich", "jellyfin"].map((n) =>
      ks(n, "ReconciliationSucceeded", SHA, at),
    ),
    hr("immich", "UpgradeSucceeded", "0.9.0", at),
    hr("jellyfin", "UpgradeSucceeded", "1.0.0", at),
  ];
}

describe("deploy record of a pushed commit", () => {
  it("expects every Kustomization and HelmRelease the change adds or modifies, and nothing it removes", () => {
    const r = record();
    expect(r.targets.map((t) => `${t.kind} ${t.namespace}/${t.name}`)).toEqual([
      "Kustomization flux-system/cluster-apps",
      "Kustomization flux-system/cluster-vars",
      "Kustomization flux-system/immich",
      "Kustomization flux-system/jellyfin",
      "HelmRelease media/immich",
      "HelmRelease media/jellyfin",
    ]);
    expect(r.targets.find((t) => t.name === "immich" && t.kind === "HelmRelease")?.chartVersion).toBe(
      "0.9.0",
    );
    expect(r.deadline).toBe("2026-12-07T10:30:00.000Z");
  });

  it("is undefined for a commit that changes no Flux object", () => {
    const same = analyzePullRequest({
      base: loadDirectorySnapshot(join(EXAMPLE, "head")),
      head: loadDirectorySnapshot(join(EXAMPLE, "head")),
    }).report;
    expect(
      deployRecordFor(same, { repository: "o/r", branch: "main", sha: SHA, pushedAt: PUSHED }),
    ).toBeUndefined();
  });
});

describe("folding Flux events into a deploy", () => {
  it("succeeds when every expected object reconciled at the commit", () => {
    const { record: r, skipped } = fold(record(), everythingSucceeds());
    expect(skipped).toEqual([]);
    expect(deployStatus(r, "2026-12-07T10:04:00Z")).toEqual({ status: "completed", conclusion: "success" });
    expect(renderDeployComment(r, "2026-12-07T10:04:00Z")).toContain(
      "deployed to `cluster`: 6 of 6 reconciled in 3 min",
    );
  });

  it("stays in progress while objects are silent, and ends neutral at the deadline naming them", () => {
    const { record: r } = fold(record(), everythingSucceeds().slice(0, 4));
    expect(deployStatus(r, "2026-12-07T10:10:00Z")).toEqual({ status: "in_progress" });
    const run = renderDeployCheckRun(r, "2026-12-07T10:31:00Z");
    expect(run.conclusion).toBe("neutral");
    expect(run.title).toBe("deploy to cluster not confirmed: 4 of 6 reconciled, 2 silent after 30 min");
    expect(run.summary).toMatch(/HelmRelease media\/immich` \| ⏳ no event yet/);
  });

  it("fails on the first failure, naming the object and Flux's message", () => {
    const events = [
      ks("immich", "ReconciliationSucceeded", SHA, "2026-12-07T10:01:00Z"),
      ks("jellyfin", "HealthCheckFailed", SHA, "2026-12-07T10:02:00Z", "error"),
    ];
    const { record: r } = fold(record(), events);
    const run = renderDeployCheckRun(r, "2026-12-07T10:02:30Z");
    expect(run.conclusion).toBe("failure");
    expect(run.title).toBe("Kustomization flux-system/jellyfin failed: HealthCheckFailed for jellyfin");
  });

  it("does not attribute an event for an object the commit did not change", () => {
    const out = applyEvent(record(), ks("home-assistant", "ReconciliationFailed", SHA, PUSHED, "error"), {
      order: ORDER,
    });
    expect(out).toEqual({
      applied: false,
      why: "Kustomization flux-system/home-assistant is not changed by aaaaaaa",
    });
  });

  it("counts a success at a later commit, but not a later commit's failure nor an earlier revision", () => {
    const at = "2026-12-07T10:05:00Z";
    const later = fold(record(), [ks("immich", "ReconciliationSucceeded", LATER, at)]);
    expect(later.record.targets.find((t) => t.name === "immich")?.state).toBe("reconciled");
    const laterFailure = fold(record(), [ks("immich", "ReconciliationFailed", LATER, at, "error")]);
    expect(laterFailure.skipped).toEqual(["a later commit's failure"]);
    const earlier = fold(record(), [ks("immich", "ReconciliationSucceeded", EARLIER, at)]);
    expect(earlier.skipped).toEqual([`revision ${EARLIER.slice(0, 7)} is not aaaaaaa or later`]);
    const unknown = fold(record(), [ks("immich", "ReconciliationSucceeded", "d".repeat(40), at)]);
    expect(unknown.skipped).toHaveLength(1);
  });

  it("keeps the newest event per object when events arrive out of order", () => {
    const { record: r, skipped } = fold(record(), [
      ks("jellyfin", "ReconciliationSucceeded", SHA, "2026-12-07T10:05:00Z"),
      ks("jellyfin", "BuildFailed", SHA, "2026-12-07T10:01:00Z", "error"),
    ]);
    expect(skipped).toEqual(["older than the object's last event"]);
    expect(r.targets.find((t) => t.name === "jellyfin")?.state).toBe("reconciled");
  });

  it("treats DependencyNotReady as waiting, not as a failure", () => {
    const { record: r } = fold(record(), [
      ks("immich", "DependencyNotReady", SHA, "2026-12-07T10:01:00Z", "error"),
    ]);
    expect(r.targets.find((t) => t.name === "immich")?.state).toBe("progressing");
    expect(deployStatus(r, "2026-12-07T10:02:00Z")).toEqual({ status: "in_progress" });
  });

  it("takes a HelmRelease event only after the push and for the chart version the commit deploys", () => {
    const before = fold(record(), [hr("immich", "UpgradeSucceeded", "0.9.0", "2026-12-07T09:59:00Z")]);
    expect(before.skipped).toEqual(["the event is older than the push"]);
    const old = fold(record(), [hr("immich", "UpgradeFailed", "0.8.5", "2026-12-07T10:01:00Z", "error")]);
    expect(old.skipped).toEqual(["chart 0.8.5 is not the version this commit deploys"]);
    const oci = fold(record(), [
      hr("immich", "InstallFailed", "0.9.0+sha256.0a1b2c", "2026-12-07T10:01:00Z", "error"),
    ]);
    expect(deployStatus(oci.record, "2026-12-07T10:02:00Z")).toEqual({
      status: "completed",
      conclusion: "failure",
    });
  });

  it("recovers from a failure when a later event of the same commit succeeds", () => {
    const { record: r } = fold(record(), [
      ...everythingSucceeds("2026-12-07T10:06:00Z").filter((e) => e.involvedObject.name !== "jellyfin"),
      ks("jellyfin", "ReconciliationFailed", SHA, "2026-12-07T10:02:00Z", "error"),
      ks("jellyfin", "ReconciliationSucceeded", SHA, "2026-12-07T10:07:00Z"),
      hr("jellyfin", "UpgradeSucceeded", "1.0.0", "2026-12-07T10:07:00Z"),
    ]);
    expect(deployStatus(r, "2026-12-07T10:08:00Z")).toEqual({ status: "completed", conclusion: "success" });
  });
});

describe("events of a repository with several clusters", () => {
  const multi: DeployRecord = {
    ...record(),
    clusters: ["prod", "staging"],
    targets: [
      { cluster: "prod", kind: "Kustomization", namespace: "flux-system", name: "apps", state: "pending" },
      { cluster: "staging", kind: "Kustomization", namespace: "flux-system", name: "apps", state: "pending" },
    ],
  };
  it("matches the cluster the event names, and refuses to guess when it names none", () => {
    const e = ks("apps", "ReconciliationSucceeded", SHA, "2026-12-07T10:01:00Z");
    const named = applyEvent(multi, e, { order: ORDER, cluster: "staging" });
    expect(named.applied && named.target.cluster).toBe("staging");
    const viaMetadata = applyEvent(
      multi,
      { ...e, metadata: { ...e.metadata, cluster: "prod" } },
      { order: ORDER },
    );
    expect(viaMetadata.applied && viaMetadata.target.cluster).toBe("prod");
    expect(applyEvent(multi, e, { order: ORDER })).toEqual({
      applied: false,
      why: "Kustomization flux-system/apps is in 2 clusters and the event names none",
    });
  });
});

describe("revisions and events as Flux sends them", () => {
  it("reads every revision format Flux has used", () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    expect(parseRevision(`main@sha1:${sha}`)).toEqual({ kind: "git", ref: "main", sha });
    expect(parseRevision(`refs/heads/main@sha1:${sha}`)).toEqual({ kind: "git", ref: "main", sha });
    expect(parseRevision(`sha1:${sha}`)).toEqual({ kind: "git", sha });
    expect(parseRevision(`main/${sha}`)).toEqual({ kind: "git", ref: "main", sha });
    expect(parseRevision(`latest@sha256:${"e".repeat(64)}`).kind).toBe("other");
    expect(parseRevision("1.2.3")).toEqual({ kind: "other", value: "1.2.3" });
  });

  it("validates the event shape and names the bad field without its value", () => {
    const good = ks("apps", "ReconciliationSucceeded", SHA, "2026-12-07T10:01:00Z");
    expect(parseFluxEvent(JSON.parse(JSON.stringify(good)))).toEqual({ ok: true, event: good });
    const bad = parseFluxEvent({ ...good, severity: "catastrophic", timestamp: "yesterday" });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems.join("; ")).toMatch(/^severity: .*; timestamp: /);
    expect(JSON.stringify(bad)).not.toContain("catastrophic");
    expect(parseFluxEvent({ ...good, involvedObject: { kind: "Kustomization" } }).ok).toBe(false);
  });

  it("clips a long message", () => {
    const e = parseFluxEvent({ ...ks("a", "Progressing", SHA, PUSHED), message: "x".repeat(10_000) });
    expect(e.ok && e.event.message.length).toBe(4001);
  });
});

describe("what GitHub is shown", () => {
  it("never shows a value the API server echoed, nor credentials, and defangs mentions", () => {
    const event = ks("jellyfin", "ReconciliationFailed", SHA, "2026-12-07T10:02:00Z", "error");
    event.message =
      'Secret/media/jellyfin dry-run failed: data.password: Invalid value: "hunter2-s3cr3t": bad; ' +
      "db url postgres://app:pa55w0rd@db:5432 token=ghp_0123456789abcdef0123456789abcdefABCD cc @octocat #12";
    const { record: r } = fold(record(), [event]);
    const text =
      renderDeployComment(r, "2026-12-07T10:03:00Z") +
      renderDeployCheckRun(r, "2026-12-07T10:03:00Z").summary;
    for (const leaked of ["hunter2-s3cr3t", "pa55w0rd", "ghp_0123456789abcdef"])
      expect(text).not.toContain(leaked);
    expect(text).toContain('data.password: Invalid value: "\\[redacted\\]"');
    expect(text).toContain("token=&lt;redacted sha256:");
    expect(text).not.toMatch(/[^;]@octocat/);
  });

  it("names what it cannot see instead of calling it deployed", () => {
    const r = {
      ...record(),
      unseen: ["Kustomization flux-system/tenant-a (GitRepository flux-system/tenant-a: another repository)"],
    };
    expect(renderDeployCheckRun(r, PUSHED).summary).toContain(
      "Not tracked — flux-impact cannot see into these",
    );
  });
});

describe("the branch's commit order", () => {
  it("appends a push, restarts after a force push, and keeps a bounded history", () => {
    expect(extendOrder([EARLIER], EARLIER, SHA)).toEqual([EARLIER, SHA]);
    expect(extendOrder([EARLIER, SHA], EARLIER, LATER)).toEqual([EARLIER, LATER]);
    expect(extendOrder([], "0".repeat(40), SHA)).toEqual([SHA]);
    let order: string[] = [];
    let prev = "0".repeat(40);
    for (let i = 0; i < 250; i++) {
      const next = i.toString(16).padStart(40, "0");
      order = extendOrder(order, prev, next);
      prev = next;
    }
    expect(order).toHaveLength(200);
    expect(order.at(-1)).toBe(prev);
  });
});

describe("every reason the controllers emit", () => {
  /** What each reason means for the deploy of a commit. */
  const MEANING: Record<string, string> = {
    "Kustomization ReconciliationSucceeded": "reconciled",
    "Kustomization Progressing": "progressing",
    "Kustomization ReconciliationFailed": "failed",
    "Kustomization BuildFailed": "failed",
    "Kustomization HealthCheckFailed": "failed",
    "Kustomization DependencyNotReady": "progressing",
    "Kustomization ArtifactFailed": "failed",
    "HelmRelease InstallSucceeded": "reconciled",
    "HelmRelease UpgradeSucceeded": "reconciled",
    "HelmRelease TestSucceeded": "reconciled",
    "HelmRelease InstallFailed": "failed",
    "HelmRelease UpgradeFailed": "failed",
    // A rollback undoes the upgrade: not this commit's success (the UpgradeFailed before it is its failure).
    "HelmRelease RollbackSucceeded": "progressing",
    "HelmRelease ArtifactFailed": "failed",
  };
  it.each(FLUX_REASONS)("$kind $reason ($severity)", (r) => {
    const event = fluxEvent({
      kind: r.kind,
      name: "x",
      reason: r.reason,
      severity: r.severity,
      message: r.message,
      timestamp: PUSHED,
    });
    expect(eventState(r.kind, event)).toBe(MEANING[`${r.kind} ${r.reason}`]);
  });
});
