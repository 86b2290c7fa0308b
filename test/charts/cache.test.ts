/**
 * Chart caching (src/charts/cache.ts, fetcher.ts): archives by digest, pinned references by what they
 * resolved to. Fetching the same exact chart again makes no request at all — counted at the server —,
 * the directory cache outlives the fetcher, and cached bytes that no longer match their digest are
 * dropped and fetched again.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ChartCache,
  type ChartFetcherOptions,
  createChartFetcher,
  defaultChartCacheDir,
  directoryChartCache,
  memoryChartCache,
} from "../../src/charts/index.ts";
import { chartArchive } from "../support/helm-repo/chart-archive.ts";
import { type HelmRepoServer, helmIndex, startHelmRepo } from "../support/helm-repo/server.ts";

const hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let repo: HelmRepoServer;
let archive: Uint8Array;
let older: Uint8Array;
const dirs: string[] = [];
const fetchers: Array<{ close(): Promise<void> }> = [];

function fetcher(options: ChartFetcherOptions) {
  const f = createChartFetcher({ allowPlainHttpLoopback: true, ...options });
  fetchers.push(f);
  return f;
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "flux-impact-charts-"));
  dirs.push(dir);
  return dir;
}

const helm = (version: string) => ({
  type: "helm" as const,
  url: `${repo.origin}/repo`,
  chart: "demo",
  version,
});

/** Requests the server saw while `run` ran. */
async function requestsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const before = repo.requests.length;
  await run();
  return repo.requests.slice(before).map((r) => r.path);
}

beforeAll(async () => {
  archive = await chartArchive({ name: "demo", version: "1.2.0" });
  older = await chartArchive({ name: "demo", version: "1.1.0" });
  repo = await startHelmRepo({
    "/repo/index.yaml": {
      body: helmIndex({
        demo: [
          { version: "1.2.0", urls: ["demo-1.2.0.tgz"], digest: hex(archive) },
          { version: "1.1.0", urls: ["demo-1.1.0.tgz"], digest: hex(older) },
        ],
      }),
    },
    "/repo/demo-1.2.0.tgz": { body: archive },
    "/repo/demo-1.1.0.tgz": { body: older },
  });
});

