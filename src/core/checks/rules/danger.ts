/**
 * Danger (pull requests): what the change makes Flux do that deserves a second look — deletions by
 * prune (not those a rename explains: the renamed object recreates them), a disabled service others still depend on, suspend flips, changes under suspended objects, and
 * edits to immutable fields that make the apply fail until the object is recreated.
 */
import { type Diagnostic, diagnostic } from "../../diagnostics.ts";
import { displayRef } from "../../flux/object-ref.ts";
import { deepEqual } from "../../impact/object-diff.ts";
import { objectKey, objectRef } from "../../impact/object-identity.ts";
import { renamePairs } from "../../impact/renames.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../../kustomize/resource.ts";
import type { KustomizationNode, SourceLocation } from "../../model.ts";
import { where } from "../locate.ts";
import type { CheckContext, Rule } from "../types.ts";

const CALL_OUT = new Set([
  "PersistentVolumeClaim",
  "PersistentVolume",
  "Namespace",
  "CustomResourceDefinition",
]);

function nodeOf(ctx: CheckContext, key: string): KustomizationNode | undefined {
  return (
    ctx.model.kustomizations.find((k) => k.key === key) ??
    ctx.change?.base.kustomizations.find((k) => k.key === key)
  );
}

export const dangerDeletions: Rule = {
  name: "danger-deletions",
  codes: ["danger-prune-deletes"],
  when: "pull-request",
  run(ctx) {
    const impact = ctx.change?.impact;
    if (!impact) return [];
    // A rename deletes the old object and what it applied under the old name, and creates them again:
    // intended, not a loss. What the new one does not recreate is still a deletion.
    const renamed = new Set(renamePairs(impact).flatMap((p) => p.deletions));
    const deleted = impact.deletions.filter((d) => d.action === "deleted" && !renamed.has(d));
    const byKs = new Map<string, typeof deleted>();
    for (const d of deleted) byKs.set(d.kustomization, [...(byKs.get(d.kustomization) ?? []), d]);
    return [...byKs].map(([key, list]) => {
      const ks = nodeOf(ctx, key);
      const ref = displayRef("Kustomization", ks?.namespace ?? "", ks?.name ?? key);
      const called = list.filter((d) => CALL_OUT.has(d.ref.kind)).map((d) => d.ref.display);
      const names = list
        .slice(0, 10)
        .map((d) => d.ref.display)
        .join(", ");
      const more = list.length > 10 ? ` and ${list.length - 10} more` : "";
      const warn = called.length ? ` Data or whole namespaces go with: ${called.join(", ")}.` : "";
      return diagnostic(
        "danger-prune-deletes",
        `${ref} prunes ${list.length} object${list.length === 1 ? "" : "s"} this change removes: ${names}${more}.${warn} Make sure that is intended (label an object kustomize.toolkit.fluxcd.io/prune: disabled to keep it).`,
        where(ctx.snapshot, ks?.definedIn, ["spec", "prune"], ref),
      );
    });
  },
};

export const dangerDisabledDepended: Rule = {
  name: "danger-disabled-depended",
  codes: ["danger-disable-depended"],
  when: "pull-request",
  run(ctx) {
    return (ctx.change?.impact.disabledServices ?? [])
      .filter((s) => s.strandedDependents.length > 0)
      .map((s) =>
        diagnostic(
          "danger-disable-depended",
          `${s.previousFile} is disabled, but ${s.strandedDependents.join(", ")} still depend on what it deployed and will wait forever; remove those dependsOn entries or keep the service.`,
          { file: s.file, line: 1 },
        ),
      );
  },
};

export const dangerSuspend: Rule = {
  name: "danger-suspend",
  codes: ["danger-suspend-flip", "danger-suspended-change"],
  when: "pull-request",
  run(ctx) {
    const impact = ctx.change?.impact;
    if (!impact) return [];
    const out: Diagnostic[] = [];
    for (const flip of impact.suspendFlips) {
      const node =
        flip.kind === "Kustomization"
          ? ctx.model.kustomizations.find((k) => k.key === flip.key)
          : ctx.model.helmReleases.find((h) => h.key === flip.key);
      const ref = `${flip.kind} ${flip.key}`;
      const what = flip.to
        ? "is suspended: Flux stops applying (and pruning) it until it is resumed"
        : "is resumed: Flux applies everything that changed while it was suspended at once";
      out.push(
        diagnostic(
          "danger-suspend-flip",
          `${ref} ${what}.`,
          where(ctx.snapshot, node?.definedIn, ["spec", "suspend"], ref),
        ),
      );
    }
    const flipped = new Set(impact.suspendFlips.map((f) => f.key));
    for (const k of impact.kustomizations) {
      if (!k.suspended || k.change !== "modified" || k.carrierOnly || flipped.has(k.key)) continue;
      const ref = displayRef("Kustomization", k.namespace, k.name);
      out.push(
        diagnostic(
          "danger-suspended-change",
          `${ref} is suspended: this change to it will not roll out until it is resumed.`,
          where(ctx.snapshot, k.definedIn, ["spec", "suspend"], ref),
        ),
      );
    }
    for (const h of impact.helmReleases) {
      const node = ctx.model.helmReleases.find((x) => x.key === h.key);
      if (!node?.suspend || h.change !== "modified" || flipped.has(h.key)) continue;
      const ref = displayRef("HelmRelease", h.namespace, h.name);
      out.push(
        diagnostic(
          "danger-suspended-change",
          `${ref} is suspended: this change to it will not roll out until it is resumed.`,
          where(ctx.snapshot, node.definedIn, ["spec", "suspend"], ref),
        ),
      );
    }
    return out;
  },
};

