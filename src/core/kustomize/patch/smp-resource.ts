/**
 * What kustomize's Resource does around a patch (api/resource/resource.go): ApplySmPatch keeps the
 * resource's name, namespace and kind unless the patch entry allows changing them, a merge that empties
 * the object deletes it, and the metadata rewrites kustomize applies to patch copies and after JSON
 * patches (labels/annotations turned into string maps, empty maps removed).
 */
import {
  cloneJson,
  effectiveNamespace,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  type ResId,
  type Resource,
  resIdOf,
  setOwn,
} from "../resource.ts";
import { isEmptyMap } from "./kyaml-nodes.ts";
import { metadataStrings } from "./select.ts";
import { strategicMergePatch } from "./strategic-merge.ts";

export interface SmpOptions {
  allowNameChange: boolean;
  allowKindChange: boolean;
}

export type SmpApplied = { ok: true; deleted: boolean } | { ok: false; error: string };

/** Merge `patch` into `r.obj`; on success `r` is updated (or reported deleted), on failure untouched. */
export function applySmPatch(r: Resource, patch: JsonObject, options: SmpOptions): SmpApplied {
  const before = r.obj;
  const name = isJsonObject(before.metadata) ? before.metadata.name : undefined;
  const namespace = isJsonObject(before.metadata) ? before.metadata.namespace : undefined;
  const kind = before.kind;
  const merged = strategicMergePatch(before, patch);
  if (!merged.ok) return merged;
  if (merged.value === null || isEmptyMap(merged.value)) return { ok: true, deleted: true };
  const obj = merged.value;
  if (options.allowNameChange || options.allowKindChange) r.prevIds.push(resIdOf(before));
  if (!options.allowKindChange) obj.kind = typeof kind === "string" ? kind : "";
  const meta = isJsonObject(obj.metadata) ? obj.metadata : undefined;
  if (!options.allowNameChange) {
    const m = meta ?? {};
    setOwn(m, "name", typeof name === "string" ? name : "");
    obj.metadata = m;
  }
  if (typeof namespace === "string" && namespace !== "") {
    const m = isJsonObject(obj.metadata) ? obj.metadata : {};
    m.namespace = namespace;
    obj.metadata = m;
  } else if (isJsonObject(obj.metadata)) {
    delete obj.metadata.namespace;
  }
  r.obj = obj;
  return { ok: true, deleted: false };
}

/**
 * A copy of a patch as resWrangler.ApplySmPatch prepares it (CopyMergeMetaDataFieldsFrom): labels and
 * annotations become string maps, and an empty or null map is removed, so `labels: null` in such a patch
 * deletes nothing (verified with kubectl).
 */
export function stringifyPatchMetadata(patch: JsonObject): JsonObject {
  const copy = cloneJson(patch) as JsonObject;
  const meta = isJsonObject(copy.metadata) ? copy.metadata : undefined;
  if (meta) for (const field of ["labels", "annotations"] as const) rewriteStringMap(copy, meta, field);
  return copy;
}

const INTERNAL_PREFIX = "internal.config.kubernetes.io/";

/**
 * A copy of `r.obj` carrying the internal build annotations kustomize keeps on the object while it builds
 * (previous ids, prefixes, suffixes, generator flags). A JSON patch sees them: after PatchTransformer's
 * StorePreviousId every target has `metadata.annotations`, so `add /metadata/annotations/x` works on an
 * object without annotations (verified with kubectl).
 */
export function withInternalAnnotations(r: Resource, prevIds: readonly ResId[]): JsonObject {
  const obj = cloneJson(r.obj) as JsonObject;
  const internal: Array<[string, string]> = [];
  if (prevIds.length > 0) {
    internal.push(["previousKinds", prevIds.map((id) => id.kind).join(",")]);
    internal.push(["previousNames", prevIds.map((id) => id.name).join(",")]);
    internal.push([
      "previousNamespaces",
      prevIds.map((id) => effectiveNamespace(id) || "_non_namespaceable_").join(","),
    ]);
  }
  if (r.prefixes.length > 0) internal.push(["prefixes", r.prefixes.join(",")]);
  if (r.suffixes.length > 0) internal.push(["suffixes", r.suffixes.join(",")]);
  if (r.generator) internal.push(["generatorBehavior", r.generator.behavior]);
  if (r.generator?.hashSuffix) internal.push(["needsHashSuffix", "enabled"]);
  if (internal.length === 0) return obj;
  const meta = isJsonObject(obj.metadata) ? obj.metadata : {};
  obj.metadata = meta;
  const annotations = isJsonObject(meta.annotations) ? meta.annotations : {};
  meta.annotations = annotations;
  for (const [k, v] of internal) setOwn(annotations, INTERNAL_PREFIX + k, v);
  return obj;
}

/**
 * After a JSON patch kustomize re-sets metadata.annotations from their string values: non-string values
 * become text, an empty map disappears. Returns an error when annotations are not a map.
 */
export function normalizeAnnotations(obj: JsonObject): string | undefined {
  const meta = isJsonObject(obj.metadata) ? obj.metadata : undefined;
  if (!meta || !Object.hasOwn(meta, "annotations")) return undefined;
  const a = meta.annotations;
  if (Array.isArray(a))
    return "json: unsupported type: map[interface {}]interface {} (metadata.annotations is a list)";
  if (isJsonObject(a)) for (const k of Object.keys(a)) if (k.startsWith(INTERNAL_PREFIX)) delete a[k];
  rewriteStringMap(obj, meta, "annotations");
  return undefined;
}

function rewriteStringMap(obj: JsonObject, meta: JsonObject, field: "labels" | "annotations"): void {
  const values = metadataStrings(obj, field);
  const keys = Object.keys(values);
  if (keys.length === 0) {
    delete meta[field];
    return;
  }
  const out: JsonObject = {};
  for (const k of keys.sort()) setOwn(out, k, values[k] as JsonValue);
  meta[field] = out;
}
