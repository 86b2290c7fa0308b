/**
 * The `spec.values` blocks of generated HelmReleases: app-template style values, generic chart values
 * and the flux-instance values that sync `kubernetes/flux/cluster`. Returns indented YAML text.
 */
import type { DirPlan } from "./plan.ts";
import { digest, type Rng, version } from "./random.ts";
import { snake } from "./yaml-text.ts";

export const ORGS = ["home-operations", "synthetic-labs", "example-charts", "cluster-tools"];

export function fluxInstanceValues(): string {
  return `    instance:
      distribution:
        version: 2.x
        registry: ghcr.io/fluxcd
      components:
        - source-controller
        - kustomize-controller
        - helm-controller
        - notification-controller
      cluster:
        networkPolicy: false
      sync:
        kind: GitRepository
        url: https://github.com/example/synthetic-ops
        ref: refs/heads/main
        path: kubernetes/flux/cluster
        interval: 1h
`;
}

const ENV_KEYS = [
  "LOG_LEVEL",
  "BASE_URL",
  "METRICS_ENABLED",
  "CACHE_DIR",
  "WORKERS",
  "DATA_DIR",
  "THEME",
  "UPDATE_CHANNEL",
];

export function appTemplateValues(rng: Rng, name: string, plan: DirPlan, backup: boolean): string {
  const port = rng.pick([80, 3000, 8080, 8096, 9000]);
  const anchor = rng.next() < 0.5;
  const env = rng
    .shuffle(ENV_KEYS)
    .slice(0, rng.int(2, 7))
    .map((k) => `              ${snake(name)}__${k}: ${envValue(rng, k)}\n`)
    .join("");
  const envFrom = plan.externalSecret
    ? `            envFrom:\n              - secretRef:\n                  name: ${name}-secret\n`
    : "";
  const route =
    rng.next() < 0.7
      ? `    route:
      app:
        hostnames:
          - "{{ .Release.Name }}.synthetic.example"
        parentRefs:
          - name: ${rng.pick(["gateway-internal", "gateway-external"])}
            namespace: edge
`
      : "";
  const config = backup
    ? `      config:\n        existingClaim: \${APP}\n`
    : `      config:\n        type: persistentVolumeClaim\n        accessMode: ReadWriteOnce\n        size: ${rng.int(1, 20)}Gi\n`;
  const media =
    rng.next() < 0.3
      ? `      media:\n        type: nfs\n        server: nas.synthetic.internal\n        path: /export/${name}\n        globalMounts:\n          - path: /media\n`
      : "";
  const configMap = plan.configMap
    ? `      config-file:\n        type: configMap\n        name: ${name}-configmap\n        globalMounts:\n          - path: /config/extra\n            readOnly: true\n`
    : "";
  return `    controllers:
      ${name}:
        annotations:
          reloader.stakater.com/auto: "true"
        containers:
          app:
            image:
              repository: ghcr.io/${rng.pick(ORGS)}/${name}
              tag: ${version(rng)}@sha256:${digest(rng)}
            env:
              TZ: Europe/Amsterdam
              ${snake(name)}__PORT: ${anchor ? "&port " : ""}${port}
${env}${envFrom}            probes:
              liveness: &probes
                enabled: true
                custom: true
                spec:
                  httpGet:
                    path: ${rng.pick(["/healthz", "/ping", "/api/health", "/"])}
                    port: ${anchor ? "*port" : port}
                  initialDelaySeconds: 0
                  periodSeconds: 10
                  timeoutSeconds: 1
                  failureThreshold: 3
              readiness: *probes
            securityContext:
              allowPrivilegeEscalation: false
              readOnlyRootFilesystem: true
              capabilities: { drop: ["ALL"] }
            resources:
              requests:
                cpu: ${rng.pick([10, 25, 50, 100, 200])}m
              limits:
                memory: ${rng.pick([128, 256, 512, 1024, 2048])}Mi
    defaultPodOptions:
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
        runAsGroup: 1000
        fsGroup: 1000
        fsGroupChangePolicy: OnRootMismatch
    service:
      app:
        ports:
          http:
            port: ${anchor ? "*port" : port}
${route}    persistence:
${config}${configMap}${media}      tmp:
        type: emptyDir
`;
}

function envValue(rng: Rng, key: string): string {
  switch (key) {
    case "LOG_LEVEL":
      return rng.pick(["info", "debug", "warn"]);
    case "METRICS_ENABLED":
      return '"true"';
    case "WORKERS":
      return String(rng.int(1, 8));
    case "BASE_URL":
      return '"{{ .Release.Name }}.synthetic.example"';
    case "THEME":
      return rng.pick(["dark", "light"]);
    case "UPDATE_CHANNEL":
      return rng.pick(["stable", "develop", "nightly"]);
    default:
      return `/${key.toLowerCase().replace("_", "/")}`;
  }
}

export function chartValues(rng: Rng, name: string, ns: string): string {
  return `    fullnameOverride: ${name}
    replicaCount: ${rng.int(1, 3)}
    image:
      repository: ghcr.io/${rng.pick(ORGS)}/${name}
      tag: v${version(rng)}
    podAnnotations:
      reloader.stakater.com/auto: "true"
    extraArgs:
      - --log-level=${rng.pick(["info", "debug"])}
      - --metrics-bind-address=:${rng.pick([8080, 9090, 9100])}
      - --leader-elect=true
    priorityClassName: ${ns.startsWith("kube-system") ? "system-cluster-critical" : "default"}
    resources:
      requests:
        cpu: ${rng.pick([10, 50, 100])}m
        memory: ${rng.pick([64, 128, 256])}Mi
      limits:
        memory: ${rng.pick([256, 512, 1024])}Mi
    securityContext:
      runAsNonRoot: true
      seccompProfile:
        type: RuntimeDefault
    serviceMonitor:
      enabled: true
      interval: ${rng.pick(["30s", "1m"])}
    tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
`;
}
