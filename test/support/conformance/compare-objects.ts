/**
 * Order-independent comparison of two rendered object sets, as the render-equality check needs it:
 * objects are keyed by apiVersion/kind/namespace/name and compared as a multiset with deep equality
 * (canonical JSON, keys sorted). Also: the one documented normalization (dropping kustomize's
 * `config.kubernetes.io/origin`-style annotations) and a short line diff of the first differing object.
 * Pure.
 */
import { diffLines } from "diff";
import { stringifyYaml } from "../../../src/core/index.ts";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** apiVersion/kind/namespace/name; missing parts are empty. */
export function objectKey(o: unknown): string {
  if (!isRecord(o)) return `(not an object: ${JSON.stringify(o)})`;
  const meta = isRecord(o.metadata) ? o.metadata : {};
  const s = (v: unknown) => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));
  return `${s(o.apiVersion)}/${s(o.kind)}/${s(meta.namespace)}/${s(meta.name)}`;
}

/** JSON with object keys sorted, so that deep-equal values have equal text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (isRecord(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** Annotations kustomize adds for buildMetadata (origin/transformations) and its internal bookkeeping. */
export const ORIGIN_ANNOTATIONS: readonly string[] = [
  "config.kubernetes.io/origin",
  "alpha.config.kubernetes.io/transformations",
  "config.kubernetes.io/index",
  "internal.config.kubernetes.io/index",
];

/** A copy without ORIGIN_ANNOTATIONS (an emptied `annotations` map is removed too). */
export function stripOriginAnnotations(o: unknown): unknown {
  if (!isRecord(o) || !isRecord(o.metadata) || !isRecord(o.metadata.annotations)) return o;
  const annotations = { ...o.metadata.annotations };
  let changed = false;
  for (const a of ORIGIN_ANNOTATIONS) {
    if (Object.hasOwn(annotations, a)) {
      delete annotations[a];
      changed = true;
    }
  }
  if (!changed) return o;
  const metadata: Record<string, unknown> = { ...o.metadata, annotations };
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  return { ...o, metadata };
}

export interface SetComparison {
  equal: boolean;
  /** Keys present only in ours / only in the reference (with multiplicity). */
  onlyOurs: string[];
  onlyRef: string[];
  /** Keys present on both sides whose objects differ. */
  differing: string[];
  /** The first differing key (byte order) with a short diff: "-" reference, "+" ours. */
  firstDiff?: { key: string; diff: string };
}

function groupByKey(objs: readonly unknown[]): Map<string, unknown[]> {
  const m = new Map<string, unknown[]>();
  for (const o of objs) {
    const k = objectKey(o);
    const list = m.get(k) ?? [];
    list.push(o);
    m.set(k, list);
  }
  return m;
}

export function compareObjectSets(
  ours: readonly unknown[],
  ref: readonly unknown[],
  normalize: (o: unknown) => unknown = (o) => o,
): SetComparison {
  const a = groupByKey(ours.map(normalize));
  const b = groupByKey(ref.map(normalize));
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  const onlyOurs: string[] = [];
  const onlyRef: string[] = [];
  const differing: string[] = [];
  let firstDiff: SetComparison["firstDiff"];
  for (const k of keys) {
    const xa = (a.get(k) ?? []).map(canonicalJson).sort();
    const xb = (b.get(k) ?? []).map(canonicalJson).sort();
    if (xa.length === 0) {
      onlyRef.push(...xb.map(() => k));
      continue;
    }
    if (xb.length === 0) {
      onlyOurs.push(...xa.map(() => k));
      continue;
    }
    if (xa.length === xb.length && xa.every((x, i) => x === xb[i])) continue;
    for (let i = xb.length; i < xa.length; i++) onlyOurs.push(k);
    for (let i = xa.length; i < xb.length; i++) onlyRef.push(k);
    differing.push(k);
    if (!firstDiff) {
      const oa = JSON.parse(xa.find((x) => !xb.includes(x)) ?? xa[0] ?? "null");
      const ob = JSON.parse(xb.find((x) => !xa.includes(x)) ?? xb[0] ?? "null");
      firstDiff = { key: k, diff: shortDiff(ob, oa) };
    }
  }
  const equal = onlyOurs.length === 0 && onlyRef.length === 0 && differing.length === 0;
  const result: SetComparison = { equal, onlyOurs, onlyRef, differing };
  if (firstDiff) result.firstDiff = firstDiff;
  return result;
}

/**
 * Changed lines of two objects rendered as YAML (keys sorted), with `context` unchanged lines around each
 * change and at most `maxLines` lines: "-" lines are `before`, "+" lines are `after`.
 */
export function shortDiff(before: unknown, after: unknown, maxLines = 16, context = 2): string {
  const parts = diffLines(stringifyYaml(before), stringifyYaml(after));
  const lines: Array<{ mark: " " | "-" | "+"; text: string }> = [];
  for (const p of parts) {
    const mark = p.added ? "+" : p.removed ? "-" : " ";
    for (const text of p.value.replace(/\n$/, "").split("\n")) lines.push({ mark, text });
  }
  const keep = new Set<number>();
  lines.forEach((l, i) => {
    if (l.mark === " ") return;
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) keep.add(j);
  });
  const out: string[] = [];
  let last = -1;
  for (const i of [...keep].sort((x, y) => x - y)) {
    if (last >= 0 && i > last + 1) out.push("  ...");
    const l = lines[i]!;
    out.push(`${l.mark} ${l.text}`);
    last = i;
  }
  if (out.length > maxLines)
    return [...out.slice(0, maxLines), `  ... (${out.length - maxLines} more lines)`].join("\n");
  return out.join("\n");
}
