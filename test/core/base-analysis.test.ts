import { deserialize, serialize } from "node:v8";
import { describe, expect, it } from "vitest";
import { loadDirectorySnapshot } from "../../src/cli/fs-snapshot.ts";
import { parseConfig } from "../../src/core/config/parse-config.ts";
import { changedFilesBetween } from "../../src/core/impact/changed-files.ts";
import {
  analyzeBase,
  analyzePullRequest,
  BASE_ANALYSIS_FORMAT,
  isBaseAnalysis,
} from "../../src/core/pull-request.ts";
import { renderCheckRun } from "../../src/core/report/check-run.ts";
import { renderComment } from "../../src/core/report/comment.ts";
import { AnalysisSession } from "../../src/core/session.ts";
import { createMemorySnapshot } from "../../src/core/snapshot/repo-snapshot.ts";
import { agePublicRecipient, enc } from "../support/fixtures/fake-secrets.ts";
import { revisionPairs } from "../support/fixtures/revision-pairs.ts";

const pairs = revisionPairs();
const revisions = { base: { ref: "base" }, head: { ref: "head" } };

/** What a reviewer and branch protection see of an analysis. */
function outputs(report: ReturnType<typeof analyzePullRequest>["report"]) {
  return { comment: renderComment(report, revisions), checkRun: renderCheckRun(report, revisions), report };
}

/** As the App stores and reads an entry: V8's structured clone, in another session. */
function storedAndRead(value: unknown): unknown {
  return deserialize(serialize(value));
}

