import { describe, expect, it } from "vitest";
import { DeliveryLedger, MemoryStore } from "../../src/runtime/deliveries.ts";
import { silentLogger } from "../../src/runtime/log.ts";
import {
  type RequestClient,
  reconcileDeliveries,
  scheduledMaintenance,
} from "../../src/runtime/scheduled.ts";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const ago = (h: number) => new Date(NOW - h * 3600_000).toISOString();

function appClient(deliveries: unknown[], pages = 1, details: Record<number, string | null> = {}) {
  const calls: Array<{ route: string; params: Record<string, unknown> }> = [];
  const client: RequestClient = {
    async request(route, params) {
      calls.push({ route, params: params ?? {} });
      if (route === "GET /app/hook/deliveries/{delivery_id}") {
        const name = details[params?.delivery_id as number];
        if (name === undefined) throw new Error("Not Found");
        return { data: { request: { payload: name === null ? null : { repository: { full_name: name } } } } };
      }
      if (route === "GET /app/hook/deliveries") {
        const page = params?.cursor ? Number(params.cursor) : 0;
        const size = Math.ceil(deliveries.length / pages);
        const next =
          page + 1 < pages
            ? `<https://api.github.com/app/hook/deliveries?cursor=${page + 1}>; rel="next"`
            : undefined;
        return {
          data: deliveries.slice(page * size, (page + 1) * size),
          headers: next ? { link: next } : {},
        };
      }
      return { data: {} };
    },
  };
  return { client, calls };
}

describe("runtime/scheduled reconcileDeliveries", () => {
  it("redelivers what did not end well within 3 days, leaves the rest, gives up after 5 attempts", async () => {
    const ledger = new DeliveryLedger(new MemoryStore(), () => NOW);
    await ledger.claim("done", { event: "push" });
    await ledger.mark("done", "done");
    await ledger.claim("failed", { event: "pull_request" });
    await ledger.mark("failed", "failed", { reason: "GitHub answered 502" });
    await ledger.claim("hopeless", { event: "pull_request" });
    for (let i = 0; i < 5; i++) await ledger.mark("hopeless", "running");
    await ledger.mark("hopeless", "failed");
    const d = (id: number, guid: string, status_code: number, hours: number) => ({
      id,
      guid,
      status_code,
      delivered_at: ago(hours),
      redelivery: false,
      event: "pull_request",
      action: "opened",
    });
    const { client, calls } = appClient(
      [
        d(1, "done", 202, 1),
        d(2, "timeout", 0, 2), // GitHub gave up waiting: never claimed
        d(3, "server-error", 503, 3),
        d(4, "failed", 202, 4), // acknowledged, then the job failed
        d(5, "bad-signature", 401, 5), // permanent: redelivering cannot help
        d(6, "ignored", 200, 6),
        d(7, "too-old", 500, 80),
        d(8, "hopeless", 202, 7),
        d(9, "server-error", 202, 1), // a later attempt of the same delivery succeeded
      ],
      3,
    );
    const result = await reconcileDeliveries({ app: client, ledger, log: silentLogger, now: () => NOW });
    expect(result.redelivered.sort()).toEqual(["failed", "timeout"]);
    expect(result.gaveUp).toEqual(["hopeless"]);
    expect(calls.filter((c) => c.route.startsWith("POST")).map((c) => c.params.delivery_id)).toEqual([2, 4]);
  });
});

