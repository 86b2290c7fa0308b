/**
 * Narrow zod schemas for the Flux objects the engine reads (only the fields it uses), one schema per kind,
 * each sharing its name with its inferred type. Unknown fields pass through untouched; objects of other
 * kinds are filtered out by `fluxKindOf`, never rejected.
 *
 * All kustomize.toolkit.fluxcd.io versions (v1, v1beta2, v1beta1) and helm.toolkit.fluxcd.io versions
 * (v2, v2beta2, v2beta1) are read with the v1/v2 field names, as the CRDs' storage versions do.
 */
import * as z from "zod";

const str = z.string();
const stringMap = z.record(z.string(), z.string());

export const CrossNamespaceRef = z.object({ name: str, namespace: str.optional() }).loose();

export const SourceRefSchema = z
  .object({ kind: str, name: str, namespace: str.optional(), apiVersion: str.optional() })
  .loose();

export const FluxSelector = z
  .object({
    group: str.optional(),
    version: str.optional(),
    kind: str.optional(),
    name: str.optional(),
    namespace: str.optional(),
    labelSelector: str.optional(),
    annotationSelector: str.optional(),
  })
  .loose();

export const FluxKustomizationSpecSchema = z
  .object({
    interval: str.optional(),
    path: str.optional(),
    prune: z.boolean().optional(),
    suspend: z.boolean().optional(),
    wait: z.boolean().optional(),
    sourceRef: SourceRefSchema.optional(),
    dependsOn: z.array(CrossNamespaceRef).optional(),
    targetNamespace: str.optional(),
    namePrefix: str.optional(),
    nameSuffix: str.optional(),
    components: z.array(str).optional(),
    ignoreMissingComponents: z.boolean().optional(),
    patches: z.array(z.object({ patch: str, target: FluxSelector.optional() }).loose()).optional(),
    patchesStrategicMerge: z.array(z.unknown()).optional(),
    patchesJson6902: z.array(z.unknown()).optional(),
    images: z
      .array(
        z
          .object({ name: str, newName: str.optional(), newTag: str.optional(), digest: str.optional() })
          .loose(),
      )
      .optional(),
    commonMetadata: z
      .object({ labels: stringMap.optional(), annotations: stringMap.optional() })
      .loose()
      .optional(),
    postBuild: z
      .object({
        substitute: z.record(z.string(), z.unknown()).optional(),
        substituteFrom: z
          .array(z.object({ kind: str, name: str, optional: z.boolean().optional() }).loose())
          .optional(),
        substituteStrategy: str.optional(),
      })
      .loose()
      .optional(),
    decryption: z
      .object({ provider: str, secretRef: z.object({ name: str }).loose().optional() })
      .loose()
      .optional(),
    healthChecks: z
      .array(
        z.object({ apiVersion: str.optional(), kind: str, name: str, namespace: str.optional() }).loose(),
      )
      .optional(),
    buildMetadata: z.array(str).optional(),
  })
  .loose();
export type FluxKustomizationSpecSchema = z.infer<typeof FluxKustomizationSpecSchema>;

export const HelmReleaseSpecSchema = z
  .object({
    interval: str.optional(),
    suspend: z.boolean().optional(),
    chart: z
      .object({
        spec: z
          .object({
            chart: str,
            version: str.optional(),
            sourceRef: SourceRefSchema,
            valuesFiles: z.array(str).optional(),
            valuesFile: str.optional(),
            reconcileStrategy: str.optional(),
          })
          .loose(),
      })
      .loose()
      .optional(),
    chartRef: SourceRefSchema.optional(),
    dependsOn: z.array(CrossNamespaceRef).optional(),
    targetNamespace: str.optional(),
    releaseName: str.optional(),
    valuesFrom: z
      .array(
        z
          .object({
            kind: str,
            name: str,
            valuesKey: str.optional(),
            targetPath: str.optional(),
            optional: z.boolean().optional(),
          })
          .loose(),
      )
      .optional(),
    values: z.unknown().optional(),
  })
  .loose();
export type HelmReleaseSpecSchema = z.infer<typeof HelmReleaseSpecSchema>;

export const GitRepositorySpecSchema = z
  .object({
    url: str.optional(),
    ref: z.record(z.string(), z.unknown()).optional(),
    ignore: str.optional(),
    interval: str.optional(),
  })
  .loose();

export const OCIRepositorySpecSchema = z
  .object({
    url: str.optional(),
    ref: z.record(z.string(), z.unknown()).optional(),
    interval: str.optional(),
  })
  .loose();

export const HelmRepositorySpecSchema = z
  .object({ url: str.optional(), type: str.optional(), interval: str.optional() })
  .loose();

export const FluxInstanceSpecSchema = z
  .object({
    sync: z
      .object({
        kind: str.optional(),
        url: str.optional(),
        ref: str.optional(),
        path: str.optional(),
        name: str.optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

export type FluxKind =
  | "Kustomization"
  | "HelmRelease"
  | "GitRepository"
  | "OCIRepository"
  | "HelmRepository"
  | "Bucket"
  | "ExternalArtifact"
  | "ArtifactGenerator"
  | "FluxInstance"
  | "ResourceSet"
  | "ImageUpdateAutomation";

const GROUP_KINDS: Record<string, FluxKind[]> = {
  "kustomize.toolkit.fluxcd.io": ["Kustomization"],
  "helm.toolkit.fluxcd.io": ["HelmRelease"],
  "source.toolkit.fluxcd.io": [
    "GitRepository",
    "OCIRepository",
    "HelmRepository",
    "Bucket",
    "ExternalArtifact",
  ],
  "source.extensions.fluxcd.io": ["ArtifactGenerator"],
  "fluxcd.controlplane.io": ["FluxInstance", "ResourceSet"],
  "image.toolkit.fluxcd.io": ["ImageUpdateAutomation"],
};

/** The Flux kind of an object, or undefined for every other object (kustomize's own Kustomization included). */
export function fluxKindOf(apiVersion: unknown, kind: unknown): FluxKind | undefined {
  if (typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.lastIndexOf("/")) : "";
  return GROUP_KINDS[group]?.find((k) => k === kind);
}
