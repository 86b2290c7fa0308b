/**
 * Discovery: from the entrypoint Kustomizations, build each Flux Kustomization (one build is
 * render-kustomization.ts: kustomize + Flux's overrides + post-build substitution), and follow the Flux Kustomizations in its output, breadth-first,
 * exactly once per namespace/name (flux build ks --recursive). HelmReleases, sources and the
 * ConfigMaps/Secrets each build renders are recorded on the way.
 *
 * substituteFrom values usually come from another Kustomization's output (cluster-settings), so
 * discovery runs to a fixpoint: the ConfigMap/Secret index of one pass feeds the next, until the index
 * stops changing. Builds and substitutions are cached by their inputs, so later passes are cheap.
 */
import { analysisFailed, type Diagnostic, diagnostic } from "../diagnostics.ts";
import { getName, getNamespace, isJsonObject, type JsonObject } from "../kustomize/resource.ts";
import type {
  FluxKustomizationSpec,
  FluxObjectNode,
  HelmReleaseNode,
  KustomizationNode,
  RenderedObject,
  SourceLocation,
  SourceNode,
  SourceRef,
} from "../model.ts";
import { joinPath, secureJoin } from "../snapshot/paths.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import type { ByteBudget } from "../util/budget.ts";
import { helmReleaseNode, parseKustomizationSpec, sourceNode } from "./flux-objects.ts";
import { displayRef, refKey } from "./object-ref.ts";
import { createdSecrets } from "./provided-objects.ts";
import {
  type Caches,
  type DiscoveryCaches,
  type DiscoveryReuse,
  renderKustomization,
} from "./render-kustomization.ts";
import { fluxKindOf } from "./schema.ts";

export type { DiscoveryCaches, DiscoveryReuse } from "./render-kustomization.ts";

export interface DiscoveryStart {
  object: JsonObject;
  definedIn?: SourceLocation;
  /** The entry path as the user named it (--cluster-path, clusterPaths, clusters), for a missing path. */
  given?: { path: string; from: string };
}

export interface DiscoveryOptions {
  /** The folder of this repository a source reference means, or why it is not analyzed. */
  resolveSource: (ref: SourceRef) => { root: string; assumed?: string } | { external: string };
  /** The cluster these builds belong to (set on every Kustomization and HelmRelease). */
  cluster?: string;
  /** Fail on undefined post-build variables (Flux ≥ 2.9 default). */
  strictSubstitution: boolean;
  /** Why strictSubstitution has its value (the Flux version and where it was read), for the error. */
  strictReason?: string;
  /** Reuse unaffected builds of an earlier discovery of another revision. */
  reuse?: DiscoveryReuse | undefined;
  maxPasses?: number;
  /** The byte allowance of the whole analysis (util/budget.ts), shared by every build. */
  budget?: ByteBudget | undefined;
}

export interface DiscoveryResult {
  kustomizations: KustomizationNode[];
  helmReleases: HelmReleaseNode[];
  sources: SourceNode[];
  otherFluxObjects: FluxObjectNode[];
  diagnostics: Diagnostic[];
}

/** ConfigMaps/Secrets by "Kind/namespace/name"; "opaque" for Secrets a controller creates from the repository. */
type ObjectIndex = Map<string, JsonObject | "opaque">;

interface PassResult {
  /** True when every substituteFrom lookup saw the value the pass finally renders for it. */
  consistent: boolean;
  result: DiscoveryResult;
  configObjects: JsonObject[];
  opaqueKeys: string[];
}

export function discover(
  snapshot: RepoSnapshot,
  starts: readonly DiscoveryStart[],
  options: DiscoveryOptions,
): DiscoveryResult & { caches: DiscoveryCaches } {
  const caches: Caches = { builds: new Map(), substitutions: new Map(), reuse: options.reuse };
  let index: ObjectIndex = new Map();
  let result = pass(snapshot, starts, options, index, caches);
  for (let i = 1; i < (options.maxPasses ?? 6) && !result.consistent; i++) {
    index = configIndex(result);
    result = pass(snapshot, starts, options, index, caches);
  }
  return { ...result.result, caches: { builds: caches.builds, substitutions: caches.substitutions } };
}

