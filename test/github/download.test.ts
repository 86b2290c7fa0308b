// biome-ignore-all lint/suspicious/noExplicitAny: Octokit's options are untyped here.
/**
 * Downloads and answers as the App really receives them: Probot's Octokit with the production fetch guard
 * (its deadlines scaled down) against a GitHub stand-in over HTTP on loopback — a configured extra host,
 * as the e2e double is — so bodies arrive as streams, in pieces, and can stall or be cut.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { packTar } from "modern-tar";
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { GitHubApiError } from "../../src/github/errors.ts";
import { guardedFetch } from "../../src/github/fetch-guard.ts";
import { CountingClient, call, type GitHubClient, snapshotAt } from "../../src/github/jobs.ts";
import { DEFAULT_TARBALL_LIMITS, TarballError } from "../../src/github/tarball.ts";

const SHA = "c0ffee0000000000000000000000000000c0ffee";
const JOB = { owner: "me", repo: "home-ops" };
const TOP = "me-home-ops-c0ffee0/";

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

/** A stand-in for GitHub on loopback; the client that reaches it as the App's Octokit would. */
async function github(handler: Handler, downloadTimeoutMs = 5000) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    void handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const fetch = guardedFetch({ extraHosts: ["127.0.0.1"], apiTimeoutMs: 5000, downloadTimeoutMs });
  const octokit = new ProbotOctokit({
    auth: { token: "ghs_download_test" },
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3`,
    request: { fetch },
    retry: { enabled: false },
    throttle: { enabled: false },
  } as any);
  return { gh: new CountingClient(octokit as unknown as GitHubClient), requests };
}

async function archive(files: Record<string, string | Uint8Array>, level = 6): Promise<Buffer> {
  const entries = Object.entries(files).map(([path, body]) => ({
    header: { name: TOP + path, size: typeof body === "string" ? Buffer.byteLength(body) : body.length },
    body,
  }));
  return gzipSync(await packTar(entries), { level });
}

/** Writes `bytes` in pieces, waiting for the client to take each; `ended` tells whether all were sent. */
async function trickle(res: ServerResponse, bytes: Uint8Array, headers: Record<string, string> = {}) {
  res.writeHead(200, { "content-type": "application/x-gzip", ...headers });
  for (let at = 0; at < bytes.length && !res.destroyed; at += 16 * 1024) {
    if (!res.write(bytes.subarray(at, at + 16 * 1024)))
      await new Promise((resolve) => {
        res.once("drain", resolve);
        res.once("close", resolve);
      });
  }
  if (!res.destroyed) res.end();
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe("github/download: archives read as they stream", () => {
  it("reads the archive as its pieces arrive (no Content-Length)", async () => {
    const gz = await archive({
      "apps/ks.yaml": "kind: Kustomization\n",
      "README.md": "# home\n".repeat(5000),
    });
    const { gh, requests } = await github((_req, res) => trickle(res, gz));
    const snapshot = await snapshotAt(gh, JOB, SHA, "head", DEFAULT_TARBALL_LIMITS);
    expect([...snapshot.files()].sort()).toEqual(["README.md", "apps/ks.yaml"]);
    expect(requests).toEqual([`GET /api/v3/repos/me/home-ops/tarball/${SHA}`]);
  });

  it("a body that outlives the download deadline is a retriable timeout, not a corrupt archive", async () => {
    const gz = await archive({ "big.txt": randomBytes(256 * 1024).toString("base64") });
    const { gh, requests } = await github((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-gzip" });
      res.write(gz.subarray(0, gz.length / 2)); // …and then nothing, as a stalled connection
    }, 300);
    const error = await failure(snapshotAt(gh, JOB, SHA, "head", DEFAULT_TARBALL_LIMITS));
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ failure: "timeout", retriable: true, status: 0 });
    expect((error as Error).message).toBe(
      "GitHub did not answer in time when asked to download the head revision.",
    );
    // Retried by the delivery (later), not downloaded again at once as a corrupt archive would be.
    expect(requests).toHaveLength(1);
  });

  it("a truncated archive is downloaded once more, then refused as corrupt", async () => {
    const gz = await archive({ "a.yaml": "a: 1\n".repeat(5000) });
    const { gh, requests } = await github((_req, res) => trickle(res, gz.subarray(0, gz.length / 2)));
    const error = await failure(snapshotAt(gh, JOB, SHA, "head", DEFAULT_TARBALL_LIMITS));
    expect(error).toBeInstanceOf(TarballError);
    expect(error).toMatchObject({ problem: "corrupt" });
    expect((error as Error).message).toMatch(/truncated or not gzip data/);
    expect(requests).toHaveLength(2);
  });

  it("stops downloading at the compressed limit", async () => {
    // 16 MB that compress to 16 MB: far more than the 256 KB limit (stored, so decompressing is no limit).
    const gz = await archive({ "noise.bin": randomBytes(16 * 1024 * 1024) }, 0);
    let sentAll: boolean | undefined;
    const { gh, requests } = await github(async (_req, res) => {
      res.once("close", () => {
        sentAll = res.writableFinished;
      });
      await trickle(res, gz);
    });
    const limits = { ...DEFAULT_TARBALL_LIMITS, compressedBytes: 256 * 1024 };
    const error = await failure(snapshotAt(gh, JOB, SHA, "head", limits));
    expect(error).toMatchObject({
      problem: "too-large",
      message: "The repository archive is more than 256 KB compressed, over the limit; it was not analyzed.",
    });
    await expect.poll(() => sentAll).toBe(false);
    expect(requests).toHaveLength(1);
  });

  it("does not read an archive whose Content-Length is over the limit", async () => {
    const gz = await archive({ "noise.bin": randomBytes(4 * 1024 * 1024) }, 0);
    let sentAll: boolean | undefined;
    const { gh } = await github(async (_req, res) => {
      res.once("close", () => {
        sentAll = res.writableFinished;
      });
      await trickle(res, gz, { "content-length": String(gz.length) });
    });
    const limits = { ...DEFAULT_TARBALL_LIMITS, compressedBytes: 1024 * 1024 };
    const error = await failure(snapshotAt(gh, JOB, SHA, "head", limits));
    expect(error).toMatchObject({
      problem: "too-large",
      message: "The repository archive is 4 MB compressed, over the 1 MB limit; it was not analyzed.",
    });
    await expect.poll(() => sentAll).toBe(false);
  });
});

describe("github/download: answers that are not JSON", () => {
  const html = "<html><body>Unicorn! ghs_should_not_leak</body></html>";

  it("an HTML page with status 200 from GraphQL is a retriable GitHub fault, not a crash", async () => {
    const { gh } = await github((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(html);
    });
    const error = await failure(
      gh.graphql("read the configuration and the check runs", "query { viewer { login } }", {}),
    );
    expect(error).toBeInstanceOf(GitHubApiError);
    expect(error).toMatchObject({ failure: "malformed", retriable: true, status: 200 });
    expect((error as Error).message).toBe(
      "GitHub answered with something other than the JSON expected when asked to read the configuration and the check runs.",
    );
  });

  it("an HTML page with status 200 from a REST route is a retriable GitHub fault; downloads stay text", async () => {
    const { gh } = await github((req, res) => {
      res.writeHead(200, { "content-type": req.url?.includes("/contents/") ? "text/plain" : "text/html" });
      res.end(req.url?.includes("/contents/") ? "kind: Kustomization\n" : html);
    });
    const error = await failure(
      call(gh, "create the check run", "POST /repos/{owner}/{repo}/check-runs", {
        ...JOB,
        name: "x",
        head_sha: SHA,
      }),
    );
    expect(error).toMatchObject({ failure: "malformed", retriable: true, status: 200 });
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain("ghs_");

    const raw = await call(gh, "read a file", "GET /repos/{owner}/{repo}/contents/{path}", {
      ...JOB,
      path: "ks.yaml",
      mediaType: { format: "raw" },
    });
    expect(raw).toBe("kind: Kustomization\n");
  });
});
