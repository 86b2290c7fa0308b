// biome-ignore-all lint/suspicious/noExplicitAny: request bodies are untyped JSON here.
/**
 * A small stateful GitHub behind nock for the maintenance tests: issues (with labels, state, state
 * reason, comments, and who wrote them), the git history of paths, tarballs by commit, check runs, a
 * pull request and its comments, workflow jobs and logs. Its GraphQL answers are computed from that state
 * for the queries the App sends (recognised by their fields), so two runs in a row — or at once — see
 * each other's writes as they would on GitHub. Every request is recorded.
 */
import nock from "nock";
import { API, GZIP, TOKEN, tarballOf } from "./probot.ts";

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: "OPEN" | "CLOSED";
  stateReason: "COMPLETED" | "NOT_PLANNED" | "REOPENED" | null;
  createdAt: string;
  closedAt: string | null;
  /** Written by the App (viewerDidAuthor under its token). */
  byApp: boolean;
  comments: string[];
}

export class FakeGitHub {
  readonly issues: FakeIssue[] = [];
  readonly requests: string[] = [];
  /** Every GraphQL query text and its variables. */
  readonly queries: Array<{ query: string; variables: Record<string, unknown> }> = [];
  /** Path → commits that touched it, newest first. */
  history = new Map<string, Array<{ oid: string; date: string; login: string }>>();
  tarballs = new Map<string, Map<string, Uint8Array>>();
  config: string | undefined;
  defaultBranch = { name: "main", oid: "" };
  pr:
    | { number: number; headSha: string; comments: Array<{ id: number; body: string; byApp: boolean }> }
    | undefined;
  jobs: any[] = [];
  /** Completed runs of the watched workflow on the default branch, newest first (run numbers). */
  workflowRuns: number[] = [];
  /** What GET /commits/{sha} lists as the commit's files (its parent is "p" × 40). */
  commitFiles: Array<{ filename: string; status: string }> = [{ filename: "README.md", status: "modified" }];
  /** The files of particular commits (renames with previous_filename), instead of commitFiles. */
  filesByCommit = new Map<string, Array<{ filename: string; status: string; previous_filename?: string }>>();
  logs = new Map<number, string>();
  /** Check runs created, by head SHA. */
  checkRuns = new Map<string, number[]>();
  private nextIssue = 1;
  private nextId = 1000;

  constructor(
    readonly owner: string,
    readonly repo: string,
  ) {}

  get path() {
    return `/repos/${this.owner}/${this.repo}`;
  }

  openIssues(): FakeIssue[] {
    return this.issues.filter((i) => i.state === "OPEN");
  }

  /** Requests that wrote something (not token or reads). */
  writes(): string[] {
    return this.requests.filter(
      (r) => !r.startsWith("GET") && !r.startsWith("POST /graphql") && !r.includes("access_tokens"),
    );
  }

  addIssue(issue: Partial<FakeIssue> & { title: string; body: string }): FakeIssue {
    const full: FakeIssue = {
      number: this.nextIssue++,
      labels: ["flux-impact"],
      state: "OPEN",
      stateReason: null,
      createdAt: new Date().toISOString(),
      closedAt: null,
      byApp: true,
      comments: [],
      ...issue,
    };
    this.issues.push(full);
    return full;
  }

