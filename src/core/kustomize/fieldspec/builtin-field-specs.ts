/**
 * kustomize v5.5.0's default transformer field specs, re-expressed as data from
 * api/internal/konfig/builtinpluginconsts/{nameprefix,namesuffix,namespace,commonlabels,metadatalabels,
 * templatelabels,commonannotations,varreference,images,replicas}.go, in upstream order.
 * The nameReference table is in builtin-name-references.ts.
 *
 * Each row is [path, kind, group, version, create?]; "" means any.
 */
import { type FieldSpec, fieldSpec } from "./field-spec.ts";

export type FieldSpecRow = readonly [
  path: string,
  kind: string,
  group: string,
  version: string,
  create?: boolean,
];

export function fieldSpecsFromRows(rows: readonly FieldSpecRow[]): FieldSpec[] {
  return rows.map(([path, kind, group, version, create]) =>
    fieldSpec(path, { kind, group, version, create: create === true }),
  );
}

// namePrefix
export const NAME_PREFIX: readonly FieldSpecRow[] = [["metadata/name", "", "", ""]];

// nameSuffix
export const NAME_SUFFIX: readonly FieldSpecRow[] = [["metadata/name", "", "", ""]];

// namespace
export const NAMESPACE: readonly FieldSpecRow[] = [
  ["metadata/name", "Namespace", "", "", true],
  ["spec/service/namespace", "APIService", "apiregistration.k8s.io", "", true],
  [
    "spec/conversion/webhook/clientConfig/service/namespace",
    "CustomResourceDefinition",
    "apiextensions.k8s.io",
    "",
  ],
];

// commonLabels
export const COMMON_LABELS: readonly FieldSpecRow[] = [
  ["spec/selector", "Service", "", "v1", true],
  ["spec/selector", "ReplicationController", "", "v1", true],
  ["spec/selector/matchLabels", "Deployment", "", "", true],
  [
    "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
    "Deployment",
    "apps",
    "",
  ],
  [
    "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    "Deployment",
    "apps",
    "",
  ],
  [
    "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
    "Deployment",
    "apps",
    "",
  ],
  [
    "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    "Deployment",
    "apps",
    "",
  ],
  ["spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels", "Deployment", "apps", ""],
  ["spec/selector/matchLabels", "ReplicaSet", "", "", true],
  ["spec/selector/matchLabels", "DaemonSet", "", "", true],
  ["spec/selector/matchLabels", "StatefulSet", "apps", "", true],
  [
    "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
    "StatefulSet",
    "apps",
    "",
  ],
  [
    "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    "StatefulSet",
    "apps",
    "",
  ],
  [
    "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
    "StatefulSet",
    "apps",
    "",
  ],
  [
    "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    "StatefulSet",
    "apps",
    "",
  ],
  ["spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels", "StatefulSet", "apps", ""],
  ["spec/selector/matchLabels", "Job", "batch", ""],
  ["spec/jobTemplate/spec/selector/matchLabels", "CronJob", "batch", ""],
  ["spec/selector/matchLabels", "PodDisruptionBudget", "policy", ""],
  ["spec/podSelector/matchLabels", "NetworkPolicy", "networking.k8s.io", ""],
  ["spec/ingress/from/podSelector/matchLabels", "NetworkPolicy", "networking.k8s.io", ""],
  ["spec/egress/to/podSelector/matchLabels", "NetworkPolicy", "networking.k8s.io", ""],
  ["metadata/labels", "", "", "", true],
  ["spec/template/metadata/labels", "ReplicationController", "", "v1", true],
  ["spec/template/metadata/labels", "Deployment", "", "", true],
  ["spec/template/metadata/labels", "ReplicaSet", "", "", true],
  ["spec/template/metadata/labels", "DaemonSet", "", "", true],
  ["spec/template/metadata/labels", "StatefulSet", "apps", "", true],
  ["spec/volumeClaimTemplates[]/metadata/labels", "StatefulSet", "apps", "", true],
  ["spec/template/metadata/labels", "Job", "batch", "", true],
  ["spec/jobTemplate/metadata/labels", "CronJob", "batch", "", true],
  ["spec/jobTemplate/spec/template/metadata/labels", "CronJob", "batch", "", true],
];

