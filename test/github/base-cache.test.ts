import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/core/config/schema.ts";
import { analyzeBase } from "../../src/core/pull-request.ts";
import { createMemorySnapshot } from "../../src/core/snapshot/repo-snapshot.ts";
import { BaseAnalysisCache, type BytesStore, KEEP, MemoryBytesStore } from "../../src/github/base-cache.ts";

const REPO = { owner: "Acme", repo: "Home-Ops" };
const SHA = "5b3c1f0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c";
const FILES = {
  "clusters/c/ks.yaml":
    "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: app, namespace: flux-system}\nspec: {interval: 1h, prune: true, path: ./app, sourceRef: {kind: GitRepository, name: flux-system}}\n",
  "app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\ndata: {v: one}\n",
};

function logger() {
  const lines: string[] = [];
  return {
    lines,
    info: (m: string) => lines.push(`info ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
  };
}

describe("github/base-cache", () => {
  it("gives back what was stored: the same findings and rendered objects", async () => {
    const cache = new BaseAnalysisCache(new MemoryBytesStore(), "deploy-1");
    const analysis = analyzeBase(createMemorySnapshot(FILES));
    const key = cache.key(REPO, SHA, DEFAULT_CONFIG, {});

    expect(await cache.load(key)).toBeUndefined();
    await cache.save(key, analysis);
    const read = await cache.load(key);

    expect(read?.checks).toEqual(analysis.checks);
    expect(read?.model.kustomizations.map((k) => k.build?.objects)).toEqual(
      analysis.model.kustomizations.map((k) => k.build?.objects),
    );
  });

  it("keys by repository, commit, configuration, analysis options and engine build", () => {
    const a = new BaseAnalysisCache(new MemoryBytesStore(), "deploy-1");
    const b = new BaseAnalysisCache(new MemoryBytesStore(), "deploy-2");
    const key = a.key(REPO, SHA, DEFAULT_CONFIG, {});
    const others = [
      a.key({ owner: "acme", repo: "other" }, SHA, DEFAULT_CONFIG, {}),
      a.key(REPO, SHA.replace("5b", "6b"), DEFAULT_CONFIG, {}),
      a.key(REPO, SHA, { ...DEFAULT_CONFIG, clusterPaths: ["clusters/c"] }, {}),
      a.key(REPO, SHA, DEFAULT_CONFIG, { repository: { branch: "main" } }),
      b.key(REPO, SHA, DEFAULT_CONFIG, {}),
    ];
    for (const other of others) expect(other).not.toBe(key);
    // Owner and repository names are case-insensitive on GitHub.
    expect(a.key({ owner: "acme", repo: "home-ops" }, SHA, DEFAULT_CONFIG, {})).toBe(key);
  });

  it("a corrupt entry, an entry of another shape or a failing store is a miss, logged, never an error", async () => {
    const store = new MemoryBytesStore();
    const cache = new BaseAnalysisCache(store, "deploy-1");
    const log = logger();
    const key = cache.key(REPO, SHA, DEFAULT_CONFIG, {});

    await store.set(key, new TextEncoder().encode("not gzip"), 1);
    expect(await cache.load(key, log)).toBeUndefined();

    const { gzipSync } = await import("node:zlib");
    const { serialize } = await import("node:v8");
    await store.set(key, gzipSync(serialize({ format: 0, model: {} })), 1);
    expect(await cache.load(key, log)).toBeUndefined();

    const failing: BytesStore = {
      get: async () => {
        throw new Error("store unavailable");
      },
      set: async () => {
        throw new Error("store unavailable");
      },
      list: async () => [],
      delete: async () => {},
    };
    const broken = new BaseAnalysisCache(failing, "deploy-1");
    expect(await broken.load(key, log)).toBeUndefined();
    await broken.save(key, analyzeBase(createMemorySnapshot(FILES)), log);

    expect(log.lines).toHaveLength(4);
    expect(log.lines.every((l) => l.startsWith("warn base analysis cache:"))).toBe(true);
  });

  it(`keeps the ${KEEP} newest entries of a repository and leaves other repositories alone`, async () => {
    const store = new MemoryBytesStore();
    let now = 0;
    const cache = new BaseAnalysisCache(store, "deploy-1", () => ++now);
    const analysis = analyzeBase(createMemorySnapshot({}));
    const other = cache.key({ owner: "acme", repo: "other" }, SHA, DEFAULT_CONFIG, {});
    await cache.save(other, analysis);
    const keys = Array.from({ length: KEEP + 3 }, (_, i) =>
      cache.key(REPO, `${i}`.padStart(40, "0"), DEFAULT_CONFIG, {}),
    );
    for (const key of keys) await cache.save(key, analysis);

    const kept = [...store.entries.keys()];
    expect(kept).toContain(other);
    expect(kept.filter((k) => k !== other).sort()).toEqual(keys.slice(-KEEP).sort());
  });

  it("finds the newest entry of a repository under the same configuration, with its commit", async () => {
    let now = 0;
    const cache = new BaseAnalysisCache(new MemoryBytesStore(), "deploy-1", () => ++now);
    const analysis = analyzeBase(createMemorySnapshot(FILES));
    const other = { ...DEFAULT_CONFIG, clusterPaths: ["clusters/c"] };
    expect(await cache.latest(REPO, DEFAULT_CONFIG, {})).toBeUndefined();
    await cache.save(cache.key(REPO, "a".repeat(40), DEFAULT_CONFIG, {}), analysis);
    await cache.save(cache.key(REPO, "b".repeat(40), DEFAULT_CONFIG, {}), analysis);
    await cache.save(cache.key(REPO, "c".repeat(40), other, {}), analysis);
    await cache.save(
      cache.key({ owner: "acme", repo: "other" }, "d".repeat(40), DEFAULT_CONFIG, {}),
      analysis,
    );

    expect((await cache.latest(REPO, DEFAULT_CONFIG, {}))?.sha).toBe("b".repeat(40));
    expect((await cache.latest(REPO, other, {}))?.sha).toBe("c".repeat(40));
    expect(await cache.latest(REPO, DEFAULT_CONFIG, { repository: { branch: "main" } })).toBeUndefined();
  });
});