describe("core/pull-request a stored base analysis", () => {
  it.each(pairs)(
    "%s: a pull request analyzed with its base analysis read back from storage reports exactly what it reports without",
    (_name, baseDir, headDir) => {
      const scope = new AnalysisSession();
      const without = analyzePullRequest({
        base: loadDirectorySnapshot(baseDir, { session: scope }),
        head: loadDirectorySnapshot(headDir, { session: scope }),
      });

      const stored = storedAndRead(analyzeBase(loadDirectorySnapshot(baseDir)));
      expect(isBaseAnalysis(stored)).toBe(true);
      // A later job: new snapshots, a new session; only the stored analysis carries over.
      const later = new AnalysisSession();
      const withCache = analyzePullRequest({
        base: loadDirectorySnapshot(baseDir, { session: later }),
        head: loadDirectorySnapshot(headDir, { session: later }),
        baseAnalysis: stored as never,
      });

      expect(outputs(withCache.report)).toEqual(outputs(without.report));
    },
  );

  it("head reuses the stored builds: an unchanged app renders the very objects stored, a changed one anew", () => {
    const files = {
      "clusters/c/apps.yaml": [
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: a, namespace: flux-system}\nspec: {interval: 1h, prune: true, path: ./a, sourceRef: {kind: GitRepository, name: flux-system}}",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: b, namespace: flux-system}\nspec: {interval: 1h, prune: true, path: ./b, sourceRef: {kind: GitRepository, name: flux-system}}\n",
      ].join("\n---\n"),
      "a/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\ndata: {v: one}\n",
      "b/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: default}\ndata: {v: one}\n",
    };
    const config = parseConfig({ clusterPaths: ["clusters/c"] }).config;
    const stored = storedAndRead(analyzeBase(createMemorySnapshot(files), config)) as ReturnType<
      typeof analyzeBase
    >;
    const session = new AnalysisSession();
    const result = analyzePullRequest({
      base: createMemorySnapshot(files, { session }),
      head: createMemorySnapshot(
        { ...files, "b/cm.yaml": files["b/cm.yaml"].replace("one", "two") },
        { session },
      ),
      config,
      baseAnalysis: stored,
    });

    const objectOf = (model: typeof result.head, key: string) =>
      model.kustomizations.find((k) => k.key === key)?.build?.objects[0]?.object;
    expect(objectOf(result.head, "flux-system/a")).toBe(objectOf(stored.model, "flux-system/a"));
    expect(objectOf(result.head, "flux-system/b")).not.toBe(objectOf(stored.model, "flux-system/b"));
    expect(objectOf(result.head, "flux-system/b")?.data).toEqual({ v: "two" });
    expect(result.report.kustomizations.map((k) => k.key)).toEqual(["flux-system/b"]);
  });

  it("keeps the base's findings: a finding already on base stays existing, not introduced", () => {
    const files = {
      "clusters/c/ks.yaml":
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: app, namespace: flux-system}\nspec: {interval: 1h, prune: true, path: ./app, dependsOn: [{name: missing}], sourceRef: {kind: GitRepository, name: flux-system}}\n",
      "app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\ndata: {v: one}\n",
    };
    const config = parseConfig({ clusterPaths: ["clusters/c"] }).config;
    const session = new AnalysisSession();
    const head = { ...files, "app/cm.yaml": files["app/cm.yaml"].replace("one", "two") };
    const result = analyzePullRequest({
      base: createMemorySnapshot(files, { session }),
      head: createMemorySnapshot(head, { session }),
      config,
      baseAnalysis: storedAndRead(analyzeBase(createMemorySnapshot(files), config)) as never,
    });

    expect(result.report.findings.existing.map((d) => d.code)).toContain("graph-depends-on-missing");
    expect(result.report.findings.introduced.map((d) => d.code)).not.toContain("graph-depends-on-missing");
  });

  it("recognises only a base analysis of this format", () => {
    const analysis = analyzeBase(createMemorySnapshot({}));
    expect(isBaseAnalysis(storedAndRead(analysis))).toBe(true);
    expect(isBaseAnalysis({ ...analysis, format: BASE_ANALYSIS_FORMAT + 1 })).toBe(false);
    expect(isBaseAnalysis({ ...analysis, reuse: { fluxScans: {}, builds: {} } })).toBe(false);
    expect(isBaseAnalysis(JSON.parse(JSON.stringify(analysis)))).toBe(false);
    expect(isBaseAnalysis(null)).toBe(false);
    expect(isBaseAnalysis("analysis")).toBe(false);
  });

  it.each(pairs)(
    "%s: a later commit analyzed from the earlier one's stored analysis and the files changed since equals it analyzed alone",
    (_name, earlierDir, laterDir) => {
      const earlier = loadDirectorySnapshot(earlierDir);
      const later = loadDirectorySnapshot(laterDir);
      const changedFiles = changedFilesBetween(earlier, later);
      const stored = storedAndRead(analyzeBase(earlier)) as ReturnType<typeof analyzeBase>;

      const incremental = analyzeBase(loadDirectorySnapshot(laterDir), undefined, undefined, {
        analysis: stored,
        changedFiles,
      });
      const alone = analyzeBase(loadDirectorySnapshot(laterDir));

      const view = (a: typeof alone) => ({
        checks: a.checks,
        secrets: a.secrets.findings,
        suppressed: a.secrets.suppressed,
        kustomizations: a.model.kustomizations.map((k) => [
          k.key,
          k.status,
          k.build?.objects.map((o) => o.object),
        ]),
        helmReleases: a.model.helmReleases.map((h) => h.object),
        diagnostics: a.model.diagnostics,
      });
      expect(view(incremental)).toEqual(view(alone));
      // What the changes do not reach was taken from the stored analysis, not rendered again.
      const storedObjects = new Set(
        stored.model.kustomizations.flatMap((k) => k.build?.objects.map((o) => o.object) ?? []),
      );
      expect(
        incremental.model.kustomizations.some((k) =>
          k.build?.objects.some((o) => storedObjects.has(o.object)),
        ),
      ).toBe(true);
      // And a pull request against the later commit (one that changes it back) reports the same from either.
      const head = Object.fromEntries(earlier.files().map((f) => [f, earlier.read(f)!]));
      const pr = (baseAnalysis: typeof alone) => {
        const session = new AnalysisSession();
        return analyzePullRequest({
          base: loadDirectorySnapshot(laterDir, { session }),
          head: createMemorySnapshot(head, { session }),
          baseAnalysis,
        }).report;
      };
      expect(outputs(pr(incremental))).toEqual(outputs(pr(alone)));
    },
  );

  it("scans every file again when .sops.yaml changed since the earlier commit: its rules decide the findings", () => {
    const recipient = agePublicRecipient(1);
    // A SOPS file whose own metadata narrows encryption to nothing: the repository's rule still requires it.
    const narrowed = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\nstringData:\n  password: hunter2\nsops:\n  age:\n    - recipient: ${recipient}\n      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n        YWdl\n        -----END AGE ENCRYPTED FILE-----\n  lastmodified: "2024-01-01T00:00:00Z"\n  mac: ${enc(99)}\n  encrypted_regex: ^nothing$\n  version: 3.9.0\n`;
    const earlierFiles = { "apps/db/s.sops.yaml": narrowed };
    const laterFiles = {
      ...earlierFiles,
      ".sops.yaml":
        "creation_rules:\n  - path_regex: .*\\.sops\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n",
    };
    const stored = storedAndRead(analyzeBase(createMemorySnapshot(earlierFiles))) as ReturnType<
      typeof analyzeBase
    >;
    const later = createMemorySnapshot(laterFiles);
    const incremental = analyzeBase(later, undefined, undefined, {
      analysis: stored,
      changedFiles: changedFilesBetween(createMemorySnapshot(earlierFiles), later),
    });
    const alone = analyzeBase(createMemorySnapshot(laterFiles));

    expect(stored.secrets.findings.map((d) => d.message.slice(0, 20))).not.toEqual(
      alone.secrets.findings.map((d) => d.message.slice(0, 20)),
    );
    expect(incremental.secrets.findings).toEqual(alone.secrets.findings);
  });
});
