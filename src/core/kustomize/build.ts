/**
 * kustomize's build of one kustomization root (api/internal/target/kusttarget.go), over a snapshot.
 *
 * Per level, in kustomize's order: resources (files, then directories built recursively), transformer
 * configurations, generators, components (applied to what has accumulated), then the builtin
 * transformers. At the end of the top-level build: hash suffixes, name-reference fixing, and dropping
 * local-config objects. Problems become diagnostics; the build continues with what it could load, and
 * `ctx.failed` tells whether kustomize (and so Flux) would have failed.
 *
 * Not done here: Flux's generated kustomization and spec overrides (flux-root.ts), post-build
 * substitution (flux/post-build.ts).
 */
import { looksRemote, relativePath, resolvePath } from "../snapshot/paths.ts";
import type { YamlPath } from "../yaml/locate.ts";
import { type BuildContext, type Level, levelLocation, parseFileCached, readRelative } from "./context.ts";
import { absorbGenerated } from "./generators/absorb.ts";
import { runGenerators } from "./generators/generate.ts";
import { applyHashSuffixes } from "./generators/hash.ts";
import type { KustomizationFile } from "./kustomization-file.ts";
import { kustomizationFilesIn, loadKustomization } from "./kustomization-loader.ts";
import { loadResourceFile } from "./load-resources.ts";
import { fixNameReferences } from "./name-reference.ts";
import { applyPatches, applyPatchesJson6902, applyPatchesStrategicMerge } from "./patch/apply-patches.ts";
import { applyReplacements } from "./patch/replacements.ts";
import { normalizeAnnotations } from "./patch/smp-resource.ts";
import { ResMap } from "./resmap.ts";
import { getStringMap, isJsonObject, metadataOf, type Resource } from "./resource.ts";
import { legacySort } from "./sort.ts";
import { applyCommonAnnotations } from "./transforms/annotations.ts";
import { applyImages } from "./transforms/images.ts";
import { applyCommonLabels, applyLabels } from "./transforms/labels.ts";
import { applyNameAffixes } from "./transforms/name-affixes.ts";
import { applyNamespace } from "./transforms/namespace.ts";
import { checkGeneratorPlugins, runTransformerPlugins } from "./transforms/plugins.ts";
import { applyReplicas } from "./transforms/replicas.ts";
import {
  defaultTransformerConfig,
  mergeTransformerConfigs,
  parseTransformerConfig,
  type TransformerConfig,
} from "./transforms/transformer-config.ts";

const ORIGIN_ANNOTATION = "config.kubernetes.io/origin";
const LOCAL_CONFIG_ANNOTATION = "config.kubernetes.io/local-config";

interface Accumulator {
  resmap: ResMap;
  config: TransformerConfig;
}

export interface RootOptions {
  /** The kustomization file path, or undefined when the kustomization was generated. */
  file: string | undefined;
  /** Add config.kubernetes.io/origin annotations (buildMetadata: [originAnnotations]). */
  originAnnotations?: boolean;
}

/** Build the root kustomization `k` of directory `dir`. Returns the output resources in build order. */
export function buildRoot(
  ctx: BuildContext,
  dir: string,
  k: KustomizationFile,
  options: RootOptions,
): Resource[] {
  const level: Level = { ctx, dir, file: options.file, depth: 0 };
  const state: BuildState = { stack: [dir], rootDir: dir, origins: options.originAnnotations === true };
  const ra: Accumulator = { resmap: new ResMap(), config: pristineConfig() };
  accumulateTarget(state, level, k, ra);
  if (ctx.budgetExceeded) return ra.resmap.resources.slice(0, ctx.limits.maxResources);
  for (const e of applyHashSuffixes(ra.resmap))
    ctx.report("kustomize-generator-error", e, levelLocation(level));
  for (const e of fixNameReferences(ra.resmap, ra.config))
    ctx.report("kustomize-name-reference", e, levelLocation(level));
  // kustomize writes annotation values back as strings at the end of every build ("5", "true", "null").
  for (const r of ra.resmap.resources) {
    const problem = normalizeAnnotations(r.obj);
    if (problem)
      ctx.report("kustomize-invalid-resource", problem, { file: r.origin.file, line: r.origin.line });
  }
  let out = ra.resmap.resources.filter((r) => {
    const local = getStringMap(r.obj, "annotations")[LOCAL_CONFIG_ANNOTATION];
    return local === undefined || local === "false";
  });
  if (k.sortOptions?.order === "legacy") out = legacySort(out);
  if (out.length > ctx.limits.maxResources) {
    ctx.report(
      "kustomize-budget-exceeded",
      `Render budget exceeded (resources=${out.length}, limit=${ctx.limits.maxResources}); the output was cut.`,
      levelLocation(level),
    );
    out = out.slice(0, ctx.limits.maxResources);
  }
  return out;
}

