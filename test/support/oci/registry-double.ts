/**
 * An OCI registry double on loopback, for what a stock registry does not show: the anonymous bearer token
 * dance and blobs served from another origin. It serves manifests (by tag or digest), blobs and the tag
 * list (paginated with `Link: <…>; rel="next"` when `tagsPageSize` is set) from memory, and records every
 * request with its `Authorization` header on three servers:
 *
 * - `registry`: with `bearer`, any request without `Authorization: Bearer <a token it issued>` is answered
 *   401 with `WWW-Authenticate: Bearer realm="<auth>/token",service="registry.test",scope="repository:<name>:pull"`,
 *   as Docker Hub and ghcr.io do.
 * - `auth`: the realm, on its own origin; `GET /token?service=…&scope=…` issues a fresh token.
 * - `cdn`: with `redirectBlobsToCdn`, blob GETs are answered 307 to `<cdn>/blobs/<digest>?X-Signature=…`
 *   (a pre-signed URL whose query must never show up in an error), and the cdn serves them.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { digestOf, OCI_MANIFEST, type OciArtifact } from "./artifact.ts";

export interface RegistryDoubleOptions {
  bearer?: boolean;
  redirectBlobsToCdn?: boolean;
  tagsPageSize?: number;
}

export interface DoubleRequest {
  server: "registry" | "auth" | "cdn";
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface RegistryDouble {
  /** `127.0.0.1:<port>`, for `oci://` URLs. */
  host: string;
  origin: string;
  authOrigin: string;
  cdnOrigin: string;
  requests: DoubleRequest[];
  issuedTokens: string[];
  /** The signature put in the cdn's redirect URLs. */
  signature: string;
  push(name: string, tag: string, artifact: OciArtifact & { extra?: Uint8Array[] }): void;
  /** A tag pointing at nothing (listed, but its manifest is missing). */
  addTag(name: string, tag: string): void;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startRegistryDouble(options: RegistryDoubleOptions = {}): Promise<RegistryDouble> {
  const requests: DoubleRequest[] = [];
  const issuedTokens: string[] = [];
  const blobs = new Map<string, Uint8Array>();
  const manifests = new Map<string, Uint8Array>(); // digest → bytes
  const tags = new Map<string, Map<string, string | undefined>>(); // name → tag → digest
  const signature = `sig-${randomUUID()}`;
  let authOrigin = "";
  let cdnOrigin = "";

  const record = (server: DoubleRequest["server"], req: IncomingMessage) =>
    requests.push({
      server,
      method: req.method ?? "",
      path: req.url ?? "",
      authorization: req.headers.authorization,
    });

  const auth = createServer((req, res) => {
    record("auth", req);
    const url = new URL(req.url ?? "/", "http://x");
    if (
      url.pathname !== "/token" ||
      url.searchParams.get("service") !== "registry.test" ||
      !url.searchParams.get("scope")
    ) {
      res.writeHead(400).end();
      return;
    }
    const token = `token-${randomUUID()}`;
    issuedTokens.push(token);
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ token, expires_in: 300 }));
  });

  const cdn = createServer((req, res) => {
    record("cdn", req);
    const url = new URL(req.url ?? "/", "http://x");
    const m = /^\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url.pathname);
    const blob = m && url.searchParams.get("X-Signature") === signature ? blobs.get(m[1] ?? "") : undefined;
    if (!blob) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { "content-type": "application/octet-stream", "content-length": blob.length })
      .end(blob);
  });

  const registry = createServer((req, res) => {
    record("registry", req);
    const url = new URL(req.url ?? "/", "http://x");
    const m = /^\/v2\/(.+)\/(manifests|blobs|tags)\/(.+)$/.exec(url.pathname);
    const name = m?.[1] ?? "";
    if (options.bearer) {
      const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!given || !issuedTokens.includes(given)) {
        res
          .writeHead(401, {
            "www-authenticate": `Bearer realm="${authOrigin}/token",service="registry.test",scope="repository:${name}:pull"`,
            "content-type": "application/json",
          })
          .end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED" }] }));
        return;
      }
    }
    if (!m) {
      res.writeHead(url.pathname === "/v2/" ? 200 : 404).end("{}");
      return;
    }
    const [, , kind, reference = ""] = m;
    if (kind === "tags" && reference === "list") {
      const all = [...(tags.get(name)?.keys() ?? [])].sort();
      if (!tags.has(name)) {
        res.writeHead(404).end();
        return;
      }
      const n = options.tagsPageSize;
      const last = url.searchParams.get("last");
      const from = last ? all.indexOf(last) + 1 : 0;
      const page = n ? all.slice(from, from + n) : all;
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (n && from + n < all.length)
        headers.link = `</v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(page[page.length - 1] ?? "")}>; rel="next"`;
      res.writeHead(200, headers).end(JSON.stringify({ name, tags: page }));
      return;
    }
    if (kind === "manifests") {
      const digest = reference.startsWith("sha256:") ? reference : tags.get(name)?.get(reference);
      const body = digest ? manifests.get(digest) : undefined;
      if (!body || !digest) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": OCI_MANIFEST, "docker-content-digest": digest }).end(body);
      return;
    }
    if (kind === "blobs") {
      const blob = blobs.get(reference);
      if (!blob) {
        res.writeHead(404).end();
        return;
      }
      if (options.redirectBlobsToCdn) {
        res.writeHead(307, { location: `${cdnOrigin}/blobs/${reference}?X-Signature=${signature}` }).end();
        return;
      }
      res
        .writeHead(200, { "content-type": "application/octet-stream", "content-length": blob.length })
        .end(blob);
      return;
    }
    res.writeHead(404).end();
  });

  const origin = await listen(registry);
  authOrigin = await listen(auth);
  cdnOrigin = await listen(cdn);

  return {
    host: new URL(origin).host,
    origin,
    authOrigin,
    cdnOrigin,
    requests,
    issuedTokens,
    signature,
    push(name, tag, artifact) {
      for (const bytes of [artifact.config, artifact.layer, ...(artifact.extra ?? [])])
        blobs.set(digestOf(bytes), bytes);
      manifests.set(artifact.manifestDigest, artifact.manifest);
      if (!tags.has(name)) tags.set(name, new Map());
      tags.get(name)?.set(tag, artifact.manifestDigest);
    },
    addTag(name, tag) {
      if (!tags.has(name)) tags.set(name, new Map());
      tags.get(name)?.set(tag, undefined);
    },
    async close() {
      for (const s of [registry, auth, cdn]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}
