/**
 * `helm template` as Helm 3 runs it (action/install.go in client-only dry-run mode, action.go
 * renderResources, releaseutil's manifest sorter, cmd/helm/template.go): dependencies processed, values
 * coalesced and checked against the charts' schemas, templates rendered, NOTES.txt set aside, each file
 * split into documents, hooks told from the rest by `helm.sh/hook`, documents sorted by kind in Helm's
 * install order (same kind: template path order, then order in the file), CRDs from `crds/` first when
 * asked, test hooks skipped when asked, and `--show-only` applied. The output text is Helm 3's, byte for
 * byte: `---\n# Source: PATH\nDOCUMENT\n` per document, each document trimmed.
 */
import picomatch from "picomatch";
import { readYamlDocuments } from "../yaml/read-documents.ts";
import { YAML11_TAGS } from "../yaml/scalar-schemas.ts";
import { type Chart, ChartLoadError, chartFullPath } from "./chart.ts";
import { coalesceValues, isCompatibleRange, processDependencies, type Values } from "./coalesce.ts";
import { type Capabilities, type EngineOptions, RenderError, renderChart, renderValues } from "./engine.ts";
import { type SchemaSkip, validateValuesSchemas } from "./schema.ts";

export interface HelmTemplateOptions {
  releaseName: string;
  namespace: string;
  /** The cluster as the chart sees it (`.Capabilities`). */
  capabilities: Capabilities;
  isUpgrade?: boolean;
  includeCrds?: boolean;
  skipTests?: boolean;
  /** `--show-only`: template paths (globs) relative to the chart's parent folder, as Helm takes them. */
  showOnly?: readonly string[];
  skipSchemaValidation?: boolean;
  /** `--hide-secret`: a Secret's document is replaced by a note in the release manifest. */
  hideSecrets?: boolean;
  engine?: EngineOptions;
}

/** One document of the release: its template path, its text (trimmed), and what its head says. */
export interface ReleaseManifest {
  path: string;
  content: string;
  apiVersion: string;
  kind: string;
  name: string;
  /** The hook's events (`helm.sh/hook`), for a hook. */
  hook?: string[];
}

export interface HelmTemplateResult {
  /** What `helm template` prints. */
  output: string;
  /** The release's manifest (CRDs when included, then the manifests), as `helm install` keeps it. */
  release: string;
  /** The hooks, tests included unless skipped. */
  hooks: ReleaseManifest[];
  /** values.schema.json files not checked (a `$ref` this engine does not fetch), and why. */
  schemaNotChecked: SchemaSkip[];
  /** The documents, in output order: CRDs (when included), the manifests, then hooks. */
  manifests: ReleaseManifest[];
  notes: string;
}

/** A failure `helm template` reports (`Error: …`), other than a template's own (RenderError). */
export class HelmTemplateError extends Error {
  override readonly name: string = "HelmTemplateError";
  constructor(
    message: string,
    /** The rendered files, when the failure is a document that does not parse (`--debug` prints them). */
    readonly files?: string,
  ) {
    super(message);
  }
}

/** The chart's `kubeVersion` range does not take the capabilities' Kubernetes version. */
export class KubeVersionError extends HelmTemplateError {}

const HOOK_EVENTS = new Set([
  "pre-install",
  "post-install",
  "pre-delete",
  "post-delete",
  "pre-upgrade",
  "post-upgrade",
  "pre-rollback",
  "post-rollback",
  "test",
  "test-success",
]);

export const INSTALL_ORDER = [
  "PriorityClass",
  "Namespace",
  "NetworkPolicy",
  "ResourceQuota",
  "LimitRange",
  "PodSecurityPolicy",
  "PodDisruptionBudget",
  "ServiceAccount",
  "Secret",
  "SecretList",
  "ConfigMap",
  "StorageClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleList",
  "ClusterRoleBinding",
  "ClusterRoleBindingList",
  "Role",
  "RoleList",
  "RoleBinding",
  "RoleBindingList",
  "Service",
  "DaemonSet",
  "Pod",
  "ReplicationController",
  "ReplicaSet",
  "Deployment",
  "HorizontalPodAutoscaler",
  "StatefulSet",
  "Job",
  "CronJob",
  "IngressClass",
  "Ingress",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
];
const ORDER = new Map(INSTALL_ORDER.map((k, i) => [k, i]));