interface BuildState {
  /** Directories being built, outermost first: a repeat is a cycle. */
  stack: string[];
  rootDir: string;
  origins: boolean;
}

function accumulateTarget(state: BuildState, level: Level, k: KustomizationFile, ra: Accumulator): void {
  accumulateResources(state, level, k.resources ?? [], ra);
  mergeConfig(level, ra, loadConfigurations(level, k.configurations ?? []), ["configurations"]);
  if (k.crds?.length) {
    for (const [i, crd] of k.crds.entries()) readRelative(level, crd, "crds file", ["crds", i]);
  }
  reportUnsupported(level, k);
  const generated = runGenerators(level, k);
  if (k.generators?.length) checkGeneratorPlugins(level, k.generators);
  if (state.origins) for (const r of generated) setGeneratorOrigin(state, level, r);
  for (const e of absorbGenerated(ra.resmap, generated)) {
    level.ctx.report("kustomize-generator-error", e, levelLocation(level));
  }
  for (const [i, entry] of (k.components ?? []).entries()) accumulateComponent(state, level, entry, i, ra);
  runTransformers(level, k, ra);
}

function runTransformers(level: Level, k: KustomizationFile, ra: Accumulator): void {
  const { resmap, config } = ra;
  const report = (field: string, errors: string[]) => {
    for (const e of errors) {
      const code = /ID conflict|already registered id/.test(e)
        ? "kustomize-id-conflict"
        : "kustomize-transform-error";
      level.ctx.report(code, e, levelLocation(level, [field]));
    }
  };
  if (k.patchesStrategicMerge?.length) applyPatchesStrategicMerge(level, resmap, k.patchesStrategicMerge);
  if (k.patches?.length) applyPatches(level, resmap, k.patches);
  if (k.namespace) report("namespace", applyNamespace(resmap, k.namespace, config));
  if (k.namePrefix || k.nameSuffix)
    report("namePrefix", applyNameAffixes(resmap, k.namePrefix ?? "", k.nameSuffix ?? "", config));
  if (k.labels?.length) report("labels", applyLabels(resmap, k.labels, config));
  if (k.commonLabels && Object.keys(k.commonLabels).length)
    report("commonLabels", applyCommonLabels(resmap, k.commonLabels, config));
  if (k.commonAnnotations && Object.keys(k.commonAnnotations).length) {
    report("commonAnnotations", applyCommonAnnotations(resmap, k.commonAnnotations, config));
  }
  if (k.patchesJson6902?.length) applyPatchesJson6902(level, resmap, k.patchesJson6902);
  if (k.replicas?.length) report("replicas", applyReplicas(resmap, k.replicas, config));
  if (k.images?.length) report("images", applyImages(resmap, k.images, config));
  if (k.replacements?.length) applyReplacements(level, resmap, k.replacements);
  if (k.transformers?.length) runTransformerPlugins(level, k.transformers, resmap);
}

function accumulateResources(state: BuildState, level: Level, entries: string[], ra: Accumulator): void {
  for (const [i, entry] of entries.entries()) accumulateResource(state, level, entry, ["resources", i], ra);
}

