/**
 * Helm's engine cases (`../shared/corpus/helm/helm-golden/engine/engine_cases.json` → engineCases: Helm
 * v4.2.4's pkg/engine/engine_test.go as data): a chart built as the Go test builds it (templates, files,
 * default values, subcharts), the engine input made as the test makes it, each template's output compared
 * byte for byte, or the error by the case's `errorMatch`. The lookup cases get a cluster from the case's
 * objects, as the Go test's fake client gives them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  allTemplates,
  type Chart,
  chartMetadataValue,
  coalesceValues,
  FuncError,
  type GoValue,
  type Renderable,
  renderChart,
  renderTemplates,
} from "../../../src/core/helm/index.ts";
import { toGo } from "./go-data.ts";

/** `{"$repeat": text, "times": n}`: the text n times. */
type Text = string | { $repeat: string; times: number };
const text = (v: Text) => (typeof v === "string" ? v : v.$repeat.repeat(v.times));

interface CaseChart {
  name: string;
  version?: string;
  apiVersion?: string;
  type?: string;
  templates?: Record<string, Text>;
  files?: Record<string, string>;
  values?: Record<string, unknown>;
  dependencies?: CaseChart[];
}

interface EngineCase {
  name: string;
  entry: string;
  chart?: CaseChart | null;
  values?: {
    coalesce: boolean | "valuesOnly";
    input: Record<string, unknown> | null;
    context?: Record<string, unknown>;
  };
  renderables?: Record<string, { tpl: string; vals: unknown }>;
  engineOptions?: { LintMode?: boolean; Strict?: boolean };
  clusterObjects?: Array<{
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
  }>;
  expected?: Record<string, Text>;
  expectedTemplateCount?: number;
  expectedError?: string;
  errorMatch?: "exact" | "contains" | "suffix" | "any";
}

export interface EngineResults {
  passed: number;
  total: number;
  failed: Array<{ name: string; detail: string }>;
}

function buildChart(c: CaseChart, parent?: Chart): Chart {
  const chart: Chart = {
    metadata: {
      name: c.name,
      version: c.version ?? "",
      apiVersion: c.apiVersion ?? "",
      ...(c.type ? { type: c.type } : {}),
    },
    values: c.values ?? {},
    templates: Object.entries(c.templates ?? {}).map(([name, data]) => ({ name, data: text(data) })),
    files: Object.entries(c.files ?? {}).map(([name, data]) => ({ name, data })),
    dependencies: [],
    ...(parent ? { parent } : {}),
  };
  chart.dependencies = (c.dependencies ?? []).map((d) => buildChart(d, chart));
  return chart;
}

/** The Go test's `"<metadata of NAME>"` and `"<CoalesceValues(chart, input)>"` placeholders, filled in. */
function fill(v: unknown, chart: Chart, coalesced: () => Record<string, unknown>): GoValue {
  if (typeof v === "string" && v.startsWith("<metadata of ")) return chartMetadataValue(chart, true);
  if (typeof v === "string" && v.startsWith("<CoalesceValues(")) return toGo(coalesced());
  if (v && typeof v === "object" && !Array.isArray(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, chart, coalesced)]));
  return toGo(v);
}

function clusterLookup(objects: NonNullable<EngineCase["clusterObjects"]>) {
  return (apiVersion: string, kind: string, namespace: string, name: string): GoValue => {
    if (kind === "Error") throw new FuncError("kaboom");
    const matching = objects.filter(
      (o) =>
        o.apiVersion === apiVersion && o.kind === kind && (!namespace || o.metadata.namespace === namespace),
    );
    if (name) return toGo(matching.find((o) => o.metadata.name === name) ?? {});
    return { items: toGo(matching) };
  };
}

function runCase(c: EngineCase): { out?: Record<string, string>; count?: number; error?: Error } {
  // The cases are Helm 4's (v4.2.4): its error traces.
  const options = {
    errorStyle: "helm4" as const,
    ...(c.engineOptions?.LintMode ? { lintMode: true } : {}),
    ...(c.engineOptions?.Strict ? { strict: true } : {}),
    ...(c.entry === "RenderWithClientProvider" ? { lookup: clusterLookup(c.clusterObjects ?? []) } : {}),
  };
  try {
    if (c.entry === "Engine.render") {
      const map = new Map<string, Renderable>();
      for (const [name, r] of Object.entries(c.renderables ?? {}))
        map.set(name, { text: r.tpl, vals: toGo(r.vals) as Record<string, GoValue> });
      return { out: renderTemplates(map, options) };
    }
    const chart = buildChart(c.chart!);
    const input = c.values?.input ?? {};
    const coalesced = () => coalesceValues(chart, input, 4);
    let top: Record<string, GoValue>;
    if (c.values?.coalesce === true) top = toGo(coalesceValues(chart, input, 4)) as Record<string, GoValue>;
    else if (c.values?.coalesce === "valuesOnly")
      top = fill(c.values.context ?? {}, chart, coalesced) as Record<string, GoValue>;
    else top = fill(input, chart, coalesced) as Record<string, GoValue>;
    if (c.entry === "allTemplates") return { count: allTemplates(chart, top).size };
    return { out: renderChart(chart, top, options) };
  } catch (error) {
    return { error: error as Error };
  }
}

export function runEngineCorpus(sharedDir: string): EngineResults {
  const d = JSON.parse(
    readFileSync(join(sharedDir, "corpus", "helm", "helm-golden", "engine", "engine_cases.json"), "utf8"),
  );
  const results: EngineResults = { passed: 0, total: 0, failed: [] };
  for (const c of d.engineCases as EngineCase[]) {
    results.total++;
    const r = runCase(c);
    let detail: string | undefined;
    if (c.expectedError !== undefined) {
      const m = r.error?.message;
      const ok =
        m !== undefined &&
        (c.errorMatch === "any" ||
          (c.errorMatch === "contains" && m.includes(c.expectedError)) ||
          (c.errorMatch === "suffix" && m.endsWith(c.expectedError)) ||
          m === c.expectedError);
      if (!ok)
        detail = `want error ${JSON.stringify(c.expectedError)} (${c.errorMatch}), got ${m ? JSON.stringify(m) : "none"}`;
    } else if (r.error) detail = `unexpected error: ${r.error.message}`;
    else if (c.expectedTemplateCount !== undefined) {
      if (r.count !== c.expectedTemplateCount)
        detail = `want ${c.expectedTemplateCount} templates, got ${r.count}`;
    } else {
      const wrong = Object.entries(c.expected ?? {})
        .map(([k, v]) => [k, text(v as Text)] as const)
        .filter(([k, v]) => r.out?.[k] !== v);
      if (wrong.length)
        detail = wrong
          .map(([k, v]) => `${k}: want ${JSON.stringify(v)}, got ${JSON.stringify(r.out?.[k])}`)
          .join("; ");
    }
    if (detail) results.failed.push({ name: c.name, detail });
    else results.passed++;
  }
  return results;
}
