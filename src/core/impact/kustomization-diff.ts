/**
 * What changed for one Flux Kustomization between base and head: its own definition (the object its
 * parent renders: dependsOn, path, suspend, postBuild, …), its rendered output object by object, and why —
 * changed files it reads, changed postBuild variables, its definition.
 */
import type { KustomizationNode, NamespacedName } from "../model.ts";
import { deepEqual, diffObjectSets, type StripOptions } from "./object-diff.ts";
import type { ChangedFile, DependsOnChange, KustomizationImpact, ObjectDiff, Reason } from "./types.ts";

const FLUX_CHILD_KINDS = new Set(["Kustomization", "HelmRelease"]);

export type KustomizationDelta = Omit<
  KustomizationImpact,
  "dependents" | "upstream" | "missingDependencies" | "inCycle"
> & { touched: boolean; changed: boolean };

export function diffKustomization(
  base: KustomizationNode | undefined,
  head: KustomizationNode | undefined,
  changes: readonly ChangedFile[],
  strip?: StripOptions,
): KustomizationDelta {
  const node = (head ?? base)!;
  const reasons: Reason[] = [];
  const reads = new Set([...(base?.build?.reads ?? []), ...(head?.build?.reads ?? [])]);
  const probes = new Set([...(base?.build?.probes ?? []), ...(head?.build?.probes ?? [])]);
  const relevant = changes.filter(
    (c) =>
      reads.has(c.path) || (c.previousPath !== undefined && reads.has(c.previousPath)) || probedBy(probes, c),
  );
  const files = relevant.map((c) => c.path);
  const specChanges = base && head ? changedSpecFields(base, head) : [];
  const baseObjects = base?.build?.objects.map((o) => o.object) ?? [];
  const headObjects = head?.build?.objects.map((o) => o.object) ?? [];
  const { diffs } = diffObjectSets(baseObjects, headObjects, 3, strip);
  const ownDiffs = diffs.filter((d) => !isFluxChild(d));
  const change = !base ? "added" : !head ? "removed" : "modified";
  // A build that starts or stops failing changes what Flux applies even when the output looks the same.
  const buildState =
    base && head && cannotApply(base) !== cannotApply(head)
      ? cannotApply(head)
        ? "fails"
        : "fixed"
      : undefined;
  const changed =
    change !== "modified" || specChanges.length > 0 || diffs.length > 0 || buildState !== undefined;
  const carrierOnly =
    change === "modified" && specChanges.length === 0 && diffs.length > 0 && ownDiffs.length === 0;

  for (const c of relevant) reasons.push(fileReason(c, base, head));
  if (specChanges.length > 0 && node.definedIn)
    reasons.push({ kind: "definition", file: node.definedIn.file, fields: specChanges });
  const vars = changedVariables(base, head);
  if (vars.length > 0)
    reasons.push({ kind: "variables", names: vars, sources: substitutionSources(head ?? base!) });
  if (buildState) reasons.push({ kind: "build", state: buildState });
  if (change === "added" && node.parent) reasons.push({ kind: "parent", parent: node.parent });
  if (change === "removed" && node.parent) reasons.push({ kind: "removed-from-parent", parent: node.parent });

  const delta: KustomizationDelta = {
    namespace: node.namespace,
    name: node.name,
    key: node.key,
    change,
    carrierOnly,
    reasons,
    files,
    specChanges,
    suspended: (head ?? base)!.spec.suspend,
    prune: (head ?? base)!.spec.prune,
    objects: diffs,
    touched: files.length > 0,
    changed,
  };
  if (node.definedIn) delta.definedIn = node.definedIn;
  const dependsOn = base && head ? dependsOnChange(base.spec.dependsOn, head.spec.dependsOn) : undefined;
  if (dependsOn) delta.dependsOnChange = dependsOn;
  return delta;
}

/**
 * dependsOn targets ("namespace/name") only in head (`added`) and only in base (`removed`), sorted, or
 * undefined when the two lists name the same targets (order and duplicates aside).
 */
