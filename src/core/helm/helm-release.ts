/**
 * A Flux HelmRelease rendered as helm-controller renders it: where its chart comes from (a
 * HelmRepository, an OCI registry, an OCIRepository, or a folder of this repository through a
 * GitRepository the cluster's own Kustomizations build from), the release name and namespace
 * helm-controller derives, `helm template` with the HelmRelease's effective values, then its
 * post-renderers — the kustomize patches and images of `spec.postRenderers` (built with this engine's
 * kustomize) and helm-controller's own origin labels. Pure: the adapter fetches the chart and hands
 * over its files.
 */
import { mergeMaps } from "../impact/helm-values.ts";
import { buildFluxKustomization } from "../kustomize/flux-root.ts";
import type { JsonObject } from "../kustomize/resource.ts";
import type { HelmReleaseNode, RepositoryModel, SourceNode } from "../model.ts";
import { resolvePath } from "../snapshot/paths.ts";
import { createMemorySnapshot, type RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { sha256Hex } from "../util/sha256.ts";
import { stringifyYamlStream } from "../yaml/stringify.ts";
import { defaultCapabilities } from "./capabilities.ts";
import {
  type Chart,
  type ChartFiles,
  ChartLoadError,
  type ChartMetadata,
  loadChart,
  readMetadata,
  readValues,
} from "./chart.ts";
import type { Values } from "./coalesce.ts";
import type { Capabilities } from "./engine.ts";
import { RenderError } from "./engine.ts";
import { HelmTemplateError, helmTemplate, KubeVersionError } from "./release.ts";

/** Where a HelmRelease's chart is, as the adapter fetches it. */
export type ChartLocation =
  /**
   * A HelmRepository (https): `url` the repository, `version` exact or a semver constraint (`4.x`,
   * `>=1.2.0`; `*` or empty: the latest stable version).
   */
  | { type: "helm"; url: string; chart: string; version: string }
  /**
   * A HelmRepository of `type: oci`: `url` `oci://host/path`, the artifact `host/path/chart`; `version`
   * exact or a constraint, resolved against the tag list (Helm writes a version's `+` as `_` in its tag).
   */
  | { type: "oci"; url: string; chart: string; version: string }
  /**
   * An OCIRepository (`HelmRelease.spec.chartRef`): `url` `oci://host/path/chart` and its `ref` —
   * `digest` over `semver` over `tag`, `latest` when none is given, as Flux resolves it. `semverFilter`:
   * `ref.semverFilter`, a Go regular expression the tags must match. `layerMediaType`:
   * `spec.layerSelector.mediaType`; without it the Helm chart layer, or else the first layer, is taken.
   */
  | {
      type: "oci-artifact";
      url: string;
      tag?: string;
      semver?: string;
      digest?: string;
      semverFilter?: string;
      layerMediaType?: string;
    }
  /** A chart folder of this repository (the files are in the snapshot). */
  | { type: "repository"; path: string }
  /** Not reachable by this analysis: why. */
  | { type: "unavailable"; reason: string };

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const obj = (v: unknown): JsonObject =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : {};

function findSource(
  model: RepositoryModel,
  hr: HelmReleaseNode,
  kind: string,
  name: string,
  namespace?: string,
) {
  const ns = namespace || hr.namespace;
  return model.sources.find((s: SourceNode) => s.kind === kind && s.name === name && s.namespace === ns);
}

/**
 * The chart of a HelmRelease: chart.spec with its sourceRef (HelmRepository, GitRepository), or chartRef
 * to an OCIRepository. A GitRepository counts as this repository when a Kustomization of the same
 * cluster builds from it.
 */
export function chartLocation(model: RepositoryModel, hr: HelmReleaseNode): ChartLocation {
  if (hr.chartRef) {
    const ref = hr.chartRef;
    if (ref.kind !== "OCIRepository")
      return {
        type: "unavailable",
        reason: `its chartRef is a ${ref.kind}, which this analysis does not resolve`,
      };
    const src = findSource(model, hr, "OCIRepository", ref.name, ref.namespace);
    if (!src)
      return {
        type: "unavailable",
        reason: `OCIRepository ${ref.namespace || hr.namespace}/${ref.name} is not in this repository`,
      };
    const spec = obj(src.object.spec);
    const url = str(spec.url);
    if (!url)
      return { type: "unavailable", reason: `OCIRepository ${src.namespace}/${src.name} has no spec.url` };
    const r = obj(spec.ref);
    const out: ChartLocation = { type: "oci-artifact", url };
    if (str(r.digest)) out.digest = str(r.digest)!;
    else if (str(r.semver)) {
      out.semver = str(r.semver)!;
      if (str(r.semverFilter)) out.semverFilter = str(r.semverFilter)!;
    } else out.tag = str(r.tag) ?? "latest";
    const layer = str(obj(spec.layerSelector).mediaType);
    if (layer) out.layerMediaType = layer;
    return out;
  }
  const chart = hr.chart;
  if (!chart) return { type: "unavailable", reason: "it names no chart" };
  const ref = chart.sourceRef;
  const version = chart.version || "*";
  if (ref.kind === "HelmRepository") {
    const src = findSource(model, hr, "HelmRepository", ref.name, ref.namespace);
    if (!src)
      return {
        type: "unavailable",
        reason: `HelmRepository ${ref.namespace || hr.namespace}/${ref.name} is not in this repository`,
      };
    const spec = obj(src.object.spec);
    const url = str(spec.url);
    if (!url)
      return { type: "unavailable", reason: `HelmRepository ${src.namespace}/${src.name} has no spec.url` };
    if (spec.type === "oci" || url.startsWith("oci://"))
      return { type: "oci", url, chart: chart.name, version };
    return { type: "helm", url, chart: chart.name, version };
  }
  if (ref.kind === "GitRepository") {
    const ns = ref.namespace || hr.namespace;
    const own = model.kustomizations.some(
      (k) =>
        k.cluster === hr.cluster &&
        k.status !== "external" &&
        k.spec?.sourceRef.kind === "GitRepository" &&
        k.spec.sourceRef.name === ref.name &&
        (k.spec.sourceRef.namespace || k.namespace) === ns,
    );
    if (!own) return { type: "unavailable", reason: `GitRepository ${ns}/${ref.name} is another repository` };
    const path = chart.name.replace(/^\.\//, "").replace(/\/+$/, "");
    if (path.split("/").includes(".."))
      return { type: "unavailable", reason: `its chart path ${chart.name} leaves the repository` };
    return { type: "repository", path };
  }
  return {
    type: "unavailable",
    reason: `its chart comes from a ${ref.kind}, which this analysis does not fetch`,
  };
}

/** helm-controller's release name: spec.releaseName, or [targetNamespace-]name, shortened past 53 characters. */
export function releaseName(hr: HelmReleaseNode): string {
  const spec = obj(hr.object.spec);
  const given = str(spec.releaseName);
  if (given) return given;
  const target = str(spec.targetNamespace);
  const name = target ? `${target}-${hr.name}` : hr.name;
  if (name.length <= 53) return name;
  return `${name.slice(0, 40)}-${sha256Hex(new TextEncoder().encode(name)).slice(0, 12)}`;
}

/** The namespace the release installs into: spec.targetNamespace, else the HelmRelease's. */
export function releaseNamespace(hr: HelmReleaseNode): string {
  return str(obj(hr.object.spec).targetNamespace) ?? hr.namespace;
}

export interface HelmReleaseRender {
  /** The rendered objects, post-renderers applied, in helm template's order. */
  objects: JsonObject[];
  chart: { name: string; version: string };
  /**
   * Functions whose output is not the cluster's: it changes from render to render (randAlphaNum, now…), or
   * it reads the cluster ("lookup", empty here as in `helm template`). The objects are not comparable.
   */
  nondeterministic: string[];
  /** Values a schema could not be checked for, and why. */
  notes: string[];
}

/**
 * What of a render is not the cluster's (HelmReleaseRender.nondeterministic), in words: the random
 * functions' values, and what `lookup` read. `code` marks names (backticks in the comment, as is in a
 * terminal).
 */
export function notTheClusters(
  calls: readonly string[],
  code: (name: string) => string = (n) => n,
): string[] {
  const random = calls.filter((n) => n !== "lookup");
  return [
    ...(random.length
      ? [
          `the chart calls ${random.map((n) => code(n)).join(", ")}: those values change on every install and are placeholders here`,
        ]
      : []),
    ...(calls.includes("lookup")
      ? [
          `the chart reads the cluster with ${code("lookup")}, which this render sees empty, as ${code("helm template")} does`,
        ]
      : []),
  ];
}

/** Why a HelmRelease did not render: Helm's message, and the template line when Helm names one. */
export class HelmReleaseRenderError extends Error {
  override readonly name = "HelmReleaseRenderError";
  constructor(
    message: string,
    readonly template?: { path: string; line?: number },
    /**
     * What the render had read of the cluster when it failed, where helm-controller sees the real cluster
     * and `helm template` (this render) its defaults: `lookup`, API versions `.Capabilities.APIVersions.Has`
     * did not find, the chart's kubeVersion range. Empty when the failure is the chart's and values' alone.
     */
    readonly clusterReads: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface RenderHelmReleaseOptions {
  capabilities?: Capabilities;
  /** Output bound of one template (characters). */
  maxOutput?: number;
}

const ORIGIN_NAME = "helm.toolkit.fluxcd.io/name";
const ORIGIN_NAMESPACE = "helm.toolkit.fluxcd.io/namespace";

/**
 * `helm template` of the HelmRelease's chart with its effective values (already merged from valuesFrom
 * and spec.values), then its post-renderers. Throws HelmReleaseRenderError when Helm would fail.
 */
export function renderHelmRelease(
  hr: HelmReleaseNode,
  values: Values,
  files: ChartFiles,
  options: RenderHelmReleaseOptions = {},
): HelmReleaseRender {
  const spec = obj(hr.object.spec);
  const nondeterministic = new Set<string>();
  const missing = new Set<string>();
  let result: ReturnType<typeof helmTemplate>;
  let chartName = "";
  let chartVersion = "";
  try {
    const chart = loadChart(files);
    chartName = chart.metadata.name;
    chartVersion = chart.metadata.version;
    applyValuesFiles(chart, files, obj(obj(spec.chart).spec));
    const install = obj(spec.install);
    const upgrade = obj(spec.upgrade);
    result = helmTemplate(chart, values, {
      releaseName: releaseName(hr),
      namespace: releaseNamespace(hr),
      capabilities: options.capabilities ?? defaultCapabilities(),
      // helm-controller installs CRDs from crds/ by default (policy Create); they are part of the release.
      includeCrds: install.crds !== "Skip",
      skipTests: true,
      skipSchemaValidation:
        install.disableSchemaValidation === true || upgrade.disableSchemaValidation === true,
      engine: {
        onNondeterministic: (name) => nondeterministic.add(name),
        onCapabilityMiss: (apiVersion) => missing.add(apiVersion),
        ...(options.maxOutput ? { maxOutput: options.maxOutput } : {}),
      },
    });
  } catch (error) {
    const called = [
      ...(nondeterministic.has("lookup") ? ["lookup"] : []),
      ...[...missing].sort().map((v) => `.Capabilities.APIVersions.Has "${v}"`),
      ...(error instanceof KubeVersionError ? ["the chart's kubeVersion range"] : []),
    ];
    if (error instanceof RenderError)
      throw new HelmReleaseRenderError(
        error.message,
        error.location
          ? { path: error.location.template, ...(error.location.line ? { line: error.location.line } : {}) }
          : undefined,
        called,
      );
    if (error instanceof HelmTemplateError || error instanceof ChartLoadError)
      throw new HelmReleaseRenderError(error.message, undefined, called);
    throw error;
  }
  // Documents of comments only hold no object (kyaml skips them too).
  const documents = result.manifests
    .filter((m) => m.kind !== "" || m.apiVersion !== "")
    .map((m) => m.content);
  const objects = postRender(hr, documents, spec);
  return {
    objects,
    chart: { name: chartName, version: chartVersion },
    nondeterministic: [...nondeterministic].sort(),
    notes: result.schemaNotChecked.map(
      (s) => `the values of chart ${s.chart} were not checked against its schema: ${s.reason}`,
    ),
  };
}

/**
 * chart.spec.valuesFiles: the chart's values are those files merged in order, the last winning — and
 * values.yaml only when listed (source-controller packages the chart with them). A file the chart lacks
 * fails, unless ignoreMissingValuesFiles. Paths are the chart's, or the repository's for a chart folder.
 */
function applyValuesFiles(chart: Chart, files: ChartFiles, chartSpec: JsonObject): void {
  const list = Array.isArray(chartSpec.valuesFiles) ? chartSpec.valuesFiles.map(String) : [];
  if (list.length === 0) return;
  const chartPath =
    typeof chartSpec.chart === "string" ? chartSpec.chart.replace(/^\.\//, "").replace(/\/+$/, "") : "";
  let merged: JsonObject = {};
  for (const entry of list) {
    let path = entry.replace(/^\.\//, "");
    if (chartPath && path.startsWith(`${chartPath}/`)) path = path.slice(chartPath.length + 1);
    const text = files.files[path];
    if (text === undefined) {
      if (chartSpec.ignoreMissingValuesFiles === true) continue;
      throw new HelmReleaseRenderError(`values file ${entry} is not in the chart (chart.spec.valuesFiles)`);
    }
    merged = mergeMaps(merged, readValues(text, path) as JsonObject);
  }
  chart.values = merged;
}

/** The kustomize post-renderers of spec.postRenderers, then helm-controller's origin labels. */
function postRender(hr: HelmReleaseNode, documents: string[], spec: JsonObject): JsonObject[] {
  if (documents.length === 0) return [];
  const text = documents.join("\n---\n");
  const renderers = Array.isArray(spec.postRenderers) ? spec.postRenderers : [];
  const kustomize = renderers.map((r) => obj(obj(r).kustomize)).filter((k) => Object.keys(k).length > 0);
  const snapshot = createMemorySnapshot({ "release/manifest.yaml": text });
  const target = (o: JsonObject) => (o.target ? { target: obj(o.target) as never } : {});
  const patches = kustomize.flatMap((k) => [
    ...(Array.isArray(k.patches) ? k.patches : []).map((p) => {
      const o = obj(p);
      return { patch: typeof o.patch === "string" ? o.patch : "", ...target(o) };
    }),
    // The deprecated forms helm-controller still takes: strategic merge objects, and JSON 6902 operations.
    ...(Array.isArray(k.patchesStrategicMerge) ? k.patchesStrategicMerge : []).map((p) => ({
      patch: JSON.stringify(p),
    })),
    ...(Array.isArray(k.patchesJson6902) ? k.patchesJson6902 : []).map((p) => {
      const o = obj(p);
      return { patch: JSON.stringify(o.patch ?? []), ...target(o) };
    }),
  ]);
  const images = kustomize.flatMap((k) =>
    Array.isArray(k.images) ? k.images.map((i) => obj(i) as never) : [],
  );
  const built = buildFluxKustomization(snapshot, { dir: "release", patches, images });
  const failure = built.ctx.diagnostics.find((d) => d.severity === "error");
  if (failure) throw new HelmReleaseRenderError(`post-renderer: ${failure.message}`);
  const objects = built.resources.map((r) => r.obj as JsonObject).filter((o) => Object.keys(o).length > 0);
  for (const o of objects) {
    const metadata = obj(o.metadata);
    const labels = obj(metadata.labels);
    labels[ORIGIN_NAME] = hr.name;
    labels[ORIGIN_NAMESPACE] = hr.namespace;
    metadata.labels = labels;
    o.metadata = metadata;
  }
  return objects;
}

/** The rendered objects as YAML (what `build --helmrelease` prints). */
export function renderedYaml(objects: readonly JsonObject[]): string {
  return stringifyYamlStream(objects as JsonObject[]);
}

/**
 * A chart folder of the repository as the loader takes it, with the dependencies source-controller would
 * add when it builds the chart (helm/chart/builder_local.go): a `file://` dependency is that folder of the
 * repository, read from the snapshot as a subchart. Its `charts/*.tgz` subchart archives come back as
 * bytes, for the adapter to unpack (unpacking is asynchronous, outside the core). `unresolved` names each
 * dependency neither in `charts/` nor a folder here: source-controller fetches it from its repository.
 */
export function chartFilesIn(
  snapshot: RepoSnapshot,
  path: string,
): { files: ChartFiles; archives: Record<string, Uint8Array>; unresolved: string[] } | undefined {
  const files: Record<string, string> = {};
  const archives: Record<string, Uint8Array> = {};
  const unresolved: string[] = [];
  if (!addChartFolder(snapshot, path, "", files, archives, unresolved, 0)) return undefined;
  return { files: { files, fromDirectory: true }, archives, unresolved };
}

/** Why a chart folder with dependencies chartFilesIn could not resolve is not rendered. */
export function unresolvedDependencies(path: string, unresolved: readonly string[]): string {
  return `its chart folder ${path}/ depends on ${unresolved.join(", ")}, which source-controller fetches when it builds the chart and this analysis does not`;
}

/** A chart in a nested `charts/` deeper than this is not followed (a `file://` loop). */
const MAX_LOCAL_DEPENDENCY_DEPTH = 10;

function addChartFolder(
  snapshot: RepoSnapshot,
  path: string,
  into: string,
  files: Record<string, string>,
  archives: Record<string, Uint8Array>,
  unresolved: string[],
  depth: number,
): boolean {
  const prefix = path === "" ? "" : `${path}/`;
  if (!snapshot.isFile(`${prefix}Chart.yaml`)) return false;
  const decoder = new TextDecoder();
  for (const file of snapshot.files()) {
    if (!file.startsWith(prefix)) continue;
    const rel = `${into}${file.slice(prefix.length)}`;
    const bytes = snapshot.read(file);
    if (!bytes) continue;
    if (/^charts\/[^/]+\.tgz$/.test(file.slice(prefix.length))) archives[rel] = bytes;
    else files[rel] = decoder.decode(bytes);
  }
  let dependencies: ChartMetadata["dependencies"];
  try {
    dependencies = readMetadata(files[`${into}Chart.yaml`] ?? "", `${prefix}Chart.yaml`).dependencies;
  } catch {
    return true; // the loader reports a Chart.yaml that does not read
  }
  for (const dep of dependencies ?? []) {
    const present =
      Object.hasOwn(files, `${into}charts/${dep.name}/Chart.yaml`) ||
      Object.keys(archives).some((a) => a.startsWith(`${into}charts/${dep.name}-`) && a.endsWith(".tgz"));
    if (present) continue;
    const repository = dep.repository ?? "";
    const local = repository.startsWith("file://")
      ? resolvePath(path, repository.slice("file://".length))
      : undefined;
    if (
      local?.ok &&
      depth < MAX_LOCAL_DEPENDENCY_DEPTH &&
      addChartFolder(
        snapshot,
        local.path,
        `${into}charts/${dep.name}/`,
        files,
        archives,
        unresolved,
        depth + 1,
      )
    )
      continue;
    unresolved.push(`${dep.name}${repository ? ` (${repository})` : ""}`);
  }
  return true;
}
