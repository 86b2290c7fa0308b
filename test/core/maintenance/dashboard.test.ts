import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDirectorySnapshot } from "../../../src/cli/fs-snapshot.ts";
import { DEFAULT_CONFIG } from "../../../src/core/config/schema.ts";
import { type BotIssue, issueMarker } from "../../../src/core/maintenance/bot-issues.ts";
import {
  dependsOnMermaid,
  ISSUE_BODY_MAX,
  renderDashboard,
} from "../../../src/core/maintenance/dashboard.ts";
import { findDisabledServices } from "../../../src/core/maintenance/disabled-services.ts";
import { serviceAges } from "../../../src/core/maintenance/stale.ts";
import { checkBranch } from "../../../src/core/pull-request.ts";
import { textSize } from "../../../src/core/report/budget.ts";

const HEAD = join(import.meta.dirname, "..", "..", "..", "examples", "homelab", "head");
const NOW = "2026-12-01T00:00:00Z";

function example() {
  const snapshot = loadDirectorySnapshot(HEAD);
  const result = checkBranch({ snapshot, now: NOW });
  const services = findDisabledServices(snapshot, result.model);
  return { snapshot, result, services };
}

describe("core/maintenance disabled services", () => {
  it("lists every .dis service with what it would deploy, what waits for it, and how to switch it back on", () => {
    const { services } = example();
    expect(services.map((s) => s.file)).toEqual([
      "kubernetes/apps/database/dragonfly/ks.yaml.dis",
      "kubernetes/apps/network/cloudflared/ks.yaml.dis",
    ]);
    expect(services[0]).toEqual({
      file: "kubernetes/apps/database/dragonfly/ks.yaml.dis",
      dir: "kubernetes/apps/database/dragonfly",
      enabledFile: "kubernetes/apps/database/dragonfly/ks.yaml",
      parentKustomization: "kubernetes/apps/database/kustomization.yaml",
      kustomizations: [{ key: "flux-system/dragonfly", path: "kubernetes/apps/database/dragonfly/app" }],
      helmReleases: [{ key: "database/dragonfly", chart: "OCIRepository database/dragonfly v1.25.2" }],
      namespaces: ["database"],
      dependents: ["HelmRelease media/immich", "Kustomization flux-system/immich"],
    });
  });
});

