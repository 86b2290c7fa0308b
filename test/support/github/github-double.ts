// biome-ignore-all lint/suspicious/noExplicitAny: request bodies are untyped JSON here.
/**
 * A GitHub double for the scripts that run the App against "GitHub" — `npm run e2e` (over HTTP, as
 * GitHub Enterprise paths `/api/v3/…` and `/api/graphql`) and the fault cases of `npm run reliability`
 * (in-process, with nock): the routes of a pull-request analysis answered from state (pull requests with
 * their heads and comments, check runs, tarballs by commit), every request recorded, and a hook that
 * replaces any answer with a fault — an HTTP error with headers, a hang, a dropped connection, a redirect
 * elsewhere. Also what those scripts and the App tests share: the webhook examples, a test key, and
 * tarballs shaped like GitHub's.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { packTar } from "modern-tar";
import nock from "nock";

export const API = "https://api.github.com";

type Json = Record<string, any>;

/** @octokit/webhooks-examples (JSON without an import attribute: read through createRequire). */
export const webhookExamples = createRequire(import.meta.url)("@octokit/webhooks-examples") as Array<{
  name: string;
  examples: Json[];
}>;

export function webhookExample(name: string, pick: (e: Json) => boolean): Json {
  const found = webhookExamples.find((d) => d.name === name)?.examples.find(pick);
  if (!found) throw new Error(`no ${name} example matches`);
  return found;
}

let key: string | undefined;
/** An RSA key for a test App (made once per process). */
export function testPrivateKey(): string {
  key ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  return key;
}

/** A tarball as GitHub serves it: one top directory `owner-repo-sha7/`. */
export async function githubTarball(
  files: ReadonlyMap<string, Uint8Array>,
  sha: string,
  owner: string,
  repo: string,
): Promise<Buffer> {
  const top = `${owner}-${repo}-${sha.slice(0, 7)}/`;
  return gzipSync(
    await packTar(
      [...files].map(([path, body]) => ({ header: { name: top + path, size: body.length }, body })),
    ),
  );
}

export type Fault =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { hang: true }
  | { network: true }
  | { redirect: string }
  /** The real answer's status and first `stall` bytes, then nothing more (a body that outlives its deadline). */
  | { stall: number };

export interface DoublePull {
  number: number;
  head: string;
  /** Heads the PR reports on the next reads (GitHub lagging the webhook), before `head`. */
  lagHeads: string[];
  comments: Array<{ id: number; body: string; byApp: boolean }>;
}

export interface DoubleIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  stateReason: string | null;
  closedAt: string | null;
  comments: string[];
}

export interface DoubleCheckRun {
  headSha: string;
  name?: string;
  status: string;
  conclusion?: string;
  title?: string;
  /** Every PATCH body, in order. */
  patches: any[];
}

type Answer = [number, unknown] | [number, unknown, Record<string, string>];

export class GitHubDouble {
  readonly requests: string[] = [];
  /** Requests that wrote (POST/PATCH/DELETE under the repository). */
  readonly writes: string[] = [];
  readonly checkRuns = new Map<number, DoubleCheckRun>();
  readonly pulls = new Map<number, DoublePull>();
  readonly tarballs = new Map<string, Buffer>();
  /**
   * Replace an answer: route is "METHOD path" without the query, n counts calls of that route from 1,
   * token is the installation token the request carried.
   */
  fault: ((route: string, n: number, token: string) => Fault | undefined) | undefined;
  /** Installation tokens issued so far. */
  tokens = 0;
  private counts = new Map<string, number>();
  private nextId = 100;
  private server: Server | undefined;

  constructor(
    readonly owner = "homelab-org",
    readonly repo = "home-ops",
  ) {}

  get path(): string {
    return `/repos/${this.owner}/${this.repo}`;
  }

  /** The files of each commit (for the comparison's file list). */
  readonly trees = new Map<string, ReadonlyMap<string, Uint8Array>>();

