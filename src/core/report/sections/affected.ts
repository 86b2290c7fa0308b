/**
 * The affected-objects tables: one row per Kustomization (change, why, dependents; carriers say which
 * Flux objects they carry the change to) and one per HelmRelease (chart and chartRef versions, image
 * changes, changed values keys — keys only for values from Secrets — and dependents). Rows are budget
 * blocks ("ks-rows", "hr-rows"); the table heads stay while a row does. Every cell is escaped for a
 * table cell (pipes included).
 */
import type { HelmReleaseImpact, KustomizationImpact, ValueChange } from "../../impact/types.ts";
import type { Block } from "../budget.ts";
import { htmlInline, mdInline } from "../markdown.ts";
import { code, countedList, plural, reasonMarkdown, refMarkdown, VALUE_MAX } from "./common.ts";
import { type ChangeGroup, helmReleaseGroups } from "./groups.ts";

const REASONS_MAX = 4;
const NAMES_MAX = 3;
const VALUES_MAX = 6;
const IMAGES_MAX = 4;
const FLUX_API = /\.fluxcd\.io\//;

/**
 * The tables; with several clusters, one section per cluster (a heading and its own tables), in the
 * report's cluster order.
 */
export function affectedBlocks(
  kustomizations: readonly KustomizationImpact[],
  helmReleases: readonly HelmReleaseImpact[],
  clusters: readonly string[] = [],
): Block[] {
  if (clusters.length <= 1) return clusterTables(kustomizations, helmReleases);
  const blocks: Block[] = [];
  for (const name of clusters) {
    const ks = kustomizations.filter((k) => k.cluster === name);
    const hrs = helmReleases.filter((h) => h.cluster === name);
    const tables = clusterTables(ks, hrs);
    blocks.push({
      text: `#### Cluster ${code(name)}${tables.length === 0 ? ": no Flux objects affected" : ""}\n\n`,
      essential: true,
    });
    blocks.push(...tables.map((b) => ({ ...b, text: b.text.replace(/^#### /, "##### ") })));
  }
  return blocks;
}

function clusterTables(
  kustomizations: readonly KustomizationImpact[],
  helmReleases: readonly HelmReleaseImpact[],
): Block[] {
  const blocks: Block[] = [];
  if (kustomizations.length > 0) {
    blocks.push({
      text: "#### Kustomizations\n\n| Kustomization | Change | Why | Dependents |\n| --- | --- | --- | --- |\n",
      needs: ["ks-rows"],
    });
    for (const k of kustomizations) blocks.push({ text: kustomizationRow(k), group: "ks-rows" });
    blocks.push({ text: "\n", needs: ["ks-rows"] });
  }
  if (helmReleases.length > 0) {
    blocks.push({ text: "#### HelmReleases\n\n", needs: ["hr-rows"] });
    const groups = helmReleaseGroups(helmReleases);
    const grouped = new Set(groups.flatMap((g) => g.members));
    for (const g of groups) blocks.push({ text: groupBlock(g), group: "hr-rows" });
    const rest = helmReleases.filter((h) => !grouped.has(h));
    if (rest.length > 0) {
      blocks.push({
        text:
          "| HelmRelease | Change | Chart | Images | Values | Dependents |\n" +
          "| --- | --- | --- | --- | --- | --- |\n",
        needs: ["hr-table"],
      });
      for (const h of rest) blocks.push({ text: helmReleaseRow(h), group: "hr-rows", tags: ["hr-table"] });
      blocks.push({ text: "\n", needs: ["hr-table"] });
    }
  }
  return blocks;
}

/** "26 HelmReleases: app-template 5.0.1 → 5.1.0", the names collapsed. */
function groupBlock(g: ChangeGroup): string {
  const names = g.members.map((h) => code(h.key)).join(", ");
  return `<details><summary><b>${plural(g.members.length, "HelmRelease")}</b>: ${htmlInline(g.label)}</summary>\n\n${names}\n\n</details>\n\n`;
}

function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => (c === "" ? "—" : c)).join(" | ")} |\n`;
}

function kustomizationRow(k: KustomizationImpact): string {
  let change = `**${k.change}**`;
  const children = k.objects.filter(
    (o) => FLUX_API.test(o.ref.apiVersion) && /^(Kustomization|HelmRelease)$/.test(o.ref.kind),
  );
  if (k.carrierOnly && children.length > 0)
    change += ` — carries the change to ${countedList(
      children.map((o) => refMarkdown(o.ref.display, true)),
      NAMES_MAX,
    )}`;
  else if (k.objects.length > 0) {
    const added = k.objects.reduce((n, o) => n + o.added, 0);
    const removed = k.objects.reduce((n, o) => n + o.removed, 0);
    change += ` — ${plural(k.objects.length, "object")} (+${added} −${removed})`;
  }
  change += flags(k.suspended, k.inCycle, k.missingDependencies);
  if (k.blocked) change += `<br>🚧 blocked — ${mdInline(k.blocked)}`;
  const reasons = k.reasons.map((r) => reasonMarkdown(r, true));
  return row([code(k.key, true), change, cellList(reasons, REASONS_MAX), dependentsCell(k.dependents)]);
}

function helmReleaseRow(h: HelmReleaseImpact): string {
  const name = `${code(h.key, true)}<br><sub>Kustomization ${code(h.kustomization, true)}</sub>`;
  let change = `**${h.change}**`;
  if (h.suspend) change += ` — suspend ${h.suspend.from} → ${h.suspend.to}`;
  if (h.dependsOnChanged) change += " — dependsOn changed";
  change += flags(false, h.inCycle, h.missingDependencies);
  if (h.blocked) change += `<br>🚧 blocked — ${mdInline(h.blocked)}`;
  const reasons = h.reasons
    .filter((r) => r.kind !== "parent" || h.change !== "added")
    .map((r) => reasonMarkdown(r, true));
  if (reasons.length > 0) change += `<br>${cellList(reasons, REASONS_MAX)}`;
  const chart = [
    ...(h.chart ? [versionChange(h.chart)] : []),
    ...(h.chartRef ? [`chartRef ${versionChange(h.chartRef)}`] : []),
  ].join("<br>");
  // Added or removed: every value is new or gone, which the object's diff shows; list changes only.
  const values = h.change === "modified" ? valuesCell(h.values) : "";
  return row([name, change, chart, imagesCell(h.images), values, dependentsCell(h.dependents)]);
}

function flags(suspended: boolean, inCycle: boolean, missing: readonly string[]): string {
  let out = "";
  if (suspended) out += "<br>⏸️ suspended";
  if (inCycle) out += "<br>🔁 in a dependsOn cycle";
  if (missing.length > 0)
    out += `<br>⛔ waits for missing ${countedList(
      missing.map((m) => code(m, true)),
      NAMES_MAX,
    )}`;
  return out;
}

function cellList(items: readonly string[], max: number): string {
  if (items.length <= max) return items.join("<br>");
  return `${items.slice(0, max).join("<br>")}<br>and ${items.length - max} more`;
}

function dependentsCell(dependents: readonly string[]): string {
  if (dependents.length === 0) return "";
  return `${dependents.length}: ${countedList(
    dependents.map((d) => code(d, true)),
    NAMES_MAX,
  )}`;
}

function versionChange(c: { from?: string; to?: string }): string {
  if (c.from !== undefined && c.to !== undefined) return `${code(c.from, true)} → ${code(c.to, true)}`;
  if (c.to !== undefined) return `new ${code(c.to, true)}`;
  if (c.from !== undefined) return `removed ${code(c.from, true)}`;
  return "";
}

/** The repository part of an image reference (no tag, no digest). */
export function imageRepository(ref: string): string {
  const noDigest = ref.split("@")[0]!;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** `repo:1.0` → `repo:1.1` for images whose repository stayed; additions and removals on their own. */
function imagesCell(images: { from: readonly string[]; to: readonly string[] }): string {
  const lines: string[] = [];
  const unmatched = [...images.from];
  for (const to of images.to) {
    const i = unmatched.findIndex((f) => imageRepository(f) === imageRepository(to));
    if (i >= 0) {
      lines.push(`${code(unmatched[i]!, true)} → ${code(to, true)}`);
      unmatched.splice(i, 1);
    } else lines.push(`added ${code(to, true)}`);
  }
  for (const from of unmatched) lines.push(`removed ${code(from, true)}`);
  return cellList(lines, IMAGES_MAX);
}

function valuesCell(values: readonly ValueChange[]): string {
  return cellList(values.map(valueLine), VALUES_MAX);
}

/** One changed value; values from Secrets show the key only, never a value. */
export function valueLine(v: ValueChange): string {
  const key = code(v.path, true);
  if (v.secret) return `${key} ${v.change} 🔒 (from a Secret, value hidden)`;
  const value = (s: string | undefined) => (s === undefined ? "" : code(s, true, VALUE_MAX));
  if (v.change === "added") return `${key} added${v.to !== undefined ? `: ${value(v.to)}` : ""}`;
  if (v.change === "removed") return `${key} removed${v.from !== undefined ? ` (was ${value(v.from)})` : ""}`;
  return `${key}: ${value(v.from)} → ${value(v.to)}`;
}
