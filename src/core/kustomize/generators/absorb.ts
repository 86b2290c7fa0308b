/**
 * Adding generated resources to the accumulated resource map, honouring `behavior` (kustomize's
 * resWrangler.appendReplaceOrMerge, api/resmap/reswrangler.go, with Resource.CopyMergeMetaDataFieldsFrom
 * and MergeDataMapFrom from api/resource/resource.go).
 *
 * The generated object is matched against the current and previous ids of what is there. `create` (the
 * default) appends and fails on a match; `replace` and `merge` need exactly one match and take over its
 * name, namespace and rename history, with labels and annotations merged (the generator's keys win).
 * `merge` also merges data and binaryData. The result keeps a hash suffix only when both the existing
 * object and the generator want one. Hashing itself happens later (hash.ts).
 */
import type { ResMap } from "../resmap.ts";
import {
  curId,
  idEquals,
  idString,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  metadataOf,
  type Resource,
  setOwn,
} from "../resource.ts";

const ORIGIN_ANNOTATION = "config.kubernetes.io/origin";

/** ResAccumulator.AbsorbAll: returns kustomize's error messages; a failing resource is not added. */
export function absorbGenerated(resmap: ResMap, generated: Resource[]): string[] {
  const errors: string[] = [];
  for (const r of generated) {
    const e = appendReplaceOrMerge(resmap, r);
    if (e) errors.push(e);
  }
  return errors;
}

function appendReplaceOrMerge(resmap: ResMap, res: Resource): string | undefined {
  const id = curId(res);
  const behavior = res.generator?.behavior ?? "create";
  const matches = resmap.matchingAnyId((other) => idEquals(id, other));
  if (matches.length > 1) {
    const ids = matches.map((m) => idString(curId(m))).join(" ");
    return `found multiple objects [${ids}] that could accept merge of ${idString(id)}`;
  }
  const old = matches[0];
  if (!old) {
    if (behavior !== "create") return `id ${idString(id)} does not exist; cannot merge or replace`;
    return resmap.append(res);
  }
  if (behavior === "create") return `id ${idString(id)} exists; behavior must be merge or replace`;
  const oldOrigin = stringMap(old.obj, "annotations")[ORIGIN_ANNOTATION];
  copyMergeMetaData(res, old);
  if (behavior === "merge") {
    for (const field of ["data", "binaryData"] as const) {
      setDataMap(res.obj, field, { ...dataMap(old.obj, field), ...dataMap(res.obj, field) });
    }
    if (oldOrigin !== undefined)
      setMap(res.obj, "annotations", {
        ...stringMap(res.obj, "annotations"),
        [ORIGIN_ANNOTATION]: oldOrigin,
      });
    res.origin = old.origin;
  }
  resmap.replace(old, res);
  return undefined;
}

/** CopyMergeMetaDataFieldsFrom: labels/annotations merged, name/namespace/build bookkeeping from `old`. */
function copyMergeMetaData(res: Resource, old: Resource): void {
  setMap(res.obj, "labels", { ...stringMap(old.obj, "labels"), ...stringMap(res.obj, "labels") });
  setMap(res.obj, "annotations", {
    ...stringMap(old.obj, "annotations"),
    ...stringMap(res.obj, "annotations"),
  });
  const meta = metadataOf(res.obj);
  const oldMeta = metadataOf(old.obj);
  meta.name = typeof oldMeta.name === "string" ? oldMeta.name : "";
  if (typeof oldMeta.namespace === "string" && oldMeta.namespace !== "") meta.namespace = oldMeta.namespace;
  else delete meta.namespace;
  res.prevIds = old.prevIds.map((x) => ({ ...x }));
  res.prefixes = [...old.prefixes];
  res.suffixes = [...old.suffixes];
  res.refBy = old.refBy.map((x) => ({ ...x }));
  // Build annotations come from the old object; the hash flag survives only if the new one has it too.
  res.generator = {
    behavior: old.generator?.behavior ?? "create",
    hashSuffix: old.generator?.hashSuffix === true && res.generator?.hashSuffix === true,
  };
}

/** kyaml GetLabels/GetAnnotations: every scalar value as its text. */
function stringMap(obj: JsonObject, field: "labels" | "annotations"): Record<string, string> {
  const m = isJsonObject(obj.metadata) ? obj.metadata[field] : undefined;
  return isJsonObject(m) ? scalarTexts(m) : {};
}

/** kyaml GetDataMap: the fields of a mapping with their scalar text ("" for non-scalars); {} otherwise. */
function dataMap(obj: JsonObject, field: "data" | "binaryData"): Record<string, string> {
  const m = obj[field];
  return isJsonObject(m) ? scalarTexts(m) : {};
}

function scalarTexts(m: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) setOwn(out, k, scalarText(v));
  return out;
}

function scalarText(v: JsonValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return "";
}

/** kyaml setMapInMetadata: clear the field, then set it only when the map is not empty. */
function setMap(obj: JsonObject, field: "labels" | "annotations", m: Record<string, string>): void {
  const meta = metadataOf(obj);
  delete meta[field];
  if (Object.keys(m).length) meta[field] = m;
}

/** SetDataMap / SetBinaryDataMap: clear the field, then set it only when the map is not empty. */
function setDataMap(obj: JsonObject, field: "data" | "binaryData", m: Record<string, string>): void {
  delete obj[field];
  if (Object.keys(m).length) obj[field] = m;
}
