/**
 * A fake GitHub API over HTTP for `npm run e2e` (loopback only): what the App's pull-request and
 * workflow-run jobs call, served from in-memory state — tarballs built from the scenario repositories,
 * check runs, pull requests with their comments — recording every write. Paths are GitHub Enterprise's
 * (`/api/v3/...` and `/api/graphql`), so the App reaches it through Probot's `baseUrl`.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { packTar } from "modern-tar";

export interface FakePull {
  number: number;
  head: string;
  base: string;
  comments: Array<{ id: number; body: string }>;
}

export class FakeGitHubServer {
  readonly owner: string;
  readonly repo: string;
  readonly tarballs = new Map<string, Buffer>();
  readonly pulls = new Map<number, FakePull>();
  readonly checkRuns = new Map<
    number,
    { headSha: string; status: string; conclusion?: string; title?: string }
  >();
  readonly writes: string[] = [];
  requests = 0;
  private nextId = 1;
  private server: Server | undefined;

  constructor(owner: string, repo: string) {
    this.owner = owner;
    this.repo = repo;
  }

  async addTree(sha: string, files: Map<string, Uint8Array>): Promise<void> {
    const top = `${this.owner}-${this.repo}-${sha.slice(0, 7)}/`;
    this.tarballs.set(
      sha,
      gzipSync(
        await packTar(
          [...files].map(([path, body]) => ({ header: { name: top + path, size: body.length }, body })),
        ),
      ),
    );
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.requests++;
      void this.handle(req)
        .then(({ status, body, type }) => {
          res.writeHead(status, { "content-type": type ?? "application/json" });
          res.end(body === undefined ? "" : Buffer.isBuffer(body) ? body : JSON.stringify(body));
        })
        .catch((error: Error) => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ message: error.message }));
        });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/api/v3`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body?: unknown; type?: string }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const input = chunks.length
      ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>)
      : {};
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname;
    const method = req.method ?? "GET";
    const repo = `/api/v3/repos/${this.owner}/${this.repo}`;
    const write = (what: string) => this.writes.push(`${method} ${what}`);

    if (method === "POST" && /^\/api\/v3\/app\/installations\/\d+\/access_tokens$/.test(path))
      return {
        status: 201,
        body: { token: "ghs_e2e_installation_token", expires_at: "2999-01-01T00:00:00Z" },
      };
    if (method === "POST" && path === "/api/graphql")
      return {
        status: 200,
        body: this.graphql(String(input.query), input.variables as Record<string, unknown>),
      };
    if (method === "POST" && path === `${repo}/check-runs`) {
      const id = this.nextId++;
      this.checkRuns.set(id, { headSha: String(input.head_sha), status: String(input.status ?? "queued") });
      write(`check-runs (${String(input.head_sha).slice(0, 7)})`);
      return { status: 201, body: { id } };
    }
    let m = path.match(new RegExp(`^${repo}/check-runs/(\\d+)$`));
    if (method === "PATCH" && m) {
      const run = this.checkRuns.get(Number(m[1]));
      if (!run) return { status: 404, body: { message: "Not Found" } };
      const output = input.output as { title?: string } | undefined;
      Object.assign(run, {
        ...(input.status ? { status: String(input.status) } : {}),
        ...(input.conclusion ? { conclusion: String(input.conclusion) } : {}),
        ...(output?.title ? { title: output.title } : {}),
      });
      write(`check-runs/${m[1]}`);
      return { status: 200, body: { id: Number(m[1]) } };
    }
    m = path.match(new RegExp(`^${repo}/compare/([0-9a-f]+)\\.\\.\\.([0-9a-f]+)$`));
    if (method === "GET" && m) return { status: 200, body: { merge_base_commit: { sha: m[1] } } };
    m = path.match(new RegExp(`^${repo}/tarball/([0-9a-f]+)$`));
    if (method === "GET" && m) {
      const tarball = this.tarballs.get(m[1]!);
      return tarball
        ? { status: 200, body: tarball, type: "application/x-gzip" }
        : { status: 404, body: { message: "Not Found" } };
    }
    m = path.match(new RegExp(`^${repo}/issues/(\\d+)/comments$`));
    if (method === "POST" && m) {
      const pull = this.pulls.get(Number(m[1]));
      if (!pull) return { status: 404, body: { message: "Not Found" } };
      const id = this.nextId++;
      pull.comments.push({ id, body: String(input.body) });
      write(`issues/${m[1]}/comments`);
      return { status: 201, body: { id } };
    }
    m = path.match(new RegExp(`^${repo}/issues/comments/(\\d+)$`));
    if (method === "PATCH" && m) {
      for (const pull of this.pulls.values()) {
        const c = pull.comments.find((x) => x.id === Number(m![1]));
        if (c) {
          c.body = String(input.body);
          write(`issues/comments/${m[1]}`);
          return { status: 200, body: { id: c.id } };
        }
      }
      return { status: 404, body: { message: "Not Found" } };
    }
    return { status: 404, body: { message: `fake GitHub has no route for ${method} ${path}` } };
  }

  private graphql(query: string, variables: Record<string, unknown>): unknown {
    if (query.includes("checkSuites")) {
      const runs = [...this.checkRuns]
        .filter(([, r]) => r.headSha === variables.sha)
        .map(([databaseId]) => ({ databaseId }));
      return {
        data: {
          repository: { config: null, commit: { checkSuites: { nodes: [{ checkRuns: { nodes: runs } }] } } },
          org: null,
        },
      };
    }
    if (query.includes("pullRequest(")) {
      const pull = this.pulls.get(Number(variables.number));
      return {
        data: {
          repository: {
            pullRequest: pull
              ? {
                  headRefOid: pull.head,
                  comments: {
                    nodes: pull.comments.map((c) => ({
                      databaseId: c.id,
                      body: c.body,
                      viewerDidAuthor: true,
                    })),
                    pageInfo: { hasNextPage: false },
                  },
                }
              : null,
          },
        },
      };
    }
    if (query.includes("issues("))
      return { data: { repository: { config: null, issues: { nodes: [] } }, org: null } };
    return { errors: [{ type: "UNKNOWN", message: "fake GitHub does not answer this query" }] };
  }
}