afterAll(async () => {
  for (const f of fetchers) await f.close();
  await repo.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("the fetcher's cache", () => {
  it("fetches an exact version once: the second fetch makes no request at all", async () => {
    const f = fetcher({ cache: memoryChartCache() });
    const first = await requestsDuring(() => f.fetchChart(helm("1.2.0")));
    expect(first).toEqual(["/repo/index.yaml", "/repo/demo-1.2.0.tgz"]);
    let second: Awaited<ReturnType<typeof f.fetchChart>> | undefined;
    expect(
      await requestsDuring(async () => {
        second = await f.fetchChart(helm("1.2.0"));
      }),
    ).toEqual([]);
    expect(second?.fromCache).toBe(true);
    expect(second?.bytes).toEqual(archive);
    expect(second?.digest).toBe(`sha256:${hex(archive)}`);
    expect(second?.version).toBe("1.2.0");
    expect(second?.source).toBe(`${repo.origin}/repo/demo-1.2.0.tgz`);
  });

  it("shares one cache between fetchers (a pull request's base and head)", async () => {
    const cache = memoryChartCache();
    await fetcher({ cache }).fetchChart(helm("1.2.0"));
    expect(await requestsDuring(() => fetcher({ cache }).fetchChart(helm("1.2.0")))).toEqual([]);
  });

  it("resolves a constraint again (the index), then takes the archive from the cache", async () => {
    const cache = memoryChartCache();
    await fetcher({ cache }).fetchChart(helm("1.x"));
    let chart: Awaited<ReturnType<ReturnType<typeof fetcher>["fetchChart"]>> | undefined;
    const paths = await requestsDuring(async () => {
      chart = await fetcher({ cache }).fetchChart(helm("1.x"));
    });
    expect(paths).toEqual(["/repo/index.yaml"]);
    expect(chart?.version).toBe("1.2.0");
    expect(chart?.fromCache).toBe(true);
    // …and the exact version it resolved to is then known without any request.
    expect(await requestsDuring(() => fetcher({ cache }).fetchChart(helm("1.2.0")))).toEqual([]);
  });

  it("shares one download between concurrent fetches of one chart", async () => {
    const f = fetcher({ cache: memoryChartCache() });
    const paths = await requestsDuring(() =>
      Promise.all([f.fetchChart(helm("1.1.0")), f.fetchChart(helm("1.1.0"))]),
    );
    expect(paths).toEqual(["/repo/index.yaml", "/repo/demo-1.1.0.tgz"]);
  });

  it("detects corrupt bytes from any cache and fetches the archive again", async () => {
    const entries = new Map<string, Uint8Array>();
    const lying: ChartCache = {
      async get(key) {
        const bytes = entries.get(key);
        // Archives come back with one byte flipped.
        if (bytes && key.startsWith("sha256:"))
          return Uint8Array.from(bytes, (b, i) => (i === 10 ? b ^ 1 : b));
        return bytes;
      },
      async put(key, bytes) {
        entries.set(key, bytes.slice());
      },
    };
    await fetcher({ cache: lying }).fetchChart(helm("1.2.0"));
    let chart: Awaited<ReturnType<ReturnType<typeof fetcher>["fetchChart"]>> | undefined;
    const paths = await requestsDuring(async () => {
      chart = await fetcher({ cache: lying }).fetchChart(helm("1.2.0"));
    });
    expect(paths).toEqual(["/repo/index.yaml", "/repo/demo-1.2.0.tgz"]);
    expect(chart?.bytes).toEqual(archive);
    expect(chart?.fromCache).toBe(false);
  });

  it("fetches anyway when the cache fails", async () => {
    const broken: ChartCache = {
      get: async () => {
        throw new Error("disk on fire");
      },
      put: async () => {
        throw new Error("disk on fire");
      },
    };
    expect((await fetcher({ cache: broken }).fetchChart(helm("1.2.0"))).bytes).toEqual(archive);
  });
});

describe("directoryChartCache", () => {
  it("survives a new fetcher: the second run makes no request", async () => {
    const dir = tempDir();
    await fetcher({ cache: directoryChartCache(dir) }).fetchChart(helm("1.2.0"));
    let chart: Awaited<ReturnType<ReturnType<typeof fetcher>["fetchChart"]>> | undefined;
    const paths = await requestsDuring(async () => {
      chart = await fetcher({ cache: directoryChartCache(dir) }).fetchChart(helm("1.2.0"));
    });
    expect(paths).toEqual([]);
    expect(chart?.bytes).toEqual(archive);
    expect(chart?.fromCache).toBe(true);
    // The archive under its digest, the reference beside it, no temporary file left.
    expect(readdirSync(join(dir, "sha256"))).toEqual([`${hex(archive)}.tgz`]);
    expect(readdirSync(join(dir, "refs"))).toHaveLength(1);
    expect(new Uint8Array(readFileSync(join(dir, "sha256", `${hex(archive)}.tgz`)))).toEqual(archive);
  });

  it("drops a corrupt file on read, and the fetcher fetches the archive again", async () => {
    const dir = tempDir();
    await fetcher({ cache: directoryChartCache(dir) }).fetchChart(helm("1.2.0"));
    const file = join(dir, "sha256", `${hex(archive)}.tgz`);
    writeFileSync(file, "garbage");
    const paths = await requestsDuring(() =>
      fetcher({ cache: directoryChartCache(dir) }).fetchChart(helm("1.2.0")),
    );
    expect(paths).toEqual(["/repo/index.yaml", "/repo/demo-1.2.0.tgz"]);
    expect(new Uint8Array(readFileSync(file))).toEqual(archive);
  });

  it("verifies an archive's digest on read and writes atomically", async () => {
    const dir = tempDir();
    const cache = directoryChartCache(dir);
    const key = `sha256:${hex(archive)}`;
    expect(await cache.get(key)).toBeUndefined();
    await cache.put(key, archive);
    expect(await cache.get(key)).toEqual(archive);
    await cache.put(key, archive); // again over the existing file
    expect(readdirSync(join(dir, "sha256"))).toEqual([`${hex(archive)}.tgz`]);
    await cache.put(key, older); // wrong bytes under the key: never returned
    expect(await cache.get(key)).toBeUndefined();
    await cache.put("anything else", new Uint8Array([1, 2, 3]));
    expect(await cache.get("anything else")).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("lives under XDG_CACHE_HOME, or ~/.cache", () => {
    expect(defaultChartCacheDir({ XDG_CACHE_HOME: "/var/cache/me" }, "/home/me")).toBe(
      "/var/cache/me/flux-impact/charts",
    );
    expect(defaultChartCacheDir({}, "/home/me")).toBe("/home/me/.cache/flux-impact/charts");
    expect(defaultChartCacheDir({ XDG_CACHE_HOME: "" }, "/home/me")).toBe(
      "/home/me/.cache/flux-impact/charts",
    );
    // A relative XDG_CACHE_HOME is ignored, as the XDG Base Directory spec says.
    expect(defaultChartCacheDir({ XDG_CACHE_HOME: "relative" }, "/home/me")).toBe(
      "/home/me/.cache/flux-impact/charts",
    );
  });
});
