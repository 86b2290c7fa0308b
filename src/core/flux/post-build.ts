/**
 * Flux `spec.postBuild`: collecting the variables (`substituteFrom` + inline `substitute`) and substituting
 * them into rendered objects, as kustomize-controller does (`fluxcd/pkg:kustomize/kustomize_varsub.go`).
 *
 * - Variables: substituteFrom in list order (ConfigMap `data`; Secret `data` base64-decoded, overlaid by
 *   `stringData` since repository Secrets often use it), later sources override earlier ones, inline
 *   `substitute` overrides all; every `\n` is removed from values; keys must match Flux's name regex.
 *   SOPS ciphertext (`ENC[AES256_GCM,…]`) is never used: such keys get `..PLACEHOLDER_<KEY>..` and are
 *   listed in `unknown`. A variable that only an opaque source (created outside the repository) may define
 *   reads as its placeholder, or, through a default operator (`${V:=d}`), as the default (an assumption
 *   listed in `assumedDefaults`). A failure that only the placeholders cause is listed in `unknownOnly`,
 *   never in `errors`.
 * - Objects: skipped when labelled or annotated `kustomize.toolkit.fluxcd.io/substitute: disabled`;
 *   otherwise serialized (stringifyYaml), substituted as text (envsubst.ts) and re-read with YAML 1.1
 *   typing, so `replicas: ${R}` becomes a number and `yes` a boolean, as in Flux.
 *
 * Does not look objects up itself (the caller's ObjectLookup resolves names in the Kustomization's
 * namespace) and does not apply `commonMetadata` (that happens after substitution, at apply time).
 */
import {
  getName,
  getStringMap,
  gvkOf,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  setOwn,
} from "../kustomize/resource.ts";
import { DEFAULT_MAX_FILE_BYTES } from "../snapshot/repo-snapshot.ts";
import { type ByteBudget, MiB, NODE_COST, sizeText } from "../util/budget.ts";
import { readYamlDocuments } from "../yaml/read-documents.ts";
import { resolveYaml11Plain, YAML11_TAGS } from "../yaml/scalar-schemas.ts";
import { stringifyYaml } from "../yaml/stringify.ts";
import { type EnvsubstOptions, envsubst, type VariableLookup, type VariableUse } from "./envsubst.ts";

export interface PostBuildSpec {
  substitute?: Record<string, string>;
  substituteFrom?: Array<{ kind: string; name: string; optional?: boolean }>;
  /** "WithVariables" (default) | "Always". */
  substituteStrategy?: string;
}

/**
 * Resolves a substituteFrom reference in the Kustomization's namespace: the object, "opaque" when it
 * exists in the cluster but its content is not in the repository (a Secret an ExternalSecret creates),
 * or undefined when nothing defines it.
 */
export type ObjectLookup = (kind: "ConfigMap" | "Secret", name: string) => JsonObject | "opaque" | undefined;

export interface CollectedVariables {
  vars: Map<string, string>;
  /** Variable names whose value is not known offline (from SOPS-encrypted Secrets): the value used is a placeholder. */
  unknown: Set<string>;
  /** Fatal for the build (bad key names, missing non-optional source, unreadable values). */
  errors: string[];
  /** Non-optional substituteFrom targets not found. */
  missing: Array<{ kind: string; name: string }>;
  /** Sources that exist but whose keys are unknown: any variable not otherwise defined may come from them. */
  opaque: string[];
}

export interface SubstituteOptions {
  /** Fail on an undefined `${VAR}` without a default (StrictPostBuildSubstitutions; Flux ≥ 2.9 default). */
  strict: boolean;
  /** "WithVariables" (default) | "Always". */
  strategy?: string;
  /** Why strict is on, appended to the strict-mode error ("Flux 2.9.4 (…) fails the build on undefined variables"). */
  strictReason?: string;
  /** The engine's bounds (DEFAULT_SUBSTITUTION_LIMITS when absent). */
  limits?: Partial<SubstitutionLimits>;
  /** The byte allowance of the whole analysis, charged with every substituted object (util/budget.ts). */
  budget?: ByteBudget;
}

