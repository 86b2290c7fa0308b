/**
 * Identical changes said once: HelmReleases whose change is the same (same chart or chartRef versions,
 * same image bumps, same values changes, nothing else of note) form a group when there are at least
 * GROUP_MIN of them — "26 HelmReleases: app-template 5.0.1 → 5.1.0" — in the table and in the chains.
 */
import type { HelmReleaseImpact } from "../../impact/types.ts";
import { imageRepository } from "./affected.ts";

export const GROUP_MIN = 3;

export interface ChangeGroup {
  /** Plain text ("app-template 5.0.1 → 5.1.0"); escape where it is used. */
  label: string;
  members: HelmReleaseImpact[];
}

/** "OCIRepository ns/app-template 5.0.1" → { name: "app-template", version: "5.0.1" }. */
export function chartRefParts(text: string): { name: string; version: string } | undefined {
  const m = /^[A-Za-z]+ (?:[^/\s]+\/)?(\S+) (.+)$/.exec(text);
  return m ? { name: m[1]!, version: m[2]! } : undefined;
}

/** Short image text: last path segment of the repository, tag, digest shortened. */
export function shortImage(ref: string): { repo: string; version: string } {
  const repo = imageRepository(ref);
  const rest = ref.slice(repo.length);
  const short = repo.slice(repo.lastIndexOf("/") + 1);
  const version = rest.replace(/^:/, "").replace(/@sha256:([0-9a-f]{8})[0-9a-f]*/i, "@sha256:$1…");
  return { repo: short, version: version === "" ? "latest" : version };
}

function changeLabel(h: HelmReleaseImpact): string | undefined {
  if (h.change !== "modified" || h.blocked || h.suspend || h.dependsOnChanged) return undefined;
  if (h.inCycle || h.missingDependencies.length > 0) return undefined;
  const parts: string[] = [];
  if (h.chartRef?.from !== undefined && h.chartRef.to !== undefined) {
    const a = chartRefParts(h.chartRef.from);
    const b = chartRefParts(h.chartRef.to);
    if (!a || !b || a.name !== b.name) return undefined;
    parts.push(`${a.name} ${a.version} → ${b.version}`);
  } else if (h.chartRef) return undefined;
  if (h.chart) {
    if (h.chart.from === undefined || h.chart.to === undefined) return undefined;
    parts.push(`chart ${h.chart.from} → ${h.chart.to}`);
  }
  for (const [i, to] of h.images.to.entries()) {
    const from = h.images.from[i];
    if (from === undefined || imageRepository(from) !== imageRepository(to)) return undefined;
    const a = shortImage(from);
    const b = shortImage(to);
    parts.push(`${b.repo} ${a.version} → ${b.version}`);
  }
  if (h.images.from.length !== h.images.to.length) return undefined;
  for (const v of h.values) {
    if (v.secret) return undefined;
    parts.push(`${v.path}: ${v.from ?? "—"} → ${v.to ?? "—"}`);
  }
  return parts.length === 0 ? undefined : parts.join(", ");
}

/** Groups of at least GROUP_MIN HelmReleases with the same change, in first-member order. */
export function helmReleaseGroups(helmReleases: readonly HelmReleaseImpact[]): ChangeGroup[] {
  const byLabel = new Map<string, HelmReleaseImpact[]>();
  for (const h of helmReleases) {
    const label = changeLabel(h);
    if (label === undefined) continue;
    byLabel.set(`${h.cluster ?? ""}\u0000${label}`, [
      ...(byLabel.get(`${h.cluster ?? ""}\u0000${label}`) ?? []),
      h,
    ]);
  }
  return [...byLabel]
    .filter(([, members]) => members.length >= GROUP_MIN)
    .map(([key, members]) => ({ label: key.slice(key.indexOf("\u0000") + 1), members }));
}
