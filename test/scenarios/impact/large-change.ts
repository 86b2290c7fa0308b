/**
 * A generated base/head pair where every one of `apps` apps changes at once: each app's ConfigMap gets
 * a long new `data` block (a large diff) and its HelmRelease a new image tag. Used to check that the
 * report stays within GitHub's limits however big the change is.
 */

import { AnalysisSession } from "../../../src/core/session.ts";
import { createMemorySnapshot, type RepoSnapshot } from "../../../src/core/snapshot/repo-snapshot.ts";

const GOTK_SYNC = `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  url: ssh://git@github.com/example/big-cluster
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./clusters/big
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

const APPS_KS = `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/ks
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

function appFiles(name: string, revision: "base" | "head"): Record<string, string> {
  const lines = Array.from(
    { length: 40 },
    (_, i) => `    setting.${i}=${revision}-${name}-${"x".repeat(40)}-${i}`,
  ).join("\n");
  return {
    [`apps/ks/${name}.yaml`]: `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 30m
  path: ./apps/src/${name}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
  targetNamespace: big
`,
    [`apps/src/${name}/kustomization.yaml`]: `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ./config.yaml
  - ./helmrelease.yaml
`,
    [`apps/src/${name}/config.yaml`]: `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
data:
  app.properties: |
${lines}
`,
    [`apps/src/${name}/helmrelease.yaml`]: `---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
spec:
  interval: 30m
  chart:
    spec:
      chart: generic
      version: 1.0.0
      sourceRef:
        kind: HelmRepository
        name: charts
        namespace: flux-system
  values:
    image:
      repository: ghcr.io/example/${name}
      tag: ${revision === "base" ? "1.0.0" : "1.1.0"}
`,
  };
}

function revision(apps: number, rev: "base" | "head"): Record<string, string> {
  const files: Record<string, string> = {
    "clusters/big/flux-system/gotk-sync.yaml": GOTK_SYNC,
    "clusters/big/flux-system/kustomization.yaml": "resources:\n  - gotk-sync.yaml\n",
    "clusters/big/apps.yaml": APPS_KS,
    "clusters/big/charts.yaml": `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: charts
  namespace: flux-system
spec:
  interval: 2h
  url: https://charts.example.org
`,
    "clusters/big/namespace.yaml": "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: big\n",
  };
  for (let i = 0; i < apps; i++) Object.assign(files, appFiles(`app-${String(i).padStart(3, "0")}`, rev));
  return files;
}

export function largeChange(apps: number): { base: RepoSnapshot; head: RepoSnapshot; apps: number } {
  const session = new AnalysisSession();
  return {
    base: createMemorySnapshot(revision(apps, "base"), { session }),
    head: createMemorySnapshot(revision(apps, "head"), { session }),
    apps,
  };
}