function accumulateResource(
  state: BuildState,
  level: Level,
  entry: string,
  at: YamlPath,
  ra: Accumulator,
): void {
  const { ctx } = level;
  if (!ctx.spend(level.file ?? level.dir)) return;
  const resolved = resolvePath(level.dir, entry);
  if (!resolved.ok) {
    if (looksRemote(entry)) {
      reportRemote(level, entry, at);
      return;
    }
    ctx.report(
      "path-escapes-root",
      `resource "${entry}" resolves outside the repository root.`,
      levelLocation(level, at),
    );
    return;
  }
  const path = resolved.path;
  if (ctx.snapshot.isSymlink(path)) {
    ctx.report(
      "path-is-symlink",
      `resource "${entry}" is a symlink; Flux artifacts contain no symlinks.`,
      levelLocation(level, at),
    );
    return;
  }
  if (ctx.snapshot.isFile(path)) {
    ctx.reads.add(path);
    const loaded = loadResourceFile(ctx, path);
    if (!loaded) return;
    for (const r of loaded) {
      if (state.origins) setFileOrigin(state, r, path);
      const e = ra.resmap.append(r);
      if (e)
        ctx.report(
          "kustomize-duplicate-resource",
          `${e} (merging resources from '${entry}')`,
          levelLocation(level, at),
        );
    }
    return;
  }
  if (ctx.snapshot.isDirectory(path)) {
    const sub = buildSubdirectory(state, level, path, entry, at, false);
    if (!sub) return;
    for (const e of ra.resmap.appendAll(sub.resmap)) {
      ctx.report(
        "kustomize-duplicate-resource",
        `${e} (merging resources from '${entry}')`,
        levelLocation(level, at),
      );
    }
    mergeConfig(level, ra, sub.config, at);
    return;
  }
  if (looksRemote(entry)) {
    reportRemote(level, entry, at);
    return;
  }
  ctx.probes.add(path);
  ctx.report(
    "kustomize-missing-path",
    `resource "${entry}" (${path}) does not exist.`,
    levelLocation(level, at),
  );
}

function accumulateComponent(
  state: BuildState,
  level: Level,
  entry: string,
  i: number,
  ra: Accumulator,
): void {
  const { ctx } = level;
  const at: YamlPath = ["components", i];
  if (!ctx.spend(level.file ?? level.dir)) return;
  const resolved = resolvePath(level.dir, entry);
  if (!resolved.ok) {
    if (looksRemote(entry)) {
      reportRemote(level, entry, at);
      return;
    }
    ctx.report(
      "path-escapes-root",
      `component "${entry}" resolves outside the repository root.`,
      levelLocation(level, at),
    );
    return;
  }
  if (ctx.snapshot.isFile(resolved.path)) {
    ctx.reads.add(resolved.path);
    ctx.report(
      "kustomize-component-kind",
      `component "${entry}" is a file; a component must build at a directory.`,
      levelLocation(level, at),
    );
    return;
  }
  if (!ctx.snapshot.isDirectory(resolved.path)) {
    if (looksRemote(entry)) {
      reportRemote(level, entry, at);
      return;
    }
    ctx.probes.add(resolved.path);
    ctx.report(
      "kustomize-missing-path",
      `component "${entry}" (${resolved.path}) does not exist.`,
      levelLocation(level, at),
    );
    return;
  }
  buildSubdirectory(state, level, resolved.path, entry, at, true, ra);
}

/**
 * Build a directory named by `resources` (a fresh accumulator) or `components` (applied to `into`).
 * Returns the sub-accumulator for resources; components mutate `into`.
 */
function buildSubdirectory(
  state: BuildState,
  parent: Level,
  dir: string,
  entry: string,
  at: YamlPath,
  isComponent: boolean,
  into?: Accumulator,
): Accumulator | undefined {
  const { ctx } = parent;
  if (state.stack.includes(dir)) {
    const cycle = [...state.stack.slice(state.stack.indexOf(dir)), dir].map((d) => d || ".").join(" → ");
    ctx.report("kustomize-resource-cycle", `cycle detected: ${cycle}`, levelLocation(parent, at));
    return undefined;
  }
  if (parent.depth + 1 > ctx.limits.maxNesting) {
    ctx.report(
      "kustomize-budget-exceeded",
      `Render budget exceeded (nesting=${parent.depth + 1}, limit=${ctx.limits.maxNesting}) at "${entry}".`,
      levelLocation(parent, at),
    );
    return undefined;
  }
  const loaded = loadKustomization(ctx, dir, false);
  if (!loaded.found) {
    if (loaded.reason === "none") {
      ctx.report(
        "kustomize-missing-kustomization",
        `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir}' (${isComponent ? "component" : "resource"} "${entry}").`,
        levelLocation(parent, at),
      );
    }
    return undefined;
  }
  const kind = loaded.k.kind ?? "Kustomization";
  if (isComponent && kind !== "Component") {
    ctx.report(
      "kustomize-component-kind",
      `expected kind 'Component' for path '${dir}' but got '${kind}'`,
      levelLocation(parent, at),
    );
    return undefined;
  }
  if (!isComponent && kind === "Component") {
    ctx.report(
      "kustomize-component-kind",
      `expected kind != 'Component' for path '${dir}'`,
      levelLocation(parent, at),
    );
    return undefined;
  }
  const level: Level = { ctx, dir, file: loaded.file, depth: parent.depth + 1 };
  state.stack.push(dir);
  try {
    if (isComponent && into) {
      accumulateTarget(state, level, loaded.k, into);
      return into;
    }
    const sub: Accumulator = { resmap: new ResMap(), config: pristineConfig() };
    accumulateTarget(state, level, loaded.k, sub);
    return sub;
  } finally {
    state.stack.pop();
  }
}

