import { sign } from "@octokit/webhooks-methods";
import { describe, expect, it } from "vitest";
import { currentAttempt, type DeliveryAttempt, FINAL_ATTEMPT } from "../../src/github/attempt.ts";
import { GitHubApiError } from "../../src/github/errors.ts";
import { DeliveryLedger, LEASE_MS, MemoryStore } from "../../src/runtime/deliveries.ts";
import { HANDOFF_HEADER, HANDOFF_MAX_AGE_MS, signHandoff, verifyHandoff } from "../../src/runtime/handoff.ts";
import { silentLogger } from "../../src/runtime/log.ts";
import { createWorker, MAX_WORKER_BODY_BYTES } from "../../src/runtime/worker.ts";
import { countingBody, streamedRequest } from "../support/fixtures/streams.ts";

const SECRET = "current-secret-1234";
const OLD = "previous-secret-5678";
const BODY = JSON.stringify({ action: "opened", repository: { full_name: "o/r" } });
const URL_ = "http://localhost/.netlify/functions/github-worker-background";

interface Delivery {
  body?: string;
  id?: string;
  event?: string;
  /** The secret of GitHub's signature. */
  secret?: string;
  /** The secret the hand-off is signed with; `null`: no hand-off header. */
  handoffSecret?: string | null;
  /** How long ago the hand-off was signed (ms; negative: in the future). */
  age?: number;
  /** What the hand-off is signed over, when not the delivery itself (tampering). */
  signed?: { id?: string; event?: string; body?: string };
}

async function delivery(o: Delivery = {}, now = Date.now()) {
  const body = o.body ?? BODY;
  const id = o.id ?? "d-1";
  const event = o.event ?? "pull_request";
  const headers: Record<string, string> = {
    "x-github-delivery": id,
    "x-github-event": event,
    "x-hub-signature-256": await sign(o.secret ?? SECRET, body),
  };
  if (o.handoffSecret !== null)
    headers[HANDOFF_HEADER] = signHandoff(
      o.handoffSecret ?? SECRET,
      { id, event, body, ...o.signed },
      now - (o.age ?? 0),
    );
  return new Request(URL_, { method: "POST", headers, body });
}

function setup(
  receive: () => Promise<void> = async () => {},
  options: { budgetMs?: number; now?: () => number; repositories?: string[] } = {},
) {
  const ledger = new DeliveryLedger(new MemoryStore(), options.now);
  const runs: string[] = [];
  const attempts: DeliveryAttempt[] = [];
  const work = createWorker({
    secrets: [SECRET, OLD],
    ledger,
    log: silentLogger,
    app: async () => ({
      receive: async (e) => {
        runs.push(e.id);
        attempts.push(currentAttempt());
        await receive();
      },
    }),
    ...options,
  });
  /** What the receiver does before it hands over: claims the delivery in the ledger. */
  const claim = (id = "d-1") => ledger.claim(id, { event: "pull_request", repository: "o/r" });
  return { ledger, runs, attempts, work, claim };
}

const status = async (res: Response) => [res.status, (await res.text()).trim()];

