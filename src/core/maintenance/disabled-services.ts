/**
 * Services switched off by renaming their Flux manifest to a `.dis` name (`ks.dis`, `ks.yaml.dis`, any
 * `*.dis` holding Flux Kustomizations or HelmReleases), with what they would deploy if switched back on —
 * the Kustomizations in the file rendered as Flux would (their HelmReleases with chart and version, the
 * namespaces of their objects) — what still waits on them through `dependsOn`, and the exact paths of the
 * two ways out: delete the folder, or rename the file back and list it again.
 */
import type { AnalyzedRepository } from "../analyze.ts";
import { type DisabledManifest, disabledManifests } from "../flux/disabled-manifests.ts";
import { discover } from "../flux/discover.ts";
import { displayRef, refKey } from "../flux/object-ref.ts";
import { chartRefChange } from "../impact/helm-chart-source.ts";
import { getName, getNamespace, isJsonObject, type JsonObject } from "../kustomize/resource.ts";
import { secureJoin } from "../snapshot/paths.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { readYamlDocuments } from "../yaml/read-documents.ts";

export interface DisabledService {
  /** The `.dis` file. */
  file: string;
  /** Its folder: what "delete the service" removes. */
  dir: string;
  /** The name to rename it back to (`ks.yaml` for `ks.dis` / `ks.yaml.dis`). */
  enabledFile: string;
  /** The kustomization.yaml above the folder that lists (or should list again) the enabled file. */
  parentKustomization?: string;
  /** The entry that parent lists for the enabled file, when it still does (the build then fails). */
  listedAs?: string;
  kustomizations: Array<{ key: string; path: string }>;
  helmReleases: Array<{ key: string; chart: string; version?: string }>;
  namespaces: string[];
  /** "Kustomization ns/name" / "HelmRelease ns/name" of the active tree that dependsOn this service. */
  dependents: string[];
}

const KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

export function findDisabledServices(snapshot: RepoSnapshot, model: AnalyzedRepository): DisabledService[] {
  const out = disabledManifests(snapshot).map((m) => describe(snapshot, model, m));
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function describe(
  snapshot: RepoSnapshot,
  model: AnalyzedRepository,
  { file, objects }: DisabledManifest,
): DisabledService {
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : "";
  const base = file.slice(dir ? dir.length + 1 : 0).replace(/\.dis$/, "");
  const enabledName = /\.ya?ml$/.test(base) ? base : `${base}.yaml`;
  const enabledFile = dir ? `${dir}/${enabledName}` : enabledName;
  const parent = parentKustomization(snapshot, dir);
  const fallbackNamespace = parent?.namespace ?? "flux-system";

  const starts = objects
    .filter((o) => o.kind === "Kustomization")
    .map((o) => {
      const meta = isJsonObject(o.value.metadata) ? o.value.metadata : {};
      const namespace = getNamespace(o.value) || fallbackNamespace;
      return { object: { ...o.value, metadata: { ...meta, namespace } }, definedIn: { file, line: o.line } };
    });
  // Rendered leniently (no strict substitution: the cluster's variables may not apply to a service that is off).
  const found = starts.length
    ? discover(snapshot, starts, {
        resolveSource: () => ({ root: "" }),
        strictSubstitution: false,
        maxPasses: 2,
      })
    : undefined;
  const kustomizations = (found?.kustomizations ?? []).map((k) => ({
    key: k.key,
    path: secureJoin(k.spec.path),
  }));
  const view = found ?? { sources: [], kustomizations: [] };
  const helmReleases = dedupe([
    ...(found?.helmReleases ?? []).map((h) => {
      if (h.chart)
        return { key: h.key, chart: h.chart.name, ...(h.chart.version ? { version: h.chart.version } : {}) };
      // chartRef: the source as the diff shows it ("OCIRepository ns/name 1.2.3").
      const text = h.chartRef ? chartRefChange(undefined, { model: view, ref: h.chartRef })?.to : undefined;
      return { key: h.key, chart: text ?? "(no chart)" };
    }),
    ...objects
      .filter((o) => o.kind === "HelmRelease")
      .map((o) => {
        const chart = chartOf(o.value);
        return {
          key: refKey(getNamespace(o.value) || fallbackNamespace, getName(o.value)),
          chart: chart?.name ?? "(chartRef)",
          ...(chart?.version ? { version: chart.version } : {}),
        };
      }),
  ]);
  const namespaces = new Set<string>();
  for (const k of found?.kustomizations ?? []) {
    for (const o of k.build?.objects ?? []) {
      const ns = getNamespace(o.object);
      if (ns) namespaces.add(ns);
      if (o.object.kind === "Namespace") namespaces.add(getName(o.object));
    }
  }
  const ksKeys = new Set(kustomizations.map((k) => k.key));
  const hrKeys = new Set(helmReleases.map((h) => h.key));
  const dependents = [
    ...model.graphs.kustomizations.missing
      .filter((m) => ksKeys.has(m.to))
      .map((m) => displayRef("Kustomization", ...split(m.from))),
    ...model.graphs.helmReleases.missing
      .filter((m) => hrKeys.has(m.to))
      .map((m) => displayRef("HelmRelease", ...split(m.from))),
  ];
  const listedAs = parent?.lists(enabledFile);
  return {
    file,
    dir,
    enabledFile,
    ...(parent ? { parentKustomization: parent.file } : {}),
    ...(listedAs !== undefined ? { listedAs } : {}),
    kustomizations,
    helmReleases,
    namespaces: [...namespaces].sort(),
    dependents: [...new Set(dependents)].sort(),
  };
}

function split(key: string): [string, string] {
  const slash = key.indexOf("/");
  return [key.slice(0, slash), key.slice(slash + 1)];
}

function chartOf(hr: JsonObject): { name: string; version?: string } | undefined {
  const spec = isJsonObject(hr.spec) ? hr.spec : {};
  const chart = isJsonObject(spec.chart) && isJsonObject(spec.chart.spec) ? spec.chart.spec : undefined;
  if (!chart || typeof chart.chart !== "string") return undefined;
  return { name: chart.chart, ...(typeof chart.version === "string" ? { version: chart.version } : {}) };
}

function dedupe<T extends { key: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    if (seen.has(i.key)) return false;
    seen.add(i.key);
    return true;
  });
}

/** The nearest kustomization.yaml above the service's folder: its namespace and what it lists. */
function parentKustomization(
  snapshot: RepoSnapshot,
  dir: string,
): { file: string; namespace?: string; lists(path: string): string | undefined } | undefined {
  for (let d = dir; d.includes("/"); ) {
    d = d.slice(0, d.lastIndexOf("/"));
    for (const name of KUSTOMIZATION_FILES) {
      const file = `${d}/${name}`;
      const text = snapshot.readText(file);
      if (!text.ok) continue;
      const doc = readYamlDocuments(text.text, file).documents[0]?.value;
      const k = isJsonObject(doc) ? doc : {};
      const resources = Array.isArray(k.resources)
        ? k.resources.filter((r): r is string => typeof r === "string")
        : [];
      return {
        file,
        ...(typeof k.namespace === "string" ? { namespace: k.namespace } : {}),
        lists: (path) => resources.find((r) => secureJoin(`${d}/${r}`) === path),
      };
    }
  }
  return undefined;
}
