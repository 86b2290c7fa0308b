/**
 * Discovery: from the entrypoint Kustomizations, build each Flux Kustomization (kustomize + Flux's
 * overrides + post-build substitution), and follow the Flux Kustomizations in its output, breadth-first,
 * exactly once per namespace/name (flux build ks --recursive). HelmReleases, sources and the
 * ConfigMaps/Secrets each build renders are recorded on the way.
 *
 * substituteFrom values usually come from another Kustomization's output (cluster-settings), so
 * discovery runs to a fixpoint: the ConfigMap/Secret index of one pass feeds the next, until the index
 * stops changing. Builds and substitutions are cached by their inputs, so later passes are cheap.
 */
import { type Diagnostic, diagnostic } from "../diagnostics.ts";
import { buildFluxKustomization } from "../kustomize/flux-root.ts";
import {
  getName,
  getNamespace,
  isJsonObject,
  type JsonObject,
  metadataOf,
  type Resource,
} from "../kustomize/resource.ts";
import type {
  FluxKustomizationSpec,
  FluxObjectNode,
  HelmReleaseNode,
  KustomizationBuild,
  KustomizationNode,
  RenderedObject,
  SourceLocation,
  SourceNode,
  SourceRef,
} from "../model.ts";
import { fingerprint } from "../secrets/redact.ts";
import { joinPath, secureJoin } from "../snapshot/paths.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { helmReleaseNode, parseKustomizationSpec, sourceNode } from "./flux-objects.ts";
import { displayRef, refKey } from "./object-ref.ts";
import { collectVariables, type SubstituteResult, substituteObjects } from "./post-build.ts";
import { createdSecrets } from "./provided-objects.ts";
import { fluxKindOf } from "./schema.ts";

export interface DiscoveryStart {
  object: JsonObject;
  definedIn?: SourceLocation;
}

export interface DiscoveryOptions {
  /** The folder of this repository a source reference means, or why it is not analyzed. */
  resolveSource: (ref: SourceRef) => { root: string } | { external: string };
  /** The cluster these builds belong to (set on every Kustomization and HelmRelease). */
  cluster?: string;
  /** Fail on undefined post-build variables (Flux ≥ 2.9 default). */
  strictSubstitution: boolean;
  /** Why strictSubstitution has its value (the Flux version and where it was read), for the error. */
  strictReason?: string;
  /** Reuse unaffected builds of an earlier discovery of another revision. */
  reuse?: DiscoveryReuse | undefined;
  maxPasses?: number;
}

export interface DiscoveryResult {
  kustomizations: KustomizationNode[];
  helmReleases: HelmReleaseNode[];
  sources: SourceNode[];
  otherFluxObjects: FluxObjectNode[];
  diagnostics: Diagnostic[];
}

interface BuildCacheEntry {
  resources: Resource[];
  build: Omit<KustomizationBuild, "objects" | "variables" | "unsubstituted" | "failed" | "diagnostics"> & {
    failed: boolean;
    diagnostics: Diagnostic[];
  };
}

export interface DiscoveryCaches {
  builds: Map<string, BuildCacheEntry>;
  substitutions: Map<string, SubstituteResult>;
}