  /** Paths whose content GitHub's GraphQL API does not return (a blob it cannot serve). */
  readonly unreadable = new Set<string>();
  /** The App under test (the author of every check run). */
  appId = 77;
  /** The App's installation on the repository. */
  installationId = 1;
  /** The commit and date every path's history starts with (the stale sweep's clock). */
  historyCommit = "0".repeat(40);
  historyDate = "2026-11-01T00:00:00Z";
  /** The repository's id (webhook payloads carry it) and the base commit of its pull requests. */
  repositoryId = 1;
  pullBase = "b".repeat(40);
  /** The default branch's `.github/flux-impact.yml`, when set. */
  config: string | undefined;

  /**
   * A commit's files. `leftOut`: paths the archive does not hold (`export-ignore`), still in the commit —
   * listed by the comparison and readable over GraphQL.
   */
  async addTree(
    sha: string,
    files: ReadonlyMap<string, Uint8Array>,
    options: { leftOut?: readonly string[] } = {},
  ): Promise<void> {
    this.trees.set(sha, files);
    const archived = new Map([...files].filter(([path]) => !options.leftOut?.includes(path)));
    this.tarballs.set(sha, await githubTarball(archived, sha, this.owner, this.repo));
  }

  /** Issues opened through the API (all by the App under test), by number. */
  readonly issues = new Map<number, DoubleIssue>();

  /** Merged pull requests by the commit they were merged as (GitHub's "pull requests of a commit"). */
  readonly merged = new Map<string, number>();

  /** A pull request merged as `mergeSha` into the default branch (comments on it are kept as on any). */
  addMergedPull(number: number, mergeSha: string): DoublePull {
    const pull = this.addPull(number, "f".repeat(40));
    this.merged.set(mergeSha, number);
    return pull;
  }

  addPull(number: number, head: string): DoublePull {
    const pull: DoublePull = { number, head, lagHeads: [], comments: [] };
    this.pulls.set(number, pull);
    return pull;
  }

  pull(number: number): DoublePull {
    const pull = this.pulls.get(number);
    if (!pull) throw new Error(`no pull request #${number} in the double`);
    return pull;
  }

  count(route: string): number {
    return this.counts.get(route) ?? 0;
  }

  /** In-process: persistent nock interceptors on api.github.com. */
  install(): void {
    const scope = nock(API).persist();
    const double = this;
    const handle = (method: string) =>
      async function (this: { req: { headers: Record<string, string> } }, uri: string, body: any) {
        return double.answer(method, uri, body, String(this.req.headers.authorization ?? ""));
      };
    scope.get(/.*/).reply(handle("GET"));
    scope.post(/.*/).reply(handle("POST"));
    scope.patch(/.*/).reply(handle("PATCH"));
    scope.delete(/.*/).reply(handle("DELETE"));
  }