describe("runtime/scheduled reconcileDeliveries with FLUX_IMPACT_REPOSITORIES", () => {
  it("never redelivers a delivery of a repository not served, by its ledger record or its detail", async () => {
    const ledger = new DeliveryLedger(new MemoryStore(), () => NOW);
    for (const [guid, repository] of [
      ["mine-failed", "Home/ops"],
      ["theirs-failed", "stranger/ops"],
    ] as const) {
      await ledger.claim(guid, { event: "pull_request", repository });
      await ledger.mark(guid, "failed");
    }
    // A replayed body's record in the same store is no delivery.
    await ledger.claimBody("c".repeat(64), "mine-failed");
    const d = (id: number, guid: string, status_code: number) => ({
      id,
      guid,
      status_code,
      delivered_at: ago(1),
      redelivery: false,
      event: "pull_request",
      action: "opened",
    });
    const { client, calls } = appClient(
      [
        d(1, "mine-failed", 202),
        d(2, "theirs-failed", 202),
        d(3, "mine-timeout", 0), // never claimed: its detail names the repository
        d(4, "theirs-timeout", 503),
        d(5, "unknown-timeout", 502), // detail without a repository
        d(6, "detail-gone", 500), // detail unavailable
        d(7, "theirs-ok", 200),
      ],
      1,
      { 3: "home/ops", 4: "stranger/ops", 5: null },
    );
    const result = await reconcileDeliveries({
      app: client,
      ledger,
      log: silentLogger,
      now: () => NOW,
      repositories: ["home/*"],
    });
    expect(result.redelivered.sort()).toEqual(["mine-failed", "mine-timeout"]);
    expect(result.notServed.sort()).toEqual([
      "detail-gone",
      "theirs-failed",
      "theirs-timeout",
      "unknown-timeout",
    ]);
    const posted = calls.filter((c) => c.route.startsWith("POST")).map((c) => c.params.delivery_id);
    expect(posted.sort()).toEqual([1, 3]);
    // The detail is read only for unclaimed deliveries that would be redelivered.
    const details = calls.filter((c) => c.route === "GET /app/hook/deliveries/{delivery_id}");
    expect(details.map((c) => c.params.delivery_id).sort()).toEqual([3, 4, 5, 6]);

    // Without an allow-list, every one that did not end well is redelivered, no detail read.
    const all = appClient([d(2, "theirs-failed", 202), d(4, "theirs-timeout", 503)]);
    const open = await reconcileDeliveries({
      app: all.client,
      ledger,
      log: silentLogger,
      now: () => NOW,
    });
    expect(open.redelivered.sort()).toEqual(["theirs-failed", "theirs-timeout"]);
    expect(all.calls.some((c) => c.route === "GET /app/hook/deliveries/{delivery_id}")).toBe(false);
  });
});

describe("runtime/scheduled scheduledMaintenance", () => {
  it("sweeps every repository of every installation, resuming where the budget stopped it", async () => {
    let now = 0;
    let cursor: string | undefined;
    const swept: string[] = [];
    const installationClient = (id: number) => ({
      graphql: {},
      async request() {
        return {
          data: { repositories: [1, 2, 3].map((n) => ({ name: `repo${n}`, owner: { login: `org${id}` } })) },
        };
      },
    });
    const deps = {
      app: { request: async () => ({ data: [{ id: 1 }, { id: 2 }] }) },
      installation: async (id: number) => installationClient(id),
      maintain: async (_c: unknown, r: { owner: string; repo: string }) => {
        swept.push(`${r.owner}/${r.repo}`);
        now += 10_000;
      },
      cursor: {
        get: async () => cursor,
        set: async (v: string | undefined) => {
          cursor = v;
        },
      },
      log: silentLogger,
      now: () => now,
      budgetMs: 25_000,
    };
    expect(await scheduledMaintenance(deps)).toMatchObject({ remaining: 3 });
    expect(await scheduledMaintenance(deps)).toMatchObject({ remaining: 0 });
    expect(swept).toEqual([
      "org1/repo1",
      "org1/repo2",
      "org1/repo3",
      "org2/repo1",
      "org2/repo2",
      "org2/repo3",
    ]);
    expect(cursor).toBeUndefined();
  });
});

describe("runtime/scheduled scheduledMaintenance with FLUX_IMPACT_REPOSITORIES", () => {
  it("maintains served repositories only, and asks no token for an installation with none", async () => {
    const swept: string[] = [];
    const tokens: number[] = [];
    const deps = {
      app: {
        request: async () => ({
          data: [{ id: 1, account: { login: "Home" } }, { id: 2, account: { login: "stranger" } }, { id: 3 }],
        }),
      },
      installation: async (id: number) => {
        tokens.push(id);
        const owner = id === 1 ? "Home" : id === 2 ? "stranger" : "mixed";
        return {
          graphql: {},
          async request() {
            return {
              data: {
                repositories: ["ops", "site"].map((name) => ({ name, owner: { login: owner } })),
              },
            };
          },
        };
      },
      maintain: async (_c: unknown, r: { owner: string; repo: string }) => {
        swept.push(`${r.owner}/${r.repo}`);
      },
      cursor: { get: async () => undefined, set: async () => {} },
      log: silentLogger,
      repositories: ["home/*", "mixed/site"],
    };
    expect(await scheduledMaintenance(deps)).toMatchObject({ remaining: 0 });
    expect(swept).toEqual(["Home/ops", "Home/site", "mixed/site"]);
    expect(tokens).toEqual([1, 3]);
  });
});
