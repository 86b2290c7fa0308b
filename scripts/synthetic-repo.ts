/**
 * A synthetic Flux GitOps repository for benchmarks, shaped like onedr0p/home-ops' `kubernetes/` folder
 * (the counts per 1× below were measured on ../shared/corpus/real/onedr0p-home-ops): 12 namespaces, 64 apps,
 * 77 app Flux Kustomizations plus the `cluster-apps` entrypoint, 69 HelmReleases with OCIRepository
 * chartRefs, Flux `spec.components` with postBuild substitution, dependsOn chains, configMapGenerators with
 * files, and shared components under `kubernetes/components/`. Scale N repeats the namespace/app plan N times
 * (namespaces `<stem>-2`, `<stem>-3`, …), so files, bytes and Flux Kustomizations grow N×. All content is
 * generated (no corpus file is copied) and deterministic for a (scale, seed) pair.
 * It does not render anything; `describeRepo` only counts files, bytes and objects.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { readYamlDocuments } from "../src/core/yaml/read-documents.ts";

/** Namespace stems and their app counts (the corpus distribution: 23, 12, 10, 6, 3, 3, 2, 1×5 = 64 apps). */
const NAMESPACES: ReadonlyArray<{ stem: string; apps: number; secretStore?: true }> = [
  { stem: "workloads", apps: 23, secretStore: true },
  { stem: "kube-system", apps: 12 },
  { stem: "observability", apps: 10 },
  { stem: "edge", apps: 6 },
  { stem: "flux-system", apps: 3 },
  { stem: "secrets", apps: 3 },
  { stem: "storage", apps: 2 },
  { stem: "cert-manager", apps: 1 },
  { stem: "ci-runners", apps: 1 },
  { stem: "backup-system", apps: 1, secretStore: true },
  { stem: "data-system", apps: 1 },
  { stem: "upgrade-system", apps: 1 },
];

/** Per replica (= per 1×), measured on the corpus. */
const QUOTA = {
  secondaryKs: 13, // ks.yaml files holding a second Flux Kustomization (a sibling directory of app/)
  secondaryWithRelease: 5, // of those, directories holding a HelmRelease (the others hold plain resources)
  withComponents: 20, // Flux Kustomizations with spec.components (backup) + postBuild.substitute APP
  withAutoscale: 15, // of those, also the autoscale component
  crossDeps: 5, // primary Kustomizations depending on an earlier app (secondary ones depend on their primary)
  healthChecks: 9,
  externalSecrets: 33,
  dashboards: 13,
  rules: 7,
  extras: 24, // other plain resource files next to HelmReleases
  configMaps: 4, // configMapGenerators with files
};

const SCHEMAS = "https://schemas.synthetic-ops.example";
const SUBDIRS = ["config", "instance", "extras", "policies", "networks", "tools", "runners", "upgrades"];
const SYLLABLES_A = ["ar", "bel", "cor", "dex", "ember", "fal", "gal", "hal", "iri", "jun", "kel", "lum"];
const SYLLABLES_B = [
  "mira",
  "nox",
  "ora",
  "pix",
  "quin",
  "ros",
  "sol",
  "tarn",
  "umber",
  "vale",
  "wisp",
  "zen",
];
const SUFFIXES = ["", "", "", "", "-exporter", "-operator", "-proxy", "-sync", "-api", "-worker", "-dns"];
const ORGS = ["home-operations", "synthetic-labs", "example-charts", "cluster-tools"];

interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  shuffle<T>(xs: readonly T[]): T[];
}

function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    pick: <T>(xs: readonly T[]) => xs[int(0, xs.length - 1)] as T,
    shuffle: <T>(xs: readonly T[]) => {
      const out = [...xs];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(0, i);
        [out[i], out[j]] = [out[j] as T, out[i] as T];
      }
      return out;
    },
  };
}

interface DirPlan {
  sub: string;
  ksName: string;
  release: boolean;
  files: string[]; // extra plain resource kinds (keys of EXTRA)
  externalSecret: boolean;
  configMap: boolean;
}

