/**
 * The clusters a repository drives, each with the Kustomization Flux syncs first and the sources that
 * mean "this repository". Rules, as people declare them:
 *   1. explicit: `clusters: [{name, path}]` of the configuration, or `--cluster-path` (one cluster each);
 *   2. `flux-instance`: every FluxInstance (also inside a ResourceSet), and every flux-operator
 *      `flux-instance` HelmRelease with its values resolved (`valuesFrom` ConfigMaps/Secrets, also those a
 *      configMapGenerator makes, `valuesKey`/`targetPath`, then inline `values`);
 *   3. `gotk-sync`: a `flux bootstrap` Kustomization flux-system in a `gotk-sync.yaml`;
 *   4. `bootstrap-layout`: a `<dir>/flux-system/` folder holding `gotk-*.yaml` (the cluster path is `<dir>`);
 *   5. `roots`, the last resort: the Flux Kustomizations no other build reads, outside folders Flux never
 *      reads (`.sourceignore`, archive folders), as one cluster — always said plainly.
 * Rules 2–4 each add the clusters they find (one per entrypoint path).
 *
 * A source is this repository only when it can be shown: the entrypoint's own source; a GitRepository
 * whose URL and ref match the cluster's sync (or the adapter's repository); an OCIRepository that a
 * workflow of this repository pushes (`flux push artifact … --path=DIR`); an ExternalArtifact whose
 * ArtifactGenerator copies folders of this repository without rearranging them. Everything else is not
 * analyzed, and said so.
 */
import { type Diagnostic, diagnostic } from "../diagnostics.ts";
import { buildFluxKustomization } from "../kustomize/flux-root.ts";
import { KUSTOMIZATION_FILE_NAMES } from "../kustomize/kustomization-file.ts";
import {
  getName,
  getNamespace,
  isJsonObject,
  type JsonObject,
  type JsonValue,
} from "../kustomize/resource.ts";
import type { EntrypointRule, SourceLocation, SourceRef } from "../model.ts";
import { basename, dirname, isWithin, joinPath, secureJoin } from "../snapshot/paths.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { readYamlDocuments } from "../yaml/read-documents.ts";
import { synthesizeKustomization } from "./entrypoint.ts";
import { normalizeGitUrl, type RawFluxObject } from "./raw-scan.ts";

/** Where a source's files are in this repository, or why it is not analyzed. */
export type SourceResolution = { root: string; assumed?: string } | { external: string };

export interface ClusterStart {
  name: string;
  rule: EntrypointRule;
  /** The Kustomization Flux syncs first (synthesized for rules 1, 2 and 4). */
  object: JsonObject;
  definedIn?: SourceLocation;
  /** The file that made the rule fire. */
  file?: string;
  /** Repository path the entrypoint builds (its spec.path under its source's root). */
  path: string;
  /** The FluxInstance spec (a flux-instance HelmRelease's `values.instance`), for the Flux version. */
  instanceSpec?: JsonObject;
  /** Resolves a sourceRef of this cluster to a folder of this repository, or says why it is not analyzed. */
  resolveSource: (ref: SourceRef) => SourceResolution;
  /** The GitRepository `spec.ignore` of the entry source, when the repository defines it. */
  ignore?: string;
  /** Sentence(s) about assumptions made to find this cluster (shown as a notice). */
  assumptions: string[];
  /** The path as the user gave it, and where (rules 1: `--cluster-path`, clusterPaths, clusters). */
  given?: GivenPath;
}

/** A cluster path the user named, for a message that names it as written and where it was written. */
export interface GivenPath {
  path: string;
  from: string;
}

export interface ClusterDetection {
  clusters: ClusterStart[];
  diagnostics: Diagnostic[];
}

export interface ClusterOptions {
  clusterPaths?: readonly string[] | undefined;
  clusters?: ReadonlyArray<{ name: string; path: string }> | undefined;
  repository?: { url?: string | undefined; branch?: string | undefined } | undefined;
  /** Repository files the Flux artifact leaves out (.sourceignore): never a roots entrypoint. */
  excluded?: ReadonlySet<string>;
  /** Only files under this folder declare clusters (a monorepo of several repositories' trees). */
  searchRoot?: string | undefined;
}

interface SyncSpec {
  kind: string;
  name: string;
  namespace: string;
  url?: string;
  ref?: string;
  path: string;
}

interface Candidate {
  rule: EntrypointRule;
  /** Path as written, relative to the source root. */
  syncPath: string;
  sync: SyncSpec;
  file?: string;
  line?: number;
  entryObject?: JsonObject;
  instanceSpec?: JsonObject;
  name?: string;
  ignore?: string;
  given?: GivenPath;
}

const ARCHIVE_DIR = /(^|\/)(\.?archive[sd]?|_archive|\.?old|deprecated)(\/|$)/i;

