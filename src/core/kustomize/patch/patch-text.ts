/**
 * Reading patch text the way kustomize's patch transformers do: as strategic-merge documents
 * (resource.Factory.SliceFromBytes: go-yaml v3 typing, every document needs kind and metadata.name,
 * `…List` documents with items are expanded) and/or as JSON 6902 operations (text starting with "[" is
 * JSON, anything else YAML read with go-yaml v2 / YAML 1.1 typing, first document only).
 */
import type { AnalysisSession } from "../../session.ts";
import { readYamlDocuments } from "../../yaml/read-documents.ts";
import { YAML11_TAGS } from "../../yaml/scalar-schemas.ts";
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "../resource.ts";
import { getValue, isNilOrEmpty } from "./kyaml-nodes.ts";

export type SmParse = { ok: true; patches: JsonObject[] } | { ok: false; error: string };
export type JsonParse = { ok: true; ops: JsonValue[] | null } | { ok: false; error: string };
export type PatchParse =
  | { ok: true; kind: "smp"; patches: JsonObject[] }
  | { ok: true; kind: "json"; ops: JsonValue[] }
  | { ok: false; error: string };

/**
 * parsePatchText with results shared across the builds of one analysis session, returned as fresh
 * copies: the same inline patch is often applied by dozens of Kustomizations (a parent's spec.patches).
 */
export function parsePatchTextCached(session: AnalysisSession, text: string, source: string): PatchParse {
  const cache = session.patches;
  const key = `${source}\u0000${text}`;
  let parsed = cache.get(key);
  if (!parsed) {
    parsed = parsePatchText(text, source);
    cache.set(key, parsed);
  }
  if (!parsed.ok) return parsed;
  return parsed.kind === "smp"
    ? { ok: true, kind: "smp", patches: parsed.patches.map((p) => cloneJson(p) as JsonObject) }
    : { ok: true, kind: "json", ops: parsed.ops.map((o) => cloneJson(o)) };
}

/** The `patches` field's detection (PatchTransformer.Config); `source` is "[patch: …]" or "[path: …]". */
export function parsePatchText(text: string, source: string): PatchParse {
  const sm = parseStrategicMergePatches(text);
  const json = parseJsonPatch(text);
  const smNonEmpty = sm.ok && sm.patches.length > 0;
  const jsonNonNull = json.ok && json.ops !== null;
  if ((sm.ok && json.ok) || (smNonEmpty && jsonNonNull)) {
    return { ok: false, error: `illegally qualifies as both an SM and JSON patch: ${source}` };
  }
  if (!sm.ok && !json.ok) return { ok: false, error: `unable to parse SM or JSON patch from ${source}` };
  if (smNonEmpty) return { ok: true, kind: "smp", patches: sm.ok ? sm.patches : [] };
  return { ok: true, kind: "json", ops: json.ok ? (json.ops ?? []) : [] };
}

/** Strategic-merge patch documents, in kustomize's order (expanded List items last). */
export function parseStrategicMergePatches(text: string): SmParse {
  const read = readYamlDocuments(text, "patch");
  if (!read.ok)
    return { ok: false, error: `MalformedYAMLError: ${read.diagnostics[0]?.message ?? "invalid YAML"}` };
  const out: JsonObject[] = [];
  const queue: JsonValue[] = [];
  for (const doc of read.documents) {
    const v = doc.value as JsonValue;
    if (isNilOrEmpty(v)) continue;
    const invalid = validateMetadata(v);
    if (invalid) return { ok: false, error: invalid };
    queue.push(v);
  }
  while (queue.length > 0) {
    const n = queue.shift() as JsonObject;
    const kind = getValue(n.kind);
    if (!kind.endsWith("List") || !Object.hasOwn(n, "items")) {
      out.push(n);
      continue;
    }
    const items = n.items;
    if (items === null) continue;
    if (!Array.isArray(items))
      return { ok: false, error: `expected array in ${kind}/items, but found ${typeof items}` };
    for (const item of items) {
      if (!isJsonObject(item)) return { ok: false, error: `${kind}/items must hold objects` };
      queue.push(item);
    }
  }
  return { ok: true, patches: out };
}

/** kyaml's GetValidatedMetadata for a patch document. */
function validateMetadata(v: JsonValue): string | undefined {
  if (!isJsonObject(v)) return "missing Resource metadata";
  const meta = isJsonObject(v.metadata) ? v.metadata : undefined;
  const kind = isNilOrEmpty(v.kind) ? "" : getValue(v.kind);
  const name = meta && !isNilOrEmpty(meta.name) ? getValue(meta.name) : "";
  const hasAny =
    !isNilOrEmpty(v.apiVersion) ||
    kind !== "" ||
    (meta !== undefined &&
      ["name", "namespace", "labels", "annotations"].some((k) => !isNilOrEmpty(meta[k])));
  if (!hasAny) return "missing Resource metadata";
  if (kind === "") return `missing kind in object ${JSON.stringify(v)}`;
  if (kind.endsWith("List")) return undefined;
  if (name === "") return `missing metadata.name in object ${JSON.stringify(v)}`;
  return undefined;
}

/** jsonPatchFromBytes / patchjson6902 decodePatch: `ops` null when the text decodes to null. */
export function parseJsonPatch(text: string): JsonParse {
  if (text === "") return { ok: false, error: "empty json patch operations" };
  let value: unknown;
  if (text.startsWith("[")) {
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  } else {
    const read = readYamlDocuments(text, "patch", { tags: YAML11_TAGS });
    const first = read.documents[0];
    if (!read.ok && (!first || (read.diagnostics[0]?.line ?? 0) <= first.line)) {
      return { ok: false, error: read.diagnostics[0]?.message ?? "invalid YAML" };
    }
    value = first ? first.value : null;
  }
  if (value === null) return { ok: true, ops: null };
  if (!Array.isArray(value))
    return { ok: false, error: "json: cannot unmarshal object into Go value of type jsonpatch.Patch" };
  for (const op of value) {
    if (op !== null && !isJsonObject(op)) {
      return {
        ok: false,
        error: "json: cannot unmarshal non-object into Go value of type jsonpatch.Operation",
      };
    }
  }
  return { ok: true, ops: value as JsonValue[] };
}
