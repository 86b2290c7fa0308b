/**
 * Target selection for patches (kustomize's resWrangler.Select and types.SelectorRegex): group, version,
 * kind, name and namespace are anchored regular expressions (empty = any); name and namespace match the
 * original OR the current value, namespaces compared in effective form ("default" for unset); label and
 * annotation selectors use Kubernetes selector syntax. Also the Go-regexp translation and metadata
 * string maps that replacements share.
 */
import type { Target } from "../kustomization-file.ts";
import type { ResMap } from "../resmap.ts";
import {
  curId,
  gvkOf,
  isClusterScoped,
  isJsonObject,
  type JsonObject,
  orgId,
  type ResId,
  type Resource,
} from "../resource.ts";
import { rawText } from "./kyaml-nodes.ts";
import { parseSelector, selectorMatches } from "./label-selector.ts";

export type SelectResult = { ok: true; resources: Resource[] } | { ok: false; error: string };

/** Resources selected by `target`, in resmap order; [] when the selector is invalid. */
export function selectResources(resmap: ResMap, target: Target): Resource[] {
  const r = trySelectResources(resmap, target);
  return r.ok ? r.resources : [];
}

/** Like selectResources, but says why a selector is invalid (bad regex or label selector). */
export function trySelectResources(resmap: ResMap, target: Target): SelectResult {
  const patterns: Array<[keyof Target, RegExp | undefined]> = [];
  for (const key of ["group", "version", "kind", "name", "namespace"] as const) {
    const p = target[key];
    if (!p) {
      patterns.push([key, undefined]);
      continue;
    }
    const re = goRegExp(p, true);
    if (typeof re === "string") return { ok: false, error: re };
    patterns.push([key, re]);
  }
  const re = Object.fromEntries(patterns) as Partial<Record<keyof Target, RegExp>>;
  const matches = (r: RegExp | undefined, s: string) => r === undefined || r.test(s);
  const out: Resource[] = [];
  for (const r of resmap.resources) {
    const cur = curId(r);
    const org = orgId(r);
    if (!matches(re.namespace, selectorNamespace(org)) && !matches(re.namespace, selectorNamespace(cur)))
      continue;
    if (!matches(re.name, org.name) && !matches(re.name, cur.name)) continue;
    const gvk = gvkOf(r.obj);
    if (!matches(re.group, gvk.group) || !matches(re.version, gvk.version) || !matches(re.kind, gvk.kind))
      continue;
    const m = matchesSelectors(r.obj, target.labelSelector, target.annotationSelector);
    if (!m.ok) return m;
    if (m.matched) out.push(r);
  }
  return { ok: true, resources: out };
}

export type SelectorMatch = { ok: true; matched: boolean } | { ok: false; error: string };

/** Resource.MatchesLabelSelector && MatchesAnnotationSelector; empty selectors match everything. */
export function matchesSelectors(
  obj: JsonObject,
  labelSelector?: string,
  annotationSelector?: string,
): SelectorMatch {
  let matched = true;
  for (const [selector, field] of [
    [labelSelector, "labels"],
    [annotationSelector, "annotations"],
  ] as const) {
    if (!selector) continue;
    const parsed = parseSelector(selector);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    if (!selectorMatches(parsed.requirements, metadataStrings(obj, field))) matched = false;
  }
  return { ok: true, matched };
}

/** kyaml's getMapFromMeta: metadata labels/annotations with every value as its scalar text. */
export function metadataStrings(obj: JsonObject, field: "labels" | "annotations"): Record<string, string> {
  const out: Record<string, string> = {};
  const meta = obj.metadata;
  const m = isJsonObject(meta) ? meta[field] : undefined;
  if (!isJsonObject(m)) return out;
  for (const [k, v] of Object.entries(m))
    Object.defineProperty(out, k, { value: rawText(v), enumerable: true });
  return out;
}

/** kustomize's ResId.EffectiveNamespace as Select sees it. */
function selectorNamespace(id: ResId): string {
  if (isClusterScoped(id)) return "_non_namespaceable_";
  return id.namespace === "" ? "default" : id.namespace;
}

/**
 * A Go (RE2) regular expression as a JavaScript RegExp, anchored as kustomize anchors selector fields.
 * Handles the RE2-only spellings that matter in practice (`(?i)` flags, `(?P<name>`); returns kustomize's
 * style of error text when the pattern does not compile.
 */
export function goRegExp(pattern: string, anchored: boolean): RegExp | string {
  let src = pattern.replaceAll("(?P<", "(?<");
  let flags = "";
  const lead = /^\(\?([ims]+)\)/.exec(src);
  if (lead?.[1]) {
    flags = lead[1];
    src = src.slice(lead[0].length);
  }
  try {
    return new RegExp(anchored ? `^(?:${src})$` : src, flags);
  } catch (error) {
    return `error parsing regexp: ${(error as Error).message.replace(/^Invalid regular expression: /, "")}`;
  }
}