export function detectClusters(
  snapshot: RepoSnapshot,
  raw: readonly RawFluxObject[],
  options: ClusterOptions = {},
): ClusterDetection {
  const diagnostics: Diagnostic[] = [];
  const pushes = ociPushes(snapshot);
  const generators = artifactGenerators(raw);
  const candidates: Candidate[] = [];
  const explicit = options.clusters?.length
    ? options.clusters.map((c) => ({ name: c.name, path: c.path }))
    : (options.clusterPaths ?? []).map((p) => ({ name: "", path: p }));
  const rule: EntrypointRule = options.clusters?.length ? "config-cluster" : "cluster-path";
  const givenFrom = options.clusters?.length
    ? "clusters in the flux-impact configuration"
    : "--cluster-path / clusterPaths in the flux-impact configuration";
  const instances = fluxInstances(snapshot, raw);
  if (explicit.length > 0) {
    for (const c of explicit) {
      const path = secureJoin(c.path);
      const instance = instances.find((i) => secureJoin(i.sync.path) === path);
      candidates.push({
        rule,
        syncPath: path,
        sync: {
          kind: "GitRepository",
          name: "flux-system",
          namespace: "flux-system",
          path,
          ...(options.repository?.url ? { url: options.repository.url } : {}),
          ...(options.repository?.branch ? { ref: options.repository.branch } : {}),
        },
        ...(c.name ? { name: c.name } : {}),
        given: { path: c.path, from: givenFrom },
        ...(instance?.instanceSpec ? { instanceSpec: instance.instanceSpec } : {}),
      });
    }
  } else {
    candidates.push(...instances);
    candidates.push(...gotkSync(raw));
    candidates.push(...bootstrapLayouts(snapshot, options.searchRoot ?? ""));
  }

  const clusters: ClusterStart[] = [];
  const usedNames = new Set<string>();
  const seenPaths = new Set<string>();
  for (const c of candidates) {
    const assumptions: string[] = [];
    const found = sourceRootOf(snapshot, c, pushes, generators, options, assumptions);
    // A cluster that syncs another repository (or an artifact built elsewhere) is still a cluster: its
    // entrypoint is listed as not analyzed, never silently left out.
    const elsewhere =
      found === undefined
        ? `${c.sync.kind} ${c.sync.url ?? `${c.sync.namespace}/${c.sync.name}`}${refDisplay(gitRefText(c.sync.ref))}, synced by ${c.file ?? "the configuration"}, is not this repository`
        : undefined;
    const entryRoot = found ?? "";
    const path = secureJoin(joinPath(entryRoot, c.syncPath));
    if (seenPaths.has(path)) continue;
    seenPaths.add(path);
    const name = uniqueName(c.name || clusterNameOf(path, c.file), usedNames);
    const object = c.entryObject
      ? c.entryObject
      : synthesizeKustomization("flux-system", c.sync.namespace, c.syncPath, {
          kind: c.sync.kind,
          name: c.sync.name,
        });
    const resolved = sourceResolver(raw, c.sync, entryRoot, pushes, generators, options);
    const resolveSource = elsewhere
      ? (ref: SourceRef): SourceResolution =>
          ref.kind === c.sync.kind && ref.name === c.sync.name && ref.namespace === c.sync.namespace
            ? { external: elsewhere }
            : resolved(ref)
      : resolved;
    const start: ClusterStart = { name, rule: c.rule, object, path, resolveSource, assumptions };
    if (c.file) start.file = c.file;
    if (c.file && c.line) start.definedIn = { file: c.file, line: c.line };
    if (c.instanceSpec) start.instanceSpec = c.instanceSpec;
    if (c.ignore !== undefined) start.ignore = c.ignore;
    if (c.given) start.given = c.given;
    clusters.push(start);
  }
  if (clusters.length > 0 || candidates.length > 0) return { clusters, diagnostics };
  return rootsCluster(snapshot, raw, options, pushes, generators, diagnostics);
}

// ---------------------------------------------------------------------------------------------------------
// Rule 2: FluxInstances

