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

function appClient(deliveries: unknown[], pages = 1) {
  const calls: Array<{ route: string; params: Record<string, unknown> }> = [];
  const client: RequestClient = {
    async request(route, params) {
      calls.push({ route, params: params ?? {} });
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
