/**
 * `transformers:` and `generators:` entries: kustomize plugin configurations
 * (api/internal/target/kusttarget.go configureExternalTransformers / configureExternalGenerators).
 *
 * Flux runs kustomize with plugins disabled (kustomize-controller: `PluginConfig: DisabledPluginConfig()`),
 * which leaves the builtin ones: a configuration with `apiVersion: builtin` runs; any other fails the build
 * ("external plugins disabled").
 *
 * An entry is either a configuration written inline (YAML text in the list) or a path, and kustomize takes
 * every inline one first, then the paths in order. Of the builtin plugins, LabelTransformer and
 * AnnotationsTransformer are rendered here: the filters of `labels` and `commonAnnotations`, with the
 * configuration's own field specs. Any other builtin plugin, and a configuration kustomize would build
 * from a directory or fetch, is not: the build's output is then unknown and said so (Flux runs it, so it
 * is never an error).
 */
import { diagnostic } from "../../diagnostics.ts";
import { looksRemote, resolvePath } from "../../snapshot/paths.ts";
import { readYamlDocuments } from "../../yaml/read-documents.ts";
import { type Level, levelLocation, parseFileCached, readRelative } from "../context.ts";
import { parseFieldSpecList } from "../fieldspec/parse-field-specs.ts";
import type { ResMap } from "../resmap.ts";
import { isJsonObject, type JsonObject, setOwn } from "../resource.ts";
import { setStringMap } from "./labels.ts";

type PluginField = "transformers" | "generators";

interface PluginConfig {
  config: JsonObject;
  where: { file: string; line?: number };
}

/** Runs the `transformers:` entries on `resmap`, after the kustomization's own transformers. */
export function runTransformerPlugins(level: Level, entries: readonly string[], resmap: ResMap): void {
  for (const { config, where } of pluginConfigs(level, "transformers", entries)) {
    if (!isBuiltin(level, "transformers", config, where)) continue;
    const kind = config.kind;
    if (kind === "LabelTransformer" || kind === "AnnotationsTransformer") {
      const field = kind === "LabelTransformer" ? "labels" : "annotations";
      const error = applyStringMapPlugin(resmap, config, field);
      if (error !== undefined)
        level.ctx.report("kustomize-transform-error", `builtin ${kind} "${nameOf(config)}": ${error}`, where);
      continue;
    }
    notRendered(level, `the builtin ${String(kind)} in transformers`, where);
  }
}

/** The `generators:` entries: a builtin generator is not rendered (the build's output is then unknown). */
export function checkGeneratorPlugins(level: Level, entries: readonly string[]): void {
  for (const { config, where } of pluginConfigs(level, "generators", entries)) {
    if (isBuiltin(level, "generators", config, where))
      notRendered(level, `the builtin ${String(config.kind)} in generators`, where);
  }
}

/** The configurations the entries hold, inline ones first; what cannot be read is reported. */
function pluginConfigs(level: Level, field: PluginField, entries: readonly string[]): PluginConfig[] {
  const inline: PluginConfig[] = [];
  const fromFiles: PluginConfig[] = [];
  for (const [i, entry] of entries.entries()) {
    const at = [field, i];
    const written = inlineConfigs(entry);
    if (written !== undefined) {
      const where = levelLocation(level, at);
      for (const config of written) inline.push({ config, where });
      continue;
    }
    const resolved = resolvePath(level.dir, entry);
    if (looksRemote(entry) || (resolved.ok && level.ctx.snapshot.isDirectory(resolved.path))) {
      notRendered(
        level,
        `${field} entry "${entry}" (${looksRemote(entry) ? "fetched" : "a kustomization built"} by kustomize)`,
        levelLocation(level, at),
      );
      continue;
    }
    const read = readRelative(level, entry, `${field} file`, at);
    if (!read.ok) continue;
    const parsed = parseFileCached(level.ctx.snapshot, read.path);
    level.ctx.add(parsed.diagnostics);
    for (const doc of parsed.documents) {
      const where = { file: read.path, line: doc.line };
      if (isJsonObject(doc.value)) fromFiles.push({ config: doc.value, where });
      else
        level.ctx.report(
          "kustomize-invalid-resource",
          `${field} file "${entry}": a plugin configuration must be a mapping.`,
          where,
        );
    }
  }
  return [...inline, ...fromFiles];
}

/**
 * The configurations an entry writes inline, or undefined when it is a path: kustomize reads the entry as
 * resources first (NewResMapFromBytes), and a path is not a mapping.
 */
function inlineConfigs(entry: string): JsonObject[] | undefined {
  if (!entry.includes(":")) return undefined;
  const read = readYamlDocuments(entry, "inline plugin configuration");
  if (!read.ok || read.documents.length === 0) return undefined;
  const configs = read.documents.map((d) => d.value);
  return configs.every(isJsonObject) ? configs : undefined;
}

/** True for a builtin plugin; any other fails the build under Flux, which is reported. */
function isBuiltin(
  level: Level,
  field: PluginField,
  config: JsonObject,
  where: PluginConfig["where"],
): boolean {
  if (config.apiVersion === "builtin") return true;
  level.ctx.report(
    "kustomize-unsupported",
    `${field}: ${String(config.kind ?? "a plugin")} (apiVersion ${JSON.stringify(config.apiVersion ?? "")}) is not a builtin plugin, and Flux runs kustomize with plugins disabled: the build fails ("external plugins disabled").`,
    where,
  );
  return false;
}

function notRendered(level: Level, what: string, where: PluginConfig["where"]): void {
  level.ctx.add([
    diagnostic(
      "kustomize-plugin-not-rendered",
      `${what} is not rendered by this engine (Flux runs it); what this build applies is unknown.`,
      where,
    ),
  ]);
}

/**
 * LabelTransformer / AnnotationsTransformer: `labels` or `annotations` set where `fieldSpecs` say;
 * undefined, or why kustomize refuses the configuration. A scalar value is taken as its text, as kustomize
 * takes it (`on: true` labels "true"); a map or a list is refused.
 */
function applyStringMapPlugin(
  resmap: ResMap,
  config: JsonObject,
  field: "labels" | "annotations",
): string | undefined {
  const plugin =
    config.kind === "LabelTransformer" ? "LabelTransformerPlugin" : "AnnotationsTransformerPlugin";
  const refused = (what: string, type: string) =>
    `fails configuration: json: cannot unmarshal ${what} into Go struct field ${plugin}.${field} of type ${type}`;
  const raw = config[field] ?? {};
  if (!isJsonObject(raw)) return refused(Array.isArray(raw) ? "array" : typeof raw, "map[string]string");
  const map: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value !== null && typeof value === "object")
      return refused(Array.isArray(value) ? "array" : "object", "string");
    setOwn(map, key, value === null ? "" : String(value));
  }
  const specs = parseFieldSpecList(config.fieldSpecs ?? [], "fieldSpecs");
  if (typeof specs === "string") return specs;
  return setStringMap(resmap, map, specs)[0];
}

function nameOf(config: JsonObject): string {
  const meta = config.metadata;
  return isJsonObject(meta) && typeof meta.name === "string" ? meta.name : "";
}
