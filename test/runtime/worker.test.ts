import { sign } from "@octokit/webhooks-methods";
import { describe, expect, it } from "vitest";
import { GitHubApiError } from "../../src/github/errors.ts";
import { DeliveryLedger, LEASE_MS, MemoryStore } from "../../src/runtime/deliveries.ts";
import { silentLogger } from "../../src/runtime/log.ts";
import { createWorker } from "../../src/runtime/worker.ts";

const SECRET = "current-secret-1234";
const BODY = JSON.stringify({ action: "opened", repository: { full_name: "o/r" } });

async function delivery(body = BODY, secret = SECRET, id = "d-1") {
  return new Request("http://localhost/.netlify/functions/github-worker-background", {
    method: "POST",
    headers: {
      "x-github-delivery": id,
      "x-github-event": "pull_request",
      "x-hub-signature-256": await sign(secret, body),
    },
    body,
  });
}

function setup(receive: () => Promise<void>, options: { budgetMs?: number; now?: () => number } = {}) {
  const ledger = new DeliveryLedger(new MemoryStore(), options.now);
  const runs: string[] = [];
  const work = createWorker({
    secrets: [SECRET],
    ledger,
    log: silentLogger,
    app: async () => ({
      receive: async (e) => {
        runs.push(e.id);
        await receive();
      },
    }),
    ...options,
  });
  return { ledger, runs, work };
}

describe("runtime/worker", () => {
  it("verifies the signature again (its URL is public), runs the App once, records done", async () => {
    const { ledger, runs, work } = setup(async () => {});
    expect((await work(await delivery(BODY, "forged-secret-00"))).status).toBe(401);
    expect(runs).toEqual([]);
    await ledger.claim("d-1", { event: "pull_request" });
    expect((await work(await delivery())).status).toBe(200);
    expect(await ledger.get("d-1")).toMatchObject({ status: "done", attempts: 1 });
    const again = await work(await delivery());
    expect((await again.text()).trim()).toBe("already done");
    expect(runs).toEqual(["d-1"]);
  });

  it("a retriable GitHub error → failed and 500, so Netlify retries; a final one → failed and 200", async () => {
    const flaky = setup(async () => {
      throw new AggregateError([new GitHubApiError("download the head revision", 502, true)]);
    });
    expect((await flaky.work(await delivery())).status).toBe(500);
    expect(await flaky.ledger.get("d-1")).toMatchObject({
      status: "failed",
      reason: expect.stringContaining("502"),
    });

    const final = setup(async () => {
      throw new GitHubApiError("read the pull request", 404, false);
    });
    expect((await final.work(await delivery())).status).toBe(200);
    expect(await final.ledger.get("d-1")).toMatchObject({ status: "failed" });
  });

  it("rate limited longer than the time left → deferred until GitHub's reset, not retried early", async () => {
    let now = 1_000_000;
    const { ledger, work } = setup(
      async () => {
        throw new GitHubApiError("create the check run", 403, true, 20 * 60);
      },
      { now: () => now },
    );
    expect((await work(await delivery())).status).toBe(200);
    expect(await ledger.get("d-1")).toMatchObject({ status: "deferred", notBefore: now + 20 * 60_000 });
    expect(ledger.retakeable((await ledger.get("d-1"))!, now + 60_000)).toBe(false);
    now += 21 * 60_000;
    expect(ledger.retakeable((await ledger.get("d-1"))!)).toBe(true);
  });

  it("over the time budget → deferred for the reconciler instead of being killed mid-write", async () => {
    const { ledger, work } = setup(() => new Promise((r) => setTimeout(r, 200)), { budgetMs: 20 });
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
});