describe("core/maintenance dashboard", () => {
  it("shows failing workflows, disabled services with ages and issues, findings and the grouped dependsOn graph", () => {
    const { result, services } = example();
    const ages = serviceAges(
      services,
      { [services[0]!.file]: { date: "2026-08-29T00:00:00Z", commit: "abc" } },
      NOW,
      30,
    );
    ages[0]!.issue = 12;
    const issues: BotIssue[] = [
      {
        number: 40,
        title: 'Workflow "CI" is failing on main',
        body: `${issueMarker("workflow", ".github/workflows/ci.yaml")}\n`,
        state: "open",
      },
      {
        number: 41,
        title: "closed one",
        body: `${issueMarker("workflow", ".github/workflows/old.yaml")}\n`,
        state: "closed",
      },
    ];
    const input = {
      title: DEFAULT_CONFIG.dashboard.title,
      model: result.model,
      findings: result.findings,
      services: ages,
      issues,
      staleDays: 30,
      branch: "main",
      sha: "0123456789abcdef0123456789abcdef01234567",
      blobUrl: "https://github.com/o/r/blob/0123456",
    };
    const { title, body } = renderDashboard(input);
    expect(title).toBe("GitOps health dashboard");
    expect(body.split("\n")[0]).toBe(issueMarker("dashboard", "health"));
    expect(body).toContain("## ❌ Failing workflows");
    expect(body).toContain('Workflow "CI" is failing on main');
    expect(body).not.toContain("closed one");
    expect(body).toContain("| Disabled services | 2 (1 stale, over 30 days) |");
    expect(body).toMatch(/\| \[flux-system\/dragonfly\]\([^)]*\) \| 94 days ⚠️ \| #12 \|/);
    expect(body).toMatch(/\| \[flux-system\/cloudflared\]\([^)]*\) \| unknown \| — \|/);
    expect(body).toContain("## Findings");
    expect(body).toContain('```mermaid\nflowchart LR\n  subgraph g0["flux-system"]');
    // Nothing in it depends on the clock or the order of inputs: an unchanged repository is not rewritten.
    expect(renderDashboard({ ...input, findings: [...input.findings].reverse() }).body).toBe(body);
  });

  it("stays under GitHub's body limit by dropping whole entries, graph first", () => {
    const kustomizations = Array.from({ length: 3000 }, (_, i) => ({
      key: `ns${i % 40}/app-with-a-long-name-${i}`,
      spec: {
        dependsOn: i ? [{ namespace: `ns${(i - 1) % 40}`, name: `app-with-a-long-name-${i - 1}` }] : [],
      },
    }));
    const services = Array.from({ length: 2000 }, (_, i) => ({
      file: `kubernetes/apps/x/app-${i}/ks.yaml.dis`,
      dir: `kubernetes/apps/x/app-${i}`,
      enabledFile: `kubernetes/apps/x/app-${i}/ks.yaml`,
      kustomizations: [{ key: `flux-system/app-${i}`, path: "" }],
      helmReleases: [],
      namespaces: [],
      dependents: [],
      days: i,
      stale: i > 30,
    }));
    const { body } = renderDashboard({
      title: "t",
      model: { kustomizations } as never,
      findings: [],
      services,
      issues: [],
      staleDays: 30,
      branch: "main",
      sha: "0".repeat(40),
    });
    expect(textSize(body)).toBeLessThanOrEqual(ISSUE_BODY_MAX);
    expect(body).not.toContain("```mermaid");
    expect(body).toContain("more disabled services did not fit");
    expect((body.match(/```/g) ?? []).length % 2).toBe(0);
    expect(dependsOnMermaid({ kustomizations } as never).nodes).toBe(200);
  });
});

describe("core/maintenance/dashboard live section", () => {
  const base = {
    title: "t",
    model: { kustomizations: [] } as never,
    findings: [],
    services: [],
    staleDays: 30,
    branch: "main",
    sha: "0".repeat(40),
  };

  it("lists each Flux object's last known state, failures first, and the open failure issues", () => {
    const failing: BotIssue = {
      number: 12,
      title: "Flux Kustomization flux-system/immich is failing",
      body: `${issueMarker("flux", "|Kustomization|flux-system/immich")}\nbody`,
      state: "open",
      url: "https://github.com/o/r/issues/12",
    };
    const { body } = renderDashboard({
      ...base,
      issues: [failing],
      live: [
        {
          object: "Kustomization flux-system/apps",
          state: "reconciled",
          since: "2026-12-07T10:00:00Z",
          reason: "ReconciliationSucceeded",
          message: "Applied revision: main@sha1:abc",
        },
        {
          object: "Kustomization flux-system/immich",
          state: "failed",
          since: "2026-12-07T10:05:00Z",
          reason: "HealthCheckFailed",
          message: "health check failed after 5m0s",
        },
      ],
    });
    expect(body).toContain(
      "## ❌ Failing Flux objects\n\n- [\\#&#8203;12](https://github.com/o/r/issues/12) Flux Kustomization flux-system/immich is failing",
    );
    const live = body.slice(body.indexOf("## Live (from Flux's events)"));
    expect(live.indexOf("flux-system/immich")).toBeLessThan(live.indexOf("flux-system/apps"));
    expect(live).toContain(
      "| `Kustomization flux-system/immich` | ❌ failed | 2026-12-07T10:05:00Z | HealthCheckFailed: health check failed after 5m0s |",
    );
  });

  it("has no live section when the clusters send no events", () => {
    expect(renderDashboard({ ...base, issues: [] }).body).not.toContain("## Live");
  });
});
