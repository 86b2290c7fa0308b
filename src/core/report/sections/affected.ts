/**
 * The affected-objects tables, compact in the way of Renovate's: one short line per object, the rest
 * in one collapsed `<details>` under each table.
 *   - Kustomizations: `Kustomization | Change | Why` — the change (objects, or the Flux objects it
 *     carries the change to), and why in a few words (files read: a count and the first path; spec
 *     fields; dependsOn as `− a + b`). Kustomizations whose change has the same shape (same kind of
 *     change, same file names, same spec fields, same dependsOn move) share one row, "26 Kustomizations".
 *   - HelmReleases: `HelmRelease | Chart | Images | Why` — the chart by its name (`app-template 5.0.1 →
 *     5.1.0`, not its source), images as `repo tag → tag` with digests shortened, and why in a few
 *     words (values: a count and the first path; dependsOn; suspend). HelmReleases with the same change
 *     (`groups.ts`) share one row.
 * The Kustomization that applies a HelmRelease, the full value paths, dependents, file lists, reasons
 * and the defining file go into the `<details>`. No table cell holds a run longer than CELL_RUN_MAX
 * characters without a space (long paths shortened to their last segments, names clipped), so the
 * tables fit GitHub's comment column. Rows are budget blocks ("ks-rows", "hr-rows"), the details'
 * entries too ("table-details", dropped before rows); heads and wrappers stay while something they
 * introduce does. Every cell is escaped for a table cell (pipes included).
 */
import type {
  DependsOnChange,
  HelmReleaseImpact,
  KustomizationImpact,
  Reason,
  RevisionInfo,
  ValueChange,
} from "../../impact/types.ts";
import type { Block } from "../budget.ts";
import { clip, htmlInline, mdInline } from "../markdown.ts";
import {
  code,
  countedList,
  fileLink,
  plural,
  reasonMarkdown,
  reasonParts,
  refMarkdown,
  VALUE_MAX,
} from "./common.ts";
import { type ChangeGroup, chartRefParts, GROUP_MIN, helmReleaseGroups, shortImage } from "./groups.ts";

/** Longest run of visible characters without a break opportunity in a table cell. */
export const CELL_RUN_MAX = 60;
/** Longest path, name or version shown in a table cell (shorter than CELL_RUN_MAX: room for markup). */
const CELL_CODE_MAX = 48;
const NAMES_MAX = 2;
const WHY_MAX = 3;
const IMAGES_MAX = 4;
const DEPENDS_MAX = 3;
const FLUX_API = /\.fluxcd\.io\//;

/**
 * The tables; with several clusters, one section per cluster (a heading and its own tables), in the
 * report's cluster order. `head` turns defining files into links in the details.
 */