interface Caches extends DiscoveryCaches {
  reuse: DiscoveryReuse | undefined;
  /** Build keys taken from the earlier discovery (their substitutions may be reused too). */
  reused?: Set<string>;
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

/**
 * Build results of an earlier discovery (another revision of the same repository) and the paths that
 * changed since: a build whose read-set and existence probes avoid every changed path is reused as is.
 */
export interface DiscoveryReuse {
  caches: DiscoveryCaches;
  changedPaths: ReadonlySet<string>;
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

/** True when a change could alter a build that read `reads` and probed `probes`. */
function buildTouched(
  build: { reads: readonly string[]; probes: readonly string[] },
  changed: ReadonlySet<string>,
): boolean {
  for (const f of build.reads) if (changed.has(f)) return true;
  const probes = new Set(build.probes);
  for (const c of changed) {
    if (probes.has(c)) return true;
    const dir = c.includes("/") ? c.slice(0, c.lastIndexOf("/")) : "";
    if (probes.has(dir)) return true;
  }
  return false;
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
  const queue: Array<{ object: JsonObject; parent: string | null; definedIn?: SourceLocation }> = starts.map(
    (s) =>
      s.definedIn
        ? { object: s.object, parent: null, definedIn: s.definedIn }
        : { object: s.object, parent: null },
  );
  // A Kustomization whose substituteFrom sources are not rendered yet waits at the end of the queue,
  // so producers (cluster-settings) are usually built before consumers and one pass suffices.
  let stalled = 0;
  while (queue.length > 0) {
    const item = queue.shift()!;
    const namespace = getNamespace(item.object);
    const name = getName(item.object);
    const key = refKey(namespace, name);
    if (
      stalled < queue.length &&
      !nodes.has(key) &&
      requiredSources(item.object, namespace).some((k) => !index.has(k))
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
    const node: KustomizationNode = {
      namespace,
      name,
      key,
      cluster: options.cluster ?? "",
      apiVersion: String(item.object.apiVersion),
      spec: spec ?? emptySpec(namespace),
      object: item.object,
      parent: item.parent,
      status: "rendered",
    };
    if (item.definedIn) node.definedIn = item.definedIn;
    nodes.set(key, node);
    if (!spec) {
      node.status = "invalid";
      continue;
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
      continue;
    }
    const dir = secureJoin(joinPath(source.root, spec.path));
    if (!snapshot.isDirectory(dir) && dir !== "") {
      node.status = "path-not-found";
      diagnostics.push(
        diagnostic(
          "flux-path-not-found",
          `${ref}: spec.path "${spec.path}" does not exist in the repository (kustomization path not found).`,
          {
            ...(item.definedIn ?? {}),
            ref,
          },
        ),
      );
      continue;
    }
    if (spec.suspend) node.status = "suspended";
    node.build = render(snapshot, node, spec, dir, index, caches, options);
    for (const rendered of node.build.objects) {
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
        if (!hr) continue;
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

function render(
  snapshot: RepoSnapshot,
  node: KustomizationNode,
  spec: FluxKustomizationSpec,
  dir: string,
  index: LiveIndex,
  caches: Caches,
  options: DiscoveryOptions,
): KustomizationBuild {
  const buildKey = JSON.stringify([
    dir,
    spec.targetNamespace,
    spec.namePrefix,
    spec.nameSuffix,
    spec.patches,
    spec.components,
    spec.ignoreMissingComponents,
    spec.images,
  ]);
  let cached = caches.builds.get(buildKey);
  if (!cached && caches.reuse) {
    const previous = caches.reuse.caches.builds.get(buildKey);
    if (previous && !buildTouched(previous.build, caches.reuse.changedPaths)) {
      cached = previous;
      caches.builds.set(buildKey, previous);
      caches.reused ??= new Set();
      caches.reused.add(buildKey);
    }
  }
  if (!cached) {
    const { resources, ctx } = buildFluxKustomization(snapshot, {
      dir,
      targetNamespace: spec.targetNamespace,
      namePrefix: spec.namePrefix,
      nameSuffix: spec.nameSuffix,
      patches: spec.patches,
      components: spec.components,
      ignoreMissingComponents: spec.ignoreMissingComponents,
      images: spec.images,
    });
    cached = {
      resources,
      build: {
        dir,
        reads: [...ctx.reads].sort(),
        probes: [...ctx.probes].sort(),
        failed: ctx.failed,
        diagnostics: ctx.diagnostics,
      },
    };
    caches.builds.set(buildKey, cached);
  }
  const ref = displayRef("Kustomization", node.namespace, node.name);
  const diagnostics: Diagnostic[] = cached.build.diagnostics.map((d) => ({ ...d, ref: d.ref ?? ref }));
  let failed = cached.build.failed;
  const unsubstituted = cached.resources.map((r) => r.obj);
  let objects = unsubstituted;
  const variables = {
    defined: [] as string[],
    unknown: [] as string[],
    fingerprints: {} as Record<string, string>,
  };
  const loc = node.definedIn ? { file: node.definedIn.file, line: node.definedIn.line, ref } : { ref };
  if (spec.postBuild) {
    // A non-optional source that no build defines may still exist in the cluster (created outside Git):
    // it is treated as opaque (placeholders, no failure) and reported as a warning.
    const notInRepo: Array<{ kind: string; name: string }> = [];
    const collected = collectVariables(spec.postBuild, (kind, name) => {
      const found = index.get(`${kind}/${node.namespace}/${name}`);
      if (found !== undefined) return found;
      const ref = spec.postBuild?.substituteFrom?.find((f) => f.kind === kind && f.name === name);
      if (ref?.optional) return undefined;
      notInRepo.push({ kind, name });
      return "opaque";
    });
    variables.defined = [...collected.vars.keys()].sort();
    variables.unknown = [...collected.unknown].sort();
    for (const [name, value] of collected.vars) variables.fingerprints[name] = fingerprint(value);
    for (const m of notInRepo) {
      diagnostics.push(
        diagnostic(
          "flux-substitute-from-missing",
          `${ref}: postBuild.substituteFrom ${m.kind} ${node.namespace}/${m.name} is not defined in the repository; Flux fails this Kustomization unless the ${m.kind} is created in the cluster some other way (mark it optional: true if it may be absent). Its variables are shown as placeholders.`,
          loc,
        ),
      );
    }
    for (const e of collected.errors) {
      failed = true;
      diagnostics.push(diagnostic("flux-substitution-error", `${ref}: ${e}`, loc));
    }
    const substKey = `${buildKey}\u0000${JSON.stringify([...collected.vars])}\u0000${options.strictSubstitution}\u0000${options.strictReason ?? ""}\u0000${spec.postBuild.substituteStrategy ?? ""}`;
    let subst = caches.substitutions.get(substKey);
    if (!subst && caches.reused?.has(buildKey)) {
      subst = caches.reuse?.caches.substitutions.get(substKey);
      if (subst) caches.substitutions.set(substKey, subst);
    }
    if (!subst) {
      subst = substituteObjects(unsubstituted, collected, {
        strict: options.strictSubstitution,
        ...(options.strictReason ? { strictReason: options.strictReason } : {}),
        ...(spec.postBuild.substituteStrategy ? { strategy: spec.postBuild.substituteStrategy } : {}),
      });
      caches.substitutions.set(substKey, subst);
    }
    objects = subst.objects;
    for (const e of subst.errors) {
      failed = true;
      // Errors of the variable sources are repeated on the first object by substituteObjects; reported above.
      if (collected.errors.some((c) => e.message.includes(c))) continue;
      const r = cached.resources[e.index];
      diagnostics.push(
        diagnostic("flux-substitution-error", `${ref}: ${e.message}`, {
          ...(r
            ? { file: r.origin.file, ...(r.origin.line !== undefined ? { line: r.origin.line } : {}) }
            : {}),
          ref,
        }),
      );
    }
    // Values unknown offline: a default assumed, or a failure only a placeholder causes, is a notice.
    const assumed = [...new Map(subst.assumedDefaults.map((a) => [a.name, a])).values()];
    if (assumed.length > 0) {
      diagnostics.push(
        diagnostic(
          "flux-substitution-unknown",
          `${ref}: ${assumed.map((a) => `${a.name}`).join(", ")} may come from a source whose content is unknown offline; the default${assumed.length > 1 ? "s" : ""} written in the expression${assumed.length > 1 ? "s were" : " was"} assumed (${assumed.map((a) => `${a.name}=${JSON.stringify(a.default)}`).join(", ")}).`,
          loc,
        ),
      );
    }
    for (const u of subst.unknownOnly) {
      const r = cached.resources[u.index];
      diagnostics.push(
        diagnostic(
          "flux-substitution-unknown",
          `${ref}: substitution could not be checked because ${u.names.join(", ")} ${u.names.length > 1 ? "are" : "is"} unknown offline (with a placeholder it fails: ${u.message}); not reported as an error.`,
          {
            ...(r
              ? { file: r.origin.file, ...(r.origin.line !== undefined ? { line: r.origin.line } : {}) }
              : {}),
            ref,
          },
        ),
      );
    }
    const unknownUsed = [...new Set(subst.unknownUses.flatMap((u) => u.names))].sort();
    if (unknownUsed.length > 0) {
      diagnostics.push(
        diagnostic(
          "flux-substitution-unknown",
          `${ref}: the value${unknownUsed.length > 1 ? "s" : ""} of ${unknownUsed.join(", ")} ${unknownUsed.length > 1 ? "are" : "is"} not known offline (SOPS-encrypted, or from a Secret or ConfigMap created outside the repository), so the output shows ..PLACEHOLDER_<NAME>.. in ${unknownUsed.length > 1 ? "their" : "its"} place.`,
          loc,
        ),
      );
    }
  }
  if (spec.commonMetadata) objects = objects.map((o) => withCommonMetadata(o, spec.commonMetadata!));
  const rendered: RenderedObject[] = objects.map((object, i) => ({
    object,
    origin: cached.resources[i]?.origin ?? { file: dir },
  }));
  return { ...cached.build, objects: rendered, unsubstituted, variables, failed, diagnostics };
}

function withCommonMetadata(
  obj: JsonObject,
  meta: NonNullable<FluxKustomizationSpec["commonMetadata"]>,
): JsonObject {
  const copy: JsonObject = { ...obj, metadata: { ...metadataOf({ ...obj }) } };
  const m = copy.metadata as JsonObject;
  for (const field of ["labels", "annotations"] as const) {
    const add = meta[field];
    if (!add || Object.keys(add).length === 0) continue;
    m[field] = { ...(isJsonObject(m[field]) ? m[field] : {}), ...add };
  }
  return copy;
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

function emptySpec(namespace: string): FluxKustomizationSpec {
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
