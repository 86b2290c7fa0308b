// biome-ignore-all lint/suspicious/noExplicitAny: webhook payloads and check-run bodies are untyped JSON here.
/**
 * The fault-injection cases F1–F20 of the test plan, plus the App-level bad inputs (B9 same head from two
 * deliveries) and L6 (requests per analysis): the real background worker (src/runtime/worker.ts) runs the
 * real App (Probot with its production retry plugin — backoff scaled down — and the production fetch
 * guard with its deadlines scaled down) against a GitHub double that injects each fault. What a user sees
 * (check-run outputs, comments) and what the operator sees (the worker's log) goes to the sink.
 */
import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { DEFAULT_CONFIG } from "../../../src/core/config/index.ts";
import { type BotIssue, issueMarker, planStaleSweep } from "../../../src/core/maintenance/index.ts";
import { createApp } from "../../../src/github/app.ts";
import { guardedFetch } from "../../../src/github/fetch-guard.ts";
import { DeliveryLedger, MemoryStore } from "../../../src/runtime/deliveries.ts";
import { HANDOFF_HEADER, signHandoff } from "../../../src/runtime/handoff.ts";
import type { Logger } from "../../../src/runtime/log.ts";
import { createReceiver } from "../../../src/runtime/receiver.ts";
import { createWorker } from "../../../src/runtime/worker.ts";
import { githubToken } from "../fixtures/fake-secrets.ts";
import { readTree } from "../fs/disk-tree.ts";
import { GitHubDouble, testPrivateKey, webhookExample } from "../github/github-double.ts";
import type { CaseResult, OutputSink } from "./types.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");
export const SECRET = "reliability-webhook-secret";
export const BASE = "b".repeat(40);
export const HEAD = "1".repeat(40);
const APP_ID = 77;
/** A credential committed in the pull request: it must appear in no output. */
export const FAULT_CANARY = githubToken("ghp_", 4242);

const privateKey = testPrivateKey();

const baseFiles = readTree(join(ROOT, "examples/homelab/base")).files;
export const headFiles = new Map(readTree(join(ROOT, "examples/homelab/head")).files);
headFiles.set("ops/token.env", new TextEncoder().encode(`GITHUB_TOKEN=${FAULT_CANARY}\n`));

const opened = webhookExample("pull_request", (e) => e.action === "opened" && !!e.installation);

export interface Stack {
  double: GitHubDouble;
  ledger: DeliveryLedger;
  deliver(options?: {
    id?: string;
    head?: string;
    event?: string;
    payload?: unknown;
  }): Promise<{ status: number; text: string }>;
  /** The last completed check-run output of the head commit. */
  lastPatch(sha?: string): any;
}

export function payloadFor(double: GitHubDouble, head: string): any {
  return {
    ...opened,
    repository: {
      ...opened.repository,
      name: double.repo,
      full_name: `${double.owner}/${double.repo}`,
      owner: { ...opened.repository.owner, login: double.owner },
    },
    installation: { id: 5 },
    pull_request: {
      ...opened.pull_request,
      number: 1,
      state: "open",
      head: { ...opened.pull_request.head, sha: head },
      base: { ...opened.pull_request.base, sha: BASE },
    },
  };
}

