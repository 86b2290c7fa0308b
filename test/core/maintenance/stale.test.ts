import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/core/config/schema.ts";
import { type BotIssue, issueMarker } from "../../../src/core/maintenance/bot-issues.ts";
import type { DisabledService } from "../../../src/core/maintenance/disabled-services.ts";
import { type DisabledCommit, planStaleSweep, staleBody } from "../../../src/core/maintenance/stale.ts";

const NOW = "2026-12-01T00:00:00Z";
const daysAgo = (n: number) => new Date(Date.parse(NOW) - n * 86_400_000).toISOString();

function service(app: string, ns = "apps"): DisabledService {
  const dir = `kubernetes/apps/${ns}/${app}`;
  return {
    file: `${dir}/ks.yaml.dis`,
    dir,
    enabledFile: `${dir}/ks.yaml`,
    parentKustomization: `kubernetes/apps/${ns}/kustomization.yaml`,
    kustomizations: [{ key: `flux-system/${app}`, path: `${dir}/app` }],
    helmReleases: [{ key: `${ns}/${app}`, chart: "app-template", version: "3.5.1" }],
    namespaces: [ns],
    dependents: [],
  };
}

const commit = (days: number): DisabledCommit => ({
  date: daysAgo(days),
  commit: "0123456789abcdef0123456789abcdef01234567",
  author: "Jane",
  login: "jane",
});

function issue(
  number: number,
  app: string,
  state: BotIssue["state"],
  extra: Partial<BotIssue> = {},
  fields = {},
): BotIssue {
  return {
    number,
    title: `Stale disabled service: apps/${app}`,
    body: `${issueMarker("stale", `kubernetes/apps/apps/${app}/ks.yaml.dis`, fields)}\nbody`,
    state,
    ...extra,
  };
}

type Row = [string, { age: number; issues?: BotIssue[] }, string];

