// biome-ignore-all lint/suspicious/noExplicitAny: webhook payloads and request bodies are untyped JSON here.
/**
 * The App renders changed HelmReleases' charts into its comment when the runtime gives it a chart fetcher
 * (src/runtime/netlify.ts does, with a Blobs cache). GitHub is nock, as in app.test.ts; the fetcher is a
 * stand-in that serves a packaged chart per version (the real fetcher is tested in test/charts/), so what
 * is tested here is the wiring: which charts the job asks for, the rendered diff in the comment and the
 * check run, and a chart that cannot be fetched said for its HelmRelease.
 */
import { join } from "node:path";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { ChartFetchError, type ChartFetcher, type ChartSource } from "../../src/charts/index.ts";
import { changedFilesBetween } from "../../src/core/impact/changed-files.ts";
import { createMemorySnapshot } from "../../src/core/snapshot/repo-snapshot.ts";
import { readTree } from "../support/fs/disk-tree.ts";
import {
  API,
  webhookExamples as examples,
  GZIP,
  guardNetwork,
  TOKEN,
  tarballOf as tarball,
  testProbot,
} from "../support/github/probot.ts";
import { chartArchive } from "../support/helm-repo/chart-archive.ts";

const opened = examples
  .find((d) => d.name === "pull_request")!
  .examples.find((e) => e.action === "opened" && e.installation)! as any;
const OWNER = opened.repository.owner.login as string;
const REPO = opened.repository.name as string;
const NUMBER = opened.number as number;
const HEAD = opened.pull_request.head.sha as string;
const BASE = opened.pull_request.base.sha as string;
const MERGE_BASE = "5b3c1f0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c";
const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "homelab");
const baseFiles = readTree(join(EXAMPLE, "base")).files;
const headFiles = readTree(join(EXAMPLE, "head")).files;
const COMPARED = changedFilesBetween(createMemorySnapshot(baseFiles), createMemorySnapshot(headFiles)).map(
  (f) =>
    f.status === "renamed"
      ? { filename: f.path, status: "renamed", previous_filename: f.previousPath }
      : { filename: f.path, status: f.status },
);

guardNetwork();

/** Serves immich's chart at any version (a ConfigMap naming the version); every other chart is "not found". */
function fakeFetcher(asked: ChartSource[]): ChartFetcher {
  return {
    async fetchChart(source) {
      asked.push(source);
      if (source.type !== "helm" || source.chart !== "immich")
        throw new ChartFetchError(
          "not-found",
          `${source.type === "helm" ? source.chart : source.url}: not in this test's repository`,
        );
      const bytes = await chartArchive({
        name: "immich",
        version: source.version,
        template:
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-version\ndata:\n  chart: {{ .Chart.Version | quote }}\n",
      });
      return {
        bytes,
        digest: "sha256:test",
        version: source.version,
        source: "https://immich-app.github.io/immich-charts",
        fromCache: false,
      };
    },
    async close() {},
  };
}

describe("github/app pull_request with charts", () => {
  it("renders the changed HelmReleases' charts into the comment, and says which could not be fetched", async () => {
    let posted = "";
    let checkRun: any;
    const scope = nock(API)
      .post(`/app/installations/${opened.installation.id}/access_tokens`)
      .reply(201, TOKEN)
      .post("/graphql", (b: any) => b.query.includes("checkSuites"))
      .reply(200, {
        data: { repository: { config: null, commit: { checkSuites: { nodes: [] } } }, org: { config: null } },
      })
      .post(`${REPO_PATH}/check-runs`)
      .reply(201, { id: 77 })
      .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
      .query({ per_page: "1" })
      .reply(200, { merge_base_commit: { sha: MERGE_BASE }, files: COMPARED })
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(200, await tarball(baseFiles, MERGE_BASE, OWNER, REPO), GZIP)
      .get(`${REPO_PATH}/tarball/${HEAD}`)
      .reply(200, await tarball(headFiles, HEAD, OWNER, REPO), GZIP)
      .post("/graphql", (b: any) => b.query.includes("viewerDidAuthor"))
      .reply(200, {
        data: {
          repository: {
            pullRequest: { headRefOid: HEAD, comments: { nodes: [], pageInfo: { hasNextPage: false } } },
          },
        },
      })
      .patch(`${REPO_PATH}/check-runs/77`, (b) => {
        checkRun = b;
        return true;
      })
      .reply(200, { id: 77 })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`, (b) => {
        posted = b.body;
        return true;
      })
      .reply(201, { id: 5 });
    const asked: ChartSource[] = [];
    const app = await testProbot(false, { headLagMs: 1, charts: { fetcher: () => fakeFetcher(asked) } });
    await app.receive({ id: "c1", name: "pull_request", payload: opened as never });

    expect(scope.pendingMocks()).toEqual([]);
    // immich's chart at both versions of the change, once each.
    expect(
      asked
        .filter((s) => s.type === "helm" && s.chart === "immich")
        .map((s) => (s as { version: string }).version)
        .sort(),
    ).toEqual(["0.8.5", "0.9.0"]);
    expect(posted).toContain("#### What the changed HelmReleases install (charts rendered)");
    expect(posted).toContain("-  chart: 0.8.5\n+  chart: 0.9.0\n");
    expect(posted).toMatch(
      /HelmRelease `database\/dragonfly`\*\* — ❔ not shown: its chart could not be fetched: /,
    );
    expect(checkRun.conclusion).toBe("failure"); // the example's own errors; rendering adds notices only
    expect(JSON.stringify(checkRun.output.annotations)).toContain("helm-render-unavailable");
    // The check run's text carries the rendered diffs too.
    expect(checkRun.output.text).toContain("-  chart: 0.8.5\n+  chart: 0.9.0\n");
  });
});
