/**
 * Rendering one Flux Kustomization, as kustomize-controller builds it: the kustomize build of its path with
 * Flux's overrides (flux-root.ts), post-build substitution with the variables its substituteFrom sources
 * hold (looked up by the caller's index), and commonMetadata. Builds and substitutions are cached by their
 * inputs; a build of an earlier revision is reused when none of the paths it read or probed changed.
 *
 * The fixpoint that drives discovery (which Kustomizations exist, in what order, which ConfigMaps and
 * Secrets they make) is discover.ts.
 */
import { analysisFailed, type Diagnostic, type DiagnosticCode, diagnostic } from "../diagnostics.ts";
import { buildFluxKustomization } from "../kustomize/flux-root.ts";
import { isJsonObject, type JsonObject, metadataOf, type Resource } from "../kustomize/resource.ts";
import type {
  FluxKustomizationSpec,
  KustomizationBuild,
  KustomizationNode,
  RenderedObject,
} from "../model.ts";
import { fingerprint } from "../secrets/redact.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { type ByteBudget, NODE_COST } from "../util/budget.ts";
import { displayRef } from "./object-ref.ts";
import { collectVariables, type SubstituteResult, substituteObjects } from "./post-build.ts";

/** A ConfigMap or Secret by "Kind/namespace/name": the object, "opaque" (exists, content unknown) or undefined. */
export type ObjectLookupByKey = (key: string) => JsonObject | "opaque" | undefined;

export interface RenderOptions {
  /** Fail on undefined post-build variables (Flux ≥ 2.9 default). */
  strictSubstitution: boolean;
  /** Why strictSubstitution has its value (the Flux version and where it was read), for the error. */
  strictReason?: string | undefined;
  /** The byte allowance of the whole analysis (util/budget.ts), shared by every build. */
  budget?: ByteBudget | undefined;
}

/** Findings that make what a build applies unknown: the engine failed, or stopped at one of its limits. */
const UNKNOWN_CODES: ReadonlySet<DiagnosticCode> = new Set([
  "analysis-failed",
  "kustomize-budget-exceeded",
  "kustomize-plugin-not-rendered",
  "postbuild-output-limit",
]);

/** Why a build's result is unknown (our words), or undefined when it is known. */
function unknownReason(diagnostics: readonly Diagnostic[]): string | undefined {
  const d = diagnostics.find((x) => UNKNOWN_CODES.has(x.code));
  if (!d) return undefined;
  if (d.code === "analysis-failed") return "the engine failed while rendering it";
  if (d.code === "kustomize-budget-exceeded")
    return "its kustomize build went over the engine's render budget";
  if (d.code === "kustomize-plugin-not-rendered")
    return "its kustomize build runs a builtin plugin the engine does not render";
  return "its post-build substitution went over the engine's output limit";
}

