import { describe, expect, it } from "vitest";
import { DeliveryLedger, MemoryStore } from "../../src/runtime/deliveries.ts";
import {
  createFluxEventReceiver,
  EVENT_MAX_AGE_MS,
  eventToken,
  FLUX_EVENT,
  type FluxEventDelivery,
} from "../../src/runtime/flux-events.ts";
import { verifyHandoff } from "../../src/runtime/handoff.ts";
import { silentLogger } from "../../src/runtime/log.ts";
import { type ForwardedDelivery, verifySignature } from "../../src/runtime/receiver.ts";
import { FLUX_REASONS, fluxEvent, fluxEventRequest, fluxSignature } from "../support/flux/events.ts";

const EVENTS_SECRET = "flux-events-secret-0123456789";
const PREVIOUS = "flux-events-previous-9876543210";
const WEBHOOK = "webhook-secret-1234";
const NOW = Date.parse("2026-12-07T10:05:00Z");
const URL_OF = (repo = "home/ops", query = "") => `https://app.example/api/flux/events/${repo}${query}`;
const TOKEN = eventToken(EVENTS_SECRET, "home/ops");
const SHA = "0123456789abcdef0123456789abcdef01234567";

function setup(options: { forwardStatus?: number; repositories?: string[] } = {}) {
  const store = new MemoryStore();
  const forwarded: ForwardedDelivery[] = [];
  const receive = createFluxEventReceiver({
    eventSecrets: [EVENTS_SECRET, PREVIOUS],
    webhookSecrets: [WEBHOOK],
    ledger: new DeliveryLedger(store),
    log: silentLogger,
    now: () => NOW,
    forward: async (job) => {
      forwarded.push(job);
      return options.forwardStatus ?? 202;
    },
    ...(options.repositories ? { repositories: options.repositories } : {}),
  });
  return { store, forwarded, receive };
}

const ok = (overrides: Partial<Parameters<typeof fluxEvent>[0]> = {}) =>
  fluxEvent({
    name: "immich",
    reason: "ReconciliationSucceeded",
    revision: `main@sha1:${SHA}`,
    timestamp: "2026-12-07T10:04:00Z",
    ...overrides,
  });

