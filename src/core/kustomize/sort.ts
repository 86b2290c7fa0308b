/**
 * kustomize's "legacy" output order (api/resmap/reswrangler.go + kyaml resid ordering): a fixed kind order
 * first, webhook configurations last, ties by GVK/namespace/name text. Flux does not sort its builds
 * (FIFO) unless a kustomization asks for `sortOptions: {order: legacy}`; `kubectl kustomize` always does.
 */
import { compareBytewise } from "../snapshot/paths.ts";
import { curId, type ResId, type Resource } from "./resource.ts";

const FIRST = [
  "Namespace",
  "ResourceQuota",
  "StorageClass",
  "CustomResourceDefinition",
  "ServiceAccount",
  "PodSecurityPolicy",
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
  "ConfigMap",
  "Secret",
  "Endpoints",
  "Service",
  "LimitRange",
  "PriorityClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "Deployment",
  "StatefulSet",
  "CronJob",
  "PodDisruptionBudget",
];
const LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

function rank(kind: string): number {
  const first = FIRST.indexOf(kind);
  if (first >= 0) return first;
  const last = LAST.indexOf(kind);
  if (last >= 0) return FIRST.length + 1 + last;
  return FIRST.length;
}

function legacyKey(id: ResId): string {
  return `${id.group}~G_${id.version}~V_${id.kind}~K|${id.namespace || "~X"}|${id.name || "~N"}`;
}

export function legacySort(resources: Resource[]): Resource[] {
  return [...resources].sort((a, b) => {
    const ia = curId(a);
    const ib = curId(b);
    return rank(ia.kind) - rank(ib.kind) || compareBytewise(legacyKey(ia), legacyKey(ib));
  });
}