/**
 * Bounds on substitution, which Flux does not have: an expression like `${X//a/${X}}` squares a value, and
 * nesting it raises that to any power. Output is counted in characters of the substituted YAML (about the
 * object's JSON length on the per-value path); checks run inside evaluation, before an operator builds an
 * over-long value.
 */
export interface SubstitutionLimits {
  /**
   * One object's substituted output: the largest file the engine reads (1 MiB), since the text is read
   * back as YAML like a file (and reading 1 MiB of YAML already takes ~150 MB while it lasts).
   */
  object: number;
  /** All objects of one build: half the analysis' budget (util/budget.ts), so one build cannot spend it all. */
  build: number;
  /** Pattern-matching steps of the trim operators (`#`, `##`, `%`, `%%`) in one build. */
  work: number;
}

export const DEFAULT_SUBSTITUTION_LIMITS: SubstitutionLimits = {
  object: DEFAULT_MAX_FILE_BYTES,
  build: 32 * MiB,
  work: 2 ** 25,
};

export interface SubstituteResult {
  objects: JsonObject[];
  /** Real failures: Flux fails the build whatever the unknown values are. Report as errors. */
  errors: Array<{ index: number; message: string }>;
  /** Objects whose substitution read variables from `unknown` (their output holds placeholders). */
  unknownUses: Array<{ index: number; names: string[] }>;
  /**
   * `${VAR:=default}` (or `:-`, `=`, …) where VAR is not defined by a readable source but an opaque one
   * (a Secret/ConfigMap created outside the repository) may define it: the default was used, assuming the
   * opaque source does not define VAR. One entry per object, name and default. Report as a notice.
   */
  assumedDefaults: Array<{ index: number; name: string; default: string }>;
  /**
   * Failures that exist only because a value is unknown offline (a placeholder broke the re-parsed YAML or
   * an operator): with some other value the object substitutes fine, so this is not a finding about the
   * repository. The object in `objects` is substituted value by value (placeholders kept, no YAML
   * re-typing of multi-token results). Report as a notice, never as an error, and do not fail the build.
   */
  unknownOnly: Array<{ index: number; message: string; names: string[] }>;
  /**
   * Set when one of the engine's bounds stopped substitution at object `index` (its output, the build's
   * or the analysis' total, or the matching work): what the build applies is unknown. `message` is ours
   * and quotes no repository content; objects from `index` on are returned unsubstituted.
   */
  limit?: { index: number; message: string };
}

export const SUBSTITUTE_KEY = "kustomize.toolkit.fluxcd.io/substitute";
const VAR_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const VAR_NAME_TEXT = "^[_[:alpha:]][_[:alpha:][:digit:]]*$";

