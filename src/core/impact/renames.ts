/**
 * Renames: a removed and an added Kustomization or HelmRelease (same kind and cluster) are one object
 * renamed when the removed one's file was renamed to the file that defines the added one, or when their
 * rendered definitions are the same once the names are swapped ("deduparr → cleanrr"). Deletions that
 * are part of a rename — the old object, and what it applied that the new Kustomization applies again
 * under the new name — are explained by the rename: the comment says so instead of listing them, and the
 * danger-prune-deletes check does not warn about them. Objects the old one applied that nothing recreates
 * are genuine deletions and stay out of the pair.
 */
import type { Deletion, ImpactReport } from "./types.ts";

/** What rename pairing reads of the impact. */
export type RenameInput = Pick<ImpactReport, "kustomizations" | "helmReleases" | "deletions">;

export interface RenamePair {
  kind: "Kustomization" | "HelmRelease";
  cluster?: string;
  from: string;
  to: string;
  /** Deletions that the rename explains (the added object creates them again). */
  deletions: Deletion[];
}

function nameOf(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}

/** The object's own rendered YAML (removed or added) in some Kustomization's output, its name masked. */
function contentKey(report: RenameInput, kind: string, key: string, change: "added" | "removed"): string {
  const name = nameOf(key);
  for (const k of report.kustomizations)
    for (const o of k.objects)
      if (o.ref.kind === kind && o.change === change && `${o.ref.namespace}/${o.ref.name}` === key)
        return maskLines(o.diff, name);
  return "";
}

function maskLines(diff: string, name: string): string {
  return diff
    .split("\n")
    .filter((l) => /^[-+]/.test(l))
    .map((l) => l.slice(1).split(name).join("§"))
    .join("\n");
}

export function renamePairs(report: RenameInput): RenamePair[] {
  const pairs: RenamePair[] = [];
  const subjects = [
    ...report.kustomizations.map((k) => ({ ...k, kind: "Kustomization" as const })),
    ...report.helmReleases.map((h) => ({ ...h, kind: "HelmRelease" as const })),
  ];
  const used = new Set<string>();
  for (const r of subjects) {
    if (r.change !== "removed") continue;
    const renamedTo = r.reasons.flatMap((x) =>
      (x.kind === "removed-from-parent" || x.kind === "file") && x.renamedTo !== undefined
        ? [x.renamedTo]
        : [],
    );
    const removedContent = contentKey(report, r.kind, r.key, "removed");
    const a = subjects.find(
      (s) =>
        s.kind === r.kind &&
        s.change === "added" &&
        s.cluster === r.cluster &&
        !used.has(`${s.kind} ${s.key}`) &&
        ((s.definedIn !== undefined && renamedTo.includes(s.definedIn.file)) ||
          (removedContent !== "" && removedContent === contentKey(report, s.kind, s.key, "added"))),
    );
    if (!a) continue;
    used.add(`${a.kind} ${a.key}`);
    const oldName = nameOf(r.key);
    const newName = nameOf(a.key);
    // What the new Kustomization applies again under its new name (objects whose name held the old one).
    const added = new Set(
      report.kustomizations
        .filter((k) => r.kind !== "Kustomization" || k.key === a.key)
        .flatMap((k) =>
          k.objects.filter((o) => o.change === "added").map((o) => o.ref.display.split(newName).join("§")),
        ),
    );
    const deletions = report.deletions.filter(
      (d) =>
        d.cluster === r.cluster &&
        ((d.ref.kind === r.kind && `${d.ref.namespace}/${d.ref.name}` === r.key) ||
          (d.kustomization === r.key && added.has(d.ref.display.split(oldName).join("§")))),
    );
    pairs.push({
      kind: r.kind,
      ...(r.cluster ? { cluster: r.cluster } : {}),
      from: r.key,
      to: a.key,
      deletions,
    });
  }
  return pairs;
}
