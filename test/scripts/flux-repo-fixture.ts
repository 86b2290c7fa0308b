/** A small Flux repository in memory (one cluster, one app Kustomization) for the diff-pipeline tests. */

export const CLUSTER = "tests/testdata/c";

export function fluxRepo(): Map<string, Uint8Array> {
  const enc = new TextEncoder();
  const files: Record<string, string> = {
    [`${CLUSTER}/clusters/prod/kustomization.yaml`]:
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - flux-system/gotk-sync.yaml\n  - apps.yaml\n",
    [`${CLUSTER}/clusters/prod/flux-system/gotk-sync.yaml`]: `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  url: ssh://git@example.com/org/repo
  ref:
    branch: main
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m
  path: ./${CLUSTER}/clusters/prod
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
    [`${CLUSTER}/clusters/prod/apps.yaml`]: `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./${CLUSTER}/apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
    [`${CLUSTER}/apps/kustomization.yaml`]:
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - namespace.yaml\n  - configmap.yaml\n  - secret.yaml\n  - release.yaml\n",
    [`${CLUSTER}/apps/namespace.yaml`]: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: podinfo\n",
    [`${CLUSTER}/apps/configmap.yaml`]:
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo-config\n  namespace: podinfo\ndata:\n  foo: bar\n",
    [`${CLUSTER}/apps/secret.yaml`]:
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: podinfo-secret\n  namespace: podinfo\nstringData:\n  token: abc\n",
    [`${CLUSTER}/apps/release.yaml`]: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: podinfo
spec:
  interval: 50m
  chart:
    spec:
      chart: podinfo
      version: 6.3.2
      sourceRef:
        kind: HelmRepository
        name: podinfo
        namespace: flux-system
  values:
    image:
      tag: 6.3.2
`,
  };
  return new Map(Object.entries(files).map(([p, t]) => [p, enc.encode(t)]));
}
