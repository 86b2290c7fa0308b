/**
 * The kustomization.yaml subset the engine honours, as a zod schema whose inferred type shares its name.
 *
 * Types are strict the way kustomize's Go struct is (a number where a string belongs is an error:
 * "cannot unmarshal number into Go struct field"), but unknown fields are dropped with a warning, as
 * Flux's lenient rewrite of the root file does (kubectl kustomize would reject them).
 */
import * as z from "zod";

const stringMap = z.record(z.string(), z.string());

export const Target = z.object({
  group: z.string().optional(),
  version: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  labelSelector: z.string().optional(),
  annotationSelector: z.string().optional(),
});
export type Target = z.infer<typeof Target>;

export const PatchEntry = z.object({
  path: z.string().optional(),
  patch: z.string().optional(),
  target: Target.optional(),
  options: z
    .object({ allowNameChange: z.boolean().optional(), allowKindChange: z.boolean().optional() })
    .optional(),
});
export type PatchEntry = z.infer<typeof PatchEntry>;

export const Json6902Entry = z.object({
  target: Target.optional(),
  path: z.string().optional(),
  patch: z.string().optional(),
});
export type Json6902Entry = z.infer<typeof Json6902Entry>;

export const ImageEntry = z.object({
  name: z.string().optional(),
  newName: z.string().optional(),
  newTag: z.string().optional(),
  digest: z.string().optional(),
  tagSuffix: z.string().optional(),
});
export type ImageEntry = z.infer<typeof ImageEntry>;

export const ReplicaEntry = z.object({ name: z.string(), count: z.number().int() });
export type ReplicaEntry = z.infer<typeof ReplicaEntry>;

export const LabelEntry = z.object({
  pairs: stringMap.optional(),
  includeSelectors: z.boolean().optional(),
  includeTemplates: z.boolean().optional(),
  fields: z
    .array(
      z.object({
        path: z.string(),
        kind: z.string().optional(),
        group: z.string().optional(),
        version: z.string().optional(),
        create: z.boolean().optional(),
      }),
    )
    .optional(),
});
export type LabelEntry = z.infer<typeof LabelEntry>;

export const GeneratorOptions = z.object({
  labels: stringMap.optional(),
  annotations: stringMap.optional(),
  disableNameSuffixHash: z.boolean().optional(),
  immutable: z.boolean().optional(),
});
export type GeneratorOptions = z.infer<typeof GeneratorOptions>;

export const GeneratorArgs = z.object({
  name: z.string().optional(),
  namespace: z.string().optional(),
  behavior: z.string().optional(),
  literals: z.array(z.string()).optional(),
  files: z.array(z.string()).optional(),
  envs: z.array(z.string()).optional(),
  /** Legacy single env file; folded into envs. */
  env: z.string().optional(),
  type: z.string().optional(),
  options: GeneratorOptions.optional(),
});
export type GeneratorArgs = z.infer<typeof GeneratorArgs>;

export const ReplacementEntry = z.object({
  path: z.string().optional(),
  source: z.record(z.string(), z.unknown()).optional(),
  targets: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type ReplacementEntry = z.infer<typeof ReplacementEntry>;

export const KustomizationFile = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  resources: z.array(z.string()).optional(),
  bases: z.array(z.string()).optional(),
  components: z.array(z.string()).optional(),
  namespace: z.string().optional(),
  namePrefix: z.string().optional(),
  nameSuffix: z.string().optional(),
  commonLabels: stringMap.optional(),
  labels: z.array(LabelEntry).optional(),
  commonAnnotations: stringMap.optional(),
  patches: z.array(PatchEntry).optional(),
  patchesStrategicMerge: z.array(z.string()).optional(),
  patchesJson6902: z.array(Json6902Entry).optional(),
  images: z.array(ImageEntry).optional(),
  imageTags: z.array(ImageEntry).optional(),
  replicas: z.array(ReplicaEntry).optional(),
  replacements: z.array(ReplacementEntry).optional(),
  configMapGenerator: z.array(GeneratorArgs).optional(),
  secretGenerator: z.array(GeneratorArgs).optional(),
  generatorOptions: GeneratorOptions.optional(),
  configurations: z.array(z.string()).optional(),
  crds: z.array(z.string()).optional(),
  openapi: z.record(z.string(), z.string()).optional(),
  generators: z.array(z.string()).optional(),
  transformers: z.array(z.string()).optional(),
  validators: z.array(z.string()).optional(),
  helmCharts: z.array(z.unknown()).optional(),
  helmChartInflationGenerator: z.array(z.unknown()).optional(),
  helmGlobals: z.unknown().optional(),
  vars: z.array(z.unknown()).optional(),
  sortOptions: z
    .object({ order: z.string().optional(), legacySortOptions: z.unknown().optional() })
    .optional(),
  buildMetadata: z.array(z.string()).optional(),
});
export type KustomizationFile = z.infer<typeof KustomizationFile>;

const KNOWN_FIELDS = new Set(Object.keys(KustomizationFile.shape));

/** The three recognized names, in the order Flux checks them. */
export const KUSTOMIZATION_FILE_NAMES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

export type ParsedKustomization =
  | { ok: true; value: KustomizationFile; unknownFields: string[] }
  | { ok: false; issues: Array<{ path: Array<string | number>; message: string }> };

/** Validate a parsed kustomization document and apply kustomize's FixKustomization normalisations. */
export function parseKustomizationFile(doc: unknown): ParsedKustomization {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    return { ok: false, issues: [{ path: [], message: "a kustomization file must be a mapping" }] };
  }
  const unknownFields = Object.keys(doc).filter((k) => !KNOWN_FIELDS.has(k));
  const parsed = KustomizationFile.safeParse(doc);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({
        path: i.path as Array<string | number>,
        message: i.message,
      })),
    };
  }
  const k = parsed.data;
  // FixKustomization: bases → resources, imageTags → images, env → envs.
  if (k.bases?.length) k.resources = [...(k.resources ?? []), ...k.bases];
  delete k.bases;
  if (k.imageTags?.length) k.images = [...(k.images ?? []), ...k.imageTags];
  delete k.imageTags;
  for (const g of [...(k.configMapGenerator ?? []), ...(k.secretGenerator ?? [])]) {
    if (g.env) g.envs = [...(g.envs ?? []), g.env];
    delete g.env;
  }
  return { ok: true, value: k, unknownFields };
}

/** kustomize's CheckEmpty: a file with nothing but apiVersion/kind/metadata is an error. */
export function isEmptyKustomization(k: KustomizationFile): boolean {
  return Object.entries(k).every(
    ([key, v]) => key === "apiVersion" || key === "kind" || key === "metadata" || v === undefined,
  );
}

export function formatIssues(issues: Array<{ path: Array<string | number>; message: string }>): string {
  return issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}