export function collectVariables(postBuild: PostBuildSpec, lookup: ObjectLookup): CollectedVariables {
  const vars = new Map<string, string>();
  const unknown = new Set<string>();
  const origin = new Map<string, string>();
  const errors: string[] = [];
  const missing: Array<{ kind: string; name: string }> = [];
  const opaque: string[] = [];
  for (const ref of postBuild.substituteFrom ?? []) {
    if (ref.kind !== "ConfigMap" && ref.kind !== "Secret") {
      errors.push(`substituteFrom kind '${ref.kind}' is not supported (must be ConfigMap or Secret)`);
      continue;
    }
    const obj = lookup(ref.kind, ref.name);
    if (obj === undefined) {
      if (ref.optional === true) continue;
      missing.push({ kind: ref.kind, name: ref.name });
      const resource = ref.kind === "ConfigMap" ? "configmaps" : "secrets";
      errors.push(`substitute from '${ref.kind}/${ref.name}' error: ${resource} "${ref.name}" not found`);
      continue;
    }
    const source = `${ref.kind}/${ref.name}`;
    if (obj === "opaque") {
      opaque.push(source);
      continue;
    }
    for (const entry of readSourceEntries(ref.kind, obj, source, errors)) {
      vars.set(entry.key, entry.value.replaceAll("\n", ""));
      origin.set(entry.key, source);
      if (entry.unknown) unknown.add(entry.key);
      else unknown.delete(entry.key);
    }
  }
  for (const [key, value] of Object.entries(postBuild.substitute ?? {}) as Array<[string, unknown]>) {
    if (typeof value !== "string") {
      errors.push(
        `spec.postBuild.substitute.${key} accessor error: ${JSON.stringify(value)} is not a string`,
      );
      continue;
    }
    vars.set(key, value.replaceAll("\n", ""));
    origin.set(key, "spec.postBuild.substitute");
    unknown.delete(key);
  }
  for (const key of vars.keys()) {
    if (!VAR_NAME.test(key)) {
      errors.push(
        `envsubst error: '${key}' var name is invalid, must match '${VAR_NAME_TEXT}' (from ${origin.get(key) ?? "?"})`,
      );
    }
  }
  return { vars, unknown, errors, missing, opaque };
}

/**
 * Substitutes every object like Flux. `collected.errors` are reported once, on the first object Flux would
 * substitute (Flux loads the variables per object, after the `disabled` check), and nothing is substituted
 * after that. An object that fails is returned unchanged, with an error naming it.
 *
 * Values not known offline:
 * - a variable defined with an unknown value (SOPS ciphertext) reads as its placeholder, even with a
 *   default operator (the value exists; only its text is unknown);
 * - a variable that only an opaque source may define reads as its placeholder in `${VAR}` (never a strict
 *   error), but through a default operator it takes the default, listed in `assumedDefaults`;
 * - a failure that goes away when the placeholders are given other plausible values is listed in
 *   `unknownOnly`, not in `errors`.
 */
export function substituteObjects(
  objects: JsonObject[],
  collected: CollectedVariables,
  options: SubstituteOptions,
): SubstituteResult {
  const result: SubstituteResult = {
    objects: [],
    errors: [],
    unknownUses: [],
    assumedDefaults: [],
    unknownOnly: [],
  };
  const active = collected.vars.size > 0 || collected.opaque.length > 0 || options.strategy === "Always";
  const limits = { ...DEFAULT_SUBSTITUTION_LIMITS, ...options.limits };
  const meter = { steps: 0, limit: limits.work };
  const baseOptions: EnvsubstOptions = {
    strict: options.strict,
    ...(options.strictReason !== undefined ? { strictReason: options.strictReason } : {}),
    meter,
  };
  let total = 0;
  let blocked = false;
  for (const [index, obj] of objects.entries()) {
    if (result.limit) {
      result.objects.push(obj);
      continue;
    }
    if (blocked || isSubstitutionDisabled(obj)) {
      result.objects.push(obj);
      continue;
    }
    if (collected.errors.length > 0) {
      blocked = true;
      for (const e of collected.errors) result.errors.push({ index, message: failure(obj, e) });
      result.objects.push(obj);
      continue;
    }
    if (!active) {
      result.objects.push(obj);
      continue;
    }
    const used = new Set<string>();
    const assumed = new Map<string, { name: string; default: string }>();
    const lookup: VariableLookup = (name, use) => {
      const r = resolveVariable(collected, name, use);
      if (r.kind === "placeholder" || r.kind === "unknown") used.add(name);
      if (r.kind === "assumed") assumed.set(`${name}\u0000${r.default}`, { name, default: r.default });
      return r.value;
    };
    // This object may produce what is left of the build's allowance, up to the per-object limit.
    const room = Math.min(limits.object, limits.build - total);
    const envOptions: EnvsubstOptions = { ...baseOptions, maxOutput: room };
    const stop = (why: Limited): void => {
      result.limit = { index, message: limitMessage(obj, why, limits, room < limits.object) };
      result.objects.push(obj);
    };
    const out = substituteOne(obj, lookup, envOptions);
    if (out instanceof Limited) {
      stop(out);
      continue;
    }
    let size = 0;
    let nodes = 0;
    if (typeof out !== "string") {
      result.objects.push(out.object);
      size = out.size;
      nodes = out.nodes;
    } else {
      const other =
        used.size > 0 || assumed.size > 0 ? substitutesWithOtherValues(obj, collected, envOptions) : false;
      if (other instanceof Limited) {
        stop(other);
        continue;
      }
      if (other) {
        const names = new Set([...used, ...[...assumed.values()].map((a) => a.name)]);
        const lenient = substituteLeniently(obj, lookup, envOptions);
        if (lenient instanceof Limited) {
          stop(lenient);
          continue;
        }
        result.unknownOnly.push({ index, message: failure(obj, out), names: [...names].sort() });
        result.objects.push(lenient.object);
        size = lenient.size;
        nodes = lenient.nodes;
      } else {
        result.errors.push({ index, message: failure(obj, out) });
        result.objects.push(obj);
      }
    }
    total += size;
    if (options.budget && size > 0 && !options.budget.charge(size + NODE_COST * nodes)) {
      result.limit = {
        index,
        message: `${failure(obj, `the substituted objects of this revision's builds together exceed the analysis limit of ${sizeText(options.budget.limit)}`)}; substitution was stopped and what the build applies is unknown`,
      };
      result.objects[result.objects.length - 1] = obj;
      continue;
    }
    if (used.size > 0) result.unknownUses.push({ index, names: [...used].sort() });
    for (const a of [...assumed.values()].sort((x, y) => cmp(x.name, y.name) || cmp(x.default, y.default))) {
      result.assumedDefaults.push({ index, ...a });
    }
  }
  return result;
}