  /** Over HTTP on loopback; resolves to the API base URL (GitHub Enterprise style, `…/api/v3`). */
  async serve(): Promise<string> {
    this.server = createServer((req, res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
        const uri = (req.url ?? "/").replace(/^\/api\/v3(?=\/)/, "").replace(/^\/api\/graphql/, "/graphql");
        try {
          const [status, data, headers] = await this.answer(
            req.method ?? "GET",
            uri,
            body,
            String(req.headers.authorization ?? ""),
          );
          res.writeHead(status, { "content-type": "application/json", ...headers });
          if (data instanceof Readable) {
            data.pipe(res);
            return;
          }
          res.end(
            data === undefined || data === "" ? "" : Buffer.isBuffer(data) ? data : JSON.stringify(data),
          );
        } catch (error) {
          res.destroy(error as Error);
        }
      })();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v3`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
  }

  /** The files that differ between two commits, as GitHub's comparison lists them (no rename detection). */
  private compared(base: string, head: string): Array<{ filename: string; status: string }> {
    const a = this.trees.get(base) ?? new Map<string, Uint8Array>();
    const b = this.trees.get(head) ?? new Map<string, Uint8Array>();
    const same = (x: Uint8Array, y: Uint8Array) => Buffer.from(x).equals(Buffer.from(y));
    const out: Array<{ filename: string; status: string }> = [];
    for (const [path, bytes] of b) {
      const before = a.get(path);
      if (!before) out.push({ filename: path, status: "added" });
      else if (!same(before, bytes)) out.push({ filename: path, status: "modified" });
    }
    for (const path of a.keys()) if (!b.has(path)) out.push({ filename: path, status: "removed" });
    return out.sort((x, y) => (x.filename < y.filename ? -1 : 1));
  }

  private async answer(method: string, uri: string, body: any, authorization: string): Promise<Answer> {
    const path = uri.split("?")[0]!;
    const route = `${method} ${path}`;
    const n = (this.counts.get(route) ?? 0) + 1;
    this.counts.set(route, n);
    this.requests.push(route);
    const f = this.fault?.(route, n, authorization.replace(/^(token|bearer) /i, ""));
    if (f) {
      if ("hang" in f) return new Promise(() => {});
      if ("network" in f) throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
      if ("redirect" in f) return [302, "", { location: f.redirect }];
      if ("stall" in f) {
        const fault = this.fault;
        this.fault = undefined;
        const [status, data, headers] = await this.answer(method, uri, body, authorization).finally(() => {
          this.fault = fault;
        });
        const bytes = Buffer.isBuffer(data) ? data : Buffer.from(JSON.stringify(data));
        const stream = new Readable({ read() {} });
        stream.push(bytes.subarray(0, f.stall));
        return [status, stream, { ...headers, "content-length": String(bytes.length) }];
      }
      return f.headers
        ? [f.status, f.body ?? { message: "fault" }, f.headers]
        : [f.status, f.body ?? { message: "fault" }];
    }
    if (method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path))
      return [201, { token: `ghs_double_token_${++this.tokens}`, expires_at: "2999-01-01T00:00:00Z" }];
    if (method === "POST" && path === "/graphql") return [200, this.graphql(body.query, body.variables)];
    const repo = this.path;
    if (method !== "GET" && path.startsWith(`${repo}/`)) this.writes.push(route);
    if (method === "POST" && path === `${repo}/check-runs`) {
      const id = this.nextId++;
      this.checkRuns.set(id, {
        headSha: body.head_sha,
        name: body.name,
        status: body.status ?? "queued",
        ...(body.conclusion ? { conclusion: body.conclusion } : {}),
        ...(body.output?.title ? { title: body.output.title } : {}),
        patches: [],
      });
      return [201, { id }];
    }
    let m = path.match(new RegExp(`^${repo}/check-runs/(\\d+)$`));
    if (method === "PATCH" && m) {
      const run = this.checkRuns.get(Number(m[1]));
      if (!run) return [404, { message: "Not Found" }];
      run.patches.push(body);
      if (body.status) run.status = body.status;
      if (body.conclusion) run.conclusion = body.conclusion;
      if (body.output?.title) run.title = body.output.title;
      return [200, { id: Number(m[1]) }];
    }
    // The merge base of "base...head" is the base commit here.
    m = path.match(new RegExp(`^${repo}/compare/([0-9a-f]+)\\.\\.\\.([0-9a-f]+)$`));
    if (method === "GET" && m)
      // GitHub lists at most 300 files of a comparison.
      return [200, { merge_base_commit: { sha: m[1] }, files: this.compared(m[1]!, m[2]!).slice(0, 300) }];
    // A pull request's files, paginated (GitHub lists at most 3000).
    m = path.match(new RegExp(`^${repo}/pulls/(\\d+)/files$`));
    if (method === "GET" && m) {
      const pull = this.pulls.get(Number(m[1]));
      if (!pull) return [404, { message: "Not Found" }];
      const query = new URLSearchParams(uri.split("?")[1] ?? "");
      const per = Math.min(100, Number(query.get("per_page") ?? 30));
      const page = Math.max(1, Number(query.get("page") ?? 1));
      const files = this.compared(this.pullBase, pull.head).slice(0, 3000);
      return [200, files.slice((page - 1) * per, page * per)];
    }
    // The check runs of a commit (all by the App under test).
    m = path.match(new RegExp(`^${repo}/commits/([0-9a-f]+)/check-runs$`));
    if (method === "GET" && m) {
      const runs = [...this.checkRuns].filter(([, r]) => r.headSha === m![1]);
      return [
        200,
        { total_count: runs.length, check_runs: runs.map(([id]) => ({ id, app: { id: this.appId } })) },
      ];
    }
    // The open pull requests whose head is the commit (GitHub's "pull requests associated with a commit").
    m = path.match(new RegExp(`^${repo}/commits/([0-9a-f]+)/pulls$`));
    if (method === "GET" && m) {
      const merged = this.merged.get(m[1]!);
      return [
        200,
        [
          ...[...this.pulls.values()]
            .filter((p) => p.head === m![1])
            .map((p) => ({
              number: p.number,
              state: "open",
              head: { sha: p.head },
              base: { sha: this.pullBase, ref: "main", repo: { id: this.repositoryId } },
            })),
          ...(merged === undefined
            ? []
            : [
                {
                  number: merged,
                  state: "closed",
                  merged_at: "2026-12-07T09:59:00Z",
                  merge_commit_sha: m[1],
                  head: { sha: this.pulls.get(merged)?.head },
                  base: { sha: this.pullBase, ref: "main", repo: { id: this.repositoryId } },
                },
              ]),
        ],
      ];
    }
    if (method === "GET" && path === `${repo}/installation`) return [200, { id: this.installationId }];
    m = path.match(new RegExp(`^${repo}/tarball/([0-9a-z]+)$`));
    if (method === "GET" && m) {
      const t = this.tarballs.get(m[1]!);
      return t ? [200, t, { "content-type": "application/x-gzip" }] : [404, { message: "Not Found" }];
    }
    if (method === "POST" && path === `${repo}/issues`) {
      // Issues and pull requests share GitHub's numbers: issues here count from 1000, past any pull request.
      let number = Math.max(1000, ...this.issues.keys()) + 1;
      while (this.pulls.has(number)) number++;
      this.issues.set(number, {
        number,
        title: body.title,
        body: body.body ?? "",
        labels: body.labels ?? [],
        state: "open",
        stateReason: null,
        closedAt: null,
        comments: [],
      });
      return [201, { number }];
    }
    m = path.match(new RegExp(`^${repo}/issues/(\\d+)$`));
    if (method === "PATCH" && m) {
      const issue = this.issues.get(Number(m[1]));
      if (!issue) return [404, { message: "Not Found" }];
      if (body.title !== undefined) issue.title = body.title;
      if (body.body !== undefined) issue.body = body.body;
      if (body.state === "closed") {
        issue.state = "closed";
        issue.stateReason = body.state_reason ?? "completed";
        issue.closedAt = new Date().toISOString();
      } else if (body.state === "open") {
        issue.state = "open";
        issue.stateReason = "reopened";
        issue.closedAt = null;
      }
      return [200, { number: issue.number }];
    }
    m = path.match(/\/issues\/(\d+)\/comments$/);
    if (method === "POST" && m && this.issues.has(Number(m[1]))) {
      this.issues.get(Number(m[1]))!.comments.push(body.body);
      return [201, { id: this.nextId++ }];
    }
    if (method === "POST" && m) {
      const pull = this.pulls.get(Number(m[1]));
      if (!pull) return [404, { message: "Not Found" }];
      const id = this.nextId++;
      pull.comments.push({ id, body: body.body, byApp: true });
      return [201, { id }];
    }
    m = path.match(/\/issues\/comments\/(\d+)$/);
    if (m && (method === "PATCH" || method === "DELETE")) {
      for (const pull of this.pulls.values()) {
        const i = pull.comments.findIndex((c) => c.id === Number(m![1]));
        if (i === -1) continue;
        if (method === "DELETE") pull.comments.splice(i, 1);
        else pull.comments[i]!.body = body.body;
        return method === "DELETE" ? [204, ""] : [200, { id: Number(m[1]) }];
      }
      return [404, { message: "Not Found" }];
    }
    return [404, { message: `the double has no route for ${route}` }];
  }

  private graphql(query: string, variables: Json): unknown {
    const config = this.config === undefined ? null : { text: this.config };
    if (query.includes("checkSuites")) {
      const runs = [...this.checkRuns]
        .filter(([, r]) => r.headSha === variables.sha)
        .map(([databaseId]) => ({ databaseId }));
      return {
        data: {
          repository: { config, commit: { checkSuites: { nodes: [{ checkRuns: { nodes: runs } }] } } },
          org: null,
        },
      };
    }
    // The history of paths (the stale sweep): each created by the commit `historyCommit`, at `historyDate`.
    if (query.includes("history(")) {
      const commit: Json = {};
      for (const name of Object.keys(variables)) {
        const m = /^p(\d+)$/.exec(name);
        if (!m) continue;
        commit[`h${m[1]}`] = {
          totalCount: 1,
          nodes: [
            {
              oid: this.historyCommit,
              committedDate: this.historyDate,
              url: `https://github.com/${this.owner}/${this.repo}/commit/${this.historyCommit}`,
              author: { name: "Maintainer", user: { login: "maintainer" } },
            },
          ],
        };
        commit[`e${m[1]}`] = { nodes: [{ oid: this.historyCommit }] };
      }
      const issues = query.includes("issues(") ? this.issueNodes() : undefined;
      return { data: { repository: { ...(issues ? { issues } : {}), commit } } };
    }
    // Files by "sha:path" expressions ($e0, $e1, …): blobs with their text.
    if (typeof variables.e0 === "string") {
      const repository: Json = {};
      for (const [name, expression] of Object.entries(variables)) {
        const m = /^e(\d+)$/.exec(name);
        if (!m || typeof expression !== "string") continue;
        const at = expression.indexOf(":");
        const path = expression.slice(at + 1);
        const bytes = this.trees.get(expression.slice(0, at))?.get(path);
        repository[`f${m[1]}`] =
          bytes && !this.unreadable.has(path)
            ? {
                __typename: "Blob",
                oid: "0".repeat(40),
                byteSize: bytes.length,
                isBinary: false,
                isTruncated: false,
                text: Buffer.from(bytes).toString("utf8"),
              }
            : null;
      }
      return { data: { repository } };
    }
    if (query.includes("pullRequest(")) {
      const pull = this.pulls.get(Number(variables.number));
      if (!pull) return { data: { repository: { pullRequest: null } } };
      return {
        data: {
          repository: {
            pullRequest: {
              headRefOid: pull.lagHeads.shift() ?? pull.head,
              comments: {
                nodes: pull.comments.map((c) => ({
                  databaseId: c.id,
                  body: c.body,
                  viewerDidAuthor: c.byApp,
                })),
                pageInfo: { hasNextPage: false },
              },
            },
          },
        },
      };
    }
    // The App's issues (and configuration): those opened through the API, newest first.
    if (query.includes("issues("))
      return { data: { repository: { config, issues: this.issueNodes() }, org: null } };
    return { errors: [{ type: "UNKNOWN", message: "the double does not answer this query" }] };
  }

  /** The App's issues as GraphQL lists them, newest first. */
  private issueNodes(): Json {
    const nodes = [...this.issues.values()]
      .sort((a, b) => b.number - a.number)
      .map((i) => ({
        number: i.number,
        title: i.title,
        body: i.body,
        state: i.state === "open" ? "OPEN" : "CLOSED",
        stateReason: i.stateReason?.toUpperCase() ?? null,
        createdAt: "2026-12-01T00:00:00Z",
        closedAt: i.closedAt,
        url: `https://github.com/${this.owner}/${this.repo}/issues/${i.number}`,
        viewerDidAuthor: true,
      }));
    return { nodes };
  }
}
