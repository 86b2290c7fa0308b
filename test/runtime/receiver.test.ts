import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import { describe, expect, it } from "vitest";
import { DeliveryLedger, MemoryStore } from "../../src/runtime/deliveries.ts";
import { verifyHandoff } from "../../src/runtime/handoff.ts";
import { silentLogger } from "../../src/runtime/log.ts";
import {
  createReceiver,
  type ForwardedDelivery,
  MAX_FORWARD_BYTES,
  verifySignature,
} from "../../src/runtime/receiver.ts";
import { countingBody, streamedRequest } from "../support/fixtures/streams.ts";
import { webhookExamples } from "../support/github/probot.ts";

const SECRET = "current-secret-1234";
const OLD = "previous-secret-5678";
const opened = webhookExamples
  .find((d) => d.name === "pull_request")!
  .examples.find((e) => e.action === "opened" && e.installation)!;
const BODY = JSON.stringify(opened);

function setup(forwardStatus = 202, options: { maxBodyBytes?: number } = {}) {
  const store = new MemoryStore();
  const ledger = new DeliveryLedger(store);
  const forwarded: ForwardedDelivery[] = [];
  const receive = createReceiver({
    secrets: [SECRET, OLD],
    ledger,
    log: silentLogger,
    forward: async (job) => {
      forwarded.push(job);
      return forwardStatus;
    },
    ...options,
  });
  return { store, ledger, forwarded, receive };
}

async function request(body: string, headers: Record<string, string | undefined> = {}, secret = SECRET) {
  const all: Record<string, string | undefined> = {
    "content-type": "application/json",
    "x-github-delivery": "d-1",
    "x-github-event": "pull_request",
    "x-hub-signature-256": await sign(secret, body),
    ...headers,
  };
  return new Request("http://localhost/api/github/webhooks", {
    method: "POST",
    headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined)),
    body,
  });
}