// templateLabels
export const TEMPLATE_LABELS: readonly FieldSpecRow[] = [
  ["metadata/labels", "", "", "", true],
  ["spec/template/metadata/labels", "ReplicationController", "", "v1", true],
  ["spec/template/metadata/labels", "Deployment", "", "", true],
  ["spec/template/metadata/labels", "ReplicaSet", "", "", true],
  ["spec/template/metadata/labels", "DaemonSet", "", "", true],
  ["spec/template/metadata/labels", "StatefulSet", "apps", "", true],
  ["spec/volumeClaimTemplates[]/metadata/labels", "StatefulSet", "apps", "", true],
  ["spec/template/metadata/labels", "Job", "batch", "", true],
  ["spec/jobTemplate/metadata/labels", "CronJob", "batch", "", true],
  ["spec/jobTemplate/spec/template/metadata/labels", "CronJob", "batch", "", true],
];

// commonAnnotations
export const COMMON_ANNOTATIONS: readonly FieldSpecRow[] = [
  ["metadata/annotations", "", "", "", true],
  ["spec/template/metadata/annotations", "ReplicationController", "", "v1", true],
  ["spec/template/metadata/annotations", "Deployment", "", "", true],
  ["spec/template/metadata/annotations", "ReplicaSet", "", "", true],
  ["spec/template/metadata/annotations", "DaemonSet", "", "", true],
  ["spec/template/metadata/annotations", "StatefulSet", "", "", true],
  ["spec/template/metadata/annotations", "Job", "batch", "", true],
  ["spec/jobTemplate/metadata/annotations", "CronJob", "batch", "", true],
  ["spec/jobTemplate/spec/template/metadata/annotations", "CronJob", "batch", "", true],
];

