/**
 * `namePrefix:` and `nameSuffix:`: kustomize's PrefixTransformer then SuffixTransformer
 * (api/internal/builtins, filters api/filters/prefix and suffix).
 *
 * Objects whose original id is a CustomResourceDefinition, an apiregistration.k8s.io APIService or a
 * Namespace are skipped. For the `metadata/name` field spec the affix is recorded on the resource (used
 * to pick referral candidates) and the previous id stored. Other configured fields get the affix too.
 * References to the renamed objects are fixed by name-reference.ts at the end of the build.
 */
import { type FieldSpec, gvkMatches } from "../fieldspec/field-spec.ts";
import {
  applyFieldSpec,
  type FieldSlot,
  nodeKindName,
  scalarText,
  setSlot,
  slotValue,
} from "../fieldspec/walk.ts";
import type { ResMap } from "../resmap.ts";
import { type Gvk, orgId, type Resource, storePreviousId } from "../resource.ts";
import type { TransformerConfig } from "./transformer-config.ts";

const SKIPPED: readonly Gvk[] = [
  { group: "", version: "", kind: "CustomResourceDefinition" },
  { group: "apiregistration.k8s.io", version: "", kind: "APIService" },
  { group: "", version: "", kind: "Namespace" },
];

export function applyNameAffixes(
  resmap: ResMap,
  prefix: string,
  suffix: string,
  config: TransformerConfig,
): string[] {
  if (prefix !== "") {
    const error = transform(resmap, config.namePrefix, prefix, "prefix");
    if (error !== undefined) return [error];
  }
  if (suffix !== "") {
    const error = transform(resmap, config.nameSuffix, suffix, "suffix");
    if (error !== undefined) return [error];
  }
  return [];
}

function transform(
  resmap: ResMap,
  specs: readonly FieldSpec[],
  affix: string,
  where: "prefix" | "suffix",
): string | undefined {
  const set = (slot: FieldSlot): string | undefined => {
    const value = slotValue(slot);
    if (value !== null && value !== undefined && typeof value === "object") {
      return `wrong node kind: expected ScalarNode but got ${nodeKindName(value)}`;
    }
    const text = scalarText(value);
    setSlot(slot, where === "prefix" ? affix + text : text + affix);
    return undefined;
  };
  for (const r of resmap.resources) {
    const id = orgId(r);
    if (SKIPPED.some((skip) => gvkMatches(id, skip))) continue;
    for (const fs of specs) {
      if (!gvkMatches(id, fs)) continue;
      if (fs.path === "metadata/name") record(r, affix, where);
      const error = applyFieldSpec(r.obj, fs, set, "scalar");
      if (error !== undefined) return error;
    }
  }
  return undefined;
}

function record(r: Resource, affix: string, where: "prefix" | "suffix"): void {
  if (where === "prefix") r.prefixes.push(affix);
  else r.suffixes.push(affix);
  storePreviousId(r);
}
