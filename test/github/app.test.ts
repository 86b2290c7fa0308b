// biome-ignore-all lint/suspicious/noExplicitAny: webhook payloads and request bodies are untyped JSON here.
/**
 * The App over real webhook payloads (@octokit/webhooks-examples) with every GitHub request mocked by nock:
 * the exact request sequence of a pull request analysis, what is written, and the failure paths. Every test
 * asserts that all mocked routes were used, and no request goes unmocked (net connect disabled).
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import nock from "nock";
import type { Probot } from "probot";
import { describe, expect, it } from "vitest";
import { changedFilesBetween } from "../../src/core/impact/changed-files.ts";
import { analyzePullRequest } from "../../src/core/pull-request.ts";
import { renderComment } from "../../src/core/report/comment.ts";
import { COMMENT_MARKER } from "../../src/core/report/markers.ts";
import { createMemorySnapshot } from "../../src/core/snapshot/repo-snapshot.ts";
import type { createApp } from "../../src/github/app.ts";
import { withAttempt } from "../../src/github/attempt.ts";
import { BaseAnalysisCache, type BytesStore, MemoryBytesStore } from "../../src/github/base-cache.ts";
import { DEFAULT_TARBALL_LIMITS } from "../../src/github/tarball.ts";
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

const opened = examples
  .find((d) => d.name === "pull_request")!
  .examples.find((e) => e.action === "opened" && e.installation)!;

const OWNER = opened.repository.owner.login as string;
const REPO = opened.repository.name as string;
const NUMBER = opened.number as number;
const HEAD = opened.pull_request.head.sha as string;
const BASE = opened.pull_request.base.sha as string;
const MERGE_BASE = "5b3c1f0e9d8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c";
const REPO_PATH = `/repos/${OWNER}/${REPO}`;
const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "homelab");

const tarballOf = (files: Map<string, Uint8Array>, sha: string) => tarball(files, sha, OWNER, REPO);
const probot = (retry = false, options: Parameters<typeof createApp>[0] = {}): Promise<Probot> =>
  testProbot(retry, { headLagMs: 1, ...options });

const baseFiles = readTree(join(EXAMPLE, "base")).files;
const headFiles = readTree(join(EXAMPLE, "head")).files;
/** The comparison's file list for these two trees, as GitHub gives it. */
const COMPARED = changedFilesBetween(createMemorySnapshot(baseFiles), createMemorySnapshot(headFiles)).map(
  (f) =>
    f.status === "renamed"
      ? { filename: f.path, status: "renamed", previous_filename: f.previousPath }
      : { filename: f.path, status: f.status },
);
const BASE_TARBALL = await tarballOf(baseFiles, MERGE_BASE);
const HEAD_TARBALL = await tarballOf(headFiles, HEAD);

interface GqlComment {
  databaseId: number;
  body: string;
  viewerDidAuthor: boolean;
}

function tokenMock(installationId: number) {
  return nock(API).post(`/app/installations/${installationId}/access_tokens`).reply(201, TOKEN);
}

/** The GraphQL answer about the pull request: its current head and its comments. */
function prState(headRefOid: string, nodes: GqlComment[]) {
  return {
    data: {
      repository: { pullRequest: { headRefOid, comments: { nodes, pageInfo: { hasNextPage: false } } } },
    },
  };
}

/** The job's first request: configuration (default branch, owner's `.github`) and this App's check runs. */
const isStart = (sha: string) => (b: any) => b.query.includes("checkSuites") && b.variables.sha === sha;
const isState = (b: any) => b.query.includes("viewerDidAuthor") && b.variables.number === NUMBER;

function started(checkRunIds: number[], config?: string, orgConfig?: string) {
  return {
    data: {
      repository: {
        config: config === undefined ? null : { text: config },
        commit: {
          checkSuites: {
            nodes: [{ checkRuns: { nodes: checkRunIds.map((databaseId) => ({ databaseId })) } }],
          },
        },
      },
      org: { config: orgConfig === undefined ? null : { text: orgConfig } },
    },
  };
}

/** The mocks of one analysis, up to (not including) the writes after the stale-write guard. */
async function analysisMocks(scope: nock.Scope, headNow = HEAD, comments: GqlComment[] = []) {
  return scope
    .post(`/app/installations/${opened.installation.id}/access_tokens`)
    .reply(201, TOKEN)
    .post("/graphql", isStart(HEAD))
    .reply(200, started([]))
    .post(
      `${REPO_PATH}/check-runs`,
      (b) => b.head_sha === HEAD && b.status === "in_progress" && b.name === "flux-impact",
    )
    .reply(201, { id: 77 })
    .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
    .query({ per_page: "1" })
    .reply(200, { merge_base_commit: { sha: MERGE_BASE }, files: COMPARED })
    .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
    .reply(200, BASE_TARBALL, GZIP)
    .get(`${REPO_PATH}/tarball/${HEAD}`)
    .reply(200, HEAD_TARBALL, GZIP)
    .post("/graphql", isState)
    .reply(200, prState(headNow, comments));
}

function expectedComment(checkRun = 77): string {
  const { report } = analyzePullRequest({
    base: createMemorySnapshot(baseFiles),
    head: createMemorySnapshot(headFiles),
    // The App tells the engine which repository and branch it analyzes.
    analyze: { repository: { url: `https://github.com/${OWNER}/${REPO}`, branch: "master" } },
  });
  return renderComment(report, {
    checkRunUrl: `https://github.com/${OWNER}/${REPO}/runs/${checkRun}`,
    base: { ref: MERGE_BASE },
    head: { ref: HEAD, blobUrl: `https://github.com/${OWNER}/${REPO}/blob/${HEAD}` },
  });
}

guardNetwork();