function fluxInstances(snapshot: RepoSnapshot, raw: readonly RawFluxObject[]): Candidate[] {
  const out: Candidate[] = [];
  const visit = (obj: JsonObject, file: string, line: number) => {
    const kind = obj.kind;
    let instance: JsonObject | undefined;
    let namespace = getNamespace(obj) || "flux-system";
    if (kind === "FluxInstance" && isFluxGroup(obj, "fluxcd.controlplane.io")) {
      instance = isJsonObject(obj.spec) ? obj.spec : undefined;
    } else if (
      kind === "HelmRelease" &&
      isFluxGroup(obj, "helm.toolkit.fluxcd.io") &&
      isFluxInstanceChart(obj)
    ) {
      const values = helmReleaseValues(snapshot, obj, file);
      instance = isJsonObject(values.instance) ? values.instance : undefined;
      const spec = isJsonObject(obj.spec) ? obj.spec : {};
      if (typeof spec.targetNamespace === "string" && spec.targetNamespace) namespace = spec.targetNamespace;
    } else if (kind === "ResourceSet" && isJsonObject(obj.spec) && Array.isArray(obj.spec.resources)) {
      for (const r of obj.spec.resources) if (isJsonObject(r)) visit(r, file, line);
      return;
    }
    const sync = instance && isJsonObject(instance.sync) ? instance.sync : undefined;
    if (!instance || !sync || typeof sync.path !== "string") return;
    // A template of an instance (a bootstrap script fills `${CLUSTER}` or `{{ .cluster }}` in) is not one.
    if (/\$\{|\{\{|\$\(/.test(`${sync.path}${typeof sync.url === "string" ? sync.url : ""}`)) return;
    const syncKind = typeof sync.kind === "string" && sync.kind ? sync.kind : "GitRepository";
    const name = typeof sync.name === "string" && sync.name ? sync.name : namespace;
    out.push({
      rule: "flux-instance",
      syncPath: secureJoin(sync.path),
      sync: {
        kind: syncKind,
        name,
        namespace,
        path: sync.path,
        ...(typeof sync.url === "string" ? { url: sync.url } : {}),
        ...(typeof sync.ref === "string" ? { ref: sync.ref } : {}),
      },
      file,
      line,
      instanceSpec: instance,
    });
  };
  for (const o of raw) {
    if (ARCHIVE_DIR.test(o.file)) continue;
    if (o.kind === "FluxInstance" || o.kind === "HelmRelease" || o.kind === "ResourceSet")
      visit(o.object, o.file, o.line);
  }
  return out;
}

function isFluxGroup(obj: JsonObject, group: string): boolean {
  return typeof obj.apiVersion === "string" && obj.apiVersion.startsWith(`${group}/`);
}

function isFluxInstanceChart(hr: JsonObject): boolean {
  if (getName(hr) === "flux-instance") return true;
  const spec = isJsonObject(hr.spec) ? hr.spec : {};
  const chart = isJsonObject(spec.chart) && isJsonObject(spec.chart.spec) ? spec.chart.spec : undefined;
  return chart?.chart === "flux-instance";
}

/**
 * A HelmRelease's values as helm-controller merges them: each `valuesFrom` in order (the ConfigMap or
 * Secret as the nearest kustomization around the file renders it), then `values` on top.
 */
function helmReleaseValues(snapshot: RepoSnapshot, hr: JsonObject, file: string): JsonObject {
  const spec = isJsonObject(hr.spec) ? hr.spec : {};
  let values: JsonObject = {};
  // Values files the chart is given (a chart from this repository's GitRepository): merged first.
  const chart = isJsonObject(spec.chart) && isJsonObject(spec.chart.spec) ? spec.chart.spec : {};
  const valuesFiles = [
    ...(typeof chart.valuesFile === "string" ? [chart.valuesFile] : []),
    ...(Array.isArray(chart.valuesFiles) ? chart.valuesFiles.filter((f) => typeof f === "string") : []),
  ];
  for (const f of valuesFiles) {
    const text = snapshot.readText(secureJoin(f));
    const parsed = text.ok ? readYamlDocuments(text.text, secureJoin(f)).documents[0]?.value : undefined;
    if (isJsonObject(parsed)) values = mergeValues(values, parsed);
  }
  const rendered =
    Array.isArray(spec.valuesFrom) && spec.valuesFrom.length > 0 ? renderedAround(snapshot, file) : [];
  for (const ref of Array.isArray(spec.valuesFrom) ? spec.valuesFrom : []) {
    if (!isJsonObject(ref)) continue;
    const kind = ref.kind;
    // A generated ConfigMap carries a name hash unless a name reference rewrote the HelmRelease too.
    const name = String(ref.name ?? "");
    const obj =
      rendered.find((o) => o.kind === kind && getName(o) === name) ??
      rendered.find(
        (o) => o.kind === kind && new RegExp(`^${escapeRegExp(name)}-[a-z0-9]{10}$`).test(getName(o)),
      );
    if (!obj) continue;
    const key = typeof ref.valuesKey === "string" && ref.valuesKey ? ref.valuesKey : "values.yaml";
    const text = dataValue(obj, key);
    if (text === undefined) continue;
    if (typeof ref.targetPath === "string" && ref.targetPath) {
      values = mergeValues(values, atPath(ref.targetPath, text));
      continue;
    }
    const parsed = readYamlDocuments(text, file).documents[0]?.value;
    if (isJsonObject(parsed)) values = mergeValues(values, parsed);
  }
  if (isJsonObject(spec.values)) values = mergeValues(values, spec.values);
  return values;
}

/** Objects the nearest kustomization around `file` renders (configMapGenerator output included). */
function renderedAround(snapshot: RepoSnapshot, file: string): JsonObject[] {
  let dir = dirname(file);
  for (let depth = 0; depth < 4; depth++) {
    const listing = snapshot.list(dir);
    if (listing.files.some((f) => /^(kustomization\.ya?ml|Kustomization)$/.test(f))) {
      const { resources } = buildFluxKustomization(snapshot, { dir });
      const objects = resources.map((r) => r.obj);
      if (objects.some((o) => o.kind === "ConfigMap" || o.kind === "Secret")) return objects;
    }
    if (dir === "") break;
    dir = dirname(dir);
  }
  return [];
}

function dataValue(obj: JsonObject, key: string): string | undefined {
  const data = isJsonObject(obj.data) ? obj.data : {};
  const stringData = isJsonObject(obj.stringData) ? obj.stringData : {};
  if (typeof stringData[key] === "string") return stringData[key];
  const v = data[key];
  if (typeof v !== "string") return undefined;
  if (obj.kind === "Secret") {
    try {
      return Buffer.from(v, "base64").toString("utf8");
    } catch {
      return undefined;
    }
  }
  return v;
}

/** `a.b.c` → {a: {b: {c: value}}} (Helm's targetPath, without list indexes). */
function atPath(path: string, value: string): JsonObject {
  const parts = path.split(".").filter(Boolean);
  let out: JsonValue = value;
  for (const p of parts.reverse()) out = { [p]: out };
  return isJsonObject(out) ? out : {};
}

function mergeValues(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isJsonObject(b) && isJsonObject(v) ? mergeValues(b, v) : v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Rules 3 and 4: flux bootstrap

function gotkSync(raw: readonly RawFluxObject[]): Candidate[] {
  return raw
    .filter(
      (o) => o.kind === "Kustomization" && basename(o.file) === "gotk-sync.yaml" && !ARCHIVE_DIR.test(o.file),
    )
    .filter((o) => getName(o.object) === "flux-system")
    .map((o) => {
      const spec = isJsonObject(o.object.spec) ? o.object.spec : {};
      const ref = isJsonObject(spec.sourceRef) ? spec.sourceRef : {};
      const namespace = getNamespace(o.object) || "flux-system";
      const repo = raw.find(
        (r) =>
          r.kind === "GitRepository" && r.file === o.file && getName(r.object) === String(ref.name ?? ""),
      );
      const repoSpec = repo && isJsonObject(repo.object.spec) ? repo.object.spec : {};
      const path = typeof spec.path === "string" ? spec.path : "";
      const object = getNamespace(o.object)
        ? o.object
        : { ...o.object, metadata: { ...(o.object.metadata as JsonObject), namespace } };
      const c: Candidate = {
        rule: "gotk-sync",
        syncPath: secureJoin(path),
        sync: {
          kind: String(ref.kind ?? "GitRepository"),
          name: String(ref.name ?? "flux-system"),
          namespace: String(ref.namespace ?? namespace),
          path,
          ...(typeof repoSpec.url === "string" ? { url: repoSpec.url } : {}),
          ...(gitRefText(repoSpec.ref) ? { ref: gitRefText(repoSpec.ref)! } : {}),
        },
        file: o.file,
        line: o.line,
        entryObject: object,
      };
      if (typeof repoSpec.ignore === "string") c.ignore = repoSpec.ignore;
      return c;
    });
}

/** `<dir>/flux-system/gotk-components.yaml` or `gotk-sync.yaml` (even placeholders): the cluster path is `<dir>`. */
function bootstrapLayouts(snapshot: RepoSnapshot, root: string): Candidate[] {
  const dirs = new Set<string>();
  for (const f of snapshot.files()) {
    if (!isWithin(f, root)) continue;
    const name = basename(f);
    if (name !== "gotk-components.yaml" && name !== "gotk-sync.yaml") continue;
    const d = dirname(f);
    if (basename(d) !== "flux-system" || ARCHIVE_DIR.test(d)) continue;
    dirs.add(dirname(d));
  }
  return [...dirs].sort().map((dir) => ({
    rule: "bootstrap-layout" as const,
    syncPath: dir,
    sync: { kind: "GitRepository", name: "flux-system", namespace: "flux-system", path: dir },
    file: `${joinPath(dir, "flux-system")}/${snapshot.isFile(joinPath(dir, "flux-system/gotk-sync.yaml")) ? "gotk-sync.yaml" : "gotk-components.yaml"}`,
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Rule 5: roots

function rootsCluster(
  snapshot: RepoSnapshot,
  raw: readonly RawFluxObject[],
  options: ClusterOptions,
  pushes: OciPush[],
  generators: GeneratorMap[],
  diagnostics: Diagnostic[],
): ClusterDetection {
  const excluded = options.excluded ?? new Set<string>();
  const candidates = raw.filter(
    (o) => o.kind === "Kustomization" && !excluded.has(o.file) && !ARCHIVE_DIR.test(o.file),
  );
  const skipped = raw.filter((o) => o.kind === "Kustomization" && !candidates.includes(o));
  if (candidates.length === 0) {
    diagnostics.push(
      diagnostic(
        "flux-entrypoint-not-found",
        `No Flux entrypoint found: no FluxInstance, no gotk-sync.yaml, no clusters/<name>/flux-system folder and no Flux Kustomization${skipped.length ? ` outside folders Flux never reads (${skipped.length} skipped)` : ""}. Name the folder Flux syncs first with clusterPaths in .github/flux-impact.yml or --cluster-path.`,
      ),
    );
    return { clusters: [], diagnostics };
  }
  const readBy = new Map<string, Set<number>>();
  candidates.forEach((c, i) => {
    const spec = isJsonObject(c.object.spec) ? c.object.spec : {};
    const dir = secureJoin(typeof spec.path === "string" ? spec.path : "");
    if (!snapshot.isDirectory(dir)) return;
    const { ctx } = buildFluxKustomization(snapshot, { dir });
    for (const f of ctx.reads) {
      const readers = readBy.get(f) ?? new Set<number>();
      readers.add(i);
      readBy.set(f, readers);
    }
  });
  // A Kustomization file left out of a folder another build reads through its kustomization file (an app
  // switched off by commenting out `- ./app/ks.yaml`) is a leftover Flux never applies, not a root.
  const leftOut = (file: string, i: number): boolean => {
    for (let dir = dirname(file); dir !== ""; dir = dirname(dir)) {
      for (const name of KUSTOMIZATION_FILE_NAMES) {
        const readers = readBy.get(joinPath(dir, name));
        if (readers && [...readers].some((j) => j !== i)) return true;
      }
    }
    return false;
  };
  const unread = candidates.filter((c, i) => [...(readBy.get(c.file) ?? [])].every((j) => j === i));
  const listed = unread.filter((c) => !leftOut(c.file, candidates.indexOf(c)));
  // Only when something is left: a repository of nothing but such files still gets a guess.
  const roots = listed.length > 0 ? listed : unread;
  // Roots under `clusters/<name>/` are that cluster's; the rest form one cluster "default" — except roots
  // of one name in different folders (kubernetes/cluster-0/… and kubernetes/nas-1/…, both
  // flux-system/cluster): those are different clusters, each named by the folder where their paths part.
  const clusterNames = new Map<RawFluxObject, string>();
  for (const o of roots) clusterNames.set(o, /(?:^|\/)clusters\/([^/]+)\//.exec(o.file)?.[1] ?? "default");
  const idOf = (o: RawFluxObject) =>
    `${clusterNames.get(o)}\u0000${getNamespace(o.object) || "flux-system"}/${getName(o.object)}`;
  const sameId = new Map<string, RawFluxObject[]>();
  for (const o of roots) sameId.set(idOf(o), [...(sameId.get(idOf(o)) ?? []), o]);
  for (const group of sameId.values()) {
    const dirs = group.map((o) => dirname(o.file).split("/"));
    const part = dirs[0]!.findIndex((segment, i) => dirs.some((d) => d[i] !== segment));
    if (part === -1) continue;
    for (const [i, o] of group.entries()) clusterNames.set(o, dirs[i]![part] ?? "default");
  }
  const clusterOf = (o: RawFluxObject) => clusterNames.get(o) ?? "default";
  const seen = new Set<string>();
  const entries = roots.filter((o) => {
    const key = idOf(o);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const first = entries[0]!;
  // A root is applied from outside the repository, so its own source is this repository: per cluster, the
  // sources its roots name (and the URL and ref their GitRepository declares) are "this repository".
  const resolvers = new Map<string, (ref: SourceRef) => SourceResolution>();
  const ignores = new Map<string, string>();
  // The GitRepository a root names; of several with that name (each cluster's folder defines its own), the
  // one nearest the root's file.
  const gitRepositoryOf = (ref: { kind: string; name: string; namespace: string }, near: string) => {
    const found = raw.filter(
      (r) =>
        r.kind === ref.kind &&
        r.kind === "GitRepository" &&
        getName(r.object) === ref.name &&
        (getNamespace(r.object) || ref.namespace) === ref.namespace,
    );
    const shared = (file: string) => {
      const a = file.split("/");
      const b = near.split("/");
      let n = 0;
      while (n < a.length && n < b.length && a[n] === b[n]) n++;
      return n;
    };
    return found.reduce<RawFluxObject | undefined>(
      (best, r) => (best === undefined || shared(r.file) > shared(best.file) ? r : best),
      undefined,
    );
  };
  const urlOf = (repo: RawFluxObject | undefined) => {
    const url = repo && isJsonObject(repo.object.spec) ? repo.object.spec.url : undefined;
    return typeof url === "string" && url !== "" ? normalizeGitUrl(url) : undefined;
  };
  for (const name of new Set(entries.map(clusterOf))) {
    const roots = entries.filter((o) => clusterOf(o) === name);
    const allRefs = roots.map((o) => {
      const spec = isJsonObject(o.object.spec) ? o.object.spec : {};
      const ref = isJsonObject(spec.sourceRef) ? spec.sourceRef : {};
      const namespace = getNamespace(o.object) || "flux-system";
      return {
        kind: String(ref.kind ?? "GitRepository"),
        name: String(ref.name ?? "flux-system"),
        namespace: String(ref.namespace ?? namespace),
      };
    });
    // A root whose GitRepository declares another repository's URL is not this repository (an upstream
    // project's manifests, say): its source is resolved as any other, so that repository's path and
    // ignore rules are never read from this one. This repository's URL is git's origin when a root names
    // it (a fork or mirror names the upstream's); else that of a root whose path is a folder here (one
    // whose GitRepository is named flux-system first); else the first root's.
    const repos = allRefs.map((r, i) => gitRepositoryOf(r, roots[i]!.file));
    const rootUrls = repos.map(urlOf);
    const pathHere = roots.map((o) => {
      const spec = isJsonObject(o.object.spec) ? o.object.spec : {};
      return snapshot.isDirectory(secureJoin(typeof spec.path === "string" ? spec.path : ""));
    });
    const origin = options.repository?.url ? normalizeGitUrl(options.repository.url) : undefined;
    const firstUrl = (test: (i: number) => boolean) =>
      rootUrls.find((url, i) => url !== undefined && test(i));
    const selfUrl =
      (origin !== undefined && rootUrls.includes(origin) ? origin : undefined) ??
      firstUrl((i) => pathHere[i]! && allRefs[i]!.name === "flux-system") ??
      firstUrl((i) => pathHere[i]!) ??
      firstUrl((i) => allRefs[i]!.name === "flux-system") ??
      firstUrl(() => true);
    const self = allRefs.map((_, i) => rootUrls[i] === undefined || rootUrls[i] === selfUrl);
    const selfRefs = allRefs.filter((_, i) => self[i]);
    const ownIndex = Math.max(self.indexOf(true), 0);
    const own = allRefs[ownIndex]!;
    const repo = repos[ownIndex];
    const repoSpec = repo && isJsonObject(repo.object.spec) ? repo.object.spec : {};
    const url = typeof repoSpec.url === "string" ? repoSpec.url : options.repository?.url;
    const ref =
      gitRefText(repoSpec.ref) ??
      (options.repository?.branch ? `branch:${options.repository.branch}` : undefined);
    const sync: SyncSpec = { ...own, path: "", ...(url ? { url } : {}), ...(ref ? { ref } : {}) };
    const resolve = sourceResolver(raw, sync, "", pushes, generators, options);
    if (typeof repoSpec.ignore === "string") ignores.set(name, repoSpec.ignore);
    resolvers.set(name, (r) =>
      selfRefs.some((x) => x.kind === r.kind && x.name === r.name && x.namespace === r.namespace)
        ? { root: "" }
        : resolve(r),
    );
  }
  diagnostics.push(
    diagnostic(
      "flux-entrypoint-fallback",
      `No FluxInstance, gotk-sync.yaml or clusters/<name>/flux-system folder found, so the analysis starts from the ${entries.length} Flux Kustomization${entries.length === 1 ? "" : "s"} nothing else references (${entries
        .slice(0, 3)
        .map((e) => e.file)
        .join(
          ", ",
        )}${entries.length > 3 ? ", …" : ""}); this is a guess. Name the folder Flux syncs first with clusterPaths in .github/flux-impact.yml (or --cluster-path).`,
      { file: first.file, line: first.line },
    ),
  );
  const clusters: ClusterStart[] = entries.map((o) => {
    const object = getNamespace(o.object)
      ? o.object
      : { ...o.object, metadata: { ...(o.object.metadata as JsonObject), namespace: "flux-system" } };
    return {
      name: clusterOf(o),
      rule: "roots" as const,
      object,
      definedIn: { file: o.file, line: o.line },
      file: o.file,
      path: secureJoin(String((isJsonObject(o.object.spec) ? o.object.spec.path : "") ?? "")),
      resolveSource: resolvers.get(clusterOf(o))!,
      assumptions: [],
      ...(ignores.has(clusterOf(o)) ? { ignore: ignores.get(clusterOf(o))! } : {}),
    };
  });
  return { clusters, diagnostics };
}

// ---------------------------------------------------------------------------------------------------------
// Sources: what is this repository

interface OciPush {
  /** Matches the artifact URL without `oci://` and tag. */
  url: RegExp;
  path: string;
  file: string;
}

/** `flux push artifact URL:TAG --path=DIR` in this repository's workflows (env variables expanded). */
function ociPushes(snapshot: RepoSnapshot): OciPush[] {
  const out: OciPush[] = [];
  for (const file of snapshot.files()) {
    if (!/^\.github\/workflows\/[^/]+\.ya?ml$/.test(file) && !/(^|\/)Taskfile[^/]*\.ya?ml$/.test(file))
      continue;
    const t = snapshot.readText(file);
    if (!t.ok || !t.text.includes("push artifact")) continue;
    const env = new Map<string, string>();
    for (const m of t.text.matchAll(/^\s*([A-Z_][A-Z0-9_]*):\s*["']?([^"'\n#]+?)["']?\s*$/gm))
      env.set(m[1]!, m[2]!);
    const text = t.text.replace(/\\\r?\n/g, " ");
    for (const m of text.matchAll(/flux\s+push\s+artifact\s+(\S+)([^\n]*)/g)) {
      const path = /--path[=\s]+["']?([^"'\s]+)/.exec(m[2]!)?.[1];
      if (!path) continue;
      let url = m[1]!.replace(/^["']|["']$/g, "");
      url = url.replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (whole, v: string) => env.get(v) ?? whole);
      url = url.replace(/^oci:\/\//, "").replace(/:[^/:]*$/, "");
      const pattern = url
        .split(/(\$\{\{[^}]*\}\}|\$\([^)]*\)|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)/)
        .map((part, i) => (i % 2 === 1 ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("");
      out.push({ url: new RegExp(`^${pattern}$`, "i"), path: secureJoin(path), file });
    }
  }
  return out;
}

interface GeneratorMap {
  namespace: string;
  artifact: string;
  /** The repository folder the artifact's root is, when every copy rule keeps the layout. */
  root?: string;
  alias: string;
  source: { kind: string; name: string; namespace: string };
  why: string;
}

function artifactGenerators(raw: readonly RawFluxObject[]): GeneratorMap[] {
  const out: GeneratorMap[] = [];
  for (const o of raw) {
    if (o.kind !== "ArtifactGenerator" || !isJsonObject(o.object.spec)) continue;
    const namespace = getNamespace(o.object) || "flux-system";
    const sources = Array.isArray(o.object.spec.sources) ? o.object.spec.sources.filter(isJsonObject) : [];
    for (const a of Array.isArray(o.object.spec.artifacts)
      ? o.object.spec.artifacts.filter(isJsonObject)
      : []) {
      const roots = new Set<string>();
      let alias = "";
      let ok = true;
      for (const c of Array.isArray(a.copy) ? a.copy.filter(isJsonObject) : []) {
        // "@src/dir/**" and "@src/dir/" copy the folder's contents; the target keeps or drops a prefix.
        const from = /^@([^/]+)\/(.*?)\/?(\*\*)?$/.exec(String(c.from ?? ""));
        const to = /^@artifact\/(.*?)\/?$/.exec(String(c.to ?? ""));
        if (!from || !to || (alias && alias !== from[1]) || c.exclude) {
          ok = false;
          break;
        }
        alias = from[1]!;
        const src = secureJoin(from[2]!);
        const dst = secureJoin(to[1]!);
        if (dst && !(src === dst || src.endsWith(`/${dst}`))) {
          ok = false;
          break;
        }
        roots.add(dst ? src.slice(0, src.length - dst.length).replace(/\/$/, "") : src);
      }
      const source = sources.find((s) => s.alias === alias);
      const g: GeneratorMap = {
        namespace,
        artifact: String(a.name ?? ""),
        alias,
        source: {
          kind: String(source?.kind ?? "GitRepository"),
          name: String(source?.name ?? ""),
          namespace: String(source?.namespace ?? namespace),
        },
        why: `ArtifactGenerator ${namespace}/${getName(o.object)} (${o.file})`,
      };
      if (ok && roots.size === 1 && source) g.root = [...roots][0]!;
      out.push(g);
    }
  }
  return out;
}

/** Canonical text of a Git ref: "branch:main", "tag:v1", "semver:…", "commit:…", "name:refs/…". */
function gitRefText(ref: unknown): string | undefined {
  if (typeof ref === "string" && ref) {
    if (/^(branch|tag|semver|commit|name):/.test(ref)) return ref;
    const m = /^refs\/heads\/(.+)$/.exec(ref);
    if (m) return `branch:${m[1]}`;
    const t = /^refs\/tags\/(.+)$/.exec(ref);
    if (t) return `tag:${t[1]}`;
    return ref.startsWith("refs/") ? `name:${ref}` : `branch:${ref}`;
  }
  if (!isJsonObject(ref)) return undefined;
  if (typeof ref.name === "string") return gitRefText(ref.name);
  if (typeof ref.commit === "string") return `commit:${ref.commit}`;
  if (typeof ref.semver === "string") return `semver:${ref.semver}`;
  if (typeof ref.tag === "string") return `tag:${ref.tag}`;
  if (typeof ref.branch === "string") return `branch:${ref.branch}`;
  return undefined;
}

function refDisplay(ref: string | undefined): string {
  if (!ref) return "";
  const i = ref.indexOf(":");
  return ` ${ref.slice(0, i)} ${ref.slice(i + 1)}`;
}

/** The folder of this repository the cluster's own source is, or undefined when it is another repository. */
function sourceRootOf(
  snapshot: RepoSnapshot,
  c: Candidate,
  pushes: OciPush[],
  generators: GeneratorMap[],
  options: ClusterOptions,
  assumptions: string[],
): string | undefined {
  const repoUrl = options.repository?.url;
  if (c.sync.kind === "GitRepository") {
    // The cluster is declared in this repository: a different URL is a rename, a fork or a mirror far
    // more often than another repository, so it is analyzed and the difference said.
    if (c.sync.url && repoUrl && normalizeGitUrl(c.sync.url) !== normalizeGitUrl(repoUrl))
      assumptions.push(
        `${c.file ?? "The cluster"} syncs ${c.sync.url}, while the repository analyzed is ${repoUrl}; it is analyzed as this repository (a rename, fork or mirror).`,
      );
    return "";
  }
  if (c.sync.kind === "OCIRepository") {
    const url = (c.sync.url ?? "").replace(/^oci:\/\//, "");
    const push = pushes.find((p) => p.url.test(url));
    if (push) return push.path;
    // No workflow found: the artifact is the folder whose subfolder sync.path holds the instance's own file.
    if (c.file) {
      for (let dir = dirname(c.file); ; dir = dirname(dir)) {
        const candidate = joinPath(dir, c.syncPath);
        if (dir !== "" && snapshot.isDirectory(candidate) && isWithin(c.file, dir)) {
          assumptions.push(
            `${c.file} syncs OCIRepository ${c.sync.url ?? c.sync.name}; no workflow of this repository was found that pushes it, so the artifact is assumed to be the folder ${dir}.`,
          );
          return dir;
        }
        if (dir === "") break;
      }
    }
    return undefined;
  }
  if (c.sync.kind === "ExternalArtifact") {
    const g = generators.find((x) => x.artifact === c.sync.name && x.root !== undefined);
    return g?.root;
  }
  return undefined;
}

function sourceResolver(
  raw: readonly RawFluxObject[],
  sync: SyncSpec,
  entryRoot: string,
  pushes: OciPush[],
  generators: GeneratorMap[],
  options: ClusterOptions,
): (ref: SourceRef) => SourceResolution {
  const selfUrls = new Set(
    [sync.url, options.repository?.url]
      .filter((u): u is string => typeof u === "string")
      .map(normalizeGitUrl),
  );
  const selfRef =
    gitRefText(sync.ref) ?? (options.repository?.branch ? `branch:${options.repository.branch}` : undefined);
  const cache = new Map<string, SourceResolution>();
  const defined = (kind: string, ref: SourceRef) =>
    raw.filter(
      (o) =>
        o.kind === kind &&
        getName(o.object) === ref.name &&
        (getNamespace(o.object) || ref.namespace) === ref.namespace,
    );
  const resolve = (ref: SourceRef, depth: number): SourceResolution => {
    const label = `${ref.kind} ${ref.namespace}/${ref.name}`;
    if (ref.kind === sync.kind && ref.name === sync.name && ref.namespace === sync.namespace)
      return { root: entryRoot };
    if (ref.kind === "GitRepository") {
      let objs = defined("GitRepository", ref);
      // Written in another namespace: a parent's targetNamespace moves a GitRepository and the Kustomization
      // beside it alike (carpenike/k8s-gitops: gateway-api-crd, written without one, lands in kube-system
      // with its Kustomization), so a GitRepository of that name is the one meant.
      if (objs.length === 0)
        objs = raw.filter((o) => o.kind === "GitRepository" && getName(o.object) === ref.name);
      // Not defined anywhere in the repository (made by a bootstrap script, or a typo Flux reports as
      // "not found"): read from this repository, and the assumption said.
      if (objs.length === 0)
        return {
          root: "",
          assumed: `${label} is not defined in the repository; its files are read from this repository`,
        };
      const spec = isJsonObject(objs[0]!.object.spec) ? objs[0]!.object.spec : {};
      const url = typeof spec.url === "string" ? spec.url : undefined;
      const gitRef = gitRefText(spec.ref) ?? "branch:master";
      const where = `${url ?? "no URL"}${refDisplay(gitRef)}`;
      if (!url || selfUrls.size === 0)
        return { external: `${label} (${where}): cannot tell whether it is this repository` };
      if (!selfUrls.has(normalizeGitUrl(url)))
        return { external: `${label} (${where}) is another repository` };
      if (selfRef && gitRef !== selfRef)
        return { external: `${label} (${where}) is another ref of this repository` };
      return { root: "" };
    }
    if (ref.kind === "OCIRepository") {
      const objs = defined("OCIRepository", ref);
      const spec = objs[0] && isJsonObject(objs[0].object.spec) ? objs[0].object.spec : {};
      const url = typeof spec.url === "string" ? spec.url.replace(/^oci:\/\//, "") : undefined;
      const push = url ? pushes.find((p) => p.url.test(url)) : undefined;
      if (push) return { root: push.path };
      return {
        external: `${label}${url ? ` (oci://${url})` : ""} is an OCI artifact no workflow of this repository pushes`,
      };
    }
    if (ref.kind === "ExternalArtifact") {
      const g = generators.find((x) => x.artifact === ref.name && x.namespace === ref.namespace);
      if (!g) return { external: `${label} is produced outside the repository` };
      if (g.root === undefined || depth > 2)
        return {
          external: `${label} is assembled by ${g.why} with a layout that differs from the repository's`,
        };
      const inner = resolve(g.source, depth + 1);
      if ("external" in inner) return { external: `${label} copies from ${inner.external}` };
      return { root: secureJoin(joinPath(inner.root, g.root)) };
    }
    return { external: `${label} is not a source this tool reads` };
  };
  return (ref) => {
    const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
    let r = cache.get(key);
    if (!r) {
      r = resolve(ref, 0);
      cache.set(key, r);
    }
    return r;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Names

/** `clusters/<name>` in the path or the declaring file, else the path's last folder. */
export function clusterNameOf(path: string, file?: string): string {
  for (const p of [path, file ?? ""]) {
    const m = /(?:^|\/)clusters\/([^/]+)/.exec(p);
    if (m && !m[1]!.endsWith(".yaml") && !m[1]!.endsWith(".yml")) return m[1]!;
  }
  return basename(path) || "default";
}

function uniqueName(name: string, used: Set<string>): string {
  let n = name;
  for (let i = 2; used.has(n); i++) n = `${name}-${i}`;
  used.add(n);
  return n;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
