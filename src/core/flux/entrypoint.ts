/**
 * Where discovery starts, with no configuration, in this order:
 *   1. explicit cluster paths (`--cluster-path`);
 *   2. a FluxInstance's `spec.sync` (or a flux-operator `flux-instance` HelmRelease's `values.instance.sync`);
 *   3. a `flux bootstrap` Kustomization flux-system in a `gotk-sync.yaml`;
 *   4. otherwise the Flux Kustomizations that no other build reaches (roots).
 * Each start is a Flux Kustomization object (synthesized for 1 and 2) plus the rule that produced it.
 */
import type { Diagnostic } from "../diagnostics.ts";
import { diagnostic } from "../diagnostics.ts";
import { buildFluxKustomization } from "../kustomize/flux-root.ts";
import { getName, getNamespace, isJsonObject, type JsonObject } from "../kustomize/resource.ts";
import type { EntrypointRule, SourceLocation } from "../model.ts";
import { basename, secureJoin } from "../snapshot/paths.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { refKey } from "./object-ref.ts";
import type { RawFluxObject } from "./raw-scan.ts";

export interface EntrypointCandidate {
  rule: EntrypointRule;
  object: JsonObject;
  definedIn?: SourceLocation;
  /** The file that made the rule fire. */
  file?: string;
  /** URL of the repository the entrypoint syncs, when known. */
  url?: string;
}

export interface EntrypointResult {
  entries: EntrypointCandidate[];
  diagnostics: Diagnostic[];
}

export function synthesizeKustomization(
  name: string,
  namespace: string,
  path: string,
  source: { kind: string; name: string },
): JsonObject {
  return {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: { name, namespace },
    spec: { interval: "10m", path, prune: true, sourceRef: { kind: source.kind, name: source.name } },
  };
}

export function detectEntrypoints(
  snapshot: RepoSnapshot,
  raw: readonly RawFluxObject[],
  clusterPaths: readonly string[] | undefined,
): EntrypointResult {
  if (clusterPaths && clusterPaths.length > 0) {
    return {
      entries: clusterPaths.map((p) => ({
        rule: "cluster-path" as const,
        object: synthesizeKustomization("flux-system", "flux-system", p, {
          kind: "GitRepository",
          name: "flux-system",
        }),
      })),
      diagnostics: [],
    };
  }
  const fromInstance = fluxInstanceEntries(raw);
  if (fromInstance.length > 0) return { entries: fromInstance, diagnostics: [] };
  const gotk = raw.filter(
    (o) =>
      o.kind === "Kustomization" &&
      basename(o.file) === "gotk-sync.yaml" &&
      getName(o.object) === "flux-system",
  );
  if (gotk.length > 0) {
    return {
      entries: gotk.map((o) => {
        const repo = raw.find((r) => r.kind === "GitRepository" && r.file === o.file);
        const url = repo && isJsonObject(repo.object.spec) ? repo.object.spec.url : undefined;
        return {
          rule: "gotk-sync" as const,
          object: withNamespace(o.object, "flux-system"),
          definedIn: { file: o.file, line: o.line },
          file: o.file,
          ...(typeof url === "string" ? { url } : {}),
        };
      }),
      diagnostics: [],
    };
  }
  return rootEntries(snapshot, raw);
}

function fluxInstanceEntries(raw: readonly RawFluxObject[]): EntrypointCandidate[] {
  const out: EntrypointCandidate[] = [];
  for (const o of raw) {
    let sync: unknown;
    let namespace = getNamespace(o.object) || "flux-system";
    if (o.kind === "FluxInstance") {
      sync = isJsonObject(o.object.spec) ? o.object.spec.sync : undefined;
    } else if (o.kind === "HelmRelease" && getName(o.object) === "flux-instance") {
      const values = isJsonObject(o.object.spec) ? o.object.spec.values : undefined;
      const instance = isJsonObject(values) ? values.instance : undefined;
      sync = isJsonObject(instance) ? instance.sync : undefined;
      const target = isJsonObject(o.object.spec) ? o.object.spec.targetNamespace : undefined;
      if (typeof target === "string" && target) namespace = target;
    }
    if (!isJsonObject(sync) || typeof sync.path !== "string") continue;
    const kind = typeof sync.kind === "string" && sync.kind ? sync.kind : "GitRepository";
    const name = typeof sync.name === "string" && sync.name ? sync.name : namespace;
    const entry: EntrypointCandidate = {
      rule: "flux-instance",
      object: synthesizeKustomization(name, namespace, sync.path, { kind, name }),
      definedIn: { file: o.file, line: o.line },
      file: o.file,
    };
    if (typeof sync.url === "string") entry.url = sync.url;
    out.push(entry);
  }
  return dedupeByKey(out);
}

/** Flux Kustomizations that no other Kustomization's build reads (their files are applied from outside). */
function rootEntries(snapshot: RepoSnapshot, raw: readonly RawFluxObject[]): EntrypointResult {
  const candidates = raw.filter((o) => o.kind === "Kustomization");
  if (candidates.length === 0) {
    return {
      entries: [],
      diagnostics: [
        diagnostic(
          "flux-entrypoint-not-found",
          "No Flux Kustomization found to start from: no FluxInstance, no gotk-sync.yaml and no kustomize.toolkit.fluxcd.io Kustomization. Pass --cluster-path with the directory Flux syncs.",
        ),
      ],
    };
  }
  const readBy = new Map<string, Set<number>>();
  candidates.forEach((c, i) => {
    const spec = isJsonObject(c.object.spec) ? c.object.spec : {};
    const dir = secureJoin(typeof spec.path === "string" ? spec.path : "");
    if (!snapshot.isDirectory(dir)) return;
    const { ctx } = buildFluxKustomization(snapshot, { dir });
    for (const f of ctx.reads) {
      const readers = readBy.get(f) ?? new Set<number>();
      readers.add(i);
      readBy.set(f, readers);
    }
  });
  const roots = candidates.filter((c, i) => [...(readBy.get(c.file) ?? [])].every((j) => j === i));
  const entries = roots.map((o) => ({
    rule: "roots" as const,
    object: withNamespace(o.object, "flux-system"),
    definedIn: { file: o.file, line: o.line },
    file: o.file,
  }));
  const kept = dedupeByKey(entries);
  const diagnostics = entries
    .filter((e) => !kept.includes(e) && !kept.some((k) => k.file === e.file))
    .map((e) => {
      const first = kept.find((k) => getName(k.object) === getName(e.object))!;
      return diagnostic(
        "flux-entrypoint-several-clusters",
        `${e.file} defines Kustomization flux-system/${getName(e.object)} like ${first.file}: this looks like a repository with several clusters, and only the first is analyzed; pass --cluster-path (or --search-root) to analyze another.`,
        { file: e.file, line: e.definedIn.line },
      );
    });
  return { entries: kept, diagnostics };
}

function withNamespace(obj: JsonObject, fallback: string): JsonObject {
  if (getNamespace(obj)) return obj;
  const meta = isJsonObject(obj.metadata) ? obj.metadata : {};
  return { ...obj, metadata: { ...meta, namespace: fallback } };
}

function dedupeByKey(list: EntrypointCandidate[]): EntrypointCandidate[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const key = refKey(getNamespace(e.object), getName(e.object));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