export function dependsOnChange(
  base: readonly NamespacedName[],
  head: readonly NamespacedName[],
): DependsOnChange | undefined {
  const keys = (list: readonly NamespacedName[]) => new Set(list.map((d) => `${d.namespace}/${d.name}`));
  const a = keys(base);
  const b = keys(head);
  const added = [...b].filter((k) => !a.has(k)).sort();
  const removed = [...a].filter((k) => !b.has(k)).sort();
  return added.length > 0 || removed.length > 0 ? { added, removed } : undefined;
}

/**
 * The path it read: a rename away from what it reads (its file moved out of its folder, or the object
 * is removed) names the old path — the new one is not a file it reads.
 */
function fileReason(
  c: ChangedFile,
  base: KustomizationNode | undefined,
  head: KustomizationNode | undefined,
): Reason {
  const readsAtHead = (p: string) =>
    head?.build !== undefined &&
    (head.build.reads.includes(p) || probedBy(new Set(head.build.probes), { path: p, status: "added" }));
  if (
    c.previousPath !== undefined &&
    !readsAtHead(c.path) &&
    base?.build?.reads.includes(c.previousPath) === true
  )
    return { kind: "file", file: c.previousPath, status: c.status, renamedTo: c.path };
  return { kind: "file", file: c.path, status: c.status };
}

function isFluxChild(d: ObjectDiff): boolean {
  return FLUX_CHILD_KINDS.has(d.ref.kind) && /\.fluxcd\.io\//.test(d.ref.apiVersion);
}

/** A file added to or removed from a directory Flux generates a kustomization for changes that build. */
function probedBy(probes: ReadonlySet<string>, c: ChangedFile): boolean {
  if (probes.has(c.path)) return true;
  if (!/\.ya?ml$/.test(c.path) || (c.status !== "added" && c.status !== "removed" && c.status !== "renamed"))
    return false;
  const dir = c.path.includes("/") ? c.path.slice(0, c.path.lastIndexOf("/")) : "";
  return probes.has(dir);
}

/** Top-level spec fields (and metadata labels/annotations) that differ between the two rendered objects. */
export function changedSpecFields(base: KustomizationNode, head: KustomizationNode): string[] {
  const a = (base.object.spec ?? {}) as Record<string, unknown>;
  const b = (head.object.spec ?? {}) as Record<string, unknown>;
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  const out = [...fields].filter((f) => !deepEqual(a[f], b[f])).sort();
  const ma = (base.object.metadata ?? {}) as Record<string, unknown>;
  const mb = (head.object.metadata ?? {}) as Record<string, unknown>;
  for (const m of ["labels", "annotations"]) if (!deepEqual(ma[m], mb[m])) out.push(`metadata.${m}`);
  return out;
}

/** postBuild variables whose value changed and that the build's output actually references. */
function changedVariables(
  base: KustomizationNode | undefined,
  head: KustomizationNode | undefined,
): string[] {
  if (!base || !head) return [];
  const a = base.build?.variables.fingerprints ?? {};
  const b = head.build?.variables.fingerprints ?? {};
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((n) => a[n] !== b[n]);
  if (names.length === 0) return [];
  const text =
    JSON.stringify(base.build?.unsubstituted ?? []) + JSON.stringify(head.build?.unsubstituted ?? []);
  return names.filter((n) => new RegExp(`\\$\\{${n}(?![A-Za-z0-9_])`).test(text)).sort();
}

function substitutionSources(node: KustomizationNode): string[] {
  return (node.spec.postBuild?.substituteFrom ?? []).map((s) => `${s.kind} ${node.namespace}/${s.name}`);
}

/** True when Flux applies nothing from it: its build fails, its path is missing, or it is invalid. */
function cannotApply(k: KustomizationNode): boolean {
  return k.status === "path-not-found" || k.status === "invalid" || k.build?.failed === true;
}
