/**
 * A Helm chart as Helm's loader makes it (pkg/chart/v2/loader LoadFiles): `Chart.yaml` the metadata,
 * `values.yaml` the defaults, `values.schema.json` the schema, `templates/` the templates, `charts/` the
 * subcharts (folders or archives, `_` and `.` names skipped), and every other file one of `.Files` —
 * `crds/` included. Archives are unpacked by the adapter (a `.tgz` is I/O and async there); a chart's
 * `charts/*.tgz` arrive already unpacked in `archives`, under their archive path.
 */
import ignore from "ignore";
import { parseDocument } from "yaml";
import { readYamlDocuments } from "../yaml/read-documents.ts";
import { YAML11_TAGS } from "../yaml/scalar-schemas.ts";

/** A chart's files, relative to the chart's folder (its archive's top folder removed). */
export interface ChartFiles {
  files: Readonly<Record<string, string>>;
  /** `charts/NAME.tgz` entries, unpacked (top folder removed). */
  archives?: Readonly<Record<string, ChartFiles>>;
  /** Read from a folder: `.helmignore` applies (an archive was filtered when it was packaged). */
  fromDirectory?: boolean;
}

export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  condition?: string;
  tags?: string[];
  enabled?: boolean;
  importValues?: unknown[];
  alias?: string;
}

/** Chart.yaml, as Go's chart.Metadata holds it. */
export interface ChartMetadata {
  name: string;
  version: string;
  apiVersion: string;
  appVersion?: string;
  description?: string;
  kubeVersion?: string;
  type?: string;
  home?: string;
  icon?: string;
  sources?: string[];
  keywords?: string[];
  maintainers?: Array<{ name?: string; email?: string; url?: string }>;
  annotations?: Record<string, string>;
  deprecated?: boolean;
  condition?: string;
  tags?: string;
  dependencies?: ChartDependency[];
}

export interface ChartFile {
  name: string;
  data: string;
}

export interface Chart {
  metadata: ChartMetadata;
  /** values.yaml, parsed (plain JSON-like data). */
  values: Record<string, unknown>;
  schema?: string;
  templates: ChartFile[];
  /** Every other file (crds/ included), as `.Files` sees them. */
  files: ChartFile[];
  dependencies: Chart[];
  parent?: Chart;
}

/** A chart that cannot be loaded: Helm's message. */
export class ChartLoadError extends Error {
  override readonly name = "ChartLoadError";
}

/** Helm's default ignore rules for a chart folder (templates' dot files), beside `.helmignore`. */
const DEFAULT_IGNORES = ["templates/.?*"];

export function loadChart(input: ChartFiles): Chart {
  let names = Object.keys(input.files).sort();
  if (input.fromDirectory) {
    const rules = ignore().add(DEFAULT_IGNORES);
    const helmignore = input.files[".helmignore"];
    if (helmignore !== undefined) rules.add(helmignore);
    names = names.filter((n) => !rules.ignores(n));
  }
  const chartYaml = input.files["Chart.yaml"];
  if (chartYaml === undefined || !names.includes("Chart.yaml"))
    throw new ChartLoadError("Chart.yaml file is missing");
  const metadata = readMetadata(chartYaml, "Chart.yaml");
  const chart: Chart = { metadata, values: {}, templates: [], files: [], dependencies: [] };
  const subcharts = new Map<string, ChartFiles>();
  for (const name of names) {
    const data = input.files[name]!;
    if (name === "Chart.yaml" || name === "Chart.lock" || name === "requirements.lock") continue;
    if (name === "values.yaml") chart.values = readValues(data, "values.yaml");
    else if (name === "values.schema.json") chart.schema = data;
    else if (name === "requirements.yaml") {
      const req = readMetadataYaml(data, "requirements.yaml") as { dependencies?: unknown };
      if (Array.isArray(req?.dependencies))
        metadata.dependencies = req.dependencies.map((d) => readDependency(d, "requirements.yaml"));
      if (metadata.apiVersion === "v1") chart.files.push({ name, data });
    } else if (name.startsWith("templates/")) chart.templates.push({ name, data });
    else if (name.startsWith("charts/")) {
      if (name.endsWith(".prov")) {
        chart.files.push({ name, data });
        continue;
      }
      const rest = name.slice("charts/".length);
      const slash = rest.indexOf("/");
      if (slash < 0) continue; // an archive: in `archives`
      const sub = rest.slice(0, slash);
      const entry = subcharts.get(sub) ?? { files: {} };
      (entry.files as Record<string, string>)[rest.slice(slash + 1)] = data;
      // The top folder's .helmignore has already applied to the subchart's files, as in Helm.
      subcharts.set(sub, entry);
    } else chart.files.push({ name, data });
  }
  for (const [archive, files] of Object.entries(input.archives ?? {})) {
    if (!archive.startsWith("charts/")) continue;
    const rest = archive.slice("charts/".length);
    const slash = rest.indexOf("/");
    if (slash < 0) {
      subcharts.set(rest, files);
      continue;
    }
    // An archive inside a subchart folder (charts/NAME/charts/X.tgz): that subchart's.
    const entry = subcharts.get(rest.slice(0, slash)) ?? { files: {} };
    subcharts.set(rest.slice(0, slash), {
      ...entry,
      archives: { ...entry.archives, [rest.slice(slash + 1)]: files },
    });
  }
  for (const name of [...subcharts.keys()].sort()) {
    if (name.startsWith("_") || name.startsWith(".")) continue;
    let sub: Chart;
    try {
      sub = loadChart(subcharts.get(name)!);
    } catch (error) {
      throw new ChartLoadError(
        `error unpacking subchart ${name} in ${metadata.name}: ${(error as Error).message}`,
      );
    }
    sub.parent = chart;
    chart.dependencies.push(sub);
  }
  return chart;
}

