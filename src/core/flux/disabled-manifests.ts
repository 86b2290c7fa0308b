/**
 * Services switched off by renaming a Flux manifest to a `.dis` name (`ks.dis`, `ks.yaml.dis`, any `*.dis`)
 * — the files that hold Flux Kustomizations or HelmReleases, parsed once per snapshot. The health check
 * (a notice per disabled Kustomization) and the stale-service sweep (what each would deploy) both read them.
 */
import { getName, isJsonObject, type JsonObject } from "../kustomize/resource.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { readYamlDocuments } from "../yaml/read-documents.ts";
import { type FluxKind, fluxKindOf } from "./schema.ts";

export interface DisabledManifest {
  file: string;
  objects: Array<{ value: JsonObject; line: number; kind: FluxKind | undefined; name: string }>;
}

export function disabledManifests(snapshot: RepoSnapshot): DisabledManifest[] {
  const cache = snapshot.session.disabledManifests;
  const cached = cache.get(snapshot);
  if (cached) return cached;
  const out: DisabledManifest[] = [];
  for (const file of snapshot.files()) {
    if (!file.endsWith(".dis")) continue;
    const text = snapshot.readText(file);
    if (!text.ok || !text.text.includes("fluxcd.")) continue;
    const objects = readYamlDocuments(text.text, file).documents.flatMap((d) =>
      isJsonObject(d.value)
        ? [
            {
              value: d.value,
              line: d.line,
              kind: fluxKindOf(d.value.apiVersion, d.value.kind),
              name: getName(d.value),
            },
          ]
        : [],
    );
    if (objects.some((o) => o.kind === "Kustomization" || o.kind === "HelmRelease"))
      out.push({ file, objects });
  }
  cache.set(snapshot, out);
  return out;
}

const DAY = 86_400_000;

/** Whole days from `since` to `now` (ISO dates); undefined when either is not a date. */
export function ageInDays(since: string, now: string): number | undefined {
  const days = Math.floor((Date.parse(now) - Date.parse(since)) / DAY);
  return Number.isFinite(days) ? Math.max(0, days) : undefined;
}
