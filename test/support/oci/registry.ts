/**
 * A real OCI registry for tests: Debian's `docker-registry` (CNCF distribution 2.8, `apt-get install
 * docker-registry`) started on 127.0.0.1 with a free port, a temporary config and filesystem storage in
 * a temporary directory, and charts pushed through the distribution API as `helm push` does (blob
 * uploads — `POST /v2/<name>/blobs/uploads/` then `PUT <location>&digest=…` —, then `PUT` of the
 * manifest). Without the binary, `findRegistryBinary()` is undefined and the tests using it skip.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { digestOf, OCI_MANIFEST, type OciArtifact } from "./artifact.ts";

/**
 * The registry binary: `docker-registry` on PATH or Debian's /usr/bin/docker-registry; or exactly
 * `$DOCKER_REGISTRY_BIN` when set (`DOCKER_REGISTRY_BIN=/nonexistent` shows the suites' skip path).
 */
export function findRegistryBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.DOCKER_REGISTRY_BIN
    ? [env.DOCKER_REGISTRY_BIN]
    : [
        ...(env.PATH ?? "").split(delimiter).map((d) => d && join(d, "docker-registry")),
        "/usr/bin/docker-registry",
      ];
  for (const c of candidates) {
    if (!c) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return undefined;
}

export interface RegistryProcess {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** `127.0.0.1:<port>`, for `oci://` URLs. */
  host: string;
  push(name: string, tag: string, artifact: OciArtifact & { extra?: Uint8Array[] }): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

export async function startRegistry(binary: string, readyTimeoutMs = 20_000): Promise<RegistryProcess> {
  const dir = mkdtempSync(join(tmpdir(), "flux-impact-registry-"));
  const port = await freePort();
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: error",
      "  accesslog:",
      "    disabled: true",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(dir, "data")}`,
      "http:",
      `  addr: 127.0.0.1:${port}`,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(binary, ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) child.kill("SIGTERM");
    await exit;
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`docker-registry exited before it was ready: ${stderr.trim()}`);
    }
    try {
      const res = await fetch(`${origin}/v2/`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `docker-registry did not answer GET /v2/ within ${readyTimeoutMs} ms: ${stderr.trim()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  async function upload(name: string, bytes: Uint8Array, digest: string): Promise<void> {
    const start = await fetch(`${origin}/v2/${name}/blobs/uploads/`, { method: "POST" });
    await start.arrayBuffer();
    const location = start.headers.get("location");
    if (start.status !== 202 || !location) throw new Error(`blob upload start: ${start.status}`);
    const url = new URL(location, origin);
    url.searchParams.set("digest", digest);
    const put = await fetch(url, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    const text = await put.text();
    if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${text}`);
  }

  return {
    origin,
    host: `127.0.0.1:${port}`,
    async push(name, tag, artifact) {
      for (const bytes of artifact.extra ?? []) await upload(name, bytes, digestOf(bytes));
      await upload(name, artifact.config, artifact.configDigest);
      await upload(name, artifact.layer, artifact.layerDigest);
      const put = await fetch(`${origin}/v2/${name}/manifests/${tag}`, {
        method: "PUT",
        headers: { "content-type": OCI_MANIFEST },
        body: artifact.manifest,
      });
      const text = await put.text();
      if (put.status !== 201) throw new Error(`manifest put: ${put.status} ${text}`);
    },
    stop,
  };
}
