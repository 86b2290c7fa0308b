/**
 * Hand-built ImpactReport fixtures for the report renderers: one factory per type, each taking
 * overrides (probot-auto-merge's test/mock.ts style), and a small but complete report touching every
 * section. Nothing here runs the analyzer.
 */
import { type Diagnostic, type DiagnosticCode, diagnostic } from "../../../src/core/diagnostics.ts";
import type {
  HelmReleaseImpact,
  ImpactReport,
  KustomizationImpact,
  ObjectDiff,
  ObjectRefText,
  RevisionInfo,
} from "../../../src/core/impact/types.ts";

export const REVISIONS: { base: RevisionInfo; head: RevisionInfo } = {
  base: { ref: "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d" },
  head: {
    ref: "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
    blobUrl: "https://github.com/example/home-cluster/blob/9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
  },
};

export function objectRef(kind: string, namespace: string, name: string, apiVersion = "v1"): ObjectRefText {
  return { display: `${kind} ${namespace ? `${namespace}/` : ""}${name}`, apiVersion, kind, namespace, name };
}

export function objectDiff(overrides: Partial<ObjectDiff> = {}): ObjectDiff {
  return {
    ref: objectRef("ConfigMap", "web", "podinfo-config"),
    change: "modified",
    diff: "@@ -3,3 +3,3 @@\n data:\n-  LOG_LEVEL: info\n+  LOG_LEVEL: debug\n",
    added: 1,
    removed: 1,
    ...overrides,
  };
}

export function kustomizationImpact(overrides: Partial<KustomizationImpact> = {}): KustomizationImpact {
  const namespace = overrides.namespace ?? "flux-system";
  const name = overrides.name ?? "podinfo";
  return {
    namespace,
    name,
    key: `${namespace}/${name}`,
    change: "modified",
    carrierOnly: false,
    reasons: [{ kind: "file", file: `apps/web/${name}/app/configmap.yaml`, status: "modified" }],
    files: [`apps/web/${name}/app/configmap.yaml`],
    specChanges: [],
    dependents: [],
    upstream: [],
    missingDependencies: [],
    inCycle: false,
    suspended: false,
    prune: true,
    objects: [objectDiff()],
    ...overrides,
  };
}

export function helmReleaseImpact(overrides: Partial<HelmReleaseImpact> = {}): HelmReleaseImpact {
  const namespace = overrides.namespace ?? "web";
  const name = overrides.name ?? "podinfo";
  return {
    namespace,
    name,
    key: `${namespace}/${name}`,
    change: "modified",
    kustomization: "flux-system/podinfo",
    reasons: [],
    values: [],
    images: { from: [], to: [] },
    dependsOnChanged: false,
    dependents: [],
    upstream: [],
    missingDependencies: [],
    inCycle: false,
    ...overrides,
  };
}

export function finding(code: DiagnosticCode, message: string, file?: string, line?: number): Diagnostic {
  return diagnostic(code, message, { file, line });
}

export function impactReport(overrides: Partial<ImpactReport> = {}): ImpactReport {
  return {
    changedFiles: [],
    kustomizations: [],
    helmReleases: [],
    deletions: [],
    disabledServices: [],
    suspendFlips: [],
    touchedUnchanged: [],
    unownedFiles: [],
    findings: { introduced: [], existing: [] },
    graph: { nodes: [], edges: [] },
    ...overrides,
  };
}