/**
 * The index one pass reads while it renders: the previous pass's objects, updated as builds of this
 * pass complete. Every lookup is recorded, so the pass can tell afterwards whether any Kustomization
 * read a value that a later build changed (then another pass runs).
 */
class LiveIndex {
  private readonly values: ObjectIndex;
  private readonly fresh = new Set<string>();
  readonly consulted = new Map<string, JsonObject | "opaque" | undefined>();

  constructor(start: ObjectIndex) {
    this.values = new Map(start);
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  get(key: string): JsonObject | "opaque" | undefined {
    const v = this.values.get(key);
    this.consulted.set(key, v);
    return v;
  }

  /** First definition in this pass wins (as in configIndex); values left from the previous pass are replaced. */
  set(key: string, value: JsonObject | "opaque"): void {
    if (this.fresh.has(key)) return;
    this.fresh.add(key);
    this.values.set(key, value);
  }
}

/** Non-optional substituteFrom keys of a Kustomization object as written ("Kind/namespace/name"). */
function requiredSources(obj: JsonObject, namespace: string): string[] {
  const spec = isJsonObject(obj.spec) ? obj.spec : undefined;
  const postBuild = spec && isJsonObject(spec.postBuild) ? spec.postBuild : undefined;
  const from = postBuild && Array.isArray(postBuild.substituteFrom) ? postBuild.substituteFrom : [];
  return from
    .filter((f): f is JsonObject => isJsonObject(f) && f.optional !== true)
    .map((f) => `${String(f.kind)}/${namespace}/${String(f.name)}`);
}

function pass(
  snapshot: RepoSnapshot,
  starts: readonly DiscoveryStart[],
  options: DiscoveryOptions,
  start: ObjectIndex,
  caches: Caches,
): PassResult {
  const index = new LiveIndex(start);
  const diagnostics: Diagnostic[] = [];
  const nodes = new Map<string, KustomizationNode>();
  const helmReleases = new Map<string, HelmReleaseNode>();
  const sources = new Map<string, SourceNode>();
  const others: DiscoveryResult["otherFluxObjects"] = [];
  const configObjects: JsonObject[] = [];
  const opaqueKeys: string[] = [];
  const queue: Array<{
    object: JsonObject;
    parent: string | null;
    definedIn?: SourceLocation;
    given?: DiscoveryStart["given"];
  }> = starts.map((s) => ({
    object: s.object,
    parent: null,
    ...(s.definedIn ? { definedIn: s.definedIn } : {}),
    ...(s.given ? { given: s.given } : {}),
  }));
  // A Kustomization whose substituteFrom sources are not rendered yet waits at the end of the queue,
  // so producers (cluster-settings) are usually built before consumers and one pass suffices.
  let stalled = 0;
  while (queue.length > 0) {
    const item = queue.shift()!;
    let namespace: string;
    let name: string;
    try {
      namespace = getNamespace(item.object);
      name = getName(item.object);
    } catch (error) {
      diagnostics.push(
        analysisFailed(
          "reading a Kustomization's name",
          error,
          { ...(item.definedIn ?? {}) },
          "what it applies is unknown",
        ),
      );
      continue;
    }
    const key = refKey(namespace, name);
    if (
      stalled < queue.length &&
      !nodes.has(key) &&
      guarded(() => requiredSources(item.object, namespace), []).some((k) => !index.has(k))
    ) {
      queue.push(item);
      stalled++;
      continue;
    }
    stalled = 0;
    const ref = displayRef("Kustomization", namespace, name);
    const existing = nodes.get(key);
    if (existing) {
      if (item.parent !== key && existing.key !== item.parent) {
        diagnostics.push(
          diagnostic(
            "flux-duplicate-object",
            `${ref} is produced by both ${existing.parent ?? "the entrypoint"} and ${item.parent ?? "the entrypoint"}; Flux applies whichever reconciles last.`,
            { ...(item.definedIn ?? {}), ref },
          ),
        );
      }
      continue;
    }
    const node: KustomizationNode = {
      namespace,
      name,
      key,
      cluster: options.cluster ?? "",
      apiVersion: String(item.object.apiVersion),
      spec: emptySpec(namespace),
      object: item.object,
      parent: item.parent,
      status: "rendered",
    };
    if (item.definedIn) node.definedIn = item.definedIn;
    nodes.set(key, node);
    // One Kustomization that makes the engine fail costs only itself: its result is unknown, the rest of
    // the discovery goes on.
    try {
      visit(item, node, ref);
    } catch (error) {
      node.status = "unknown";
      const at = { ...(item.definedIn ?? {}), ref };
      const d = analysisFailed(`analyzing ${ref}`, error, at, "what it applies is unknown");
      if (node.build) {
        node.build = {
          ...node.build,
          objects: [],
          failed: true,
          unknown: "the engine failed while analyzing it",
          diagnostics: [...node.build.diagnostics, d],
        };
      } else diagnostics.push(d);
    }
  }

  /** Builds one Kustomization and records what its output holds (child Kustomizations queued). */
  function visit(item: (typeof queue)[number], node: KustomizationNode, ref: string): void {
    const { namespace, key } = node;
    if (!namespace) {
      diagnostics.push(
        diagnostic(
          "flux-missing-namespace",
          `${ref} has no namespace after the build; Flux cannot apply it.`,
          { ...(item.definedIn ?? {}), ref },
        ),
      );
    }
    const spec = parseKustomizationSpec(item.object, item.definedIn, diagnostics);
    if (spec) node.spec = spec;
    if (!spec) {
      node.status = "invalid";
      return;
    }
    const source = options.resolveSource(spec.sourceRef);
    if ("external" in source) {
      node.status = "external";
      node.source = `${spec.sourceRef.kind} ${spec.sourceRef.namespace}/${spec.sourceRef.name}`;
      diagnostics.push(
        diagnostic(
          "flux-source-external",
          `${ref} is not analyzed: ${source.external}. Its contents are unknown to this analysis.`,
          { ...(item.definedIn ?? {}), ref },
        ),
      );
      return;
    }
    if (source.assumed) {
      diagnostics.push(
        diagnostic("flux-source-assumed", `${ref}: ${source.assumed}.`, { ...(item.definedIn ?? {}), ref }),
      );
    }
    const dir = secureJoin(joinPath(source.root, spec.path));
    if (!snapshot.isDirectory(dir) && dir !== "") {
      node.status = "path-not-found";
      diagnostics.push(
        diagnostic(
          "flux-path-not-found",
          item.given
            ? `Cluster path "${item.given.path}" (from ${item.given.from}) does not exist in the repository, so nothing of this cluster is analyzed; give a folder relative to the repository root.`
            : `${ref}: spec.path "${spec.path}" does not exist in the repository (kustomization path not found).`,
          item.given ? {} : { ...(item.definedIn ?? {}), ref },
        ),
      );
      return;
    }
    if (spec.suspend) node.status = "suspended";
    node.build = renderKustomization(
      snapshot,
      node,
      spec,
      dir,
      (key: string) => index.get(key),
      caches,
      options,
    );
    if (node.build.unknown !== undefined) {
      node.status = "unknown";
      return;
    }
    for (const rendered of node.build.objects) {
      try {
        record(rendered, key);
      } catch (error) {
        const obj = rendered.object;
        const what = `${typeof obj.kind === "string" ? obj.kind : "an object"} in the output of ${ref}`;
        diagnostics.push(
          analysisFailed(
            `reading ${what}`,
            error,
            {
              file: rendered.origin.file,
              ...(rendered.origin.line !== undefined ? { line: rendered.origin.line } : {}),
              ref,
            },
            "what it changes is unknown",
          ),
        );
      }
    }
  }

  /** One object of a build's output: indexed (ConfigMaps, Secrets), queued (Kustomizations) or recorded. */
  function record(rendered: RenderedObject, key: string): void {
    const obj = rendered.object;
    const kind = fluxKindOf(obj.apiVersion, obj.kind);
    const loc: SourceLocation | undefined =
      rendered.origin.line === undefined
        ? undefined
        : { file: rendered.origin.file, line: rendered.origin.line };
    if (obj.kind === "ConfigMap" || obj.kind === "Secret") {
      configObjects.push(obj);
      index.set(`${obj.kind}/${getNamespace(obj)}/${getName(obj)}`, obj);
    }
    for (const secret of createdSecrets(obj)) {
      opaqueKeys.push(`Secret/${getNamespace(obj)}/${secret}`);
      index.set(`Secret/${getNamespace(obj)}/${secret}`, "opaque");
    }
    if (kind === "Kustomization") {
      queue.push(loc ? { object: obj, parent: key, definedIn: loc } : { object: obj, parent: key });
    } else if (kind === "HelmRelease") {
      const hr = helmReleaseNode(obj, key, loc, diagnostics);
      if (!hr) return;
      hr.cluster = options.cluster ?? "";
      if (helmReleases.has(hr.key)) {
        diagnostics.push(
          diagnostic(
            "flux-duplicate-object",
            `HelmRelease ${hr.key} is produced by both ${helmReleases.get(hr.key)!.kustomization} and ${key}.`,
            {
              ...(loc ?? {}),
              ref: displayRef("HelmRelease", hr.namespace, hr.name),
            },
          ),
        );
      } else helmReleases.set(hr.key, hr);
    } else if (
      kind === "GitRepository" ||
      kind === "OCIRepository" ||
      kind === "HelmRepository" ||
      kind === "Bucket"
    ) {
      // ExternalArtifact, ArtifactGenerator and ResourceSet fall through to the other Flux objects.
      const s = sourceNode(kind, obj, key, loc);
      if (!sources.has(`${kind}/${s.key}`)) sources.set(`${kind}/${s.key}`, s);
    } else if (kind) {
      others.push({
        kind,
        namespace: getNamespace(obj),
        name: getName(obj),
        kustomization: key,
        object: obj,
        ...(loc ? { definedIn: loc } : {}),
      });
    }
  }
  const byKey = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
    a.namespace < b.namespace
      ? -1
      : a.namespace > b.namespace
        ? 1
        : a.name < b.name
          ? -1
          : a.name > b.name
            ? 1
            : 0;
  const passResult: PassResult = {
    consistent: true,
    result: {
      kustomizations: [...nodes.values()].sort(byKey),
      helmReleases: [...helmReleases.values()].sort(byKey),
      sources: [...sources.values()].sort(byKey),
      otherFluxObjects: others,
      diagnostics,
    },
    configObjects,
    opaqueKeys,
  };
  const final = configIndex(passResult);
  passResult.consistent = [...index.consulted].every(([k, v]) => sameEntry(v, final.get(k)));
  return passResult;
}

/** fn(), or `fallback` when it throws (a helper that is not worth a finding of its own). */
function guarded<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function configIndex(r: PassResult): ObjectIndex {
  const index: ObjectIndex = new Map();
  for (const obj of r.configObjects) {
    const key = `${obj.kind}/${getNamespace(obj)}/${getName(obj)}`;
    if (!index.has(key)) index.set(key, obj);
  }
  for (const key of r.opaqueKeys) if (!index.has(key)) index.set(key, "opaque");
  return index;
}

function sameEntry(a: JsonObject | "opaque" | undefined, b: JsonObject | "opaque" | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === "opaque" || b === "opaque") return false;
  return (
    JSON.stringify(a.data ?? null) === JSON.stringify(b.data ?? null) &&
    JSON.stringify(a.stringData ?? null) === JSON.stringify(b.stringData ?? null)
  );
}

/** The spec of a Kustomization whose object could not be read: nothing to build, nothing depended on. */
export function emptySpec(namespace: string): FluxKustomizationSpec {
  return {
    path: "",
    sourceRef: { kind: "GitRepository", name: "", namespace },
    dependsOn: [],
    prune: false,
    suspend: false,
    wait: false,
    components: [],
    ignoreMissingComponents: false,
    patches: [],
    images: [],
    healthChecks: [],
  };
}
