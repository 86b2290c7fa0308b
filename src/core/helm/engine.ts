/**
 * Helm's template engine (pkg/engine/engine.go): every template of a chart and of its subcharts parsed
 * into one set (deepest paths first, then reverse lexical order, so a parent's `define` wins over a
 * subchart's), each non-partial template executed with its chart's built-in objects — `.Values`,
 * `.Chart`, `.Release`, `.Capabilities`, `.Files`, `.Template`, `.Subcharts` — under `missingkey=zero`
 * (`missingkey=error` when strict), and "<no value>" removed from the output. `required` and `fail` fail
 * the render with their message, which the error gives as Helm 3 does: `execution error at (FILE:L:C): …`.
 */
import picomatch from "picomatch";
import { type Chart, chartFullPath, isLibraryChart } from "./chart.ts";
import { helmFunctions, toYamlText } from "./funcs.ts";
import { fromPlain } from "./json.ts";
import { strval } from "./sprig.ts";
import { FuncError, LimitError, TemplateSet } from "./template/exec.ts";
import { TemplateError, type Templates } from "./template/parse.ts";
import { type GoValue, METHODS, type Methods, NO_VALUE, STRINGER } from "./template/values.ts";

export interface Capabilities {
  /** "v1.33.0". */
  kubeVersion: string;
  /** API group versions (and `group/version/Kind` entries) the cluster serves. */
  apiVersions: readonly string[];
  /** Helm's version, as `.Capabilities.HelmVersion.Version`. */
  helmVersion?: string;
}

export interface ReleaseOptions {
  name: string;
  namespace: string;
  revision?: number;
  isUpgrade?: boolean;
}

export interface EngineOptions {
  /** missingkey=error. */
  strict?: boolean;
  /** Lint mode: `required` and `fail` do not abort. */
  lintMode?: boolean;
  /** Output bound per template (characters; default 32 MiB). Past it, a LimitError. */
  maxOutput?: number;
  /** Steps all templates of the render may take together (default 20 million). Past it, a LimitError. */
  maxSteps?: number;
  /**
   * How errors that are not `required`/`fail` read: Helm 3 gives Go's one-line chain, Helm 4 a trace of
   * one `FILE:L:C / executing "NAME" at <NODE>: / message` block per nested template.
   */
  errorStyle?: "helm3" | "helm4";
  /**
   * `lookup` against a cluster (apiVersion, kind, namespace, name; an empty name lists): an object, a
   * `{items: […]}` list, or `{}`. Without it `lookup` gives `{}`, as `helm template` does.
   */
  lookup?: (apiVersion: string, kind: string, namespace: string, name: string) => GoValue;
  /** Called with a function's name when its output changes from render to render (randAlphaNum, now). */
  onNondeterministic?: (name: string) => void;
  /**
   * Called with an API version `.Capabilities.APIVersions.Has` answered false for: a cluster may have it
   * (a CRD's group) where these capabilities do not.
   */
  onCapabilityMiss?: (apiVersion: string) => void;
}

/** A failed render: Helm's message (`parse error at (…)`, `execution error at (…)`), and where, when known. */
export class RenderError extends Error {
  override readonly name = "RenderError";
  constructor(
    message: string,
    /** The template key (`chart/templates/x.yaml`) and its line, when the message names one. */
    readonly location?: { template: string; line?: number },
  ) {
    super(message);
  }
}

/**
 * Chart templates already parsed, by path and text: a pull request renders a chart at base and head, and
 * the App's instance renders the same chart versions for pull request after pull request. The function
 * names a template may call are Helm's, the same for every render, so a parse stays valid.
 */
const PARSED = new Map<string, Templates>();
const MAX_PARSED = 5000;

const WARN_START = "HELM_ERR_START";
const WARN_END = "HELM_ERR_END";
const WARN = /HELM_ERR_START([\s\S]*)HELM_ERR_END/;

/**
 * ToRenderValues' top level, as the engine takes it: `.Values` (coalesced already), `.Release` and
 * `.Capabilities` (`.Chart` is made per chart).
 */
