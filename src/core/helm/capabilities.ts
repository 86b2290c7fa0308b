/**
 * What `helm template` tells a chart about the cluster when it has none (chartutil.DefaultCapabilities):
 * the Kubernetes version of the client library Helm 3.21 is built with, and every API group/version
 * registered in client-go's scheme plus apiextensions (DefaultVersionSet). A real cluster may serve
 * fewer (alpha and beta groups are off by default) or more (CRDs): charts that test
 * `.Capabilities.APIVersions.Has` render as `helm template` renders them, which the report says.
 */
import type { Capabilities } from "./engine.ts";

export const DEFAULT_API_VERSIONS: readonly string[] = [
  "v1",
  "admissionregistration.k8s.io/v1",
  "admissionregistration.k8s.io/v1alpha1",
  "admissionregistration.k8s.io/v1beta1",
  "internal.apiserver.k8s.io/v1alpha1",
  "apps/v1",
  "apps/v1beta1",
  "apps/v1beta2",
  "authentication.k8s.io/v1",
  "authentication.k8s.io/v1alpha1",
  "authentication.k8s.io/v1beta1",
  "authorization.k8s.io/v1",
  "authorization.k8s.io/v1beta1",
  "autoscaling/v1",
  "autoscaling/v2",
  "autoscaling/v2beta1",
  "autoscaling/v2beta2",
  "batch/v1",
  "batch/v1beta1",
  "certificates.k8s.io/v1",
  "certificates.k8s.io/v1alpha1",
  "certificates.k8s.io/v1beta1",
  "coordination.k8s.io/v1",
  "coordination.k8s.io/v1alpha2",
  "coordination.k8s.io/v1beta1",
  "discovery.k8s.io/v1",
  "discovery.k8s.io/v1beta1",
  "events.k8s.io/v1",
  "events.k8s.io/v1beta1",
  "extensions/v1beta1",
  "flowcontrol.apiserver.k8s.io/v1",
  "flowcontrol.apiserver.k8s.io/v1beta1",
  "flowcontrol.apiserver.k8s.io/v1beta2",
  "flowcontrol.apiserver.k8s.io/v1beta3",
  "networking.k8s.io/v1",
  "networking.k8s.io/v1alpha1",
  "networking.k8s.io/v1beta1",
  "node.k8s.io/v1",
  "node.k8s.io/v1alpha1",
  "node.k8s.io/v1beta1",
  "policy/v1",
  "policy/v1beta1",
  "rbac.authorization.k8s.io/v1",
  "rbac.authorization.k8s.io/v1alpha1",
  "rbac.authorization.k8s.io/v1beta1",
  "resource.k8s.io/v1",
  "resource.k8s.io/v1alpha3",
  "resource.k8s.io/v1beta1",
  "resource.k8s.io/v1beta2",
  "scheduling.k8s.io/v1",
  "scheduling.k8s.io/v1alpha1",
  "scheduling.k8s.io/v1beta1",
  "storage.k8s.io/v1",
  "storage.k8s.io/v1alpha1",
  "storage.k8s.io/v1beta1",
  "storagemigration.k8s.io/v1alpha1",
  "apiextensions.k8s.io/v1",
  "apiextensions.k8s.io/v1beta1",
];

/** Helm 3.21's default Kubernetes version (its client-go's). */
export const DEFAULT_KUBE_VERSION = "v1.34.0";

export function defaultCapabilities(
  overrides: { kubeVersion?: string; apiVersions?: readonly string[] } = {},
): Capabilities {
  return {
    kubeVersion: overrides.kubeVersion ?? DEFAULT_KUBE_VERSION,
    apiVersions: [...DEFAULT_API_VERSIONS, ...(overrides.apiVersions ?? [])],
  };
}

/** `--kube-version 1.16.0` as Helm reads it (chartutil.ParseKubeVersion): "v" added, major.minor.patch. */
export function parseKubeVersion(text: string): string | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!m) return undefined;
  return `v${m[1]}.${m[2] ?? "0"}.${m[3] ?? "0"}${m[4] ?? ""}${m[5] ?? ""}`;
}
