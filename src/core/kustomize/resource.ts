/**
 * The unit kustomize works on: one Kubernetes object plus the bookkeeping kustomize keeps about it
 * (where it came from, the ids it had before renames, prefixes/suffixes applied, generator options).
 *
 * kustomize stores that bookkeeping in internal annotations; we keep it beside the object so the object
 * itself is exactly what would be applied. Objects are plain JSON data (the types kustomize's reading
 * gives, see yaml/scalar-schemas.ts).
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export interface ResId extends Gvk {
  name: string;
  /** As written on the object; "" when absent. */
  namespace: string;
}

export interface Origin {
  /** Repository path of the file the object was read from, or of the kustomization that generated it. */
  file: string;
  /** 1-based line of the document (or of the generator entry). */
  line?: number;
}

export interface GeneratorInfo {
  behavior: "create" | "merge" | "replace";
  /** Whether a content hash is appended to the name at the end of the top-level build. */
  hashSuffix: boolean;
}

export interface Resource {
  obj: JsonObject;
  origin: Origin;
  /** Ids this resource had before renames, oldest first (kustomize's previousNames/Kinds/Namespaces). */
  prevIds: ResId[];
  /** Name prefixes applied so far, innermost kustomization first. */
  prefixes: string[];
  /** Name suffixes applied so far, innermost kustomization first. */
  suffixes: string[];
  /** Set on objects made by configMapGenerator / secretGenerator. */
  generator?: GeneratorInfo;
  /** Ids of resources whose name references point at this one (kustomize's refBy). */
  refBy: ResId[];
}

export function newResource(obj: JsonObject, origin: Origin): Resource {
  return { obj, origin, prevIds: [], prefixes: [], suffixes: [], refBy: [] };
}

export function cloneResource(r: Resource): Resource {
  const copy: Resource = {
    obj: cloneJson(r.obj) as JsonObject,
    origin: r.origin,
    prevIds: r.prevIds.map((id) => ({ ...id })),
    prefixes: [...r.prefixes],
    suffixes: [...r.suffixes],
    refBy: r.refBy.map((id) => ({ ...id })),
  };
  if (r.generator) copy.generator = { ...r.generator };
  return copy;
}

/**
 * Deep copy of JSON data. Shared subtrees (YAML aliases) become independent copies, and "__proto__"
 * keys are kept as own data properties, never as prototypes.
 */
export function cloneJson(value: unknown): JsonValue {
  if (value === null || typeof value !== "object") return value as JsonValue;
  if (Array.isArray(value)) return value.map(cloneJson);
  const out: JsonObject = {};
  for (const key of Object.keys(value)) setOwn(out, key, cloneJson((value as Record<string, unknown>)[key]));
  return out;
}

/** Assign a key as an own property, safe for "__proto__". */
export function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf("/");
  if (i < 0) return { group: "", version: apiVersion };
  return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function apiVersionOf(gvk: Gvk): string {
  return gvk.group === "" ? gvk.version : `${gvk.group}/${gvk.version}`;
}

export function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

export function gvkOf(obj: JsonObject): Gvk {
  const { group, version } = parseApiVersion(str(obj.apiVersion));
  return { group, version, kind: str(obj.kind) };
}

export function metadataOf(obj: JsonObject): JsonObject {
  const m = obj.metadata;
  if (isJsonObject(m)) return m;
  const created: JsonObject = {};
  obj.metadata = created;
  return created;
}

export function getName(obj: JsonObject): string {
  return isJsonObject(obj.metadata) ? str(obj.metadata.name) : "";
}

export function getNamespace(obj: JsonObject): string {
  return isJsonObject(obj.metadata) ? str(obj.metadata.namespace) : "";
}

export function setName(obj: JsonObject, name: string): void {
  metadataOf(obj).name = name;
}

export function setNamespace(obj: JsonObject, namespace: string): void {
  metadataOf(obj).namespace = namespace;
}

/** metadata.labels or metadata.annotations as a string map (non-string values are skipped). */
export function getStringMap(obj: JsonObject, field: "labels" | "annotations"): Record<string, string> {
  const m = isJsonObject(obj.metadata) ? obj.metadata[field] : undefined;
  const out: Record<string, string> = {};
  if (!isJsonObject(m)) return out;
  for (const [k, v] of Object.entries(m)) if (typeof v === "string") out[k] = v;
  return out;
}

export function resIdOf(obj: JsonObject): ResId {
  return { ...gvkOf(obj), name: getName(obj), namespace: getNamespace(obj) };
}

