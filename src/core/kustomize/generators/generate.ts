/**
 * configMapGenerator and secretGenerator entries → ConfigMap and Secret resources, as kustomize's builtin
 * generators make them (api/internal/generators/{configmap,secret,utils}.go, api/kv/kv.go,
 * kyaml/yaml/datamap.go, api/resource/factory.go makeOne).
 *
 * Pairs come from envs, then literals, then files; a repeated key is an error. ConfigMap values that are
 * not valid UTF-8 go to binaryData (wrapped base64); Secret values are always wrapped base64 in `data`.
 * The level's generatorOptions are merged into each entry (api/types/generatoroptions.go). A bad entry is
 * reported and skipped. Absorbing into the resource map (behavior) and the name hash live in absorb.ts and
 * hash.ts.
 */
import { NODE_COST } from "../../util/budget.ts";
import type { YamlPath } from "../../yaml/locate.ts";
import { type Level, levelLocation, levelLocationsWhenRead } from "../context.ts";
import type { GeneratorArgs, GeneratorOptions, KustomizationFile } from "../kustomization-file.ts";
import { type JsonObject, newResource, type Resource, setOwn } from "../resource.ts";
import { parseEnvFile } from "./env-file.ts";
import { compareCodePoints } from "./hash.ts";
import {
  isNonStringScalar,
  parseFileSource,
  parseLiteralSource,
  pluginConfigString,
  wrappedBase64,
} from "./kv.ts";
import { readInputBytes } from "./read-input.ts";

type Field = "configMapGenerator" | "secretGenerator";

interface Pair {
  key: string;
  value: string | Uint8Array;
}

export function runGenerators(level: Level, k: KustomizationFile): Resource[] {
  const out: Resource[] = [];
  const fields = ["configMapGenerator", "secretGenerator"] as const;
  // Where each generated object comes from: one reading of the kustomization file for all of them, once
  // one is asked for.
  const entries = fields.flatMap((field) => (k[field] ?? []).map((_, i): YamlPath => [field, i]));
  if (entries.length === 0) return out;
  const origins = levelLocationsWhenRead(level, entries);
  let entry = 0;
  for (const field of fields) {
    (k[field] ?? []).forEach((args, i) => {
      const r = generate(level, field, args, i, k.generatorOptions, origins[entry++] ?? { file: level.dir });
      if (r) out.push(r);
    });
  }
  return out;
}

/** MergeGlobalOptionsIntoLocal: local label/annotation keys win; a global true cannot be turned off. */
export function mergeGeneratorOptions(
  local: GeneratorOptions | undefined,
  global: GeneratorOptions | undefined,
) {
  const merged: GeneratorOptions = { ...local };
  if (!global) return merged;
  for (const field of ["labels", "annotations"] as const) {
    if (!global[field]) continue;
    const map: Record<string, string> = { ...merged[field] };
    for (const [key, value] of Object.entries(global[field])) {
      if (!Object.hasOwn(map, key)) setOwn(map, key, value);
    }
    merged[field] = map;
  }
  if (global.disableNameSuffixHash) merged.disableNameSuffixHash = true;
  if (global.immutable) merged.immutable = true;
  return merged;
}

