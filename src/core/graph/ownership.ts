/**
 * Ownership: which Flux Kustomizations a repository file feeds, and which ConfigMaps/Secrets (and so which
 * files) a HelmRelease consumes through valuesFrom. This is how a changed file maps to the objects it
 * affects.
 */
import { getName, getNamespace } from "../kustomize/resource.ts";
import type { HelmReleaseNode, KustomizationNode, RepositoryModel } from "../model.ts";
import { dirname, isWithin } from "../snapshot/paths.ts";

/**
 * Kustomizations whose build output depends on `path`: it is in the build's read-set, or it would change
 * an existence probe (a new file in a directory Flux generates a kustomization for, a new kustomization
 * file where one was looked for).
 */
export function kustomizationsReading(
  model: Pick<RepositoryModel, "kustomizations">,
  path: string,
): KustomizationNode[] {
  return model.kustomizations.filter((k) => {
    const build = k.build;
    if (!build) return false;
    if (build.reads.includes(path)) return true;
    return build.probes.some(
      (p) =>
        p === path || (isProbedDirectory(build.probes, p) && dirname(path) === p && isManifestName(path)),
    );
  });
}

function isProbedDirectory(probes: readonly string[], p: string): boolean {
  return !/\.(ya?ml)$/.test(p) && !p.endsWith("/Kustomization") && probes.includes(p);
}

function isManifestName(path: string): boolean {
  return /\.(ya?ml)$/.test(path);
}

export interface ConsumedObject {
  kind: "ConfigMap" | "Secret";
  namespace: string;
  name: string;
  /** Flux Kustomization that renders it, or undefined when no build defines it (cluster-only). */
  kustomization?: string;
  /** File (or generating kustomization) it comes from. */
  origin?: { file: string; line?: number };
}

/** The ConfigMaps and Secrets a HelmRelease takes values from, resolved against the rendered objects. */
export function valuesSources(
  model: Pick<RepositoryModel, "kustomizations">,
  hr: HelmReleaseNode,
): ConsumedObject[] {
  const out: ConsumedObject[] = [];
  for (const v of hr.valuesFrom) {
    if (v.kind !== "ConfigMap" && v.kind !== "Secret") continue;
    const entry: ConsumedObject = { kind: v.kind, namespace: hr.namespace, name: v.name };
    for (const ks of model.kustomizations) {
      const found = ks.build?.objects.find(
        (o) =>
          o.object.kind === v.kind && getNamespace(o.object) === hr.namespace && getName(o.object) === v.name,
      );
      if (found) {
        entry.kustomization = ks.key;
        entry.origin = found.origin;
        break;
      }
    }
    out.push(entry);
  }
  return out;
}

/** Kustomizations whose build reads anything under `dir` (a whole app folder, a shared component). */
export function kustomizationsReadingUnder(
  model: Pick<RepositoryModel, "kustomizations">,
  dir: string,
): KustomizationNode[] {
  return model.kustomizations.filter((k) => k.build?.reads.some((f) => isWithin(f, dir)));
}
