// biome-ignore-all lint/suspicious/noExplicitAny: webhook payloads and check-run bodies are untyped JSON here.
/**
 * The "gate" and "fork writes" groups of `npm run reliability` (issue 13): the required check must not be
 * openable from a pull request, and a fork must not write outside its pull request.
 *
 * Gate: each case is a pull request that commits a real error — a GitHub token (FAULT_CANARY) — together
 * with one condition that makes the analysis fail or stop: content over a limit, content the engine
 * cannot finish, files the archive leaves out, faults of GitHub. The real worker runs the real App
 * against the GitHub double; a case passes when the check run's conclusion is not a pass (`success`,
 * `neutral` and `skipped` are passes for branch protection) — `failure`, or still in progress while a
 * retry is due. Content cases run with `onAnalysisError: neutral` on the default branch: that setting
 * may only relax faults outside the pull request, never content.
 *
 * Fork writes: workflow runs and re-runs from a fork — nothing outside the fork's pull request is written —
 * and the repository allow-list on the worker, the maintenance and the reconciler.
 *
 * Replay: the real receiver and worker (src/runtime) over one ledger — a signed body runs once, only when
 * the receiver handed it over, and bodies are read no further than their limit.
 */
import { randomBytes } from "node:crypto";
import { sign } from "@octokit/webhooks-methods";
import nock from "nock";
import { DeliveryLedger, MemoryStore } from "../../../src/runtime/deliveries.ts";
import { HANDOFF_HEADER, HANDOFF_MAX_AGE_MS, signHandoff } from "../../../src/runtime/handoff.ts";
import { createReceiver, type ForwardedDelivery, MAX_BODY_BYTES } from "../../../src/runtime/receiver.ts";
import { reconcileDeliveries, scheduledMaintenance } from "../../../src/runtime/scheduled.ts";
import { createWorker } from "../../../src/runtime/worker.ts";
import { countingBody, streamedRequest } from "../fixtures/streams.ts";
import { GitHubDouble } from "../github/github-double.ts";
import { HEAD, headFiles, payloadFor, SECRET, type Stack, stack } from "./faults.ts";
import { jobMemoryCase } from "./job-memory.ts";
import type { CaseResult, OutputSink } from "./types.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const TOKEN_PATH = "ops/token.env";
const NEUTRAL = "onAnalysisError: neutral\n";
const PASSING = new Set(["success", "neutral", "skipped"]);

/** The head check run's latest state: completed with a conclusion, or still in progress. */
function verdict(s: Stack): { state: string; summary: string; passes: boolean; tokenReported: boolean } {
  const runs = [...s.double.checkRuns.values()].filter((r) => r.headSha === HEAD);
  const run = runs.at(-1);
  const last = run?.patches.at(-1);
  const state = run ? (run.status === "completed" ? (run.conclusion ?? "?") : run.status) : "no check run";
  const annotations = run?.patches.flatMap((p) => p.output?.annotations ?? []) ?? [];
  return {
    state,
    summary: String(last?.output?.summary ?? ""),
    passes: !run || PASSING.has(state),
    tokenReported: annotations.some(
      (a: any) => a.path === TOKEN_PATH && /secret-github-token/.test(a.title ?? ""),
    ),
  };
}

const observed = (v: ReturnType<typeof verdict>, extra = "") =>
  `${v.state}${v.tokenReported ? ", token reported" : ""}${extra}: "${v.summary.split("\n")[0]!.slice(0, 150)}"`;

/** The example's head with the committed token and `more` files. */
function headWith(more: Record<string, Uint8Array | string> = {}): Map<string, Uint8Array> {
  const files = new Map(headFiles);
  for (const [path, body] of Object.entries(more))
    files.set(path, typeof body === "string" ? enc(body) : body);
  return files;
}

/** jellyfin's Kustomization substitutes BIG (64 KiB) into a manifest 10 000 times: 640 MB of output. */
function amplification(): Record<string, string> {
  const ks = new TextDecoder().decode(headFiles.get("kubernetes/apps/media/jellyfin/ks.yaml")!);
  const big = "A".repeat(64 * 1024);
  return {
    "kubernetes/apps/media/jellyfin/ks.yaml": ks.replace(
      "      APP: jellyfin\n",
      `      APP: jellyfin\n      BIG: ${big}\n`,
    ),
    "kubernetes/apps/media/jellyfin/app/pvc.yaml": `apiVersion: v1
kind: ConfigMap
metadata:
  name: amplified
data:
  v: "${"${BIG}".repeat(10_000)}"
`,
  };
}

