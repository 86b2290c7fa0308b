/**
 * Reading one valuesFrom reference offline: find the ConfigMap or Secret among the rendered objects (the
 * HelmRelease's namespace, exact name, as helm-controller's client.Get does) and take the `valuesKey`
 * text. ConfigMap `data` is text; Secret `data` is base64 with `stringData` laid over it (the API server
 * merges it on write). Values that cannot be read offline are "opaque": SOPS ciphertext (`ENC[…]`), or a
 * Secret another object creates in the cluster (ExternalSecret, SealedSecret, …). Does not merge anything.
 */
import { createdSecrets } from "../flux/provided-objects.ts";
import { getName, getNamespace, isJsonObject, type JsonObject } from "../kustomize/resource.ts";
import type { RepositoryModel } from "../model.ts";
import { fingerprint } from "../secrets/redact.ts";
import { stringifyYaml } from "../yaml/stringify.ts";

export type KeyRead =
  | { status: "missing-object" }
  | { status: "missing-key" }
  | { status: "error"; error: string }
  /** Content known: the text and its fingerprint. */
  | { status: "text"; text: string; fingerprint: string }
  /** Content unknown offline; the fingerprint tells versions apart (ciphertext, or the creating object). */
  | { status: "opaque"; fingerprint: string };

const SOPS_VALUE = /^ENC\[[A-Z0-9_]+,/;

/**
 * Core v1 rendered objects by "kind/namespace/name" (first definition wins): the analysis builds it once
 * per cluster (`rendered`); a model made by hand gets it computed on the spot.
 */
export function renderedIndex(
  model: Pick<RepositoryModel, "kustomizations" | "rendered">,
): ReadonlyMap<string, JsonObject> {
  if (model.rendered) return model.rendered;
  const index = new Map<string, JsonObject>();
  for (const ks of model.kustomizations) {
    for (const o of ks.build?.objects ?? []) {
      const obj = o.object;
      if (obj.apiVersion !== "v1") continue;
      const key = `${String(obj.kind)}/${getNamespace(obj)}/${getName(obj)}`;
      if (!index.has(key)) index.set(key, obj);
    }
  }
  return index;
}

/** The first rendered object of `kind` (core v1) named `name` in `namespace`, across all builds. */
export function findRenderedObject(
  model: Pick<RepositoryModel, "kustomizations" | "rendered">,
  kind: string,
  namespace: string,
  name: string,
): JsonObject | undefined {
  return renderedIndex(model).get(`${kind}/${namespace}/${name}`);
}

/** A rendered object that makes the cluster create Secret `name` in `namespace` (content unknown). */
function secretCreator(
  model: Pick<RepositoryModel, "kustomizations" | "rendered">,
  namespace: string,
  name: string,
): JsonObject | undefined {
  for (const ks of model.kustomizations) {
    for (const o of ks.build?.objects ?? []) {
      if (getNamespace(o.object) === namespace && createdSecrets(o.object).includes(name)) return o.object;
    }
  }
  return undefined;
}

export function readValuesKey(
  model: Pick<RepositoryModel, "kustomizations" | "rendered">,
  kind: "ConfigMap" | "Secret",
  namespace: string,
  name: string,
  key: string,
): KeyRead {
  const obj = findRenderedObject(model, kind, namespace, name);
  if (!obj) {
    const creator = kind === "Secret" ? secretCreator(model, namespace, name) : undefined;
    if (creator) return { status: "opaque", fingerprint: fingerprint(stringifyYaml(creator)) };
    return { status: "missing-object" };
  }
  let raw: unknown;
  let base64 = false;
  const stringData = kind === "Secret" && isJsonObject(obj.stringData) ? obj.stringData : undefined;
  const data = isJsonObject(obj.data) ? obj.data : undefined;
  if (stringData && Object.hasOwn(stringData, key)) raw = stringData[key];
  else if (data && Object.hasOwn(data, key)) {
    raw = data[key];
    base64 = kind === "Secret";
  } else return { status: "missing-key" };
  if (raw !== null && typeof raw === "object")
    return { status: "error", error: `key '${key}' is not a string` };
  const text = raw === null || raw === undefined ? "" : String(raw);
  if (SOPS_VALUE.test(text)) return { status: "opaque", fingerprint: fingerprint(text) };
  const decoded = base64 ? decodeBase64(text) : text;
  if (decoded === undefined) return { status: "error", error: `key '${key}' is not valid base64` };
  return { status: "text", text: decoded, fingerprint: fingerprint(decoded) };
}

/** Go's base64.StdEncoding as encoding/json decodes []byte: padding required, CR/LF ignored. */
function decodeBase64(text: string): string | undefined {
  const clean = text.replace(/[\r\n]/g, "");
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
  const binary = atob(clean);
  const bytes = new Uint8Array(binary.length);
  for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
  return new TextDecoder().decode(bytes);
}
