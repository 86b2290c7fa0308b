// biome-ignore-all lint/suspicious/noExplicitAny: request bodies are untyped JSON here.
/**
 * A GitHub double for the fault-injection cases (nock, in-process): the routes of a pull-request analysis
 * answered from state (the PR head, its comments, check runs, two tarballs), every request recorded, and
 * a hook that replaces any answer with a fault — an HTTP error with headers, a hang, a dropped
 * connection, a redirect elsewhere.
 */
import { gzipSync } from "node:zlib";
import { packTar } from "modern-tar";
import nock from "nock";

export const API = "https://api.github.com";

export type Fault =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { hang: true }
  | { network: true }
  | { redirect: string };

export class GitHubDouble {
  readonly owner = "homelab-org";
  readonly repo = "home-ops";
  readonly requests: string[] = [];
  readonly checkRuns = new Map<number, { headSha: string; patches: any[] }>();
  readonly comments: Array<{ id: number; body: string; byApp: boolean }> = [];
  readonly tarballs = new Map<string, Buffer>();
  prHead = "";
  /** The head the PR reports on the next reads (GitHub lagging the webhook), when set. */
  lagHeads: string[] = [];
  mergeBase = "";
  /**
   * Replace an answer: route is "METHOD path" without the query, n counts calls of that route from 1,
   * token is the installation token the request carried.
   */
  fault: ((route: string, n: number, token: string) => Fault | undefined) | undefined;
  /** Installation tokens issued so far. */
  tokens = 0;
  private counts = new Map<string, number>();
  private nextId = 100;

  get path(): string {
    return `/repos/${this.owner}/${this.repo}`;
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

  count(route: string): number {
    return this.counts.get(route) ?? 0;
  }

  install(): void {
    const scope = nock(API).persist();
    const handle = (method: string) =>
      async function (this: { req: { headers: Record<string, string> } }, uri: string, body: any) {
        return double.answer(method, uri, body, String(this.req.headers.authorization ?? ""));
      };
    const double = this;
    scope.get(/.*/).reply(handle("GET"));
    scope.post(/.*/).reply(handle("POST"));
    scope.patch(/.*/).reply(handle("PATCH"));
    scope.delete(/.*/).reply(handle("DELETE"));
  }

  private async answer(
    method: string,
    uri: string,
    body: any,
    authorization: string,
  ): Promise<[number, unknown] | [number, unknown, Record<string, string>]> {
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
      return f.headers
        ? [f.status, f.body ?? { message: "fault" }, f.headers]
        : [f.status, f.body ?? { message: "fault" }];
    }
    if (method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path))
      return [201, { token: `ghs_reliability_token_${++this.tokens}`, expires_at: "2999-01-01T00:00:00Z" }];
    if (method === "POST" && path === "/graphql") return [200, this.graphql(body.query, body.variables)];
    const repo = this.path;
    if (method === "POST" && path === `${repo}/check-runs`) {
      const id = this.nextId++;
      this.checkRuns.set(id, { headSha: body.head_sha, patches: [] });
      return [201, { id }];
    }
    let m = path.match(new RegExp(`^${repo}/check-runs/(\\d+)$`));
    if (method === "PATCH" && m) {
      this.checkRuns.get(Number(m[1]))?.patches.push(body);
      return [200, { id: Number(m[1]) }];
    }
    if (method === "GET" && path.startsWith(`${repo}/compare/`))
      return [200, { merge_base_commit: { sha: this.mergeBase } }];
    m = path.match(new RegExp(`^${repo}/tarball/([0-9a-f]+)$`));
    if (method === "GET" && m) {
      const t = this.tarballs.get(m[1]!);
      return t ? [200, t, { "content-type": "application/x-gzip" }] : [404, { message: "Not Found" }];
    }
    if (method === "POST" && /\/issues\/\d+\/comments$/.test(path)) {
      const id = this.nextId++;
      this.comments.push({ id, body: body.body, byApp: true });
      return [201, { id }];
    }
    m = path.match(/\/issues\/comments\/(\d+)$/);
    if (method === "PATCH" && m) {
      const c = this.comments.find((x) => x.id === Number(m![1]));
      if (c) c.body = body.body;
      return [c ? 200 : 404, { id: Number(m[1]) }];
    }
    if (method === "DELETE" && m) {
      const i = this.comments.findIndex((x) => x.id === Number(m![1]));
      if (i >= 0) this.comments.splice(i, 1);
      return [204, ""];
    }
    return [404, { message: `no route for ${route}` }];
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
      const head = this.lagHeads.shift() ?? this.prHead;
      return {
        data: {
          repository: {
            pullRequest: {
              headRefOid: head,
              comments: {
                nodes: this.comments.map((c) => ({
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
    return { errors: [{ type: "UNKNOWN", message: "no answer for this query" }] };
  }
}
