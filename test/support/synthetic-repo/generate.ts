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
import { readYamlDocuments } from "../../../src/core/index.ts";
import { writeDir } from "./app-dir.ts";
import { components } from "./components.ts";
import { appKs, clusterKs, namespaceFile, namespaceKustomization } from "./flux-files.ts";
import { type AppPlan, NAMESPACES, type NamespacePlan, planReplica } from "./plan.ts";
import { createRng } from "./random.ts";

/** Generate the repository: repository path → file text. */
export function generateSyntheticRepo(scale: number, seed = 1): Map<string, string> {
  if (!Number.isInteger(scale) || scale < 1)
    throw new RangeError(`scale must be a positive integer, got ${scale}`);
  const rng = createRng(seed);
  const files = new Map<string, string>();
  const used = new Set<string>();
  const apps: AppPlan[] = [];
  const namespaces: NamespacePlan[] = [];
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