interface GateCase {
  id: string;
  group: "gate" | "fork-writes" | "replay";
  name: string;
  expected: string;
  run(sink: OutputSink): Promise<{ observed: string; pass: boolean }>;
}

const NOT_A_PASS = "the check run is not a pass (failure, or in progress while a retry is due)";

const CASES: GateCase[] = [
  {
    id: "G1",
    group: "gate",
    name: "substitution amplified to 640 MB",
    expected: `${NOT_A_PASS}; the amplification and the token are reported; peak memory bounded`,
    async run(sink) {
      const s = await stack(sink, { head: { files: headWith(amplification()) } });
      s.double.config = NEUTRAL;
      const before = process.memoryUsage().rss;
      const r = await s.deliver();
      const grew = Math.round((process.memoryUsage().rss - before) / 1024 / 1024);
      const v = verdict(s);
      return {
        observed: `worker ${r.status}, ${observed(v, `, RSS +${grew} MB`)}`,
        pass: v.state === "failure" && v.tokenReported,
      };
    },
  },
  {
    id: "G2",
    group: "gate",
    name: "PR over the file-count limit",
    expected: `${NOT_A_PASS}, saying to split the change (limit lowered to 400 files for the case)`,
    async run(sink) {
      const more = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`bulk/f${i}.txt`, `${i}\n`]));
      const s = await stack(sink, {
        head: { files: headWith(more) },
        app: {
          limits: { compressedBytes: 100 << 20, uncompressedBytes: 128 << 20, files: 400, pathLength: 1024 },
        },
      });
      s.double.config = NEUTRAL;
      const r = await s.deliver();
      const v = verdict(s);
      return {
        observed: `worker ${r.status}, ${observed(v)}`,
        pass: v.state === "failure" && /split/.test(v.summary),
      };
    },
  },
  {
    id: "G3",
    group: "gate",
    name: "archive that expands past the size limit",
    expected: `${NOT_A_PASS} (a 64 MB file of zeros, 64 KB compressed, over the 40 MB default: stopped while streaming)`,
    async run(sink) {
      const s = await stack(sink, {
        head: { files: headWith({ "data/zeros.bin": new Uint8Array(64 << 20) }) },
      });
      s.double.config = NEUTRAL;
      const r = await s.deliver();
      const v = verdict(s);
      return { observed: `worker ${r.status}, ${observed(v)}`, pass: v.state === "failure" };
    },
  },
  {
    id: "G4",
    group: "gate",
    name: "archive too large to download",
    expected: `${NOT_A_PASS} (4 MB of random bytes, limit lowered to 1 MB)`,
    async run(sink) {
      const s = await stack(sink, {
        head: { files: headWith({ "data/noise.bin": new Uint8Array(randomBytes(4 << 20)) }) },
        app: {
          limits: { compressedBytes: 1 << 20, uncompressedBytes: 128 << 20, files: 50_000, pathLength: 1024 },
        },
      });
      s.double.config = NEUTRAL;
      const r = await s.deliver();
      const v = verdict(s);
      return { observed: `worker ${r.status}, ${observed(v)}`, pass: v.state === "failure" };
    },
  },
  {
    id: "G5",
    group: "gate",
    name: "25 files left out of the archive, the token last",
    expected: "every left-out file is read: the token is reported and the check fails",
    async run(sink) {
      const ignored = Object.fromEntries(
        Array.from({ length: 24 }, (_, i) => [`docs/ignored/f${i}.md`, `# ${i}\n`]),
      );
      const leftOut = [...Object.keys(ignored), TOKEN_PATH];
      const s = await stack(sink, { head: { files: headWith(ignored), leftOut } });
      const r = await s.deliver();
      const v = verdict(s);
      return {
        observed: `worker ${r.status}, ${observed(v)}`,
        pass: v.state === "failure" && v.tokenReported,
      };
    },
  },
  {
    id: "G6",
    group: "gate",
    name: "a left-out file GitHub cannot serve",
    expected: `${NOT_A_PASS}, naming the file that was not scanned`,
    async run(sink) {
      const s = await stack(sink, { head: { files: headWith(), leftOut: [TOKEN_PATH] } });
      s.double.config = NEUTRAL;
      s.double.unreadable.add(TOKEN_PATH);
      const r = await s.deliver();
      const v = verdict(s);
      return {
        observed: `worker ${r.status}, ${observed(v)}`,
        pass: v.state === "failure" && v.summary.includes(TOKEN_PATH),
      };
    },
  },
  {
    id: "G7",
    group: "gate",
    name: "HTML page (200) instead of JSON on the first request",
    expected:
      "a check run exists and stays in progress; the delivery is retried; the retry reports the token",
    async run(sink) {
      const s = await stack(sink);
      s.double.fault = (route, n) =>
        route === "POST /graphql" && n === 1
          ? {
              status: 200,
              body: "<html><body>Unicorn</body></html>",
              headers: { "content-type": "text/html" },
            }
          : undefined;
      const first = await s.deliver();
      const during = verdict(s);
      const second = await s.deliver();
      const after = verdict(s);
      return {
        observed: `worker ${first.status}, ${during.state}; retry: worker ${second.status}, ${observed(after)}`,
        pass:
          first.status === 500 &&
          during.state === "in_progress" &&
          after.state === "failure" &&
          after.tokenReported,
      };
    },
  },
  {
    id: "G8",
    group: "gate",
    name: "archive download stalls past its deadline",
    expected: "a retriable timeout (not a corrupt archive): in progress, the delivery retried",
    async run(sink) {
      const s = await stack(sink, { timeoutMs: 300 });
      s.double.fault = (route) => (route.includes("/tarball/") ? { stall: 64 } : undefined);
      const r = await s.deliver();
      const v = verdict(s);
      return {
        observed: `worker ${r.status}, ${observed(v)}`,
        pass: r.status === 500 && !v.passes && /in time/.test(v.summary),
      };
    },
  },
  {
    id: "G9",
    group: "gate",
    name: "GitHub failing on every attempt (retries spent)",
    expected: "in progress while retries are due, then failure (onAnalysisError default) — never neutral",
    async run(sink) {
      const s = await stack(sink);
      s.double.fault = (route) => (route.includes("/tarball/") ? { status: 503 } : undefined);
      const states: string[] = [];
      for (let i = 0; i < 3; i++) {
        await s.deliver();
        states.push(verdict(s).state);
      }
      const v = verdict(s);
      return {
        observed: `attempts: ${states.join(" → ")}: "${v.summary.slice(0, 150)}"`,
        pass: states[0] === "in_progress" && states[1] === "in_progress" && states[2] === "failure",
      };
    },
  },
  {
    id: "G10",
    group: "gate",
    name: "archive redirect to plain http or another storage account",
    expected: `refused, nothing fetched there; ${NOT_A_PASS}`,
    async run(sink) {
      const results: string[] = [];
      let pass = true;
      for (const target of [
        "http://codeload.github.com/o/r/legacy.tar.gz/x",
        "https://attacker.blob.core.windows.net/c/x.tar.gz",
      ]) {
        const s = await stack(sink);
        s.double.fault = (route) => (route.includes("/tarball/") ? { redirect: target } : undefined);
        await s.deliver();
        const v = verdict(s);
        results.push(`${new URL(target).protocol}//${new URL(target).hostname}: ${v.state}`);
        pass &&= !v.passes && /refused|not GitHub|redirect/i.test(v.summary);
      }
      return { observed: results.join("; "), pass };
    },
  },
  {
    id: "W1",
    group: "fork-writes",
    name: "a fork's failing workflow run on a branch named like main",
    expected: "no issue opened or commented, no log read",
    async run(sink) {
      const s = await stack(sink);
      await s.deliver({ id: "fork-run", event: "workflow_run", payload: forkRun(s, "failure") });
      const logs = s.double.requests.filter((r) => r.includes("/logs")).length;
      return {
        observed: `${s.double.writes.length} writes, ${logs} log reads`,
        pass: s.double.writes.length === 0 && logs === 0,
      };
    },
  },
  {
    id: "W2",
    group: "fork-writes",
    name: "a fork's passing workflow run on a branch named like main",
    expected: "no maintainer issue closed or commented",
    async run(sink) {
      const s = await stack(sink);
      await s.deliver({ id: "fork-pass", event: "workflow_run", payload: forkRun(s, "success") });
      return { observed: `${s.double.writes.length} writes`, pass: s.double.writes.length === 0 };
    },
  },
  {
    id: "W3",
    group: "fork-writes",
    name: "re-run of a fork's check (no PR list, no branch)",
    expected: "the PR is found by its head SHA and analyzed; writes only its check run and comment",
    async run(sink) {
      const s = await stack(sink);
      s.double.repositoryId = 4242;
      const base = payloadFor(s.double, HEAD);
      const payload = {
        action: "rerequested",
        installation: base.installation,
        repository: { ...base.repository, id: 4242, default_branch: "main" },
        sender: base.sender,
        check_run: {
          id: 1,
          name: "flux-impact",
          head_sha: HEAD,
          status: "completed",
          pull_requests: [],
          check_suite: { id: 1, head_branch: null, head_sha: HEAD },
        },
      };
      await s.deliver({ id: "fork-rerun", event: "check_run", payload });
      const outside = s.double.writes.filter(
        (w) => !/^(POST|PATCH) \/repos\/[^/]+\/[^/]+\/(check-runs|issues\/1\/comments)/.test(w),
      );
      const v = verdict(s);
      return {
        observed: `${observed(v)}; ${s.double.pull(1).comments.length} comment; ${outside.length} other writes`,
        pass: v.state === "failure" && v.tokenReported && outside.length === 0,
      };
    },
  },
  {
    id: "W4",
    group: "fork-writes",
    name: "worker: a claimed delivery of a repository not served",
    expected: "ignored (200) and never run, even with a valid hand-off",
    async run() {
      const r = runtime({ repositories: ["someone/else"] });
      const res = await r.toWorker(await r.handedOver("w4", prBody()));
      return {
        observed: `worker ${res.status} "${(await res.text()).trim()}", App ran ${r.ran.length}×`,
        pass: res.status === 200 && r.ran.length === 0,
      };
    },
  },
  {
    id: "W5",
    group: "fork-writes",
    name: "maintenance and reconciler outside FLUX_IMPACT_REPOSITORIES",
    expected: "the daily maintenance never runs there; the reconciler never has its deliveries redelivered",
    async run() {
      const maintained: string[] = [];
      const redelivered: string[] = [];
      const app = {
        async request(route: string, params: Record<string, unknown> = {}) {
          if (route === "GET /app/installations")
            return { data: [{ id: 1, account: { login: "homelab-org" } }] };
          if (route === "GET /app/hook/deliveries")
            return {
              data: [
                {
                  id: 11,
                  guid: "g-other",
                  delivered_at: new Date().toISOString(),
                  redelivery: false,
                  status_code: 502,
                  event: "pull_request",
                  action: "opened",
                },
              ],
            };
          if (route === "GET /app/hook/deliveries/{delivery_id}")
            return { data: { request: { payload: { repository: { full_name: "homelab-org/private" } } } } };
          if (route === "POST /app/hook/deliveries/{delivery_id}/attempts") {
            redelivered.push(String(params.delivery_id));
            return { data: {} };
          }
          throw new Error(`unexpected ${route}`);
        },
      };
      const installation = {
        graphql: () => undefined,
        async request(route: string) {
          if (route === "GET /installation/repositories")
            return {
              data: {
                repositories: [
                  { name: "home-ops", owner: { login: "homelab-org" } },
                  { name: "private", owner: { login: "homelab-org" } },
                ],
              },
            };
          throw new Error(`unexpected ${route}`);
        },
      };
      const quiet = { info: () => {}, warn: () => {} };
      const repositories = ["homelab-org/home-ops"];
      await scheduledMaintenance({
        app,
        installation: async () => installation,
        maintain: async (_c, repo) => {
          maintained.push(`${repo.owner}/${repo.repo}`);
        },
        cursor: { get: async () => undefined, set: async () => {} },
        log: quiet,
        repositories,
      });
      await reconcileDeliveries({
        app,
        ledger: new DeliveryLedger(new MemoryStore()),
        log: quiet,
        repositories,
      });
      return {
        observed: `maintained ${maintained.join(", ") || "none"}; redelivered ${redelivered.length}`,
        pass: maintained.join() === "homelab-org/home-ops" && redelivered.length === 0,
      };
    },
  },
  {
    id: "R1",
    group: "replay",
    name: "a signed body replayed under a new delivery id",
    expected: "the receiver answers duplicate and starts nothing",
    async run() {
      const r = runtime();
      const body = prBody();
      const first = await r.toReceiver("r1-a", body);
      const replay = await r.toReceiver("r1-b", body);
      return {
        observed: `first ${first.status}, replay ${replay.status} "${(await replay.text()).trim()}", ${r.forwarded.length} jobs started`,
        pass: first.status === 202 && replay.status === 200 && r.forwarded.length === 1,
      };
    },
  },
  {
    id: "R2",
    group: "replay",
    name: "a signed body POSTed straight to the worker's URL",
    expected: "401 before anything runs (no hand-off), also with a hand-off of another delivery",
    async run() {
      const r = runtime();
      const body = prBody();
      const bare = await r.toWorker({
        id: "r2",
        event: "pull_request",
        body,
        signature: await sign(SECRET, body),
      });
      const other = await r.handedOver("r2-real", body);
      const swapped = await r.toWorker({ ...other, id: "r2-other" });
      return {
        observed: `no hand-off ${bare.status}, another delivery's hand-off ${swapped.status}; App ran ${r.ran.length}×`,
        pass: bare.status === 401 && swapped.status === 401 && r.ran.length === 0,
      };
    },
  },
  {
    id: "R3",
    group: "replay",
    name: "GitHub's redelivery of a failed delivery (same id)",
    expected: "accepted and run again",
    async run() {
      const r = runtime();
      const body = prBody();
      r.forwardStatus = 500;
      const first = await r.toReceiver("r3", body);
      r.forwardStatus = 202;
      const again = await r.toReceiver("r3", body);
      const res = await r.toWorker(r.forwarded.at(-1)!);
      return {
        observed: `first ${first.status}, redelivery ${again.status}, worker ${res.status}, App ran ${r.ran.length}×`,
        pass: first.status === 502 && again.status === 202 && res.status === 200 && r.ran.length === 1,
      };
    },
  },
  {
    id: "R4",
    group: "replay",
    name: "a hand-off replayed after its window",
    expected: "401 (older than 30 minutes), nothing runs",
    async run() {
      const r = runtime();
      const body = prBody();
      await r.toReceiver("r4", body);
      const job = r.forwarded[0]!;
      const res = await r.toWorker({
        ...job,
        handoff: signHandoff(SECRET, job, Date.now() - HANDOFF_MAX_AGE_MS - 60_000),
      });
      return {
        observed: `worker ${res.status}, App ran ${r.ran.length}×`,
        pass: res.status === 401 && r.ran.length === 0,
      };
    },
  },
  {
    id: "R5",
    group: "replay",
    name: "an unsigned 64 MiB body, and an oversized signed one",
    expected: "401 / 413 having read at most one chunk past the limit",
    async run() {
      const r = runtime();
      const results: string[] = [];
      let pass = true;
      for (const signed of [false, true]) {
        const chunk = 64 * 1024;
        const { stream, counter } = countingBody(64 << 20, chunk);
        const res = await r.receive(
          streamedRequest(
            "http://localhost/api/github/webhooks",
            {
              "content-type": "application/json",
              "x-github-delivery": `r5-${signed}`,
              "x-github-event": "pull_request",
              ...(signed ? { "x-hub-signature-256": `sha256=${"0".repeat(64)}` } : {}),
            },
            stream,
          ),
        );
        const pulled = counter.pulled;
        results.push(
          `${signed ? "signed" : "unsigned"}: ${res.status} after ${(pulled / 1024).toFixed(0)} KiB`,
        );
        pass &&= signed
          ? res.status === 413 && pulled <= MAX_BODY_BYTES + 2 * chunk
          : res.status === 401 && pulled <= 2 * chunk;
      }
      return { observed: results.join("; "), pass };
    },
  },
];

