/**
 * Container image references in Helm values, found by the common chart conventions (charts are not
 * rendered, so this is a heuristic over the values):
 *   - a string under a key `image` or `…Image` (`image: ghcr.io/org/app:1.2.3`, `initImage: busybox:1.36`);
 *   - a map under such a key with `repository` (or `name`) and optional `registry`, `tag`, `digest`
 *     (bitnami `image.{registry,repository,tag,digest}`, bjw-s app-template
 *     `controllers.*.containers.*.image.{repository,tag}`); bitnami's `global.imageRegistry` overrides
 *     `registry`;
 *   - any other map with a `repository` and a `tag` or `digest`.
 * Normalized to "registry/repository:tag", "…@digest" or "…:tag@digest"; a reference without tag or
 * digest (the chart's default applies) is the bare repository. Sorted, unique. Iterative walk.
 */
import { isJsonObject, type JsonObject, type JsonValue } from "../kustomize/resource.ts";

const IMAGE_REF = /^[A-Za-z0-9][A-Za-z0-9._\-/:@+]*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._\-+]*$/;
const DIGEST = /^[A-Za-z0-9_+.-]+:[A-Za-z0-9=_-]+$/;
const MAX_REF_LENGTH = 512;

export function imagesIn(values: JsonValue): string[] {
  const found = new Set<string>();
  const globalRegistry = globalImageRegistry(values);
  const stack: JsonValue[] = [values];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      for (const c of v) stack.push(c);
      continue;
    }
    if (!isJsonObject(v)) continue;
    for (const k of Object.keys(v)) {
      const c = v[k] as JsonValue;
      if (isImageKey(k)) {
        if (typeof c === "string") addRef(found, c.trim());
        else if (isJsonObject(c)) addRef(found, fromMap(c, true, globalRegistry));
      }
      if (c !== null && typeof c === "object") stack.push(c);
    }
    if (typeof v.repository === "string") addRef(found, fromMap(v, false, globalRegistry));
  }
  return [...found].sort();
}

function isImageKey(k: string): boolean {
  return k === "image" || /^[a-z][A-Za-z0-9]*Image$/.test(k);
}

function globalImageRegistry(values: JsonValue): string | undefined {
  if (!isJsonObject(values) || !isJsonObject(values.global)) return undefined;
  const r = values.global.imageRegistry;
  return typeof r === "string" && r !== "" ? r : undefined;
}

/** The reference a `{registry, repository, tag, digest}` map describes, or undefined. */
function fromMap(
  m: JsonObject,
  underImageKey: boolean,
  globalRegistry: string | undefined,
): string | undefined {
  const repo = text(m.repository) ?? (underImageKey ? text(m.name) : undefined);
  if (repo === undefined || repo.includes("://")) return undefined;
  // app-template and renovate-managed values often pin as `tag: v1.2.3@sha256:…`.
  const [tag, tagDigest] = splitPinnedTag(text(m.tag));
  const digest = text(m.digest) ?? tagDigest;
  if (!underImageKey && tag === undefined && digest === undefined) return undefined;
  if (tag !== undefined && !TAG.test(tag)) return undefined;
  if (digest !== undefined && !DIGEST.test(digest)) return undefined;
  const registry = Object.hasOwn(m, "registry") ? (globalRegistry ?? text(m.registry)) : undefined;
  let ref = registry !== undefined ? `${registry.replace(/\/+$/, "")}/${repo}` : repo;
  if (tag !== undefined) ref += `:${tag}`;
  if (digest !== undefined) ref += `@${digest}`;
  return ref;
}

function splitPinnedTag(tag: string | undefined): [string | undefined, string | undefined] {
  if (tag === undefined) return [undefined, undefined];
  const at = tag.indexOf("@");
  if (at <= 0) return [tag, undefined];
  return [tag.slice(0, at), tag.slice(at + 1)];
}

/** A non-empty string, or a number (`tag: 7`) as Helm would print it. */
function text(v: JsonValue | undefined): string | undefined {
  if (typeof v === "number") return String(v);
  if (typeof v !== "string") return undefined;
  const t = v.trim();
  return t === "" ? undefined : t;
}

function addRef(found: Set<string>, ref: string | undefined): void {
  if (ref === undefined || ref.length > MAX_REF_LENGTH || !IMAGE_REF.test(ref) || ref.includes("//")) return;
  found.add(ref);
}
