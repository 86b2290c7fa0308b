/**
 * The Flux event receiver: notification-controller's `generic-hmac` Provider posts each event of a
 * cluster's Alert here, and the background worker folds it into the deploy of the commit it belongs to
 * (src/github/deploy-run.ts). Like the webhook receiver it only checks, records and hands over:
 *
 * 1. POST to `/api/flux/events/<owner>/<repo>` (the repository the cluster deploys; an optional
 *    `?cluster=<name>` names the cluster of a repository with several) — else 404/405;
 * 2. `X-Signature: sha256=<hex>` present and well-formed (else 401) before the body is read; the body read
 *    up to 64 KiB (else 413), then verified in constant time: HMAC-SHA256 over the raw bytes, keyed with
 *    the repository's event token (below), current or previous deployment secret;
 * 3. JSON (else 400) of Flux's event shape, validated with zod (else 400 naming the fields); an event
 *    older than six hours or from more than five minutes ahead is refused (422): a captured body cannot be
 *    replayed later, while notification-controller's own retries (seconds apart) pass;
 * 4. a repository outside `FLUX_IMPACT_REPOSITORIES` → 200 "ignored"; trace events and kinds other than
 *    Kustomization and HelmRelease → 200 "ignored" (no job);
 * 5. the body claimed in the delivery ledger (its SHA-256, create-only): the same body again is a
 *    duplicate → 200, nothing runs (Flux retries a post whose answer it did not get); the ledger
 *    unavailable → 503, so notification-controller retries;
 * 6. handed to the background worker as a `flux_event` delivery (the validated event, the repository, the
 *    cluster) signed with the webhook secret and a hand-off, as the webhook receiver hands over GitHub's →
 *    202; a refusal → 502 (Flux retries).
 *
 * The event token of a repository is HMAC-SHA256(FLUX_EVENTS_SECRET, "flux-impact events v1:" + the
 * lowercased "owner/repo"), hex: one secret per deployment, and each repository's clusters hold only their
 * own token, so a cluster can report only on its own repository. `flux-impact event-token OWNER/REPO`
 * prints it for the Secret of the Provider (README).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { type FluxEvent, parseFluxEvent } from "../core/deploy/index.ts";
import { type AllowList, NOT_SERVED, served } from "./allow-list.ts";
import { readBounded } from "./body.ts";
import type { DeliveryLedger } from "./deliveries.ts";
import { eventToken } from "./event-token.ts";
import { sha256Hex } from "./handoff.ts";
import type { Logger } from "./log.ts";
import { type ForwardedDelivery, handOver } from "./receiver.ts";

export { eventToken };
export const FLUX_EVENT = "flux_event";
export const FLUX_EVENTS_PATH = "/api/flux/events";
/** Flux events are a few KB; the Alert's eventMetadata and a long message stay far below. */
export const MAX_EVENT_BYTES = 64 * 1024;
export const EVENT_MAX_AGE_MS = 6 * 3600_000;
export const EVENT_MAX_SKEW_MS = 5 * 60_000;

const SIGNATURE = /^sha256=([0-9a-f]{64})$/;
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const CLUSTER = /^[A-Za-z0-9_.-]{1,63}$/;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** What the worker gets: the repository, the cluster named by the URL, and the validated event. */
export interface FluxEventDelivery {
  repository: { full_name: string; owner: { login: string }; name: string };
  cluster?: string;
  event: FluxEvent;
  receivedAt: string;
}

export interface FluxEventReceiverDeps {
  /** FLUX_EVENTS_SECRET, then FLUX_EVENTS_SECRET_PREVIOUS while rotating. */
  eventSecrets: readonly string[];
  /** The webhook secret (current first): the worker verifies hand-offs with it. */
  webhookSecrets: readonly string[];
  ledger: DeliveryLedger;
  forward(job: ForwardedDelivery): Promise<number>;
  log: Logger;
  repositories?: AllowList;
  now?: () => number;
}