describe("runtime/worker", () => {
  it("verifies the signature again (its URL is public), runs the App once, records done", async () => {
    const { ledger, runs, work, claim } = setup();
    await claim();
    expect((await work(await delivery({ secret: "forged-secret-00" }))).status).toBe(401);
    expect(runs).toEqual([]);
    expect((await work(await delivery())).status).toBe(200);
    expect(await ledger.get("d-1")).toMatchObject({ status: "done", attempts: 1 });
    const again = await work(await delivery());
    expect((await again.text()).trim()).toBe("already done");
    expect(runs).toEqual(["d-1"]);
  });

  it("runs a delivery handed over with the previous secret (rotation) and within the retry window", async () => {
    const now = 50_000_000;
    const { runs, work, claim } = setup(async () => {}, { now: () => now });
    await claim("a");
    await claim("b");
    expect((await work(await delivery({ id: "a", handoffSecret: OLD }, now))).status).toBe(200);
    // Netlify's last retry comes minutes after the hand-off, with the same request.
    const late = await delivery({ id: "b", age: HANDOFF_MAX_AGE_MS - 60_000 }, now);
    expect((await work(late)).status).toBe(200);
    expect(runs).toEqual(["a", "b"]);
  });

  it.each<[string, Delivery, string?]>([
    ["no hand-off header", { handoffSecret: null }],
    ["a hand-off signed with another key", { handoffSecret: "another-secret-99" }],
    ["a hand-off over another body", { signed: { body: `${BODY} ` } }],
    ["a hand-off for another delivery id", { signed: { id: "d-2" } }],
    ["a hand-off for another event", { signed: { event: "push" } }],
    ["an expired hand-off (over 30 minutes old)", { age: HANDOFF_MAX_AGE_MS + 1 }],
    ["a hand-off from the future", { age: -10 * 60_000 }],
    ["a delivery the ledger holds no claim for", {}, "no claim"],
  ])("refuses %s with 401; the App is not called", async (_name, d, claimed = "claimed") => {
    const now = 1_700_000_000_000;
    const { ledger, runs, work, claim } = setup(async () => {}, { now: () => now });
    if (claimed === "claimed") await claim();
    const res = await work(await delivery(d, now));
    expect(await status(res)).toEqual([401, "not handed over"]);
    expect(runs).toEqual([]);
    expect((await ledger.get("d-1"))?.status).toBe(claimed === "claimed" ? "queued" : undefined);
  });

  it("GitHub's signature is not a hand-off: the worker's key is derived, not the webhook secret", async () => {
    const { runs, work, claim } = setup();
    await claim();
    const signature = await sign(SECRET, BODY);
    const t = Date.now();
    const request = await delivery({ handoffSecret: null });
    const headers = new Headers(request.headers);
    headers.set(HANDOFF_HEADER, `t=${t},v1=${signature.slice("sha256=".length)}`);
    expect((await work(new Request(URL_, { method: "POST", headers, body: BODY }))).status).toBe(401);
    // Nor is a hand-off MAC keyed with the raw webhook secret.
    const { createHmac, createHash } = await import("node:crypto");
    const digest = createHash("sha256").update(BODY).digest("hex");
    const raw = createHmac("sha256", SECRET).update(`${t}.d-1.pull_request.${digest}`).digest("hex");
    headers.set(HANDOFF_HEADER, `t=${t},v1=${raw}`);
    expect((await work(new Request(URL_, { method: "POST", headers, body: BODY }))).status).toBe(401);
    expect(runs).toEqual([]);
  });

  it("the hand-off is HMAC-SHA256 under HMAC(secret, label) over t.id.event.sha256(body)", async () => {
    const { createHmac, createHash } = await import("node:crypto");
    const t = 1_700_000_000_000;
    const key = createHmac("sha256", SECRET).update("flux-impact hand-off v1").digest();
    const digest = createHash("sha256").update(BODY).digest("hex");
    const v1 = createHmac("sha256", key).update(`${t}.d-1.pull_request.${digest}`).digest("hex");
    const subject = { id: "d-1", event: "pull_request", body: BODY };
    expect(signHandoff(SECRET, subject, t)).toBe(`t=${t},v1=${v1}`);
    expect(verifyHandoff([OLD, SECRET], `t=${t},v1=${v1}`, subject, t)).toEqual({ ok: true });
    // "." in an id or event cannot move a boundary.
    expect(signHandoff(SECRET, { ...subject, id: "a.b", event: "c" }, t)).not.toBe(
      signHandoff(SECRET, { ...subject, id: "a", event: "b.c" }, t),
    );
    for (const bad of ["", "t=1", `t=${t},v1=${v1.toUpperCase()}`, `v1=${v1},t=${t}`])
      expect(verifyHandoff([SECRET], bad, subject, t).ok).toBe(false);
  });

  it("refuses a request without a hand-off before reading its body", async () => {
    const { runs, work } = setup();
    const { stream, counter } = countingBody(8 * 1024 * 1024);
    const res = await work(
      streamedRequest(
        URL_,
        {
          "x-github-delivery": "d-1",
          "x-github-event": "pull_request",
          "x-hub-signature-256": await sign(SECRET, "x"),
        },
        stream,
      ),
    );
    expect(res.status).toBe(401);
    expect(counter.pulled).toBeLessThanOrEqual(64 * 1024);
    expect(runs).toEqual([]);
  });

  it("reads an oversized body only up to its limit: 413", async () => {
    const { runs, work, claim } = setup();
    await claim();
    const { stream, counter } = countingBody(8 * 1024 * 1024);
    const res = await work(
      streamedRequest(
        URL_,
        {
          "x-github-delivery": "d-1",
          "x-github-event": "pull_request",
          "x-hub-signature-256": await sign(SECRET, "x"),
          [HANDOFF_HEADER]: signHandoff(SECRET, { id: "d-1", event: "pull_request", body: "x" }),
        },
        stream,
      ),
    );
    expect(res.status).toBe(413);
    expect(counter.pulled).toBeLessThanOrEqual(MAX_WORKER_BODY_BYTES + 64 * 1024);
    expect(counter.cancelled).toBe(true);
    expect(runs).toEqual([]);
  });

  it("runs only served repositories (FLUX_IMPACT_REPOSITORIES): another one → 200 ignored, never run", async () => {
    const elsewhere = setup(async () => {}, { repositories: ["someone/else"] });
    await elsewhere.claim();
    expect(await status(await elsewhere.work(await delivery()))).toEqual([200, "ignored"]);
    expect(elsewhere.runs).toEqual([]);
    expect(await elsewhere.ledger.get("d-1")).toMatchObject({ status: "done", attempts: 0 });

    const mine = setup(async () => {}, { repositories: ["O/*"] });
    await mine.claim();
    expect(await status(await mine.work(await delivery()))).toEqual([200, "done"]);
    expect(mine.runs).toEqual(["d-1"]);
  });

  it("tells the App which attempt it runs: 1 of FINAL_ATTEMPT first, final on the last", async () => {
    const { attempts, work, claim } = setup(async () => {
      throw new GitHubApiError("download the base revision", 502, true);
    });
    await claim();
    const request = await delivery();
    for (let i = 0; i < FINAL_ATTEMPT; i++) expect((await work(request.clone())).status).toBe(500);
    expect(attempts[0]).toEqual({ attempt: 1, final: false });
    expect(attempts.at(-1)).toEqual({ attempt: FINAL_ATTEMPT, final: true });
    expect(attempts.map((a) => a.final)).toEqual(
      Array.from({ length: FINAL_ATTEMPT }, (_, i) => i + 1 >= FINAL_ATTEMPT),
    );
  });

  it("a retriable GitHub error → failed and 500, so Netlify retries; a final one → failed and 200", async () => {
    const flaky = setup(async () => {
      throw new AggregateError([new GitHubApiError("download the head revision", 502, true)]);
    });
    await flaky.claim();
    expect((await flaky.work(await delivery())).status).toBe(500);
    expect(await flaky.ledger.get("d-1")).toMatchObject({
      status: "failed",
      reason: expect.stringContaining("502"),
    });

    const final = setup(async () => {
      throw new GitHubApiError("read the pull request", 404, false);
    });
    await final.claim();
    expect((await final.work(await delivery())).status).toBe(200);
    expect(await final.ledger.get("d-1")).toMatchObject({ status: "failed" });
  });

  it("rate limited longer than the time left → deferred until GitHub's reset, not retried early", async () => {
    let now = 1_000_000;
    const { ledger, work, claim } = setup(
      async () => {
        throw new GitHubApiError("create the check run", 403, true, 20 * 60);
      },
      { now: () => now },
    );
    await claim();
    expect((await work(await delivery({}, now))).status).toBe(200);
    expect(await ledger.get("d-1")).toMatchObject({ status: "deferred", notBefore: now + 20 * 60_000 });
    expect(ledger.retakeable((await ledger.get("d-1"))!, now + 60_000)).toBe(false);
    now += 21 * 60_000;
    expect(ledger.retakeable((await ledger.get("d-1"))!)).toBe(true);
  });

  it("over the time budget → deferred for the reconciler instead of being killed mid-write", async () => {
    const { ledger, work, claim } = setup(() => new Promise((r) => setTimeout(r, 200)), { budgetMs: 20 });
    await claim();
    const res = await work(await delivery());
    expect((await res.text()).trim()).toBe("deferred: time budget exceeded");
    expect(await ledger.get("d-1")).toMatchObject({ status: "deferred", reason: "time budget exceeded" });
  });
});

