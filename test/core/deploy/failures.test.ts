import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/core/config/index.ts";
import {
  decideFluxFailure,
  type FailureContext,
  type FluxEvent,
  fluxFailureActions,
} from "../../../src/core/deploy/index.ts";
import type { BotIssue } from "../../../src/core/maintenance/index.ts";

const CONFIG = DEFAULT_CONFIG.deploys;
const SHA = "0123456789abcdef0123456789abcdef01234567";
const CONTEXT: FailureContext = {
  cluster: "",
  defaultBranch: "main",
  repository: "home/ops",
  now: "2026-12-07T12:00:00Z",
  lastChange: { sha: SHA, pullRequest: 42 },
  dependents: ["Kustomization flux-system/immich", "Kustomization flux-system/jellyfin"],
};

function failure(overrides: Partial<FluxEvent> = {}): FluxEvent {
  return {
    involvedObject: { kind: "Kustomization", namespace: "flux-system", name: "cloudnative-pg" },
    severity: "error",
    timestamp: "2026-12-07T11:00:00Z",
    message:
      "health check failed after 5m0s: timeout waiting for: [Deployment/database/cnpg status: 'InProgress']",
    reason: "HealthCheckFailed",
    metadata: { revision: `main@sha1:${SHA}` },
    reportingController: "kustomize-controller",
    ...overrides,
  };
}

const success = (at: string): FluxEvent =>
  failure({
    severity: "info",
    reason: "ReconciliationSucceeded",
    message: "Reconciliation finished",
    timestamp: at,
  });

/** The issues after applying actions, as GitHub would keep them. */
function apply(issues: BotIssue[], actions: ReturnType<typeof fluxFailureActions>): BotIssue[] {
  const out = issues.map((i) => ({ ...i }));
  for (const a of actions) {
    if (a.kind === "open")
      out.unshift({ number: 100 + out.length, title: a.title, body: a.body, state: "open" });
    if (a.kind === "comment" && a.updateBody) out.find((i) => i.number === a.number)!.body = a.updateBody;
    if (a.kind === "close") {
      const i = out.find((x) => x.number === a.number)!;
      i.state = "closed";
      i.stateReason = a.reason;
      i.closedAt = CONTEXT.now;
    }
  }
  return out;
}

function step(issues: BotIssue[], event: FluxEvent, context = CONTEXT, config = CONFIG) {
  const { decision, key, duplicates } = decideFluxFailure(event, context, config, issues);
  const actions = [...duplicates, ...fluxFailureActions(decision, key, event, context, config)];
  return { decision, actions, issues: apply(issues, actions) };
}

