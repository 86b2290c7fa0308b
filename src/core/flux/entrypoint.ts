/**
 * The Kustomization Flux syncs first when the repository does not write it (a FluxInstance's sync, a
 * bootstrap layout, an explicit cluster path): synthesized as the flux-operator and `flux bootstrap` do.
 * Cluster detection itself is in clusters.ts.
 */
import type { JsonObject } from "../kustomize/resource.ts";

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
