/**
 * Name-reference fixing at the end of a build: kustomize's FixBackReferences
 * (api/internal/accumulator/namereferencetransformer.go, api/filters/nameref/nameref.go,
 * resWrangler.SubsetThatCouldBeReferencedByResource).
 *
 * For every nameReference entry (referral GVK ← referrer field specs) and every object whose original id
 * is a referrer kind, each name found at the field is matched against objects that were renamed (a
 * previous name equals it) and could be referenced from the referrer (namespace scoping, RoleBinding
 * subjects, roleRef kind, then prefix/suffix equality); the field is rewritten to the one candidate's
 * current name (and namespace, for `{name, namespace}` maps such as RBAC subjects). Several candidates
 * that differ are kustomize's "found multiple possible referrals" error. Referrals record `refBy`.
 *
 * Not done: the YAML dump of referrer and candidates kustomize appends to that error message.
 */

import { stringifyYaml } from "../yaml/stringify.ts";
import { type FieldSpec, gvkMatches, type NameBackReference } from "./fieldspec/field-spec.ts";
import { applyFieldSpec, type FieldSlot, scalarText, setSlot, slotValue } from "./fieldspec/walk.ts";
import type { ResMap } from "./resmap.ts";
import {
  curId,
  effectiveNamespace,
  type Gvk,
  getName,
  getNamespace,
  gvkOf,
  idString,
  isClusterScoped,
  isJsonObject,
  type JsonObject,
  orgId,
  type ResId,
  type Resource,
  setOwn,
  str,
} from "./resource.ts";
import type { TransformerConfig } from "./transforms/transformer-config.ts";

interface RefFilter {
  /** The referrer field to update. */
  fs: FieldSpec;
  /** The kind of object the field names. */
  target: Gvk;
}

export function fixNameReferences(resmap: ResMap, config: TransformerConfig): string[] {
  const byPrevName = new Map<string, Resource[]>();
  for (const r of resmap.resources) {
    for (const name of new Set(r.prevIds.map((id) => id.name))) {
      const list = byPrevName.get(name) ?? [];
      list.push(r);
      byPrevName.set(name, list);
    }
  }
  for (const [referrer, filters] of determineFilters(resmap, config.nameReference)) {
    const reachable = couldBeReferencedBy(referrer);
    if (typeof reachable === "string") return [reachable];
    const ctx = { resmap, referrer, reachable, byPrevName };
    for (const f of filters) {
      const error = applyFilter({ ...ctx, f });
      if (error !== undefined) return [error];
    }
  }
  return [];
}

function determineFilters(
  resmap: ResMap,
  backRefs: readonly NameBackReference[],
): Map<Resource, RefFilter[]> {
  const out = new Map<Resource, RefFilter[]>();
  const resources = resmap.resources;
  // Field specs select by GVK: match each distinct original GVK once, not every resource.
  const byGvk = new Map<string, { gvk: Gvk; members: Resource[] }>();
  for (const r of resources) {
    const id = orgId(r);
    const key = `${id.group}\u0000${id.version}\u0000${id.kind}`;
    const group = byGvk.get(key) ?? {
      gvk: { group: id.group, version: id.version, kind: id.kind },
      members: [],
    };
    group.members.push(r);
    byGvk.set(key, group);
  }
  for (const backRef of backRefs) {
    const target: Gvk = { group: backRef.group, version: backRef.version, kind: backRef.kind };
    for (const fs of backRef.referrers) {
      for (const { gvk, members } of byGvk.values()) {
        if (!gvkMatches(gvk, fs)) continue;
        for (const r of members) {
          const list = out.get(r) ?? [];
          list.push({ fs, target });
          out.set(r, list);
        }
      }
    }
  }
  // Upstream iterates a Go map (random order); resource order keeps results deterministic.
  return new Map(resources.filter((r) => out.has(r)).map((r) => [r, out.get(r)!]));
}

/** resWrangler.SubsetThatCouldBeReferencedByResource, as a predicate (or its error message). */
function couldBeReferencedBy(referrer: Resource): ((r: Resource) => boolean) | string {
  const referrerId = curId(referrer);
  if (isClusterScoped(referrerId)) return () => true;
  const bindingNamespaces = new Set<string>();
  if (str(referrer.obj.kind) === "RoleBinding" && Array.isArray(referrer.obj.subjects)) {
    for (const subject of referrer.obj.subjects) {
      if (!isJsonObject(subject) || !Object.hasOwn(subject, "namespace") || !Object.hasOwn(subject, "kind"))
        continue;
      if (subject.kind !== "ServiceAccount") continue;
      if (typeof subject.namespace !== "string") {
        return `Invalid Input: namespace is blank for resource "${idString(referrerId)}"\n`;
      }
      bindingNamespaces.add(subject.namespace);
    }
  }
  return (r) => {
    const id = curId(r);
    if (isClusterScoped(id)) return true;
    if (effectiveNamespace(id) === effectiveNamespace(referrerId)) return true;
    return bindingNamespaces.has(getNamespace(r.obj));
  };
}

function applyFilter(ctx: Ctx): string | undefined {
  const { referrer, f } = ctx;
  const fs: FieldSpec = { ...f.fs, ...gvkOf(referrer.obj) };
  const error = applyFieldSpec(referrer.obj, fs, (slot) => setReference(ctx, slot), "none");
  if (error === undefined) return undefined;
  return `updating name reference in '${f.fs.path}' field of '${idString(curId(referrer))}': ${error}`;
}

interface Ctx {
  referrer: Resource;
  f: RefFilter;
  resmap: ResMap;
  /** Whether the referrer could reference an object at all. */
  reachable: (r: Resource) => boolean;
  /** Resources by every previous name they had (only renamed objects can need a fix). */
  byPrevName: Map<string, Resource[]>;
}