/** A pull request delivery body of the double's repository. */
function prBody(): string {
  const double = new GitHubDouble();
  return JSON.stringify(payloadFor(double, HEAD));
}

/** The real receiver and worker over one ledger; the App only records what it was asked to run. */
function runtime(options: { repositories?: readonly string[] } = {}) {
  const ledger = new DeliveryLedger(new MemoryStore());
  const quiet = { info: () => {}, warn: () => {} };
  const forwarded: ForwardedDelivery[] = [];
  const ran: string[] = [];
  const state = { forwardStatus: 202 };
  const receive = createReceiver({
    secrets: [SECRET],
    ledger,
    log: quiet,
    ...(options.repositories ? { repositories: options.repositories } : {}),
    forward: async (job) => {
      forwarded.push(job);
      return state.forwardStatus;
    },
  });
  const worker = createWorker({
    secrets: [SECRET],
    ledger,
    log: quiet,
    ...(options.repositories ? { repositories: options.repositories } : {}),
    app: async () => ({
      receive: async (event) => {
        ran.push(event.id);
      },
    }),
  });
  return {
    forwarded,
    ran,
    receive,
    set forwardStatus(status: number) {
      state.forwardStatus = status;
    },
    async toReceiver(id: string, body: string) {
      return receive(
        new Request("http://localhost/api/github/webhooks", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-delivery": id,
            "x-github-event": "pull_request",
            "x-hub-signature-256": await sign(SECRET, body),
          },
          body,
        }),
      );
    },
    /** A delivery claimed in the ledger and handed over as the receiver does (without the allow-list). */
    async handedOver(id: string, body: string): Promise<ForwardedDelivery> {
      await ledger.claim(id, { event: "pull_request" });
      return {
        id,
        event: "pull_request",
        body,
        signature: await sign(SECRET, body),
        handoff: signHandoff(SECRET, { id, event: "pull_request", body }),
      };
    },
    toWorker(job: Omit<ForwardedDelivery, "handoff"> & { handoff?: string }) {
      return worker(
        new Request("http://localhost/.netlify/functions/github-worker-background", {
          method: "POST",
          headers: {
            "x-github-delivery": job.id,
            "x-github-event": job.event,
            "x-hub-signature-256": job.signature,
            ...(job.handoff ? { [HANDOFF_HEADER]: job.handoff } : {}),
          },
          body: job.body,
        }),
      );
    },
  };
}