describe("issues for failing Flux objects", () => {
  it("opens one issue naming the object, with Flux's message, the change, what is blocked and the runbook", () => {
    const { decision, actions } = step([], failure());
    expect(decision.kind).toBe("open");
    const open = actions[0]!;
    if (open.kind !== "open") throw new Error("expected an open action");
    expect(open.title).toBe("Flux Kustomization flux-system/cloudnative-pg is failing");
    expect(open.labels).toEqual(["flux-impact", "flux-failure"]);
    expect(open.body).toMatch(
      /^<!-- flux-impact:flux key=%7CKustomization%7Cflux-system%2Fcloudnative-pg failures=1 /,
    );
    expect(open.body).toContain("health check failed after 5m0s");
    expect(open.body).toContain(
      "Last changed by [0123456](https://github.com/home/ops/commit/0123456789abcdef0123456789abcdef01234567) (#42)",
    );
    expect(open.body).toContain(
      "Blocked while it fails (they depend on it): `Kustomization flux-system/immich`, `Kustomization flux-system/jellyfin`.",
    );
    expect(open.body).toContain("flux reconcile kustomization cloudnative-pg --with-source -n flux-system");
    expect(open.body).toContain("flux logs --kind Kustomization --name cloudnative-pg -n flux-system");
  });

  it("names the cluster of a repository with several in the title", () => {
    const { actions } = step([], failure(), { ...CONTEXT, cluster: "prod" });
    expect(actions[0]).toMatchObject({
      title: "Flux Kustomization flux-system/cloudnative-pg on cluster prod is failing",
    });
  });

  it("comments on a repeat at another revision, not on Flux's retries of the same failure, then again after hours", () => {
    let issues = step([], failure()).issues;
    const retry = step(issues, failure({ timestamp: "2026-12-07T11:05:00Z" }));
    expect(retry.decision).toEqual({ kind: "none", why: "the same failure, said less than 6 h ago" });
    const otherRevision = failure({
      timestamp: "2026-12-07T11:10:00Z",
      metadata: { revision: `main@sha1:${"f".repeat(40)}` },
    });
    const again = step(issues, otherRevision);
    expect(again.decision).toMatchObject({ kind: "comment", failures: 2 });
    issues = again.issues;
    expect(step(issues, otherRevision).decision).toMatchObject({ kind: "none" }); // redelivered
    const later = step(issues, { ...otherRevision, timestamp: "2026-12-07T17:30:00Z" });
    expect(later.decision).toMatchObject({ kind: "comment", failures: 3 });
  });

  it("closes the issue when the object reconciles, and does nothing for a success without one", () => {
    const { issues } = step([], failure());
    const recovered = step(issues, success("2026-12-07T11:30:00Z"));
    expect(recovered.decision.kind).toBe("close");
    expect(recovered.actions[0]).toMatchObject({ kind: "close", reason: "completed" });
    expect(step([], success("2026-12-07T11:30:00Z")).decision).toEqual({
      kind: "none",
      why: "no open issue",
    });
  });

  it("does not reopen an object closed as not planned within the snooze, and does after it", () => {
    const snoozed = step([], failure()).issues.map((i) => ({
      ...i,
      state: "closed" as const,
      stateReason: "not_planned" as const,
      closedAt: "2026-12-05T00:00:00Z",
    }));
    expect(step(snoozed, failure()).decision.kind).toBe("none");
    expect(step(snoozed, failure(), { ...CONTEXT, now: "2026-12-20T00:00:00Z" }).decision.kind).toBe("open");
  });

  it("opens no more than maxOpenIssues", () => {
    let issues: BotIssue[] = [];
    for (let i = 0; i < 3; i++)
      issues = step(
        issues,
        failure({ involvedObject: { kind: "Kustomization", namespace: "flux-system", name: `app-${i}` } }),
        CONTEXT,
        { ...CONFIG, maxOpenIssues: 2 },
      ).issues;
    expect(issues.filter((i) => i.state === "open")).toHaveLength(2);
  });

  it("closes a duplicate opened by a concurrent worker", () => {
    const first = step([], failure()).issues;
    const twice = [...first, { ...first[0]!, number: 99 }];
    const { actions } = step(twice, failure({ timestamp: "2026-12-07T11:01:00Z" }));
    expect(actions.filter((a) => a.kind === "close")).toHaveLength(1);
  });

  it("does nothing when turned off, for progress, and for other kinds", () => {
    expect(step([], failure(), CONTEXT, { ...CONFIG, failureIssues: false }).decision.kind).toBe("none");
    expect(step([], failure({ severity: "info", reason: "Progressing" })).decision.kind).toBe("none");
    expect(step([], failure({ reason: "DependencyNotReady" })).decision.kind).toBe("none");
    const source = failure({
      involvedObject: { kind: "GitRepository", namespace: "flux-system", name: "flux-system" },
    });
    expect(step([], source).decision.kind).toBe("none");
  });

  it("masks credentials in Flux's message and puts no odd names into commands", () => {
    const leaky = failure({
      message:
        'Secret/db dry-run failed: Invalid value: "s3cr3t-value"; url https://user:hunter2@git.example/x ghp_0123456789abcdef0123456789abcdefABCD',
      involvedObject: { kind: "HelmRelease", namespace: "media", name: "x; rm -rf /" },
    });
    const { actions } = step([], leaky);
    const body = actions[0]!.kind === "open" ? actions[0]!.body : "";
    for (const leaked of ["s3cr3t-value", "hunter2", "ghp_0123456789abcdef"])
      expect(body).not.toContain(leaked);
    expect(body).not.toContain("flux reconcile");
  });
});