// varReference
export const VAR_REFERENCE: readonly FieldSpecRow[] = [
  ["spec/jobTemplate/spec/template/spec/containers/args", "CronJob", "", ""],
  ["spec/jobTemplate/spec/template/spec/containers/command", "CronJob", "", ""],
  ["spec/jobTemplate/spec/template/spec/containers/env/value", "CronJob", "", ""],
  ["spec/jobTemplate/spec/template/spec/containers/volumeMounts/mountPath", "CronJob", "", ""],
  ["spec/jobTemplate/spec/template/spec/initContainers/args", "CronJob", "", ""],
  ["spec/jobTemplate/spec/template/spec/initContainers/command", "CronJob", "", ""],
  ["spec/jobTemplate/spec/template/spec/initContainers/env/value", "CronJob", "", ""],
  ["spec/jobTemplate/spec/template/spec/initContainers/volumeMounts/mountPath", "CronJob", "", ""],
  ["spec/jobTemplate/spec/template/volumes/nfs/server", "CronJob", "", ""],
  ["spec/template/spec/containers/args", "DaemonSet", "", ""],
  ["spec/template/spec/containers/command", "DaemonSet", "", ""],
  ["spec/template/spec/containers/env/value", "DaemonSet", "", ""],
  ["spec/template/spec/containers/volumeMounts/mountPath", "DaemonSet", "", ""],
  ["spec/template/spec/initContainers/args", "DaemonSet", "", ""],
  ["spec/template/spec/initContainers/command", "DaemonSet", "", ""],
  ["spec/template/spec/initContainers/env/value", "DaemonSet", "", ""],
  ["spec/template/spec/initContainers/volumeMounts/mountPath", "DaemonSet", "", ""],
  ["spec/template/spec/volumes/nfs/server", "DaemonSet", "", ""],
  ["spec/template/spec/containers/args", "Deployment", "", ""],
  ["spec/template/spec/containers/command", "Deployment", "", ""],
  ["spec/template/spec/containers/env/value", "Deployment", "", ""],
  ["spec/template/spec/containers/volumeMounts/mountPath", "Deployment", "", ""],
  ["spec/template/spec/initContainers/args", "Deployment", "", ""],
  ["spec/template/spec/initContainers/command", "Deployment", "", ""],
  ["spec/template/spec/initContainers/env/value", "Deployment", "", ""],
  ["spec/template/spec/initContainers/volumeMounts/mountPath", "Deployment", "", ""],
  ["spec/template/spec/volumes/nfs/server", "Deployment", "", ""],
  ["spec/template/metadata/annotations", "Deployment", "", ""],
  ["spec/rules/host", "Ingress", "", ""],
  ["spec/tls/hosts", "Ingress", "", ""],
  ["spec/tls/secretName", "Ingress", "", ""],
  ["spec/template/spec/containers/args", "Job", "", ""],
  ["spec/template/spec/containers/command", "Job", "", ""],
  ["spec/template/spec/containers/env/value", "Job", "", ""],
  ["spec/template/spec/containers/volumeMounts/mountPath", "Job", "", ""],
  ["spec/template/spec/initContainers/args", "Job", "", ""],
  ["spec/template/spec/initContainers/command", "Job", "", ""],
  ["spec/template/spec/initContainers/env/value", "Job", "", ""],
  ["spec/template/spec/initContainers/volumeMounts/mountPath", "Job", "", ""],
  ["spec/template/spec/volumes/nfs/server", "Job", "", ""],
  ["spec/containers/args", "Pod", "", ""],
  ["spec/containers/command", "Pod", "", ""],
  ["spec/containers/env/value", "Pod", "", ""],
  ["spec/containers/volumeMounts/mountPath", "Pod", "", ""],
  ["spec/initContainers/args", "Pod", "", ""],
  ["spec/initContainers/command", "Pod", "", ""],
  ["spec/initContainers/env/value", "Pod", "", ""],
  ["spec/initContainers/volumeMounts/mountPath", "Pod", "", ""],
  ["spec/volumes/nfs/server", "Pod", "", ""],
  ["spec/template/spec/containers/args", "ReplicaSet", "", ""],
  ["spec/template/spec/containers/command", "ReplicaSet", "", ""],
  ["spec/template/spec/containers/env/value", "ReplicaSet", "", ""],
  ["spec/template/spec/containers/volumeMounts/mountPath", "ReplicaSet", "", ""],
  ["spec/template/spec/initContainers/args", "ReplicaSet", "", ""],
  ["spec/template/spec/initContainers/command", "ReplicaSet", "", ""],
  ["spec/template/spec/initContainers/env/value", "ReplicaSet", "", ""],
  ["spec/template/spec/initContainers/volumeMounts/mountPath", "ReplicaSet", "", ""],
  ["spec/template/spec/volumes/nfs/server", "ReplicaSet", "", ""],
  ["spec/ports/port", "Service", "", ""],
  ["spec/ports/targetPort", "Service", "", ""],
  ["spec/template/spec/containers/args", "StatefulSet", "", ""],
  ["spec/template/spec/containers/command", "StatefulSet", "", ""],
  ["spec/template/spec/containers/env/value", "StatefulSet", "", ""],
  ["spec/template/spec/containers/volumeMounts/mountPath", "StatefulSet", "", ""],
  ["spec/template/spec/initContainers/args", "StatefulSet", "", ""],
  ["spec/template/spec/initContainers/command", "StatefulSet", "", ""],
  ["spec/template/spec/initContainers/env/value", "StatefulSet", "", ""],
  ["spec/template/spec/initContainers/volumeMounts/mountPath", "StatefulSet", "", ""],
  ["spec/volumeClaimTemplates/spec/nfs/server", "StatefulSet", "", ""],
  ["spec/nfs/server", "PersistentVolume", "", ""],
  ["metadata/labels", "", "", ""],
  ["metadata/annotations", "", "", ""],
];

// images
export const IMAGES: readonly FieldSpecRow[] = [
  ["spec/containers[]/image", "", "", "", true],
  ["spec/initContainers[]/image", "", "", "", true],
  ["spec/template/spec/containers[]/image", "", "", "", true],
  ["spec/template/spec/initContainers[]/image", "", "", "", true],
];

// replicas
export const REPLICAS: readonly FieldSpecRow[] = [
  ["spec/replicas", "Deployment", "", "", true],
  ["spec/replicas", "ReplicationController", "", "", true],
  ["spec/replicas", "ReplicaSet", "", "", true],
  ["spec/replicas", "StatefulSet", "", "", true],
];