/** Immutable fields per kind (the API server refuses to change them in place). */
const IMMUTABLE: Record<string, ReadonlyArray<readonly string[]>> = {
  Deployment: [["spec", "selector"]],
  DaemonSet: [["spec", "selector"]],
  ReplicaSet: [["spec", "selector"]],
  StatefulSet: [
    ["spec", "selector"],
    ["spec", "volumeClaimTemplates"],
    ["spec", "serviceName"],
    ["spec", "podManagementPolicy"],
  ],
  Job: [
    ["spec", "selector"],
    ["spec", "template"],
    ["spec", "completions"],
  ],
  PersistentVolumeClaim: [
    ["spec", "storageClassName"],
    ["spec", "accessModes"],
    ["spec", "volumeName"],
    ["spec", "volumeMode"],
  ],
  RoleBinding: [["roleRef"]],
  ClusterRoleBinding: [["roleRef"]],
  Service: [["spec", "clusterIP"]],
};

export const dangerImmutable: Rule = {
  name: "danger-immutable",
  codes: ["danger-immutable-field"],
  when: "pull-request",
  run(ctx) {
    const change = ctx.change;
    if (!change) return [];
    const out: Diagnostic[] = [];
    for (const k of change.impact.kustomizations) {
      if (k.change !== "modified") continue;
      const before = new Map(
        (change.base.kustomizations.find((x) => x.key === k.key)?.build?.objects ?? []).map((o) => [
          objectKey(o.object),
          o.object,
        ]),
      );
      for (const o of ctx.model.kustomizations.find((x) => x.key === k.key)?.build?.objects ?? []) {
        const old = before.get(objectKey(o.object));
        if (!old) continue;
        const origin =
          o.origin.line === undefined
            ? undefined
            : ({ file: o.origin.file, line: o.origin.line } as SourceLocation);
        for (const field of immutableChanges(old, o.object)) {
          const ref = objectRef(o.object).display;
          out.push(
            diagnostic(
              "danger-immutable-field",
              `${ref}: ${field} cannot change in place; the apply will fail until the object is deleted and recreated (with force: true on the Kustomization, Flux recreates it — data on volumes may be lost).`,
              where(ctx.snapshot, origin, field.split("."), ref),
            ),
          );
        }
      }
    }
    return out;
  },
};

function immutableChanges(before: JsonObject, after: JsonObject): string[] {
  const out: string[] = [];
  for (const path of IMMUTABLE[String(after.kind)] ?? []) {
    const a = get(before, path);
    const b = get(after, path);
    if (a === undefined || b === undefined) continue;
    if (!deepEqual(a, b)) out.push(path.join("."));
  }
  if (after.kind === "PersistentVolumeClaim") {
    const a = quantity(get(before, ["spec", "resources", "requests", "storage"]));
    const b = quantity(get(after, ["spec", "resources", "requests", "storage"]));
    if (a !== undefined && b !== undefined && b < a) out.push("spec.resources.requests.storage (shrink)");
  }
  if ((after.kind === "ConfigMap" || after.kind === "Secret") && before.immutable === true) {
    if (!deepEqual(before.data, after.data) || !deepEqual(before.binaryData, after.binaryData))
      out.push("data (immutable: true)");
  }
  return out;
}

function get(obj: JsonValue, path: readonly string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = obj;
  for (const p of path) cur = isJsonObject(cur) ? cur[p] : undefined;
  return cur;
}

const UNITS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
};

/** A Kubernetes quantity in bytes ("10Gi" → 10737418240), or undefined. */
export function quantity(v: JsonValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return undefined;
  const m = /^(\d+(?:\.\d+)?)([KMGTP]i|[kMGTP])?$/.exec(v.trim());
  if (!m) return undefined;
  return Number(m[1]) * (m[2] ? (UNITS[m[2]] ?? 1) : 1);
}
