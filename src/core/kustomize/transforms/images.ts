/**
 * `images:`: kustomize's ImageTagTransformer (api/filters/imagetag, api/internal/image), one entry at a
 * time, each as two passes over every object except CustomResourceDefinitions:
 *  1. the legacy pass: every `image` of every element of any field named `containers` or
 *     `initContainers`, anywhere in the object (so CR fields like HelmRelease values are hit too);
 *  2. the configured image field specs (pod specs and pod templates).
 * Both passes rewrite, so a `tagSuffix` is appended twice where both reach (upstream behaviour).
 *
 * Matching treats the entry's `name` as a regular expression anchored at the start, followed by an
 * optional tag and an optional sha256 digest: `nginx` matches `nginx`, `nginx:1.2`, `nginx@sha256:…`,
 * not `nginx2` or `docker.io/library/nginx`.
 */

import { stringifyYaml } from "../../yaml/stringify.ts";
import {
  applyFieldSpecs,
  type FieldSlot,
  nodeKindName,
  scalarText,
  setSlot,
  slotValue,
} from "../fieldspec/walk.ts";
import type { ImageEntry } from "../kustomization-file.ts";
import type { ResMap } from "../resmap.ts";
import { isJsonObject, type JsonValue, str } from "../resource.ts";
import type { TransformerConfig } from "./transformer-config.ts";

export function applyImages(resmap: ResMap, images: ImageEntry[], config: TransformerConfig): string[] {
  for (const image of images) {
    const update = (slot: FieldSlot) => updateImage(slot, image);
    for (const r of resmap.resources) {
      if (str(r.obj.kind) === "CustomResourceDefinition") continue;
      const error = legacyWalk(r.obj, update);
      if (error !== undefined) return [error];
    }
    for (const r of resmap.resources) {
      if (str(r.obj.kind) === "CustomResourceDefinition") continue;
      const error = applyFieldSpecs(r.obj, config.images, update, "none");
      if (error !== undefined) return [error];
    }
  }
  return [];
}

/** kustomize's image.IsImageMatched. */
export function imageMatches(image: string, name: string): boolean {
  try {
    return new RegExp(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`).test(image);
  } catch {
    return false;
  }
}

/** kustomize's image.Split: name, tag and digest ("" when absent); a registry port is not a tag. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let search = image;
  let slash = image.indexOf("/");
  if (slash > 0) search = image.slice(slash);
  else slash = 0;
  const at = search.indexOf("@");
  const colon = search.indexOf(":");
  if (colon < 0 && at < 0) return { name: image, tag: "", digest: "" };
  if (at >= 0 && (at < colon || colon < 0)) {
    return { name: image.slice(0, at + slash), tag: "", digest: image.slice(at + slash + 1) };
  }
  if (at >= 0 && colon >= 0) {
    return {
      name: image.slice(0, colon + slash),
      tag: image.slice(colon + slash + 1, at + slash),
      digest: image.slice(at + slash + 1),
    };
  }
  return { name: image.slice(0, colon + slash), tag: image.slice(colon + slash + 1), digest: "" };
}

/** The new image text for `value` under `entry` (kustomize's imageTagUpdater), or undefined if no match. */
export function rewriteImage(value: string, entry: ImageEntry): string | undefined {
  if (!imageMatches(value, entry.name ?? "")) return undefined;
  let { name, tag, digest } = splitImage(value);
  if (entry.newName) name = entry.newName;
  if (entry.newTag && entry.digest) {
    tag = entry.newTag;
    digest = entry.digest;
  } else if (entry.newTag) {
    tag = entry.newTag;
    digest = "";
  } else if (entry.digest) {
    tag = "";
    digest = entry.digest;
  } else if (entry.tagSuffix) {
    tag += entry.tagSuffix;
    digest = "";
  }
  return name + (tag ? `:${tag}` : "") + (digest ? `@${digest}` : "");
}

function updateImage(slot: FieldSlot, entry: ImageEntry): string | undefined {
  const value = slotValue(slot);
  if (value === null || value === undefined) return undefined;
  if (typeof value === "object") return wrongKind("ScalarNode", value);
  const next = rewriteImage(scalarText(value), entry);
  if (next !== undefined) setSlot(slot, next);
  return undefined;
}

/** The legacy pass: depth first, a field's value before the field itself, as upstream's walk. */
function legacyWalk(node: JsonValue, update: (slot: FieldSlot) => string | undefined): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const error = legacyWalk(item, update);
      if (error !== undefined) return error;
    }
    return undefined;
  }
  if (!isJsonObject(node)) return undefined;
  for (const [key, value] of Object.entries(node)) {
    const error = legacyWalk(value, update);
    if (error !== undefined) return error;
    if ((key === "containers" || key === "initContainers") && Array.isArray(value)) {
      for (const container of value) {
        if (container === null) continue;
        if (!isJsonObject(container)) return wrongKind("MappingNode", container);
        if (!Object.hasOwn(container, "image")) continue;
        const imageError = update({ parent: container, key: "image" });
        if (imageError !== undefined) return imageError;
      }
    }
  }
  return undefined;
}

function wrongKind(expected: string, value: JsonValue): string {
  return `wrong node kind: expected ${expected} but got ${nodeKindName(value)}: node contents:\n${stringifyYaml(value)}`;
}