/**
 * The default configuration every level starts from, one for all and frozen: nothing changes a config in
 * place (mergeTransformerConfigs makes a new one). Copying it for every level of every build was about 3%
 * of `flux-impact build --all`. Merging it into an accumulator (which starts from it) changes nothing, so
 * that is skipped — a deep tree of plain kustomizations stays cheap.
 */
let pristine: TransformerConfig | undefined;

function pristineConfig(): TransformerConfig {
  pristine ??= deepFreeze(defaultTransformerConfig());
  return pristine;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function mergeConfig(level: Level, ra: Accumulator, config: TransformerConfig, at: YamlPath): void {
  if (config === pristine || config === ra.config) return;
  // Every config holds the default one (it starts from it, and a merge only adds), sorted: merged into the
  // default, it comes out as it went in, conflicts and all already reported when it was made.
  if (ra.config === pristine) {
    ra.config = config;
    return;
  }
  const errors: string[] = [];
  ra.config = mergeTransformerConfigs(ra.config, config, errors);
  for (const e of errors) level.ctx.report("kustomize-invalid-kustomization", e, levelLocation(level, at));
}

function loadConfigurations(level: Level, entries: string[]): TransformerConfig {
  if (entries.length === 0) return pristineConfig();
  let config = defaultTransformerConfig();
  for (const [i, entry] of entries.entries()) {
    const read = readRelative(level, entry, "configurations file", ["configurations", i]);
    if (!read.ok) continue;
    const parsed = parseFileCached(level.ctx.snapshot, read.path);
    level.ctx.add(parsed.diagnostics);
    // kustomize reads only the first document of a configurations file.
    const doc = parsed.documents[0];
    if (!doc) continue;
    const where = { file: read.path, line: doc.line };
    const result = parseTransformerConfig(doc.value);
    if (!result.ok) {
      level.ctx.report("kustomize-invalid-kustomization", `${read.path}: ${result.message}`, where);
      continue;
    }
    const errors: string[] = [];
    config = mergeTransformerConfigs(config, result.config, errors);
    for (const e of errors) level.ctx.report("kustomize-invalid-kustomization", `${read.path}: ${e}`, where);
  }
  return config;
}

function reportUnsupported(level: Level, k: KustomizationFile): void {
  const unsupported: Array<[keyof KustomizationFile, string]> = [
    ["helmCharts", "Helm chart inflation (helmCharts) is refused by Flux (it needs --enable-helm)"],
    [
      "helmChartInflationGenerator",
      "helmChartInflationGenerator is refused by Flux (it needs --enable-helm)",
    ],
    ["validators", "validator plugins are not rendered"],
    ["vars", "vars (deprecated) are not rendered; use replacements"],
  ];
  for (const [field, message] of unsupported) {
    const v = k[field];
    if (Array.isArray(v) && v.length > 0)
      level.ctx.report("kustomize-unsupported", message, levelLocation(level, [field]));
  }
}

function reportRemote(level: Level, entry: string, at: YamlPath): void {
  level.ctx.report(
    "kustomize-remote-resource",
    `remote resource "${entry}" is not rendered (never fetched); changes inside it are not analysed.`,
    levelLocation(level, at),
  );
}

function setFileOrigin(state: BuildState, r: Resource, path: string): void {
  setOrigin(r, `path: ${relativePath(state.rootDir, path)}\n`);
}

function setGeneratorOrigin(state: BuildState, level: Level, r: Resource): void {
  const kind = r.obj.kind === "Secret" ? "SecretGenerator" : "ConfigMapGenerator";
  const file = level.file ? relativePath(state.rootDir, level.file) : "kustomization.yaml";
  setOrigin(r, `configuredIn: ${file}\nconfiguredBy:\n  apiVersion: builtin\n  kind: ${kind}\n`);
}

function setOrigin(r: Resource, value: string): void {
  const meta = metadataOf(r.obj);
  const annotations = isJsonObject(meta.annotations) ? meta.annotations : {};
  if (annotations[ORIGIN_ANNOTATION] !== undefined) return;
  annotations[ORIGIN_ANNOTATION] = value;
  meta.annotations = annotations;
}

export { kustomizationFilesIn };