function setReference(ctx: Ctx, slot: FieldSlot): string | undefined {
  const value = slotValue(slot);
  if (value === null || value === undefined) return undefined;
  if (isJsonObject(value)) return setMapping(ctx, value);
  if (!Array.isArray(value)) return setScalar(ctx, slot);
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (item === null || item === undefined) continue;
    const error = isJsonObject(item)
      ? setMapping(ctx, item)
      : Array.isArray(item)
        ? `${stringifyYaml(item).trimEnd()} is expected to be either a string or a map of string`
        : setScalar(ctx, { parent: value, key: i });
    if (error !== undefined) return error;
  }
  return undefined;
}

function setScalar(ctx: Ctx, slot: FieldSlot): string | undefined {
  const oldName = scalarText(slotValue(slot));
  const referral = selectReferral(ctx, oldName, ctx.reachable, false);
  if (typeof referral !== "object") return referral;
  referral.refBy.push(curId(ctx.referrer));
  const name = getName(referral.obj);
  if (name !== oldName) setSlot(slot, name);
  return undefined;
}

/** A `{name, namespace}` map (RBAC subjects, webhook services): both come from the referral. */
function setMapping(ctx: Ctx, node: JsonObject): string | undefined {
  if (!Object.hasOwn(node, "name")) return "path config error; no 'name' field in node";
  const oldName = scalarText(node.name);
  let pool = ctx.reachable;
  if (Object.hasOwn(node, "namespace")) {
    // Candidates in that namespace as originally written, else as currently set.
    const ns = scalarText(node.namespace);
    const inNs = (id: ResId) => !isClusterScoped(id) && effectiveNamespace(id) === ns;
    const byOriginal = ctx.resmap.resources.some((r) => ctx.reachable(r) && inNs(orgId(r)));
    pool = (r) => ctx.reachable(r) && inNs(byOriginal ? orgId(r) : curId(r));
  }
  const referral = selectReferral(ctx, oldName, pool, true);
  if (typeof referral !== "object") return referral;
  referral.refBy.push(curId(ctx.referrer));
  const name = getName(referral.obj);
  const namespace = getNamespace(referral.obj);
  if (name === oldName && namespace === "") return undefined;
  setOwn(node, "name", name);
  if (namespace !== "") setOwn(node, "namespace", namespace);
  return undefined;
}

/** nameref's selectReferral: a resource, undefined for "nothing to do", or an error message. */
function selectReferral(
  ctx: Ctx,
  oldName: string,
  pool: (r: Resource) => boolean,
  withNamespace: boolean,
): Resource | string | undefined {
  const { referrer, f } = ctx;
  const roleRef = roleRefGvk(referrer, f.fs.path);
  let candidates = (ctx.byPrevName.get(oldName) ?? []).filter(
    (r) =>
      pool(r) &&
      r.prevIds.some((id) => gvkMatches(id, f.target)) &&
      (roleRef === undefined || r.prevIds.some((id) => gvkMatches(id, roleRef))) &&
      sameNamespaceAsReferrer(referrer, r),
  );
  if (candidates.length === 1) return candidates[0];
  candidates = candidates.filter((r) => affixesEqual(r, referrer, true));
  if (candidates.length > 1) candidates = candidates.filter((r) => affixesEqual(r, referrer, false));
  if (candidates.length <= 1) return candidates[0];
  const first = candidates[0]!;
  const identical = candidates.every(
    (r) =>
      getName(r.obj) === getName(first.obj) &&
      (!withNamespace || getNamespace(r.obj) === getNamespace(first.obj)),
  );
  if (identical) return first;
  return `found multiple possible referrals: ${candidates.map((r) => idString(curId(r))).join(", ")}`;
}

/** For a roleRef/name field, the roleRef's apiGroup and kind restrict the candidates. */
function roleRefGvk(referrer: Resource, path: string): Gvk | undefined {
  if (!path.endsWith("roleRef/name")) return undefined;
  const roleRef = referrer.obj.roleRef;
  if (!isJsonObject(roleRef) || !Object.hasOwn(roleRef, "apiGroup") || !Object.hasOwn(roleRef, "kind"))
    return undefined;
  return { group: scalarText(roleRef.apiGroup), version: "", kind: scalarText(roleRef.kind) };
}

function sameNamespaceAsReferrer(referrer: Resource, r: Resource): boolean {
  const referrerId = curId(referrer);
  if (isClusterScoped(referrerId)) return true;
  const id = curId(r);
  if (isClusterScoped(id) || id.kind === "ServiceAccount") return true;
  return effectiveNamespace(id) === effectiveNamespace(referrerId);
}

/** Resource.PrefixesSuffixesEquals. */
function affixesEqual(r: Resource, other: Resource, allowEmpty: boolean): boolean {
  const prefixes =
    sameEnding(r.prefixes, other.prefixes) || (allowEmpty && (!r.prefixes.length || !other.prefixes.length));
  const suffixes =
    sameEnding(r.suffixes, other.suffixes) || (allowEmpty && (!r.suffixes.length || !other.suffixes.length));
  return prefixes && suffixes;
}

/** utils.SameEndingSubSlice: the shorter list is a suffix of the longer one (empty only matches empty). */
function sameEnding(a: readonly string[], b: readonly string[]): boolean {
  const [shortest, longest] = a.length > b.length ? [b, a] : [a, b];
  const diff = longest.length - shortest.length;
  if (shortest.length === 0) return diff === 0;
  return shortest.every((s, i) => longest[i + diff] === s);
}
