/**
 * Identity of a rendered Kubernetes object across revisions: group, kind, namespace, name. The API version
 * is not part of it (v1beta1 → v1 is the same object), and the namespace is dropped for kinds known to be
 * cluster-scoped (kustomize sets one on unknown cluster-scoped kinds; the API server ignores it).
 */
import { getName, getNamespace, type JsonObject, parseApiVersion } from "../kustomize/resource.ts";
import type { ObjectRefText } from "./types.ts";

const CLUSTER_SCOPED_KINDS = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "StorageClass",
  "PriorityClass",
  "IngressClass",
  "RuntimeClass",
  "CSIDriver",
  "CSINode",
  "VolumeAttachment",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "MutatingAdmissionPolicy",
  "MutatingAdmissionPolicyBinding",
  "APIService",
  "FlowSchema",
  "PriorityLevelConfiguration",
  "CertificateSigningRequest",
  "ClusterIssuer",
  "ClusterSecretStore",
  "ClusterExternalSecret",
  "ClusterPolicy",
  "GatewayClass",
]);

export function isClusterScopedKind(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

export function objectRef(obj: JsonObject): ObjectRefText {
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const kind = typeof obj.kind === "string" ? obj.kind : "";
  const name = getName(obj);
  const namespace = isClusterScopedKind(kind) ? "" : getNamespace(obj);
  return {
    apiVersion,
    kind,
    namespace,
    name,
    display: namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`,
  };
}

export function objectKey(obj: JsonObject): string {
  const ref = objectRef(obj);
  return `${parseApiVersion(ref.apiVersion).group}/${ref.kind}/${ref.namespace}/${ref.name}`;
}
