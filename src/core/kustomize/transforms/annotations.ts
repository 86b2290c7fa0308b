/**
 * `commonAnnotations:`: kustomize's AnnotationsTransformer (api/filters/annotations) with the config's
 * commonAnnotations field specs (metadata, and pod templates of the builtin workload kinds).
 */
import type { ResMap } from "../resmap.ts";
import { setStringMap } from "./labels.ts";
import type { TransformerConfig } from "./transformer-config.ts";

export function applyCommonAnnotations(
  resmap: ResMap,
  annotations: Record<string, string>,
  config: TransformerConfig,
): string[] {
  return setStringMap(resmap, annotations, config.commonAnnotations);
}