describe("runtime/deliveries ledger", () => {
  it("claims once; a duplicate is refused; a stuck or failed delivery is taken over exactly once", async () => {
    let now = 0;
    const ledger = new DeliveryLedger(new MemoryStore(), () => now);
    const claims = await Promise.all(Array.from({ length: 10 }, () => ledger.claim("g", { event: "push" })));
    expect(claims.filter((c) => c === "claimed")).toHaveLength(1);
    expect(await ledger.claim("g", { event: "push" })).toBe("duplicate");
    now += LEASE_MS + 1; // the worker never reported back
    const retakes = await Promise.all([
      ledger.claim("g", { event: "push" }),
      ledger.claim("g", { event: "push" }),
    ]);
    expect(retakes.sort()).toEqual(["duplicate", "retaken"]);
    await ledger.mark("g", "done");
    now += LEASE_MS * 10;
    expect(await ledger.claim("g", { event: "push" })).toBe("duplicate");
    expect(await ledger.prune(LEASE_MS)).toBe(1);
  });

  it("marks from the record last read or written, and reads again when it changed meanwhile", async () => {
    const ledger = new DeliveryLedger(new MemoryStore());
    await ledger.claim("g", { event: "push" });
    const stale = (await ledger.read("g"))!;
    const running = await ledger.mark("g", "running", {}, stale);
    expect(running.value).toMatchObject({ status: "running", attempts: 1 });
    // `stale` no longer matches: its attempts (0) must not come back.
    expect((await ledger.mark("g", "failed", {}, stale)).value).toMatchObject({
      status: "failed",
      attempts: 1,
    });
    const again = await ledger.mark("g", "running");
    expect((await ledger.mark("g", "done", {}, again)).value).toMatchObject({ status: "done", attempts: 2 });
  });

  it("claims a body once: its delivery again is the same, another id is a replay; records() lists deliveries only", async () => {
    const ledger = new DeliveryLedger(new MemoryStore());
    const digest = "a".repeat(64);
    const first = await Promise.all([ledger.claimBody(digest, "g1"), ledger.claimBody(digest, "g1")]);
    expect(first.map((c) => c.kind).sort()).toEqual(["new", "same"]);
    expect(await ledger.claimBody(digest, "g2")).toEqual({ kind: "replay", first: "g1" });
    await ledger.claim("g1", { event: "push", body: digest });
    expect((await ledger.records()).map((r) => r.id)).toEqual(["g1"]);
    expect(await ledger.get(`../body/${digest}`)).toBeUndefined();
    await expect(ledger.claimBody("not-a-digest", "g3")).rejects.toThrow();
  });

  it("prunes old delivery records with their body records, and old unattached body records", async () => {
    let now = 0;
    const store = new MemoryStore();
    const ledger = new DeliveryLedger(store, () => now);
    const [a, b, c, d] = ["a", "b", "c", "d"].map((x) => x.repeat(64)) as [string, string, string, string];
    await ledger.claimBody(a, "old");
    await ledger.claim("old", { event: "push", body: a });
    await ledger.claimBody(b, "orphan"); // its delivery claim never happened (the store failed in between)
    now += LEASE_MS * 10;
    await ledger.claimBody(c, "recent");
    await ledger.claim("recent", { event: "push", body: c });
    await ledger.claimBody(d, "recent-orphan");
    const reads: string[] = [];
    const get = store.get.bind(store);
    store.get = (k: string) => {
      reads.push(k);
      return get(k);
    };
    expect(await ledger.prune(LEASE_MS)).toBe(2);
    expect((await store.list()).sort()).toEqual([`body/${c}`, `body/${d}`, "delivery/recent"]);
    expect(reads).not.toContain(`body/${c}`); // a kept delivery's body record is not read
    // A replay of a pruned body is no longer recognised: the records last as long as the deliveries'.
    expect((await ledger.claimBody(a, "later")).kind).toBe("new");
  });
});
