/**
 * Checks on references between Flux objects that Flux itself only discovers at reconcile time:
 * dependsOn targets that do not exist, dependsOn cycles, and HelmRelease valuesFrom objects that no
 * build defines (and no controller in the repository creates).
 */
import { type Diagnostic, diagnostic } from "../diagnostics.ts";
import { displayRef } from "../flux/object-ref.ts";
import { createdSecrets } from "../flux/provided-objects.ts";
import { getName, getNamespace } from "../kustomize/resource.ts";
import type {
  HelmReleaseNode,
  KustomizationNode,
  RepositoryModel,
  SourceLocation,
  SourceRef,
} from "../model.ts";
import type { DependencyGraph } from "./dependency-graph.ts";

/** Finds the line of a field inside the document an object is defined by (falls back to the document). */
export type Locate = (definedIn: SourceLocation, path: ReadonlyArray<string | number>) => number;

function loc(
  definedIn: SourceLocation | undefined,
  ref: string,
  locate?: Locate,
  path?: ReadonlyArray<string | number>,
) {
  if (!definedIn) return { ref };
  return { file: definedIn.file, line: locate && path ? locate(definedIn, path) : definedIn.line, ref };
}

export function dependsOnDiagnostics(
  kind: "Kustomization" | "HelmRelease",
  graph: DependencyGraph,
  nodes: ReadonlyMap<string, { definedIn?: SourceLocation }>,
  locate?: Locate,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of graph.missing) {
    const [ns, name] = splitKey(m.from);
    const ref = displayRef(kind, ns, name);
    out.push(
      diagnostic(
        "graph-depends-on-missing",
        `${ref} depends on ${kind} ${m.to}, which does not exist; Flux will wait for it forever.`,
        loc(nodes.get(m.from)?.definedIn, ref, locate, ["spec", "dependsOn", m.index]),
      ),
    );
  }
  for (const cycle of graph.cycles) {
    const [ns, name] = splitKey(cycle[0]!);
    const ref = displayRef(kind, ns, name);
    out.push(
      diagnostic(
        "graph-depends-on-cycle",
        `dependsOn cycle between ${kind}s: ${cycle.join(" → ")}; every member waits forever.`,
        loc(nodes.get(cycle[0]!)?.definedIn, ref),
      ),
    );
  }
  return out;
}

/**
 * Whether a source reference names a source the cluster will have: one a build renders (HelmCharts and
 * ExternalArtifacts included), an ExternalArtifact (made by a generator at run time), or an entrypoint's
 * own source (made by `flux bootstrap` or the flux-operator, not by a file).
 */
export function sourceExists(
  model: Pick<RepositoryModel, "kustomizations" | "sources">,
): (ref: SourceRef) => boolean {
  const defined = new Set(model.sources.map((s) => `${s.kind}/${s.namespace}/${s.name}`));
  for (const ks of model.kustomizations) {
    for (const { object } of ks.build?.objects ?? []) {
      if (object.kind === "HelmChart" || object.kind === "ExternalArtifact")
        defined.add(`${object.kind}/${getNamespace(object)}/${getName(object)}`);
    }
    if (ks.parent === null)
      defined.add(`${ks.spec.sourceRef.kind}/${ks.spec.sourceRef.namespace}/${ks.spec.sourceRef.name}`);
  }
  return (r) => r.kind === "ExternalArtifact" || defined.has(`${r.kind}/${r.namespace}/${r.name}`);
}

/**
 * ConfigMaps and Secrets that exist in the cluster for a namespace: rendered by a build, or created by a
 * controller from an object in the repository (ExternalSecret, Certificate, SealedSecret, …).
 */
export function providedConfigObjects(kustomizations: readonly KustomizationNode[]): Set<string> {
  const out = new Set<string>();
  for (const ks of kustomizations) {
    for (const { object } of ks.build?.objects ?? []) {
      const ns = getNamespace(object);
      const kind = object.kind;
      if (kind === "ConfigMap" || kind === "Secret") out.add(`${kind}/${ns}/${getName(object)}`);
      for (const secret of createdSecrets(object)) out.add(`Secret/${ns}/${secret}`);
    }
  }
  return out;
}

export function valuesFromDiagnostics(
  helmReleases: readonly HelmReleaseNode[],
  provided: Set<string>,
  locate?: Locate,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const hr of helmReleases) {
    const ref = displayRef("HelmRelease", hr.namespace, hr.name);
    for (const [index, v] of hr.valuesFrom.entries()) {
      if (v.optional) continue;
      if (v.kind !== "ConfigMap" && v.kind !== "Secret") continue;
      if (provided.has(`${v.kind}/${hr.namespace}/${v.name}`)) continue;
      const hint = [...provided].some((p) => p.startsWith(`${v.kind}/${hr.namespace}/${v.name}-`))
        ? " A generated object with a hash suffix exists: set generatorOptions.disableNameSuffixHash or teach kustomize the reference with a configurations: nameReference."
        : "";
      out.push(
        diagnostic(
          "graph-values-from-missing",
          `${ref} takes values from ${v.kind} ${hr.namespace}/${v.name}, which no build defines; the release will fail until it exists.${hint}`,
          loc(hr.definedIn, ref, locate, ["spec", "valuesFrom", index]),
        ),
      );
    }
  }
  return out;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf("/");
  return [key.slice(0, i), key.slice(i + 1)];
}
