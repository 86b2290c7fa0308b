import { deserialize, serialize } from "node:v8";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadDirectorySnapshot } from "../../src/cli/fs-snapshot.ts";
import { parseConfig } from "../../src/core/config/parse-config.ts";
import { DEFAULT_CONFIG } from "../../src/core/config/schema.ts";
import { changedFilesBetween } from "../../src/core/impact/changed-files.ts";
import { analyzeBase, analyzePullRequest, type BaseAnalysis } from "../../src/core/pull-request.ts";
import { renderCheckRun } from "../../src/core/report/check-run.ts";
import { renderComment } from "../../src/core/report/comment.ts";
import { AnalysisSession } from "../../src/core/session.ts";
import { createMemorySnapshot } from "../../src/core/snapshot/repo-snapshot.ts";
import {
  BaseAnalysisCache,
  type BytesStore,
  KEEP,
  LazyParsedFiles,
  MemoryBytesStore,
} from "../../src/github/base-cache.ts";
import { revisionPairs } from "../support/fixtures/revision-pairs.ts";

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

    // A stored entry whose gzip trailer is damaged: its size sizes the buffer it is inflated into (too
    // small here, or too large to be believed), and zlib's own check refuses it.
    await cache.save(key, analyzeBase(createMemorySnapshot(FILES)));
    const good = store.entries.get(key)!.bytes;
    for (const size of [1, 0xffffffff]) {
      const damaged = Buffer.from(good);
      damaged.writeUInt32LE(size, damaged.length - 4);
      await store.set(key, damaged, 1);
      expect(await cache.load(key, log)).toBeUndefined();
    }
    await store.set(key, good, 1);
    expect(await cache.load(key, log)).toBeDefined();

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

    expect(log.lines).toHaveLength(6);
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

  describe("parsed files, stored one by one and read back when asked for", () => {
    const revisions = { base: { ref: "base" }, head: { ref: "head" } };
    const outputs = (report: ReturnType<typeof analyzePullRequest>["report"]) => ({
      comment: renderComment(report, revisions),
      checkRun: renderCheckRun(report, revisions),
      report,
    });
    const roundTrip = async (analysis: BaseAnalysis, store = new MemoryBytesStore()) => {
      const cache = new BaseAnalysisCache(store, "deploy-1");
      const key = cache.key(REPO, SHA, DEFAULT_CONFIG, {});
      await cache.save(key, analysis);
      const read = await cache.load(key);
      if (!read) throw new Error("the entry was not read back");
      return { read, store, key };
    };

    it.each(revisionPairs())(
      "%s: a pull request with its base read back from the cache reports what it reports without",
      async (_name, baseDir, headDir) => {
        const scope = new AnalysisSession();
        const without = analyzePullRequest({
          base: loadDirectorySnapshot(baseDir, { session: scope }),
          head: loadDirectorySnapshot(headDir, { session: scope }),
        });
        const { read } = await roundTrip(analyzeBase(loadDirectorySnapshot(baseDir)));
        const later = new AnalysisSession();
        const withCache = analyzePullRequest({
          base: loadDirectorySnapshot(baseDir, { session: later }),
          head: loadDirectorySnapshot(headDir, { session: later }),
          baseAnalysis: read,
        });

        expect(outputs(withCache.report)).toEqual(outputs(without.report));
      },
    );

    it("reads back only the parses the change needs, and keeps every parse for the next commit", async () => {
      const files: Record<string, string> = { "clusters/c/ks.yaml": "" };
      for (const app of ["a", "b", "c", "d"]) {
        files["clusters/c/ks.yaml"] +=
          `---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${app}, namespace: flux-system}\n` +
          `spec: {interval: 1h, prune: true, path: ./${app}, sourceRef: {kind: GitRepository, name: flux-system}}\n`;
        files[`${app}/cm.yaml`] =
          `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${app}, namespace: default}\ndata: {v: one}\n`;
      }
      const config = parseConfig({ clusterPaths: ["clusters/c"] }).config;
      const analysis = analyzeBase(createMemorySnapshot(files), config);
      const parsed = [...analysis.reuse.parsedFiles.keys()].sort();
      const { read } = await roundTrip(analysis);
      expect(read.reuse.parsedFiles).toBeInstanceOf(LazyParsedFiles);
      const lazy = read.reuse.parsedFiles as LazyParsedFiles;

      const head = { ...files, "b/cm.yaml": files["b/cm.yaml"]!.replace("one", "two") };
      const session = new AnalysisSession();
      const result = analyzePullRequest({
        base: createMemorySnapshot(files, { session }),
        head: createMemorySnapshot(head, { session }),
        config,
        baseAnalysis: read,
      });

      expect(result.report.kustomizations.map((k) => k.key)).toEqual(["flux-system/b"]);
      // b's own file changed and is parsed anew; nothing else is rendered again, so nothing is read back.
      expect(lazy.readBack).toBe(0);
      expect(parsed).toEqual(["a/cm.yaml", "b/cm.yaml", "c/cm.yaml", "clusters/c/ks.yaml", "d/cm.yaml"]);

      // The next commit's analysis, made from this entry, carries every parse forward.
      const next = analyzeBase(createMemorySnapshot(head), config, undefined, {
        analysis: read,
        changedFiles: changedFilesBetween(createMemorySnapshot(files), createMemorySnapshot(head)),
      });
      expect([...next.reuse.parsedFiles.keys()].sort()).toEqual(parsed);
    });

    it("parses a file again when its stored parse cannot be read back", async () => {
      const { store, key } = await roundTrip(analyzeBase(createMemorySnapshot(FILES)));
      // Damage one stored parse inside an otherwise good entry.
      const entry = deserialize(gunzipSync(store.entries.get(key)!.bytes)) as {
        reuse: { parsedFiles: Map<string, Uint8Array> };
      };
      entry.reuse.parsedFiles.set("app/cm.yaml", new Uint8Array([1, 2, 3]));
      store.entries.get(key)!.bytes = gzipSync(serialize(entry));
      const read = await new BaseAnalysisCache(store, "deploy-1").load(key);
      if (!read) throw new Error("the entry was not read back");

      const head = { ...FILES, "clusters/c/ks.yaml": FILES["clusters/c/ks.yaml"].replace("1h", "2h") };
      const session = new AnalysisSession();
      const withCache = analyzePullRequest({
        base: createMemorySnapshot(FILES, { session }),
        head: createMemorySnapshot(head, { session }),
        baseAnalysis: read,
      });
      const scope = new AnalysisSession();
      const without = analyzePullRequest({
        base: createMemorySnapshot(FILES, { session: scope }),
        head: createMemorySnapshot(head, { session: scope }),
      });

      expect(read.reuse.parsedFiles.get("app/cm.yaml")).toBeUndefined();
      expect(withCache.report).toEqual(without.report);
      expect(withCache.head.kustomizations[0]?.build?.objects[0]?.object.data).toEqual({ v: "one" });
    });
  });
});
