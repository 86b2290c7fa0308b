/**
 * Helm's values: coalescing a chart's defaults (and its subcharts', with `global` passed down) under the
 * user's values (pkg/chart/common/util/coalesce.go), and the dependency pass that runs first
 * (pkg/chart/v2/util/dependencies.go ProcessDependencies): aliases, `condition` and `tags` disabling
 * subcharts, and `import-values` lifting a child's values into its parent. Values are plain JSON-like
 * data; a `null` set by the user deletes the chart's default, as in Helm.
 */

import { cloneJson, type JsonObject, type JsonValue, setOwn } from "../kustomize/resource.ts";
import type { Chart, ChartDependency } from "./chart.ts";
import { satisfiesConstraint } from "./semver-range.ts";

export type Values = Record<string, unknown>;

const isTable = (v: unknown): v is Values => typeof v === "object" && v !== null && !Array.isArray(v);

const deepCopy = <T>(v: T): T => cloneJson(v) as T;
/** A key from the values as an own property, "__proto__" included (never a prototype). */
const set = (target: Values, key: string, value: unknown) =>
  setOwn(target as JsonObject, key, value as JsonValue);

/**
 * Which Helm's rules: 3 (what Flux's helm-controller runs, the default) keeps `null`s in a chart's own
 * defaults; 4 drops them when coalescing (Helm 4's fix for subchart defaults printing `%!s(<nil>)`).
 */
export type HelmMajor = 3 | 4;

/** util.CoalesceValues: the chart's defaults under `values` (which is not modified). */
export function coalesceValues(chart: Chart, values: Values | undefined, major: HelmMajor = 3): Values {
  return coalesce(chart, deepCopy(values ?? {}), "", false, major);
}

/** util.MergeValues: as coalesceValues, but a `null` is kept rather than deleting the key. */
export function mergeValues(chart: Chart, values: Values | undefined, major: HelmMajor = 3): Values {
  return coalesce(chart, deepCopy(values ?? {}), "", true, major);
}

function coalesce(chart: Chart, dest: Values, prefix: string, merge: boolean, major: HelmMajor): Values {
  coalesceChartValues(chart, dest, merge, major);
  return coalesceDeps(chart, dest, prefix, merge, major);
}

function coalesceDeps(chart: Chart, dest: Values, prefix: string, merge: boolean, major: HelmMajor): Values {
  for (const sub of chart.dependencies) {
    const name = sub.metadata.name;
    if (!Object.hasOwn(dest, name)) set(dest, name, {});
    else if (!isTable(dest[name])) throw new Error(`type mismatch on ${name}: %!t(${typeof dest[name]})`);
    const dv = dest[name] as Values;
    const subPrefix = prefix ? `${prefix}.${chart.metadata.name}` : chart.metadata.name;
    coalesceGlobals(dv, dest);
    set(dest, name, coalesce(sub, dv, subPrefix, merge, major));
  }
  return dest;
}

/** The parent's `global` copied into a child's, the child's own globals kept where both have one. */
function coalesceGlobals(dest: Values, src: Values): void {
  const dg = dest.global === undefined ? {} : dest.global;
  const sg = src.global === undefined ? {} : src.global;
  if (!isTable(dg) || !isTable(sg)) return;
  for (const [key, val] of Object.entries(sg)) {
    if (isTable(val)) {
      const vv = { ...val };
      const destv = dg[key];
      if (destv === undefined) set(dg, key, vv);
      else if (isTable(destv)) {
        coalesceTables(vv, destv, true);
        set(dg, key, vv);
      }
    } else if (!isTable(dg[key]) || !Object.hasOwn(dg, key)) set(dg, key, val);
  }
  dest.global = dg;
}

function coalesceChartValues(chart: Chart, v: Values, merge: boolean, major: HelmMajor): void {
  const vc = deepCopy(chart.values ?? {});
  for (const [key, val] of Object.entries(vc)) {
    if (Object.hasOwn(v, key)) {
      const value = v[key];
      if (value === null && !merge) delete v[key];
      else if (isTable(value)) {
        if (isTable(val)) {
          const childMerge = merge || chart.dependencies.some((d) => d.metadata.name === key);
          if (!childMerge && major === 4) cleanNilValues(val);
          coalesceTables(value, val, childMerge);
        }
      }
    } else {
      if (!merge && major === 4) {
        if (val === null) continue;
        if (isTable(val)) cleanNilValues(val);
      }
      set(v, key, val);
    }
  }
}

/** coalesceTablesFullKey: `src` under `dst` (dst wins), recursively; a `null` in dst deletes the key. */
export function coalesceTables(dst: Values, src: Values, merge = false): Values {
  const srcOriginalNonNil = new Set(Object.keys(src).filter((k) => src[k] !== null));
  for (const [key, val] of Object.entries(dst)) if (val === null) set(src, key, null);
  for (const [key, val] of Object.entries(src)) {
    const has = Object.hasOwn(dst, key);
    const dv = dst[key];
    if (has && !merge && dv === null && srcOriginalNonNil.has(key)) delete dst[key];
    else if (!has) set(dst, key, val);
    else if (isTable(val)) {
      if (isTable(dv)) coalesceTables(dv, val, merge);
    }
  }
  return dst;
}

function cleanNilValues(m: Values): void {
  for (const [key, val] of Object.entries(m)) {
    if (val === null) delete m[key];
    else if (isTable(val)) cleanNilValues(val);
  }
}