export function renderValues(
  values: Record<string, unknown>,
  release: ReleaseOptions,
  capabilities: Capabilities,
  onCapabilityMiss?: (apiVersion: string) => void,
): Record<string, GoValue> {
  return {
    Values: fromPlain(values),
    Release: {
      Name: release.name,
      Namespace: release.namespace,
      IsUpgrade: release.isUpgrade ?? false,
      IsInstall: !(release.isUpgrade ?? false),
      Revision: BigInt(release.revision ?? 1),
      Service: "Helm",
    },
    Capabilities: capabilitiesValue(capabilities, onCapabilityMiss),
  };
}

/** A template to render: its text, its dot, and `.Template.BasePath`. */
export interface Renderable {
  text: string;
  vals: Record<string, GoValue>;
  basePath?: string;
}

/** Engine.Render: each template's output by its key (`chart/templates/x.yaml`), partials (`_*`) left out. */
export function renderChart(
  chart: Chart,
  top: Record<string, GoValue>,
  options: EngineOptions = {},
): Record<string, string> {
  return renderTemplates(allTemplates(chart, top), options);
}

/** allTemplates: every template of the chart and its subcharts, by key, each with its chart's dot. */
export function allTemplates(chart: Chart, top: Record<string, GoValue>): Map<string, Renderable> {
  const templates = new Map<string, Renderable>();
  collect(chart, templates, top, true);
  return templates;
}

function collect(
  chart: Chart,
  templates: Map<string, Renderable>,
  parent: Record<string, GoValue>,
  root: boolean,
): Record<string, GoValue> {
  const subcharts: Record<string, GoValue> = {};
  const parentValues = parent.Values;
  const ownValues = root
    ? parentValues
    : parentValues && typeof parentValues === "object" && !Array.isArray(parentValues)
      ? ((parentValues as Record<string, GoValue>)[chart.metadata.name] ?? {})
      : {};
  const next: Record<string, GoValue> = {
    Chart: chartMetadataValue(chart, root),
    Files: filesValue(chart.files.map((f) => [f.name, f.data])),
    Release: parent.Release ?? null,
    Capabilities: parent.Capabilities ?? null,
    Values: ownValues && typeof ownValues === "object" && !Array.isArray(ownValues) ? ownValues : {},
    Subcharts: subcharts,
  };
  for (const child of chart.dependencies)
    subcharts[child.metadata.name] = collect(child, templates, next, false);
  const base = chartFullPath(chart);
  for (const t of chart.templates) {
    if (isLibraryChart(chart) && !t.name.split("/").pop()!.startsWith("_")) continue;
    templates.set(`${base}/${t.name}`, { text: t.data, vals: next, basePath: `${base}/templates` });
  }
  return next;
}

/** sortTemplates: most path segments first, then reverse lexical order. */
export function sortTemplates(keys: Iterable<string>): string[] {
  const depth = (s: string) => s.split("/").length;
  return [...keys].sort((a, b) => depth(b) - depth(a) || (a < b ? 1 : a > b ? -1 : 0));
}

