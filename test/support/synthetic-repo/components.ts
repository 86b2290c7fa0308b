/**
 * The shared Kustomize components under `kubernetes/components/`: notify (alertmanager and commit-status
 * Flux alerts), secret-store, backup (volsync with postBuild variables) and autoscale. Fixed content,
 * independent of scale and seed.
 */
import { externalSecret, header, kustomizeFile } from "./yaml-text.ts";

export function components(): Map<string, string> {
  const c = "kubernetes/components";
  const provider = (name: string, spec: string) =>
    `${header("notification.toolkit.fluxcd.io/provider_v1beta3")}apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata:
  name: ${name}
spec:
${spec}`;
  const alert = (name: string, spec: string) =>
    `${header("notification.toolkit.fluxcd.io/alert_v1beta3")}apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: ${name}
spec:
  providerRef:
    name: ${name}
${spec}`;
  const sources = ["GitRepository", "HelmRelease", "Kustomization", "OCIRepository"];
  return new Map([
    [`${c}/notify/kustomization.yaml`, kustomizeFile("Component", ["./alertmanager", "./commit-status"])],
    [
      `${c}/notify/alertmanager/kustomization.yaml`,
      kustomizeFile("Kustomization", ["./alert.yaml", "./provider.yaml"]),
    ],
    [
      `${c}/notify/alertmanager/provider.yaml`,
      provider(
        "alertmanager",
        "  type: alertmanager\n  address: http://alertmanager.observability.svc.cluster.local:9093/api/v2/alerts/\n",
      ),
    ],
    [
      `${c}/notify/alertmanager/alert.yaml`,
      alert(
        "alertmanager",
        `  eventSeverity: error\n  eventSources:\n${sources.map((k) => `    - kind: ${k}\n      name: "*"\n`).join("")}` +
          `  exclusionList:\n    - "context deadline exceeded"\n    - "dial tcp .* i/o timeout"\n  suspend: false\n`,
      ),
    ],
    [
      `${c}/notify/commit-status/kustomization.yaml`,
      kustomizeFile("Kustomization", ["./alert.yaml", "./externalsecret.yaml", "./provider.yaml"]),
    ],
    [
      `${c}/notify/commit-status/provider.yaml`,
      provider(
        "commit-status",
        "  type: github\n  address: https://github.com/example/synthetic-ops\n  secretRef:\n    name: commit-status-token\n",
      ),
    ],
    [
      `${c}/notify/commit-status/alert.yaml`,
      alert("commit-status", '  eventSources:\n    - kind: Kustomization\n      name: "*"\n'),
    ],
    [
      `${c}/notify/commit-status/externalsecret.yaml`,
      externalSecret("commit-status-token", "flux", ["token"]),
    ],
    [`${c}/secret-store/kustomization.yaml`, kustomizeFile("Component", ["./externalsecret.yaml"])],
    [
      `${c}/secret-store/externalsecret.yaml`,
      externalSecret("restic-repository", "restic", [
        "RESTIC_PASSWORD",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
      ]),
    ],
    [
      `${c}/backup/kustomization.yaml`,
      kustomizeFile("Component", [
        "./externalsecret.yaml",
        "./pvc.yaml",
        "./replicationsource.yaml",
        "./replicationdestination.yaml",
      ]),
    ],
    [
      `${c}/backup/externalsecret.yaml`,
      externalSecret(`\${APP}-backup`, "restic", ["RESTIC_REPOSITORY", "RESTIC_PASSWORD"]),
    ],
    [
      `${c}/backup/pvc.yaml`,
      `---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: \${APP}
spec:
  accessModes:
    - \${BACKUP_ACCESSMODES:=ReadWriteOnce}
  dataSourceRef:
    apiGroup: volsync.backube
    kind: ReplicationDestination
    name: \${APP}-dst
  resources:
    requests:
      storage: \${BACKUP_CAPACITY:=5Gi}
  storageClassName: \${BACKUP_STORAGECLASS:=ceph-block}
`,
    ],
    [
      `${c}/backup/replicationsource.yaml`,
      `${header("volsync.backube/replicationsource_v1alpha1")}apiVersion: volsync.backube/v1alpha1
kind: ReplicationSource
metadata:
  name: \${APP}
spec:
  sourcePVC: \${APP}
  trigger:
    schedule: "15 */6 * * *"
  restic:
    copyMethod: Snapshot
    pruneIntervalDays: 7
    repository: \${APP}-backup-secret
    cacheCapacity: \${BACKUP_CACHE_CAPACITY:=2Gi}
    moverSecurityContext:
      runAsUser: \${BACKUP_UID:=1000}
      runAsGroup: \${BACKUP_GID:=1000}
      fsGroup: \${BACKUP_GID:=1000}
    retain:
      hourly: 24
      daily: 7
      weekly: 4
`,
    ],
    [
      `${c}/backup/replicationdestination.yaml`,
      `${header("volsync.backube/replicationdestination_v1alpha1")}apiVersion: volsync.backube/v1alpha1
kind: ReplicationDestination
metadata:
  name: \${APP}-dst
spec:
  trigger:
    manual: restore-once
  restic:
    accessModes:
      - \${BACKUP_ACCESSMODES:=ReadWriteOnce}
    capacity: \${BACKUP_CAPACITY:=5Gi}
    copyMethod: Snapshot
    repository: \${APP}-backup-secret
    storageClassName: \${BACKUP_STORAGECLASS:=ceph-block}
`,
    ],
    [`${c}/autoscale/kustomization.yaml`, kustomizeFile("Component", ["./horizontalpodautoscaler.yaml"])],
    [
      `${c}/autoscale/horizontalpodautoscaler.yaml`,
      `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: \${APP}
spec:
  minReplicas: \${SCALE_MIN:=1}
  maxReplicas: \${SCALE_MAX:=3}
  scaleTargetRef:
    apiVersion: apps/v1
    kind: \${SCALE_KIND:=Deployment}
    name: \${APP}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 80
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
        - type: Pods
          value: 1
          periodSeconds: 60
`,
    ],
  ]);
}