/** Values.PathValue: the value at `a.b.c`, or undefined. */
function pathValue(values: Values, path: string): unknown {
  const parts = path.split(".");
  let cur: unknown = values;
  for (const p of parts) {
    if (!isTable(cur) || !Object.hasOwn(cur, p)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** Values.Table: the table at `a.b.c`, or undefined. */
function table(values: Values, path: string): Values | undefined {
  const v = pathValue(values, path);
  return isTable(v) ? v : undefined;
}

/** chartutil.IsCompatibleRange: whether a version satisfies a constraint (Masterminds/semver). */
export function isCompatibleRange(constraint: string | undefined, version: string): boolean {
  if (!constraint) return true;
  return satisfiesConstraint(constraint, version) ?? false;
}

/**
 * ProcessDependencies: subcharts resolved against Chart.yaml's dependencies (aliases copy the chart under
 * their name), those disabled by `tags` or `condition` removed, then `import-values` applied. Changes
 * `chart` in place, as Helm does; call it on a chart loaded for this render only.
 */
export function processDependencies(chart: Chart, values: Values): void {
  processDependencyEnabled(chart, values, "");
  processDependencyImportValues(chart);
}

function processDependencyEnabled(c: Chart, v: Values, path: string): void {
  const reqs = c.metadata.dependencies;
  if (!reqs) return;
  const chartDependencies: Chart[] = [];
  for (const existing of c.dependencies) {
    const listed = reqs.some(
      (req) =>
        existing.metadata.name === req.name && isCompatibleRange(req.version, existing.metadata.version),
    );
    if (!listed) chartDependencies.push(existing);
  }
  for (const req of reqs) {
    const dep = aliasDependency(c.dependencies, req);
    if (dep) {
      dep.parent = c;
      chartDependencies.push(dep);
    }
    if (req.alias) req.name = req.alias;
  }
  c.dependencies = chartDependencies;
  for (const r of reqs) r.enabled = true;
  const cvals = coalesceValues(c, v);
  processDependencyTags(reqs, cvals);
  processDependencyConditions(reqs, cvals, path);
  const removed = new Set(reqs.filter((r) => !r.enabled).map((r) => r.name));
  const kept = c.dependencies.filter((d) => !removed.has(d.metadata.name));
  for (const t of kept) processDependencyEnabled(t, cvals, `${path}${t.metadata.name}.`);
  c.metadata.dependencies = reqs.filter((r) => !removed.has(r.name));
  c.dependencies = kept;
}

function aliasDependency(charts: Chart[], dep: ChartDependency): Chart | undefined {
  for (const c of charts) {
    if (c.metadata.name !== dep.name) continue;
    if (!isCompatibleRange(dep.version, c.metadata.version)) continue;
    const out: Chart = { ...c, metadata: { ...c.metadata }, dependencies: [...c.dependencies] };
    if (c.metadata.dependencies) out.metadata.dependencies = c.metadata.dependencies.map((d) => ({ ...d }));
    if (dep.alias) out.metadata.name = dep.alias;
    return out;
  }
  return undefined;
}

function processDependencyTags(reqs: ChartDependency[], cvals: Values): void {
  const vt = table(cvals, "tags");
  if (!vt) return;
  for (const r of reqs) {
    let hasTrue = false;
    let hasFalse = false;
    for (const k of r.tags ?? []) {
      const b = vt[k];
      if (b === true) hasTrue = true;
      else if (b === false) hasFalse = true;
    }
    if (!hasTrue && hasFalse) r.enabled = false;
    else if (hasTrue || (!hasTrue && !hasFalse)) r.enabled = true;
  }
}

function processDependencyConditions(reqs: ChartDependency[], cvals: Values, cpath: string): void {
  for (const r of reqs) {
    for (const raw of (r.condition ?? "").trim().split(",")) {
      const c = raw.trim();
      if (!c) continue;
      const vv = pathValue(cvals, cpath + c);
      if (typeof vv === "boolean") {
        r.enabled = vv;
        break;
      }
    }
  }
}

function processDependencyImportValues(c: Chart): void {
  for (const d of c.dependencies) processDependencyImportValues(d);
  processImportValues(c);
}

function pathToMap(path: string, data: Values): Values {
  if (path === ".") return data;
  let cur: Values = data;
  for (const p of path.split(".").reverse()) cur = { [p]: cur };
  return cur;
}

function processImportValues(c: Chart): void {
  const reqs = c.metadata.dependencies;
  if (!reqs) return;
  const cvals = mergeValues(c, undefined);
  let b: Values = {};
  for (const r of reqs) {
    const out: unknown[] = [];
    for (const riv of r.importValues ?? []) {
      if (isTable(riv)) {
        const child = goSprint(riv.child);
        const parent = goSprint(riv.parent);
        out.push({ child, parent });
        const vv = table(cvals, `${r.name}.${child}`);
        if (!vv) continue;
        b = coalesceTables(b, pathToMap(parent, deepCopy(vv)), true);
      } else if (typeof riv === "string") {
        const child = `exports.${riv}`;
        out.push({ child, parent: "." });
        const vm = table(cvals, `${r.name}.${child}`);
        if (!vm) continue;
        b = coalesceTables(b, deepCopy(vm), true);
      }
    }
    r.importValues = out;
  }
  c.values = coalesceTables(deepCopy(cvals), b, true);
}

const goSprint = (v: unknown): string => (v === undefined || v === null ? "<nil>" : String(v));