/** Engine.render: parse every template into one set, then execute each that is not a partial. */
export function renderTemplates(
  templates: Map<string, Renderable>,
  options: EngineOptions = {},
): Record<string, string> {
  let set: TemplateSet;
  const funcs = helmFunctions(
    () => set,
    options.onNondeterministic ? { onNondeterministic: options.onNondeterministic } : {},
  );
  funcs.required = (warn, val) => {
    if (val === undefined || val === null || val === NO_VALUE || val === "") {
      if (options.lintMode) return "";
      throw new FuncError(`${WARN_START}${strval(warn ?? "")}${WARN_END}`);
    }
    return val;
  };
  funcs.fail = (msg) => {
    if (options.lintMode) return "";
    throw new FuncError(`${WARN_START}${strval(msg ?? "")}${WARN_END}`);
  };
  funcs.getHostByName = () => "";
  const lookup = options.lookup;
  if (lookup)
    funcs.lookup = (apiVersion, kind, namespace, name) =>
      lookup(strval(apiVersion ?? ""), strval(kind ?? ""), strval(namespace ?? ""), strval(name ?? ""));
  set = new TemplateSet({
    funcs,
    missingKey: options.strict ? "error" : "zero",
    name: "gotpl",
    maxOutput: options.maxOutput ?? 32 * 1024 * 1024,
    budget: { steps: options.maxSteps ?? 20_000_000 },
  });
  const keys = sortTemplates(templates.keys());
  for (const key of keys) {
    try {
      const text = templates.get(key)!.text;
      const cacheKey = `${key}\u0000${text}`;
      let parsed = PARSED.get(cacheKey);
      if (!parsed) {
        parsed = set.parseOnly(key, text);
        if (PARSED.size >= MAX_PARSED) PARSED.clear();
        PARSED.set(cacheKey, parsed);
      }
      set.add(parsed);
    } catch (error) {
      if (error instanceof TemplateError) throw parseError(key, error);
      throw error;
    }
  }
  const out: Record<string, string> = {};
  for (const key of keys) {
    if (key.split("/").pop()!.startsWith("_")) continue;
    const r = templates.get(key)!;
    r.vals.Template = { Name: key, BasePath: r.basePath ?? "" };
    let text: string;
    try {
      text = set.execute(key, r.vals);
    } catch (error) {
      if (error instanceof TemplateError) throw execError(key, error, options.errorStyle ?? "helm3");
      // JavaScript's stack, deeper than this engine's include bound lets it go: this engine's limit.
      if (error instanceof RangeError) throw new LimitError(`rendering template failed: ${error.message}`);
      throw error;
    }
    out[key] = text.replaceAll("<no value>", "");
  }
  return out;
}

/** cleanupParseError: `parse error at (FILE:LINE): message`. */
function parseError(key: string, error: TemplateError): RenderError {
  const tokens = error.message.split(": ");
  if (tokens.length === 1)
    return new RenderError(`parse error in (${key}): ${error.message}`, { template: key });
  const location = tokens[1]!;
  const message = tokens[tokens.length - 1]!;
  return new RenderError(`parse error at (${location}): ${message}`, where(location, key));
}

/**
 * reformatExecErrorMsg: `execution error at (FILE:L:C): message` for required/fail; otherwise Go's text
 * (Helm 3) or, when every nested error is a template's, Helm 4's trace.
 */
function execError(key: string, error: TemplateError, style: "helm3" | "helm4"): RenderError {
  const text = error.message;
  const first = text.indexOf(": ");
  const second = first < 0 ? -1 : text.indexOf(": ", first + 2);
  if (second < 0) return new RenderError(`execution error in (${key}): ${text}`, { template: key });
  const location = text.slice(first + 2, second);
  const warn = WARN.exec(text.slice(second + 2));
  if (warn) return new RenderError(`execution error at (${location}): ${warn[1]}`, where(location, key));
  return new RenderError((style === "helm4" && helm4Trace(text)) || text, where(location, key));
}

/** Helm 4's trace of a chain of template errors (each nested one starts "template: "), or undefined. */
function helm4Trace(text: string): string | undefined {
  const starts = [0];
  for (let i = text.indexOf(": template: "); i >= 0; i = text.indexOf(": template: ", i + 1))
    starts.push(i + 2);
  let out = "";
  for (const start of starts) {
    const s = text.slice(start);
    const rest = s.slice("template: ".length);
    if (rest.startsWith("no template ")) {
      out += `${s}\n`;
      continue;
    }
    const m = /^(.*?): executing "([^"]*)" at <(.*?)>: ([\s\S]*)$/.exec(rest);
    if (!m) return undefined;
    let message = m[4]!;
    const cut = message.indexOf(" template:");
    if (cut >= 0) message = message.slice(0, cut);
    out += `${m[1]}\n  executing "${m[2]}" at <${m[3]}>:\n    ${message}\n`;
  }
  return out.trim();
}

function where(location: string, key: string): { template: string; line?: number } {
  const m = /^(.*?):(\d+)(?::\d+)?$/.exec(location);
  return m ? { template: m[1]!, line: Number(m[2]) } : { template: key };
}

