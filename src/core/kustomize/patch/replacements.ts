/**
 * The kustomization field `replacements` (kustomize's ReplacementTransformer, api/filters/replacement):
 * copy a value from one source field into target fields, inline or from `path` files holding one
 * replacement or a list.
 *
 * Semantics kept from kustomize v5.5: the source must select exactly one resource (name, namespace and
 * GVK compared exactly, against current and previous ids); targets are selected the same way plus label
 * and annotation selectors and `reject`; `[k=v]` in target paths is an unanchored regex; a scalar target
 * keeps its type (an int target fed "abc" fails), a created field takes the plain-YAML type of the text;
 * `delimiter`/`index` split the source and splice into the target. A failing replacement is reported and
 * leaves every resource as it was; later replacements still run.
 */

import { heapCost } from "../../util/budget.ts";
import { measureValue } from "../../yaml/measure.ts";
import { readYamlDocuments } from "../../yaml/read-documents.ts";
import { YAML11_TAGS } from "../../yaml/scalar-schemas.ts";
import { type Level, levelLocation, readRelative } from "../context.ts";
import type { ReplacementEntry } from "../kustomization-file.ts";
import type { ResMap } from "../resmap.ts";
import {
  cloneJson,
  curId,
  effectiveNamespace,
  type JsonObject,
  type JsonValue,
  type ResId,
  type Resource,
} from "../resource.ts";
import { lookupPath, matchPath, type Slot, splitFieldPath } from "./field-path.ts";
import { getValue, isNilOrEmpty, KyamlError, kindOf, rawText, retypeScalar } from "./kyaml-nodes.ts";
import {
  type FieldOptions,
  type IdSelector,
  idText,
  parseReplacement,
  type Replacement,
  type SourceSpec,
  selectorString,
  type TargetSpec,
} from "./replacement-spec.ts";
import { matchesSelectors } from "./select.ts";

export function applyReplacements(level: Level, resmap: ResMap, entries: ReplacementEntry[]): void {
  entries.forEach((entry, i) => {
    const location = levelLocation(level, ["replacements", i]);
    const report = (message: string) => level.ctx.report("kustomize-patch-invalid", message, location);
    const loaded = loadEntry(level, entry, i);
    if (typeof loaded === "string") {
      if (loaded) report(loaded);
      return;
    }
    // Every target field gets its own copy of the source value: counted against the build's byte
    // budget (a value copied into its own source doubles with each replacement).
    const charge: Charge = (bytes) => level.ctx.charge(bytes, location);
    for (const r of loaded) {
      if (level.ctx.budgetExceeded) return;
      const error = runTransaction(resmap, r, charge);
      if (error) report(error);
    }
  });
}

type Charge = (bytes: number) => boolean;

/** Thrown when the byte budget is spent (already reported by the build context). */
class BudgetStop extends Error {}

/** The replacements of one entry, an error message, or "" when reading the file already reported. */
function loadEntry(level: Level, entry: ReplacementEntry, i: number): Replacement[] | string {
  if (entry.path && (entry.source !== undefined || (entry.targets?.length ?? 0) > 0)) {
    return "cannot specify both path and inline replacement";
  }
  if (!entry.path) {
    const r = parseReplacement({ source: entry.source, targets: entry.targets });
    return typeof r === "string" ? r : [r];
  }
  const read = readRelative(level, entry.path, "replacements file", ["replacements", i, "path"]);
  if (!read.ok) return "";
  const parsed = readYamlDocuments(read.text, read.path, { tags: YAML11_TAGS });
  if (!parsed.ok) return parsed.diagnostics[0]?.message ?? `${entry.path}: invalid YAML`;
  const doc = parsed.documents[0]?.value ?? null;
  const items = Array.isArray(doc) ? doc : doc !== null && typeof doc === "object" ? [doc] : undefined;
  if (!items)
    return `unsupported replacement type encountered within replacement path: ${doc === null ? "invalid" : typeof doc}`;
  const out: Replacement[] = [];
  for (const item of items) {
    const r = parseReplacement(item);
    if (typeof r === "string") return `${entry.path}: ${r}`;
    out.push(r);
  }
  return out;
}

/** Apply one replacement; on failure restore every object it touched and return the error. */
function runTransaction(resmap: ResMap, r: Replacement, charge: Charge): string | undefined {
  const saved = new Map<Resource, JsonObject>();
  const writable = (res: Resource): JsonObject => {
    if (!saved.has(res)) {
      saved.set(res, res.obj);
      res.obj = cloneJson(res.obj) as JsonObject;
    }
    return res.obj;
  };
  try {
    applyReplacement(resmap, r, writable, charge);
    return undefined;
  } catch (error) {
    for (const [res, obj] of saved) res.obj = obj;
    if (error instanceof KyamlError) return error.message;
    if (error instanceof BudgetStop) return undefined;
    throw error;
  }
}