type Resolved =
  | { kind: "value"; value: string }
  /** Defined, value unknown offline (SOPS): `value` is the placeholder. */
  | { kind: "unknown"; value: string }
  /** Not defined here; an opaque source may define it. */
  | { kind: "placeholder"; value: string }
  /** Not defined here, read through a default operator; an opaque source may define it. */
  | { kind: "assumed"; value: undefined; default: string }
  | { kind: "unset"; value: undefined };

function resolveVariable(collected: CollectedVariables, name: string, use: VariableUse): Resolved {
  const value = collected.vars.get(name);
  if (value !== undefined)
    return collected.unknown.has(name) ? { kind: "unknown", value } : { kind: "value", value };
  if (collected.opaque.length === 0) return { kind: "unset", value: undefined };
  if (use.default !== undefined) return { kind: "assumed", value: undefined, default: use.default };
  return { kind: "placeholder", value: placeholder(name) };
}

/** Values tried in place of placeholders to tell a failure caused by them from one in the repository. */
const OTHER_VALUES = ["", "x", "'", '"'];

/**
 * True when giving every placeholder one other plausible value makes the object substitute: the failure
 * depends on values that are not known offline (placeholders, and defaults assumed for variables an
 * opaque source may define). Known values are kept.
 */
function substitutesWithOtherValues(
  obj: JsonObject,
  collected: CollectedVariables,
  options: EnvsubstOptions,
): boolean | Limited {
  for (const other of OTHER_VALUES) {
    const lookup: VariableLookup = (name, use) => {
      const r = resolveVariable(collected, name, use);
      // An assumed default may be wrong too: the opaque source may define the variable.
      return r.kind === "placeholder" || r.kind === "unknown" || r.kind === "assumed" ? other : r.value;
    };
    const out = substituteOne(obj, lookup, options);
    if (out instanceof Limited) return out;
    if (typeof out !== "string") return true;
  }
  return false;
}

/** One of the engine's bounds stopped an evaluation ("output": too long; "work": too much matching). */
class Limited {
  constructor(readonly kind: "output" | "work") {}
}

function limited(r: { ok: false; limit?: "output" | "work" }): Limited | undefined {
  return r.limit ? new Limited(r.limit) : undefined;
}