export async function stack(
  sink: OutputSink,
  options: {
    timeoutMs?: number;
    now?: () => number;
    budgetMs?: number;
    /** The App's options (limits). */
    app?: Parameters<typeof createApp>[0];
    /** The head commit's files instead of the example's (and those its archive leaves out). */
    head?: { files: ReadonlyMap<string, Uint8Array>; leftOut?: readonly string[] };
  } = {},
): Promise<Stack> {
  nock.cleanAll();
  nock.disableNetConnect();
  const double = new GitHubDouble();
  double.addPull(1, HEAD);
  await double.addTree(BASE, baseFiles);
  await double.addTree(HEAD, options.head?.files ?? headFiles, {
    ...(options.head?.leftOut ? { leftOut: options.head.leftOut } : {}),
  });
  double.install();
  const fetch = guardedFetch({
    apiTimeoutMs: options.timeoutMs ?? 2000,
    downloadTimeoutMs: options.timeoutMs ?? 2000,
  });
  const probot = new Probot({
    appId: APP_ID,
    privateKey,
    secret: SECRET,
    logLevel: "fatal",
    Octokit: ProbotOctokit.defaults((o: any) => ({
      ...o,
      request: { ...o.request, fetch },
      retry: { ...o.retry, enabled: true, retryAfterBaseValue: 5 },
      throttle: { ...o.throttle, enabled: false },
    })),
  });
  await probot.load(createApp({ appId: APP_ID, headLagMs: 20, ...options.app }));
  const ledger = new DeliveryLedger(new MemoryStore(), options.now);
  const log: Logger = { info: (f) => sink(JSON.stringify(f)), warn: (f) => sink(JSON.stringify(f)) };
  const worker = createWorker({
    secrets: [SECRET],
    ledger,
    log,
    app: async () => probot,
    ...(options.now ? { now: options.now } : {}),
    ...(options.budgetMs ? { budgetMs: options.budgetMs } : {}),
  });
  return {
    double,
    ledger,
    async deliver({ id = "d", head = HEAD, event = "pull_request", payload } = {}) {
      const body = JSON.stringify(payload ?? payloadFor(double, head));
      // As the receiver hands a delivery over: claimed in the ledger (once: a second delivery of the same
      // id is Netlify's retry of the same request), then forwarded with the hand-off header.
      if (!(await ledger.get(id)))
        await ledger.claim(id, { event, repository: `${double.owner}/${double.repo}` });
      const handoff = signHandoff(SECRET, { id, event, body }, options.now?.() ?? Date.now());
      const res = await worker(
        new Request("http://localhost/.netlify/functions/github-worker-background", {
          method: "POST",
          headers: {
            "x-github-delivery": id,
            "x-github-event": event,
            "x-hub-signature-256": await sign(SECRET, body),
            [HANDOFF_HEADER]: handoff,
          },
          body,
        }),
      );
      for (const run of double.checkRuns.values()) for (const p of run.patches) sink(JSON.stringify(p));
      for (const c of double.pull(1).comments) sink(c.body);
      return { status: res.status, text: (await res.text()).trim() };
    },
    lastPatch(sha = HEAD) {
      const runs = [...double.checkRuns.values()].filter((r) => r.headSha === sha);
      return runs.at(-1)?.patches.at(-1);
    },
  };
}

const TARBALL_BASE = (d: GitHubDouble) => `GET ${d.path}/tarball/${BASE}`;
const TARBALL_HEAD = (d: GitHubDouble) => `GET ${d.path}/tarball/${HEAD}`;
const COMMENTS = (d: GitHubDouble) => `POST ${d.path}/issues/1/comments`;

type CaseFn = (sink: OutputSink) => Promise<{ observed: string; pass: boolean }>;

const summary = (p: any) =>
  p ? `${p.conclusion}: "${p.output?.summary?.split("\n")[0]?.slice(0, 160)}"` : "no check-run result";