describe("runtime/receiver", () => {
  it("accepts a signed delivery: claims it, hands it to the worker with a hand-off, answers 202", async () => {
    const { receive, forwarded, ledger } = setup();
    const res = await receive(await request(BODY));
    expect(res.status).toBe(202);
    expect(forwarded).toEqual([
      {
        id: "d-1",
        event: "pull_request",
        body: BODY,
        signature: await sign(SECRET, BODY),
        handoff: expect.stringMatching(/^t=\d+,v1=[0-9a-f]{64}$/),
      },
    ]);
    const job = forwarded[0]!;
    expect(verifyHandoff([SECRET], job.handoff, job)).toEqual({ ok: true });
    expect(verifyHandoff([SECRET], job.handoff, { ...job, id: "d-2" }).ok).toBe(false);
    expect(await ledger.get("d-1")).toMatchObject({
      status: "queued",
      event: "pull_request",
      action: "opened",
      body: createHash("sha256").update(BODY).digest("hex"),
    });
  });

  it("refuses an unsigned request before reading its body", async () => {
    const { receive, forwarded } = setup();
    const { stream, counter } = countingBody(64 * 1024 * 1024);
    const res = await receive(
      streamedRequest(
        "http://localhost/api/github/webhooks",
        {
          "content-type": "application/json",
          "x-github-delivery": "d-1",
          "x-github-event": "pull_request",
        },
        stream,
      ),
    );
    expect(res.status).toBe(401);
    expect(counter.pulled).toBeLessThanOrEqual(64 * 1024);
    expect(forwarded).toEqual([]);
  });

  it("reads a signed body only up to the limit: 413 having read little more, the stream cancelled", async () => {
    const limit = 1024 * 1024;
    const { receive, forwarded, ledger } = setup(202, { maxBodyBytes: limit });
    const { stream, counter } = countingBody(64 * 1024 * 1024);
    const res = await receive(
      streamedRequest(
        "http://localhost/api/github/webhooks",
        {
          "content-type": "application/json",
          "x-github-delivery": "d-1",
          "x-github-event": "pull_request",
          "x-hub-signature-256": await sign(SECRET, "anything"),
        },
        stream,
      ),
    );
    expect(res.status).toBe(413);
    expect(counter.pulled).toBeGreaterThan(limit);
    expect(counter.pulled).toBeLessThanOrEqual(limit + 64 * 1024);
    expect(counter.cancelled).toBe(true);
    expect(forwarded).toEqual([]);
    expect(await ledger.get("d-1")).toBeUndefined();
  });

  it("a signed body replayed under a new delivery id is a duplicate, not forwarded", async () => {
    const { receive, forwarded } = setup();
    expect((await receive(await request(BODY))).status).toBe(202);
    const replay = await receive(await request(BODY, { "x-github-delivery": "d-forged" }));
    expect([replay.status, (await replay.text()).trim()]).toEqual([200, "duplicate (replayed body)"]);
    // Under another event name, too: GitHub's signature covers the body only.
    const renamed = await receive(
      await request(BODY, { "x-github-delivery": "d-forged-2", "x-github-event": "check_suite" }),
    );
    expect(renamed.status).toBe(200);
    expect(forwarded.map((j) => j.id)).toEqual(["d-1"]);
  });

  it("GitHub's redelivery (same id, same body) of a failed delivery still runs", async () => {
    const { receive, forwarded, ledger } = setup();
    expect((await receive(await request(BODY))).status).toBe(202);
    await ledger.mark("d-1", "running");
    await ledger.mark("d-1", "failed", { reason: "GitHub answered 502" });
    const redelivery = await receive(await request(BODY));
    expect([redelivery.status, (await redelivery.text()).trim()]).toEqual([
      202,
      "accepted (retry of an unfinished delivery)",
    ]);
    expect(forwarded.map((j) => j.id)).toEqual(["d-1", "d-1"]);
  });

  it.each([
    ["no signature", { "x-hub-signature-256": undefined }, 401],
    [
      "only the legacy sha1 signature",
      { "x-hub-signature-256": undefined, "x-hub-signature": "sha1=0123" },
      401,
    ],
    ["a signature of the wrong length", { "x-hub-signature-256": "sha256=abc" }, 401],
    ["a non-hex signature", { "x-hub-signature-256": `sha256=${"z".repeat(64)}` }, 401],
    ["just the prefix", { "x-hub-signature-256": "sha256=" }, 401],
    ["no delivery id", { "x-github-delivery": undefined }, 400],
    ["no event name", { "x-github-event": undefined }, 400],
    ["a form-encoded body", { "content-type": "application/x-www-form-urlencoded" }, 400],
  ])("rejects %s (%s) without a job", async (_name, headers, status) => {
    const { receive, forwarded, ledger } = setup();
    expect((await receive(await request(BODY, headers))).status).toBe(status);
    expect(forwarded).toEqual([]);
    expect(await ledger.get("d-1")).toBeUndefined();
  });

  it("rejects the wrong secret, an uppercase signature and a body re-serialized after signing", async () => {
    const { receive, forwarded } = setup();
    expect((await receive(await request(BODY, {}, "wrong-secret-000"))).status).toBe(401);
    const upper = (await sign(SECRET, BODY))
      .replace(/[a-f]/g, (c) => c.toUpperCase())
      .replace("SHA256", "sha256");
    expect((await receive(await request(BODY, { "x-hub-signature-256": upper }))).status).toBe(401);
    const reformatted = JSON.stringify(opened, null, 2);
    expect(
      (await receive(await request(reformatted, { "x-hub-signature-256": await sign(SECRET, BODY) }))).status,
    ).toBe(401);
    expect(forwarded).toEqual([]);
  });

  it("verifies GitHub's documented test vector, non-ASCII payloads and the previous secret (rotation)", async () => {
    expect(
      await verifySignature(
        ["It's a Secret to Everybody"],
        "Hello, World!",
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      ),
    ).toBe(true);
    const { receive } = setup();
    const unicode = JSON.stringify({
      ...opened,
      pull_request: { ...opened.pull_request, title: "Ünïcødé 🚀 — ok" },
    });
    expect((await receive(await request(unicode, { "x-github-delivery": "u" }))).status).toBe(202);
    expect((await receive(await request(BODY, { "x-github-delivery": "old" }, OLD))).status).toBe(202);
  });

  it("answers 413 for a body over 5 MiB and 400 for invalid JSON", async () => {
    const { receive } = setup();
    const big = JSON.stringify({ ...opened, padding: "x".repeat(5 * 1024 * 1024) });
    expect((await receive(await request(big))).status).toBe(413);
    expect((await receive(await request("{not json"))).status).toBe(400);
  });

  it("the same delivery twice: one job; a ping and ignored events: none", async () => {
    const { receive, forwarded } = setup();
    expect((await receive(await request(BODY))).status).toBe(202);
    const again = await receive(await request(BODY));
    expect([again.status, (await again.text()).trim()]).toEqual([200, "duplicate"]);
    const assigned = JSON.stringify({ ...opened, action: "assigned" });
    expect((await receive(await request(assigned, { "x-github-delivery": "a" }))).status).toBe(200);
    expect(
      (await receive(await request("{}", { "x-github-delivery": "p", "x-github-event": "ping" }))).status,
    ).toBe(200);
    const botComment = JSON.stringify({
      action: "created",
      sender: { type: "Bot" },
      issue: { pull_request: {} },
      comment: { body: "/flux-impact recheck" },
    });
    expect(
      (
        await receive(
          await request(botComment, { "x-github-delivery": "b", "x-github-event": "issue_comment" }),
        )
      ).status,
    ).toBe(200);
    expect(forwarded).toHaveLength(1);
  });

  it("serves only the repositories it is told to, when told", async () => {
    const forwarded: ForwardedDelivery[] = [];
    const receive = createReceiver({
      secrets: [SECRET],
      ledger: new DeliveryLedger(new MemoryStore()),
      log: silentLogger,
      repositories: ["someone/else", "other-org/*"],
      forward: async (job) => {
        forwarded.push(job);
        return 202;
      },
    });
    const res = await receive(await request(BODY));
    expect([res.status, (await res.text()).trim()]).toEqual([200, "ignored"]);
    const org = JSON.stringify({
      ...opened,
      repository: { ...opened.repository, full_name: "Other-Org/home-ops" },
    });
    expect((await receive(await request(org, { "x-github-delivery": "o" }))).status).toBe(202);
    expect(forwarded).toHaveLength(1);
  });

  it("the ledger unavailable → 503 and nothing processed; a refused hand-off → 502, and its redelivery runs", async () => {
    const down = setup();
    down.store.failing = true;
    expect((await down.receive(await request(BODY))).status).toBe(503);
    expect(down.forwarded).toEqual([]);

    const refused = setup(500);
    expect((await refused.receive(await request(BODY))).status).toBe(502);
    expect(await refused.ledger.get("d-1")).toMatchObject({ status: "failed" });
    const ok = createReceiver({
      secrets: [SECRET],
      ledger: refused.ledger,
      log: silentLogger,
      forward: async () => 202,
    });
    const redelivered = await ok(await request(BODY));
    expect([redelivered.status, (await redelivered.text()).trim()]).toEqual([
      202,
      "accepted (retry of an unfinished delivery)",
    ]);
  });

  it("slims a push too large for a background request and signs it again", async () => {
    const push = webhookExamples
      .find((d) => d.name === "push")!
      .examples.find((e) => e.ref === "refs/heads/master" && e.installation)!;
    const big = JSON.stringify({
      ...push,
      commits: Array.from({ length: 400 }, (_, i) => ({ id: `${i}`, message: "x".repeat(1000) })),
    });
    const { receive, forwarded } = setup();
    expect((await receive(await request(big, { "x-github-event": "push" }))).status).toBe(202);
    const job = forwarded[0]!;
    expect(job.body.length).toBeLessThan(MAX_FORWARD_BYTES);
    expect(JSON.parse(job.body)).toMatchObject({
      ref: push.ref,
      after: push.after,
      installation: push.installation,
    });
    expect(await verifySignature([SECRET], job.body, job.signature)).toBe(true);
    expect(verifyHandoff([SECRET], job.handoff, job)).toEqual({ ok: true });
  });

  it("loads nothing of the analysis: its import graph stays within the runtime", () => {
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"([^"]+)"/gms)) {
        const spec = m[1]!;
        if (spec.startsWith(".")) visit(resolve(dirname(file), spec));
        else packages.add(spec);
      }
    };
    visit(join(import.meta.dirname, "..", "..", "src", "runtime", "receiver.ts"));
    const files = [...seen].map((f) => f.slice(f.indexOf("src/")));
    expect(files.every((f) => f.startsWith("src/runtime/"))).toBe(true);
    // Node's built-ins (node:crypto for the hand-off) cost nothing to load.
    expect([...packages].filter((p) => !p.startsWith("node:"))).toEqual(["@octokit/webhooks-methods"]);
  });
});