/** A small report that fills every section of the comment. */
export function smallReport(): ImpactReport {
  return impactReport({
    changedFiles: [
      { path: "apps/web/podinfo/app/helmrelease.yaml", status: "modified" },
      { path: "apps/db/postgres/ks.yaml.dis", status: "renamed", previousPath: "apps/db/postgres/ks.yaml" },
      { path: "README.md", status: "modified" },
    ],
    kustomizations: [
      kustomizationImpact({
        name: "apps",
        carrierOnly: true,
        reasons: [{ kind: "file", file: "apps/db/postgres/ks.yaml.dis", status: "renamed" }],
        files: ["apps/db/postgres/ks.yaml.dis"],
        objects: [
          objectDiff({
            ref: objectRef("Kustomization", "flux-system", "postgres", "kustomize.toolkit.fluxcd.io/v1"),
            change: "removed",
            diff: "@@ -1,3 +0,0 @@\n-apiVersion: kustomize.toolkit.fluxcd.io/v1\n-kind: Kustomization\n-metadata:\n",
            added: 0,
            removed: 3,
          }),
        ],
      }),
      kustomizationImpact({
        name: "podinfo",
        carrierOnly: true,
        reasons: [{ kind: "file", file: "apps/web/podinfo/app/helmrelease.yaml", status: "modified" }],
        files: ["apps/web/podinfo/app/helmrelease.yaml"],
        upstream: ["flux-system/infra"],
        dependents: ["flux-system/status-page"],
        objects: [
          objectDiff({
            ref: objectRef("HelmRelease", "web", "podinfo", "helm.toolkit.fluxcd.io/v2"),
            diff: "@@ -9,3 +9,3 @@\n       chart: podinfo\n-      version: 6.7.0\n+      version: 6.8.0\n",
          }),
        ],
      }),
      kustomizationImpact({
        name: "postgres",
        change: "removed",
        reasons: [
          { kind: "disabled", file: "apps/db/postgres/ks.yaml.dis" },
          { kind: "removed-from-parent", parent: "flux-system/apps" },
        ],
        files: [],
        dependents: ["flux-system/wiki"],
        objects: [],
      }),
    ],
    helmReleases: [
      helmReleaseImpact({
        reasons: [
          { kind: "definition", file: "apps/web/podinfo/app/helmrelease.yaml", fields: ["chart", "values"] },
        ],
        chart: { from: "6.7.0", to: "6.8.0" },
        values: [
          { path: "image.tag", change: "modified", from: "6.7.0", to: "6.8.0", secret: false },
          { path: "auth.password", change: "modified", secret: true },
        ],
        images: { from: ["ghcr.io/stefanprodan/podinfo:6.7.0"], to: ["ghcr.io/stefanprodan/podinfo:6.8.0"] },
        upstream: ["db/postgres"],
        missingDependencies: ["db/postgres"],
      }),
    ],
    deletions: [
      {
        ref: objectRef("Kustomization", "flux-system", "postgres", "kustomize.toolkit.fluxcd.io/v1"),
        kustomization: "flux-system/apps",
        action: "deleted",
        dangerous: false,
      },
      {
        ref: objectRef("PersistentVolumeClaim", "db", "postgres-data"),
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
    findings: {
      introduced: [
        finding(
          "graph-depends-on-missing",
          "HelmRelease web/podinfo depends on HelmRelease db/postgres, which does not exist; Flux will wait for it forever.",
          "apps/web/podinfo/app/helmrelease.yaml",
          9,
        ),
      ],
      existing: [
        finding(
          "flux-deprecated-field",
          "spec.validation is ignored by current Flux versions.",
          "apps/infra/ks.yaml",
          12,
        ),
      ],
    },
    graph: {
      nodes: [
        {
          id: "ks:flux-system/infra",
          kind: "Kustomization",
          key: "flux-system/infra",
          affected: false,
          missing: false,
        },
        {
          id: "ks:flux-system/podinfo",
          kind: "Kustomization",
          key: "flux-system/podinfo",
          affected: true,
          missing: false,
        },
        {
          id: "ks:flux-system/status-page",
          kind: "Kustomization",
          key: "flux-system/status-page",
          affected: false,
          missing: false,
        },
        { id: "hr:web/podinfo", kind: "HelmRelease", key: "web/podinfo", affected: true, missing: false },
        { id: "hr:db/postgres", kind: "HelmRelease", key: "db/postgres", affected: false, missing: true },
      ],
      edges: [
        { from: "ks:flux-system/podinfo", to: "ks:flux-system/infra", kind: "dependsOn" },
        { from: "ks:flux-system/status-page", to: "ks:flux-system/podinfo", kind: "dependsOn" },
        { from: "hr:web/podinfo", to: "hr:db/postgres", kind: "dependsOn" },
      ],
    },
  });
}
