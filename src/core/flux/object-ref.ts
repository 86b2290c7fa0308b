/**
 * Identity of Flux objects and Flux's namespace defaulting for references.
 *
 * `sourceRef`, `dependsOn`, `chart.spec.sourceRef` and `chartRef` default their namespace to the final
 * namespace of the object that holds them (after kustomize's namespace transformations); kustomize
 * never rewrites these fields. `substituteFrom` and `valuesFrom` have no namespace: they are always
 * looked up in the consumer's namespace.
 */
import type { NamespacedName, SourceRef } from "../model.ts";

export function refKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function parseRefKey(key: string): NamespacedName {
  const i = key.indexOf("/");
  return i < 0 ? { namespace: "", name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export function defaultDependsOn(
  list: ReadonlyArray<{ name: string; namespace?: string | undefined }> | undefined,
  namespace: string,
): NamespacedName[] {
  return (list ?? []).map((d) => ({ name: d.name, namespace: d.namespace || namespace }));
}

export function defaultSourceRef(
  ref: { kind: string; name: string; namespace?: string | undefined },
  namespace: string,
): SourceRef {
  return { kind: ref.kind, name: ref.name, namespace: ref.namespace || namespace };
}

export function sourceKey(ref: SourceRef): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** "Kustomization flux-system/apps" — the form used in diagnostics' `ref`. */
export function displayRef(kind: string, namespace: string, name: string): string {
  return `${kind} ${namespace}/${name}`;
}