/** lessByKind: known kinds in install order, before unknown ones, which go alphabetically. */
function compareKinds(a: string, b: string): number {
  const x = ORDER.get(a);
  const y = ORDER.get(b);
  if (x === undefined && y === undefined) return a < b ? -1 : a > b ? 1 : 0;
  if (x === undefined) return 1;
  if (y === undefined) return -1;
  return x - y;
}

/** Helm 3's SplitManifests: documents split at `---` lines, each trimmed, empty ones dropped. */
export function splitManifests(text: string): string[] {
  return text
    .trim()
    .split(/(?:^|\s*\n)---\s*/)
    .filter((d) => d !== "")
    .map((d) => d.trim());
}

interface Head {
  apiVersion: string;
  kind: string;
  name: string;
  annotations: Record<string, unknown> | undefined;
}

function readHead(doc: string, path: string): Head {
  const read = readYamlDocuments(doc, path, { tags: YAML11_TAGS, duplicateKeys: "last-wins" });
  if (!read.ok)
    throw new HelmTemplateError(
      `YAML parse error on ${path}: error converting YAML to JSON: yaml: ${read.diagnostics[0]?.message ?? "invalid YAML"}`,
    );
  const data = (read.documents[0]?.value ?? null) as Record<string, unknown> | null;
  if (data !== null && (typeof data !== "object" || Array.isArray(data)))
    throw new HelmTemplateError(
      `YAML parse error on ${path}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(data) ? "array" : typeof data === "string" ? "string" : "number"} into Go value of type releaseutil.SimpleHead`,
    );
  const metadata = (data?.metadata ?? {}) as Record<string, unknown>;
  const annotations = metadata.annotations;
  return {
    apiVersion: String(data?.apiVersion ?? ""),
    kind: String(data?.kind ?? ""),
    name: String(metadata.name ?? ""),
    annotations:
      annotations && typeof annotations === "object" && !Array.isArray(annotations)
        ? (annotations as Record<string, unknown>)
        : undefined,
  };
}

/** SortManifests: hooks apart, both sorted by kind (stable: path order, then order in the file). */
function sortManifests(files: Record<string, string>): {
  manifests: ReleaseManifest[];
  hooks: ReleaseManifest[];
} {
  const manifests: ReleaseManifest[] = [];
  const hooks: ReleaseManifest[] = [];
  for (const path of Object.keys(files).sort()) {
    const content = files[path]!;
    if (path.split("/").pop()!.startsWith("_") || content.trim() === "") continue;
    for (const doc of splitManifests(content)) {
      const head = readHead(doc, path);
      const m: ReleaseManifest = {
        path,
        content: doc,
        apiVersion: head.apiVersion,
        kind: head.kind,
        name: head.name,
      };
      const hookTypes = head.annotations?.["helm.sh/hook"];
      if (hookTypes === undefined || Object.keys(head.annotations ?? {}).length === 0) {
        manifests.push(m);
        continue;
      }
      const events = String(hookTypes)
        .split(",")
        .map((h) => h.trim().toLowerCase());
      if (!events.every((e) => HOOK_EVENTS.has(e))) continue; // unknown hooks are skipped
      hooks.push({ ...m, hook: events });
    }
  }
  const byKind = (a: ReleaseManifest, b: ReleaseManifest) => compareKinds(a.kind, b.kind);
  return { manifests: manifests.sort(byKind), hooks: hooks.sort(byKind) };
}

const isTestHook = (m: ReleaseManifest) => m.hook?.some((e) => e === "test" || e === "test-success") ?? false;

/**
 * `helm template NAME CHART` with `values` (the user's, uncoalesced). Changes `chart` (dependencies are
 * processed in place, as Helm does): load it afresh for each render.
 */