interface AppPlan {
  ns: string;
  name: string;
  dirs: DirPlan[]; // [primary "app", optional secondary]
  components: string[];
  dependsOn: { name: string; ns: string } | undefined;
  healthChecks: boolean;
}

/** Generate the repository: repository path → file text. */
export function generateSyntheticRepo(scale: number, seed = 1): Map<string, string> {
  if (!Number.isInteger(scale) || scale < 1)
    throw new RangeError(`scale must be a positive integer, got ${scale}`);
  const rng = createRng(seed);
  const files = new Map<string, string>();
  const used = new Set<string>();
  const apps: AppPlan[] = [];
  const namespaces: Array<{ name: string; stem: string; apps: AppPlan[] }> = [];
  for (let r = 0; r < scale; r++) planReplica(rng, r, used, apps, namespaces);
  files.set("kubernetes/flux/cluster/ks.yaml", clusterKs());
  for (const [path, text] of components()) files.set(path, text);
  for (const ns of namespaces) {
    const base = `kubernetes/apps/${ns.name}`;
    const secretStore = NAMESPACES.find((n) => n.stem === ns.stem)?.secretStore === true;
    files.set(`${base}/kustomization.yaml`, namespaceKustomization(ns.name, ns.apps, secretStore));
    files.set(`${base}/namespace.yaml`, namespaceFile(rng, ns.stem));
    for (const app of ns.apps) {
      files.set(`${base}/${app.name}/ks.yaml`, appKs(app));
      for (const dir of app.dirs) writeDir(rng, files, `${base}/${app.name}/${dir.sub}`, app, dir);
    }
  }
  return files;
}

function planReplica(
  rng: Rng,
  r: number,
  used: Set<string>,
  all: AppPlan[],
  namespaces: Array<{ name: string; stem: string; apps: AppPlan[] }>,
): void {
  const replica: AppPlan[] = [];
  for (const { stem, apps } of NAMESPACES) {
    const ns = r === 0 ? stem : `${stem}-${r + 1}`;
    const list: AppPlan[] = [];
    for (let i = 0; i < apps; i++) {
      const special =
        r === 0 && stem === "flux-system" && i < 2 ? ["flux-operator", "flux-instance"][i] : undefined;
      const name = special ?? uniqueName(rng, used);
      used.add(name);
      const primary: DirPlan = {
        sub: "app",
        ksName: name,
        release: true,
        files: [],
        externalSecret: false,
        configMap: false,
      };
      list.push({ ns, name, dirs: [primary], components: [], dependsOn: undefined, healthChecks: false });
    }
    namespaces.push({ name: ns, stem, apps: list });
    replica.push(...list);
  }
  const first = all.length;
  all.push(...replica);
  const secondary = rng.shuffle(replica).slice(0, QUOTA.secondaryKs);
  secondary.forEach((app, i) => {
    let sub = rng.pick(SUBDIRS);
    while (used.has(`${app.name}-${sub}`)) sub = rng.pick(SUBDIRS);
    used.add(`${app.name}-${sub}`);
    const release = i < QUOTA.secondaryWithRelease;
    const files = release ? [] : rng.shuffle(plainKinds()).slice(0, 2);
    app.dirs.push({
      sub,
      ksName: `${app.name}-${sub}`,
      release,
      files,
      externalSecret: false,
      configMap: false,
    });
  });
  rng
    .shuffle(replica.filter((a) => a.name !== "flux-instance"))
    .slice(0, QUOTA.withComponents)
    .forEach((app, i) => {
      app.components = i < QUOTA.withAutoscale ? ["backup", "autoscale"] : ["backup"];
    });
  for (const app of rng.shuffle(replica.slice(first === 0 ? 1 : 0)).slice(0, QUOTA.crossDeps)) {
    const index = all.indexOf(app);
    const target = all[rng.int(Math.max(0, index - 40), index - 1)] as AppPlan;
    app.dependsOn = { name: target.name, ns: target.ns };
    if (replica.includes(target)) target.healthChecks = true;
  }
  const healthy = replica.filter((a) => a.healthChecks).length;
  for (const app of rng
    .shuffle(replica.filter((a) => !a.healthChecks))
    .slice(0, Math.max(0, QUOTA.healthChecks - healthy))) {
    app.healthChecks = true;
  }
  const releaseDirs = replica.flatMap((a) => a.dirs.filter((d) => d.release));
  for (const d of rng.shuffle(releaseDirs).slice(0, QUOTA.externalSecrets)) d.externalSecret = true;
  for (const d of rng.shuffle(releaseDirs).slice(0, QUOTA.dashboards)) d.files.push("grafanadashboard");
  for (const d of rng.shuffle(releaseDirs).slice(0, QUOTA.rules)) d.files.push("prometheusrule");
  for (const d of rng.shuffle(releaseDirs.filter((x) => x.sub === "app")).slice(0, QUOTA.configMaps)) {
    d.configMap = true;
  }
  const plain = plainKinds();
  for (let i = 0; i < QUOTA.extras; i++) {
    const d = rng.pick(releaseDirs);
    const kind = rng.pick(plain.filter((k) => !d.files.includes(k)));
    d.files.push(kind);
  }
}

