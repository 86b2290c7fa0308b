// biome-ignore-all lint/suspicious/noExplicitAny: request bodies are untyped JSON here.
/**
 * A Kubernetes API server double on loopback, for the CLI's cluster features (`status`, `diff --cluster`):
 * it answers the calls those make as the API server does — discovery (`/api/v1`, `/apis/<group>/<version>`
 * APIResourceLists), cluster-wide lists of Flux custom resources with status conditions, reads of single
 * objects (404 `Status` NotFound), and server-side apply `PATCH`es (`application/apply-patch+yaml`) that
 * it accepts only as dry runs (`dryRun=All`): anything else is answered 403 and recorded, so a test can
 * prove the CLI never writes. Refusals are `Status` objects as the API server sends them — 422 `Invalid`
 * with `details.causes`, 409 `Conflict`, an admission webhook's denial.
 *
 * Shapes follow Kubernetes 1.31 (meta/v1 Status, APIResourceList) and Flux 2.4 (kustomize.toolkit.fluxcd.io/v1,
 * helm.toolkit.fluxcd.io/v2 with v2beta2 still served).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

type Json = Record<string, any>;

/** Kinds the double serves: group/version → resources (plural, kind, namespaced). */
const DISCOVERY: Record<string, Array<{ name: string; kind: string; namespaced: boolean }>> = {
  v1: [
    { name: "configmaps", kind: "ConfigMap", namespaced: true },
    { name: "secrets", kind: "Secret", namespaced: true },
    { name: "services", kind: "Service", namespaced: true },
    { name: "namespaces", kind: "Namespace", namespaced: false },
    { name: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true },
  ],
  "apps/v1": [
    { name: "deployments", kind: "Deployment", namespaced: true },
    { name: "statefulsets", kind: "StatefulSet", namespaced: true },
  ],
  "networking.k8s.io/v1": [{ name: "ingresses", kind: "Ingress", namespaced: true }],
  "kustomize.toolkit.fluxcd.io/v1": [{ name: "kustomizations", kind: "Kustomization", namespaced: true }],
  "helm.toolkit.fluxcd.io/v2": [{ name: "helmreleases", kind: "HelmRelease", namespaced: true }],
  "helm.toolkit.fluxcd.io/v2beta2": [{ name: "helmreleases", kind: "HelmRelease", namespaced: true }],
  "source.toolkit.fluxcd.io/v1": [
    { name: "gitrepositories", kind: "GitRepository", namespaced: true },
    { name: "helmrepositories", kind: "HelmRepository", namespaced: true },
  ],
  "source.toolkit.fluxcd.io/v1beta2": [{ name: "ocirepositories", kind: "OCIRepository", namespaced: true }],
};

