/**
 * A Helm chart repository over plain http on 127.0.0.1 (a node:http server): `index.yaml` and archives
 * from a path → route table the test fills, every request recorded (method, path, headers) so a test can
 * count them. Routes can also answer a status, redirect, or stall (send the headers and part of the body,
 * then nothing), for the fetcher's limits.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { stringify } from "yaml";

export type Route =
  | {
      body: Uint8Array | string;
      contentType?: string;
      headers?: Record<string, string>;
      /** Sent in 16 KiB chunks without a Content-Length (the size is known only as it arrives). */
      chunked?: boolean;
    }
  | { status: number; headers?: Record<string, string> }
  /** Headers (announcing `length` bytes) and the first `sent` bytes, then nothing until the server closes. */
  | { stall: true; length?: number; sent?: number };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface HelmRepoServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  requests: RecordedRequest[];
  routes: Map<string, Route>;
  close(): Promise<void>;
}

export async function startHelmRepo(routes: Record<string, Route> = {}): Promise<HelmRepoServer> {
  const table = new Map(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers });
    const route = table.get(path);
    if (!route) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    if ("stall" in route) {
      const length = route.length ?? 1024;
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(length) });
      res.write(new Uint8Array(Math.min(route.sent ?? 16, length)));
      return;
    }
    if ("status" in route) {
      res.writeHead(route.status, route.headers ?? {}).end();
      return;
    }
    const body = typeof route.body === "string" ? Buffer.from(route.body) : Buffer.from(route.body);
    if (route.chunked) {
      res.writeHead(200, {
        "content-type": route.contentType ?? "application/octet-stream",
        ...route.headers,
      });
      for (let at = 0; at < body.length; at += 16 * 1024) res.write(body.subarray(at, at + 16 * 1024));
      res.end();
      return;
    }
    res
      .writeHead(200, {
        "content-type": route.contentType ?? "application/octet-stream",
        "content-length": String(body.length),
        ...route.headers,
      })
      .end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    routes: table,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface IndexEntry {
  version: string;
  urls: string[];
  /** sha256 hex of the archive, as `helm repo index` writes it. */
  digest?: string;
}

/** An `index.yaml` as `helm repo index` writes it (apiVersion v1, entries by chart name). */
export function helmIndex(entries: Record<string, IndexEntry[]>): string {
  const out: Record<string, unknown[]> = {};
  for (const [name, list] of Object.entries(entries))
    out[name] = list.map((e) => ({
      apiVersion: "v2",
      name,
      version: e.version,
      created: "2024-01-01T00:00:00Z",
      urls: e.urls,
      ...(e.digest ? { digest: e.digest } : {}),
    }));
  return stringify({ apiVersion: "v1", entries: out, generated: "2024-01-01T00:00:00Z" });
}
