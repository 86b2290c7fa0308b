/**
 * HelmRepository charts (src/charts/fetcher.ts, helm-repo.ts) from a chart repository on loopback (plain
 * http, the fetcher's test-only setting): the index, version constraints as Flux resolves them, the
 * archive checked against the index's digest, and the limits (sizes, deadlines).
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChartFetcherOptions, createChartFetcher } from "../../src/charts/index.ts";
import { failureOf } from "../support/charts/failure.ts";
import { chartArchive } from "../support/helm-repo/chart-archive.ts";
import { type HelmRepoServer, helmIndex, startHelmRepo } from "../support/helm-repo/server.ts";

const hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let repo: HelmRepoServer;
const archives = new Map<string, Uint8Array>();
const fetchers: Array<{ close(): Promise<void> }> = [];

function fetcher(options: ChartFetcherOptions = {}) {
  const f = createChartFetcher({ allowPlainHttpLoopback: true, ...options });
  fetchers.push(f);
  return f;
}

const helm = (version: string, chart = "demo", path = "/stable") => ({
  type: "helm" as const,
  url: `${repo.origin}${path}`,
  chart,
  version,
});

beforeAll(async () => {
  repo = await startHelmRepo();
  for (const v of ["1.0.0", "1.1.0", "1.2.0-beta.1", "1.10.0", "2.0.0", "3.0.0-rc.1"])
    archives.set(v, await chartArchive({ name: "demo", version: v }));
  const big = await chartArchive({ name: "big", version: "1.0.0", padding: 64 * 1024 });
  const other = await chartArchive({ name: "other", version: "9.9.9" });
  const a = (v: string) => archives.get(v) ?? new Uint8Array();
  for (const [v, bytes] of archives) repo.routes.set(`/stable/demo-${v}.tgz`, { body: bytes });
  repo.routes.set("/elsewhere/demo-2.0.0.tgz", { body: a("2.0.0") });
  repo.routes.set("/stable/big-1.0.0.tgz", { body: big });
  repo.routes.set("/stable/bigchunked-1.0.0.tgz", { body: big, chunked: true });
  repo.routes.set("/stable/nodigest-1.0.0.tgz", { body: a("1.0.0") });
  repo.routes.set("/stable/tampered-1.0.0.tgz", { body: other });
  repo.routes.set("/stable/plain-1.0.0.tgz", { body: "not an archive" });
  repo.routes.set("/stable/slow-1.0.0.tgz", { stall: true, length: 4096, sent: 100 });
  repo.routes.set("/stable/moved-1.0.0.tgz", {
    status: 302,
    headers: { location: "/stable/demo-1.0.0.tgz" },
  });
  const entry = (v: string, url = `demo-${v}.tgz`) => ({ version: v, urls: [url], digest: hex(a(v)) });
  repo.routes.set("/stable/index.yaml", {
    contentType: "text/yaml",
    body: helmIndex({
      demo: [
        entry("3.0.0-rc.1"),
        // An absolute URL, elsewhere on the server.
        entry("2.0.0", `${repo.origin}/elsewhere/demo-2.0.0.tgz`),
        entry("1.10.0"),
        entry("1.2.0-beta.1"),
        entry("1.1.0"),
        entry("1.0.0"),
      ],
      big: [{ version: "1.0.0", urls: ["big-1.0.0.tgz"], digest: hex(big) }],
      bigchunked: [{ version: "1.0.0", urls: ["bigchunked-1.0.0.tgz"], digest: hex(big) }],
      nodigest: [{ version: "1.0.0", urls: ["nodigest-1.0.0.tgz"] }],
      tampered: [{ version: "1.0.0", urls: ["tampered-1.0.0.tgz"], digest: hex(a("1.0.0")) }],
      plain: [
        {
          version: "1.0.0",
          urls: ["plain-1.0.0.tgz"],
          digest: hex(new TextEncoder().encode("not an archive")),
        },
      ],
      slow: [{ version: "1.0.0", urls: ["slow-1.0.0.tgz"] }],
      moved: [{ version: "1.0.0", urls: ["moved-1.0.0.tgz"], digest: hex(a("1.0.0")) }],
      nourl: [{ version: "1.0.0", urls: [] }],
    }),
  });
  repo.routes.set("/broken/index.yaml", { body: "entries: [unclosed" });
  repo.routes.set("/noentries/index.yaml", { body: "apiVersion: v1\n" });
  repo.routes.set("/slowindex/index.yaml", { stall: true, length: 100_000 });
});

afterAll(async () => {
  for (const f of fetchers) await f.close();
  await repo.close();
});

describe("a HelmRepository chart", () => {
  it("fetches an exact version: the archive, its digest, version and where it came from", async () => {
    const chart = await fetcher().fetchChart(helm("1.1.0"));
    expect(chart.bytes).toEqual(archives.get("1.1.0"));
    expect(chart.digest).toBe(`sha256:${hex(chart.bytes)}`);
    expect(chart.version).toBe("1.1.0");
    expect(chart.source).toBe(`${repo.origin}/stable/demo-1.1.0.tgz`);
    expect(chart.fromCache).toBe(false);
  });

  it.each([
    ["1.x", "1.10.0"],
    ["~1.1", "1.1.0"],
    ["^1.0.0", "1.10.0"],
    [">=1.2.0", "2.0.0"],
    [">=1.0.0, <1.5.0", "1.1.0"], // Masterminds' comma
    [">=1.0.0 <1.5.0", "1.1.0"],
    ["*", "2.0.0"],
    ["", "2.0.0"],
    ["1.1.0 || 1.0.0", "1.1.0"],
    [">=1.2.0-0 <1.3.0", "1.2.0-beta.1"], // a prerelease only when the constraint names one
    [">=3.0.0-0", "3.0.0-rc.1"],
    ["1.2.0-beta.1", "1.2.0-beta.1"],
    ["v1.0.0", "1.0.0"],
  ])(
    "resolves %j to %s (highest satisfying, stable unless a prerelease is named)",
    async (range, version) => {
      const chart = await fetcher().fetchChart(helm(range));
      expect(chart.version).toBe(version);
      expect(chart.bytes).toEqual(archives.get(version));
    },
  );

  it("takes an absolute URL from the index as it is, and follows redirects", async () => {
    expect((await fetcher().fetchChart(helm("2.0.0"))).source).toBe(
      `${repo.origin}/elsewhere/demo-2.0.0.tgz`,
    );
    const moved = await fetcher().fetchChart(helm("1.0.0", "moved"));
    expect(moved.bytes).toEqual(archives.get("1.0.0"));
  });

  it("accepts a repository URL with a trailing slash", async () => {
    const chart = await fetcher().fetchChart({ ...helm("1.0.0"), url: `${repo.origin}/stable/` });
    expect(chart.version).toBe("1.0.0");
  });

  it("fetches an archive the index gives no digest for, and computes its digest", async () => {
    const chart = await fetcher().fetchChart(helm("1.0.0", "nodigest"));
    expect(chart.digest).toBe(`sha256:${hex(archives.get("1.0.0") ?? new Uint8Array())}`);
  });

  it("sends no credentials, cookies or anything but Accept", async () => {
    const before = repo.requests.length;
    await fetcher().fetchChart(helm("1.0.0"));
    for (const r of repo.requests.slice(before)) {
      expect(r.headers.authorization).toBeUndefined();
      expect(r.headers.cookie).toBeUndefined();
    }
  });
});

describe("a HelmRepository chart that cannot be had", () => {
  it("detects an archive that does not match the index's digest", async () => {
    const failure = await failureOf(fetcher().fetchChart(helm("1.0.0", "tampered")));
    expect(failure.reason).toBe("digest-mismatch");
  });

  it.each([
    ["no such chart", ["1.0.0", "missing"], "not-found"],
    ["no such version", ["4.0.0"], "not-found"],
    ["no version in range", ["5.x"], "not-found"],
    ["an invalid constraint", [">>>1"], "unresolvable"],
    ["no index (404)", ["1.0.0", "demo", "/nothing"], "not-found"],
    ["an index that is not YAML", ["1.0.0", "demo", "/broken"], "bad-response"],
    ["an index without entries", ["1.0.0", "demo", "/noentries"], "bad-response"],
    ["an entry without URLs", ["1.0.0", "nourl"], "bad-response"],
    ["an archive that is not gzip", ["1.0.0", "plain"], "bad-response"],
  ] as const)("%s", async (_, args, reason) => {
    expect((await failureOf(fetcher().fetchChart(helm(args[0], args[1], args[2])))).reason).toBe(reason);
  });

  it("refuses an archive over maxChartBytes, and an index over maxIndexBytes", async () => {
    const chart = await failureOf(fetcher({ maxChartBytes: 32 * 1024 }).fetchChart(helm("1.0.0", "big")));
    expect(chart.reason).toBe("too-large");
    expect(chart.message).toContain("32768 bytes");
    // Without a Content-Length, the download stops at the first chunk over the limit.
    const chunked = await failureOf(
      fetcher({ maxChartBytes: 32 * 1024 }).fetchChart(helm("1.0.0", "bigchunked")),
    );
    expect(chunked.reason).toBe("too-large");
    expect(
      (await fetcher({ maxChartBytes: 128 * 1024 }).fetchChart(helm("1.0.0", "bigchunked"))).version,
    ).toBe("1.0.0");
    const index = await failureOf(fetcher({ maxIndexBytes: 200 }).fetchChart(helm("1.0.0")));
    expect(index.reason).toBe("too-large");
  });

  it("stops a download whose body does not finish within the deadline", async () => {
    const slowChart = await failureOf(fetcher({ timeoutMs: 300 }).fetchChart(helm("1.0.0", "slow")));
    expect(slowChart.reason).toBe("timeout");
    const slowIndex = await failureOf(
      fetcher({ timeoutMs: 300 }).fetchChart(helm("1.0.0", "demo", "/slowindex")),
    );
    expect(slowIndex.reason).toBe("timeout");
  });

  it("reports a refused connection as a network failure", async () => {
    const closed = await startHelmRepo();
    const url = closed.origin;
    await closed.close();
    const failure = await failureOf(fetcher().fetchChart({ ...helm("1.0.0"), url }));
    expect(failure.reason).toBe("network");
  });

  it("rejects a source that is not one", async () => {
    const f = fetcher();
    expect((await failureOf(f.fetchChart({ type: "git" } as never))).reason).toBe("bad-url");
    expect((await failureOf(f.fetchChart({ type: "helm", url: repo.origin } as never))).reason).toBe(
      "bad-url",
    );
  });
});
