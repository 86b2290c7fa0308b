/**
 * The effective values of a HelmRelease: what helm-controller passes to Helm (fluxcd/pkg chartutil
 * ChartValuesFromReferences). valuesFrom references are processed in order — without `targetPath` the key
 * is read as YAML (sigs.k8s.io/yaml, so YAML 1.1 scalars) and deep-merged (maps merge, lists and scalars
 * replace); with `targetPath` the inline values are merged first and the value is set with Helm `--set`
 * syntax (or verbatim with `literal: true`) — then inline `spec.values` is merged on top.
 *
 * Offline differences, by design: a missing object or key is skipped whether or not it is optional
 * (`found: false`; Flux would fail a non-optional one), and so is a reference that fails to parse or
 * merge (`error`). Values that came from a Secret, or from SOPS ciphertext, are never returned in clear:
 * their leaves are replaced by fingerprints and their paths listed in `secretPaths`. An opaque reference
 * without targetPath (an encrypted or cluster-created values document) contributes nothing but its
 * fingerprint in `sources`.
 */
import { EngineLimit } from "../diagnostics.ts";
import { cloneJson, isJsonObject, type JsonObject, type JsonValue, setOwn } from "../kustomize/resource.ts";
import type { HelmReleaseNode, RepositoryModel } from "../model.ts";
import { fingerprint } from "../secrets/redact.ts";
import { type ByteBudget, sizeText } from "../util/budget.ts";
import { readYamlDocuments } from "../yaml/read-documents.ts";
import { YAML11_TAGS } from "../yaml/scalar-schemas.ts";
import {
  type GrowthMeter,
  type PathSegment,
  replacePathLiteralValue,
  replacePathValue,
} from "./helm-strvals.ts";
import { childPath, pathText } from "./helm-value-paths.ts";
import { readValuesKey } from "./helm-values-source.ts";

export interface ValuesSource {
  kind: string;
  name: string;
  key: string;
  /** The object and its key exist (or, for an opaque Secret, an object creates it in the cluster). */
  found: boolean;
  optional: boolean;
  targetPath?: string;
  /** The content cannot be read offline (SOPS ciphertext, or a Secret created in the cluster). */
  opaque?: boolean;
  /** "<redacted sha256:…>" of the key's content: tells versions apart without the value. */
  fingerprint?: string;
  /** Why Flux would fail on this reference (bad YAML, bad base64, unsupported kind, bad targetPath). */
  error?: string;
}

export interface EffectiveValues {
  values: JsonObject;
  /** Paths (helm-value-paths syntax) whose value came from a Secret or from ciphertext; never to be shown. */
  secretPaths: Set<string>;
  sources: ValuesSource[];
}

const DEFAULT_VALUES_KEY = "values.yaml";

/** Our own bound on valuesFrom references per HelmRelease (each merges every value so far). */
export const MAX_VALUES_FROM = 1000;

/**
 * `budget`: what reading valuesFrom documents may cost, shared by the HelmReleases of one comparison
 * (a thousand HelmReleases reading one 1 MB ConfigMap parse a gigabyte). Over it, or over the engine's
 * other bounds, an EngineLimit is thrown: the caller reports the HelmRelease's values as unknown.
 */
export function effectiveValues(
  model: Pick<RepositoryModel, "kustomizations">,
  hr: HelmReleaseNode,
  budget?: ByteBudget,
): EffectiveValues {
  if (hr.valuesFrom.length > MAX_VALUES_FROM)
    throw new EngineLimit(`more than ${MAX_VALUES_FROM} valuesFrom references`);
  const growth: GrowthMeter = { entries: 0 };
  const spec = isJsonObject(hr.object.spec) ? hr.object.spec : {};
  // helm-controller's GetValues: anything but a map reads as no values. A private copy: the merge below
  // shares and mutates its maps exactly as Go does.
  const inline = isJsonObject(spec.values) ? (cloneJson(spec.values) as JsonObject) : {};
  const secretPaths = new Set<string>();
  const sources: ValuesSource[] = [];
  let result: JsonObject = {};

  for (const ref of hr.valuesFrom) {
    const key = ref.valuesKey || DEFAULT_VALUES_KEY;
    const source: ValuesSource = {
      kind: ref.kind,
      name: ref.name,
      key,
      found: false,
      optional: ref.optional === true,
    };
    if (ref.targetPath) source.targetPath = ref.targetPath;
    sources.push(source);
    if (ref.kind !== "ConfigMap" && ref.kind !== "Secret") {
      source.error = "unsupported values reference kind";
      continue;
    }
    const read = readValuesKey(model, ref.kind, hr.namespace, ref.name, key);
    if (read.status === "missing-object" || read.status === "missing-key") continue;
    source.found = true;
    if (read.status === "error") {
      source.error = read.error;
      continue;
    }
    source.fingerprint = read.fingerprint;
    if (budget && !budget.charge(read.status === "opaque" ? 0 : read.text.length))
      throw new EngineLimit(
        `the valuesFrom documents read to compare HelmReleases exceed ${sizeText(budget.limit)}`,
      );
    const secret = ref.kind === "Secret" || read.status === "opaque";
    if (read.status === "opaque") source.opaque = true;
    const onSet = secret ? (path: PathSegment[]) => secretPaths.add(pathText(path)) : undefined;

    if (ref.targetPath) {
      result = mergeMaps(result, inline);
      const literal = (ref as { literal?: unknown }).literal === true || read.status === "opaque";
      const text = read.status === "opaque" ? read.fingerprint : read.text;
      const err = literal
        ? replacePathLiteralValue(result, ref.targetPath, text, onSet, growth)
        : replacePathValue(result, ref.targetPath, text, onSet, growth);
      if (err !== undefined) source.error = `failed to merge value: ${err}`;
      continue;
    }
    if (read.status === "opaque") continue;
    const parsed = readValuesDocument(read.text);
    if (typeof parsed === "string") {
      source.error = `failed to read values data: ${parsed}`;
      continue;
    }
    if (secret) for (const p of leafPaths(parsed)) secretPaths.add(p);
    result = mergeMaps(result, parsed);
  }
  const merged = mergeMaps(result, inline);
  return { values: maskSecrets(merged, secretPaths), secretPaths, sources };
}