/** A completed workflow run whose head is a fork's branch named like the default branch. */
function forkRun(s: Stack, conclusion: string): any {
  const base = payloadFor(s.double, HEAD);
  return {
    action: "completed",
    installation: base.installation,
    repository: { ...base.repository, id: 4242, default_branch: "main" },
    sender: base.sender,
    workflow: { name: "CI" },
    workflow_run: {
      id: 900,
      workflow_id: 9,
      run_attempt: 1,
      run_number: 31,
      name: "CI",
      path: ".github/workflows/ci.yaml",
      conclusion,
      status: "completed",
      event: "pull_request",
      head_branch: "main",
      head_sha: HEAD,
      html_url: "https://github.com/x/y/actions/runs/900",
      head_repository: { id: 777, full_name: "attacker/home-ops" },
      repository: { id: 4242 },
      pull_requests: [],
    },
  };
}

export async function gateCases(sink: OutputSink): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const c of CASES) {
    let result: { observed: string; pass: boolean };
    try {
      result = await c.run(sink);
    } catch (error) {
      result = { observed: `crashed: ${(error as Error).message}`, pass: false };
    }
    out.push({ id: c.id, group: c.group, name: c.name, expected: c.expected, ...result });
  }
  out.push(
    await jobMemoryCase(sink).catch((error) => ({
      id: "G11",
      group: "gate" as const,
      name: "largest PR at every limit, whole job in its own process",
      expected: "peak RSS < 512 MiB; not a pass; the token reported",
      observed: `crashed: ${(error as Error).message}`,
      pass: false,
    })),
  );
  nock.cleanAll();
  nock.enableNetConnect();
  return out;
}
