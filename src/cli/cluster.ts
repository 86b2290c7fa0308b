/**
 * The live cluster for the CLI (`status`, `diff --cluster`), through @kubernetes/client-node — loaded only
 * when a command asks for the cluster (it costs about a second to import). Credentials come from
 * `--kubeconfig` or the default locations (KUBECONFIG, ~/.kube/config), or the in-cluster service account
 * when run as a Job; `--context` picks a context. Read-only: lists, reads, and server-side apply *dry runs*
 * (`dryRun=All`, field manager `kustomize-controller`, as Flux applies) — nothing is ever written.
 */
import type * as K8s from "@kubernetes/client-node";
import type { JsonObject } from "../core/deploy/index.ts";
import { UsageError } from "./options.ts";

export interface ClusterOptions {
  kubeconfig?: string | undefined;
  context?: string | undefined;
}

export type DryRunAnswer =
  | { kind: "applied"; result: JsonObject; live?: JsonObject }
  | { kind: "refused"; code: number; body: unknown }
  | { kind: "unknown-kind" };

export interface ClusterConnection {
  /** The context's name and API server URL, for messages. */
  context: string;
  server: string;
  /** Every Kustomization and HelmRelease, from the newest API version the cluster serves. */
  listFluxObjects(): Promise<unknown[]>;
  /** A server-side apply dry run of `obj`, with the live object when it exists. */
  dryRunApply(obj: JsonObject): Promise<DryRunAnswer>;
}

/** Flux's APIs, newest version first (older clusters serve only the beta versions). */
const FLUX_LISTS = [
  { group: "kustomize.toolkit.fluxcd.io", versions: ["v1", "v1beta2"], plural: "kustomizations" },
  { group: "helm.toolkit.fluxcd.io", versions: ["v2", "v2beta2", "v2beta1"], plural: "helmreleases" },
];
const FIELD_MANAGER = "kustomize-controller";

export class ClusterError extends Error {
  override readonly name = "ClusterError";
}

/** The built CLI's engine bundle gets an importer from its loader (code-cache.ts); elsewhere, import(). */
declare const __import: ((specifier: string) => Promise<unknown>) | undefined;
const loadClient = (): Promise<typeof K8s> =>
  typeof __import === "function"
    ? (__import("@kubernetes/client-node") as Promise<typeof K8s>)
    : import("@kubernetes/client-node");

export async function connectCluster(options: ClusterOptions): Promise<ClusterConnection> {
  const k8s = await loadClient();
  const kc = new k8s.KubeConfig();
  try {
    if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (error) {
    throw new UsageError(`cannot read the kubeconfig: ${(error as Error).message}`);
  }
  if (options.context) {
    if (!kc.getContexts().some((c) => c.name === options.context))
      throw new UsageError(
        `no context "${options.context}" in the kubeconfig (known: ${
          kc
            .getContexts()
            .map((c) => c.name)
            .join(", ") || "none"
        })`,
      );
    kc.setCurrentContext(options.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new UsageError("the kubeconfig names no cluster for its current context");

  /** The object API with the two requests it lacks: a raw apply dry run and a raw read (no field dropped). */
  class RawObjects extends k8s.KubernetesObjectApi {
    async raw(obj: JsonObject, method: "GET" | "PATCH"): Promise<unknown> {
      const spec = structuredClone(obj) as unknown as K8s.KubernetesObject;
      const path = await this.specUriPath(spec, method === "GET" ? "read" : "patch");
      const ctx = this.configuration.baseServer.makeRequestContext(path, method as never);
      ctx.setHeaderParam("Accept", "application/json");
      if (method === "PATCH") {
        ctx.setHeaderParam("Content-Type", "application/apply-patch+yaml");
        ctx.setQueryParam("dryRun", "All");
        ctx.setQueryParam("fieldManager", FIELD_MANAGER);
        ctx.setQueryParam("force", "true");
        // The rendered object as is: the client's typed serializer would drop unknown fields, which are
        // exactly what the API server must see to refuse.
        ctx.setBody(JSON.stringify(obj));
      }
      return this.requestPromise(ctx, "any" as never);
    }
    /** Whether the cluster serves this apiVersion and kind (discovery; a group/version it lacks: false). */
    async serves(apiVersion: string, kind: string): Promise<boolean> {
      try {
        return (await this.resource(apiVersion, kind)) !== undefined;
      } catch (error) {
        if ((error as { code?: number }).code === 404) return false;
        throw error;
      }
    }
    init(config: typeof kc): this {
      this.setDefaultNamespace(config);
      return this;
    }
  }
  const objects = kc.makeApiClient(RawObjects).init(kc);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const codeOf = (error: unknown) => (error as { code?: number }).code;
  const bodyOf = (error: unknown) => {
    const body = (error as { body?: unknown }).body;
    if (typeof body !== "string") return body;
    try {
      return JSON.parse(body);
    } catch {
      return body;
    }
  };
  const unreachable = (error: unknown) =>
    new ClusterError(
      `cannot reach the cluster ${cluster.server} (context ${kc.getCurrentContext()}): ${codeOf(error) ? `HTTP ${codeOf(error)}` : (error as Error).message}`,
    );

  return {
    context: kc.getCurrentContext(),
    server: cluster.server,
    async listFluxObjects() {
      const items: unknown[] = [];
      for (const api of FLUX_LISTS) {
        for (const version of api.versions) {
          try {
            const list = (await custom.listClusterCustomObject({
              group: api.group,
              version,
              plural: api.plural,
            })) as {
              items?: unknown[];
            };
            items.push(...(list.items ?? []));
            break;
          } catch (error) {
            if (codeOf(error) === 404) continue; // this version is not served: try the older one
            throw unreachable(error);
          }
        }
      }
      return items;
    },
    async dryRunApply(obj) {
      try {
        if (!(await objects.serves(String(obj.apiVersion ?? ""), String(obj.kind ?? ""))))
          return { kind: "unknown-kind" };
      } catch (error) {
        throw unreachable(error);
      }
      let live: JsonObject | undefined;
      try {
        live = (await objects.raw(obj, "GET")) as JsonObject;
      } catch (error) {
        if (codeOf(error) !== 404) throw unreachable(error);
      }
      try {
        const result = (await objects.raw(obj, "PATCH")) as JsonObject;
        return live ? { kind: "applied", result, live } : { kind: "applied", result };
      } catch (error) {
        const code = codeOf(error);
        if (code && code >= 400 && code < 500) return { kind: "refused", code, body: bodyOf(error) };
        throw unreachable(error);
      }
    },
  };
}