function applyReplacement(
  resmap: ResMap,
  r: Replacement,
  writable: (res: Resource) => JsonObject,
  charge: Charge,
): void {
  if (!r.source || !r.targets)
    throw new KyamlError("replacements must specify a source and at least one target");
  const value = sourceValue(resmap, r.source);
  const cost = 64 + heapCost(measureValue(value));
  const copy = () => {
    if (!charge(cost)) throw new BudgetStop();
  };
  copy(); // the source value's own copy
  for (const target of r.targets) {
    if (!target.select) throw new KyamlError("target must specify resources to select");
    const fieldPaths = target.fieldPaths.length > 0 ? target.fieldPaths : ["metadata.name"];
    for (const res of resmap.resources) {
      if (!selectedByAnnoAndLabel(res.obj, target)) continue;
      const ids = idsOf(res);
      if (!ids.some((id) => isSelectedBy(id, target.select as IdSelector))) continue;
      if (target.reject.some((rej) => !isEmptyId(rej) && ids.some((id) => isSelectedBy(id, rej)))) continue;
      copyValueToTarget(writable(res), value, fieldPaths, target.options, copy);
    }
  }
}

function sourceValue(resmap: ResMap, source: SourceSpec): JsonValue {
  const matches = resmap.resources.filter((res) => idsOf(res).some((id) => isSelectedBy(id, source)));
  if (matches.length > 1) throw new KyamlError(`multiple matches for selector ${selectorString(source)}`);
  const found = matches[0];
  if (!found) throw new KyamlError(`nothing selected by ${selectorString(source)}`);
  const fieldPath = source.fieldPath || "metadata.name";
  let rn: JsonValue | undefined;
  try {
    rn = lookupPath(found.obj, splitFieldPath(fieldPath));
  } catch (error) {
    if (error instanceof KyamlError)
      throw new KyamlError(`error looking up replacement source: ${error.message}`);
    throw error;
  }
  if (rn === undefined || isNilOrEmpty(rn)) {
    throw new KyamlError(`fieldPath \`${fieldPath}\` is missing for replacement source ${idText(source)}`);
  }
  const opts = source.options;
  if (!opts?.delimiter) return cloneJson(rn);
  if (kindOf(rn) !== "ScalarNode")
    throw new KyamlError("delimiter option can only be used with scalar nodes");
  const parts = getValue(rn).split(opts.delimiter);
  const part = parts[opts.index];
  if (opts.index < 0 || part === undefined) {
    throw new KyamlError(`options.index ${opts.index} is out of bounds for value ${getValue(rn)}`);
  }
  return part;
}

function copyValueToTarget(
  obj: JsonObject,
  value: JsonValue,
  fieldPaths: string[],
  options: FieldOptions | undefined,
  copy: () => void,
): void {
  const root: Slot = { get: () => obj, set: () => undefined, created: false };
  for (const fp of fieldPaths) {
    const create = options?.create ? kindOf(value) : undefined;
    const what = `unable to find${create ? " or create" : ""} field ${JSON.stringify(fp)} in replacement target`;
    let slots: Slot[];
    try {
      slots = matchPath(root, splitFieldPath(fp), create);
    } catch (error) {
      if (error instanceof KyamlError) throw new KyamlError(`${what}: ${error.message}`);
      throw error;
    }
    if (slots.length === 0) throw new KyamlError(what);
    for (const slot of slots) {
      copy();
      setFieldValue(slot, value, options);
    }
  }
}

function setFieldValue(slot: Slot, valueIn: JsonValue, options: FieldOptions | undefined): void {
  let value = cloneJson(valueIn);
  const target = slot.get();
  if (options?.delimiter) {
    if (kindOf(target) !== "ScalarNode")
      throw new KyamlError("delimiter option can only be used with scalar nodes");
    const tv = (slot.created ? "" : rawText(target)).split(options.delimiter);
    const v = getValue(value);
    if (options.index < 0) tv.unshift(v);
    else if (options.index >= tv.length) tv.push(v);
    else tv[options.index] = v;
    value = tv.join(options.delimiter);
  }
  if (kindOf(target) === "ScalarNode") slot.set(retypeScalar(target, slot.created, rawText(value)));
  else slot.set(value);
}

function selectedByAnnoAndLabel(obj: JsonObject, t: TargetSpec): boolean {
  const sel = t.select;
  if (!sel) return false;
  const m = matchesSelectors(obj, sel.labelSelector, sel.annotationSelector);
  if (!m.ok) throw new KyamlError(m.error);
  if (!m.matched) return false;
  for (const rej of t.reject) {
    if (!rej.labelSelector && !rej.annotationSelector) continue;
    const rm = matchesSelectors(obj, rej.labelSelector, rej.annotationSelector);
    if (!rm.ok) throw new KyamlError(rm.error);
    if (rm.matched) return false;
  }
  return true;
}

/** kustomize's MakeResIds: the current id, then the previous ones. */
function idsOf(res: Resource): ResId[] {
  return [curId(res), ...res.prevIds];
}

/** resid.ResId.IsSelectedBy: exact name, effective namespace, GVK with empty fields as wildcards. */
function isSelectedBy(id: ResId, sel: IdSelector): boolean {
  return (
    (!sel.name || sel.name === id.name) &&
    (!sel.namespace || effectiveNamespace(selectorId(sel)) === effectiveNamespace(id)) &&
    (!sel.group || sel.group === id.group) &&
    (!sel.version || sel.version === id.version) &&
    (!sel.kind || sel.kind === id.kind)
  );
}

function isEmptyId(sel: IdSelector): boolean {
  return !sel.group && !sel.version && !sel.kind && !sel.name && !sel.namespace;
}

function selectorId(sel: IdSelector): ResId {
  return {
    group: sel.group ?? "",
    version: sel.version ?? "",
    kind: sel.kind ?? "",
    name: sel.name ?? "",
    namespace: sel.namespace ?? "",
  };
}
