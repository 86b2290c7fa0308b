/**
 * Small Flux repositories for the engine cases: a `flux bootstrap` entrypoint (clusters/home) with one
 * Flux Kustomization per app (`apps/<app>`), built from text so each case adds only the hostile part.
 * Also the seeded fake credentials (canaries): generated at run time from fixed seeds, so no token-shaped
 * literal sits in the repository, and the same on every run so a caller can grep outputs for them.
 */
import {
  agePublicRecipient,
  ageSecretKey,
  b64,
  enc,
  githubToken,
  pem,
  randomString,
} from "../../fixtures/fake-secrets.ts";
import type { Files } from "./common.ts";

/** The entrypoint of `clusters/home`: the GitRepository and the flux-system Kustomization. */
export const SYNC = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  url: ssh://git@github.com/example/home-cluster
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
  path: ./clusters/home
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

/** A Flux Kustomization building `./<path>` from the repository; `extra` is appended to its spec. */
export function fluxKustomization(name: string, path: string, extra = ""): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: flux-system
spec:
  interval: 1h
  path: ./${path}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
${extra}`;
}

export function configMap(name: string, data: Record<string, string>, namespace = "default"): string {
  const lines = Object.entries(data).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n${lines.join("\n")}\n`;
}

/** The repository: the entrypoint, one Flux Kustomization per app and the app's files, plus `extra`. */
export function fluxRepo(apps: Record<string, Files>, extra: Files = {}): Files {
  const files: Files = {
    "clusters/home/flux-system/gotk-sync.yaml": SYNC,
    "clusters/home/flux-system/kustomization.yaml": "resources:\n  - gotk-sync.yaml\n",
  };
  for (const [app, appFiles] of Object.entries(apps)) {
    files[`clusters/home/${app}.yaml`] = fluxKustomization(app, `apps/${app}`);
    for (const [path, content] of Object.entries(appFiles)) files[`apps/${app}/${path}`] = content;
  }
  return { ...files, ...extra };
}

/** A base repository with one healthy app, and the same repository with `apps` added or replaced. */
export function baseAndHead(apps: Record<string, Files>, extra: Files = {}): { base: Files; head: Files } {
  const healthy = {
    web: {
      "kustomization.yaml": "resources:\n  - configmap.yaml\n",
      "configmap.yaml": configMap("web", { a: "1" }),
    },
  };
  return { base: fluxRepo(healthy), head: fluxRepo({ ...healthy, ...apps }, extra) };
}

export function kustomizationOf(resources: readonly string[], rest = ""): string {
  return `resources:\n${resources.map((r) => `  - ${JSON.stringify(r)}`).join("\n")}\n${rest}`;
}

// ---------------------------------------------------------------------------------------------------------
/** A HelmRepository and a HelmRelease `default/web` (chart web 1.2.3) with the given `values:` lines. */
export const helmRelease = (values: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: charts
  namespace: default
spec:
  interval: 1h
  url: https://charts.example.com
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: default
spec:
  interval: 1h
  chart:
    spec:
      chart: web
      version: 1.2.3
      sourceRef:
        kind: HelmRepository
        name: charts
  values:
${values}`;

// Seeded fake credentials: the generators of the secret-rule tests (test/support/fixtures/fake-secrets.ts).

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64 = `${ALNUM}+/`;

export interface Canaries {
  /** S1–S5 tokens by prefix. */
  tokens: Record<"ghp" | "gho" | "ghu" | "ghs" | "ghr" | "githubPat" | "inBase64" | "inBrokenYaml", string>;
  /** S6: the body lines of two private keys (RSA PEM, OpenSSH). */
  rsaKeyLines: string[];
  opensshKeyLines: string[];
  rsaKey: string;
  opensshKey: string;
  /** S7. */
  ageKey: string;
  /** S8 stringData value, S9 plaintext leaf, S12 high-entropy password. */
  secretValue: string;
  sopsPlaintext: string;
  password: string;
  /** B21's token in an export-ignored file. */
  exportIgnored: string;
}

const token = (prefix: string, seed: number) => githubToken(prefix, seed);

function makeCanaries(): Canaries {
  const rsaKeyLines = Array.from({ length: 6 }, (_, i) => randomString(64, BASE64, 4410 + i));
  const opensshKeyLines = Array.from({ length: 5 }, (_, i) => randomString(70, BASE64, 4420 + i));
  return {
    tokens: {
      ghp: token("ghp", 4401),
      gho: token("gho", 4402),
      ghu: token("ghu", 4403),
      ghs: token("ghs", 4404),
      ghr: token("ghr", 4405),
      githubPat: `github_pat_${randomString(22, ALNUM, 4406)}_${randomString(59, ALNUM, 4407)}`,
      inBase64: token("ghp", 4408),
      inBrokenYaml: token("ghp", 4409),
    },
    rsaKeyLines,
    opensshKeyLines,
    rsaKey: pem(`RSA PRIVATE ${"KEY"}`, rsaKeyLines.join("\n")),
    opensshKey: pem(`OPENSSH PRIVATE ${"KEY"}`, opensshKeyLines.join("\n")),
    ageKey: ageSecretKey(4430),
    secretValue: `s8-${randomString(28, ALNUM, 4431)}`,
    sopsPlaintext: `s9-${randomString(28, ALNUM, 4432)}`,
    password: `${randomString(14, ALNUM, 4433)}#${randomString(10, ALNUM, 4434)}`,
    exportIgnored: token("ghp", 4435),
  };
}

export const CANARIES: Canaries = makeCanaries();

/**
 * Every seeded secret, labelled, with the forms it could leak in (base64 of the values committed base64
 * encoded). None may appear in any output.
 */
export function canaryList(c: Canaries = CANARIES): Array<{ label: string; value: string }> {
  return [
    ...Object.entries(c.tokens).map(([kind, value]) => ({ label: `token ${kind}`, value })),
    { label: "token inBase64, base64", value: Buffer.from(c.tokens.inBase64).toString("base64") },
    ...c.rsaKeyLines.map((value, i) => ({ label: `RSA key line ${i + 1}`, value })),
    ...c.opensshKeyLines.map((value, i) => ({ label: `OpenSSH key line ${i + 1}`, value })),
    { label: "age key", value: c.ageKey },
    { label: "Secret value", value: c.secretValue },
    { label: "Secret value, base64", value: Buffer.from(c.secretValue).toString("base64") },
    { label: "SOPS plaintext", value: c.sopsPlaintext },
    { label: "password", value: c.password },
    { label: "export-ignored token", value: c.exportIgnored },
  ];
}

export function canaryStrings(c: Canaries = CANARIES): string[] {
  return canaryList(c).map((x) => x.value);
}

export { b64 as base64, enc as sopsEnc };

export const AGE_RECIPIENT = agePublicRecipient(4440);