/** `.Chart`: Chart.yaml as Go's chart.Metadata fields, and IsRoot. */
export function chartMetadataValue(chart: Chart, root: boolean): GoValue {
  const m = chart.metadata;
  return {
    Name: m.name,
    Home: m.home ?? "",
    Sources: m.sources ?? null,
    Version: m.version,
    Description: m.description ?? "",
    Keywords: m.keywords ?? null,
    Maintainers: m.maintainers
      ? m.maintainers.map((x) => ({ Name: x.name ?? "", Email: x.email ?? "", URL: x.url ?? "" }))
      : null,
    Icon: m.icon ?? "",
    APIVersion: m.apiVersion,
    Condition: m.condition ?? "",
    Tags: m.tags ?? "",
    AppVersion: m.appVersion ?? "",
    Deprecated: m.deprecated ?? false,
    Annotations: m.annotations ?? null,
    KubeVersion: m.kubeVersion ?? "",
    Dependencies: m.dependencies
      ? m.dependencies.map((d) => ({
          Name: d.name,
          Version: d.version ?? "",
          Repository: d.repository ?? "",
          Condition: d.condition ?? "",
          Tags: d.tags ?? null,
          Enabled: d.enabled ?? false,
          ImportValues: (d.importValues ?? null) as GoValue,
          Alias: d.alias ?? "",
        }))
      : null,
    Type: m.type ?? "",
    IsRoot: root,
  };
}

/** `.Capabilities`: KubeVersion (prints as its Version), APIVersions with Has, HelmVersion. */
export function capabilitiesValue(c: Capabilities, onMiss?: (apiVersion: string) => void): GoValue {
  const m = /^v?(\d+)\.(\d+)/.exec(c.kubeVersion);
  const kube = {
    Version: c.kubeVersion,
    Major: m?.[1] ?? "",
    Minor: m?.[2] ?? "",
    GitVersion: c.kubeVersion,
    [STRINGER]: () => c.kubeVersion,
  };
  const versions = [...c.apiVersions];
  const set = new Set(versions);
  const apiVersions = Object.assign(versions as GoValue[], {
    [METHODS]: {
      Has: (v: GoValue) => {
        const version = strval(v ?? "");
        if (set.has(version)) return true;
        onMiss?.(version);
        return false;
      },
    } satisfies Methods,
  });
  return {
    KubeVersion: kube,
    APIVersions: apiVersions,
    HelmVersion: {
      Version: c.helmVersion ?? "v3.21.4",
      GitCommit: "",
      GitTreeState: "",
      GoVersion: "",
    },
  };
}

/** `.Files`: name → content, with Get, GetBytes, Glob, Lines, AsConfig and AsSecrets (pkg/engine/files.go). */
function filesValue(entries: Array<[string, string]>): GoValue {
  const files: Record<string, GoValue> = Object.fromEntries(entries);
  const get = (name: GoValue | undefined): GoValue => {
    const v = files[strval(name ?? "")];
    return typeof v === "string" ? v : "";
  };
  const methods: Methods = {
    Get: get,
    // A file's bytes are its text here (GoValues have no []byte): what %s and b64enc make of them alike.
    GetBytes: get,
    Glob: (pattern) => {
      const match = picomatch(strval(pattern ?? ""), { dot: true });
      return filesValue(entries.filter(([n]) => match(n)));
    },
    Lines: (name) => {
      const v = files[strval(name ?? "")];
      if (typeof v !== "string") return [];
      return (v.endsWith("\n") ? v.slice(0, -1) : v).split("\n");
    },
    AsConfig: () => {
      if (entries.length === 0) return "";
      const m = Object.fromEntries(entries.map(([n, d]) => [n.split("/").pop()!, d]));
      return toYamlText(m);
    },
    AsSecrets: () => {
      if (entries.length === 0) return "";
      const m = Object.fromEntries(
        entries.map(([n, d]) => [n.split("/").pop()!, Buffer.from(d, "utf8").toString("base64")]),
      );
      return toYamlText(m);
    },
  };
  return Object.assign(files, { [METHODS]: methods });
}