export function curId(r: Resource): ResId {
  return resIdOf(r.obj);
}

/** The id the resource was first loaded with (kustomize's OrgId). */
export function orgId(r: Resource): ResId {
  return r.prevIds[0] ?? curId(r);
}

/** Remember the current id before a rename (kustomize's StorePreviousId). */
export function storePreviousId(r: Resource): void {
  r.prevIds.push(curId(r));
}

/** All ids the resource has had, including the current one (kustomize's PrevIds plus CurId). */
export function allIds(r: Resource): ResId[] {
  return [...r.prevIds, curId(r)];
}

/**
 * Kinds kustomize knows to be cluster-scoped (kyaml's precomputed table for its built-in OpenAPI data,
 * kustomize v5.5). Everything else, custom resources included, is treated as namespaced.
 */
const CLUSTER_SCOPED = new Set(
  [
    "admissionregistration.k8s.io/v1 MutatingWebhookConfiguration",
    "admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration",
    "admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration",
    "admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration",
    "apiextensions.k8s.io/v1 CustomResourceDefinition",
    "apiextensions.k8s.io/v1beta1 CustomResourceDefinition",
    "apiregistration.k8s.io/v1 APIService",
    "apiregistration.k8s.io/v1beta1 APIService",
    "certificates.k8s.io/v1 CertificateSigningRequest",
    "certificates.k8s.io/v1beta1 CertificateSigningRequest",
    "flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema",
    "flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration",
    "networking.k8s.io/v1 IngressClass",
    "networking.k8s.io/v1beta1 IngressClass",
    "node.k8s.io/v1 RuntimeClass",
    "node.k8s.io/v1beta1 RuntimeClass",
    "policy/v1beta1 PodSecurityPolicy",
    "rbac.authorization.k8s.io/v1 ClusterRole",
    "rbac.authorization.k8s.io/v1 ClusterRoleBinding",
    "rbac.authorization.k8s.io/v1beta1 ClusterRole",
    "rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding",
    "scheduling.k8s.io/v1 PriorityClass",
    "scheduling.k8s.io/v1beta1 PriorityClass",
    "storage.k8s.io/v1 CSIDriver",
    "storage.k8s.io/v1 CSINode",
    "storage.k8s.io/v1 StorageClass",
    "storage.k8s.io/v1 VolumeAttachment",
    "storage.k8s.io/v1beta1 CSIDriver",
    "storage.k8s.io/v1beta1 CSINode",
    "storage.k8s.io/v1beta1 StorageClass",
    "storage.k8s.io/v1beta1 VolumeAttachment",
    "v1 ComponentStatus",
    "v1 Namespace",
    "v1 Node",
    "v1 NodeProxyOptions",
    "v1 PersistentVolume",
  ].map((s) => s),
);

export function isClusterScoped(gvk: Gvk): boolean {
  return CLUSTER_SCOPED.has(`${apiVersionOf(gvk)} ${gvk.kind}`);
}

/** kustomize's effective namespace: "" for cluster-scoped kinds, "default" for an unset namespace. */
export function effectiveNamespace(id: ResId): string {
  if (isClusterScoped(id)) return "";
  return id.namespace === "" ? "default" : id.namespace;
}

export function gvkEquals(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind;
}

/** kustomize's ResId.Equals: same GVK, name and effective namespace. */
export function idEquals(a: ResId, b: ResId): boolean {
  return gvkEquals(a, b) && a.name === b.name && effectiveNamespace(a) === effectiveNamespace(b);
}

/** kustomize's Gvk.IsSelected: empty fields of the selector match anything. */
export function gvkSelected(gvk: Gvk, selector: Partial<Gvk>): boolean {
  if (selector.group && selector.group !== gvk.group) return false;
  if (selector.version && selector.version !== gvk.version) return false;
  if (selector.kind && selector.kind !== gvk.kind) return false;
  return true;
}

/** kustomize's id text, e.g. "ConfigMap.v1.[noGrp]/a.[noNs]", used in messages users may search for. */
export function idString(id: ResId): string {
  const group = id.group === "" ? "[noGrp]" : id.group;
  const ns = id.namespace === "" ? "[noNs]" : id.namespace;
  return `${id.kind}.${id.version === "" ? "[noVer]" : id.version}.${group}/${id.name}.${ns}`;
}

/** Short human form: "Deployment apps/web" or "ClusterRole admin". */
export function displayId(id: ResId): string {
  return id.namespace ? `${id.kind} ${id.namespace}/${id.name}` : `${id.kind} ${id.name}`;
}