/** A meta/v1 Status as the API server answers a refused request. */
export function status(code: number, reason: string, message: string, details?: Json): Json {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** A Flux object as the API server lists it, with its Ready condition. */
export function fluxObject(
  kind: "Kustomization" | "HelmRelease",
  namespace: string,
  name: string,
  state: {
    ready: boolean | "Unknown";
    reason?: string;
    message?: string;
    revision?: string;
    suspend?: boolean;
  },
  apiVersion = kind === "Kustomization" ? "kustomize.toolkit.fluxcd.io/v1" : "helm.toolkit.fluxcd.io/v2",
): Json {
  const ready = state.ready === "Unknown" ? "Unknown" : state.ready ? "True" : "False";
  return {
    apiVersion,
    kind,
    metadata: { name, namespace, uid: `uid-${namespace}-${name}`, resourceVersion: "4242", generation: 3 },
    spec: { interval: "10m", ...(state.suspend ? { suspend: true } : {}) },
    status: {
      observedGeneration: 3,
      conditions: [
        {
          type: "Ready",
          status: ready,
          reason: state.reason ?? (ready === "True" ? "ReconciliationSucceeded" : "ReconciliationFailed"),
          message:
            state.message ?? (ready === "True" ? `Applied revision: ${state.revision ?? ""}` : "failed"),
          lastTransitionTime: "2026-12-07T09:00:00Z",
          observedGeneration: 3,
        },
      ],
      ...(kind === "Kustomization" && state.revision
        ? { lastAppliedRevision: state.revision, lastAttemptedRevision: state.revision }
        : {}),
      ...(kind === "HelmRelease" && state.revision
        ? { history: [{ chartVersion: state.revision, status: "deployed" }] }
        : {}),
    },
  };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string;
  authorization: string;
  body?: any;
}

export class KubernetesApiDouble {
  readonly requests: RecordedRequest[] = [];
  /** Flux objects the lists answer with. */
  readonly fluxObjects: Json[] = [];
  /** Live objects by "apiVersion|kind|namespace|name". */
  readonly live = new Map<string, Json>();
  /** Group/versions not served (a cluster without a CRD, or an older Flux). */
  readonly notServed = new Set<string>();
  /** Decides a refusal of an applied object (answered as a Status with its code), or undefined to accept. */
  refuse: ((obj: Json, live: Json | undefined) => Json | undefined) | undefined;
  /** Writes that were not dry runs (the CLI must never make one). */
  readonly writes: string[] = [];
  private server: Server | undefined;

  private key(apiVersion: string, kind: string, namespace: string, name: string) {
    return `${apiVersion}|${kind}|${namespace}|${name}`;
  }

  addLive(obj: Json): void {
    this.live.set(this.key(obj.apiVersion, obj.kind, obj.metadata.namespace ?? "", obj.metadata.name), {
      ...obj,
      metadata: {
        uid: `uid-${obj.metadata.name}`,
        resourceVersion: "100",
        creationTimestamp: "2026-11-01T00:00:00Z",
        managedFields: [{ manager: "kustomize-controller", operation: "Apply" }],
        ...obj.metadata,
      },
    });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const text = Buffer.concat(chunks).toString("utf8");
        const recorded: RecordedRequest = {
          method: req.method ?? "GET",
          path: url.pathname,
          query: url.searchParams,
          contentType: String(req.headers["content-type"] ?? ""),
          authorization: String(req.headers.authorization ?? ""),
          ...(text ? { body: JSON.parse(text) } : {}),
        };
        this.requests.push(recorded);
        const [code, body] = this.answer(recorded);
        res.writeHead(code, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      })();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }

  /** A kubeconfig for this server (a bearer token, one context). */
  kubeconfig(server: string, context = "double"): string {
    return [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      `- name: ${context}`,
      // Plain HTTP on loopback: the client refuses http:// unless TLS verification is off.
      `  cluster: { server: "${server}", insecure-skip-tls-verify: true }`,
      "users:",
      `- name: ${context}-user`,
      "  user: { token: double-token }",
      "contexts:",
      `- name: ${context}`,
      `  context: { cluster: ${context}, user: ${context}-user, namespace: default }`,
      `current-context: ${context}`,
      "",
    ].join("\n");
  }

  private answer(r: RecordedRequest): [number, Json] {
    if (r.authorization !== "Bearer double-token") return [401, status(401, "Unauthorized", "Unauthorized")];
    const parts = r.path.split("/").filter(Boolean);
    // Discovery: /api/v1, /apis/<group>/<version>
    const gv = parts[0] === "api" ? parts[1] : parts[0] === "apis" ? `${parts[1]}/${parts[2]}` : undefined;
    if (!gv) return [404, status(404, "NotFound", "the server could not find the requested resource")];
    const rest = parts.slice(parts[0] === "api" ? 2 : 3);
    const resources = this.notServed.has(gv) ? undefined : DISCOVERY[gv];
    if (!resources) return [404, status(404, "NotFound", "the server could not find the requested resource")];
    if (rest.length === 0 && r.method === "GET")
      return [
        200,
        {
          kind: "APIResourceList",
          apiVersion: "v1",
          groupVersion: gv,
          resources: resources.map((x) => ({ ...x, singularName: "", verbs: ["get", "list", "patch"] })),
        },
      ];
    // Cluster-wide list: /apis/<g>/<v>/<plural>
    if (rest.length === 1 && r.method === "GET") {
      const resource = resources.find((x) => x.name === rest[0]);
      if (!resource)
        return [404, status(404, "NotFound", "the server could not find the requested resource")];
      const items = this.fluxObjects.filter((o) => o.apiVersion === gv && o.kind === resource.kind);
      return [
        200,
        { apiVersion: gv, kind: `${resource.kind}List`, metadata: { resourceVersion: "5000" }, items },
      ];
    }
    // One object: …/namespaces/<ns>/<plural>/<name> or …/<plural>/<name>
    // `namespaces/<ns>/<plural>/<name>` is a namespaced object; `namespaces/<name>` is a Namespace itself.
    const namespaced = rest[0] === "namespaces" && rest.length === 4;
    const [ns, plural, name] = namespaced ? [rest[1]!, rest[2], rest[3]] : ["", rest[0], rest[1]];
    const resource = resources.find((x) => x.name === plural);
    if (!resource || !name)
      return [404, status(404, "NotFound", "the server could not find the requested resource")];
    const key = this.key(gv, resource.kind, ns, name);
    const live = this.live.get(key);
    if (r.method === "GET")
      return live
        ? [200, live]
        : [404, status(404, "NotFound", `${plural} "${name}" not found`, { name, kind: plural })];
    if (r.method === "PATCH") {
      if (r.query.get("dryRun") !== "All") {
        this.writes.push(`${r.method} ${r.path}`);
        return [403, status(403, "Forbidden", "the double refuses every write that is not a dry run")];
      }
      if (r.contentType !== "application/apply-patch+yaml")
        return [
          415,
          status(
            415,
            "UnsupportedMediaType",
            `the body of the request was in an unknown format: ${r.contentType}`,
          ),
        ];
      if (!r.query.get("fieldManager"))
        return [
          422,
          status(
            422,
            "Invalid",
            'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          ),
        ];
      const refused = this.refuse?.(r.body, live);
      if (refused) return [refused.code, refused];
      const merged = deepMerge(live ?? {}, r.body);
      merged.metadata = {
        ...merged.metadata,
        uid: live?.metadata?.uid ?? "uid-new",
        resourceVersion: live?.metadata?.resourceVersion ?? "0",
        managedFields: [{ manager: r.query.get("fieldManager"), operation: "Apply" }],
        ...(live ? {} : { creationTimestamp: "2026-12-07T10:00:00Z" }),
      };
      return [200, merged];
    }
    this.writes.push(`${r.method} ${r.path}`);
    return [
      405,
      status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"),
    ];
  }
}

function deepMerge(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] =
      v && typeof v === "object" && !Array.isArray(v) && a[k] && typeof a[k] === "object"
        ? deepMerge(a[k], v)
        : v;
  }
  return out;
}
