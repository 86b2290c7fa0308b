/**
 * Rendered Flux objects → typed model nodes. Validates each against its narrow schema and applies
 * Flux's namespace defaulting; problems become diagnostics pointing at the object's source location.
 */
import { type Diagnostic, diagnostic } from "../diagnostics.ts";
import { getName, getNamespace, isJsonObject, type JsonObject } from "../kustomize/resource.ts";
import type { FluxKustomizationSpec, HelmReleaseNode, SourceLocation, SourceNode } from "../model.ts";
import { defaultDependsOn, defaultSourceRef, displayRef, refKey } from "./object-ref.ts";
import { FluxKustomizationSpecSchema, HelmReleaseSpecSchema } from "./schema.ts";

type Issues = Array<{ path: PropertyKey[]; message: string }>;

function issueText(issues: Issues): string {
  return issues.map((i) => `spec.${i.path.map(String).join(".")}: ${i.message}`).join("; ");
}

function at(loc: SourceLocation | undefined, ref: string) {
  return loc ? { file: loc.file, line: loc.line, ref } : { ref };
}

export function parseKustomizationSpec(
  obj: JsonObject,
  loc: SourceLocation | undefined,
  diagnostics: Diagnostic[],
): FluxKustomizationSpec | undefined {
  const namespace = getNamespace(obj);
  const ref = displayRef("Kustomization", namespace, getName(obj));
  const parsed = FluxKustomizationSpecSchema.safeParse(obj.spec ?? {});
  if (!parsed.success) {
    diagnostics.push(
      diagnostic("flux-invalid-object", `${ref}: ${issueText(parsed.error.issues)}`, at(loc, ref)),
    );
    return undefined;
  }
  const s = parsed.data;
  if (!s.sourceRef) {
    diagnostics.push(diagnostic("flux-invalid-object", `${ref}: spec.sourceRef is required.`, at(loc, ref)));
    return undefined;
  }
  const missing = (["interval", "prune"] as const).filter((f) => s[f] === undefined);
  if (missing.length > 0 && String(obj.apiVersion).endsWith("/v1")) {
    diagnostics.push(
      diagnostic(
        "flux-invalid-object",
        `${ref}: ${missing.map((f) => `spec.${f}`).join(" and ")} required by the v1 API.`,
        at(loc, ref),
      ),
    );
  }
  if (s.patchesStrategicMerge?.length || s.patchesJson6902?.length) {
    diagnostics.push(
      diagnostic(
        "flux-deprecated-field",
        `${ref}: spec.patchesStrategicMerge / spec.patchesJson6902 are ignored by Flux ≥ 2.0 (the API server prunes them); move them to spec.patches.`,
        at(loc, ref),
      ),
    );
  }
  const substitute: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.postBuild?.substitute ?? {})) {
    if (typeof v !== "string") {
      diagnostics.push(
        diagnostic(
          "flux-invalid-object",
          `${ref}: spec.postBuild.substitute.${k} must be a string (quote it).`,
          at(loc, ref),
        ),
      );
    }
    substitute[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  const spec: FluxKustomizationSpec = {
    path: s.path ?? "",
    sourceRef: defaultSourceRef(s.sourceRef, namespace),
    dependsOn: defaultDependsOn(s.dependsOn, namespace),
    prune: s.prune ?? false,
    suspend: s.suspend ?? false,
    wait: s.wait ?? false,
    components: s.components ?? [],
    ignoreMissingComponents: s.ignoreMissingComponents ?? false,
    patches: (s.patches ?? []).map((p) =>
      p.target
        ? { patch: p.patch, target: stringFields<Record<string, string>>(p.target) }
        : { patch: p.patch },
    ),
    images: (s.images ?? []).map((i) => stringFields<FluxKustomizationSpec["images"][number]>(i)),
    healthChecks: (s.healthChecks ?? []).map((h) =>
      stringFields<FluxKustomizationSpec["healthChecks"][number]>(h),
    ),
  };
  if (s.interval !== undefined) spec.interval = s.interval;
  if (s.targetNamespace !== undefined) spec.targetNamespace = s.targetNamespace;
  if (s.namePrefix !== undefined) spec.namePrefix = s.namePrefix;
  if (s.nameSuffix !== undefined) spec.nameSuffix = s.nameSuffix;
  if (s.commonMetadata)
    spec.commonMetadata = { ...s.commonMetadata } as FluxKustomizationSpec["commonMetadata"] & object;
  if (s.postBuild) {
    const pb: NonNullable<FluxKustomizationSpec["postBuild"]> = {};
    if (s.postBuild.substitute) pb.substitute = substitute;
    if (s.postBuild.substituteFrom) {
      pb.substituteFrom = s.postBuild.substituteFrom.map((f) =>
        f.optional === undefined
          ? { kind: f.kind, name: f.name }
          : { kind: f.kind, name: f.name, optional: f.optional },
      );
    }
    if (s.postBuild.substituteStrategy) pb.substituteStrategy = s.postBuild.substituteStrategy;
    spec.postBuild = pb;
  }
  if (s.decryption) {
    spec.decryption = s.decryption.secretRef
      ? { provider: s.decryption.provider, secretRef: { name: s.decryption.secretRef.name } }
      : { provider: s.decryption.provider };
  }
  return spec;
}

export function helmReleaseNode(
  obj: JsonObject,
  kustomization: string,
  loc: SourceLocation | undefined,
  diagnostics: Diagnostic[],
): HelmReleaseNode | undefined {
  const namespace = getNamespace(obj);
  const name = getName(obj);
  const ref = displayRef("HelmRelease", namespace, name);
  const parsed = HelmReleaseSpecSchema.safeParse(obj.spec ?? {});
  if (!parsed.success) {
    diagnostics.push(
      diagnostic("flux-invalid-object", `${ref}: ${issueText(parsed.error.issues)}`, at(loc, ref)),
    );
    return undefined;
  }
  const s = parsed.data;
  if (!s.chart && !s.chartRef) {
    diagnostics.push(
      diagnostic(
        "flux-invalid-object",
        `${ref}: one of spec.chart or spec.chartRef is required.`,
        at(loc, ref),
      ),
    );
  }
  const node: HelmReleaseNode = {
    namespace,
    name,
    key: refKey(namespace, name),
    cluster: "",
    apiVersion: String(obj.apiVersion),
    kustomization,
    chart: s.chart
      ? {
          name: s.chart.spec.chart,
          ...(s.chart.spec.version !== undefined ? { version: s.chart.spec.version } : {}),
          sourceRef: defaultSourceRef(s.chart.spec.sourceRef, namespace),
        }
      : null,
    chartRef: s.chartRef ? defaultSourceRef(s.chartRef, namespace) : null,
    dependsOn: defaultDependsOn(s.dependsOn, namespace),
    valuesFrom: (s.valuesFrom ?? []).map((v) => stringFields<HelmReleaseNode["valuesFrom"][number]>(v)),
    suspend: s.suspend ?? false,
    object: obj,
  };
  if (loc) node.definedIn = loc;
  return node;
}

export function sourceNode(
  kind: SourceNode["kind"],
  obj: JsonObject,
  kustomization: string,
  loc: SourceLocation | undefined,
): SourceNode {
  const namespace = getNamespace(obj);
  const name = getName(obj);
  const node: SourceNode = {
    namespace,
    name,
    key: refKey(namespace, name),
    kind,
    kustomization,
    object: obj,
  };
  if (loc) node.definedIn = loc;
  return node;
}

/** Copy only defined, string/boolean fields (zod's loose output may hold extra unknown keys). */
function stringFields<T>(o: Record<string, unknown>): T {
  const out: Record<string, string | boolean> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === "string" || typeof v === "boolean") out[k] = v;
  return out as T;
}

export function specOf(obj: JsonObject): JsonObject {
  return isJsonObject(obj.spec) ? obj.spec : {};
}
