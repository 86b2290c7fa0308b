/**
 * What Flux will do to the cluster beyond applying new output: objects it deletes (removed from a
 * Kustomization with prune) or leaves orphaned (prune off), services disabled by renaming their manifest
 * to a `.dis` file (and who is left waiting for them), and suspend flips.
 */
import type { AnalyzedRepository } from "../analyze.ts";
import type { JsonObject } from "../kustomize/resource.ts";
import type { KustomizationNode } from "../model.ts";
import { objectKey, objectRef } from "./object-identity.ts";
import type { ChangedFile, Deletion, DisabledService, SuspendFlip } from "./types.ts";

const DANGEROUS = new Set([
  "PersistentVolumeClaim",
  "PersistentVolume",
  "Namespace",
  "CustomResourceDefinition",
]);

/**
 * `unknown`: Kustomizations whose output (or whose parent's) is unknown on either side — what Flux deletes
 * from them cannot be told, so nothing is claimed.
 */
export function deletions(
  base: AnalyzedRepository,
  head: AnalyzedRepository,
  unknown: (key: string) => boolean = () => false,
): Deletion[] {
  const headKs = new Map(head.kustomizations.map((k) => [k.key, k]));
  const baseKs = new Map(base.kustomizations.map((k) => [k.key, k]));
  // What head applies anywhere, computed once a Kustomization lost objects (most changes lose none).
  let applied: { keys: Set<string>; stems: Set<string> } | undefined;
  const headApplied = () => {
    if (applied) return applied;
    applied = { keys: new Set(), stems: new Set() };
    for (const k of head.kustomizations) {
      for (const o of k.build?.objects ?? []) {
        applied.keys.add(objectKey(o.object));
        const stem = hashStem(o.object);
        if (stem) applied.stems.add(stem);
      }
    }
    return applied;
  };
  const out: Deletion[] = [];
  for (const ks of base.kustomizations) {
    if (!ks.build || unknown(ks.key)) continue;
    const next = headKs.get(ks.key);
    if (next && !next.build) continue; // not rendered in head (external, path missing): nothing to compare
    // A build head reused from base applies the very same objects.
    if (next?.build && sameObjects(ks.build.objects, next.build.objects)) continue;
    const kept = new Set((next?.build?.objects ?? []).map((o) => objectKey(o.object)));
    const lost = ks.build.objects.filter(({ object }) => !kept.has(objectKey(object)));
    // A Kustomization that still applies every object it did (an edited value): nothing leaves it.
    if (lost.length === 0) continue;
    const { keys: stillApplied, stems: generatedInHead } = headApplied();
    const action = next ? (next.spec.prune ? "deleted" : "orphaned") : removalAction(ks, baseKs);
    for (const { object } of lost) {
      const key = objectKey(object);
      if (stillApplied.has(key)) continue;
      // A generated ConfigMap/Secret whose content hash changed: Flux prunes the old name, but it is
      // replaced by the new one (its diff shows the change), not deleted.
      const stem = hashStem(object);
      if (stem && generatedInHead.has(stem)) continue;
      const ref = objectRef(object);
      out.push({ ref, kustomization: ks.key, action, dangerous: DANGEROUS.has(ref.kind) });
    }
  }
  return out;
}

function sameObjects(a: ReadonlyArray<{ object: object }>, b: ReadonlyArray<{ object: object }>): boolean {
  return a.length === b.length && a.every((o, i) => o.object === b[i]!.object);
}

/** "Kind/namespace/name-without-hash" for ConfigMaps and Secrets named like kustomize's generators. */
function hashStem(obj: JsonObject): string | undefined {
  if (obj.kind !== "ConfigMap" && obj.kind !== "Secret") return undefined;
  const ref = objectRef(obj);
  const m = /^(.+)-[0-9a-z]{10}$/.exec(ref.name);
  return m ? `${ref.kind}/${ref.namespace}/${m[1]}` : undefined;
}

/**
 * A Kustomization that disappears from its parent's output: with the parent pruning, Flux deletes it and
 * its finalizer garbage-collects what it applied per `deletionPolicy` (MirrorPrune follows `prune`);
 * without, it stays in the cluster, unmanaged.
 */
function removalAction(ks: KustomizationNode, baseKs: Map<string, KustomizationNode>): Deletion["action"] {
  const parent = ks.parent ? baseKs.get(ks.parent) : undefined;
  if (parent && !parent.spec.prune) return "orphaned";
  const policy = (ks.object.spec as { deletionPolicy?: unknown } | undefined)?.deletionPolicy;
  if (policy === "Delete" || policy === "WaitForTermination") return "deleted";
  if (policy === "Orphan") return "orphaned";
  return ks.spec.prune ? "deleted" : "orphaned";
}

/** A manifest renamed to `*.dis` (or replaced by one in the same directory): the service is switched off. */
export function disabledServices(
  changes: readonly ChangedFile[],
  base: AnalyzedRepository,
  head: AnalyzedRepository,
): DisabledService[] {
  const out: DisabledService[] = [];
  const headKeys = new Set(head.kustomizations.map((k) => k.key));
  for (const c of changes) {
    if (!c.path.endsWith(".dis")) continue;
    const previous =
      c.status === "renamed" && c.previousPath
        ? c.previousPath
        : changes.find((r) => r.status === "removed" && sameDir(r.path, c.path) && /\.ya?ml$/.test(r.path))
            ?.path;
    if (!previous) continue;
    const gone = base.kustomizations.filter((k) => k.definedIn?.file === previous && !headKeys.has(k.key));
    if (gone.length === 0) continue;
    const goneKs = new Set(gone.map((k) => k.key));
    const hrs = base.helmReleases.filter((h) => goneKs.has(h.kustomization)).map((h) => h.key);
    const goneHr = new Set(hrs.filter((h) => !head.helmReleases.some((x) => x.key === h)));
    const stranded = [
      ...head.graphs.kustomizations.missing
        .filter((m) => goneKs.has(m.to))
        .map((m) => `Kustomization ${m.from}`),
      ...head.graphs.helmReleases.missing.filter((m) => goneHr.has(m.to)).map((m) => `HelmRelease ${m.from}`),
    ];
    out.push({
      file: c.path,
      previousFile: previous,
      kustomizations: [...goneKs],
      helmReleases: hrs,
      objectCount: gone.reduce((n, k) => n + (k.build?.objects.length ?? 0), 0),
      strandedDependents: [...new Set(stranded)].sort(),
    });
  }
  return out;
}

function sameDir(a: string, b: string): boolean {
  return a.slice(0, a.lastIndexOf("/")) === b.slice(0, b.lastIndexOf("/"));
}

export function suspendFlips(base: AnalyzedRepository, head: AnalyzedRepository): SuspendFlip[] {
  const out: SuspendFlip[] = [];
  const baseKs = new Map(base.kustomizations.map((k) => [k.key, k]));
  for (const k of head.kustomizations) {
    const b = baseKs.get(k.key);
    if (b && b.spec.suspend !== k.spec.suspend)
      out.push({ kind: "Kustomization", key: k.key, from: b.spec.suspend, to: k.spec.suspend });
  }
  const baseHr = new Map(base.helmReleases.map((h) => [h.key, h]));
  for (const h of head.helmReleases) {
    const b = baseHr.get(h.key);
    if (b && b.suspend !== h.suspend)
      out.push({ kind: "HelmRelease", key: h.key, from: b.suspend, to: h.suspend });
  }
  return out;
}