export function helmTemplate(chart: Chart, values: Values, options: HelmTemplateOptions): HelmTemplateResult {
  if (chart.metadata.type && chart.metadata.type !== "application")
    throw new HelmTemplateError(`${chart.metadata.type} charts are not installable`);
  processDependencies(chart, values);
  const kube = options.capabilities.kubeVersion;
  if (chart.metadata.kubeVersion && !isCompatibleRange(chart.metadata.kubeVersion, kube))
    throw new KubeVersionError(
      `chart requires kubeVersion: ${chart.metadata.kubeVersion} which is incompatible with Kubernetes ${kube}`,
    );
  const coalesced = coalesceValues(chart, values);
  const schemaNotChecked: SchemaSkip[] = [];
  if (!options.skipSchemaValidation) {
    const problems = validateValuesSchemas(chart, coalesced, schemaNotChecked);
    if (problems)
      throw new HelmTemplateError(
        `values don't meet the specifications of the schema(s) in the following chart(s):\n${problems}`,
      );
  }
  const top = renderValues(
    coalesced,
    { name: options.releaseName, namespace: options.namespace, isUpgrade: options.isUpgrade ?? false },
    options.capabilities,
    options.engine?.onCapabilityMiss,
  );
  const files = renderChart(chart, top, options.engine);
  let notes = "";
  const rootNotes = `${chart.metadata.name}/templates/NOTES.txt`;
  for (const key of Object.keys(files)) {
    if (!key.endsWith("NOTES.txt")) continue;
    if (key === rootNotes) notes = files[key]!;
    delete files[key];
  }
  let sorted: ReturnType<typeof sortManifests>;
  try {
    sorted = sortManifests(files);
  } catch (error) {
    if (!(error instanceof HelmTemplateError)) throw error;
    let blob = "";
    for (const [name, content] of Object.entries(files))
      if (content.trim() !== "") blob += `---\n# Source: ${name}\n${content}\n`;
    throw new HelmTemplateError(error.message, blob);
  }
  const crds: ReleaseManifest[] = [];
  let releaseManifest = "";
  if (options.includeCrds)
    for (const crd of crdFiles(chart)) {
      releaseManifest += `---\n# Source: ${crd.path}\n${crd.data}\n`;
      crds.push(
        ...splitManifests(crd.data).map((doc) => ({
          ...headOf(doc, crd.path),
          path: crd.path,
          content: doc,
        })),
      );
    }
  for (const m of sorted.manifests)
    releaseManifest +=
      options.hideSecrets && m.kind === "Secret" && m.apiVersion === "v1"
        ? `---\n# Source: ${m.path}\n# HIDDEN: The Secret output has been suppressed\n`
        : `---\n# Source: ${m.path}\n${m.content}\n`;
  let output = `${releaseManifest.trim()}\n`;
  const hooks = sorted.hooks.filter((h) => !(options.skipTests && isTestHook(h)));
  for (const h of hooks) output += `---\n# Source: ${h.path}\n${h.content}\n`;
  const manifests = [...crds, ...sorted.manifests, ...hooks];
  const base = { release: releaseManifest, hooks: sorted.hooks, notes, schemaNotChecked };
  if (options.showOnly?.length) return { ...showOnly(output, options.showOnly, manifests), ...base };
  return { output, manifests, ...base };
}

function headOf(doc: string, path: string): Omit<ReleaseManifest, "path" | "content"> {
  try {
    const h = readHead(doc, path);
    return { apiVersion: h.apiVersion, kind: h.kind, name: h.name };
  } catch {
    return { apiVersion: "", kind: "", name: "" };
  }
}

/** The chart's CRDs (`crds/*.yaml|yml|json`, subcharts' too), with their paths in the output. */
export function crdFiles(chart: Chart): Array<{ path: string; data: string }> {
  const out: Array<{ path: string; data: string }> = [];
  for (const f of chart.files)
    if (f.name.startsWith("crds/") && /\.(ya?ml|json)$/.test(f.name))
      out.push({ path: `${chartFullPath(chart)}/${f.name}`, data: f.data });
  for (const d of chart.dependencies) out.push(...crdFiles(d));
  return out;
}

/** `--show-only`: the documents whose template path (after the chart's own name) matches, in order. */
function showOnly(
  output: string,
  patterns: readonly string[],
  manifests: ReleaseManifest[],
): { output: string; manifests: ReleaseManifest[] } {
  const docs = splitManifests(output);
  let out = "";
  const kept: ReleaseManifest[] = [];
  for (const f of patterns) {
    const match = picomatch(f, { dot: true, nobrace: true, noextglob: true, noglobstar: true });
    let missing = true;
    for (const doc of docs) {
      const m = /# Source: [^/]+\/(.+)/.exec(doc);
      if (!m || !match(m[1]!)) continue;
      out += `---\n${doc}\n`;
      const path = `${/# Source: ([^\n]+)/.exec(doc)![1]}`;
      kept.push(...manifests.filter((x) => x.path === path && doc.includes(x.content)));
      missing = false;
    }
    if (missing) throw new HelmTemplateError(`could not find template ${f} in chart`);
  }
  return { output: out, manifests: kept };
}

export { ChartLoadError, RenderError };
