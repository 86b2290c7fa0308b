// biome-ignore-all lint/suspicious/noExplicitAny: webhook payloads are untyped JSON here.
/**
 * The maintainer issues end to end through the App, against a stateful fake GitHub
 * (test/support/github/nock-github.ts): the stale-service sweep after pushes and from the schedule, the
 * dashboard, failed workflow runs on the default branch and on pull-request branches. Real webhook
 * payloads, adapted to the fake repository.
 */
import { join } from "node:path";
import { ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { parseIssueMarker } from "../../src/core/maintenance/bot-issues.ts";
import { COMMENT_MARKER } from "../../src/core/report/markers.ts";
import { runMaintenance } from "../../src/github/maintenance.ts";
import { readTree } from "../support/fs/disk-tree.ts";
import { FakeGitHub } from "../support/github/nock-github.ts";
import { guardNetwork, testProbot, webhookExamples } from "../support/github/probot.ts";

guardNetwork();

const HEAD_FILES = readTree(join(import.meta.dirname, "..", "..", "examples", "homelab", "head")).files;
const pushToMain = webhookExamples
  .find((d) => d.name === "push")!
  .examples.find((e) => e.ref === "refs/heads/master" && e.installation)!;
const OWNER = pushToMain.repository.owner.login as string;
const REPO = pushToMain.repository.name as string;
const INSTALLATION = pushToMain.installation.id as number;
const enc = (s: string) => new TextEncoder().encode(s);
const DAY = 86_400_000;

/** The example repository with `n` more services disabled as `.dis` files under kubernetes/apps/archive/. */
function withDisabled(
  n: number,
  drop: (i: number) => "keep" | "enabled" | "deleted" = () => "keep",
): Map<string, Uint8Array> {
  const files = new Map(HEAD_FILES);
  for (let i = 0; i < n; i++) {
    const dir = `kubernetes/apps/archive/app-${i}`;
    const what = drop(i);
    if (what === "deleted") continue;
    files.set(
      `${dir}/${what === "enabled" ? "ks.yaml" : "ks.yaml.dis"}`,
      enc(
        `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app-${i}\n  namespace: flux-system\nspec:\n  path: ./${dir}/app\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  interval: 1h\n  prune: true\n`,
      ),
    );
    files.set(
      `${dir}/app/kustomization.yaml`,
      enc(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [helmrelease.yaml]\n",
      ),
    );
    files.set(
      `${dir}/app/helmrelease.yaml`,
      enc(
        `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app-${i}\n  namespace: archive\nspec:\n  interval: 1h\n  chart:\n    spec:\n      chart: app-template\n      version: 3.5.1\n      sourceRef: { kind: HelmRepository, name: bjw-s, namespace: flux-system }\n`,
      ),
    );
  }
  return files;
}

function fakeWith(n: number, config = "stale: { dryRun: false, maxIssuesPerRun: 5 }\n"): FakeGitHub {
  const fake = new FakeGitHub(OWNER, REPO);
  fake.config = config;
  const now = Date.now();
  // Each disabled by renaming its ks.yaml in place: the commit is in the history of both names.
  const disabled = (dis: string, oid: string, days: number) => {
    const commits = [{ oid, date: new Date(now - days * DAY).toISOString(), login: "jane" }];
    fake.history.set(dis, commits);
    fake.history.set(dis.replace(/\.dis$/, ""), commits);
  };
  for (let i = 0; i < n; i++)
    disabled(`kubernetes/apps/archive/app-${i}/ks.yaml.dis`, `${i}`.padStart(40, "a"), 40 + i);
  disabled("kubernetes/apps/database/dragonfly/ks.yaml.dis", "d".repeat(40), 3);
  return fake;
}

function push(sha: string) {
  return { ...pushToMain, after: sha, head_commit: { ...pushToMain.head_commit, id: sha } } as any;
}

const staleIssues = (fake: FakeGitHub) =>
  fake.issues.filter((i) => parseIssueMarker(i.body)?.kind === "stale");
const dashboards = (fake: FakeGitHub) =>
  fake.issues.filter((i) => parseIssueMarker(i.body)?.kind === "dashboard");

describe("github/maintenance stale sweep after pushes", () => {
  it("8 stale services and a cap of 5: the first push opens 5 issues, the next push the other 3; one dashboard", async () => {
    const fake = fakeWith(8);
    fake.tarballs.set("1".repeat(40), withDisabled(8));
    fake.tarballs.set("2".repeat(40), withDisabled(8));
    fake.install(INSTALLATION);
    const app = await testProbot();

    await app.receive({ id: "push-1", name: "push", payload: push("1".repeat(40)) });
    expect(staleIssues(fake)).toHaveLength(5);
    // The longest-disabled first.
    expect(staleIssues(fake).map((i) => i.title)).toEqual(
      [7, 6, 5, 4, 3].map((i) => `Stale disabled service: archive/app-${i} (disabled ${40 + i} days)`),
    );
    expect(staleIssues(fake)[0]!.labels).toEqual(["flux-impact", "stale-service"]);
    expect(dashboards(fake)).toHaveLength(1);

    await app.receive({ id: "push-2", name: "push", payload: push("2".repeat(40)) });
    expect(
      staleIssues(fake)
        .map((i) => i.title.match(/app-\d/)![0])
        .sort(),
    ).toEqual(Array.from({ length: 8 }, (_, i) => `app-${i}`));
    expect(dashboards(fake)).toHaveLength(1);
    expect(dashboards(fake)[0]!.body).toContain("| Disabled services | 10 (8 stale, over 30 days) |");
  });

  it("a redelivered push opens nothing twice and rewrites nothing", async () => {
    const fake = fakeWith(3);
    fake.tarballs.set("1".repeat(40), withDisabled(3));
    fake.install(INSTALLATION);
    const app = await testProbot();
    await app.receive({ id: "same", name: "push", payload: push("1".repeat(40)) });
    const written = fake.writes().length;
    await app.receive({ id: "same", name: "push", payload: push("1".repeat(40)) });

    expect(staleIssues(fake)).toHaveLength(3);
    // Only the check run is completed again (the reused run); no issue is opened, edited or commented.
    expect(fake.writes().slice(written)).toEqual([`PATCH ${fake.path}/check-runs/1000`]);
  });

  it("two sweeps at once open no duplicates", async () => {
    const fake = fakeWith(4);
    fake.tarballs.set("1".repeat(40), withDisabled(4));
    fake.install(INSTALLATION);
    const app = await testProbot();
    await Promise.all([
      app.receive({ id: "a", name: "push", payload: push("1".repeat(40)) }),
      app.receive({ id: "b", name: "push", payload: push("1".repeat(40)) }),
    ]);
    expect(staleIssues(fake)).toHaveLength(4);
    expect(dashboards(fake)).toHaveLength(1);
  });

  it("closes the issue of a re-enabled and of a deleted service, with a comment saying which", async () => {
    const fake = fakeWith(3);
    fake.tarballs.set("1".repeat(40), withDisabled(3));
    fake.tarballs.set(
      "2".repeat(40),
      withDisabled(3, (i) => (i === 0 ? "enabled" : i === 1 ? "deleted" : "keep")),
    );
    fake.install(INSTALLATION);
    const app = await testProbot();
    await app.receive({ id: "1", name: "push", payload: push("1".repeat(40)) });
    await app.receive({ id: "2", name: "push", payload: push("2".repeat(40)) });

    const byApp = (n: number) => staleIssues(fake).find((i) => i.title.includes(`app-${n} `))!;
    expect(byApp(0)).toMatchObject({ state: "CLOSED", stateReason: "COMPLETED" });
    expect(byApp(0).comments).toEqual([expect.stringContaining("re-enabled")]);
    expect(byApp(1)).toMatchObject({ state: "CLOSED" });
    expect(byApp(1).comments).toEqual([expect.stringContaining("was deleted")]);
    expect(byApp(2)).toMatchObject({ state: "OPEN" });
  });

  it("respects a maintainer's decision: not planned stays closed; completed is reopened once", async () => {
    const fake = fakeWith(2);
    fake.tarballs.set("1".repeat(40), withDisabled(2));
    fake.tarballs.set("2".repeat(40), withDisabled(2));
    fake.tarballs.set("3".repeat(40), withDisabled(2));
    fake.install(INSTALLATION);
    const app = await testProbot();
    await app.receive({ id: "1", name: "push", payload: push("1".repeat(40)) });
    const [a, b] = staleIssues(fake).sort((x, y) => x.title.localeCompare(y.title));
    Object.assign(a!, { state: "CLOSED", stateReason: "NOT_PLANNED", closedAt: new Date().toISOString() });
    Object.assign(b!, { state: "CLOSED", stateReason: "COMPLETED", closedAt: new Date().toISOString() });

    await app.receive({ id: "2", name: "push", payload: push("2".repeat(40)) });
    expect(a!.state).toBe("CLOSED");
    expect(b!.state).toBe("OPEN");
    expect(b!.comments).toEqual([expect.stringContaining("It will not be reopened again")]);

    Object.assign(b!, { state: "CLOSED", stateReason: "COMPLETED", closedAt: new Date().toISOString() });
    await app.receive({ id: "3", name: "push", payload: push("3".repeat(40)) });
    expect(b!.state).toBe("CLOSED");
    expect(staleIssues(fake)).toHaveLength(2);
  });

  it("a repository without disabled services: the issues are read without declaring unused variables", async () => {
    const fake = fakeWith(0);
    const files = new Map([...HEAD_FILES].filter(([path]) => !path.endsWith(".dis")));
    fake.tarballs.set("1".repeat(40), files);
    fake.install(INSTALLATION);
    await (await testProbot()).receive({ id: "1", name: "push", payload: push("1".repeat(40)) });
    const read = fake.queries.find((q) => q.query.includes("issues(") && !q.query.includes("checkSuites"))!;
    expect(read.query).not.toContain("$sha");
    expect(read.variables).not.toHaveProperty("sha");
    expect(dashboards(fake)).toHaveLength(1);
  });

  it("dry run (the default) opens nothing; the dashboard still lists the stale services", async () => {
    const fake = fakeWith(3, "");
    fake.tarballs.set("1".repeat(40), withDisabled(3));
    fake.install(INSTALLATION);
    await (await testProbot()).receive({ id: "1", name: "push", payload: push("1".repeat(40)) });
    expect(staleIssues(fake)).toHaveLength(0);
    expect(dashboards(fake)[0]!.body).toContain("| Disabled services | 5 (3 stale, over 30 days) |");
  });
});

describe("github/maintenance scheduled sweep", () => {
  it("30 disabled services: the first run opens their issues; a run with nothing changed costs 3 requests and writes nothing", async () => {
    const fake = fakeWith(30, "stale: { dryRun: false, maxIssuesPerRun: 100 }\n");
    fake.defaultBranch = { name: "main", oid: "5".repeat(40) };
    fake.tarballs.set("5".repeat(40), withDisabled(30));
    fake.install(INSTALLATION);
    const octokit = new ProbotOctokit({
      auth: { token: "ghs_installation_token" },
      retry: { enabled: false },
      throttle: { enabled: false },
    });

    const first = await runMaintenance(octokit, { owner: OWNER, repo: REPO });
    expect(first.opened).toHaveLength(30);
    expect(first.dashboard).toBe("created");

    const before = fake.requests.length;
    const second = await runMaintenance(octokit, { owner: OWNER, repo: REPO });
    expect(second).toMatchObject({ opened: [], closed: 0, dashboard: "unchanged", disabled: 32, stale: 30 });
    expect(fake.requests.slice(before)).toEqual([
      "POST /graphql",
      `GET ${fake.path}/tarball/${"5".repeat(40)}`,
      "POST /graphql",
    ]);
    console.log(
      `scheduled sweep of 32 disabled services with nothing to change: ${second.requests} requests`,
    );
  });
});

describe("github/maintenance ages of moved .dis files", () => {
  it("a .dis file moved after it was disabled keeps the age of the commit that disabled it", async () => {
    const fake = fakeWith(3, "stale: { dryRun: false, maxIssuesPerRun: 100 }\n");
    fake.defaultBranch = { name: "main", oid: "5".repeat(40) };
    fake.tarballs.set("5".repeat(40), withDisabled(3));
    const now = Date.now();
    const at = (oid: string, days: number) => ({
      oid: oid.padStart(40, "f"),
      date: new Date(now - days * DAY).toISOString(),
      login: "jane",
    });
    const dis = (where: string, i: number) => `kubernetes/apps/${where}/app-${i}/ks.yaml.dis`;
    const renamed = (from: string, to: string) => [
      { filename: "README.md", status: "modified" },
      { filename: to, status: "renamed", previous_filename: from },
    ];
    // app-0: disabled in media/ 50 days ago, moved to archive/ 5 days ago.
    fake.history.set(dis("archive", 0), [at("b0", 5)]);
    fake.history.delete(dis("archive", 0).replace(/\.dis$/, ""));
    fake.history.set(dis("media", 0), [at("b0", 5), at("c0", 50)]);
    fake.history.set(dis("media", 0).replace(/\.dis$/, ""), [at("c0", 50), at("e0", 400)]);
    fake.filesByCommit.set("b0".padStart(40, "f"), renamed(dis("media", 0), dis("archive", 0)));
    // app-1: disabled in media/ 60 days ago, moved to old/ 20 days ago, to archive/ 2 days ago.
    fake.history.set(dis("archive", 1), [at("b1", 2)]);
    fake.history.delete(dis("archive", 1).replace(/\.dis$/, ""));
    fake.history.set(dis("old", 1), [at("b1", 2), at("c1", 20)]);
    fake.history.set(dis("media", 1), [at("c1", 20), at("d1", 60)]);
    fake.history.set(dis("media", 1).replace(/\.dis$/, ""), [at("d1", 60)]);
    fake.filesByCommit.set("b1".padStart(40, "f"), renamed(dis("old", 1), dis("archive", 1)));
    fake.filesByCommit.set("c1".padStart(40, "f"), renamed(dis("media", 1), dis("old", 1)));
    // app-2: added as a .dis file right away, 45 days ago; never moved.
    fake.history.set(dis("archive", 2), [at("b2", 45)]);
    fake.history.delete(dis("archive", 2).replace(/\.dis$/, ""));
    fake.filesByCommit.set("b2".padStart(40, "f"), [{ filename: dis("archive", 2), status: "added" }]);
    fake.install(INSTALLATION);
    const octokit = new ProbotOctokit({
      auth: { token: "ghs_installation_token" },
      retry: { enabled: false },
      throttle: { enabled: false },
    });

    const outcome = await runMaintenance(octokit, { owner: OWNER, repo: REPO });
    expect(
      staleIssues(fake)
        .map((i) => i.title)
        .sort(),
    ).toEqual([
      "Stale disabled service: archive/app-0 (disabled 50 days)",
      "Stale disabled service: archive/app-1 (disabled 60 days)",
      "Stale disabled service: archive/app-2 (disabled 45 days)",
    ]);
    expect(staleIssues(fake).find((i) => i.title.includes("app-0"))!.body).toContain("c0".padStart(40, "f"));
    // Lookups only for the three whose enabled name beside them does not share the commit; one history
    // request per hop (app-0 and app-1 together, then app-1 alone). dragonfly costs nothing more.
    const reads = fake.requests.filter((r) => r.startsWith("GET") || r.startsWith("POST /graphql"));
    expect(reads.filter((r) => r.includes("/commits/")).sort()).toEqual(
      ["b0", "b1", "b2", "c1"].map((c) => `GET ${fake.path}/commits/${c.padStart(40, "f")}`),
    );
    expect(reads.filter((r) => r === "POST /graphql")).toHaveLength(4);
    expect(outcome.requests).toBe(reads.length + fake.writes().length);
  });
});

const workflowRunExample = webhookExamples
  .find((d) => d.name === "workflow_run")!
  .examples.find(
    (e) => e.action === "completed" && e.workflow_run.pull_requests.length === 0 && e.workflow_run.path,
  )!;

function workflowRun(over: Record<string, any>, pullRequests: any[] = []) {
  const repository = {
    ...workflowRunExample.repository,
    owner: { ...workflowRunExample.repository.owner, login: OWNER },
    name: REPO,
    default_branch: "main",
  };
  return {
    ...workflowRunExample,
    installation: { id: INSTALLATION },
    repository,
    workflow_run: {
      ...workflowRunExample.workflow_run,
      head_branch: "main",
      pull_requests: pullRequests,
      ...over,
    },
  } as any;
}

describe("github/maintenance failed workflow runs", () => {
  const token = `ghp_${"Zz9Yy8Xx7W".repeat(3)}654321`;

  function fakeCi(): FakeGitHub {
    const fake = new FakeGitHub(OWNER, REPO);
    fake.jobs = [
      { id: 501, name: "build", conclusion: "success", steps: [{ name: "npm ci", conclusion: "success" }] },
      {
        id: 502,
        name: "flux-local test",
        conclusion: "failure",
        html_url: "https://github.com/o/r/actions/runs/1/job/502",
        steps: [
          { name: "Set up job", conclusion: "success" },
          { name: "Run flux-local", conclusion: "failure" },
        ],
        annotations: [
          {
            path: ".github",
            start_line: 0,
            message: "Process completed with exit code 1.",
            annotation_level: "failure",
          },
        ],
      },
    ];
    fake.logs.set(
      502,
      `2026-11-30T10:00:00Z ##[group]Run flux-local test\n2026-11-30T10:00:01Z kustomize build failed: missing resource ./app\n2026-11-30T10:00:01Z GITHUB_TOKEN=${token}\n2026-11-30T10:00:02Z ##[error]Process completed with exit code 1.\n`,
    );
    fake.install(INSTALLATION);
    return fake;
  }

  it("a failure opens one issue, a second failure comments on it, the next success closes it", async () => {
    const fake = fakeCi();
    const app = await testProbot();
    const run = (id: number, number: number, conclusion: string) =>
      app.receive({
        id: `wr-${id}`,
        name: "workflow_run",
        payload: workflowRun({ id, run_number: number, conclusion, head_sha: "c".repeat(40) }),
      });

    await run(1, 10, "failure");
    expect(fake.issues).toHaveLength(1);
    const issue = fake.issues[0]!;
    expect(issue.title).toBe(`Workflow "${workflowRunExample.workflow_run.name}" is failing on main`);
    expect(issue.labels).toEqual(["flux-impact", "ci-failure"]);
    expect(issue.body).toContain(
      "#### [flux-local test](https://github.com/o/r/actions/runs/1/job/502) — failure",
    );
    expect(issue.body).toContain("Failed step: `Run flux-local`");
    expect(issue.body).toContain("kustomize build failed: missing resource ./app");
    expect(issue.body).not.toContain(token);

    await run(1, 10, "failure"); // the same delivery again
    expect(issue.comments).toEqual([]);
    await run(2, 11, "failure");
    expect(issue.comments).toEqual([expect.stringContaining("**2 runs in a row** have failed")]);
    await run(3, 12, "success");
    expect(issue.state).toBe("CLOSED");
    expect(issue.comments[1]).toContain("after 2 failed runs");
    expect(fake.issues).toHaveLength(1);
    expect(JSON.stringify(fake.issues)).not.toContain(token);
  });

  it("a fork's run on a branch it named main neither opens nor closes a maintainer issue", async () => {
    const fake = fakeCi();
    const app = await testProbot();
    const forkRepo = {
      ...workflowRunExample.workflow_run.head_repository,
      id: 424242,
      full_name: "mallory/r",
    };
    const run = (id: number, number: number, conclusion: string, fork: boolean) =>
      app.receive({
        id: `wr-fork-${id}`,
        name: "workflow_run",
        payload: workflowRun({
          id,
          run_number: number,
          conclusion,
          head_sha: "d".repeat(40),
          ...(fork ? { head_repository: forkRepo, event: "pull_request" } : {}),
        }),
      });

    await run(1, 10, "failure", true);
    expect(fake.issues).toEqual([]);
    await run(2, 11, "failure", false);
    expect(fake.issues).toHaveLength(1);
    await run(3, 12, "success", true);
    expect(fake.issues[0]!.state).toBe("OPEN");
    expect(fake.issues[0]!.comments).toEqual([]);
  });

  it("when the failing commit changed Flux objects, the issue says what it changed", async () => {
    const fake = fakeCi();
    const base = readTree(join(import.meta.dirname, "..", "..", "examples", "homelab", "base")).files;
    const decoder = new TextDecoder();
    fake.commitFiles = [...HEAD_FILES.keys()]
      .filter((f) => base.has(f) && decoder.decode(base.get(f)) !== decoder.decode(HEAD_FILES.get(f)))
      .map((filename) => ({ filename, status: "modified" }));
    fake.tarballs.set("p".repeat(40), base);
    fake.tarballs.set("c".repeat(40), HEAD_FILES);
    await (await testProbot()).receive({
      id: "wr",
      name: "workflow_run",
      payload: workflowRun({ id: 1, run_number: 10, conclusion: "failure", head_sha: "c".repeat(40) }),
    });
    expect(fake.issues[0]!.body).toContain(
      `### Flux impact of [ccccccc](https://github.com/${OWNER}/${REPO}/commit/${"c".repeat(40)})`,
    );
    expect(fake.issues[0]!.body).toMatch(/- HelmRelease `media\/immich` modified/);
  });

  it("out of order: a failure of run #11 arriving after run #12 succeeded opens nothing", async () => {
    const fake = fakeCi();
    fake.workflowRuns = [12, 11];
    await (await testProbot()).receive({
      id: "late",
      name: "workflow_run",
      payload: workflowRun({ id: 11, run_number: 11, conclusion: "failure", head_sha: "c".repeat(40) }),
    });
    expect(fake.issues).toHaveLength(0);
  });

  it("a failure on a pull request's branch opens no issue; it shows in that PR's sticky comment until it passes", async () => {
    const fake = fakeCi();
    const sha = "e".repeat(40);
    fake.pr = {
      number: 7,
      headSha: sha,
      comments: [{ id: 1, body: `${COMMENT_MARKER}\n## Flux impact\n`, byApp: true }],
    };
    const app = await testProbot();
    const pr = [{ number: 7, head: { sha }, base: { repo: { id: workflowRunExample.repository.id } } }];

    await app.receive({
      id: "f",
      name: "workflow_run",
      payload: workflowRun({ id: 9, head_branch: "feature", head_sha: sha, conclusion: "failure" }, pr),
    });
    expect(fake.issues).toHaveLength(0);
    expect(fake.pr.comments[0]!.body).toContain("### Failing workflows on this commit");

    await app.receive({
      id: "s",
      name: "workflow_run",
      payload: workflowRun(
        { id: 9, run_attempt: 2, head_branch: "feature", head_sha: sha, conclusion: "success" },
        pr,
      ),
    });
    expect(fake.pr.comments[0]!.body).toBe(`${COMMENT_MARKER}\n## Flux impact\n`);
  });
});