export interface BuildCacheEntry {
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

export interface Caches extends DiscoveryCaches {
  reuse: DiscoveryReuse | undefined;
  /** Build keys taken from the earlier discovery (their substitutions may be reused too). */
  reused?: Set<string>;
}

/**
 * Build results of an earlier discovery (another revision of the same repository) and the paths that
 * changed since: a build whose read-set and existence probes avoid every changed path is reused as is.
 */
export interface DiscoveryReuse {
  caches: DiscoveryCaches;
  changedPaths: ReadonlySet<string>;
}

/** True when a change could alter a build that read `reads` and probed `probes`. */
export function buildTouched(
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

export function renderKustomization(
  snapshot: RepoSnapshot,
  node: KustomizationNode,
  spec: FluxKustomizationSpec,
  dir: string,
  lookup: ObjectLookupByKey,
  caches: Caches,
  options: RenderOptions,
): KustomizationBuild {
  const ref = displayRef("Kustomization", node.namespace, node.name);
  const loc = node.definedIn ? { file: node.definedIn.file, line: node.definedIn.line, ref } : { ref };
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
    cached = kustomizeBuild(snapshot, spec, dir, options, loc, node);
    caches.builds.set(buildKey, cached);
  }
  const diagnostics: Diagnostic[] = cached.build.diagnostics.map((d) => ({ ...d, ref: d.ref ?? ref }));
  let failed = cached.build.failed;
  let unknown = cached.build.unknown;
  const unsubstituted = cached.resources.map((r) => r.obj);
  let objects = unsubstituted;
  const variables = {
    defined: [] as string[],
    unknown: [] as string[],
    fingerprints: {} as Record<string, string>,
  };
  if (spec.postBuild && unknown === undefined) {
    try {
      const substituted = postBuild(spec, node, ref, loc, lookup, cached, buildKey, caches, options);
      objects = substituted.objects;
      failed ||= substituted.failed;
      unknown = substituted.unknown;
      Object.assign(variables, substituted.variables);
      diagnostics.push(...substituted.diagnostics);
    } catch (error) {
      failed = true;
      unknown = "the engine failed while substituting its post-build variables";
      diagnostics.push(
        analysisFailed(
          `substituting the post-build variables of ${ref}`,
          error,
          loc,
          "what it applies is unknown",
        ),
      );
    }
  }
  if (unknown !== undefined) {
    return {
      ...cached.build,
      objects: [],
      unsubstituted,
      variables,
      failed: true,
      unknown,
      diagnostics,
    };
  }
  if (spec.commonMetadata) objects = objects.map((o) => withCommonMetadata(o, spec.commonMetadata!));
  const rendered: RenderedObject[] = objects.map((object, i) => ({
    object,
    origin: cached.resources[i]?.origin ?? { file: dir },
  }));
  return { ...cached.build, objects: rendered, unsubstituted, variables, failed, diagnostics };
}

/**
 * The kustomize build of a Flux Kustomization, guarded: an exception becomes an analysis-failed finding on
 * the Kustomization (its read-set so far is lost), and a build that went over a render budget keeps its
 * findings and read-set but no resources (its output is unknown, and a partial one would read as deletions).
 */
function kustomizeBuild(
  snapshot: RepoSnapshot,
  spec: FluxKustomizationSpec,
  dir: string,
  options: RenderOptions,
  loc: { file?: string; line?: number; ref: string },
  node: KustomizationNode,
): BuildCacheEntry {
  try {
    const { resources, ctx } = buildFluxKustomization(
      snapshot,
      {
        dir,
        targetNamespace: spec.targetNamespace,
        namePrefix: spec.namePrefix,
        nameSuffix: spec.nameSuffix,
        patches: spec.patches,
        components: spec.components,
        ignoreMissingComponents: spec.ignoreMissingComponents,
        images: spec.images,
      },
      undefined,
      options.budget,
    );
    const unknown = unknownReason(ctx.diagnostics);
    return {
      resources: unknown === undefined ? resources : [],
      build: {
        dir,
        reads: [...ctx.reads].sort(),
        probes: [...ctx.probes].sort(),
        failed: ctx.failed,
        diagnostics: ctx.diagnostics,
        ...(unknown !== undefined ? { unknown } : {}),
      },
    };
  } catch (error) {
    const ref = displayRef("Kustomization", node.namespace, node.name);
    return {
      resources: [],
      build: {
        dir,
        reads: [],
        probes: [],
        failed: true,
        unknown: "the engine failed while rendering it",
        diagnostics: [
          analysisFailed(
            `rendering ${ref} (kustomize build of ${dir || "."})`,
            error,
            loc,
            "what it applies is unknown",
          ),
        ],
      },
    };
  }
}

interface PostBuildResult {
  objects: JsonObject[];
  failed: boolean;
  unknown: string | undefined;
  variables: KustomizationBuild["variables"];
  diagnostics: Diagnostic[];
}

/** spec.postBuild: the variables from substituteFrom and substitute, then the substitution (cached). */
function postBuild(
  spec: FluxKustomizationSpec,
  node: KustomizationNode,
  ref: string,
  loc: { file?: string; line?: number; ref: string },
  lookup: ObjectLookupByKey,
  cached: BuildCacheEntry,
  buildKey: string,
  caches: Caches,
  options: RenderOptions,
): PostBuildResult {
  const postBuildSpec = spec.postBuild!;
  const diagnostics: Diagnostic[] = [];
  let failed = false;
  const variables = {
    defined: [] as string[],
    unknown: [] as string[],
    fingerprints: {} as Record<string, string>,
  };
  /** The result once the substitution went over an output limit: nothing known to apply. */
  const overOutputLimit = (): PostBuildResult => ({
    objects: [],
    failed: true,
    unknown: "its post-build substitution went over the engine's output limit",
    variables,
    diagnostics,
  });
  // A non-optional source that no build defines may still exist in the cluster (created outside Git):
  // it is treated as opaque (placeholders, no failure) and reported as a warning.
  const notInRepo: Array<{ kind: string; name: string }> = [];
  const collected = collectVariables(postBuildSpec, (kind, name) => {
    const found = lookup(`${kind}/${node.namespace}/${name}`);
    if (found !== undefined) return found;
    const ref = postBuildSpec.substituteFrom?.find((f) => f.kind === kind && f.name === name);
    if (ref?.optional) return undefined;
    notInRepo.push({ kind, name });
    return "opaque";
  });
  // The variables are copied into this build's cache key and fingerprinted: a large ConfigMap feeding a
  // thousand Kustomizations costs a thousand times its size, so they count against the analysis' budget.
  let size = 0;
  for (const [name, value] of collected.vars) size += name.length + value.length + NODE_COST;
  if (options.budget && !options.budget.charge(size)) {
    diagnostics.push(
      diagnostic(
        "postbuild-output-limit",
        `${ref}: its post-build variables (${size} characters) would take the substitution of this revision's builds over the analysis limit of ${options.budget.limit} characters (the engine's limit; Flux has none); what it applies is unknown.`,
        loc,
      ),
    );
    return overOutputLimit();
  }
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
  const substKey = `${buildKey}\u0000${JSON.stringify([...collected.vars])}\u0000${options.strictSubstitution}\u0000${options.strictReason ?? ""}\u0000${postBuildSpec.substituteStrategy ?? ""}`;
  let subst = caches.substitutions.get(substKey);
  if (!subst && caches.reused?.has(buildKey)) {
    subst = caches.reuse?.caches.substitutions.get(substKey);
    if (subst) caches.substitutions.set(substKey, subst);
  }
  if (!subst) {
    subst = substituteObjects(
      cached.resources.map((r) => r.obj),
      collected,
      {
        strict: options.strictSubstitution,
        ...(options.strictReason ? { strictReason: options.strictReason } : {}),
        ...(postBuildSpec.substituteStrategy ? { strategy: postBuildSpec.substituteStrategy } : {}),
        ...(options.budget ? { budget: options.budget } : {}),
      },
    );
    caches.substitutions.set(substKey, subst);
  }
  const at = (index: number) => {
    const r = cached.resources[index];
    return r
      ? { file: r.origin.file, ...(r.origin.line !== undefined ? { line: r.origin.line } : {}), ref }
      : { ref };
  };
  if (subst.limit) {
    diagnostics.push(
      diagnostic("postbuild-output-limit", `${ref}: ${subst.limit.message}.`, at(subst.limit.index)),
    );
    return overOutputLimit();
  }
  for (const e of subst.errors) {
    failed = true;
    // Errors of the variable sources are repeated on the first object by substituteObjects; reported above.
    if (collected.errors.some((c) => e.message.includes(c))) continue;
    diagnostics.push(diagnostic("flux-substitution-error", `${ref}: ${e.message}`, at(e.index)));
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
    diagnostics.push(
      diagnostic(
        "flux-substitution-unknown",
        `${ref}: substitution could not be checked because ${u.names.join(", ")} ${u.names.length > 1 ? "are" : "is"} unknown offline (with a placeholder it fails: ${u.message}); not reported as an error.`,
        at(u.index),
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
  return { objects: subst.objects, failed, unknown: undefined, variables, diagnostics };
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
