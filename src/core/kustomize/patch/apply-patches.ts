/**
 * The kustomization fields `patches`, `patchesStrategicMerge` and `patchesJson6902` (kustomize's
 * PatchTransformer, PatchStrategicMergeTransformer and PatchJson6902Transformer): reading patch text,
 * choosing targets, applying, and the bookkeeping kustomize does around it (restoring name/namespace/kind
 * after a strategic merge, previous ids, annotation clean-up after JSON patches, deleting objects).
 *
 * Problems are reported on the level's kustomization entry; a resource that cannot be patched is left as
 * it was. Not here: the merge and JSON-patch algorithms, target matching (select.ts).
 */
import type { DiagnosticCode } from "../../diagnostics.ts";
import { heapCost } from "../../util/budget.ts";
import { measureValue } from "../../yaml/measure.ts";
import { type Level, levelLocation, readRelative } from "../context.ts";
import type { Json6902Entry, PatchEntry, Target } from "../kustomization-file.ts";
import type { ResMap } from "../resmap.ts";
import { idEquals, idString, type JsonObject, type JsonValue, type Resource, resIdOf } from "../resource.ts";
import { applyJson6902 } from "./json6902.ts";
import { parseJsonPatch, parsePatchTextCached, parseStrategicMergePatches } from "./patch-text.ts";
import { trySelectResources } from "./select.ts";
import {
  applySmPatch,
  normalizeAnnotations,
  type SmpOptions,
  stringifyPatchMetadata,
  withInternalAnnotations,
} from "./smp-resource.ts";

interface Problem {
  code: DiagnosticCode;
  message: string;
}

const invalid = (message: string): Problem => ({ code: "kustomize-patch-invalid", message });
const NO_OPTIONS: SmpOptions = { allowNameChange: false, allowKindChange: false };

/**
 * What one application of a patch costs the build's byte budget: the patch's content (copied into the
 * target) and a fixed part for copying the target. False once the budget is spent.
 */
type Charge = () => boolean;

function patchCharge(level: Level, patch: unknown, at: Parameters<typeof levelLocation>[1]): Charge {
  const cost = heapCost(measureValue(patch)) + 256;
  return () => level.ctx.charge(cost, () => levelLocation(level, at));
}

export function applyPatches(level: Level, resmap: ResMap, entries: PatchEntry[], field = "patches"): void {
  entries.forEach((entry, i) => {
    for (const p of patchEntry(level, resmap, entry, field, i)) {
      level.ctx.report(p.code, p.message, levelLocation(level, [field, i]));
    }
  });
}

function patchEntry(level: Level, resmap: ResMap, entry: PatchEntry, field: string, i: number): Problem[] {
  const inline = (entry.patch ?? "").trim();
  if (inline !== "" && entry.path) return [invalid("patch and path can't be set at the same time")];
  if (inline === "" && !entry.path) return [invalid("must specify one of patch and path")];
  let text = inline;
  let source = `[patch: ${JSON.stringify(inline)}]`;
  if (entry.path) {
    const read = readRelative(level, entry.path, "patch file", [field, i, "path"]);
    if (!read.ok) return [];
    text = read.text;
    source = `[path: ${JSON.stringify(entry.path)}]`;
  }
  const parsed = parsePatchTextCached(level.ctx.snapshot.session, text, source);
  if (!parsed.ok) return [invalid(parsed.error)];
  const charge = patchCharge(level, parsed.kind === "json" ? parsed.ops : parsed.patches, [field, i]);
  if (parsed.kind === "json") {
    if (!entry.target) return [invalid(`must specify a target for JSON patch ${source}`)];
    return applyJsonToTargets(resmap, entry.target, parsed.ops, true, charge).map(invalid);
  }
  const options: SmpOptions = {
    allowNameChange: entry.options?.allowNameChange === true,
    allowKindChange: entry.options?.allowKindChange === true,
  };
  if (entry.target) {
    const [patch, ...more] = parsed.patches;
    if (!patch || more.length > 0) {
      return [
        invalid(
          `Multiple Strategic-Merge Patches in one \`patches\` entry is not allowed to set \`patches.target\` field: ${source}`,
        ),
      ];
    }
    const selected = trySelectResources(resmap, entry.target);
    if (!selected.ok) {
      const t = JSON.stringify(targetString(entry.target));
      return [invalid(`unable to find patch target ${t} in \`resources\`: ${selected.error}`)];
    }
    return applyToSet(resmap, selected.resources, patch, options, charge).map(invalid);
  }
  const problems: Problem[] = [];
  for (const patch of parsed.patches) {
    if (!charge()) break;
    const found = findByAnyId(resmap, patch);
    if (typeof found === "string") {
      const message = `no resource matches strategic merge patch "${idString(resIdOf(patch))}": ${found}`;
      problems.push({ code: "kustomize-patch-no-match", message });
      continue;
    }
    const r = applySmPatch(found, patch, options);
    if (!r.ok) problems.push(invalid(r.error));
    else if (r.deleted) resmap.remove(found);
  }
  return problems;
}

