import { describe, expect, it } from "vitest";
import type { Reason } from "../../../src/core/impact/types.ts";
import { impactJson, reasonText } from "../../../src/core/report/impact-json.ts";
import { smallReport } from "./fixtures.ts";

describe("core/report/impact-json reasonText", () => {
  it.each<[Reason, string]>([
    [
      { kind: "file", file: "kubernetes/apps/x/values.yaml", status: "modified" },
      "reads kubernetes/apps/x/values.yaml (modified)",
    ],
    [{ kind: "file", file: "apps/a.yaml", status: "removed" }, "reads apps/a.yaml (removed)"],
    [
      { kind: "definition", file: "apps/x/ks.yaml", fields: ["dependsOn", "path"] },
      "changes dependsOn, path in apps/x/ks.yaml",
    ],
    [
      { kind: "variables", names: ["TZ"], sources: ["ConfigMap flux-system/cluster-settings"] },
      "variable TZ changed (from ConfigMap flux-system/cluster-settings)",
    ],
    [{ kind: "variables", names: ["A", "B"], sources: [] }, "variables A, B changed"],
    [
      { kind: "values-source", source: "ConfigMap docs/wiki-values" },
      "values from ConfigMap docs/wiki-values changed",
    ],
    [
      { kind: "chart-source", source: "HelmRepository flux-system/bitnami" },
      "chart source HelmRepository flux-system/bitnami changed",
    ],
    [{ kind: "parent", parent: "flux-system/apps" }, "applied by Kustomization flux-system/apps"],
    [{ kind: "disabled", file: "apps/db/ks.yaml.dis" }, "disabled by apps/db/ks.yaml.dis"],
    [
      { kind: "removed-from-parent", parent: "flux-system/apps" },
      "no longer applied by Kustomization flux-system/apps",
    ],
  ])("%j", (reason, text) => {
    expect(reasonText(reason)).toBe(text);
  });
});

describe("core/report/impact-json impactJson", () => {
  const json = impactJson(smallReport());

  it("lists Kustomizations with reasons as text and object summaries", () => {
    expect(json.kustomizations[1]).toEqual({
      cluster: null,
      blocked: null,
      namespace: "flux-system",
      name: "podinfo",
      change: "modified",
      reasons: ["reads apps/web/podinfo/app/helmrelease.yaml (modified)"],
      files: ["apps/web/podinfo/app/helmrelease.yaml"],
      dependents: ["flux-system/status-page"],
      upstream: ["flux-system/infra"],
      carrierOnly: true,
      specChanges: [],
      missingDependencies: [],
      inCycle: false,
      suspended: false,
      prune: true,
      definedIn: null,
      objects: [
        {
          ref: "HelmRelease web/podinfo",
          change: "modified",
          added: 1,
          removed: 1,
          diff: "@@ -9,3 +9,3 @@\n       chart: podinfo\n-      version: 6.7.0\n+      version: 6.8.0\n",
        },
      ],
    });
  });

  it("lists HelmReleases with null for what did not change, Secret values without values", () => {
    expect(json.helmreleases).toEqual([
      {
        cluster: null,
        blocked: null,
        namespace: "web",
        name: "podinfo",
        change: "modified",
        kustomization: "flux-system/podinfo",
        reasons: ["changes chart, values in apps/web/podinfo/app/helmrelease.yaml"],
        chart: { from: "6.7.0", to: "6.8.0" },
        chartRef: null,
        values: [
          { path: "image.tag", change: "modified", from: "6.7.0", to: "6.8.0", secret: false },
          { path: "auth.password", change: "modified", secret: true },
        ],
        images: { from: ["ghcr.io/stefanprodan/podinfo:6.7.0"], to: ["ghcr.io/stefanprodan/podinfo:6.8.0"] },
        dependsOnChanged: false,
        rendered: null,
        suspend: null,
        dependents: [],
        upstream: ["db/postgres"],
        missingDependencies: ["db/postgres"],
        inCycle: false,
        definedIn: null,
      },
    ]);
  });

  it("never copies a Secret value even when the report carries one", () => {
    const report = smallReport();
    report.helmReleases[0]!.values = [
      { path: "token", change: "modified", from: "old-secret", to: "new-secret", secret: true },
    ];
    const text = JSON.stringify(impactJson(report));
    expect(text).not.toContain("old-secret");
    expect(text).not.toContain("new-secret");
  });

  it("lists what Flux will do and the findings, introduced first", () => {
    expect({
      deletions: json.deletions,
      disabledServices: json.disabledServices,
      suspendFlips: json.suspendFlips,
      touchedUnchanged: json.touchedUnchanged,
      unownedFiles: json.unownedFiles,
      findings: json.findings,
      conclusion: json.conclusion,
    }).toEqual({
      deletions: [
        {
          cluster: null,
          ref: "Kustomization flux-system/postgres",
          apiVersion: "kustomize.toolkit.fluxcd.io/v1",
          kind: "Kustomization",
          namespace: "flux-system",
          name: "postgres",
          kustomization: "flux-system/apps",
          action: "deleted",
          dangerous: false,
        },
        {
          cluster: null,
          ref: "PersistentVolumeClaim db/postgres-data",
          apiVersion: "v1",
          kind: "PersistentVolumeClaim",
          namespace: "db",
          name: "postgres-data",
          kustomization: "flux-system/postgres",
          action: "deleted",
          dangerous: true,
        },
      ],
      disabledServices: [
        {
          file: "apps/db/postgres/ks.yaml.dis",
          previousFile: "apps/db/postgres/ks.yaml",
          kustomizations: ["flux-system/postgres"],
          helmReleases: ["db/postgres"],
          objectCount: 3,
          strandedDependents: ["HelmRelease web/podinfo", "Kustomization flux-system/wiki"],
        },
      ],
      suspendFlips: [{ kind: "Kustomization", key: "flux-system/podinfo", from: true, to: false }],
      touchedUnchanged: ["flux-system/infra"],
      unownedFiles: ["README.md"],
      findings: [
        {
          code: "graph-depends-on-missing",
          severity: "error",
          message:
            "HelmRelease web/podinfo depends on HelmRelease db/postgres, which does not exist; Flux will wait for it forever.",
          file: "apps/web/podinfo/app/helmrelease.yaml",
          line: 9,
          cluster: null,
          introduced: true,
        },
        {
          code: "flux-deprecated-field",
          severity: "warning",
          message: "spec.validation is ignored by current Flux versions.",
          file: "apps/infra/ks.yaml",
          line: 12,
          cluster: null,
          introduced: false,
        },
      ],
      conclusion: "failure",
    });
  });

  it("round-trips through JSON unchanged (plain data only)", () => {
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
