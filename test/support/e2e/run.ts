/**
 * flux-impact end to end over HTTP on this machine, with the real Netlify handlers.
 *
 * A GitHub double over HTTP (../github/github-double.ts) serves tarballs of the bundled example and
 * records every write; Netlify Blobs is the SDK's own local server; the receiver and the background worker
 * are served like Netlify Functions (functions-server.ts); deliveries are real @octokit/webhooks-examples
 * payloads adapted to the fake repository and signed with the webhook secret. Checks, then prints:
 *
 * 1. a pull request delivery ends in exactly one completed check run and one sticky comment (timings);
 * 2. its redelivery is a duplicate and writes nothing, nor does its body replayed under a new delivery id
 *    (to the receiver, or straight to the worker's public URL without the receiver's hand-off);
 * 3. L1 — ack latency of 500 deliveries at concurrency 20;
 * 4. L2 — a burst of 20 pull requests (with duplicate deliveries, shuffled): 20 comments, no duplicates;
 * 5. L5 — cold-start ack of a fresh process.
 *
 * Loopback only. GitHub's per-process write throttling is off here
 * (GITHUB_THROTTLE=off; on Netlify it adds about 3 s per analysis).
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { getStore } from "@netlify/blobs";
import { BlobsServer } from "@netlify/blobs/server";
import { sign } from "@octokit/webhooks-methods";
import { hasCommentMarker } from "../../../src/core/report/index.ts";
import { eventToken } from "../../../src/runtime/flux-events.ts";
import { fluxEventsHandler, receiverHandler, workerHandler } from "../../../src/runtime/netlify.ts";
import { fluxEvent, fluxSignature } from "../flux/events.ts";
import { readTree } from "../fs/disk-tree.ts";
import { webhookExample as example, GitHubDouble, testPrivateKey } from "../github/github-double.ts";
import { LocalFunctions, RECEIVER_PATH, WORKER_PATH } from "./functions-server.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const OWNER = "homelab-org";
const REPO = "home-ops";
const SECRET = "e2e-webhook-secret-0123456789";
const FLUX_SECRET = "e2e-flux-events-secret-0123456789";
const BASE = "b".repeat(40);
const HEAD = "1".repeat(40);

type Json = Record<string, unknown>;
export interface EndToEndResult {
  checks: Array<{ ok: boolean; what: string }>;
  l1?: { p50: number; p99: number; perSecond: number; non202: number };
  l2?: { comments: number; duplicates: number; prs: number; seconds: number };
  l5?: { status: number; ms: number };
  /** After the merge: Flux events acknowledged per second, GitHub requests per event, the deploy's outcome. */
  deploy?: {
    events: number;
    perSecond: number;
    requestsPerEvent: number;
    conclusion?: string;
    comment?: string;
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Runs the end-to-end checks and load figures; `print` gets the progress lines. */
export async function runEndToEnd(
  print: (line: string) => void = () => {},
  /** The functions' own log lines (JSON), e.g. for a scan of every output. */
  logs: (line: string) => void = () => {},
): Promise<EndToEndResult> {
  const result: EndToEndResult = { checks: [] };
  const check = (ok: boolean, what: string) => {
    print(`${ok ? "ok  " : "FAIL"} ${what}`);
    result.checks.push({ ok, what });
  };
  const tmp = mkdtempSync(join(tmpdir(), "flux-impact-e2e-"));
  const github = new GitHubDouble(OWNER, REPO);
  await github.addTree(BASE, readTree(join(ROOT, "examples/homelab/base")).files);
  const headFiles = readTree(join(ROOT, "examples/homelab/head")).files;
  await github.addTree(HEAD, headFiles);
  github.addPull(1, HEAD);
  const apiUrl = await github.serve();

  const blobsToken = randomUUID();
  const blobs = new BlobsServer({ directory: join(tmp, "blobs"), token: blobsToken });
  const { port: blobsPort } = await blobs.start();
  const privateKey = testPrivateKey();
  const env: Record<string, string> = {
    APP_ID: "4242",
    PRIVATE_KEY: privateKey.replace(/\n/g, "\\n"),
    WEBHOOK_SECRET: SECRET,
    GITHUB_API_URL: apiUrl,
    GITHUB_THROTTLE: "off",
    LOG_LEVEL: "fatal",
    BLOBS_API_URL: `http://127.0.0.1:${blobsPort}`,
    BLOBS_SITE_ID: "e2e-site",
    BLOBS_TOKEN: blobsToken,
    FLUX_EVENTS_SECRET: FLUX_SECRET,
    // The example's charts live on public registries this machine cannot reach; chart rendering in the
    // App is tested against loopback servers (test/github/pull-request-charts.test.ts).
    FLUX_IMPACT_HELM_RENDER: "off",
  };
  const quiet = console.log;
  const logged: string[] = [];
  console.log = (line: unknown) => {
    // the functions' JSON log lines
    logged.push(String(line));
    logs(String(line));
  };
  const functions = new LocalFunctions({
    receiver: receiverHandler(env),
    worker: workerHandler(env),
    fluxEvents: fluxEventsHandler(env),
  });
  const url = await functions.start();

  const repository = {
    ...(example("pull_request", (e) => e.action === "opened" && !!e.installation).repository as Json),
    name: REPO,
    full_name: `${OWNER}/${REPO}`,
    owner: { login: OWNER, id: 1, type: "Organization" },
    default_branch: "main",
  };
  const opened = example("pull_request", (e) => e.action === "opened" && !!e.installation);
  const pullRequest = (number: number, head: string) =>
    JSON.stringify({
      ...opened,
      number,
      repository,
      installation: { id: 1 },
      pull_request: {
        ...(opened.pull_request as Json),
        number,
        state: "open",
        head: { ...((opened.pull_request as Json).head as Json), sha: head },
        base: { ...((opened.pull_request as Json).base as Json), sha: BASE },
      },
    });
  const post = async (id: string, event: string, body: string) => {
    const started = performance.now();
    const res = await fetch(`${url}${RECEIVER_PATH}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-delivery": id,
        "x-github-event": event,
        "x-hub-signature-256": await sign(SECRET, body),
      },
      body,
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  };

  try {
    // 1. One pull request, end to end.
    const started = performance.now();
    const ack = await post("pr-1", "pull_request", pullRequest(1, HEAD));
    await functions.idle();
    const total = performance.now() - started;
    const runs = [...github.checkRuns.values()].filter((r) => r.headSha === HEAD);
    const comments = github.pulls.get(1)!.comments;
    check(ack.status === 202, `pull_request.opened acknowledged with 202 in ${ack.ms.toFixed(0)} ms`);
    check(
      runs.length === 1 && runs[0]!.status === "completed",
      `exactly one check run, completed (${runs[0]?.conclusion}: ${runs[0]?.title})`,
    );
    check(comments.length === 1 && hasCommentMarker(comments[0]!.body), "exactly one sticky comment");
    if (functions.errors.length) print(`     worker errors: ${[...new Set(functions.errors)].join("; ")}`);
    print(
      `     end to end (ack → check run and comment written): ${total.toFixed(0)} ms, ${github.requests.length} GitHub API requests`,
    );

    // 1b. A second pull request against the same base commit: its base analysis comes from the cache.
    const baseStore = getStore({
      name: "flux-impact-base-analyses",
      siteID: env.BLOBS_SITE_ID!,
      token: blobsToken,
      edgeURL: env.BLOBS_API_URL!,
      uncachedEdgeURL: env.BLOBS_API_URL!,
    });
    const storedEntries = async () => {
      const { blobs: entries } = await baseStore.list({ prefix: "base-analysis/" });
      return Promise.all(
        entries.map(async (b) => ({
          key: b.key,
          stored: (await baseStore.getMetadata(b.key))?.metadata.stored,
        })),
      );
    };
    const afterFirst = await storedEntries();
    const SECOND = "2".repeat(40);
    await github.addTree(SECOND, headFiles);
    github.addPull(2, SECOND);
    const secondStart = performance.now();
    await post("pr-2", "pull_request", pullRequest(2, SECOND));
    await functions.idle();
    const secondMs = performance.now() - secondStart;
    const afterSecond = await storedEntries();
    const second = [...github.checkRuns.values()].find((r) => r.headSha === SECOND);
    // The same report but for the head commit it names (in links, and abbreviated) and the check run's link.
    const sameReport = (body?: string) =>
      body
        ?.replaceAll(SECOND, HEAD)
        .replaceAll(SECOND.slice(0, 7), HEAD.slice(0, 7))
        .replace(/\/runs\/\d+/g, "/runs/N");
    check(
      afterFirst.length === 1 &&
        JSON.stringify(afterSecond) === JSON.stringify(afterFirst) &&
        second?.conclusion === runs[0]?.conclusion &&
        second?.title === runs[0]?.title &&
        sameReport(github.pulls.get(2)!.comments[0]?.body) === sameReport(comments[0]?.body),
      `a second pull request against the same base reads its base analysis from the cache (${afterFirst.length} entry, not rewritten) and reports the same`,
    );
    print(`     second pull request, end to end with the cached base: ${secondMs.toFixed(0)} ms`);

    // 2. The same delivery again.
    const writes = github.writes.length;
    const again = await post("pr-1", "pull_request", pullRequest(1, HEAD));
    await functions.idle();
    check(
      again.status === 200 && github.writes.length === writes,
      "its redelivery is a duplicate: 200, nothing written",
    );

    // 2b. The same signed body under a new delivery id, to the receiver and straight to the worker's URL.
    const replay = await post("pr-1-replayed", "pull_request", pullRequest(1, HEAD));
    const body = pullRequest(1, HEAD);
    const direct = await fetch(`${url}${WORKER_PATH}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-delivery": "pr-1-direct",
        "x-github-event": "pull_request",
        "x-hub-signature-256": await sign(SECRET, body),
      },
      body,
    });
    await direct.arrayBuffer();
    await functions.idle();
    const refused = logged.some((l) => l.includes('"delivery":"pr-1-direct"') && l.includes('"status":401'));
    check(
      replay.status === 200 && refused && github.writes.length === writes,
      "its body under a new delivery id: the receiver answers 200 (replay), the worker's URL 401 (no hand-off); nothing written",
    );

    // 6. After the merge: the push of a merged pull request opens a "Flux deploy" check run on the merge
    //    commit; the cluster's events (signed as notification-controller signs them) complete it and
    //    the merged pull request gets one comment with the outcome.
    const MERGED = "3".repeat(40);
    await github.addTree(MERGED, headFiles);
    github.addMergedPull(50, MERGED);
    const token = eventToken(FLUX_SECRET, `${OWNER}/${REPO}`);
    const fluxPost = async (event: ReturnType<typeof fluxEvent>) => {
      const body = JSON.stringify(event);
      const res = await fetch(`${url}/api/flux/events/${OWNER}/${REPO}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "gotk-component": event.reportingController,
          "x-signature": fluxSignature(body, token),
        },
        body,
      });
      await res.arrayBuffer();
      return res.status;
    };
    const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
    // The cluster's first event opts the repository in (before it, pushes track no deploy).
    const optIn = await fluxPost(
      fluxEvent({
        name: "flux-system",
        reason: "ReconciliationSucceeded",
        revision: `main@sha1:${BASE}`,
        timestamp: iso(-60_000),
      }),
    );
    await functions.idle();
    const pushExample = example("push", (e) => !!e.installation && !e.deleted);
    const pushBody = JSON.stringify({
      ...pushExample,
      ref: "refs/heads/main",
      before: BASE,
      after: MERGED,
      created: false,
      deleted: false,
      forced: false,
      repository: { ...repository, pushed_at: Math.floor(Date.now() / 1000) - 1 },
      installation: { id: 1 },
    });
    const pushed = await post("push-merge", "push", pushBody);
    await functions.idle();
    const deployRun = () =>
      [...github.checkRuns.values()].find((r) => r.name === "Flux deploy" && r.headSha === MERGED);
    check(
      optIn === 202 && pushed.status === 202 && deployRun()?.status === "in_progress",
      `the merge's push opens a "Flux deploy" check run on the merge commit, in progress (${deployRun()?.title})`,
    );
    const targets: Array<[string, string, string, string]> = [
      ["Kustomization", "flux-system", "cluster-apps", ""],
      ["Kustomization", "flux-system", "cluster-vars", ""],
      ["Kustomization", "flux-system", "immich", ""],
      ["Kustomization", "flux-system", "jellyfin", ""],
      ["HelmRelease", "media", "immich", "0.9.0"],
      ["HelmRelease", "media", "jellyfin", "1.4.2"],
    ];
    // 200 events for the merge: progress of every object, other objects' reconciliations, then successes.
    const events = Array.from({ length: 200 }, (_, i) => {
      const done = i >= 200 - targets.length;
      const [kind, namespace, name, chart] = targets[done ? i - (200 - targets.length) : i % targets.length]!;
      const revision = kind === "HelmRelease" ? chart : `main@sha1:${MERGED}`;
      if (!done && i % 10 === 9)
        return fluxEvent({
          name: `other-${i}`,
          reason: "ReconciliationSucceeded",
          revision: `main@sha1:${MERGED}`,
          timestamp: iso(i),
        });
      return fluxEvent({
        kind: kind as "Kustomization",
        namespace,
        name,
        reason: done
          ? kind === "HelmRelease"
            ? "UpgradeSucceeded"
            : "ReconciliationSucceeded"
          : "Progressing",
        message: done ? `${name} reconciled` : `Deployment/${namespace}/${name} configured (${i})`,
        revision,
        timestamp: iso(1000 + i * 10),
      });
    });
    const requestsBefore = github.requests.length;
    const eventsStart = performance.now();
    const statuses = await Promise.all(events.map(fluxPost));
    const ackSeconds = (performance.now() - eventsStart) / 1000;
    await functions.idle();
    const run = deployRun();
    const mergedComments = github.pulls.get(50)!.comments;
    const requestsPerEvent = (github.requests.length - requestsBefore) / events.length;
    result.deploy = {
      events: events.length,
      perSecond: events.length / ackSeconds,
      requestsPerEvent,
      ...(run?.conclusion ? { conclusion: run.conclusion } : {}),
      ...(mergedComments[0] ? { comment: mergedComments[0].body } : {}),
    };
    check(
      statuses.every((st) => st === 202) && run?.status === "completed" && run.conclusion === "success",
      `200 Flux events for the merge (every one acknowledged 202) complete it: ${run?.conclusion} — ${run?.title}`,
    );
    check(
      mergedComments.length === 1 &&
        mergedComments[0]!.body.includes("deployed to `cluster`: 6 of 6 reconciled"),
      "the merged pull request gets one comment with the outcome",
    );
    print(`     the deploy check run: ${run?.conclusion} — ${run?.title}`);
    for (const line of (mergedComments[0]?.body ?? "").split("\n").slice(0, 12)) print(`     │ ${line}`);
    print(
      `     Flux events: ${(events.length / ackSeconds).toFixed(0)} acknowledged/s at concurrency 200, ${requestsPerEvent.toFixed(2)} GitHub API requests per event, ${run?.patches.length ?? 0} check-run updates`,
    );

    // 3. L1: ack latency, 500 deliveries at concurrency 20 (workflow runs the App handles with one GraphQL read).
    const workflowRun = example(
      "workflow_run",
      (e) => e.action === "completed" && !!(e.workflow_run as Json).path,
    );
    // One workflow run each: the receiver recognises one body under a second delivery id as a replay.
    const wrBody = (run: number) =>
      JSON.stringify({
        ...workflowRun,
        repository,
        installation: { id: 1 },
        workflow_run: {
          ...(workflowRun.workflow_run as Json),
          id: 900_000 + run,
          head_branch: "feature",
          conclusion: "failure",
          pull_requests: [],
        },
      });
    const latencies: number[] = [];
    let next = 0;
    let non202 = 0;
    const loadStart = performance.now();
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < 500) {
          const i = next++;
          const r = await post(`load-${i}`, "workflow_run", wrBody(i));
          latencies.push(r.ms);
          if (r.status !== 202) non202++;
        }
      }),
    );
    const loadSeconds = (performance.now() - loadStart) / 1000;
    await functions.idle();
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    result.l1 = { p50, p99, perSecond: 500 / loadSeconds, non202 };
    check(non202 === 0, "L1 500 deliveries at concurrency 20: every one acknowledged with 202");
    print(
      `     L1 ack p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${(500 / loadSeconds).toFixed(0)} deliveries/s (bar: p99 < 500 ms; a figure, not a gate)`,
    );

    // 4. L2: a burst of 20 pull requests, two deliveries duplicated, in random order, all at once.
    const burst: Array<{ id: string; body: string }> = [];
    for (let n = 101; n <= 120; n++) {
      const sha = n.toString(16).padStart(40, "a");
      await github.addTree(sha, headFiles);
      github.addPull(n, sha);
      burst.push({ id: `burst-${n}`, body: pullRequest(n, sha) });
    }
    burst.push(burst[3]!, burst[11]!);
    burst.sort(() => Math.random() - 0.5);
    const burstStart = performance.now();
    const acks = await Promise.all(burst.map((d) => post(d.id, "pull_request", d.body)));
    await functions.idle();
    const burstMs = performance.now() - burstStart;
    const perPr = [...github.pulls.values()].filter((p) => p.number > 100).map((p) => p.comments.length);
    result.l2 = {
      comments: perPr.reduce((a, b) => a + b, 0),
      duplicates: perPr.filter((n) => n > 1).length,
      prs: perPr.filter((n) => n > 0).length,
      seconds: burstMs / 1000,
    };
    if (functions.errors.length) print(`     worker errors: ${[...new Set(functions.errors)].join("; ")}`);
    const missing = [...github.pulls.values()].filter((p) => p.number > 100 && p.comments.length !== 1);
    if (missing.length)
      print(
        `     without one comment: ${missing.map((p) => `#${p.number} (${p.comments.length})`).join(", ")}`,
      );
    check(
      perPr.length === 20 && perPr.every((n) => n === 1),
      `L2 burst of 20 pull requests (22 deliveries, 2 duplicated, shuffled): ${perPr.reduce((a, b) => a + b, 0)} comments, ${perPr.filter((n) => n > 1).length} duplicates, ${acks.filter((a) => a.status === 200).length} duplicate deliveries answered 200; all analyzed in ${(burstMs / 1000).toFixed(1)} s`,
    );

    // 5. L5: cold-start ack of a fresh process.
    const bodyFile = join(tmp, "cold.json");
    const coldBody = wrBody(99_999);
    writeFileSync(bodyFile, coldBody);
    const { stdout: out } = await promisify(execFile)(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "scripts/e2e/cold-start.ts"),
        url,
        bodyFile,
        await sign(SECRET, coldBody),
      ],
      { env: { ...process.env, ...env }, encoding: "utf8", timeout: 60_000 },
    );
    await functions.idle();
    const cold = JSON.parse(out.trim().split("\n").at(-1)!) as { status: number; ms: number };
    result.l5 = cold;
    check(cold.status === 202, "L5 cold start: a fresh process acknowledges with 202");
    print(
      `     L5 cold start: ${cold.ms} ms from process start to the 202, TypeScript loading included (bar 1.5 s; a figure, not a gate)`,
    );
    print(
      `     background runs ${functions.backgroundRuns}, retries ${functions.retries}, GitHub API requests ${github.requests.length}`,
    );
  } finally {
    console.log = quiet;
    await functions.stop();
    await github.stop();
    await blobs.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  return result;
}
