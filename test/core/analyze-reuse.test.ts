import { describe, expect, it } from "vitest";
import { loadDirectorySnapshot } from "../../src/cli/fs-snapshot.ts";
import { analyzeRepository } from "../../src/core/analyze.ts";
import { changedFilesBetween } from "../../src/core/impact/changed-files.ts";
import type { RepositoryModel } from "../../src/core/model.ts";
import { AnalysisSession } from "../../src/core/session.ts";
import { createMemorySnapshot } from "../../src/core/snapshot/repo-snapshot.ts";
import { revisionPairs } from "../support/fixtures/revision-pairs.ts";

const pairs = revisionPairs();

function rendered(model: RepositoryModel) {
  return model.kustomizations.map((k) => ({
    key: k.key,
    status: k.status,
    objects: k.build?.objects.map((o) => o.object),
    failed: k.build?.failed,
    diagnostics: k.build?.diagnostics,
  }));
}

describe("core/analyze reuse of an earlier revision", () => {
  it.each(pairs)(
    "%s: head analyzed with base's builds equals head analyzed alone",
    (_name, baseDir, headDir) => {
      const scope = new AnalysisSession();
      const base = loadDirectorySnapshot(baseDir, { session: scope });
      const head = loadDirectorySnapshot(headDir, { session: scope });
      const baseModel = analyzeRepository(base);

      const reused = analyzeRepository(head, {
        reuse: { from: baseModel, changedFiles: changedFilesBetween(base, head) },
      });
      const alone = analyzeRepository(loadDirectorySnapshot(headDir));

      expect(rendered(reused)).toEqual(rendered(alone));
      expect(reused.diagnostics).toEqual(alone.diagnostics);
      expect(reused.helmReleases.map((h) => h.object)).toEqual(alone.helmReleases.map((h) => h.object));
    },
  );

  it("does not reuse a build when a file it reads changed", () => {
    const files = {
      "clusters/c/ks.yaml":
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: app, namespace: flux-system}\nspec: {interval: 1h, prune: true, path: ./app, sourceRef: {kind: GitRepository, name: flux-system}}\n",
      "app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\ndata: {v: one}\n",
    };
    const scope = new AnalysisSession();
    const base = createMemorySnapshot(files, { session: scope });
    const head = createMemorySnapshot(
      { ...files, "app/cm.yaml": files["app/cm.yaml"].replace("one", "two") },
      { session: scope },
    );
    const baseModel = analyzeRepository(base, { clusterPaths: ["clusters/c"] });

    const headModel = analyzeRepository(head, {
      clusterPaths: ["clusters/c"],
      reuse: { from: baseModel, changedFiles: [{ path: "app/cm.yaml" }] },
    });

    const app = headModel.kustomizations.find((k) => k.key === "flux-system/app")!;
    expect(app.build?.objects[0]?.object.data).toEqual({ v: "two" });
  });

  it("does not keep a symlink finding when head turns the symlink into a regular file", () => {
    const files = {
      "clusters/c/ks.yaml":
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: app, namespace: flux-system}\nspec: {interval: 1h, prune: true, path: ./app, sourceRef: {kind: GitRepository, name: flux-system}}\n",
      "app/kustomization.yaml": "resources: [cm.yaml]\n",
    };
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\ndata: {v: one}\n";
    const scope = new AnalysisSession();
    const base = createMemorySnapshot(files, { session: scope, symlinks: ["app/cm.yaml"] });
    const head = createMemorySnapshot({ ...files, "app/cm.yaml": cm }, { session: scope });
    const baseModel = analyzeRepository(base, { clusterPaths: ["clusters/c"] });
    expect(baseModel.diagnostics.map((d) => d.code)).toContain("path-is-symlink");

    const reused = analyzeRepository(head, {
      clusterPaths: ["clusters/c"],
      reuse: { from: baseModel, changedFiles: [{ path: "app/cm.yaml" }] },
    });
    const alone = analyzeRepository(head, { clusterPaths: ["clusters/c"] });

    expect(reused.diagnostics.map((d) => d.code)).not.toContain("path-is-symlink");
    expect(rendered(reused)).toEqual(rendered(alone));
  });

  it("reuses base's unaffected builds through the session both snapshots share, and only then", () => {
    const files = {
      "clusters/c/ks.yaml":
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: app, namespace: flux-system}\nspec: {interval: 1h, prune: true, path: ./app, sourceRef: {kind: GitRepository, name: flux-system}}\n",
      "app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\ndata: {v: one}\n",
      "other.txt": "one",
    };
    const head = { ...files, "other.txt": "two" };
    const changedFiles = [{ path: "other.txt" }];
    const options = { clusterPaths: ["clusters/c"] };
    const app = (m: RepositoryModel) => m.kustomizations.find((k) => k.key === "flux-system/app")!;

    const session = new AnalysisSession();
    const base = analyzeRepository(createMemorySnapshot(files, { session }), options);
    const shared = analyzeRepository(createMemorySnapshot(head, { session }), {
      ...options,
      reuse: { from: base, changedFiles },
    });
    const apart = analyzeRepository(createMemorySnapshot(head), {
      ...options,
      reuse: { from: base, changedFiles },
    });
    const named = analyzeRepository(createMemorySnapshot(head), {
      ...options,
      reuse: { from: base, changedFiles, session },
    });

    expect(app(shared).build?.unsubstituted[0]).toBe(app(base).build?.unsubstituted[0]);
    expect(app(named).build?.unsubstituted[0]).toBe(app(base).build?.unsubstituted[0]);
    expect(app(apart).build?.unsubstituted[0]).not.toBe(app(base).build?.unsubstituted[0]);
    expect(app(apart).build?.objects.map((o) => o.object)).toEqual(
      app(base).build?.objects.map((o) => o.object),
    );
  });
});