export function applyPatchesStrategicMerge(level: Level, resmap: ResMap, entries: string[]): void {
  const field = "patchesStrategicMerge";
  // kustomize loads every entry before applying any.
  const loaded: Array<{ patch: JsonObject; at: number; charge: Charge }> = [];
  entries.forEach((entry, i) => {
    const report = (message: string) =>
      level.ctx.report("kustomize-patch-invalid", message, levelLocation(level, [field, i]));
    // Legacy: the entry is first tried as patch content, then as a file path.
    const inline = parseStrategicMergePatches(entry);
    if (inline.ok) {
      for (const patch of inline.patches)
        loaded.push({ patch, at: i, charge: patchCharge(level, patch, [field, i]) });
      return;
    }
    if (entry.trim().includes("\n")) {
      report(inline.error);
      return;
    }
    const read = readRelative(level, entry, "patch file", [field, i]);
    if (!read.ok) return;
    const parsed = parseStrategicMergePatches(read.text);
    if (!parsed.ok) report(`${parsed.error} (in ${entry})`);
    else
      for (const patch of parsed.patches)
        loaded.push({ patch, at: i, charge: patchCharge(level, patch, [field, i]) });
  });
  for (const { patch, at, charge } of loaded) {
    const location = levelLocation(level, [field, at]);
    const found = findByAnyId(resmap, patch);
    if (typeof found === "string") level.ctx.report("kustomize-patch-no-match", found, location);
    else
      for (const e of applyToSet(resmap, [found], patch, NO_OPTIONS, charge))
        level.ctx.report("kustomize-patch-invalid", e, location);
  }
}

export function applyPatchesJson6902(level: Level, resmap: ResMap, entries: Json6902Entry[]): void {
  entries.forEach((entry, i) => {
    for (const message of json6902Entry(level, resmap, entry, i)) {
      level.ctx.report("kustomize-patch-invalid", message, levelLocation(level, ["patchesJson6902", i]));
    }
  });
}

function json6902Entry(level: Level, resmap: ResMap, entry: Json6902Entry, i: number): string[] {
  if (!entry.target?.name) return ["must specify the target name"];
  if (!entry.path && !entry.patch) return ["empty file path and empty jsonOp"];
  if (entry.path && entry.patch) return ["must specify a file path or jsonOp, not both"];
  let text = entry.patch ?? "";
  if (entry.path) {
    const read = readRelative(level, entry.path, "patch file", ["patchesJson6902", i, "path"]);
    if (!read.ok) return [];
    if (read.text === "") return [`patch file '${entry.path}' empty seems to be empty`];
    text = read.text;
  }
  const parsed = parseJsonPatch(text);
  if (!parsed.ok) return [`decoding ${text}: ${parsed.error}`];
  if (!parsed.ops || parsed.ops.length === 0)
    return [`patch appears to be empty; file=${entry.path ?? ""}, JsonOp=${text}`];
  return applyJsonToTargets(
    resmap,
    entry.target,
    parsed.ops,
    false,
    patchCharge(level, parsed.ops, ["patchesJson6902", i]),
  );
}

/** JSON-patch every selected resource; returns the distinct error messages. */
function applyJsonToTargets(
  resmap: ResMap,
  target: Target,
  ops: JsonValue[],
  storeId: boolean,
  charge: Charge,
): string[] {
  const selected = trySelectResources(resmap, target);
  if (!selected.ok) return [selected.error];
  const errors = new Set<string>();
  for (const r of selected.resources) {
    if (!charge()) break;
    // PatchTransformer stores the previous id before every JSON patch (a rename keeps the old id).
    const prevIds = storeId ? [...r.prevIds, resIdOf(r.obj)] : r.prevIds;
    const result = applyJson6902(withInternalAnnotations(r, prevIds), ops);
    if (!result.ok) {
      errors.add(result.error);
      continue;
    }
    const bad = normalizeAnnotations(result.value);
    if (bad) {
      errors.add(bad);
      continue;
    }
    r.prevIds = prevIds;
    r.obj = result.value;
  }
  return [...errors];
}

/**
 * resWrangler.ApplySmPatch: patch each resource of the set with a copy of `patch` carrying the resource's
 * apiVersion and string-map labels/annotations; resources the patch deletes are dropped.
 */
function applyToSet(
  resmap: ResMap,
  set: Resource[],
  patch: JsonObject,
  options: SmpOptions,
  charge: Charge,
): string[] {
  const errors = new Set<string>();
  for (const r of set) {
    if (!charge()) break;
    const copy = stringifyPatchMetadata(patch);
    if (r.obj.apiVersion === undefined) delete copy.apiVersion;
    else copy.apiVersion = r.obj.apiVersion;
    const result = applySmPatch(r, copy, options);
    if (!result.ok) errors.add(result.error);
    else if (result.deleted) resmap.remove(r);
  }
  return [...errors];
}

/** resWrangler.GetById: the one resource whose current or any previous id equals the patch's id. */
function findByAnyId(resmap: ResMap, patch: JsonObject): Resource | string {
  const id = resIdOf(patch);
  const matches = resmap.matchingAnyId((x) => idEquals(x, id));
  const text = idString(id);
  if (matches.length === 1 && matches[0]) return matches[0];
  const what = matches.length > 1 ? "multiple matches" : "no matches";
  return `${what} for Id ${text}; failed to find unique target for patch ${text}`;
}

/** types.Selector.String, for messages. */
function targetString(t: Target): string {
  const id = {
    group: t.group ?? "",
    version: t.version ?? "",
    kind: t.kind ?? "",
    name: t.name ?? "",
    namespace: t.namespace ?? "",
  };
  return `${idString(id)}:a=${t.annotationSelector ?? ""}:l=${t.labelSelector ?? ""}`;
}