/** Helm's reading of a YAML file (sigs.k8s.io/yaml): the first document, YAML 1.1, a repeated key's last value. */
function readYaml(text: string, file: string): unknown {
  const read = readYamlDocuments(text, file, { tags: YAML11_TAGS, duplicateKeys: "last-wins" });
  if (!read.ok)
    throw new ChartLoadError(`cannot load ${file}: ${read.diagnostics[0]?.message ?? "invalid YAML"}`);
  return read.documents[0]?.value ?? null;
}

/** values.yaml (or a values file): a map; an empty file is an empty map. */
export function readValues(text: string, file: string): Record<string, unknown> {
  const data = readYaml(text, file);
  if (data === null) return {};
  if (typeof data !== "object" || Array.isArray(data))
    throw new ChartLoadError(`cannot load ${file}: not a map of values`);
  return data as Record<string, unknown>;
}

/** A string field: absent for a YAML null (`~`, `null`, nothing), as Go leaves such a field empty. */
const str = (v: unknown): string | undefined =>
  v === undefined || v === null || v === "~" || /^(?:null|Null|NULL)$/.test(String(v))
    ? undefined
    : typeof v === "string"
      ? v
      : String(v);

/**
 * Chart.yaml (and requirements.yaml) as Helm reads it into chart.Metadata: sigs.k8s.io/yaml keeps a
 * scalar's own text for a string field, so `appVersion: 1.10` is "1.10", not the number 1.1. Read with
 * every scalar a string (YAML's failsafe schema); the two boolean fields are converted where they are used.
 */
function readMetadataYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { schema: "failsafe", logLevel: "error", uniqueKeys: false });
  if (doc.errors.length) throw new ChartLoadError(`cannot load ${file}: ${doc.errors[0]!.message}`);
  return doc.toJS({ maxAliasCount: 100 }) ?? null;
}

/** Chart.yaml's metadata, as Helm's loader reads and validates it. */
export function readMetadata(text: string, file: string): ChartMetadata {
  const raw = readMetadataYaml(text, file);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new ChartLoadError(`cannot load ${file}: not a map`);
  const m = raw as Record<string, unknown>;
  const metadata: ChartMetadata = {
    name: str(m.name) ?? "",
    version: str(m.version) ?? "",
    apiVersion: str(m.apiVersion) || "v1",
  };
  for (const key of [
    "appVersion",
    "description",
    "kubeVersion",
    "type",
    "home",
    "icon",
    "condition",
    "tags",
  ] as const)
    if (m[key] !== undefined && m[key] !== null) metadata[key] = str(m[key])!;
  if (Array.isArray(m.sources)) metadata.sources = m.sources.map((s) => String(s));
  if (Array.isArray(m.keywords)) metadata.keywords = m.keywords.map((s) => String(s));
  if (Array.isArray(m.maintainers))
    metadata.maintainers = m.maintainers.filter((x) => x && typeof x === "object") as NonNullable<
      ChartMetadata["maintainers"]
    >;
  if (m.annotations && typeof m.annotations === "object")
    metadata.annotations = Object.fromEntries(
      Object.entries(m.annotations as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
  if (m.deprecated === "true" || m.deprecated === "false") metadata.deprecated = m.deprecated === "true";
  if (Array.isArray(m.dependencies))
    metadata.dependencies = m.dependencies.map((d) => readDependency(d, file));
  validateMetadata(metadata);
  return metadata;
}

function readDependency(d: unknown, file: string): ChartDependency {
  if (d === null || typeof d !== "object")
    throw new ChartLoadError(`cannot load ${file}: dependencies must be maps`);
  const r = d as Record<string, unknown>;
  const dep: ChartDependency = { name: str(r.name) ?? "" };
  for (const key of ["version", "repository", "condition", "alias"] as const)
    if (r[key] !== undefined && r[key] !== null) dep[key] = str(r[key])!;
  if (Array.isArray(r.tags)) dep.tags = r.tags.map((t) => String(t));
  if (Array.isArray(r["import-values"])) dep.importValues = r["import-values"] as unknown[];
  return dep;
}

/** Metadata.Validate, the parts `helm template` trips on. */
function validateMetadata(m: ChartMetadata): void {
  if (!m.apiVersion) throw new ChartLoadError("validation: chart.metadata.apiVersion is required");
  if (!m.name) throw new ChartLoadError("validation: chart.metadata.name is required");
  if (m.name.includes("/") || m.name.includes("\\") || m.name === "." || m.name === "..")
    throw new ChartLoadError(`validation: chart.metadata.name "${m.name}" is invalid`);
  if (!m.version) throw new ChartLoadError("validation: chart.metadata.version is required");
  if (m.type && m.type !== "application" && m.type !== "library")
    throw new ChartLoadError("validation: chart.metadata.type must be application or library");
  const names = new Set<string>();
  for (const d of m.dependencies ?? []) {
    const key = d.alias || d.name;
    if (names.has(key))
      throw new ChartLoadError(`validation: more than one dependency with name or alias "${key}"`);
    names.add(key);
  }
}

/** A chart's path in the render's keys: `parent/charts/child`. */
export function chartFullPath(c: Chart): string {
  return c.parent ? `${chartFullPath(c.parent)}/charts/${c.metadata.name}` : c.metadata.name;
}

export const isLibraryChart = (c: Chart): boolean => c.metadata.type === "library";