/** Helm's ReadValues: the first YAML document, a map; empty or null reads as no values. */
function readValuesDocument(text: string): JsonObject | string {
  const read = readYamlDocuments(text, "values", { tags: YAML11_TAGS });
  if (!read.ok) return read.diagnostics[0]?.message ?? "invalid YAML";
  const value = read.documents[0]?.value;
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) return "the values document is not a map";
  return cloneJson(value) as JsonObject;
}

/**
 * chartutil.MergeMaps: a new top-level map; where both sides hold a map the merge recurses into a new
 * map, otherwise b's value (shared, not copied) replaces a's. Iterative.
 */
export function mergeMaps(a: JsonObject, b: JsonObject): JsonObject {
  const root = shallowCopy(a);
  const stack: Array<[JsonObject, JsonObject]> = [[root, b]];
  while (stack.length > 0) {
    const [out, src] = stack.pop()!;
    for (const k of Object.keys(src)) {
      const v = src[k] as JsonValue;
      const current = Object.hasOwn(out, k) ? out[k] : undefined;
      if (isJsonObject(v) && isJsonObject(current)) {
        const merged = shallowCopy(current);
        setOwn(out, k, merged);
        stack.push([merged, v]);
      } else setOwn(out, k, v);
    }
  }
  return root;
}

function shallowCopy(o: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const k of Object.keys(o)) setOwn(out, k, o[k] as JsonValue);
  return out;
}

/** Paths of the leaves (scalars, empty maps and lists) of a value. Iterative. */
export function leafPaths(root: JsonValue): string[] {
  const out: string[] = [];
  const stack: Array<[string, JsonValue]> = [["", root]];
  while (stack.length > 0) {
    const [path, v] = stack.pop()!;
    const children = childrenOf(v);
    if (children.length === 0) {
      if (path !== "") out.push(path);
      continue;
    }
    for (const [seg, c] of children) stack.push([childPath(path, seg), c]);
  }
  return out;
}

export function childrenOf(v: JsonValue): Array<[PathSegment, JsonValue]> {
  if (Array.isArray(v)) return v.map((c, i) => [i, c]);
  if (isJsonObject(v)) return Object.keys(v).map((k) => [k, v[k] as JsonValue]);
  return [];
}

/** A fresh copy of the values in which every subtree at a secret path has its leaves fingerprinted. */
function maskSecrets(values: JsonObject, secretPaths: ReadonlySet<string>): JsonObject {
  const root: JsonObject = {};
  type Task = { path: string; src: JsonValue; secret: boolean; put: (v: JsonValue) => void };
  const stack: Task[] = [];
  for (const k of Object.keys(values)) {
    const path = childPath("", k);
    stack.push({
      path,
      src: values[k] as JsonValue,
      secret: secretPaths.has(path),
      put: (v) => setOwn(root, k, v),
    });
  }
  while (stack.length > 0) {
    const { path, src, secret, put } = stack.pop()!;
    if (Array.isArray(src) || isJsonObject(src)) {
      const copy: JsonObject | JsonValue[] = Array.isArray(src) ? [] : {};
      put(copy);
      for (const [seg, c] of childrenOf(src)) {
        const p = childPath(path, seg);
        const isSecret = secret || secretPaths.has(p);
        const putChild = Array.isArray(copy)
          ? (v: JsonValue) => {
              copy[seg as number] = v;
            }
          : (v: JsonValue) => setOwn(copy, seg as string, v);
        stack.push({ path: p, src: c, secret: isSecret, put: putChild });
      }
      continue;
    }
    put(secret ? fingerprint(typeof src === "string" ? src : JSON.stringify(src)) : src);
  }
  return root;
}
