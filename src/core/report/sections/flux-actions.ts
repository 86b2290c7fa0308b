/**
 * "What Flux will do" beyond applying new output, in Flux's words: objects it deletes (PVCs, PVs,
 * Namespaces and CRDs called out one by one), objects it orphans (prune off), services disabled by a
 * `.dis` rename and who is left waiting for them forever, suspend flips (resuming applies everything
 * that accumulated), changes that wait under a suspended Kustomization, and renames. The lead
 * (`lead.ts`) lays the lines out.
 */
import type { Deletion, ImpactReport } from "../../impact/types.ts";
import { code, countedList, plural, refMarkdown } from "./common.ts";
import type { RenamePair } from "./renames.ts";

const NAMES_MAX = 10;

const CONSEQUENCE: Record<string, string> = {
  PersistentVolumeClaim: "the data in it is lost",
  PersistentVolume: "its data may be lost, depending on its reclaim policy",
  Namespace: "everything in the namespace is deleted with it",
  CustomResourceDefinition: "every custom resource of this kind is deleted with it",
};

/**
 * The lines of what Flux will do: `lines` need a look (renames, dangerous deletions, disabled services,
 * suspend flips, changes waiting under a suspended Kustomization); `deletionLines` name the ordinary
 * deletions and orphans per Kustomization (collapsed by the lead when many). Deletions a rename
 * explains are not repeated.
 */
export function fluxActionLines(
  report: ImpactReport,
  renames: readonly RenamePair[] = [],
): { lines: string[]; deletionLines: string[] } {
  const explained = new Set(renames.flatMap((r) => r.deletions));
  const deletions = report.deletions.filter((d) => !explained.has(d));
  const renameLines = renames.map((r) => {
    const gone =
      r.deletions.length > 0
        ? `: Flux deletes the old ${r.kind} and creates the new one${r.deletions.length > 1 ? ` (${plural(r.deletions.length - 1, "object")} it applied ${r.deletions.length === 2 ? "is" : "are"} recreated under the new name)` : ""}`
        : "";
    return `- 🔀 **Renames** ${r.kind} ${code(r.from)} → ${code(r.to)}${gone}.`;
  });
  const lines = [
    ...renameLines,
    ...dangerousLines(deletions),
    ...report.disabledServices.map((s) => {
      const gone = [
        ...s.kustomizations.map((k) => `Kustomization ${code(k)}`),
        ...s.helmReleases.map((h) => `HelmRelease ${code(h)}`),
      ];
      let line = `- 🚫 **Disables** ${code(s.previousFile)} (now ${code(s.file)}): ${countedList(gone, NAMES_MAX)} go away, with the ${plural(s.objectCount, "object")} they apply.`;
      if (s.strandedDependents.length > 0)
        line += ` ⛔ Still depending on it, these will wait forever: ${countedList(
          s.strandedDependents.map((d) => refMarkdown(d)),
          NAMES_MAX,
        )}.`;
      return line;
    }),
    ...report.suspendFlips.map((f) =>
      f.to
        ? `- ⏸️ **Suspends** ${f.kind} ${code(f.key)}: Flux stops reconciling it; this and later changes wait until it is resumed.`
        : `- ▶️ **Resumes** ${f.kind} ${code(f.key)}: Flux applies everything that changed while it was suspended, not only this pull request.`,
    ),
    ...suspendedLines(report),
  ];
  return { lines, deletionLines: deletionLines(deletions) };
}

function dangerousLines(deletions: readonly Deletion[]): string[] {
  const lines: string[] = [];
  for (const d of deletions) {
    if (d.action !== "deleted" || !d.dangerous) continue;
    const consequence = CONSEQUENCE[d.ref.kind] ?? "review this deletion";
    lines.push(
      `- ⚠️ **Deletes ${refMarkdown(d.ref.display)}**: Kustomization ${code(d.kustomization)} prunes it; ${consequence}.`,
    );
  }
  return lines;
}

function deletionLines(deletions: readonly Deletion[]): string[] {
  const lines: string[] = [];
  const byKustomization = (action: Deletion["action"]) => {
    const groups = new Map<string, Deletion[]>();
    for (const d of deletions) {
      if (d.action !== action || (action === "deleted" && d.dangerous)) continue;
      groups.set(d.kustomization, [...(groups.get(d.kustomization) ?? []), d]);
    }
    return groups;
  };
  for (const [ks, list] of byKustomization("deleted")) {
    const names = countedList(
      list.map((d) => refMarkdown(d.ref.display)),
      NAMES_MAX,
    );
    lines.push(
      `- 🗑️ **Deletes** ${plural(list.length, "object")} that Kustomization ${code(ks)} no longer applies: ${names}.`,
    );
  }
  for (const [ks, list] of byKustomization("orphaned")) {
    const names = countedList(
      list.map((d) => refMarkdown(d.ref.display)),
      NAMES_MAX,
    );
    lines.push(
      `- 👻 **Orphans** ${plural(list.length, "object")} that Kustomization ${code(ks)} no longer applies (it does not prune): ${names} stay in the cluster, unmanaged.`,
    );
  }
  return lines;
}

/** Changes that wait: affected Kustomizations that stay suspended, and HelmReleases they apply. */
function suspendedLines(report: ImpactReport): string[] {
  const flipped = new Set(report.suspendFlips.map((f) => `${f.kind} ${f.key}`));
  const suspended = report.kustomizations.filter(
    (k) => k.suspended && k.change !== "removed" && !flipped.has(`Kustomization ${k.key}`),
  );
  const lines: string[] = [];
  for (const k of suspended) {
    const hrs = report.helmReleases
      .filter((h) => h.kustomization === k.key)
      .map((h) => `HelmRelease ${code(h.key)}`);
    const also = hrs.length > 0 ? `, including the change to ${countedList(hrs, NAMES_MAX)},` : "";
    lines.push(
      `- ⏸️ Kustomization ${code(k.key)} is suspended: its changes${also} are not applied until it is resumed.`,
    );
  }
  return lines;
}