export function affectedBlocks(
  kustomizations: readonly KustomizationImpact[],
  helmReleases: readonly HelmReleaseImpact[],
  clusters: readonly string[] = [],
  head?: RevisionInfo,
): Block[] {
  if (clusters.length <= 1) return clusterTables(kustomizations, helmReleases, head, "");
  const blocks: Block[] = [];
  for (const name of clusters) {
    const ks = kustomizations.filter((k) => k.cluster === name);
    const hrs = helmReleases.filter((h) => h.cluster === name);
    const tables = clusterTables(ks, hrs, head, `${name}:`);
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
  head: RevisionInfo | undefined,
  prefix: string,
): Block[] {
  const blocks: Block[] = [];
  if (kustomizations.length > 0) {
    const ksTag = `${prefix}ks-details`;
    blocks.push({
      text: "#### Kustomizations\n\n| Kustomization | Change | Why |\n| --- | --- | --- |\n",
      needs: ["ks-rows"],
    });
    const rows = kustomizationRows(kustomizations);
    for (const r of rows) blocks.push({ text: r.row, group: "ks-rows" });
    blocks.push({ text: "\n", needs: ["ks-rows"] });
    blocks.push(detailsOpen(plural(kustomizations.length, "Kustomization"), ksTag));
    for (const r of rows)
      for (const k of r.members)
        blocks.push({ text: kustomizationDetails(k, head), group: "table-details", tags: [ksTag] });
    blocks.push({ text: "\n</details>\n\n", needs: [ksTag] });
  }
  if (helmReleases.length > 0) {
    const hrTag = `${prefix}hr-details`;
    blocks.push({
      text: "#### HelmReleases\n\n| HelmRelease | Chart | Images | Why |\n| --- | --- | --- | --- |\n",
      needs: ["hr-rows"],
    });
    const groups = helmReleaseGroups(helmReleases);
    const grouped = new Set(groups.flatMap((g) => g.members));
    const ordered: HelmReleaseImpact[] = [];
    for (const g of groups) {
      blocks.push({ text: helmReleaseGroupRow(g), group: "hr-rows" });
      ordered.push(...g.members);
    }
    for (const h of helmReleases) {
      if (grouped.has(h)) continue;
      blocks.push({ text: helmReleaseRow(h), group: "hr-rows" });
      ordered.push(h);
    }
    blocks.push({ text: "\n", needs: ["hr-rows"] });
    blocks.push(detailsOpen(plural(helmReleases.length, "HelmRelease"), hrTag));
    for (const h of ordered)
      blocks.push({ text: helmReleaseDetails(h, head), group: "table-details", tags: [hrTag] });
    blocks.push({ text: "\n</details>\n\n", needs: [hrTag] });
  }
  return blocks;
}

function detailsOpen(what: string, tag: string): Block {
  return {
    text: `<details><summary>Details of ${htmlInline(what)}: where they are defined, dependents, every file and value</summary>\n\n`,
    needs: [tag],
  };
}

function row(cells: readonly string[]): string {
  return `| ${cells.map((c) => (c === "" ? "—" : c)).join(" | ")} |\n`;
}

// ---------------------------------------------------------------------------------------------------
// Short forms for table cells

/** A path cut to its last segments ("…/app/helmrelease.yaml") when longer than `max`. */
export function shortPath(path: string, max = CELL_CODE_MAX): string {
  if (path.length <= max) return path;
  const parts = path.split("/");
  let out = parts[parts.length - 1]!;
  for (let i = parts.length - 2; i >= 0; i--) {
    const next = `${parts[i]}/${out}`;
    if (next.length + 2 > max) break;
    out = next;
  }
  return `…/${clip(out, max - 2)}`;
}

/** A dotted value path cut to its last keys ("…containers.app.image.tag") when longer than `max`. */
export function shortValuePath(path: string, max = CELL_CODE_MAX): string {
  if (path.length <= max) return path;
  const parts = path.split(".");
  let out = parts[parts.length - 1]!;
  for (let i = parts.length - 2; i >= 0; i--) {
    const next = `${parts[i]}.${out}`;
    if (next.length + 1 > max) break;
    out = next;
  }
  return `…${clip(out, max - 1)}`;
}

/** A name, path or version as a code span short enough for a table cell. */
function cellCode(text: string): string {
  return code(shortPath(text), true);
}

/** A reason in a few words: paths shortened. */
function shortReason(r: Reason): string {
  return reasonParts(r)
    .map((p) =>
      typeof p === "string"
        ? mdInline(p)
        : "code" in p
          ? cellCode(p.code)
          : refMarkdown(shortRef(p.ref), true),
    )
    .join("");
}

function shortRef(ref: string): string {
  const m = /^([A-Za-z][A-Za-z0-9]*) (\S.*)$/.exec(ref);
  return m ? `${m[1]} ${shortPath(m[2]!)}` : shortPath(ref);
}

/** "a<br>b<br>+2 more". */
function cellList(items: readonly string[], max: number): string {
  if (items.length <= max) return items.join("<br>");
  return `${items.slice(0, max).join("<br>")}<br>+${items.length - max} more`;
}

/** "`dependsOn` − `ns/a` + `ns/b`". */
function dependsOnShort(change: DependsOnChange): string {
  const side = (sign: string, keys: readonly string[]) => {
    if (keys.length === 0) return [];
    const shown = keys.slice(0, DEPENDS_MAX).map((k) => `${sign} ${cellCode(k)}`);
    return keys.length > DEPENDS_MAX ? [...shown, `${sign} ${keys.length - DEPENDS_MAX} more`] : shown;
  };
  return [code("dependsOn", true), ...side("−", change.removed), ...side("+", change.added)].join(" ");
}

function flagItems(
  suspended: boolean,
  inCycle: boolean,
  missing: readonly string[],
  blocked?: string,
): string[] {
  const out: string[] = [];
  if (blocked) out.push("🚧 blocked (see details)");
  if (suspended) out.push("⏸️ suspended");
  if (inCycle) out.push("🔁 in a dependsOn cycle");
  if (missing.length > 0) out.push(`⛔ waits for missing ${countedList(missing.map(cellCode), NAMES_MAX)}`);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Kustomizations

interface KustomizationRow {
  row: string;
  members: KustomizationImpact[];
}

function carried(k: KustomizationImpact) {
  return k.objects.filter(
    (o) => FLUX_API.test(o.ref.apiVersion) && /^(Kustomization|HelmRelease)$/.test(o.ref.kind),
  );
}

/** "**modified** — carries the change to HelmRelease `x`", or "— 1 object (+1 −1)". */
function kustomizationChange(k: KustomizationImpact, many: boolean): string {
  let change = `**${k.change}**`;
  const children = carried(k);
  if (k.carrierOnly && children.length > 0) {
    if (many) {
      const kinds = [...new Set(children.map((o) => o.ref.kind))].sort();
      change += ` — each carries the change to its ${kinds.join(" and ")}${children.length > 1 ? "s" : ""}`;
    } else
      change += ` — carries the change to ${countedList(
        children.map((o) => refMarkdown(shortRef(o.ref.display), true)),
        NAMES_MAX,
      )}`;
  } else if (k.objects.length > 0) {
    const added = k.objects.reduce((n, o) => n + o.added, 0);
    const removed = k.objects.reduce((n, o) => n + o.removed, 0);
    change += ` — ${plural(k.objects.length, "object")} (+${added} −${removed})${many ? " each" : ""}`;
  }
  return change;
}

/**
 * Why, in a few words: changed files read (count and first path), spec fields, dependsOn as − / +,
 * then the other reasons. `file` renders a path (its basename for a group whose paths differ).
 */
function kustomizationWhy(k: KustomizationImpact, file: (path: string) => string): string[] {
  const items: string[] = [];
  const files = k.reasons.filter((r): r is Extract<Reason, { kind: "file" }> => r.kind === "file");
  if (files.length === 1) {
    const r = files[0]!;
    items.push(`reads ${file(r.file)} (${r.status}${r.renamedTo !== undefined ? ", renamed" : ""})`);
  } else if (files.length > 1) items.push(`reads ${files.length} changed files: ${file(files[0]!.file)} …`);
  const fields = [
    ...new Set([...k.specChanges, ...k.reasons.flatMap((r) => (r.kind === "definition" ? r.fields : []))]),
  ].filter((f) => !(f === "dependsOn" && k.dependsOnChange));
  if (fields.length > 0) items.push(`changes ${countedList(fields.map(cellCode), WHY_MAX)}`);
  if (k.dependsOnChange) items.push(dependsOnShort(k.dependsOnChange));
  for (const r of k.reasons) {
    if (r.kind === "file" || r.kind === "definition") continue;
    items.push(shortReason(r));
  }
  return items;
}

/** What makes two Kustomizations' changes the same for the table: kind, file names, fields, dependsOn. */
function kustomizationShape(k: KustomizationImpact): string | undefined {
  if (k.blocked || k.suspended || k.inCycle || k.missingDependencies.length > 0) return undefined;
  const base = (p: string) => p.slice(p.lastIndexOf("/") + 1);
  const children = carried(k);
  return JSON.stringify([
    k.cluster ?? "",
    k.change,
    k.carrierOnly && children.length > 0
      ? ["carries", children.map((o) => o.ref.kind).sort()]
      : ["objects", k.objects.map((o) => [o.ref.kind, o.change, o.added, o.removed]).sort()],
    [...k.specChanges].sort(),
    k.dependsOnChange ? [[...k.dependsOnChange.removed].sort(), [...k.dependsOnChange.added].sort()] : null,
    k.reasons.map((r) =>
      r.kind === "file"
        ? ["file", base(r.file), r.status, r.renamedTo !== undefined]
        : r.kind === "definition"
          ? ["definition", base(r.file), r.fields]
          : r.kind === "parent" || r.kind === "removed-from-parent" || r.kind === "disabled"
            ? [r.kind]
            : r,
    ),
  ]);
}

function kustomizationRows(kustomizations: readonly KustomizationImpact[]): KustomizationRow[] {
  const byShape = new Map<string, KustomizationImpact[]>();
  for (const k of kustomizations) {
    const shape = kustomizationShape(k);
    if (shape !== undefined) byShape.set(shape, [...(byShape.get(shape) ?? []), k]);
  }
  const groupOf = new Map<KustomizationImpact, KustomizationImpact[]>();
  for (const members of byShape.values())
    if (members.length >= GROUP_MIN) for (const k of members) groupOf.set(k, members);
  const rows: KustomizationRow[] = [];
  const done = new Set<KustomizationImpact[]>();
  for (const k of kustomizations) {
    const members = groupOf.get(k);
    if (members === undefined) rows.push({ row: kustomizationRow(k), members: [k] });
    else if (!done.has(members)) {
      done.add(members);
      rows.push({ row: kustomizationGroupRow(members), members });
    }
  }
  return rows;
}

function kustomizationRow(k: KustomizationImpact): string {
  const why = [
    ...flagItems(k.suspended, k.inCycle, k.missingDependencies, k.blocked),
    ...kustomizationWhy(k, cellCode),
  ];
  return row([code(clip(k.key, CELL_CODE_MAX), true), kustomizationChange(k, false), cellList(why, WHY_MAX)]);
}

/** "**26 Kustomizations**": the representative's change and why; paths that differ shown by file name. */
function kustomizationGroupRow(members: readonly KustomizationImpact[]): string {
  const first = members[0]!;
  const sameFiles = members.every(
    (k) => JSON.stringify(k.reasons.map(fileOf)) === JSON.stringify(first.reasons.map(fileOf)),
  );
  const file = (p: string) => (sameFiles ? cellCode(p) : `its ${cellCode(p.slice(p.lastIndexOf("/") + 1))}`);
  const why = kustomizationWhy(first, file);
  return row([
    `**${plural(members.length, "Kustomization")}** (see details)`,
    kustomizationChange(first, true),
    cellList(why, WHY_MAX),
  ]);
}

function fileOf(r: Reason): string | undefined {
  return "file" in r ? r.file : undefined;
}

function kustomizationDetails(k: KustomizationImpact, head: RevisionInfo | undefined): string {
  const lines = [`- Kustomization ${code(k.key)} — **${k.change}**${definedIn(k.definedIn, head)}`];
  if (k.blocked) lines.push(`  - 🚧 blocked — ${mdInline(k.blocked)}`);
  const children = carried(k);
  if (k.carrierOnly && children.length > 0)
    lines.push(`  - carries the change to ${children.map((o) => refMarkdown(o.ref.display)).join(", ")}`);
  else if (k.objects.length > 0)
    lines.push(
      `  - objects: ${k.objects.map((o) => `${refMarkdown(o.ref.display)} ${o.change} (+${o.added} −${o.removed})`).join(", ")}`,
    );
  for (const r of k.reasons) lines.push(`  - ${reasonMarkdown(r)}`);
  const told = new Set(k.reasons.flatMap((r) => (r.kind === "file" ? [r.file] : [])));
  const more = k.files.filter((f) => !told.has(f));
  if (more.length > 0) lines.push(`  - changed files read: ${more.map((f) => code(f)).join(", ")}`);
  if (k.dependsOnChange) lines.push(`  - ${dependsOnFull(k.dependsOnChange)}`);
  if (k.missingDependencies.length > 0)
    lines.push(`  - ⛔ waits for missing ${k.missingDependencies.map((m) => code(m)).join(", ")}`);
  lines.push(`  - ${dependentsFull(k.dependents)}`);
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------------
// HelmReleases

/** The chart's name: from the model, else from the chartRef source text. */
function chartName(h: HelmReleaseImpact): string | undefined {
  if (h.chartName !== undefined && h.chartName !== "") return h.chartName;
  const text = h.chartRef?.to ?? h.chartRef?.from;
  return text === undefined ? undefined : chartRefParts(text)?.name;
}

function versions(from: string | undefined, to: string | undefined): string {
  if (from !== undefined && to !== undefined) return `${cellCode(from)} → ${cellCode(to)}`;
  if (to !== undefined) return cellCode(to);
  if (from !== undefined) return `${cellCode(from)} (removed)`;
  return "";
}

/** "app-template `5.0.1` → `5.1.0`"; the name alone when nothing about the chart changed. */
function chartCell(h: HelmReleaseImpact): string {
  const name = chartName(h);
  const label = name === undefined ? "" : mdInline(clip(name, CELL_CODE_MAX));
  const lines: string[] = [];
  if (h.chartRef) {
    const a = h.chartRef.from === undefined ? undefined : chartRefParts(h.chartRef.from);
    const b = h.chartRef.to === undefined ? undefined : chartRefParts(h.chartRef.to);
    if (a && b && a.name !== b.name && h.chartName === undefined)
      lines.push(
        `${mdInline(clip(a.name, CELL_CODE_MAX))} ${cellCode(a.version)} → ${mdInline(clip(b.name, CELL_CODE_MAX))} ${cellCode(b.version)}`,
      );
    else {
      const v = versions(
        h.chartRef.from === undefined ? undefined : (a?.version ?? h.chartRef.from),
        h.chartRef.to === undefined ? undefined : (b?.version ?? h.chartRef.to),
      );
      lines.push(label === "" ? v : `${label} ${v}`);
    }
  }
  if (h.chart) {
    const v = versions(h.chart.from, h.chart.to);
    lines.push(label === "" || lines.length > 0 ? v : `${label} ${v}`);
  }
  if (lines.length === 0) return label;
  return lines.join("<br>");
}

/** The repository part of an image reference (no tag, no digest). */
export function imageRepository(ref: string): string {
  const noDigest = ref.split("@")[0]!;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** Image changes paired by repository: [from, to], either side undefined for additions and removals. */
function imagePairs(images: {
  from: readonly string[];
  to: readonly string[];
}): Array<[string | undefined, string | undefined]> {
  const pairs: Array<[string | undefined, string | undefined]> = [];
  const unmatched = [...images.from];
  for (const to of images.to) {
    const i = unmatched.findIndex((f) => imageRepository(f) === imageRepository(to));
    if (i >= 0) {
      pairs.push([unmatched[i]!, to]);
      unmatched.splice(i, 1);
    } else pairs.push([undefined, to]);
  }
  for (const from of unmatched) pairs.push([from, undefined]);
  return pairs;
}

/** "corumber `8.6.8` → `8.6.9`", digests shortened; one image per line. */
function imagesCell(images: { from: readonly string[]; to: readonly string[] }): string {
  const lines = imagePairs(images).map(([from, to]) => {
    const a = from === undefined ? undefined : shortImage(from);
    const b = to === undefined ? undefined : shortImage(to);
    const repo = mdInline(clip((b ?? a)!.repo, CELL_CODE_MAX));
    if (a && b) return `${repo} ${cellCode(a.version)} → ${cellCode(b.version)}`;
    if (b) return `${repo} ${cellCode(b.version)} (added)`;
    return `${repo} ${cellCode(a!.version)} (removed)`;
  });
  return cellList(lines, IMAGES_MAX);
}

/** Why, in a few words: the change kind when not modified, values, dependsOn, suspend, other reasons. */
function helmReleaseWhy(h: HelmReleaseImpact): string[] {
  const items = flagItems(false, h.inCycle, h.missingDependencies, h.blocked);
  if (h.change !== "modified") items.push(`**${h.change}**`);
  if (h.change === "modified" && h.values.length > 0) {
    const first = code(shortValuePath(h.values[0]!.path), true);
    items.push(
      h.values.length === 1
        ? `value ${first}${h.values[0]!.secret ? " 🔒" : ""}`
        : `${h.values.length} values: ${first} …`,
    );
  }
  if (h.dependsOnChange) items.push(dependsOnShort(h.dependsOnChange));
  else if (h.dependsOnChanged) items.push(`${code("dependsOn", true)} changed`);
  if (h.suspend) items.push(`${code("suspend", true)} ${h.suspend.from} → ${h.suspend.to}`);
  if (h.rendered?.status === "rendered" && h.rendered.objects.length > 0) {
    const added = h.rendered.objects.reduce((n, o) => n + o.added, 0);
    const removed = h.rendered.objects.reduce((n, o) => n + o.removed, 0);
    items.push(`renders ${plural(h.rendered.objects.length, "changed object")} (+${added} −${removed})`);
  } else if (h.rendered?.status === "rendered") items.push("rendered objects unchanged");
  else if (h.rendered?.status === "failed") items.push("⛔ **does not render**");
  else if (h.rendered?.status === "unavailable") items.push("❔ render not shown");
  const shown = h.values.length > 0 || h.images.from.length + h.images.to.length > 0 || h.chart || h.chartRef;
  for (const r of h.reasons) {
    if (r.kind === "parent" || (r.kind === "definition" && items.length > 0)) continue;
    if ((r.kind === "chart-source" || r.kind === "definition" || r.kind === "file") && shown) continue;
    items.push(shortReason(r));
  }
  return items;
}

function helmReleaseRow(h: HelmReleaseImpact): string {
  return row([
    code(clip(h.key, CELL_CODE_MAX), true),
    chartCell(h),
    imagesCell(h.images),
    cellList(helmReleaseWhy(h), WHY_MAX),
  ]);
}

/** "**26 HelmReleases**": the same change, said once; the names are in the details. */
function helmReleaseGroupRow(g: ChangeGroup): string {
  const first = g.members[0]!;
  const why = helmReleaseWhy(first);
  return row([
    `**${plural(g.members.length, "HelmRelease")}** (see details)`,
    chartCell(first),
    imagesCell(first.images),
    cellList(why, WHY_MAX),
  ]);
}

function helmReleaseDetails(h: HelmReleaseImpact, head: RevisionInfo | undefined): string {
  const lines = [
    `- HelmRelease ${code(h.key)} — **${h.change}**, applied by Kustomization ${code(h.kustomization)}${definedIn(h.definedIn, head)}`,
  ];
  if (h.blocked) lines.push(`  - 🚧 blocked — ${mdInline(h.blocked)}`);
  if (h.chartName !== undefined) lines.push(`  - chart ${code(h.chartName)}`);
  if (h.chart) lines.push(`  - chart version ${fullChange(h.chart)}`);
  if (h.chartRef) lines.push(`  - chartRef ${fullChange(h.chartRef)}`);
  for (const [from, to] of imagePairs(h.images))
    lines.push(
      `  - image ${from && to ? `${code(from)} → ${code(to)}` : to ? `${code(to)} added` : `${code(from!)} removed`}`,
    );
  // Added or removed: every value is new or gone, which the object's diff shows; list changes only.
  if (h.change === "modified") for (const v of h.values) lines.push(`  - value ${valueLine(v)}`);
  if (h.dependsOnChange) lines.push(`  - ${dependsOnFull(h.dependsOnChange)}`);
  if (h.suspend) lines.push(`  - ${code("suspend")} ${h.suspend.from} → ${h.suspend.to}`);
  for (const r of h.reasons) lines.push(`  - ${reasonMarkdown(r)}`);
  if (h.missingDependencies.length > 0)
    lines.push(`  - ⛔ waits for missing ${h.missingDependencies.map((m) => code(m)).join(", ")}`);
  if (h.inCycle) lines.push("  - 🔁 in a dependsOn cycle");
  lines.push(`  - ${dependentsFull(h.dependents)}`);
  return `${lines.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------------
// Details

function definedIn(at: { file: string; line: number } | undefined, head: RevisionInfo | undefined): string {
  if (at === undefined) return "";
  return `, defined in ${head ? fileLink(at.file, at.line, head) : code(`${at.file}:${at.line}`)}`;
}

function fullChange(c: { from?: string; to?: string }): string {
  if (c.from !== undefined && c.to !== undefined) return `${code(c.from)} → ${code(c.to)}`;
  if (c.to !== undefined) return `new ${code(c.to)}`;
  if (c.from !== undefined) return `removed ${code(c.from)}`;
  return "";
}

function dependsOnFull(c: DependsOnChange): string {
  const list = (keys: readonly string[]) => keys.map((k) => code(k)).join(", ");
  return [
    `${code("dependsOn")}:`,
    ...(c.removed.length > 0 ? [`removes ${list(c.removed)}`] : []),
    ...(c.added.length > 0 ? [`adds ${list(c.added)}`] : []),
  ].join(" ");
}

function dependentsFull(dependents: readonly string[]): string {
  if (dependents.length === 0) return "no dependents";
  return `${plural(dependents.length, "dependent")}: ${dependents.map((d) => code(d)).join(", ")}`;
}

/** One changed value; values from Secrets show the key only, never a value. */
export function valueLine(v: ValueChange, table = false): string {
  const key = code(v.path, table);
  if (v.secret) return `${key} ${v.change} 🔒 (from a Secret, value hidden)`;
  const value = (s: string | undefined) => (s === undefined ? "" : code(s, table, VALUE_MAX));
  if (v.change === "added") return `${key} added${v.to !== undefined ? `: ${value(v.to)}` : ""}`;
  if (v.change === "removed") return `${key} removed${v.from !== undefined ? ` (was ${value(v.from)})` : ""}`;
  return `${key}: ${value(v.from)} → ${value(v.to)}`;
}