function limitMessage(
  obj: JsonObject,
  why: Limited,
  limits: SubstitutionLimits,
  buildBound: boolean,
): string {
  const what =
    why.kind === "work"
      ? `pattern matching in trim operators (#, ##, %, %%) needs more than ${limits.work} steps in this build`
      : buildBound
        ? `the substituted objects of this build exceed the per-build limit of ${sizeText(limits.build)}`
        : `its substituted output exceeds the per-object limit of ${sizeText(limits.object)}`;
  return `${failure(obj, `${what} (the engine's limit; Flux has none)`)}; substitution was stopped and what the build applies is unknown`;
}

/**
 * Best effort for an object whose text substitution fails only because of unknown values: every string
 * (and key) is substituted on its own, non-strict; a value that still fails is kept as written. A result
 * that is one simple plain scalar is re-typed like Flux would; anything else stays a string.
 */
function substituteLeniently(
  obj: JsonObject,
  lookup: VariableLookup,
  options: EnvsubstOptions,
): Substituted | Limited {
  const max = options.maxOutput ?? Number.POSITIVE_INFINITY;
  let size = 0;
  let nodes = 0;
  let stopped: Limited | undefined;
  const one = (s: string): JsonValue => {
    if (stopped || !s.includes("$")) return s;
    const out = envsubst(s, lookup, {
      strict: false,
      maxOutput: max - size,
      ...(options.meter ? { meter: options.meter } : {}),
    });
    if (!out.ok) {
      stopped = limited(out);
      return s;
    }
    size += out.value.length;
    return isSimplePlain(s) && SIMPLE_RESULT.test(out.value)
      ? (resolveYaml11Plain(out.value) as JsonValue)
      : out.value;
  };
  const visit = (v: JsonValue): JsonValue => {
    nodes++;
    if (typeof v === "string") {
      size += 2;
      return one(v);
    }
    if (Array.isArray(v)) {
      size += 2 + v.length;
      return v.map(visit);
    }
    if (v !== null && typeof v === "object") {
      const copy: JsonObject = {};
      size += 2;
      for (const [k, x] of Object.entries(v)) {
        size += 4 + k.length;
        const key = one(k);
        setOwn(copy, typeof key === "string" ? key : String(key), visit(x));
      }
      return copy;
    }
    size += 4;
    return v;
  };
  const object = visit(obj) as JsonObject;
  if (stopped) return stopped;
  if (size > max) return new Limited("output");
  return { object, size, nodes };
}

/** A substituted object, with about its JSON length and its number of values (what it costs to keep). */
interface Substituted {
  object: JsonObject;
  size: number;
  nodes: number;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isSubstitutionDisabled(obj: JsonObject): boolean {
  return (
    getStringMap(obj, "labels")[SUBSTITUTE_KEY] === "disabled" ||
    getStringMap(obj, "annotations")[SUBSTITUTE_KEY] === "disabled"
  );
}

/**
 * One object: serialize, substitute as text, re-read with YAML 1.1 typing. A string is an error; the
 * size is what the substitution made (0 when the object is unchanged).
 */
function substituteOne(
  obj: JsonObject,
  lookup: VariableLookup,
  options: EnvsubstOptions,
): Substituted | string | Limited {
  // envsubst only acts on "$": an object without one is unchanged (the serializer round-trips exactly).
  if (!containsDollar(obj)) return { object: obj, size: 0, nodes: 0 };
  const fast = substituteValues(obj, lookup, options);
  if (fast !== undefined) return fast;
  const text = stringifyYaml(obj);
  const substituted = envsubst(text, lookup, options);
  if (!substituted.ok) {
    return limited(substituted) ?? `envsubst error: variable substitution failed: ${substituted.error}`;
  }
  if (substituted.value === text) return { object: obj, size: 0, nodes: 0 };
  const parsed = readYamlDocuments(substituted.value, `${objectRef(obj)} (after substitution)`, {
    tags: YAML11_TAGS,
  });
  const problem = parsed.diagnostics.find((d) => d.severity === "error");
  if (!parsed.ok || problem !== undefined) {
    const where = problem?.line === undefined ? "" : ` (line ${problem.line} of the substituted YAML)`;
    return `envsubst error: YAMLToJSON: ${problem?.message ?? "invalid YAML"}${where}`;
  }
  const doc = parsed.documents[0];
  if (parsed.documents.length !== 1 || doc === undefined || !isJsonObject(doc.value)) {
    return "envsubst error: the substituted YAML is not a single mapping";
  }
  // A value may bring anchors and aliases of its own: the object read back is measured, not the text.
  const size = Math.max(parsed.bytes ?? 0, substituted.value.length);
  if (size > (options.maxOutput ?? Number.POSITIVE_INFINITY)) return new Limited("output");
  return { object: doc.value, size, nodes: parsed.nodes ?? 0 };
}

/** Flux's wording: "post build failed for 'Kind.version.group/name': …". */
function failure(obj: JsonObject, message: string): string {
  return `post build failed for '${objectRef(obj)}': ${message}`;
}

/** kustomize's Gvk.String() + "/" + name, as kustomize-controller prints it. */
export function objectRef(obj: JsonObject): string {
  const { group, version, kind } = gvkOf(obj);
  return `${kind || "[noKind]"}.${version || "[noVer]"}.${group || "[noGrp]"}/${getName(obj)}`;
}

interface SourceEntry {
  key: string;
  value: string;
  unknown: boolean;
}

const SOPS_VALUE = /^ENC\[AES256_GCM,/;

/** The key/value pairs a ConfigMap or Secret contributes, in key order of the object. */
function readSourceEntries(
  kind: "ConfigMap" | "Secret",
  obj: JsonObject,
  source: string,
  errors: string[],
): SourceEntry[] {
  const entries: SourceEntry[] = [];
  const read = (field: "data" | "stringData", base64: boolean): void => {
    const map = obj[field];
    if (map === undefined || map === null) return;
    if (!isJsonObject(map)) {
      errors.push(`substitute from '${source}' error: ${field} is not a map`);
      return;
    }
    for (const [key, raw] of Object.entries(map)) {
      if (raw !== null && typeof raw === "object") {
        errors.push(`substitute from '${source}' error: ${field}.${key} is not a string`);
        continue;
      }
      // null reads as "" (as JSON null into a Go string); numbers and booleans are kept as written.
      const text = raw === null ? "" : String(raw);
      if (SOPS_VALUE.test(text)) {
        entries.push({ key, value: placeholder(key), unknown: true });
        continue;
      }
      const value = base64 ? decodeBase64(text) : text;
      if (value === undefined)
        errors.push(`substitute from '${source}' error: ${field}.${key} is not valid base64`);
      else entries.push({ key, value, unknown: false });
    }
  };
  if (kind === "ConfigMap") read("data", false);
  else {
    read("data", true);
    read("stringData", false); // the API server merges stringData over data
  }
  return entries;
}

/** Go's base64.StdEncoding as encoding/json uses it for []byte: padding required, CR/LF ignored. */
function decodeBase64(text: string): string | undefined {
  const clean = text.replace(/[\r\n]/g, "");
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
  const binary = atob(clean);
  const bytes = new Uint8Array(binary.length);
  for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
  return new TextDecoder().decode(bytes);
}

const PLACEHOLDER_PREFIX = "..PLACEHOLDER_";

/** The stand-in for a value that is not known offline (flux-local's convention, stable across revisions). */
export function placeholder(name: string): string {
  return `${PLACEHOLDER_PREFIX}${name}..`;
}

/** Whether a text holds a placeholder: a value somewhere in it is not known offline. */
export function holdsPlaceholder(text: string): boolean {
  return text.includes(PLACEHOLDER_PREFIX);
}

function containsDollar(root: JsonValue): boolean {
  const stack: JsonValue[] = [root];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (typeof v === "string") {
      if (v.includes("$")) return true;
    } else if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes("$")) return true;
        stack.push(x);
      }
    }
  }
  return false;
}