describe("core/maintenance stale sweep decisions", () => {
  const rows: Row[] = [
    ["stale, no issue → open", { age: 94 }, "open"],
    ["not stale yet → nothing", { age: 10 }, "none"],
    ["stale, open issue → nothing", { age: 94, issues: [issue(3, "a", "open")] }, "none"],
    [
      "closed not planned → snoozed",
      { age: 94, issues: [issue(3, "a", "closed", { stateReason: "not_planned", closedAt: daysAgo(5) })] },
      "snoozed",
    ],
    [
      "closed completed, file still there → reopen once",
      { age: 94, issues: [issue(3, "a", "closed", { stateReason: "completed", closedAt: daysAgo(5) })] },
      "reopen",
    ],
    [
      "closed completed after a reopen → snoozed",
      {
        age: 94,
        issues: [
          issue(3, "a", "closed", { stateReason: "completed", closedAt: daysAgo(5) }, { reopened: 1 }),
        ],
      },
      "snoozed",
    ],
    [
      "closed before it was disabled again → a new issue",
      { age: 40, issues: [issue(3, "a", "closed", { stateReason: "not_planned", closedAt: daysAgo(300) })] },
      "open",
    ],
    [
      "two open issues (race) → the younger closed as duplicate",
      { age: 94, issues: [issue(3, "a", "open"), issue(4, "a", "open")] },
      "close#4",
    ],
  ];

  it.each(rows)("%s", (_name, state, expected) => {
    const plan = planStaleSweep({
      services: [service("a")],
      history: { "kubernetes/apps/apps/a/ks.yaml.dis": commit(state.age) },
      issues: state.issues ?? [],
      config: { ...DEFAULT_CONFIG.stale, dryRun: false },
      now: NOW,
      exists: () => true,
    });
    const got = plan.snoozed.length
      ? "snoozed"
      : plan.actions.length === 0
        ? "none"
        : plan.actions.map((a) => (a.kind === "close" ? `close#${a.number}` : a.kind)).join(",");
    expect(got).toBe(expected);
  });

  it("closes the issue of a service whose .dis file is gone, saying whether it was re-enabled or deleted", () => {
    const issues = [issue(7, "gone", "open"), issue(8, "back", "open")];
    const plan = planStaleSweep({
      services: [],
      history: {},
      issues,
      config: DEFAULT_CONFIG.stale,
      now: NOW,
      exists: (p) => p === "kubernetes/apps/apps/back/ks.yaml",
    });
    expect(plan.actions).toEqual([
      expect.objectContaining({
        kind: "close",
        number: 7,
        reason: "completed",
        comment: expect.stringContaining("was deleted"),
      }),
      expect.objectContaining({ kind: "close", number: 8, comment: expect.stringContaining("re-enabled") }),
    ]);
  });

  it("opens at most maxIssuesPerRun, the longest-disabled first; the next run opens the rest", () => {
    const services = Array.from({ length: 8 }, (_, i) => service(`s${i}`));
    const history = Object.fromEntries(services.map((s, i) => [s.file, commit(40 + i * 10)]));
    const config = { ...DEFAULT_CONFIG.stale, dryRun: false, maxIssuesPerRun: 5 };
    const first = planStaleSweep({ services, history, issues: [], config, now: NOW, exists: () => true });
    const opened = first.actions.filter((a) => a.kind === "open");
    expect(opened.map((a) => (a as { key: string }).key)).toEqual(
      ["s7", "s6", "s5", "s4", "s3"].map((s) => `kubernetes/apps/apps/${s}/ks.yaml.dis`),
    );
    expect(first.deferred).toHaveLength(3);

    const existing = opened.map(
      (a, i): BotIssue => ({ number: 100 + i, title: "", body: (a as { body: string }).body, state: "open" }),
    );
    const second = planStaleSweep({
      services,
      history,
      issues: existing,
      config,
      now: NOW,
      exists: () => true,
    });
    expect(second.actions.map((a) => (a as { key: string }).key)).toEqual(
      ["s2", "s1", "s0"].map((s) => `kubernetes/apps/apps/${s}/ks.yaml.dis`),
    );
    const third = planStaleSweep({
      services,
      history,
      issues: [
        ...existing,
        ...second.actions.map(
          (a, i): BotIssue => ({
            number: 200 + i,
            title: "",
            body: (a as { body: string }).body,
            state: "open",
          }),
        ),
      ],
      config,
      now: NOW,
      exists: () => true,
    });
    expect(third.actions).toEqual([]);
  });

  it("the issue says what it would deploy, who disabled it, what waits for it, and the two exact ways out", () => {
    const s = { ...service("kasm", "productivity"), dependents: ["Kustomization flux-system/guac"] };
    const plan = planStaleSweep({
      services: [s],
      history: { [s.file]: { ...commit(94), url: "https://github.com/o/r/commit/0123456" } },
      issues: [],
      config: { ...DEFAULT_CONFIG.stale, labels: ["stale-service"] },
      now: NOW,
      exists: () => true,
    });
    const open = plan.actions[0] as Extract<(typeof plan.actions)[number], { kind: "open" }>;
    expect(open.title).toBe("Stale disabled service: productivity/kasm (disabled 94 days)");
    expect(open.labels).toEqual(["flux-impact", "stale-service"]);
    expect(open.body).toContain("HelmRelease `productivity/kasm`: chart `app-template` version `3.5.1`");
    expect(open.body).toContain(
      "by [jane](https://github.com/jane) in [0123456](https://github.com/o/r/commit/0123456)",
    );
    expect(open.body).toContain("- Kustomization flux-system/guac");
    expect(open.body).toContain("remove the folder `kubernetes/apps/productivity/kasm/`");
    expect(open.body).toContain(
      "rename `kubernetes/apps/productivity/kasm/ks.yaml.dis` back to `kubernetes/apps/productivity/kasm/ks.yaml` and list `./kasm/ks.yaml` again under `resources:` in kubernetes/apps/productivity/kustomization.yaml",
    );
  });

  it("names from the repository cannot inject Markdown or mentions into the issue", () => {
    const s = {
      ...service("x"),
      helmReleases: [{ key: "apps/x", chart: "[evil](https://e.vil) @admins" }],
      dependents: ["Kustomization <img src=x>"],
    };
    const body = staleBody({ ...s, stale: true, days: 40 }, { config: DEFAULT_CONFIG.stale });
    expect(body).toContain("chart `[evil](https://e.vil) @admins`"); // a code span: shown literally
    expect(body).not.toContain("<img");
  });
});
