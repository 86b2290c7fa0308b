/**
 * kustomize's "legacy" output order (kyaml resid ordering): kinds in a fixed order first (Namespace,
 * ServiceAccount, ConfigMap, …), webhook configurations last, ties by GVK, then namespace and name.
 * Flux does not sort its builds (FIFO) unless a kustomization asks for `sortOptions: {order: legacy}`;
 * `kubectl kustomize` always does.
 */
import { compareBytewise } from "../snapshot/paths.ts";
import { compareGvk } from "./fieldspec/field-spec.ts";
import { curId, type Resource } from "./resource.ts";

export function legacySort(resources: Resource[]): Resource[] {
  return [...resources].sort((a, b) => {
    const ia = curId(a);
    const ib = curId(b);
    return compareGvk(ia, ib) || compareBytewise(`${ia.namespace}|${ia.name}`, `${ib.namespace}|${ib.name}`);
  });
}
