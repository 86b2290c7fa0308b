/**
 * The kustomization `namespace:` field: kustomize's NamespaceTransformer (api/internal/builtins) with
 * its filter (api/filters/namespace), in the default mode (unsetOnly off, role binding subjects
 * "defaultOnly").
 *
 * Every object kustomize does not know to be cluster-scoped gets metadata.namespace, overriding any
 * value (custom resources included, even cluster-scoped ones like ClusterIssuer); subjects named
 * "default" of (Cluster)RoleBindings get the namespace; the configured field specs are set (a v1
 * Namespace is renamed, APIService and CRD conversion webhook services are moved). References to
 * renamed objects are fixed later by name-reference.ts, not here.
 */

import { stringifyYaml } from "../../yaml/stringify.ts";
import { type FieldSpec, fieldSpec } from "../fieldspec/field-spec.ts";
import {
  applyFieldSpec,
  applyFieldSpecs,
  type FieldSlot,
  nodeKindName,
  setSlot,
  slotValue,
} from "../fieldspec/walk.ts";
import type { ResMap } from "../resmap.ts";
import {
  curId,
  effectiveNamespace,
  gvkOf,
  idEquals,
  isClusterScoped,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  type ResId,
  type Resource,
  setOwn,
  storePreviousId,
  str,
} from "../resource.ts";
import type { TransformerConfig } from "./transformer-config.ts";

const METADATA_NAMESPACE = fieldSpec("metadata/namespace", { create: true });

export function applyNamespace(resmap: ResMap, namespace: string, config: TransformerConfig): string[] {
  if (namespace === "") return [];
  // Current ids are counted so the per-object conflict check stays linear.
  const counts = new Map<string, number>();
  const bump = (key: string, by: number) => counts.set(key, (counts.get(key) ?? 0) + by);
  for (const r of resmap.resources) bump(idKey(curId(r)), 1);
  for (const r of resmap.resources) {
    if (Object.keys(r.obj).length === 0) continue;
    bump(idKey(curId(r)), -1);
    storePreviousId(r);
    const error = setNamespaceOn(r.obj, namespace, config.namespace);
    const id = curId(r);
    bump(idKey(id), 1);
    if (error !== undefined) return [error];
    if (counts.get(idKey(id)) !== 1) {
      const matches = resmap.matchingCurrentId((other) => idEquals(other, id));
      return [`namespace transformation produces ID conflict: ${describe(matches)}`];
    }
  }
  return [];
}

/** A string equal for ids kustomize considers equal (GVK, name, effective namespace). */
function idKey(id: ResId): string {
  return JSON.stringify([id.group, id.version, id.kind, id.name, effectiveNamespace(id)]);
}

function setNamespaceOn(
  obj: JsonObject,
  namespace: string,
  configured: readonly FieldSpec[],
): string | undefined {
  const set = (slot: FieldSlot): string | undefined => {
    const value = slotValue(slot);
    if (value !== null && value !== undefined && typeof value === "object") return wrongKind(value);
    setSlot(slot, namespace);
    return undefined;
  };
  const apiVersion = str(obj.apiVersion);
  const gvk = gvkOf(obj);
  // kustomize drops metadata/namespace specs (handled below) and metadata/name specs unless apiVersion is v1.
  let specs = configured.filter(
    (fs) => fs.path !== "metadata/namespace" && (apiVersion === "v1" || fs.path !== "metadata/name"),
  );
  if (!isClusterScoped(gvk)) {
    const error = applyFieldSpec(obj, METADATA_NAMESPACE, set, "scalar");
    if (error !== undefined) return error;
  }
  if (gvk.kind === "RoleBinding" || gvk.kind === "ClusterRoleBinding") {
    specs = specs.filter((fs) => !(isRoleBindingKind(fs.kind) && fs.path === "subjects/namespace"));
    setDefaultSubjects(obj, namespace);
  }
  const error = applyFieldSpecs(obj, specs, set, "scalar");
  if (error === undefined) return undefined;
  if (error.includes(WRONG_KIND)) return `namespace field specs must target scalar nodes: ${error}`;
  return `namespace transformation failed: ${error}`;
}

const WRONG_KIND = "wrong node kind: expected ScalarNode but got ";

function wrongKind(value: JsonValue): string {
  return `${WRONG_KIND}${nodeKindName(value)}: node contents:\n${stringifyYaml(value)}`;
}

function isRoleBindingKind(kind: string): boolean {
  return kind === "RoleBinding" || kind === "ClusterRoleBinding";
}

/** Subjects named "default" (the default ServiceAccount, whatever their kind) move to the namespace. */
function setDefaultSubjects(obj: JsonObject, namespace: string): void {
  const subjects = obj.subjects;
  if (!Array.isArray(subjects)) return;
  for (const subject of subjects) {
    if (isJsonObject(subject) && subject.name === "default") setOwn(subject, "namespace", namespace);
  }
}

/** Upstream prints the conflicting objects as JSON; we print them without kustomize's internal annotations. */
function describe(matches: Resource[]): string {
  return `[${matches.map((r) => JSON.stringify(sortKeys(r.obj))).join(" ")}]`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) setOwn(out, key, sortKeys(value[key]) as JsonObject);
  return out;
}