  install(installationId: number): nock.Scope {
    const record = (req: { method: string; path: string }) =>
      this.requests.push(`${req.method} ${req.path.split("?")[0]}`);
    const scope = nock(API).persist();
    scope.on("request", record);
    scope.post(`/app/installations/${installationId}/access_tokens`).reply(201, TOKEN);
    scope.post("/graphql").reply((_uri, body: any) => [200, this.graphql(body.query, body.variables)]);
    scope.get(new RegExp(`^${this.path}/tarball/`)).reply(async (uri) => {
      const sha = uri.split("/tarball/")[1]!.split("?")[0]!;
      const files = this.tarballs.get(sha);
      if (!files) return [404, { message: "Not Found" }];
      return [200, await tarballOf(files, sha, this.owner, this.repo), GZIP];
    });
    scope.post(`${this.path}/check-runs`).reply((_uri, body: any) => {
      const id = this.nextId++;
      this.checkRuns.set(body.head_sha, [...(this.checkRuns.get(body.head_sha) ?? []), id]);
      return [201, { id }];
    });
    scope.patch(new RegExp(`^${this.path}/check-runs/\\d+$`)).reply(200, {});
    scope.post(`${this.path}/issues`).reply((_uri, body: any) => {
      const issue = this.addIssue({ title: body.title, body: body.body, labels: body.labels ?? [] });
      return [201, { number: issue.number }];
    });
    scope.patch(new RegExp(`^${this.path}/issues/\\d+$`)).reply((uri, body: any) => {
      const issue = this.issue(uri);
      if (!issue) return [404, {}];
      if (body.title !== undefined) issue.title = body.title;
      if (body.body !== undefined) issue.body = body.body;
      if (body.state === "closed") {
        issue.state = "CLOSED";
        issue.stateReason = body.state_reason === "not_planned" ? "NOT_PLANNED" : "COMPLETED";
        issue.closedAt = new Date().toISOString();
      } else if (body.state === "open") {
        issue.state = "OPEN";
        issue.stateReason = "REOPENED";
        issue.closedAt = null;
      }
      return [200, { number: issue.number }];
    });
    scope.post(new RegExp(`^${this.path}/issues/\\d+/comments$`)).reply((uri, body: any) => {
      const n = Number(uri.split("/issues/")[1]!.split("/")[0]);
      const issue = this.issues.find((i) => i.number === n);
      if (issue) issue.comments.push(body.body);
      else if (this.pr?.number === n)
        this.pr.comments.push({ id: this.nextId++, body: body.body, byApp: true });
      return [201, { id: this.nextId++ }];
    });
    scope.patch(new RegExp(`^${this.path}/issues/comments/\\d+$`)).reply((uri, body: any) => {
      const id = Number(uri.split("/comments/")[1]);
      const comment = this.pr?.comments.find((c) => c.id === id);
      if (!comment) return [404, {}];
      comment.body = body.body;
      return [200, { id }];
    });
    scope
      .get(new RegExp(`^${this.path}/actions/runs/\\d+/attempts/\\d+/jobs`))
      .reply(() => [200, { total_count: this.jobs.length, jobs: this.jobs }]);
    scope
      .get(new RegExp(`^${this.path}/actions/workflows/\\d+/runs`))
      .reply(() => [200, { workflow_runs: this.workflowRuns.map((run_number) => ({ run_number })) }]);
    scope.get(new RegExp(`^${this.path}/check-runs/\\d+/annotations`)).reply((uri) => {
      const id = Number(uri.split("/check-runs/")[1]!.split("/")[0]);
      return [200, this.jobs.find((j) => j.id === id)?.annotations ?? []];
    });
    scope.get(new RegExp(`^${this.path}/actions/jobs/\\d+/logs$`)).reply((uri) => {
      const log = this.logs.get(Number(uri.split("/jobs/")[1]!.split("/")[0]));
      return log === undefined
        ? [404, { message: "Not Found" }]
        : [200, log, { "content-type": "text/plain" }];
    });
    scope.get(new RegExp(`^${this.path}/commits/[0-9a-f]{40}$`)).reply((uri) => [
      200,
      {
        parents: [{ sha: "p".repeat(40) }],
        files: this.filesByCommit.get(uri.split("/commits/")[1]!.split("?")[0]!) ?? this.commitFiles,
      },
    ]);
    return scope;
  }

  private issue(uri: string): FakeIssue | undefined {
    const n = Number(uri.split("/issues/")[1]!.split(/[/?]/)[0]);
    return this.issues.find((i) => i.number === n);
  }

  private issueNodes() {
    return [...this.issues]
      .filter((i) => i.labels.includes("flux-impact"))
      .sort((a, b) => b.number - a.number)
      .map((i) => ({
        number: i.number,
        title: i.title,
        body: i.body,
        state: i.state,
        stateReason: i.stateReason,
        createdAt: i.createdAt,
        closedAt: i.closedAt,
        url: `https://github.com/${this.owner}/${this.repo}/issues/${i.number}`,
        viewerDidAuthor: i.byApp,
      }));
  }

  private graphql(query: string, variables: Record<string, any>): unknown {
    this.queries.push({ query, variables });
    const config = this.config === undefined ? null : { text: this.config };
    if (query.includes("checkSuites")) {
      const runs = (this.checkRuns.get(variables.sha) ?? []).map((databaseId) => ({ databaseId }));
      return {
        data: {
          repository: { config, commit: { checkSuites: { nodes: [{ checkRuns: { nodes: runs } }] } } },
          org: null,
        },
      };
    }
    if (query.includes("defaultBranchRef"))
      return {
        data: {
          repository: {
            defaultBranchRef: { name: this.defaultBranch.name, target: { oid: this.defaultBranch.oid } },
            config,
            issues: { nodes: this.issueNodes() },
          },
          org: null,
        },
      };
    if (query.includes("pullRequest(")) {
      const pr = this.pr!;
      return {
        data: {
          repository: {
            pullRequest: {
              headRefOid: pr.headSha,
              comments: {
                nodes: pr.comments.map((c) => ({ databaseId: c.id, body: c.body, viewerDidAuthor: c.byApp })),
                pageInfo: { hasNextPage: false },
              },
            },
          },
        },
      };
    }
    const repository: Record<string, unknown> = {};
    if (query.includes("issues(")) repository.issues = { nodes: this.issueNodes() };
    if (query.includes("config:")) repository.config = config;
    if (query.includes("history(")) {
      const commit: Record<string, unknown> = {};
      for (const [name, path] of Object.entries(variables)) {
        // $pN: a path's history as hN; $eN: the history of its enabled name beside it, as eN.
        if (!/^[pe]\d+$/.test(name)) continue;
        const nodes = (this.history.get(path) ?? []).map((c) => ({
          oid: c.oid,
          committedDate: c.date,
          url: `https://github.com/${this.owner}/${this.repo}/commit/${c.oid}`,
          author: { name: c.login, user: { login: c.login } },
        }));
        commit[name.startsWith("p") ? `h${name.slice(1)}` : name] = { totalCount: nodes.length, nodes };
      }
      repository.commit = commit;
    }
    return { data: { repository, ...(query.includes("org:") ? { org: null } : {}) } };
  }
}
