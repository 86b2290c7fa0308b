/**
 * A scan of the repository's YAML files as written (not built), for what must be known before any
 * build: where the cluster starts (FluxInstance, gotk-sync.yaml, root Kustomizations) and which
 * GitRepository objects exist (to tell this repository from external sources).
 */

import { overParseBudget, type ParsedFile, parseFileCached } from "../kustomize/context.ts";
import { isJsonObject, type JsonObject } from "../kustomize/resource.ts";
import { basename, isWithin } from "../snapshot/paths.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { type FluxKind, fluxKindOf } from "./schema.ts";

export interface RawFluxObject {
  kind: FluxKind;
  object: JsonObject;
  file: string;
  line: number;
}

/** Every Flux object in *.yaml / *.yml files under `root` (files that fail to parse are skipped here). */
export function scanFluxObjects(snapshot: RepoSnapshot, root = ""): RawFluxObject[] {
  const out: RawFluxObject[] = [];
  const scans = snapshot.session.fluxScans;
  for (const file of snapshot.files()) {
    if (!isWithin(file, root)) continue;
    const name = basename(file);
    if (!name.endsWith(".yaml") && !name.endsWith(".yml")) continue;
    const text = snapshot.readText(file);
    if (!text.ok || !mightHoldFlux(text.text)) continue;
    const hit = scans.get(file);
    if (hit && hit.text === text.text) {
      out.push(...hit.objects);
      continue;
    }
    const parsed = parseFileCached(snapshot, file);
    const objects = fluxObjectsOf(parsed.documents, file);
    // A file left unparsed by the parse budget is not known to hold nothing: another session may parse it.
    if (!overParseBudget(parsed)) scans.set(file, { text: text.text, objects });
    out.push(...objects);
  }
  return out;
}

function fluxObjectsOf(documents: ParsedFile["documents"], file: string): RawFluxObject[] {
  const out: RawFluxObject[] = [];
  for (const doc of documents) {
    const objs = isJsonObject(doc.value) && Array.isArray(doc.value.items) ? doc.value.items : [doc.value];
    for (const obj of objs) {
      if (!isJsonObject(obj)) continue;
      const kind = fluxKindOf(obj.apiVersion, obj.kind);
      if (kind) out.push({ kind, object: obj, file, line: doc.line });
    }
  }
  return out;
}

/** Cheap text test before parsing: only files mentioning a Flux API group (*.fluxcd.io, fluxcd.controlplane.io). */
function mightHoldFlux(text: string): boolean {
  return text.includes("fluxcd.");
}

/**
 * Normalize a Git URL for "same repository" comparisons: scheme (https, ssh://, scp-like git@), user,
 * `.git` suffix and case (GitHub, GitLab and Bitbucket paths are case-insensitive; two repositories that
 * differ only in case are not a thing on a forge).
 */
export function normalizeGitUrl(url: string): string {
  let u = url
    .trim()
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
  u = u.replace(/^ssh:\/\/git@([^/:]+)(:\d+)?\//, "https://$1/");
  u = u.replace(/^git@([^:]+):/, "https://$1/");
  u = u.replace(/^https?:\/\/[^@/]+@/, "https://");
  u = u.replace(/^http:\/\//, "https://");
  const m = /^https:\/\/([^/]+)(\/.*)?$/.exec(u);
  return (m ? `https://${m[1]}${m[2] ?? ""}` : u).toLowerCase();
}
