/**
 * `commonLabels:` and `labels:`: kustomize's LabelTransformer (api/filters/labels) with the field specs
 * kusttarget_configplugin.go gives it.
 *
 * commonLabels use the config's commonLabels specs (metadata, selectors, pod templates). Each `labels`
 * entry uses its own `fields` plus the config's `labels` specs, then: with includeSelectors the
 * commonLabels specs; otherwise the templateLabels specs when includeTemplates, and always
 * metadata/labels. The orchestrator runs `labels` entries before commonLabels, as kustomize does.
 */

import { compareBytewise } from "../../snapshot/paths.ts";
import { stringifyYaml } from "../../yaml/stringify.ts";
import { type FieldSpec, fieldSpec, mergeFieldSpec, mergeFieldSpecs } from "../fieldspec/field-spec.ts";
import { applyFieldSpecs, type FieldSlot, nodeKindName, slotValue } from "../fieldspec/walk.ts";
import type { LabelEntry } from "../kustomization-file.ts";
import type { ResMap } from "../resmap.ts";
import { isJsonObject, type JsonValue, setOwn } from "../resource.ts";
import type { TransformerConfig } from "./transformer-config.ts";

export function applyCommonLabels(
  resmap: ResMap,
  labels: Record<string, string>,
  config: TransformerConfig,
): string[] {
  return setStringMap(resmap, labels, config.commonLabels);
}

export function applyLabels(resmap: ResMap, entries: LabelEntry[], config: TransformerConfig): string[] {
  for (const entry of entries) {
    const specs = labelEntrySpecs(entry, config);
    if (typeof specs === "string") return [specs];
    const errors = setStringMap(resmap, entry.pairs ?? {}, specs);
    if (errors.length) return errors;
  }
  return [];
}

/** The field specs one `labels` entry writes to, or kustomize's merge error. */
export function labelEntrySpecs(entry: LabelEntry, config: TransformerConfig): FieldSpec[] | string {
  const own = (entry.fields ?? []).map((f) =>
    fieldSpec(f.path, {
      group: f.group ?? "",
      version: f.version ?? "",
      kind: f.kind ?? "",
      create: f.create ?? false,
    }),
  );
  let merged = mergeFieldSpecs(own, config.labels);
  if (merged.error !== undefined) return `failed to merge labels: ${merged.error}`;
  if (entry.includeSelectors) {
    merged = mergeFieldSpecs(merged.list, config.commonLabels);
  } else {
    if (entry.includeTemplates) {
      merged = mergeFieldSpecs(merged.list, config.templateLabels);
      if (merged.error !== undefined) return `failed to merge template fieldSpec: ${merged.error}`;
    }
    merged = mergeFieldSpec(merged.list, fieldSpec("metadata/labels", { create: true }));
  }
  if (merged.error !== undefined) return `failed to merge labels: ${merged.error}`;
  return merged.list;
}

/**
 * Set every key of `map` in the maps the field specs reach (creating maps where a spec says `create`);
 * kustomize's labels and annotations filters. Returns the first error, as upstream stops there.
 */
export function setStringMap(
  resmap: ResMap,
  map: Record<string, string>,
  specs: readonly FieldSpec[],
): string[] {
  const keys = Object.keys(map).sort(compareBytewise);
  if (keys.length === 0) return [];
  for (const r of resmap.resources) {
    for (const key of keys) {
      const value = map[key] ?? "";
      const set = (slot: FieldSlot): string | undefined => {
        const target = slotValue(slot);
        if (target === null || target === undefined) return undefined;
        if (!isJsonObject(target)) return wrongKind(target);
        setOwn(target, key, value);
        return undefined;
      };
      const error = applyFieldSpecs(r.obj, specs, set, "map");
      if (error !== undefined) return [error];
    }
  }
  return [];
}

function wrongKind(value: JsonValue): string {
  return `wrong node kind: expected MappingNode but got ${nodeKindName(value)}: node contents:\n${stringifyYaml(value)}`;
}
