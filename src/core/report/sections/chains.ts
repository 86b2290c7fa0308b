/**
 * dependsOn chains for the affected objects: what each waits for (upstream, missing targets marked),
 * the object, and what waits for it (dependents) — "upstream → **object** → dependents" — with
 * dependsOn cycles called out. Only objects with any dependsOn context are listed; HelmReleases with
 * the same change (`groups.ts`) share one line. One budget block per line (group "chains").
 */
import type { HelmReleaseImpact, ImpactReport } from "../../impact/types.ts";
import type { Block } from "../budget.ts";
import { mdInline } from "../markdown.ts";
import { code, countedList, plural } from "./common.ts";
import { type ChangeGroup, helmReleaseGroups } from "./groups.ts";

const NAMES_MAX = 8;

interface ChainSubject {
  kind: "Kustomization" | "HelmRelease";
  key: string;
  change: string;
  upstream: readonly string[];
  dependents: readonly string[];
  missingDependencies: readonly string[];
  inCycle: boolean;
}

export function chainBlocks(report: ImpactReport): Block[] {
  const subjects: ChainSubject[] = [
    ...report.kustomizations.map((k) => ({ ...k, kind: "Kustomization" as const })),
    ...report.helmReleases.map((h) => ({ ...h, kind: "HelmRelease" as const })),
  ].filter((s) => s.upstream.length + s.dependents.length + s.missingDependencies.length > 0 || s.inCycle);
  if (subjects.length === 0) return [];
  // A group of identical HelmRelease changes is one chain line (its members' chains merged).
  const groupOf = new Map<string, ChangeGroup>();
  for (const g of helmReleaseGroups(report.helmReleases)) for (const h of g.members) groupOf.set(h.key, g);
  const lines: string[] = [];
  const done = new Set<ChangeGroup>();
  for (const s of subjects) {
    const g = s.kind === "HelmRelease" ? groupOf.get(s.key) : undefined;
    if (!g) {
      lines.push(chainLine(s));
      continue;
    }
    if (done.has(g)) continue;
    done.add(g);
    const union = (f: (h: HelmReleaseImpact) => readonly string[]) => [...new Set(g.members.flatMap(f))];
    lines.push(
      chainLine(
        {
          kind: "HelmRelease",
          key: "",
          change: "modified",
          upstream: union((h) => h.upstream),
          dependents: union((h) => h.dependents),
          missingDependencies: [],
          inCycle: false,
        },
        `**${plural(g.members.length, "HelmRelease")}** (${mdInline(g.label)})`,
      ),
    );
  }
  return [
    {
      text: "#### dependsOn chains\n\nWhat each affected object waits for → the object → what waits for it.\n\n",
      needs: ["chains"],
    },
    ...lines.map((l): Block => ({ text: `${l}\n`, group: "chains" })),
    { text: "\n", needs: ["chains"] },
  ];
}

function chainLine(s: ChainSubject, subject = `**${s.kind} ${code(s.key)}**`): string {
  const missing = new Set(s.missingDependencies);
  const upstream = [
    ...s.missingDependencies.map((m) => `⛔ ${code(m)} (missing)`),
    ...s.upstream.filter((u) => !missing.has(u)).map((u) => code(u)),
  ];
  const parts = [
    ...(upstream.length > 0 ? [countedList(upstream, NAMES_MAX)] : []),
    subject,
    ...(s.dependents.length > 0
      ? [
          countedList(
            s.dependents.map((d) => code(d)),
            NAMES_MAX,
          ),
        ]
      : []),
  ];
  let line = `- ${parts.join(" → ")}`;
  if (s.change === "removed") line += " (removed; chains of the base branch)";
  if (s.missingDependencies.length > 0) line += " — waits forever for a dependsOn target that does not exist";
  if (s.inCycle) line += " — 🔁 part of a dependsOn cycle: every member waits forever";
  return line;
}