function plainKinds(): string[] {
  return Object.keys(EXTRA).filter((k) => k !== "grafanadashboard" && k !== "prometheusrule");
}

function uniqueName(rng: Rng, used: Set<string>): string {
  for (let attempt = 0; ; attempt++) {
    const base = `${rng.pick(SYLLABLES_A)}${rng.pick(SYLLABLES_B)}${rng.pick(SUFFIXES)}`;
    const name = attempt < 20 ? base : `${base}-${attempt}`;
    if (!used.has(name)) return name;
  }
}

function header(schema: string): string {
  return `---\n# yaml-language-server: $schema=${SCHEMAS}/${schema}.json\n`;
}

function clusterKs(): string {
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

function kustomizeFile(
  kind: "Kustomization" | "Component",
  resources: readonly string[],
  extra = "",
): string {
  const apiVersion = kind === "Component" ? "v1alpha1" : "v1beta1";
  const list = resources.map((r) => `  - ${r}\n`).join("");
  return `---\n# yaml-language-server: $schema=https://json.schemastore.org/kustomization
apiVersion: kustomize.config.k8s.io/${apiVersion}\nkind: ${kind}\nresources:\n${list}${extra}`;
}

function components(): Map<string, string> {
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

function namespaceKustomization(ns: string, apps: readonly AppPlan[], secretStore: boolean): string {
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

function namespaceFile(rng: Rng, stem: string): string {
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

function appKs(app: AppPlan): string {
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

function writeDir(rng: Rng, files: Map<string, string>, dir: string, app: AppPlan, plan: DirPlan): void {
  const resources: string[] = [];
  const name = plan.ksName;
  if (plan.externalSecret) {
    const keys = rng
      .shuffle(SECRET_KEYS)
      .slice(0, rng.int(2, 8))
      .map((k) => `${snake(app.name)}_${k}`);
    files.set(`${dir}/externalsecret.yaml`, externalSecret(name, app.name, keys));
    resources.push("./externalsecret.yaml");
  }
  for (const kind of plan.files) {
    files.set(`${dir}/${kind}.yaml`, EXTRA[kind]?.(rng, name, app.ns) ?? "");
    resources.push(`./${kind}.yaml`);
  }
  let generator = "";
  if (plan.release) {
    const backup = plan.sub === "app" && app.components.includes("backup");
    files.set(`${dir}/helmrelease.yaml`, helmRelease(rng, name, app.ns, plan, backup));
    files.set(`${dir}/ocirepository.yaml`, ociRepository(rng, name));
    resources.push("./helmrelease.yaml", "./ocirepository.yaml");
  }
  if (plan.configMap) {
    const entries = rng.shuffle(CONFIG_FILES).slice(0, rng.int(1, 2));
    for (const f of entries) files.set(`${dir}/resources/${f.file}`, f.text(rng, name));
    const shell = entries.some((f) => f.file.endsWith(".sh"));
    generator =
      `configMapGenerator:\n  - name: ${name}-configmap\n    files:\n` +
      entries.map((f) => `      - ${f.file}=./resources/${f.file}\n`).join("") +
      "generatorOptions:\n  disableNameSuffixHash: true\n" +
      (shell ? "  annotations:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n" : "");
  }
  files.set(`${dir}/kustomization.yaml`, kustomizeFile("Kustomization", resources.sort(), generator));
}

function snake(name: string): string {
  return name.toUpperCase().replace(/-/g, "_");
}

function version(rng: Rng): string {
  return `${rng.int(0, 12)}.${rng.int(0, 40)}.${rng.int(0, 15)}`;
}

function digest(rng: Rng): string {
  let out = "";
  for (let i = 0; i < 8; i++)
    out += Math.floor(rng.next() * 0x100000000)
      .toString(16)
      .padStart(8, "0");
  return out;
}

const SECRET_KEYS = [
  "API_KEY",
  "PASSWORD",
  "DB_URL",
  "OIDC_SECRET",
  "TOKEN",
  "SMTP_PASSWORD",
  "WEBHOOK_URL",
  "S3_KEY",
];

function externalSecret(name: string, item: string, keys: readonly string[]): string {
  return `${header("external-secrets.io/externalsecret_v1")}apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: ${name}
spec:
  secretStoreRef:
    kind: ClusterSecretStore
    name: vault-backend
  target:
    name: ${name}-secret
    template:
      data:
${keys.map((k) => `        ${k}: "{{ .${k} }}"\n`).join("")}  dataFrom:
    - extract:
        key: ${item}
`;
}

function ociRepository(rng: Rng, name: string): string {
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

function helmRelease(rng: Rng, name: string, ns: string, plan: DirPlan, backup: boolean): string {
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

function fluxInstanceValues(): string {
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

function appTemplateValues(rng: Rng, name: string, plan: DirPlan, backup: boolean): string {
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

function chartValues(rng: Rng, name: string, ns: string): string {
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

type ExtraFn = (rng: Rng, name: string, ns: string) => string;

function metadata(apiVersion: string, kind: string, name: string, schema?: string): string {
  const labels = `  labels:\n    app.kubernetes.io/component: ${kind.toLowerCase()}\n    app.kubernetes.io/managed-by: flux\n`;
  return `${schema ? header(schema) : "---\n"}apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n${labels}`;
}

/** Plain resource files, keyed by file stem. */
const EXTRA: Record<string, ExtraFn> = {
  grafanadashboard: (rng, name) =>
    Array.from({ length: rng.int(1, 4) }, (_, i) => {
      const id = rng.int(1000, 23000);
      return `${metadata("grafana.integreatly.org/v1beta1", "GrafanaDashboard", `${name}-${i + 1}`, "grafana.integreatly.org/grafanadashboard_v1beta1")}spec:
  allowCrossNamespaceImport: true
  folder: ${name}
  instanceSelector:
    matchLabels:
      dashboards: grafana
  datasources:
    - inputName: DS_PROMETHEUS
      datasourceName: prometheus
  grafanaCom:
    id: ${id}
    revision: ${rng.int(1, 40)}
`;
    }).join(""),
  prometheusrule: (rng, name) => {
    const rules = Array.from({ length: rng.int(2, 6) }, (_, i) => {
      const alert = `${name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}Alert${i + 1}`;
      return `        - alert: ${alert}
          expr: |
            sum by (instance) (rate(${snake(name).toLowerCase()}_errors_total[5m])) > ${rng.int(1, 50)}
          for: ${rng.pick(["5m", "10m", "15m"])}
          annotations:
            summary: >-
              {{ $labels.instance }} reports errors for ${name}
          labels:
            severity: ${rng.pick(["warning", "critical"])}
`;
    }).join("");
    return `${metadata("monitoring.coreos.com/v1", "PrometheusRule", name, "monitoring.coreos.com/prometheusrule_v1")}spec:
  groups:
    - name: ${name}.rules
      rules:
${rules}`;
  },
  pvc: (rng, name) =>
    `${metadata("v1", "PersistentVolumeClaim", `${name}-data`)}spec:
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: ${rng.int(1, 100)}Gi
  storageClassName: ${rng.pick(["ceph-block", "openebs-hostpath", "nfs-slow"])}
`,
  pdb: (rng, name) =>
    `${metadata("policy/v1", "PodDisruptionBudget", name)}spec:
  minAvailable: ${rng.int(1, 2)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
`,
  httproute: (rng, name, ns) =>
    `${metadata("gateway.networking.k8s.io/v1", "HTTPRoute", name, "gateway.networking.k8s.io/httproute_v1")}spec:
  hostnames:
    - ${name}.synthetic.example
  parentRefs:
    - name: gateway-${rng.pick(["internal", "external"])}
      namespace: edge
      sectionName: https
  rules:
    - backendRefs:
        - name: ${name}
          namespace: ${ns}
          port: ${rng.pick([80, 8080, 9000])}
      matches:
        - path:
            type: PathPrefix
            value: /
`,
  podmonitor: (rng, name) =>
    `${metadata("monitoring.coreos.com/v1", "PodMonitor", name, "monitoring.coreos.com/podmonitor_v1")}spec:
  namespaceSelector:
    any: false
  podMetricsEndpoints:
    - port: metrics
      interval: ${rng.pick(["30s", "1m"])}
      relabelings:
        - action: labeldrop
          regex: (pod_template_hash|controller_revision_hash)
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
`,
  servicemonitor: (rng, name) =>
    `${metadata("monitoring.coreos.com/v1", "ServiceMonitor", name, "monitoring.coreos.com/servicemonitor_v1")}spec:
  endpoints:
    - port: http-metrics
      interval: ${rng.pick(["30s", "1m"])}
      scheme: http
      path: /metrics
  selector:
    matchLabels:
      app.kubernetes.io/instance: ${name}
`,
  networkpolicy: (rng, name) =>
    `${metadata("networking.k8s.io/v1", "NetworkPolicy", name)}spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: edge
      ports:
        - port: ${rng.pick([80, 8080, 9000])}
          protocol: TCP
  egress:
    - to:
        - ipBlock:
            cidr: 0.0.0.0/0
            except:
              - 10.0.0.0/8
`,
  certificate: (rng, name) =>
    `${metadata("cert-manager.io/v1", "Certificate", name, "cert-manager.io/certificate_v1")}spec:
  secretName: ${name}-tls
  issuerRef:
    kind: ClusterIssuer
    name: ${rng.pick(["letsencrypt-production", "letsencrypt-staging"])}
  dnsNames:
    - ${name}.synthetic.example
    - "*.${name}.synthetic.example"
  privateKey:
    algorithm: ECDSA
    size: 256
`,
  probes: (rng, name) =>
    Array.from(
      { length: rng.int(1, 3) },
      (_, i) =>
        `${metadata("monitoring.coreos.com/v1", "Probe", `${name}-probe-${i + 1}`, "monitoring.coreos.com/probe_v1")}spec:
  module: ${rng.pick(["http_2xx", "icmp", "tcp_connect"])}
  prober:
    url: blackbox-exporter.observability.svc.cluster.local:9115
  targets:
    staticConfig:
      static:
        - host-${rng.int(1, 250)}.synthetic.internal
        - host-${rng.int(1, 250)}.synthetic.internal
`,
    ).join(""),
  scrapeconfig: (rng, name) =>
    `${metadata("monitoring.coreos.com/v1alpha1", "ScrapeConfig", name, "monitoring.coreos.com/scrapeconfig_v1alpha1")}spec:
  staticConfigs:
    - targets:
        - ${name}.synthetic.internal:${rng.pick([9100, 9633, 9798])}
  metricsPath: /metrics
  scrapeInterval: ${rng.pick(["30s", "1m"])}
  relabelings:
    - action: replace
      targetLabel: job
      replacement: ${name}
`,
  alertmanagerconfig: (rng, name) =>
    `${metadata("monitoring.coreos.com/v1alpha1", "AlertmanagerConfig", name, "monitoring.coreos.com/alertmanagerconfig_v1alpha1")}spec:
  route:
    groupBy: ["alertname", "job"]
    groupInterval: ${rng.pick(["5m", "10m"])}
    groupWait: 1m
    receiver: ${name}-pager
    repeatInterval: ${rng.pick(["4h", "12h"])}
    routes:
      - receiver: "null"
        matchers:
          - name: alertname
            value: InfoInhibitor
            matchType: =
      - receiver: ${name}-heartbeat
        groupInterval: 5m
        groupWait: 0s
        repeatInterval: 5m
        matchers:
          - name: alertname
            value: Watchdog
            matchType: =
  inhibitRules:
    - equal: ["alertname", "namespace"]
      sourceMatch:
        - name: severity
          value: critical
          matchType: =
      targetMatch:
        - name: severity
          value: warning
          matchType: =
  receivers:
    - name: "null"
    - name: ${name}-heartbeat
      webhookConfigs:
        - urlSecret:
            name: ${name}-secret
            key: HEARTBEAT_URL
    - name: ${name}-pager
      pushoverConfigs:
        - html: true
          sendResolved: true
          priority: '{{ if eq .Status "firing" }}1{{ else }}0{{ end }}'
          title: >-
            [{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}
          userKey:
            name: ${name}-secret
            key: PUSHOVER_USER_KEY
          token:
            name: ${name}-secret
            key: PUSHOVER_TOKEN
`,
  rbac: (_rng, name, ns) =>
    `${metadata("v1", "ServiceAccount", name)}${metadata("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", `${name}-view`)}roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: ServiceAccount
    name: ${name}
    namespace: ${ns}
`,
};

/** Files for configMapGenerators (under `resources/`). */
const CONFIG_FILES: ReadonlyArray<{ file: string; text: (rng: Rng, name: string) => string }> = [
  {
    file: "entrypoint.sh",
    text: (rng, name) => `#!/usr/bin/env bash
set -euo pipefail
# Refresh ${name} caches before the main process starts.
for dir in "\${CACHE_DIR:-/cache}"/*; do
  echo "pruning \${dir}"
  find "\${dir}" -type f -mtime +${rng.int(1, 30)} -delete
done
exec "$@"
`,
  },
  {
    file: "settings.yaml",
    text: (rng, name) => `server:
  name: ${name}
  port: ${rng.pick([8080, 9000])}
logging:
  level: info
  format: json
features:
${Array.from({ length: rng.int(4, 12) }, (_, i) => `  feature${i + 1}: ${rng.next() < 0.5 ? "true" : "false"}\n`).join("")}upstreams:
${Array.from({ length: rng.int(4, 20) }, (_, i) => `  - name: upstream-${i + 1}\n    url: https://${name}-${i + 1}.synthetic.internal:${rng.int(1024, 65535)}/api\n    timeout: ${rng.int(1, 30)}s\n`).join("")}`,
  },
  {
    file: "rules.yml",
    text: (rng, name) => `# ${name} matching rules
rules:
${Array.from({ length: rng.int(3, 8) }, (_, i) => `  - match: "^${name}-${i}.*"\n    action: ${rng.pick(["keep", "drop", "tag"])}\n    weight: ${rng.int(1, 100)}\n`).join("")}`,
  },
];

/** Summary counts of a generated (or any) repository. */
export function describeRepo(files: Map<string, string>): {
  files: number;
  bytes: number;
  fluxKustomizations: number;
  helmReleases: number;
} {
  let bytes = 0;
  let fluxKustomizations = 0;
  let helmReleases = 0;
  for (const [path, text] of files) {
    bytes += Buffer.byteLength(text, "utf8");
    if (!/\.ya?ml$/.test(path)) continue;
    for (const doc of readYamlDocuments(text, path).documents) {
      const v = doc.value as { apiVersion?: unknown; kind?: unknown } | null;
      if (typeof v !== "object" || v === null) continue;
      const api = typeof v.apiVersion === "string" ? v.apiVersion : "";
      if (v.kind === "Kustomization" && api.startsWith("kustomize.toolkit.fluxcd.io/")) fluxKustomizations++;
      if (v.kind === "HelmRelease" && api.startsWith("helm.toolkit.fluxcd.io/")) helmReleases++;
    }
  }
  return { files: files.size, bytes, fluxKustomizations, helmReleases };
}

/** Write the repository for `scale` (seed 1) under `dir`. */
export function writeSyntheticRepo(dir: string, scale: number): void {
  for (const [path, text] of generateSyntheticRepo(scale)) {
    const abs = join(dir, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  }
}