describe("runtime/flux-events", () => {
  it.each(FLUX_REASONS)(
    "takes $kind $reason and hands it to the worker as the webhook receiver does",
    async (r) => {
      const { receive, forwarded } = setup();
      const event = fluxEvent({
        kind: r.kind,
        name: "immich",
        reason: r.reason,
        severity: r.severity,
        message: r.message,
        revision: r.kind === "HelmRelease" ? "0.9.0" : `main@sha1:${SHA}`,
        timestamp: "2026-12-07T10:04:00Z",
      });
      const res = await receive(fluxEventRequest(URL_OF(), event, TOKEN));
      expect(res.status).toBe(202);
      expect(forwarded).toHaveLength(1);
      const job = forwarded[0]!;
      expect(job.event).toBe(FLUX_EVENT);
      // The worker's checks hold: GitHub-style signature with the webhook secret, and the hand-off.
      expect(await verifySignature([WEBHOOK], job.body, job.signature)).toBe(true);
      expect(verifyHandoff([WEBHOOK], job.handoff, job, NOW)).toEqual({ ok: true });
      const delivery = JSON.parse(job.body) as FluxEventDelivery;
      expect(delivery.repository.full_name).toBe("home/ops");
      expect(delivery.event).toEqual(event);
    },
  );

  it("passes the cluster named in the URL", async () => {
    const { receive, forwarded } = setup();
    expect(
      (await receive(fluxEventRequest(URL_OF("home/ops", "?cluster=staging"), ok(), TOKEN))).status,
    ).toBe(202);
    expect((JSON.parse(forwarded[0]!.body) as FluxEventDelivery).cluster).toBe("staging");
    expect((await receive(fluxEventRequest(URL_OF("home/ops", "?cluster=a/b"), ok(), TOKEN))).status).toBe(
      400,
    );
  });

  it("refuses a missing or wrong signature, and another repository's token, before parsing", async () => {
    const { receive, forwarded } = setup();
    const body = JSON.stringify(ok());
    const unsigned = new Request(URL_OF(), { method: "POST", body });
    expect((await receive(unsigned)).status).toBe(401);
    const wrong = fluxEventRequest(URL_OF(), body, "not-the-token");
    expect((await receive(wrong)).status).toBe(401);
    // A cluster of another repository holds another token: it cannot report on this one.
    const otherRepo = fluxEventRequest(URL_OF(), body, eventToken(EVENTS_SECRET, "someone/else"));
    expect((await receive(otherRepo)).status).toBe(401);
    const sha1 = fluxEventRequest(URL_OF(), body, TOKEN, { "x-signature": "sha1=abc" });
    expect((await receive(sha1)).status).toBe(401);
    expect(forwarded).toHaveLength(0);
  });

  it("accepts the previous secret's token while rotating, and tokens whatever the repository's case", async () => {
    const { receive } = setup();
    const previous = eventToken(PREVIOUS, "Home/Ops");
    expect((await receive(fluxEventRequest(URL_OF("Home/Ops"), ok(), previous))).status).toBe(202);
  });

  it("runs a body once: the same post again is a duplicate", async () => {
    const { receive, forwarded } = setup();
    const body = JSON.stringify(ok());
    expect((await receive(fluxEventRequest(URL_OF(), body, TOKEN))).status).toBe(202);
    const again = await receive(fluxEventRequest(URL_OF(), body, TOKEN));
    expect(again.status).toBe(200);
    expect(await again.text()).toBe("duplicate\n");
    expect(forwarded).toHaveLength(1);
  });

  it("refuses a replay of an old signed event, and one from the future", async () => {
    const { receive } = setup();
    const old = ok({ timestamp: new Date(NOW - EVENT_MAX_AGE_MS - 1000).toISOString() });
    expect((await receive(fluxEventRequest(URL_OF(), old, TOKEN))).status).toBe(422);
    const future = ok({ timestamp: new Date(NOW + 10 * 60_000).toISOString() });
    expect((await receive(fluxEventRequest(URL_OF(), future, TOKEN))).status).toBe(422);
  });

  it("answers 400 naming the fields of a body that is not a Flux event", async () => {
    const { receive } = setup();
    const bad = JSON.stringify({ ...ok(), severity: "fatal", involvedObject: { kind: "Kustomization" } });
    const res = await receive(fluxEventRequest(URL_OF(), bad, TOKEN));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^not a Flux event: involvedObject\.name: .*severity: /);
    expect((await receive(fluxEventRequest(URL_OF(), "{not json", TOKEN))).status).toBe(400);
  });

  it("refuses a body over 64 KiB without reading it all", async () => {
    const { receive } = setup();
    const big = JSON.stringify(ok({ message: "x".repeat(70_000) }));
    expect((await receive(fluxEventRequest(URL_OF(), big, TOKEN))).status).toBe(413);
  });

  it("answers 404 off its path and 405 to other methods", async () => {
    const { receive } = setup();
    expect(
      (await receive(fluxEventRequest("https://app.example/api/flux/events/home", ok(), TOKEN))).status,
    ).toBe(404);
    expect((await receive(fluxEventRequest(URL_OF("home/../ops"), ok(), TOKEN))).status).toBe(404);
    expect((await receive(new Request(URL_OF(), { method: "GET" }))).status).toBe(405);
  });

  it("starts no job for what is not tracked: other kinds, trace events, repositories not served", async () => {
    const { receive, forwarded } = setup({ repositories: ["home/ops"] });
    const source = ok({ kind: "GitRepository", name: "flux-system", reason: "NewArtifact" });
    const a = await receive(fluxEventRequest(URL_OF(), source, TOKEN));
    expect([a.status, await a.text()]).toEqual([200, "ignored\n"]);
    expect((await receive(fluxEventRequest(URL_OF(), ok({ severity: "trace" }), TOKEN))).status).toBe(200);
    const other = eventToken(EVENTS_SECRET, "other/repo");
    expect((await receive(fluxEventRequest(URL_OF("other/repo"), ok(), other))).status).toBe(200);
    expect(forwarded).toHaveLength(0);
  });

  it("answers 503 when the ledger is down and 502 when the worker does not start, so Flux retries", async () => {
    const down = setup();
    down.store.failing = true;
    expect((await down.receive(fluxEventRequest(URL_OF(), ok(), TOKEN))).status).toBe(503);
    const refused = setup({ forwardStatus: 500 });
    const body = JSON.stringify(ok());
    expect((await refused.receive(fluxEventRequest(URL_OF(), body, TOKEN))).status).toBe(502);
    // Flux's retry of the same post runs it (the failed claim is taken over), not a duplicate.
    const retry = createFluxEventReceiver({
      eventSecrets: [EVENTS_SECRET],
      webhookSecrets: [WEBHOOK],
      ledger: new DeliveryLedger(refused.store),
      log: silentLogger,
      now: () => NOW,
      forward: async () => 202,
    });
    expect((await retry(fluxEventRequest(URL_OF(), body, TOKEN))).status).toBe(202);
  });

  it("signs as notification-controller does: HMAC-SHA256 of the exact bytes, hex (RFC 4231 case 2)", () => {
    expect(fluxSignature("what do ya want for nothing?", "Jefe")).toBe(
      "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });
});
