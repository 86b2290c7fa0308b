/**
 * Flux and kustomize files of the synthetic repository: the `cluster-apps` entrypoint, per-namespace
 * kustomization.yaml and namespace.yaml, per-app ks.yaml (Flux Kustomizations), HelmReleases and their
 * OCIRepositories. Each function returns one file's text.
 */
import { appTemplateValues, chartValues, fluxInstanceValues, ORGS } from "./helm-values.ts";
import type { AppPlan, DirPlan } from "./plan.ts";
import { type Rng, version } from "./random.ts";
import { header } from "./yaml-text.ts";

export function clusterKs(): string {
  return `${header("kustomize.toolkit.fluxcd.io/kustomization_v1")}apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: cluster-apps
  namespace: flux-system
spec:
  interval: 30m
  path: ./kubernetes/apps
  prune: true
  retryInterval: 2m
  sourceRef:
    kind: GitRepository
    name: flux-system
    namespace: flux-system
  wait: false
  patches:
    - # Defaults for every HelmRelease rendered by the child Kustomizations
      patch: |-
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: not-used
        spec:
          decryption:
            provider: sops
            secretRef:
              name: sops-age
          patches:
            - patch: |-
                apiVersion: helm.toolkit.fluxcd.io/v2
                kind: HelmRelease
                metadata:
                  name: not-used
                spec:
                  driftDetection:
                    mode: enabled
                  install:
                    crds: CreateReplace
                    remediation:
                      retries: 3
                  upgrade:
                    cleanupOnFail: true
                    crds: CreateReplace
                    remediation:
                      strategy: rollback
                      retries: 3
              target:
                group: helm.toolkit.fluxcd.io
                kind: HelmRelease
      target:
        group: kustomize.toolkit.fluxcd.io
        kind: Kustomization
    - # Children time out like their parent
      patch: |-
        - op: add
          path: /spec/timeout
          value: 10m
      target:
        group: kustomize.toolkit.fluxcd.io
        kind: Kustomization
`;
}

export function namespaceKustomization(ns: string, apps: readonly AppPlan[], secretStore: boolean): string {
  const comps = ["../../components/notify", ...(secretStore ? ["../../components/secret-store"] : [])];
  return `---\n# yaml-language-server: $schema=https://json.schemastore.org/kustomization
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${ns}

components:
${comps.map((p) => `  - ${p}\n`).join("")}
resources:
  - ./namespace.yaml
${apps.map((a) => `  - ./${a.name}/ks.yaml\n`).join("")}`;
}

export function namespaceFile(rng: Rng, stem: string): string {
  const privileged = stem === "kube-system" || stem === "storage" || rng.next() < 0.2;
  const labels = privileged ? `  labels:\n    pod-security.kubernetes.io/enforce: privileged\n` : "";
  return `---
apiVersion: v1
kind: Namespace
metadata:
  name: placeholder
  annotations:
    kustomize.toolkit.fluxcd.io/prune: disabled
${labels}`;
}

export function appKs(app: AppPlan): string {
  return app.dirs
    .map((dir, i) => {
      const lines = [
        `apiVersion: kustomize.toolkit.fluxcd.io/v1`,
        "kind: Kustomization",
        "metadata:",
        `  name: ${dir.ksName}`,
        "spec:",
      ];
      if (i === 0 && app.components.length > 0) {
        lines.push("  components:", ...app.components.map((c) => `    - ../../../../components/${c}`));
      }
      const dep = i === 0 ? app.dependsOn : { name: app.name, ns: app.ns };
      if (dep)
        lines.push(
          "  dependsOn:",
          `    - name: ${dep.name}`,
          ...(dep.ns !== app.ns ? [`      namespace: ${dep.ns}`] : []),
        );
      if (i === 0 && app.healthChecks && dir.release) {
        lines.push(
          "  healthChecks:",
          "    - apiVersion: helm.toolkit.fluxcd.io/v2",
          "      kind: HelmRelease",
          `      name: ${dir.ksName}`,
          `      namespace: ${app.ns}`,
        );
      }
      lines.push("  interval: 1h", `  path: ./kubernetes/apps/${app.ns}/${app.name}/${dir.sub}`);
      if (i === 0 && app.components.length > 0) {
        const capacity = `${[2, 5, 10, 20, 50][app.name.length % 5]}Gi`;
        lines.push(
          "  postBuild:",
          "    substitute:",
          `      APP: ${app.name}`,
          `      BACKUP_CAPACITY: ${capacity}`,
        );
      }
      lines.push(
        "  prune: true",
        "  sourceRef:",
        "    kind: GitRepository",
        "    name: flux-system",
        "    namespace: flux-system",
        `  targetNamespace: ${app.ns}`,
        `  wait: ${i === 0 && app.healthChecks ? "true" : "false"}`,
      );
      return `${header("kustomize.toolkit.fluxcd.io/kustomization_v1")}${lines.join("\n")}\n`;
    })
    .join("");
}

export function ociRepository(rng: Rng, name: string): string {
  const url =
    rng.next() < 0.6
      ? `oci://ghcr.io/${ORGS[0]}/charts/app-template`
      : `oci://ghcr.io/${rng.pick(ORGS)}/charts/${name}`;
  return `${header("source.toolkit.fluxcd.io/ocirepository_v1")}apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: ${name}
spec:
  interval: 15m
  layerSelector:
    mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip
    operation: copy
  ref:
    tag: ${version(rng)}
  url: ${url}
`;
}

export function helmRelease(rng: Rng, name: string, ns: string, plan: DirPlan, backup: boolean): string {
  const values =
    name === "flux-instance"
      ? fluxInstanceValues()
      : rng.next() < 0.7
        ? appTemplateValues(rng, name, plan, backup)
        : chartValues(rng, name, ns);
  return `${header("helm.toolkit.fluxcd.io/helmrelease_v2")}apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
spec:
  chartRef:
    kind: OCIRepository
    name: ${name}
  interval: 1h
  values:
${values}`;
}