/**
 * The common case without serializing: every "$" sits in a string value that the serializer writes as a
 * plain scalar, and each substituted value is again a simple plain scalar. Then substituting the YAML text
 * and re-reading it (what Flux does) equals substituting each value and typing the result as a YAML 1.1
 * plain scalar, which is what this does. Anything else (keys with "$", values that need quoting, results
 * with spaces or YAML indicators, envsubst errors) returns undefined and takes the text path.
 */
function substituteValues(
  obj: JsonObject,
  lookup: VariableLookup,
  options: EnvsubstOptions,
): Substituted | Limited | undefined {
  const max = options.maxOutput ?? Number.POSITIVE_INFINITY;
  let failed = false;
  let stopped: Limited | undefined;
  // About the JSON length of the object made (as if every container were copied), and its number of
  // values.
  let size = 0;
  let nodes = 0;
  const visit = (v: JsonValue): JsonValue => {
    if (failed) return v;
    nodes++;
    if (typeof v === "string") {
      if (!v.includes("$")) {
        size += v.length + 2;
        return v;
      }
      if (!isSimplePlain(v)) {
        failed = true;
        return v;
      }
      const out = envsubst(v, lookup, { ...options, maxOutput: max - size });
      if (!out.ok) {
        stopped = limited(out);
        failed = true;
        return v;
      }
      if (!SIMPLE_RESULT.test(out.value)) {
        failed = true;
        return v;
      }
      size += out.value.length + 2;
      return resolveYaml11Plain(out.value) as JsonValue;
    }
    // A container none of whose values changed is kept, not copied: the substituted object shares it
    // with the unsubstituted one (the build keeps both). `size` still counts it as copied, so the
    // substitution limits read as before.
    if (Array.isArray(v)) {
      size += 2 + v.length;
      let copy: JsonValue[] | undefined;
      for (let i = 0; i < v.length; i++) {
        const x = v[i]!;
        const y = visit(x);
        if (copy === undefined && !Object.is(x, y)) copy = v.slice(0, i);
        copy?.push(y);
      }
      return copy ?? v;
    }
    if (v !== null && typeof v === "object") {
      size += 2;
      const entries = Object.entries(v);
      let copy: JsonObject | undefined;
      for (let i = 0; i < entries.length; i++) {
        const [k, x] = entries[i]!;
        if (k.includes("$")) failed = true;
        size += k.length + 4;
        const y = visit(x);
        if (copy === undefined && !Object.is(x, y)) {
          copy = {};
          for (const [pk, px] of entries.slice(0, i)) setOwn(copy, pk, px);
        }
        if (copy) setOwn(copy, k, y);
      }
      return copy ?? v;
    }
    size += 4;
    return v;
  };
  const result = visit(obj);
  if (stopped) return stopped;
  if (failed) return undefined;
  if (size > max) return new Limited("output");
  return { object: result as JsonObject, size, nodes };
}

/** A value the serializer writes plain on one line: no indicator first, no ": " or " #", no edge spaces. */
function isSimplePlain(s: string): boolean {
  return SIMPLE_SOURCE.test(s) && !s.includes(": ") && !s.includes(" #") && !s.endsWith(":");
}

const SIMPLE_SOURCE = /^[^\s\-?:,[\]{}#&*!|>'"%@`][^\n\r\t]*[^\s]$|^[^\s\-?:,[\]{}#&*!|>'"%@`]$/;
/** Substituted text that reads back as exactly one plain scalar (or nothing: an empty value is null). */
const SIMPLE_RESULT = /^(?:[A-Za-z0-9_./@=+~^()$][A-Za-z0-9_./@=+~^()$,-]*(?::[A-Za-z0-9_./@=+~^()$,-]+)*)?$/;
