/** Hand-made RepositoryModel pieces for the conformance-script tests (no engine involved). */
import type {
  HelmReleaseNode,
  KustomizationNode,
  RepositoryModel,
  SourceNode,
} from "../../src/core/model.ts";

export function ks(
  key: string,
  opts: {
    path?: string;
    rawPath?: string | null;
    source?: { kind: string; name: string; namespace?: string };
    status?: KustomizationNode["status"];
    labels?: Record<string, string>;
    objects?: Array<Record<string, unknown>>;
  } = {},
): KustomizationNode {
  const [namespace = "", name = ""] = key.split("/");
  const source = { namespace, ...(opts.source ?? { kind: "GitRepository", name: "flux-system" }) };
  const spec: Record<string, unknown> = { sourceRef: { kind: source.kind, name: source.name } };
  const rawPath = opts.rawPath === undefined ? (opts.path ?? "") : opts.rawPath;
  if (rawPath !== null) spec.path = rawPath;
  const node: KustomizationNode = {
    namespace,
    name,
    key,
    cluster: "",
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    spec: {
      path: opts.path ?? "",
      sourceRef: source,
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
      metadata: { name, namespace, ...(opts.labels ? { labels: opts.labels } : {}) },
      spec: spec as KustomizationNode["object"],
    },
    parent: null,
    status: opts.status ?? "rendered",
  };
  if (opts.objects) {
    node.build = {
      dir: opts.path ?? "",
      objects: opts.objects.map((o) => ({
        object: o as KustomizationNode["object"],
        origin: { file: "x.yaml" },
      })),
      unsubstituted: opts.objects as KustomizationNode["object"][],
      reads: [],
      probes: [],
      variables: { defined: [], unknown: [], fingerprints: {} },
      failed: false,
      diagnostics: [],
    };
  }
  return node;
}

export function hr(
  key: string,
  owner: string,
  opts: {
    chart?: { name: string; version?: string; source: string; kind?: string; namespace?: string };
    chartRef?: { kind: string; name: string; namespace: string };
    labels?: Record<string, string>;
  },
): HelmReleaseNode {
  const [namespace = "", name = ""] = key.split("/");
  const c = opts.chart;
  return {
    namespace,
    name,
    key,
    cluster: "",
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kustomization: owner,
    chart: c
      ? {
          name: c.name,
          ...(c.version !== undefined ? { version: c.version } : {}),
          sourceRef: {
            kind: c.kind ?? "HelmRepository",
            name: c.source,
            namespace: c.namespace ?? "flux-system",
          },
        }
      : null,
    chartRef: opts.chartRef ?? null,
    dependsOn: [],
    valuesFrom: [],
    suspend: false,
    object: {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name, namespace, ...(opts.labels ? { labels: opts.labels } : {}) },
    },
  };
}

export function source(kind: SourceNode["kind"], key: string, owner: string): SourceNode {
  const [namespace = "", name = ""] = key.split("/");
  return {
    namespace,
    name,
    key,
    kind,
    kustomization: owner,
    object: { kind, metadata: { name, namespace } },
  };
}

export function model(parts: Partial<RepositoryModel>): RepositoryModel {
  return {
    entrypoints: [],
    kustomizations: [],
    helmReleases: [],
    sources: [],
    otherFluxObjects: [],
    diagnostics: [],
    ...parts,
  };
}