function generate(
  level: Level,
  field: Field,
  rawArgs: GeneratorArgs,
  i: number,
  globalOptions: GeneratorOptions | undefined,
  origin: { file: string; line?: number },
): Resource | undefined {
  const fail = (message: string, at: YamlPath = [field, i]) => {
    const name = rawArgs.name ?? "";
    level.ctx.report(
      "kustomize-generator-error",
      `${field} ${JSON.stringify(name)}: ${message}`,
      levelLocation(level, at),
    );
    return undefined;
  };
  const plugin = field === "configMapGenerator" ? "ConfigMapGenerator" : "SecretGenerator";
  const args = throughPluginConfig({
    ...rawArgs,
    options: mergeGeneratorOptions(rawArgs.options, globalOptions),
  });
  if (!args) return fail(`builtin ${plugin} marshal: yaml: control characters are not allowed`);
  const name = args.name ?? "";
  if (name === "") return fail("a configmap must have a name", [field, i]);

  const pairs: Pair[] = [];
  // Each input is decoded (and, for a Secret, base64-encoded) into a new string: the same 1 MB file
  // named a thousand times is a gigabyte, so every input counts against the build's byte budget first.
  const weight = field === "secretGenerator" ? 2 : 1;
  const charge = (n: number, at: YamlPath) =>
    level.ctx.charge(n * weight + NODE_COST, () => levelLocation(level, at));
  for (const [j, env] of (args.envs ?? []).entries()) {
    const at = [field, i, "envs", j];
    const bytes = readInputBytes(level, env, `${field} env file`, at);
    if (!bytes) return undefined;
    if (!charge(bytes.byteLength, at)) return undefined;
    const parsed = parseEnvFile(bytes);
    if (!parsed.ok) return fail(`env source files: [${(args.envs ?? []).join(" ")}]: ${parsed.error}`, at);
    if (!charge(NODE_COST * parsed.value.length, at)) return undefined;
    pairs.push(...parsed.value);
  }
  for (const [j, literal] of (args.literals ?? []).entries()) {
    if (!charge(literal.length, [field, i, "literals", j])) return undefined;
    const parsed = parseLiteralSource(literal);
    if (!parsed.ok) return fail(parsed.error, [field, i, "literals", j]);
    pairs.push(parsed.value);
  }
  for (const [j, source] of (args.files ?? []).entries()) {
    const at = [field, i, "files", j];
    const parsed = parseFileSource(source);
    if (!parsed.ok) return fail(parsed.error, at);
    const bytes = readInputBytes(level, parsed.value.path, `${field} file`, at);
    if (!bytes) return undefined;
    if (!charge(bytes.byteLength, at)) return undefined;
    pairs.push({ key: parsed.value.key, value: bytes });
  }

  const seen = new Set<string>();
  for (const p of pairs) {
    if (seen.has(p.key)) return fail(`configmap ${name} illegally repeats the key \`${p.key}\``);
    seen.add(p.key);
  }
  // Upstream this only fails when the build output is written, so every other error comes first.
  const nonString = pairs.find((p) => isNonStringScalar(p.key));
  if (nonString) {
    return fail(
      `key ${JSON.stringify(nonString.key)} is not a string in YAML; kustomize cannot write the generated object ` +
        "(json: unsupported type: map[interface {}]interface {})",
    );
  }
  pairs.sort((a, b) => compareCodePoints(a.key, b.key));

  const obj = field === "configMapGenerator" ? makeConfigMap(pairs) : makeSecret(pairs, args.type);
  const metadata: JsonObject = { name };
  if (args.namespace) metadata.namespace = args.namespace;
  const opts = args.options ?? {};
  if (opts.labels && Object.keys(opts.labels).length) metadata.labels = { ...opts.labels };
  if (opts.annotations && Object.keys(opts.annotations).length)
    metadata.annotations = { ...opts.annotations };
  obj.metadata = metadata;
  if (opts.immutable) obj.immutable = true;

  const r = newResource(obj, origin);
  const behavior = args.behavior === "merge" || args.behavior === "replace" ? args.behavior : "create";
  r.generator = { behavior, hashSuffix: !opts.disableNameSuffixHash };
  return r;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function makeConfigMap(pairs: Pair[]): JsonObject {
  const obj: JsonObject = { apiVersion: "v1", kind: "ConfigMap" };
  const data: JsonObject = {};
  const binaryData: JsonObject = {};
  for (const { key, value } of pairs) {
    const text = typeof value === "string" ? value : decodeUtf8(value);
    if (text === undefined) setOwn(binaryData, key, wrappedBase64(value as Uint8Array));
    else setOwn(data, key, text);
  }
  if (Object.keys(binaryData).length) obj.binaryData = binaryData;
  if (Object.keys(data).length) obj.data = data;
  return obj;
}

function makeSecret(pairs: Pair[], type: string | undefined): JsonObject {
  const data: JsonObject = {};
  const encoder = new TextEncoder();
  for (const { key, value } of pairs) {
    setOwn(data, key, wrappedBase64(typeof value === "string" ? encoder.encode(value) : value));
  }
  return { apiVersion: "v1", kind: "Secret", type: type || "Opaque", data };
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The arguments as the builtin plugin receives them after kustomize's JSON → YAML → JSON round trip
 * (kusttarget.go configureBuiltinPlugin); undefined when go-yaml refuses a character.
 */
function throughPluginConfig(args: GeneratorArgs): GeneratorArgs | undefined {
  let rejected = false;
  const convert = (s: string): string => {
    const r = pluginConfigString(s);
    if (!r.ok) rejected = true;
    return r.ok ? r.value : s;
  };
  const convertMap = (m: Record<string, string> | undefined) => {
    if (!m) return m;
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m)) setOwn(out, convert(k), convert(v));
    return out;
  };
  const out: GeneratorArgs = {};
  for (const key of ["name", "namespace", "type"] as const) {
    const v = args[key];
    if (v !== undefined) out[key] = convert(v);
  }
  if (args.behavior !== undefined) out.behavior = args.behavior;
  for (const key of ["literals", "files", "envs"] as const) {
    const v = args[key];
    if (v !== undefined) out[key] = v.map(convert);
  }
  const o = args.options ?? {};
  const options: GeneratorOptions = { ...o };
  const labels = convertMap(o.labels);
  const annotations = convertMap(o.annotations);
  if (labels) options.labels = labels;
  if (annotations) options.annotations = annotations;
  out.options = options;
  return rejected ? undefined : out;
}
