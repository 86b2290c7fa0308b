/** A tiny RepositoryModel factory for the HelmRelease impact tests: HRs, sources and rendered objects. */
import { helmReleaseNode, sourceNode } from "../../../src/core/flux/flux-objects.ts";
import type { JsonObject } from "../../../src/core/kustomize/resource.ts";
import type {
  HelmReleaseNode,
  KustomizationNode,
  RepositoryModel,
  SourceNode,
} from "../../../src/core/model.ts";

export const OWNER = "flux-system/apps";

/** A HelmRelease object as its parent Kustomization renders it. */
export function helmRelease(namespace: string, name: string, spec: Record<string, unknown>): JsonObject {
  return {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name, namespace },
    spec: spec as JsonObject,
  };
}

export function configMap(namespace: string, name: string, data: Record<string, string>): JsonObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace }, data };
}

export function secret(
  namespace: string,
  name: string,
  content: { data?: Record<string, string>; stringData?: Record<string, string> },
): JsonObject {
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, type: "Opaque", ...content };
}

export function b64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

export function source(
  kind: SourceNode["kind"],
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): JsonObject {
  const group = "source.toolkit.fluxcd.io";
  return { apiVersion: `${group}/v1`, kind, metadata: { name, namespace }, spec: spec as JsonObject };
}

/**
 * A model with one rendered Kustomization holding `objects`; HelmReleases and Flux sources among them
 * become model nodes through the engine's own constructors.
 */
export function modelOf(objects: JsonObject[]): RepositoryModel {
  const helmReleases: HelmReleaseNode[] = [];
  const sources: SourceNode[] = [];
  objects.forEach((obj, i) => {
    const loc = { file: `apps/${i}.yaml`, line: 1 };
    if (obj.kind === "HelmRelease") {
      const node = helmReleaseNode(obj, OWNER, { file: "apps/helmrelease.yaml", line: 1 }, []);
      if (node) helmReleases.push(node);
    } else if (
      obj.kind === "HelmRepository" ||
      obj.kind === "OCIRepository" ||
      obj.kind === "GitRepository" ||
      obj.kind === "Bucket"
    )
      sources.push(sourceNode(obj.kind, obj, OWNER, loc));
  });
  const [namespace = "", name = ""] = OWNER.split("/");
  const ks: KustomizationNode = {
    namespace,
    name,
    key: OWNER,
    cluster: "",
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    spec: {
      path: "apps",
      sourceRef: { kind: "GitRepository", name: "flux-system", namespace },
      dependsOn: [],
      prune: true,
      suspend: false,
      wait: false,
      components: [],
      ignoreMissingComponents: false,
      patches: [],
      images: [],
      healthChecks: [],
    },
    object: {
      apiVersion: "kustomize.toolkit.fluxcd.io/v1",
      kind: "Kustomization",
      metadata: { name, namespace },
    },
    parent: null,
    status: "rendered",
    build: {
      dir: "apps",
      objects: objects.map((object, i) => ({ object, origin: { file: `apps/${i}.yaml` } })),
      unsubstituted: objects,
      reads: [],
      probes: [],
      variables: { defined: [], unknown: [], fingerprints: {} },
      failed: false,
      diagnostics: [],
    },
  };
  return {
    entrypoints: [],
    kustomizations: [ks],
    helmReleases,
    sources,
    otherFluxObjects: [],
    diagnostics: [],
  };
}

/** The HelmRelease `key` of a model built by modelOf, with the model (the input of diffHelmRelease). */
export function side(model: RepositoryModel, key: string): { model: RepositoryModel; hr: HelmReleaseNode } {
  const hr = model.helmReleases.find((h) => h.key === key);
  if (!hr) throw new Error(`no HelmRelease ${key} in the model`);
  return { model, hr };
}