export function createFluxEventReceiver(deps: FluxEventReceiverDeps): (req: Request) => Promise<Response> {
  const now = deps.now ?? Date.now;
  return async (req) => {
    const started = now();
    let repository: string | undefined;
    const answer = (status: number, outcome: string, extra: Record<string, unknown> = {}) => {
      deps.log.info({ msg: "flux event", repository, status, outcome, ms: now() - started, ...extra });
      return new Response(`${outcome}\n`, { status, headers: { "content-type": "text/plain" } });
    };
    const url = new URL(req.url);
    const parts = url.pathname.slice(FLUX_EVENTS_PATH.length).split("/").filter(Boolean);
    if (
      !url.pathname.startsWith(`${FLUX_EVENTS_PATH}/`) ||
      parts.length !== 2 ||
      !parts.every((p) => NAME.test(p))
    )
      return answer(404, "use /api/flux/events/<owner>/<repo>");
    const [owner, repo] = parts as [string, string];
    repository = `${owner}/${repo}`;
    const cluster = url.searchParams.get("cluster") ?? undefined;
    if (cluster !== undefined && !CLUSTER.test(cluster)) return answer(400, "cluster must be a plain name");
    if (req.method !== "POST") return answer(405, "method not allowed");
    const signature = SIGNATURE.exec(req.headers.get("x-signature") ?? "");
    if (!signature)
      return answer(401, req.headers.get("x-signature") ? "signature does not match" : "missing signature");
    const bytes = await readBounded(req, MAX_EVENT_BYTES);
    if (!bytes) return answer(413, "payload too large");
    const given = Buffer.from(signature[1]!, "hex");
    let verified = false;
    for (const secret of deps.eventSecrets) {
      const expected = createHmac("sha256", eventToken(secret, repository)).update(bytes).digest();
      if (timingSafeEqual(expected, given)) verified = true;
    }
    if (!verified) return answer(401, "signature does not match");

    let payload: unknown;
    try {
      payload = JSON.parse(utf8.decode(bytes));
    } catch {
      return answer(400, "body is not UTF-8 JSON");
    }
    const parsed = parseFluxEvent(payload);
    if (!parsed.ok) return answer(400, `not a Flux event: ${parsed.problems.join("; ")}`);
    const event = parsed.event;
    const object = `${event.involvedObject.kind} ${event.involvedObject.namespace ?? ""}/${event.involvedObject.name}`;
    const meta = { object, reason: event.reason, ...(cluster ? { cluster } : {}) };
    const age = now() - Date.parse(event.timestamp);
    if (age > EVENT_MAX_AGE_MS) return answer(422, "event older than 6 hours", meta);
    if (-age > EVENT_MAX_SKEW_MS) return answer(422, "event from the future", meta);
    if (!served(deps.repositories, repository)) return answer(200, "ignored", { why: NOT_SERVED, ...meta });
    if (event.severity === "trace") return answer(200, "ignored", { why: "trace event", ...meta });
    if (event.involvedObject.kind !== "Kustomization" && event.involvedObject.kind !== "HelmRelease")
      return answer(200, "ignored", { why: `${event.involvedObject.kind} events are not tracked`, ...meta });

    const digest = sha256Hex(bytes);
    const id = `flux-${digest.slice(0, 32)}`;
    let claim: string;
    try {
      const first = await deps.ledger.claimBody(digest, id);
      if (first.kind === "replay") return answer(200, "duplicate", meta);
      claim = await deps.ledger.claim(id, { event: FLUX_EVENT, repository, body: digest });
    } catch (error) {
      return answer(503, "delivery store unavailable", { error: (error as Error).message });
    }
    if (claim === "duplicate") return answer(200, "duplicate", meta);

    const delivery: FluxEventDelivery = {
      repository: { full_name: repository, owner: { login: owner }, name: repo },
      ...(cluster ? { cluster } : {}),
      event,
      receivedAt: new Date(now()).toISOString(),
    };
    const body = JSON.stringify(delivery);
    const secret = deps.webhookSecrets[0] ?? "";
    const signed = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    const handed = await handOver(
      deps,
      async () => ({ id, event: FLUX_EVENT, body, signature: signed }),
      secret,
      now(),
    );
    if (!handed) return answer(502, "could not start the background job", meta);
    return answer(202, "accepted", meta);
  };
}
