/**
 * The plan of the synthetic repository: which namespaces and apps exist, which apps get a second Flux
 * Kustomization, components, dependsOn edges, health checks, ExternalSecrets and extra resource files.
 * Distributions are measured on onedr0p/home-ops (per 1× replica). Writes no file text.
 */
import { plainKinds } from "./extras.ts";
import type { Rng } from "./random.ts";

/** Namespace stems and their app counts (the corpus distribution: 23, 12, 10, 6, 3, 3, 2, 1×5 = 64 apps). */
export const NAMESPACES: ReadonlyArray<{ stem: string; apps: number; secretStore?: true }> = [
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

export interface DirPlan {
  sub: string;
  ksName: string;
  release: boolean;
  files: string[]; // extra plain resource kinds (keys of EXTRA)
  externalSecret: boolean;
  configMap: boolean;
}

export interface AppPlan {
  ns: string;
  name: string;
  dirs: DirPlan[]; // [primary "app", optional secondary]
  components: string[];
  dependsOn: { name: string; ns: string } | undefined;
  healthChecks: boolean;
}

export interface NamespacePlan {
  name: string;
  stem: string;
  apps: AppPlan[];
}

export function planReplica(
  rng: Rng,
  r: number,
  used: Set<string>,
  all: AppPlan[],
  namespaces: NamespacePlan[],
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

function uniqueName(rng: Rng, used: Set<string>): string {
  for (let attempt = 0; ; attempt++) {
    const base = `${rng.pick(SYLLABLES_A)}${rng.pick(SYLLABLES_B)}${rng.pick(SUFFIXES)}`;
    const name = attempt < 20 ? base : `${base}-${attempt}`;
    if (!used.has(name)) return name;
  }
}