const CASES: Array<{
  id: string;
  group: "fault" | "bad-input" | "load";
  name: string;
  expected: string;
  run: CaseFn;
}> = [
  {
    id: "B9",
    group: "bad-input",
    name: "different deliveries for the same PR head",
    expected: "one analysis result, one check run, one comment",
    async run(sink) {
      const s = await stack(sink);
      await s.deliver({ id: "opened" });
      await s.deliver({ id: "reopened", payload: { ...payloadFor(s.double, HEAD), action: "reopened" } });
      const runs = [...s.double.checkRuns.values()].filter((r) => r.headSha === HEAD).length;
      return {
        observed: `${runs} check run, ${s.double.pull(1).comments.length} comment`,
        pass: runs === 1 && s.double.pull(1).comments.length === 1,
      };
    },
  },
  {
    id: "L6",
    group: "load",
    name: "API budget per analysis",
    expected: "≤ 20 requests, ≤ 5 content writes (token included)",
    async run(sink) {
      const s = await stack(sink);
      await s.deliver();
      const writes = s.double.requests.filter((r) => /^(POST|PATCH) \/repos/.test(r)).length;
      return {
        observed: `${s.double.requests.length} requests, ${writes} content writes`,
        pass: s.double.requests.length <= 20 && writes <= 5,
      };
    },
  },
  {
    id: "F1",
    group: "fault",
    name: "500/502/503 on the tarball",
    expected:
      "≤ 3 retries, then a check run left in progress saying it will retry (never a pass) and a failed delivery (Netlify retries); the retry finishes with one comment",
    async run(sink) {
      const s = await stack(sink);
      s.double.fault = (route, n) =>
        route === TARBALL_BASE(s.double) && n <= 4 ? { status: 503 } : undefined;
      const first = await s.deliver();
      const waiting = s.lastPatch();
      const tries = s.double.count(TARBALL_BASE(s.double));
      const second = await s.deliver();
      const runs = [...s.double.checkRuns.values()].filter((r) => r.headSha === HEAD).length;
      const pass =
        first.status === 500 &&
        tries === 4 &&
        waiting?.status === "in_progress" &&
        waiting.conclusion === undefined &&
        /will try again/.test(waiting.output.summary) &&
        second.status === 200 &&
        s.double.pull(1).comments.length === 1 &&
        runs === 1;
      return {
        observed: `${tries} attempts, worker ${first.status} (${waiting?.status} ${summary(waiting)}); retry: worker ${second.status}, ${s.double.pull(1).comments.length} comment, ${runs} check run (${s.lastPatch()?.conclusion})`,
        pass,
      };
    },
  },
  {
    id: "F2",
    group: "fault",
    name: "403 secondary limit with retry-after: 60",
    expected:
      "no request before 60 s: the delivery fails once, Netlify retries it after 1 minute; the check run says so",
    async run(sink) {
      const s = await stack(sink);
      s.double.fault = (route) =>
        route === TARBALL_BASE(s.double) ? { status: 403, headers: { "retry-after": "60" } } : undefined;
      const r = await s.deliver();
      const tries = s.double.count(TARBALL_BASE(s.double));
      const p = s.lastPatch();
      return {
        observed: `${tries} request, worker ${r.status}, ${summary(p)}`,
        pass: tries === 1 && r.status === 500 && /wait 60 s/.test(p?.output?.summary ?? ""),
      };
    },
  },
  {
    id: "F3",
    group: "fault",
    name: "403 with x-ratelimit-remaining: 0, reset in 20 min",
    expected: "deferred until the reset (notBefore), no retry storm",
    async run(sink) {
      const now = Date.now();
      const s = await stack(sink, { now: () => now });
      const reset = String(Math.floor(now / 1000) + 1200);
      s.double.fault = (route) =>
        route === TARBALL_BASE(s.double)
          ? { status: 403, headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset } }
          : undefined;
      const r = await s.deliver();
      const rec = await s.ledger.get("d");
      const tries = s.double.count(TARBALL_BASE(s.double));
      const waitMin = rec?.notBefore ? Math.round((rec.notBefore - now) / 60_000) : undefined;
      return {
        observed: `${tries} request, worker ${r.status} "${r.text}", ledger ${rec?.status} for ${waitMin} min`,
        pass: tries === 1 && rec?.status === "deferred" && waitMin !== undefined && waitMin >= 19,
      };
    },
  },
  {
    id: "F4",
    group: "fault",
    name: "403 secondary rate limit without retry-after",
    expected: "waits at least 60 s (retriable, Netlify retries after 1 min), clear check message",
    async run(sink) {
      const s = await stack(sink);
      s.double.fault = (route) =>
        route === TARBALL_BASE(s.double)
          ? { status: 403, body: { message: "You have exceeded a secondary rate limit." } }
          : undefined;
      const r = await s.deliver();
      const p = s.lastPatch();
      return {
        observed: `worker ${r.status}, ${summary(p)}`,
        pass: r.status === 500 && /wait 60 s/.test(p?.output?.summary ?? ""),
      };
    },
  },
  {
    id: "F5",
    group: "fault",
    name: "404 on the head tarball",
    expected:
      "failed check saying the head is unavailable (onAnalysisError default); no comment written; no retry",
    async run(sink) {
      const s = await stack(sink);
      s.double.fault = (route) => (route === TARBALL_HEAD(s.double) ? { status: 404 } : undefined);
      const r = await s.deliver();
      const p = s.lastPatch();
      return {
        observed: `worker ${r.status}, ${summary(p)}, ${s.double.pull(1).comments.length} comments`,
        pass:
          r.status === 200 &&
          p?.conclusion === "failure" &&
          /not found/.test(p.output.summary) &&
          s.double.pull(1).comments.length === 0,
      };
    },
  },
  {
    id: "F6",
    group: "fault",
    name: "410 Issues are disabled (comment)",
    expected: "job dropped with one log line; the check run keeps its result; no retry loop",
    async run(sink) {
      const s = await stack(sink);
      s.double.fault = (route) =>
        route === COMMENTS(s.double) ? { status: 410, body: { message: "Issues are disabled" } } : undefined;
      const r = await s.deliver();
      const patches = [...s.double.checkRuns.values()][0]?.patches.length;
      return {
        observed: `worker ${r.status} "${r.text}", check run patched ${patches}× (${s.lastPatch()?.conclusion}), ${s.double.count(COMMENTS(s.double))} comment attempt`,
        pass: r.status === 200 && patches === 1 && s.double.count(COMMENTS(s.double)) === 1,
      };
    },
  },
  {
    id: "F7",
    group: "fault",
    name: "422 on the comment body",
    expected: "one fallback minimal comment linking the check run; no loop",
    async run(sink) {
      const s = await stack(sink);
      s.double.fault = (route, n) =>
        route === COMMENTS(s.double) && n === 1
          ? { status: 422, body: { message: "Body is too long" } }
          : undefined;
      await s.deliver();
      const c = s.double.pull(1).comments;
      return {
        observed: `${s.double.count(COMMENTS(s.double))} attempts, ${c.length} comment: "${c[0]?.body.split("\n").at(-2) ?? ""}"`,
        pass: c.length === 1 && /check run/.test(c[0]!.body) && s.double.count(COMMENTS(s.double)) === 2,
      };
    },
  },
  {
    id: "F8",
    group: "fault",
    name: "401 (expired installation token) mid-job",
    expected: "the token is refreshed once and the call retried",
    async run(sink) {
      const s = await stack(sink);
      // The first token stops working mid-job (revoked): every request with it is refused from then on.
      s.double.fault = (route, _n, token) =>
        route === TARBALL_BASE(s.double) && token.endsWith("_1")
          ? { status: 401, body: { message: "Bad credentials" } }
          : undefined;
      const r = await s.deliver();
      const tokens = s.double.requests.filter((x) => x.endsWith("/access_tokens")).length;
      return {
        observed: `${tokens} token requests, worker ${r.status}, ${summary(s.lastPatch())}, ${s.double.pull(1).comments.length} comment`,
        pass: tokens === 2 && s.double.pull(1).comments.length === 1,
      };
    },
  },
  {
    id: "F9",
    group: "fault",
    name: "an API call hangs",
    expected:
      "aborted at the deadline (10 s API / 60 s downloads in production; 0.3 s here), retried, then a 'did not answer in time' check that waits for the next attempt — never a hung job, never a pass",
    async run(sink) {
      const s = await stack(sink, { timeoutMs: 300 });
      s.double.fault = (route) => (route === TARBALL_BASE(s.double) ? { hang: true } : undefined);
      const started = Date.now();
      const r = await s.deliver();
      const ms = Date.now() - started;
      const p = s.lastPatch();
      return {
        // The abort is the behaviour judged; how long it took is a figure (target < 5 s).
        observed: `ended after ${ms} ms (target < 5 s: ${ms < 5000 ? "met" : "missed"}), worker ${r.status}, ${summary(p)}`,
        pass: r.status === 500 && /did not answer in time/.test(p?.output?.summary ?? ""),
      };
    },
  },
  {
    id: "F10",
    group: "fault",
    name: "tarball truncated mid-stream",
    expected:
      "one re-download, then 'archive truncated' as a failure (onAnalysisError default); no partial result",
    async run(sink) {
      const s = await stack(sink);
      const gz = s.double.tarballs.get(BASE)!;
      s.double.fault = (route) =>
        route === TARBALL_BASE(s.double)
          ? {
              status: 200,
              body: gz.subarray(0, gz.length >> 1),
              headers: { "content-type": "application/x-gzip" },
            }
          : undefined;
      await s.deliver();
      const p = s.lastPatch();
      return {
        observed: `${s.double.count(TARBALL_BASE(s.double))} downloads, ${summary(p)}, ${s.double.pull(1).comments.length} comments`,
        pass:
          s.double.count(TARBALL_BASE(s.double)) === 2 &&
          p?.conclusion === "failure" &&
          /truncated/.test(p.output.summary) &&
          s.double.pull(1).comments.length === 0,
      };
    },
  },
  {
    id: "F11",
    group: "fault",
    name: "tarball redirect to a non-GitHub host",
    expected: "refused (SSRF guard) and reported; nothing fetched from that host",
    async run(sink) {
      const s = await stack(sink);
      let outside = 0;
      nock("http://169.254.169.254")
        .persist()
        .get(/.*/)
        .reply(() => {
          outside++;
          return [200, "metadata"];
        });
      s.double.fault = (route) =>
        route === TARBALL_BASE(s.double)
          ? { redirect: "http://169.254.169.254/latest/meta-data/" }
          : undefined;
      const r = await s.deliver();
      const p = s.lastPatch();
      return {
        observed: `${outside} requests to 169.254.169.254, worker ${r.status}, ${summary(p)}`,
        pass: outside === 0 && /not GitHub/.test(p?.output?.summary ?? ""),
      };
    },
  },
  {
    id: "F12",
    group: "fault",
    name: "Blobs unavailable during the claim",
    expected: "receiver answers 503; nothing processed unclaimed",
    async run() {
      const store = new MemoryStore();
      store.failing = true;
      let forwarded = 0;
      const receive = createReceiver({
        secrets: [SECRET],
        ledger: new DeliveryLedger(store),
        log: { info: () => {}, warn: () => {} },
        forward: async () => {
          forwarded++;
          return 202;
        },
      });
      const body = JSON.stringify(opened);
      const res = await receive(signedRequest(body, await sign(SECRET, body), "pull_request"));
      return {
        observed: `${res.status}, ${forwarded} jobs started`,
        pass: res.status === 503 && forwarded === 0,
      };
    },
  },
  {
    id: "F13",
    group: "fault",
    name: "background invoke returns non-202",
    expected: "receiver 5xx; the delivery stays redeliverable (claim marked failed) and its redelivery runs",
    async run() {
      const ledger = new DeliveryLedger(new MemoryStore());
      let status = 500;
      const receive = createReceiver({
        secrets: [SECRET],
        ledger,
        log: { info: () => {}, warn: () => {} },
        forward: async () => status,
      });
      const body = JSON.stringify(opened);
      const sig = await sign(SECRET, body);
      const first = await receive(signedRequest(body, sig, "pull_request"));
      status = 202;
      const again = await receive(signedRequest(body, sig, "pull_request"));
      return {
        observed: `${first.status}, then the redelivery ${again.status}`,
        pass: first.status === 502 && again.status === 202,
      };
    },
  },
  {
    id: "F14",
    group: "fault",
    name: "worker dies after the check run, before the comment; Netlify retries",
    expected: "the retry finishes; one comment, one check run",
    async run(sink) {
      const s = await stack(sink);
      s.double.fault = (route, n) => (route === COMMENTS(s.double) && n <= 4 ? { network: true } : undefined);
      const first = await s.deliver();
      const second = await s.deliver();
      const runs = [...s.double.checkRuns.values()].length;
      return {
        observed: `worker ${first.status} then ${second.status}; ${s.double.pull(1).comments.length} comment, ${runs} check run`,
        pass:
          first.status === 500 &&
          second.status === 200 &&
          s.double.pull(1).comments.length === 1 &&
          runs === 1,
      };
    },
  },
  {
    id: "F15",
    group: "fault",
    name: "two workers for the same PR at once",
    expected: "exactly one comment and one check run",
    async run(sink) {
      const s = await stack(sink);
      await Promise.all([s.deliver({ id: "a" }), s.deliver({ id: "b" })]);
      const runs = [...s.double.checkRuns.values()].length;
      return {
        observed: `${s.double.pull(1).comments.length} comment, ${runs} check run`,
        pass: s.double.pull(1).comments.length === 1 && runs === 1,
      };
    },
  },
  {
    id: "F16",
    group: "fault",
    name: "deliveries for sha2 processed before sha1",
    expected: "the comment and check show sha2; the sha1 job stops at the fence (superseded)",
    async run(sink) {
      const s = await stack(sink);
      const sha2 = "2".repeat(40);
      await s.double.addTree(sha2, headFiles);
      s.double.pull(1).head = sha2;
      await s.deliver({ id: "new", head: sha2 });
      await s.deliver({ id: "old", head: HEAD });
      const old = s.lastPatch(HEAD);
      return {
        observed: `sha1 check: ${old?.output?.title}; ${s.double.pull(1).comments.length} comment about ${s.double.pull(1).comments[0]?.body.includes(sha2.slice(0, 7)) ? "sha2" : "?"}`,
        pass: old?.output?.title === "Superseded by a newer commit" && s.double.pull(1).comments.length === 1,
      };
    },
  },
  {
    id: "F17",
    group: "fault",
    name: "the API still shows the old head for a moment",
    expected: "bounded re-read, then the result by the webhook's SHA; no stale result",
    async run(sink) {
      const s = await stack(sink);
      s.double.pull(1).lagHeads = ["0".repeat(40)];
      await s.deliver();
      return {
        observed: `${s.double.pull(1).comments.length} comment, check ${s.lastPatch()?.conclusion}`,
        pass: s.double.pull(1).comments.length === 1 && s.lastPatch()?.conclusion !== "neutral",
      };
    },
  },
  {
    id: "F18",
    group: "fault",
    name: "App JWT clock skew ('iat' in the future)",
    expected: "the auth library corrects the clock and retries; no crash",
    async run(sink) {
      const s = await stack(sink);
      s.double.fault = (route, n) =>
        route.endsWith("/access_tokens") && n === 1
          ? {
              status: 401,
              body: {
                message:
                  "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
              },
              headers: { date: new Date(Date.now() - 60_000).toUTCString() },
            }
          : undefined;
      const r = await s.deliver();
      return {
        observed: `worker ${r.status}, ${s.double.requests.filter((x) => x.endsWith("/access_tokens")).length} token requests, ${s.double.pull(1).comments.length} comment`,
        pass: r.status === 200 && s.double.pull(1).comments.length === 1,
      };
    },
  },
  {
    id: "F19",
    group: "fault",
    name: "an issue created twice by concurrent runs (list lag)",
    expected: "the next run converges: the newer issue is closed as a duplicate",
    async run() {
      const key = "kubernetes/apps/x/app/ks.yaml.dis";
      const body = `${issueMarker("stale", key)}\nbody`;
      const issues: BotIssue[] = [
        { number: 5, title: "t", body, state: "open" },
        { number: 6, title: "t", body, state: "open" },
      ];
      const plan = planStaleSweep({
        services: [
          {
            file: key,
            dir: "kubernetes/apps/x/app",
            enabledFile: "kubernetes/apps/x/app/ks.yaml",
            kustomizations: [],
            helmReleases: [],
            namespaces: [],
            dependents: [],
          },
        ],
        history: { [key]: { date: "2026-01-01T00:00:00Z", commit: "abc" } },
        issues,
        config: { ...DEFAULT_CONFIG.stale, dryRun: false },
        now: "2026-12-01T00:00:00Z",
        exists: () => true,
      });
      const closed = plan.actions
        .filter((a) => a.kind === "close")
        .map((a) => (a as { number: number }).number);
      return {
        observed: `closes #${closed.join(", #")}; opens ${plan.actions.filter((a) => a.kind === "open").length}`,
        pass: closed.length === 1 && closed[0] === 6 && !plan.actions.some((a) => a.kind === "open"),
      };
    },
  },
  {
    id: "F20",
    group: "fault",
    name: "workflow runs out of order: success #12 before failure #11",
    expected: "the older failure opens no issue",
    async run(sink) {
      const s = await stack(sink);
      const wr = webhookExample("workflow_run", (e) => e.action === "completed" && !!e.workflow_run.path);
      const payload = {
        ...wr,
        installation: { id: 5 },
        repository: {
          ...wr.repository,
          name: s.double.repo,
          full_name: `${s.double.owner}/${s.double.repo}`,
          owner: { ...wr.repository.owner, login: s.double.owner },
          default_branch: "main",
        },
        workflow_run: {
          ...wr.workflow_run,
          id: 11,
          run_number: 11,
          head_branch: "main",
          conclusion: "failure",
          pull_requests: [],
        },
      };
      // The double answers the configuration and issues query (none); the newest completed run is #12.
      s.double.fault = (route) => {
        if (route.includes("/actions/workflows/"))
          return { status: 200, body: { workflow_runs: [{ run_number: 12 }] } };
        return undefined;
      };
      await s.deliver({ id: "wr", event: "workflow_run", payload });
      const opened = s.double.requests.filter((r) => r === `POST ${s.double.path}/issues`).length;
      return { observed: `${opened} issues opened`, pass: opened === 0 };
    },
  },
];

function signedRequest(body: string, signature: string, event: string): Request {
  return new Request("http://localhost/api/github/webhooks", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-delivery": "d",
      "x-github-event": event,
      "x-hub-signature-256": signature,
    },
    body,
  });
}

export async function faultCases(sink: OutputSink): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of CASES) {
    let observed: string;
    let pass: boolean;
    try {
      ({ observed, pass } = await c.run(sink));
    } catch (error) {
      observed = `crashed: ${(error as Error).message}`;
      pass = false;
    }
    out.push({ id: c.id, group: c.group, name: c.name, expected: c.expected, observed, pass });
  }
  nock.cleanAll();
  nock.enableNetConnect();
  return out;
}