describe("github/app pull_request", () => {
  it("opened: check run in progress, both revisions, completed check run, one sticky comment equal to the core's report", async () => {
    const patches: any[] = [];
    let posted = "";
    const scope = await analysisMocks(nock(API));
    scope
      .patch(`${REPO_PATH}/check-runs/77`, (b) => {
        patches.push(b);
        return true;
      })
      .reply(200, { id: 77 })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`, (b) => {
        posted = b.body;
        return true;
      })
      .reply(201, { id: 5 });

    let requests = 0;
    const count = () => requests++;
    scope.on("request", count);
    const started = performance.now();
    await (await probot()).receive({ id: "d1", name: "pull_request", payload: opened as any });
    const ms = performance.now() - started;
    scope.off("request", count);

    expect(scope.pendingMocks()).toEqual([]);
    expect(patches).toHaveLength(1);
    expect(patches[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(patches[0].output.title).toMatch(
      /^5 Kustomizations, 3 HelmReleases affected · 2 errors, 3 warnings$/,
    );
    expect(patches[0].output.annotations.map((a: any) => a.path)).toContain(
      "kubernetes/apps/media/immich/ks.yaml",
    );
    expect(posted).toBe(expectedComment());
    expect(posted.startsWith(COMMENT_MARKER)).toBe(true);
    expect(requests).toBe(9);
    console.log(
      `pull_request.opened analysis: ${requests} GitHub requests (token included), ${ms.toFixed(0)} ms in-process`,
    );
  });

  it("updates its own comment and leaves a foreign comment carrying the marker alone", async () => {
    const scope = await analysisMocks(nock(API), HEAD, [
      { databaseId: 11, body: `${COMMENT_MARKER}\nplanted`, viewerDidAuthor: false },
      { databaseId: 12, body: `${COMMENT_MARKER}\nold`, viewerDidAuthor: true },
    ]);
    let updated = "";
    scope
      .patch(`${REPO_PATH}/check-runs/77`)
      .reply(200, { id: 77 })
      .patch(`${REPO_PATH}/issues/comments/12`, (b) => {
        updated = b.body;
        return true;
      })
      .reply(200, { id: 12 });

    await (await probot()).receive({ id: "d2", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
    expect(updated).toBe(expectedComment());
  });

  it("repairs a race between instances that left two comments: the oldest is kept, the younger deleted", async () => {
    const scope = await analysisMocks(nock(API), HEAD, [
      { databaseId: 21, body: expectedComment(), viewerDidAuthor: true },
      { databaseId: 22, body: expectedComment(), viewerDidAuthor: true },
      { databaseId: 23, body: `${COMMENT_MARKER}\nplanted`, viewerDidAuthor: false },
    ]);
    scope
      .patch(`${REPO_PATH}/check-runs/77`)
      .reply(200, { id: 77 })
      .delete(`${REPO_PATH}/issues/comments/22`)
      .reply(204);

    await (await probot()).receive({ id: "d2b", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
  });

  it("processes the same delivery twice into one check run and one comment", async () => {
    const app = await probot();
    let comments = 0;
    const first = await analysisMocks(nock(API));
    first
      .patch(`${REPO_PATH}/check-runs/77`)
      .reply(200, { id: 77 })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`, () => ++comments > 0)
      .reply(201, { id: 5 });
    await app.receive({ id: "dup", name: "pull_request", payload: opened as any });
    expect(first.pendingMocks()).toEqual([]);

    // The redelivery finds the check run of the head commit and its own, identical comment: no new writes.
    const second = nock(API)
      .post("/graphql", isStart(HEAD))
      .reply(200, started([77]))
      .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
      .query(true)
      .reply(200, { merge_base_commit: { sha: MERGE_BASE }, files: COMPARED })
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(200, BASE_TARBALL, GZIP)
      .get(`${REPO_PATH}/tarball/${HEAD}`)
      .reply(200, HEAD_TARBALL, GZIP)
      .post("/graphql", isState)
      .reply(200, prState(HEAD, [{ databaseId: 5, body: expectedComment(), viewerDidAuthor: true }]))
      .patch(`${REPO_PATH}/check-runs/77`)
      .reply(200, { id: 77 });
    await app.receive({ id: "dup", name: "pull_request", payload: opened as any });

    expect(second.pendingMocks()).toEqual([]);
    expect(comments).toBe(1);
  });

  it("drops the result when the head moved during the analysis, marking its check run superseded", async () => {
    const patches: any[] = [];
    const scope = await analysisMocks(nock(API), "fffffffffffffffffffffffffffffffffffffff0");
    scope
      .post("/graphql", isState) // read again: GitHub's API may lag the webhook
      .reply(200, prState("fffffffffffffffffffffffffffffffffffffff0", []))
      .patch(`${REPO_PATH}/check-runs/77`, (b) => {
        patches.push(b);
        return true;
      })
      .reply(200, { id: 77 });

    await (await probot()).receive({ id: "d3", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
    expect(patches).toEqual([
      expect.objectContaining({
        status: "completed",
        conclusion: "neutral",
        output: expect.objectContaining({ title: "Superseded by a newer commit" }),
      }),
    ]);
  });

  it("a pull request head that lags the webhook is read again, and the result lands", async () => {
    const scope = await analysisMocks(nock(API), "0000000000000000000000000000000000000old");
    scope
      .post("/graphql", isState)
      .reply(200, prState(HEAD, []))
      .patch(`${REPO_PATH}/check-runs/77`, (b) => b.conclusion === "failure")
      .reply(200, { id: 77 })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`)
      .reply(201, { id: 5 });

    await (await probot()).receive({ id: "lag", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
  });

  it("a comment GitHub refuses after the check run is complete (410) leaves the check run's result alone", async () => {
    const patches: any[] = [];
    const scope = await analysisMocks(nock(API));
    scope
      .patch(`${REPO_PATH}/check-runs/77`, (b) => {
        patches.push(b);
        return true;
      })
      .reply(200, { id: 77 })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`)
      .reply(410, { message: "Issues are disabled for this repo" });

    await (await probot()).receive({ id: "410", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
    expect(patches.map((p) => p.conclusion)).toEqual(["failure"]);
  });

  it("GitHub refusing the comment (422) gets one short comment pointing at the check run, no loop", async () => {
    const bodies: string[] = [];
    const scope = await analysisMocks(nock(API));
    scope
      .patch(`${REPO_PATH}/check-runs/77`)
      .reply(200, { id: 77 })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`, (b) => {
        bodies.push(b.body);
        return true;
      })
      .reply(422, { message: "Body is too long" })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`, (b) => {
        bodies.push(b.body);
        return true;
      })
      .reply(201, { id: 6 });

    await (await probot()).receive({ id: "422", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toContain(
      `[flux-impact check run](https://github.com/${OWNER}/${REPO}/pull/${NUMBER}/checks)`,
    );
    expect(bodies[1]!.startsWith(COMMENT_MARKER)).toBe(true);
  });

  it("completes the check run as a failure with a clear message when the head commit is gone (404)", async () => {
    const patches: any[] = [];
    const scope = tokenMock(opened.installation.id)
      .post("/graphql", isStart(HEAD))
      .reply(200, started([78]))
      .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
      .query(true)
      .reply(200, { merge_base_commit: { sha: MERGE_BASE }, files: COMPARED })
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(200, BASE_TARBALL, GZIP)
      .get(`${REPO_PATH}/tarball/${HEAD}`)
      .reply(404, { message: "Not Found" })
      .patch(`${REPO_PATH}/check-runs/78`, (b) => {
        patches.push(b);
        return true;
      })
      .reply(200, { id: 78 });

    await (await probot()).receive({ id: "d4", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
    expect(patches).toEqual([
      expect.objectContaining({
        status: "completed",
        conclusion: "failure",
        output: expect.objectContaining({
          summary:
            "GitHub answered 404 (not found — deleted branch, commit or repository, or no access) when asked to download the head revision. The check fails so that nothing unanalyzed is merged; re-run it (or comment `/flux-impact recheck`) once GitHub answers again.",
        }),
      }),
    ]);
    expect(JSON.stringify(patches)).not.toContain("ghs_installation_token");
  });

  it("ignores an edit that did not change the base, and installation events", async () => {
    const edited = { ...opened, action: "edited", changes: { title: { from: "old title" } } };
    const installation = examples.find((d) => d.name === "installation")!.examples[0]!;
    const app = await probot();
    await app.receive({ id: "e1", name: "pull_request", payload: edited as any });
    await app.receive({ id: "e2", name: "installation", payload: installation as any });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("ignores closed pull requests", async () => {
    const closed = {
      ...opened,
      action: "reopened",
      pull_request: { ...opened.pull_request, state: "closed" },
    };
    await (await probot()).receive({ id: "d5", name: "pull_request", payload: closed as any });
    expect(nock.pendingMocks()).toEqual([]);
  });
});

const pushes = examples.find((d) => d.name === "push")!.examples;
const pushToMain = pushes.find((e) => e.ref === "refs/heads/master" && e.installation)!;

describe("github/app out-of-order deliveries", () => {
  it("synchronize twice: the older analysis finishing last writes nothing; only the newest result lands", async () => {
    const NEWER = "b".repeat(40);
    const sync = (sha: string) => ({
      ...opened,
      action: "synchronize",
      pull_request: { ...opened.pull_request, head: { ...opened.pull_request.head, sha } },
    });
    const patches: Record<number, any[]> = { 71: [], 72: [] };
    const posted: string[] = [];
    const current = prState(NEWER, []);
    const scope = tokenMock(opened.installation.id);
    for (const [sha, id] of [
      [HEAD, 71],
      [NEWER, 72],
    ] as const) {
      scope
        .post("/graphql", isStart(sha))
        .reply(200, started([]))
        .post(`${REPO_PATH}/check-runs`, (b) => b.head_sha === sha)
        .reply(201, { id })
        .get(`${REPO_PATH}/compare/${BASE}...${sha}`)
        .query(true)
        .reply(200, { merge_base_commit: { sha: MERGE_BASE }, files: COMPARED })
        .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
        .reply(200, BASE_TARBALL, GZIP)
        .get(`${REPO_PATH}/tarball/${sha}`)
        .delay(sha === HEAD ? 400 : 0) // the older delivery's download is slow: it finishes last
        .reply(200, await tarballOf(headFiles, sha), GZIP)
        .patch(`${REPO_PATH}/check-runs/${id}`, (b) => {
          patches[id]!.push(b);
          return true;
        })
        .reply(200, { id });
    }
    scope
      .post("/graphql", isState)
      .times(3) // the older run reads the head twice (GitHub may lag the webhook) before giving up
      .reply(200, current)
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`, (b) => {
        posted.push(b.body);
        return true;
      })
      .reply(201, { id: 8 });
    const app = await probot();
    const order: string[] = [];

    await Promise.all([
      app
        .receive({ id: "s1", name: "pull_request", payload: sync(HEAD) as any })
        .then(() => order.push("older")),
      app
        .receive({ id: "s2", name: "pull_request", payload: sync(NEWER) as any })
        .then(() => order.push("newer")),
    ]);

    expect(order).toEqual(["newer", "older"]);
    expect(scope.pendingMocks()).toEqual([]);
    expect(patches[71]).toEqual([
      expect.objectContaining({
        conclusion: "neutral",
        output: expect.objectContaining({ title: "Superseded by a newer commit" }),
      }),
    ]);
    expect(patches[72]).toEqual([expect.objectContaining({ status: "completed", conclusion: "failure" })]);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain(`/blob/${NEWER}/`);
  });
});

describe("github/app concurrent deliveries", () => {
  it("two deliveries for the same head at once: one check run, one comment", async () => {
    // The mocks answer from the server's state, so two racing deliveries would both create.
    let created = 0;
    let comments = 0;
    const scope = tokenMock(opened.installation.id)
      .post("/graphql", isStart(HEAD))
      .times(2)
      .reply(() => [200, started(created ? [77] : [])])
      .post(`${REPO_PATH}/check-runs`)
      .times(2)
      .reply(() => {
        created++;
        return [201, { id: 77 }];
      })
      .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
      .query(true)
      .times(2)
      .reply(200, { merge_base_commit: { sha: MERGE_BASE }, files: COMPARED })
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .times(2)
      .reply(200, BASE_TARBALL, GZIP)
      .get(`${REPO_PATH}/tarball/${HEAD}`)
      .times(2)
      .reply(200, HEAD_TARBALL, GZIP)
      .post("/graphql", isState)
      .times(2)
      .reply(() => [
        200,
        prState(HEAD, comments ? [{ databaseId: 5, body: expectedComment(), viewerDidAuthor: true }] : []),
      ])
      .patch(`${REPO_PATH}/check-runs/77`)
      .times(2)
      .reply(200, { id: 77 })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`)
      .times(2)
      .reply(() => {
        comments++;
        return [201, { id: 5 }];
      });
    const app = await probot();

    await Promise.all([
      app.receive({ id: "a", name: "pull_request", payload: opened as any }),
      app.receive({ id: "b", name: "pull_request", payload: { ...opened, action: "reopened" } as any }),
    ]);

    expect(created).toBe(1);
    expect(comments).toBe(1);
    // Everything but the second create of each was used: both deliveries ran to the end.
    expect(scope.pendingMocks()).toHaveLength(2);
  });
});

describe("github/app export-ignored files", () => {
  it("scans a changed file the tarball leaves out, read over GraphQL, without echoing the secret", async () => {
    const token = `${"ghp"}_${randomBytes(27)
      .toString("base64")
      .replace(/[^A-Za-z0-9]/g, "A")
      .slice(0, 36)}`;
    const patches: any[] = [];
    let posted = "";
    const scope = tokenMock(opened.installation.id)
      .post("/graphql", isStart(HEAD))
      .reply(200, started([]))
      .post(`${REPO_PATH}/check-runs`)
      .reply(201, { id: 70 })
      .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
      .query(true)
      .reply(200, {
        merge_base_commit: { sha: MERGE_BASE },
        files: [
          { filename: "kubernetes/apps/media/immich/app/values.yaml", status: "modified" },
          { filename: "ops/token.env", status: "added" },
        ],
      })
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(200, BASE_TARBALL, GZIP)
      .get(`${REPO_PATH}/tarball/${HEAD}`)
      .reply(200, HEAD_TARBALL, GZIP)
      .post("/graphql", (b) => b.variables.e0 === `${HEAD}:ops/token.env` && b.variables.e1 === undefined)
      .reply(200, {
        data: {
          repository: {
            f0: {
              __typename: "Blob",
              oid: "c".repeat(40),
              byteSize: 50,
              isBinary: false,
              isTruncated: false,
              text: `GH_TOKEN=${token}\n`,
            },
          },
        },
      })
      .post("/graphql", isState)
      .reply(200, prState(HEAD, []))
      .patch(`${REPO_PATH}/check-runs/70`, (b) => {
        patches.push(b);
        return true;
      })
      .reply(200, { id: 70 })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`, (b) => {
        posted = b.body;
        return true;
      })
      .reply(201, { id: 7 });

    await (await probot()).receive({ id: "x1", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
    expect(patches[0].output.annotations).toContainEqual(
      expect.objectContaining({
        path: "ops/token.env",
        annotation_level: "failure",
        title: "error: secret-github-token",
      }),
    );
    expect(JSON.stringify(patches) + posted).not.toContain(token.slice(4));
  });

  /** Mocks up to both tarballs, with the comparison's file list the test chooses. */
  function withCompared(files: unknown[] | undefined) {
    return tokenMock(opened.installation.id)
      .post("/graphql", isStart(HEAD))
      .reply(200, started([71]))
      .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
      .query(true)
      .reply(200, { merge_base_commit: { sha: MERGE_BASE }, ...(files ? { files } : {}) })
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(200, BASE_TARBALL, GZIP)
      .get(`${REPO_PATH}/tarball/${HEAD}`)
      .reply(200, HEAD_TARBALL, GZIP);
  }

  it("every left-out file is read — 120 of them in 3 GraphQL batches, binary and truncated ones from the blobs API, submodules skipped", async () => {
    const token = `${"ghp"}_${randomBytes(27)
      .toString("base64")
      .replace(/[^A-Za-z0-9]/g, "A")
      .slice(0, 36)}`;
    const names = Array.from({ length: 120 }, (_, i) => `docs/ignored/f${i}.txt`);
    const batches: string[][] = [];
    let annotations: any[] = [];
    const node = (path: string) => {
      const i = Number(path.match(/f(\d+)/)?.[1]);
      if (i === 7)
        return {
          __typename: "Blob",
          oid: "a".repeat(40),
          byteSize: 40,
          isBinary: false,
          isTruncated: true,
          text: "partial",
        };
      if (i === 8)
        return {
          __typename: "Blob",
          oid: "b".repeat(40),
          byteSize: 3,
          isBinary: true,
          isTruncated: false,
          text: null,
        };
      if (i === 9) return { __typename: "Commit" };
      return {
        __typename: "Blob",
        oid: "0".repeat(40),
        byteSize: 5,
        isBinary: false,
        isTruncated: false,
        text: "hello",
      };
    };
    const scope = withCompared(names.map((filename) => ({ filename, status: "added" })))
      .post(
        "/graphql",
        (b) => typeof b.variables.e0 === "string" && b.variables.e0.includes(":docs/ignored/"),
      )
      .times(3)
      .reply(200, (_uri, b: any) => {
        const paths = Object.keys(b.variables)
          .filter((k) => /^e\d+$/.test(k))
          .map((k) => String(b.variables[k]).slice(41));
        batches.push(paths);
        return { data: { repository: Object.fromEntries(paths.map((p, i) => [`f${i}`, node(p)])) } };
      })
      .get(`${REPO_PATH}/git/blobs/${"a".repeat(40)}`)
      .reply(200, { encoding: "base64", content: Buffer.from(`TOKEN=${token}\n`).toString("base64") })
      .get(`${REPO_PATH}/git/blobs/${"b".repeat(40)}`)
      .reply(200, { encoding: "base64", content: Buffer.from([0, 1, 2]).toString("base64") })
      .post("/graphql", isState)
      .reply(200, prState(HEAD, []))
      .patch(`${REPO_PATH}/check-runs/71`, (b) => {
        annotations = b.output.annotations ?? [];
        return b.conclusion === "failure";
      })
      .reply(200, { id: 71 })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`)
      .reply(201, { id: 8 });

    await (await probot()).receive({ id: "x2", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
    expect(batches.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(annotations).toContainEqual(
      expect.objectContaining({ path: "docs/ignored/f7.txt", title: "error: secret-github-token" }),
    );
  });

  it("a left-out file GitHub does not return fails the check and names it", async () => {
    let patch: any;
    const scope = withCompared([
      { filename: "ops/a.env", status: "added" },
      { filename: "ops/huge.bin", status: "modified" },
    ])
      .post("/graphql", (b) => b.variables.e0 === `${HEAD}:ops/a.env`)
      .reply(200, {
        data: {
          repository: {
            f0: null,
            f1: {
              __typename: "Blob",
              oid: "d".repeat(40),
              byteSize: 200 * 1024 * 1024,
              isBinary: true,
              isTruncated: false,
              text: null,
            },
          },
        },
      })
      .patch(`${REPO_PATH}/check-runs/71`, (b) => {
        patch = b;
        return true;
      })
      .reply(200, { id: 71 });

    await (await probot()).receive({ id: "x3", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
    expect(patch.conclusion).toBe("failure");
    expect(patch.output.summary).toMatch(
      /not scanned for committed credentials: `ops\/a.env`, `ops\/huge.bin`/,
    );
  });

  it("over 300 changed files: the pull request's own file list finds the left-out ones", async () => {
    const listed = Array.from({ length: 300 }, (_, i) => ({ filename: `k/f${i}.yaml`, status: "modified" }));
    const all = [...listed, { filename: "ops/late.env", status: "added" }];
    const scope = withCompared(listed)
      .get(`${REPO_PATH}/pulls/${NUMBER}/files`)
      .query((q) => q.page === "1")
      .reply(200, all.slice(0, 100))
      .get(`${REPO_PATH}/pulls/${NUMBER}/files`)
      .query((q) => q.page === "2")
      .reply(200, all.slice(100, 200))
      .get(`${REPO_PATH}/pulls/${NUMBER}/files`)
      .query((q) => q.page === "3")
      .reply(200, all.slice(200, 300))
      .get(`${REPO_PATH}/pulls/${NUMBER}/files`)
      .query((q) => q.page === "4")
      .reply(200, all.slice(300))
      .post("/graphql", (b) => typeof b.variables.e0 === "string" && b.variables.e0.startsWith(`${HEAD}:`))
      .times(7)
      .reply(200, (_uri, b: any) => {
        const paths = Object.keys(b.variables)
          .filter((k) => /^e\d+$/.test(k))
          .map((k) => String(b.variables[k]).slice(41));
        const blob = {
          __typename: "Blob",
          oid: "0".repeat(40),
          byteSize: 5,
          isBinary: false,
          isTruncated: false,
          text: "a: 1\n",
        };
        return {
          data: {
            repository: Object.fromEntries(paths.map((p, i) => [`f${i}`, p.startsWith("k/") ? blob : null])),
          },
        };
      })
      .patch(
        `${REPO_PATH}/check-runs/71`,
        (b) => b.conclusion === "failure" && /: `ops\/late.env`\. Re-run/.test(b.output.summary),
      )
      .reply(200, { id: 71 });

    await (await probot()).receive({ id: "x4", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
  });
});

describe("github/app push", () => {
  it("checks the default branch's pushed commit: findings, health notices, annotations", async () => {
    const sha = pushToMain.after as string;
    const patches: any[] = [];
    const scope = tokenMock(pushToMain.installation.id)
      .post("/graphql", isStart(sha))
      .reply(200, started([], "dashboard: { enabled: false }\n"))
      .post(`${REPO_PATH}/check-runs`, (b) => b.head_sha === sha && b.status === "in_progress")
      .reply(201, { id: 90 })
      .get(`${REPO_PATH}/tarball/${sha}`)
      .reply(200, await tarballOf(headFiles, sha), GZIP)
      .patch(`${REPO_PATH}/check-runs/90`, (b) => {
        patches.push(b);
        return true;
      })
      .reply(200, { id: 90 })
      // Then the sweep reads the history of the two `.dis` services (dry run by default: no writes).
      .post("/graphql", (b) => b.query.includes("history(") && b.variables.sha === sha)
      .reply(200, {
        data: { repository: { issues: { nodes: [] }, commit: { h0: { nodes: [] }, h1: { nodes: [] } } } },
      });

    await (await probot()).receive({ id: "p1", name: "push", payload: pushToMain as any });

    expect(scope.pendingMocks()).toEqual([]);
    expect(patches).toHaveLength(1);
    const output = patches[0].output;
    expect(patches[0]).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(output.title).toMatch(
      /^\d+ Kustomizations, \d+ HelmReleases on master · 2 errors, \d+ warnings?, \d+ notices?$/,
    );
    expect(output.summary).toContain("`health-disabled-service`");
    expect(output.annotations).toContainEqual(
      expect.objectContaining({ path: "kubernetes/apps/media/immich/ks.yaml", annotation_level: "failure" }),
    );
  });

  it("ignores tag pushes and pushes to other branches", async () => {
    const tag = pushes.find((e) => e.ref.startsWith("refs/tags/") && !e.deleted)!;
    const other = { ...pushToMain, ref: "refs/heads/feature" };
    const app = await probot();
    await app.receive({ id: "p2", name: "push", payload: tag as any });
    await app.receive({ id: "p3", name: "push", payload: other as any });
    expect(nock.pendingMocks()).toEqual([]);
  });
});

/** The analysis mocks after the check run exists, for a fresh (user-asked) re-run. */
async function freshRunMocks(scope: nock.Scope, id: number) {
  return scope
    .post("/graphql", isStart(HEAD))
    .reply(200, started([id - 1])) // an earlier run exists; a re-run asked for by a user gets a new one
    .post(`${REPO_PATH}/check-runs`, (b) => b.head_sha === HEAD && b.status === "in_progress")
    .reply(201, { id })
    .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
    .query(true)
    .reply(200, { merge_base_commit: { sha: MERGE_BASE }, files: COMPARED })
    .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
    .reply(200, BASE_TARBALL, GZIP)
    .get(`${REPO_PATH}/tarball/${HEAD}`)
    .reply(200, HEAD_TARBALL, GZIP)
    .post("/graphql", isState)
    .reply(200, prState(HEAD, [{ databaseId: 5, body: expectedComment(id), viewerDidAuthor: true }]))
    .patch(`${REPO_PATH}/check-runs/${id}`, (b) => b.status === "completed")
    .reply(200, { id });
}

const commentExample = examples
  .find((d) => d.name === "issue_comment")!
  .examples.find((e) => e.action === "created" && e.installation)!;

function recheckComment(login: string) {
  return {
    ...commentExample,
    repository: opened.repository,
    issue: {
      ...commentExample.issue,
      number: NUMBER,
      pull_request: { url: "https://api.github.com/pulls/2" },
    },
    comment: {
      ...commentExample.comment,
      body: "/flux-impact recheck",
      user: { ...commentExample.comment.user, login },
    },
  };
}

describe("github/app re-runs", () => {
  it("/flux-impact recheck from a user with write access analyzes the pull request again in a new check run", async () => {
    const scope = tokenMock(commentExample.installation.id)
      .get(`${REPO_PATH}/collaborators/maintainer/permission`)
      .reply(200, { permission: "write" })
      .get(`${REPO_PATH}/pulls/${NUMBER}`)
      .reply(200, { state: "open", head: { sha: HEAD }, base: { sha: BASE } });
    await freshRunMocks(scope, 81);

    await (await probot()).receive({
      id: "c1",
      name: "issue_comment",
      payload: recheckComment("maintainer") as any,
    });

    expect(scope.pendingMocks()).toEqual([]);
  });

  it("ignores the command from a user with read access, and ordinary comments", async () => {
    const scope = tokenMock(commentExample.installation.id)
      .get(`${REPO_PATH}/collaborators/visitor/permission`)
      .reply(200, { permission: "read" });
    const app = await probot();

    await app.receive({ id: "c2", name: "issue_comment", payload: recheckComment("visitor") as any });
    const chat = recheckComment("maintainer");
    chat.comment.body = "looks good, but please /flux-impact recheck later";
    await app.receive({ id: "c3", name: "issue_comment", payload: chat as any });

    expect(scope.pendingMocks()).toEqual([]);
  });

  it("check_run rerequested on the flux-impact run analyzes its pull request again", async () => {
    const example = examples
      .find((d) => d.name === "check_run")!
      .examples.find((e) => e.action === "rerequested" && e.installation)!;
    const payload = {
      ...example,
      repository: opened.repository,
      check_run: {
        ...example.check_run,
        name: "flux-impact",
        head_sha: HEAD,
        pull_requests: [{ number: NUMBER, head: { sha: HEAD }, base: { sha: BASE } }],
      },
    };
    const scope = await freshRunMocks(tokenMock(example.installation.id), 82);

    await (await probot()).receive({ id: "r1", name: "check_run", payload: payload as any });

    expect(scope.pendingMocks()).toEqual([]);
  });

  const rerunExample = examples
    .find((d) => d.name === "check_run")!
    .examples.find((e) => e.action === "rerequested" && e.installation)!;
  /** A fork's check run: GitHub sends no pull requests and no branch. */
  const forkRerun = (branch: string | null = null) => ({
    ...rerunExample,
    repository: opened.repository,
    check_run: {
      ...rerunExample.check_run,
      name: "flux-impact",
      head_sha: HEAD,
      pull_requests: [],
      check_suite: { ...rerunExample.check_run.check_suite, head_branch: branch },
    },
  });
  const forkPull = (repoId: number, state = "open") => ({
    number: NUMBER,
    state,
    head: { sha: HEAD, repo: { id: 999 } },
    base: { sha: BASE, ref: "master", repo: { id: repoId } },
  });

  it("check_run rerequested on a fork's pull request (no PR list, no branch) finds the PR by its head SHA", async () => {
    const scope = await freshRunMocks(
      tokenMock(rerunExample.installation.id)
        .get(`${REPO_PATH}/commits/${HEAD}/pulls`)
        .query(true)
        .reply(200, [forkPull(opened.repository.id)]),
      83,
    );

    await (await probot()).receive({ id: "r2", name: "check_run", payload: forkRerun() as any });

    expect(scope.pendingMocks()).toEqual([]);
  });

  it("when GitHub associates no PR with the commit, the open pull requests' heads are searched", async () => {
    const scope = await freshRunMocks(
      tokenMock(rerunExample.installation.id)
        .get(`${REPO_PATH}/commits/${HEAD}/pulls`)
        .query(true)
        .reply(200, [])
        .get(`${REPO_PATH}/pulls`)
        .query((q) => q.state === "open" && q.page === "1")
        .reply(200, [
          { ...forkPull(opened.repository.id), number: 1, head: { sha: "f".repeat(40) } },
          forkPull(opened.repository.id),
        ]),
      84,
    );

    await (await probot()).receive({ id: "r3", name: "check_run", payload: forkRerun() as any });

    expect(scope.pendingMocks()).toEqual([]);
  });

  it("a fork's branch named like the default branch is not checked as the default branch", async () => {
    const scope = tokenMock(rerunExample.installation.id)
      .get(`${REPO_PATH}/commits/${HEAD}/pulls`)
      .query(true)
      .reply(200, [forkPull(12345)]) // another repository's pull request: not ours
      .get(`${REPO_PATH}/pulls`)
      .query(true)
      .reply(200, [])
      .get(`${REPO_PATH}/compare/${opened.repository.default_branch}...${HEAD}`)
      .query(true)
      .reply(200, { status: "diverged" });

    await (await probot()).receive({
      id: "r4",
      name: "check_run",
      payload: forkRerun(opened.repository.default_branch) as any,
    });

    expect(scope.pendingMocks()).toEqual([]); // and nothing written: any other request would be unmocked
  });
});

describe("github/app failures end in a completed check run", () => {
  /** Mocks up to the head tarball, whose reply the test chooses. */
  function untilHeadTarball() {
    return tokenMock(opened.installation.id)
      .post("/graphql", isStart(HEAD))
      .reply(200, started([]))
      .post(`${REPO_PATH}/check-runs`)
      .reply(201, { id: 60 })
      .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
      .query(true)
      .reply(200, { merge_base_commit: { sha: MERGE_BASE }, files: COMPARED });
  }

  async function summaryAfter(scope: nock.Scope, retriable = false, retry = false): Promise<string> {
    let summary = "";
    scope
      .patch(`${REPO_PATH}/check-runs/60`, (b) => {
        summary =
          b.conclusion === "failure" && b.status === "completed"
            ? b.output.summary
            : `unexpected ${b.conclusion}`;
        return true;
      })
      .reply(200, { id: 60 });
    const delivered = (await probot(retry)).receive({
      id: "f",
      name: "pull_request",
      payload: opened as any,
    });
    // A failure GitHub may recover from fails the delivery too, so the worker retries it later.
    if (retriable) await expect(delivered).rejects.toThrow();
    else await delivered;
    expect(scope.pendingMocks()).toEqual([]);
    return summary;
  }

  it("GitHub 500 then success: retried, and the analysis completes normally", async () => {
    const scope = untilHeadTarball()
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(500, { message: "boom" })
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(200, BASE_TARBALL, GZIP)
      .get(`${REPO_PATH}/tarball/${HEAD}`)
      .reply(200, HEAD_TARBALL, GZIP)
      .post("/graphql", isState)
      .reply(200, prState(HEAD, []))
      .patch(`${REPO_PATH}/check-runs/60`, (b) => b.conclusion === "failure")
      .reply(200, { id: 60 })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`)
      .reply(201, { id: 6 });

    await (await probot(true)).receive({ id: "f0", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
  });

  it("403 with Retry-After: says GitHub asked to wait", async () => {
    const scope = untilHeadTarball()
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(403, { message: "secondary rate limit" }, { "retry-after": "30" });

    expect(await summaryAfter(scope, true)).toBe(
      "GitHub answered 403 (forbidden or rate limited) when asked to download the base revision; GitHub asked to wait 30 s. The check fails so that nothing unanalyzed is merged; re-run it (or comment `/flux-impact recheck`) once GitHub answers again.",
    );
  });

  it("a truncated tarball", async () => {
    const gz = BASE_TARBALL;
    const scope = untilHeadTarball()
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .times(2) // downloaded once more before giving up
      .reply(200, gz.subarray(0, gz.length >> 1), GZIP);

    expect(await summaryAfter(scope)).toMatch(
      /^The repository archive from GitHub is truncated or not gzip data/,
    );
  });

  it("a truncated download is fetched once more, and the analysis goes on", async () => {
    const gz = BASE_TARBALL;
    const scope = untilHeadTarball()
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(200, gz.subarray(0, gz.length >> 1), GZIP)
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(200, gz, GZIP)
      .get(`${REPO_PATH}/tarball/${HEAD}`)
      .reply(200, HEAD_TARBALL, GZIP)
      .post("/graphql", isState)
      .reply(200, prState(HEAD, []))
      .patch(`${REPO_PATH}/check-runs/60`, (b) => b.conclusion === "failure")
      .reply(200, { id: 60 })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`)
      .reply(201, { id: 6 });

    await (await probot()).receive({ id: "t2", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
  });

  it("an oversized tarball", async () => {
    const big = new Map(baseFiles);
    big.set("blob.bin", randomBytes(1024 * 1024));
    const scope = untilHeadTarball()
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(200, await tarballOf(big, MERGE_BASE), GZIP);
    let summary = "";
    scope
      .patch(`${REPO_PATH}/check-runs/60`, (b) => {
        summary = b.output.summary;
        return b.conclusion === "failure";
      })
      .reply(200, { id: 60 });
    const p = await probot(false, { limits: { ...DEFAULT_TARBALL_LIMITS, compressedBytes: 512 * 1024 } });
    await p.receive({ id: "f3", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
    expect(summary).toMatch(/^The repository archive is more than 512 KB compressed, over the limit/);
  });
});

describe("github/app configuration comes from the default branch", () => {
  /** One analysis whose start answer is `start`; returns the check run's summary and whether a comment was posted. */
  async function analyzeWith(start: unknown, extra: (s: nock.Scope) => nock.Scope = (s) => s) {
    let summary = "";
    let commented = false;
    const scope = extra(
      tokenMock(opened.installation.id)
        .post("/graphql", isStart(HEAD))
        .reply(200, start as nock.Body),
    )
      .post(`${REPO_PATH}/check-runs`)
      .reply(201, { id: 50 })
      .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
      .query(true)
      .reply(200, { merge_base_commit: { sha: MERGE_BASE }, files: COMPARED })
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(200, BASE_TARBALL, GZIP)
      .get(`${REPO_PATH}/tarball/${HEAD}`)
      .reply(200, HEAD_TARBALL, GZIP)
      .post("/graphql", isState)
      .reply(200, prState(HEAD, []))
      .patch(`${REPO_PATH}/check-runs/50`, (b) => {
        summary = b.output.summary;
        return b.status === "completed";
      })
      .reply(200, { id: 50 });
    nock(API)
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`)
      .optionally()
      .reply(() => {
        commented = true;
        return [201, { id: 9 }];
      });
    await (await probot()).receive({ id: "cfg", name: "pull_request", payload: opened as any });
    expect(scope.pendingMocks()).toEqual([]);
    nock.cleanAll(); // the optional comment mock
    return { summary, commented };
  }

  it("reads the repository's file on the default branch (HEAD), never the pull request's", async () => {
    let file = "";
    const result = await analyzeWith(started([], "comment: never\n"), (s) =>
      s.on("request", (_req, _i, body) => {
        if (typeof body === "string" && body.includes("checkSuites")) file = JSON.parse(body).variables.file;
      }),
    );
    expect(file).toBe("HEAD:.github/flux-impact.yml");
    expect(result.commented).toBe(false);
  });

  it("falls back to the owner's .github repository, and to the defaults when that does not exist", async () => {
    expect((await analyzeWith(started([], undefined, "comment: never\n"))).commented).toBe(false);

    const orgMissing = {
      ...started([]),
      errors: [
        {
          type: "NOT_FOUND",
          path: ["org"],
          message: "Could not resolve to a Repository with the name 'x/.github'.",
        },
      ],
    };
    (orgMissing.data as any).org = null;
    expect((await analyzeWith(orgMissing)).commented).toBe(true);
  });

  it("_extends: the shared file is read (one more request) and the repository's own settings win", async () => {
    const own = "_extends: gitops-config\ncomment: always\n";
    let path = "";
    const result = await analyzeWith(started([], own), (s) =>
      s.get(new RegExp(`^/repos/${OWNER}/gitops-config/contents/`)).reply((uri) => {
        path = decodeURIComponent(uri);
        return [200, "comment: never\nfailOn: [warning, error]\n"];
      }),
    );
    expect(path).toBe(`/repos/${OWNER}/gitops-config/contents/.github/flux-impact.yml`);
    expect(result.commented).toBe(true); // own `comment: always` wins over the shared `never`
    expect(result.summary).not.toContain("is invalid");
  });

  it("an invalid file or a missing _extends target is explained in the check run, defaults used", async () => {
    const bad = await analyzeWith(started([], "comment: sometimes\n"));
    expect(bad.summary).toContain("`.github/flux-impact.yml` is invalid");
    expect(bad.summary).toContain("must be one of always, affected, never");

    const missing = await analyzeWith(started([], "_extends: nowhere\n"), (s) =>
      s.get(new RegExp(`^/repos/${OWNER}/nowhere/contents/`)).reply(404, { message: "Not Found" }),
    );
    expect(missing.summary).toContain("could not be read (not found)");
  });
});

describe("github/app GraphQL failures", () => {
  it("the pull request re-read failing (502) on the last attempt completes the check run as a failure", async () => {
    let summary = "";
    const scope = tokenMock(opened.installation.id)
      .post("/graphql", isStart(HEAD))
      .reply(200, started([]))
      .post(`${REPO_PATH}/check-runs`)
      .reply(201, { id: 61 })
      .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
      .query(true)
      .reply(200, { merge_base_commit: { sha: MERGE_BASE }, files: COMPARED })
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(200, BASE_TARBALL, GZIP)
      .get(`${REPO_PATH}/tarball/${HEAD}`)
      .reply(200, HEAD_TARBALL, GZIP)
      .post("/graphql", isState)
      .reply(502, { message: "Bad Gateway" })
      .patch(`${REPO_PATH}/check-runs/61`, (b) => {
        summary = b.conclusion === "failure" ? b.output.summary : "";
        return true;
      })
      .reply(200, { id: 61 });

    await expect(
      (await probot()).receive({ id: "g1", name: "pull_request", payload: opened as any }),
    ).rejects.toThrow(); // retriable: the delivery fails too, so the worker tries again

    expect(scope.pendingMocks()).toEqual([]);
    expect(summary).toBe(
      "GitHub answered 502 (a GitHub server error) when asked to re-read the pull request. The check fails so that nothing unanalyzed is merged; re-run it (or comment `/flux-impact recheck`) once GitHub answers again.",
    );
  });

  it("a GraphQL error answer (200 with errors) on the re-read is a failure too, never a crash or a stale write", async () => {
    let summary = "";
    const scope = tokenMock(opened.installation.id)
      .post("/graphql", isStart(HEAD))
      .reply(200, started([62]))
      .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
      .query(true)
      .reply(200, { merge_base_commit: { sha: MERGE_BASE }, files: COMPARED })
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(200, BASE_TARBALL, GZIP)
      .get(`${REPO_PATH}/tarball/${HEAD}`)
      .reply(200, HEAD_TARBALL, GZIP)
      .post("/graphql", isState)
      .reply(200, {
        data: null,
        errors: [{ type: "FORBIDDEN", message: "Resource not accessible by integration" }],
      })
      .patch(`${REPO_PATH}/check-runs/62`, (b) => {
        summary = b.conclusion === "failure" ? b.output.summary : "";
        return true;
      })
      .reply(200, { id: 62 });

    await (await probot()).receive({ id: "g2", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
    expect(summary).toBe(
      "GitHub's GraphQL API answered with errors (FORBIDDEN) when asked to re-read the pull request. The check fails so that nothing unanalyzed is merged; re-run it (or comment `/flux-impact recheck`) once GitHub answers again.",
    );
    expect(summary).not.toContain("Resource not accessible");
  });

  it("the first request failing still gets a check run (found or created over REST), ended by its cause", async () => {
    const patches: any[] = [];
    const scope = tokenMock(opened.installation.id)
      .post("/graphql", isStart(HEAD))
      .reply(200, { data: null, errors: [{ type: "FORBIDDEN", path: ["repository"], message: "no" }] })
      .get(`${REPO_PATH}/commits/${HEAD}/check-runs`)
      .query((q) => q.check_name === "flux-impact")
      .reply(200, { total_count: 0, check_runs: [] })
      .post(`${REPO_PATH}/check-runs`)
      .reply(201, { id: 63 })
      .patch(`${REPO_PATH}/check-runs/63`, (b) => {
        patches.push(b);
        return true;
      })
      .reply(200, { id: 63 });

    await (await probot()).receive({ id: "g3", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
    expect(patches).toEqual([
      expect.objectContaining({
        status: "completed",
        conclusion: "failure",
        output: expect.objectContaining({
          summary: expect.stringMatching(
            /^GitHub's GraphQL API answered with errors \(FORBIDDEN\) when asked to read the configuration and the check runs\. The check fails/,
          ),
        }),
      }),
    ]);
  });

  it("an HTML page instead of JSON on the first request, before the last attempt: the run stays in progress and the delivery is retried", async () => {
    const patches: any[] = [];
    const scope = tokenMock(opened.installation.id)
      .post("/graphql", isStart(HEAD))
      .reply(200, "<html><body>Unicorn!</body></html>", { "content-type": "text/html" })
      .get(`${REPO_PATH}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, { total_count: 1, check_runs: [{ id: 64, app: { id: 123 } }] })
      .patch(`${REPO_PATH}/check-runs/64`, (b) => {
        patches.push(b);
        return true;
      })
      .reply(200, { id: 64 });

    const app = await probot();
    await expect(
      withAttempt({ attempt: 1, final: false }, () =>
        app.receive({ id: "g4", name: "pull_request", payload: opened as any }),
      ),
    ).rejects.toThrow();

    expect(scope.pendingMocks()).toEqual([]);
    expect(patches).toHaveLength(1);
    expect(patches[0].status).toBe("in_progress");
    expect(patches[0].conclusion).toBeUndefined();
    expect(patches[0].output.title).toBe("Waiting for GitHub: flux-impact will try again");
    expect(JSON.stringify(patches)).not.toContain("Unicorn");
  });
});

describe("github/app conclusions by cause", () => {
  function untilBaseTarball(config?: string) {
    return tokenMock(opened.installation.id)
      .post("/graphql", isStart(HEAD))
      .reply(200, started([65], config))
      .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
      .query(true)
      .reply(200, { merge_base_commit: { sha: MERGE_BASE }, files: COMPARED });
  }
  const record = (patches: any[]) => (b: any) => {
    patches.push(b);
    return true;
  };

  it("a GitHub fault before the last attempt leaves the run in progress, never a pass", async () => {
    const patches: any[] = [];
    const scope = untilBaseTarball()
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(502, { message: "Bad Gateway" })
      .patch(`${REPO_PATH}/check-runs/65`, record(patches))
      .reply(200, { id: 65 });

    const app = await probot();
    await expect(
      withAttempt({ attempt: 2, final: false }, () =>
        app.receive({ id: "c1", name: "pull_request", payload: opened as any }),
      ),
    ).rejects.toThrow();
    expect(scope.pendingMocks()).toEqual([]);
    expect(patches.map((p) => [p.status, p.conclusion])).toEqual([["in_progress", undefined]]);
    expect(patches[0].output.summary).toBe(
      "GitHub answered 502 (a GitHub server error) when asked to download the base revision. flux-impact will try again; until then this check stays in progress.",
    );
  });

  it("onAnalysisError: neutral on the default branch ends a spent GitHub fault as neutral, and says why", async () => {
    const patches: any[] = [];
    const scope = untilBaseTarball("onAnalysisError: neutral\n")
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(404, { message: "Not Found" })
      .patch(`${REPO_PATH}/check-runs/65`, record(patches))
      .reply(200, { id: 65 });

    await (await probot()).receive({ id: "c2", name: "pull_request", payload: opened as any });
    expect(scope.pendingMocks()).toEqual([]);
    expect(patches.map((p) => p.conclusion)).toEqual(["neutral"]);
    expect(patches[0].output.summary).toContain("`onAnalysisError: neutral`");
  });

  it("content over a limit fails even with onAnalysisError: neutral", async () => {
    const patches: any[] = [];
    const scope = untilBaseTarball("onAnalysisError: neutral\n")
      .get(`${REPO_PATH}/tarball/${MERGE_BASE}`)
      .reply(200, BASE_TARBALL, GZIP)
      .patch(`${REPO_PATH}/check-runs/65`, record(patches))
      .reply(200, { id: 65 });
    const p = await probot(false, { limits: { ...DEFAULT_TARBALL_LIMITS, files: 3 } });
    await p.receive({ id: "c3", name: "pull_request", payload: opened as any });

    expect(scope.pendingMocks()).toEqual([]);
    expect(patches.map((x) => x.conclusion)).toEqual(["failure"]);
    expect(patches[0].output.summary).toMatch(/more than 3 files, over the limit.*split the change/);
  });
});

describe("github/app base analysis cache", () => {
  it("a second pull request against the same merge base takes the base analysis from the cache and reports the same", async () => {
    const store = new MemoryBytesStore();
    const reads: Array<"hit" | "miss"> = [];
    const spy: BytesStore = {
      get: async (key) => {
        const bytes = await store.get(key);
        reads.push(bytes ? "hit" : "miss");
        return bytes;
      },
      set: (key, bytes, stored) => store.set(key, bytes, stored),
      list: (prefix) => store.list(prefix),
      delete: (key) => store.delete(key),
    };
    const posted: string[] = [];
    const checkRuns: any[] = [];
    for (const id of ["c1", "c2"]) {
      const scope = await analysisMocks(nock(API));
      scope
        .patch(`${REPO_PATH}/check-runs/77`, (b) => {
          checkRuns.push(b);
          return true;
        })
        .reply(200, { id: 77 })
        .post(`${REPO_PATH}/issues/${NUMBER}/comments`, (b) => {
          posted.push(b.body);
          return true;
        })
        .reply(201, { id: 5 });
      // Two function instances: only the store is shared.
      const app = await probot(false, { baseCache: new BaseAnalysisCache(spy, "deploy-test") });
      await app.receive({ id, name: "pull_request", payload: opened as any });
      expect(scope.pendingMocks()).toEqual([]);
    }

    expect(reads).toEqual(["miss", "hit"]);
    expect(store.entries.size).toBe(1);
    expect([...store.entries.keys()][0]).toContain(`/${MERGE_BASE}-`);
    expect(posted).toEqual([expectedComment(), expectedComment()]);
    expect(checkRuns[1]).toEqual(checkRuns[0]);
  });

  it("when the base branch moved on, the new merge base is analyzed from the stored one and the files changed since", async () => {
    const OLD = `01d${"0".repeat(37)}`;
    // The earlier commit of the base branch: one file differs from the merge base of the test pull request.
    const changed = [...baseFiles.keys()].find((p) => p.endsWith("helmrelease.yaml"))!;
    const olderFiles = new Map(baseFiles);
    olderFiles.set(
      changed,
      new TextEncoder().encode(`${new TextDecoder().decode(baseFiles.get(changed))}# older\n`),
    );
    const store = new MemoryBytesStore();
    const cache = () => new BaseAnalysisCache(store, "deploy-test");

    // A pull request against the earlier commit stores its analysis.
    const first = nock(API)
      .post(`/app/installations/${opened.installation.id}/access_tokens`)
      .reply(201, TOKEN)
      .post("/graphql", isStart(HEAD))
      .reply(200, started([]))
      .post(`${REPO_PATH}/check-runs`)
      .reply(201, { id: 77 })
      .get(`${REPO_PATH}/compare/${BASE}...${HEAD}`)
      .query({ per_page: "1" })
      .reply(200, { merge_base_commit: { sha: OLD }, files: COMPARED })
      .get(`${REPO_PATH}/tarball/${OLD}`)
      .reply(200, await tarballOf(olderFiles, OLD), GZIP)
      .get(`${REPO_PATH}/tarball/${HEAD}`)
      .reply(200, HEAD_TARBALL, GZIP)
      .post("/graphql", isState)
      .reply(200, prState(HEAD, []))
      .patch(`${REPO_PATH}/check-runs/77`)
      .reply(200, { id: 77 })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`)
      .reply(201, { id: 5 });
    await (await probot(false, { baseCache: cache() })).receive({
      id: "m1",
      name: "pull_request",
      payload: opened as any,
    });
    expect(first.pendingMocks()).toEqual([]);

    // The next one's merge base is a newer commit: one comparison with the stored commit, then the same report
    // as a full analysis.
    let posted = "";
    const second = await analysisMocks(nock(API));
    second
      .get(`${REPO_PATH}/compare/${OLD}...${MERGE_BASE}`)
      .query({ per_page: "1" })
      .reply(200, { status: "ahead", files: [{ filename: changed, status: "modified" }] })
      .patch(`${REPO_PATH}/check-runs/77`)
      .reply(200, { id: 77 })
      .post(`${REPO_PATH}/issues/${NUMBER}/comments`, (b) => {
        posted = b.body;
        return true;
      })
      .reply(201, { id: 6 });
    await (await probot(false, { baseCache: cache() })).receive({
      id: "m2",
      name: "pull_request",
      payload: opened as any,
    });

    expect(second.pendingMocks()).toEqual([]);
    expect(posted).toBe(expectedComment());
    expect(store.entries.size).toBe(2);
  });
});
