/**
 * The webhook receiver (Netlify's synchronous function): GitHub waits 10 s and never retries, so it only
 * checks, records and hands over — never analyzes, never calls GitHub:
 *
 * 1. POST with `X-GitHub-Delivery` and `X-GitHub-Event` (else 400);
 * 2. `X-Hub-Signature-256` present and well-formed (else 401) before a byte of the body is read; the body
 *    read up to the limit and no further (else 413), then the signature verified over the raw bytes,
 *    constant time, against the current and the previous secret (rotation) — before anything is parsed;
 * 3. UTF-8 JSON (else 400); `ping` → 200; deliveries the App ignores → 200 without a job; a repository
 *    outside `FLUX_IMPACT_REPOSITORIES` → 200 without a job;
 * 4. the body claimed in the ledger (its SHA-256, create-only): a body already accepted under another
 *    delivery id is a replay → 200, nothing runs; then the delivery id claimed (create-only): a duplicate →
 *    200; the ledger unavailable → 503, so GitHub records a failure and the reconciler has it redelivered —
 *    nothing is processed unclaimed;
 * 5. handed to the background worker with the raw body, GitHub's signature and a hand-off signed with a key
 *    derived from the webhook secret (`handoff.ts`), which the worker verifies along with the claim (a push
 *    too large for a background request is slimmed and re-signed) — a refusal → 502, the claim marked
 *    failed;
 * 6. 202.
 *
 * It imports nothing of the analysis (a test pins that), so its cold start stays small.
 */
import { verify } from "@octokit/webhooks-methods";
import { type AllowList, NOT_SERVED, served } from "./allow-list.ts";
import { readBounded } from "./body.ts";
import type { DeliveryLedger } from "./deliveries.ts";
import { describeDelivery, interest } from "./events.ts";
import { sha256Hex, signHandoff } from "./handoff.ts";
import type { Logger } from "./log.ts";

export interface ReceiverDeps {
  /** Webhook secrets: the current one first, then the previous one while rotating. */
  secrets: readonly string[];
  ledger: DeliveryLedger;
  /** Starts the background job; resolves to the HTTP status of that invocation (202 expected). */
  forward(job: ForwardedDelivery): Promise<number>;
  log: Logger;
  maxBodyBytes?: number;
  /** Repositories served ("owner/repo" or "owner/*", see allow-list.ts); unset: every repository. */
  repositories?: AllowList;
  now?: () => number;
}

export interface ForwardedDelivery {
  id: string;
  event: string;
  body: string;
  signature: string;
  /** The `x-flux-impact-handoff` header the worker verifies (handoff.ts). */
  handoff: string;
}

/** GitHub caps payloads at 25 MB; ours are far smaller — 5 MiB is ample (a 413 is logged). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Netlify background functions accept at most 256 KB of request payload. */
export const MAX_FORWARD_BYTES = 240 * 1024;

const SIGNATURE = /^sha256=[0-9a-f]{64}$/;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export async function verifySignature(
  secrets: readonly string[],
  body: string,
  signature: string,
): Promise<boolean> {
  if (!SIGNATURE.test(signature)) return false;
  for (const secret of secrets) {
    try {
      if (await verify(secret, body, signature)) return true;
    } catch {
      // A malformed signature is a failed verification, never an exception.
    }
  }
  return false;
}

export function createReceiver(deps: ReceiverDeps): (req: Request) => Promise<Response> {
  const max = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  const now = deps.now ?? Date.now;
  return async (req) => {
    const started = now();
    const id = req.headers.get("x-github-delivery");
    const event = req.headers.get("x-github-event");
    const answer = (status: number, text: string, extra: Record<string, unknown> = {}) => {
      deps.log.info({
        msg: "webhook",
        delivery: id,
        event,
        status,
        outcome: text,
        ms: now() - started,
        ...extra,
      });
      return new Response(`${text}\n`, { status, headers: { "content-type": "text/plain" } });
    };
    if (req.method !== "POST") return answer(405, "method not allowed");
    if (!id || !event) return answer(400, "missing X-GitHub-Delivery or X-GitHub-Event");
    // Unsigned or malformed: refused before the body is read.
    const signature = req.headers.get("x-hub-signature-256");
    if (!signature)
      return answer(
        401,
        req.headers.get("x-hub-signature") ? "sha1 signatures are not accepted" : "missing signature",
      );
    if (!SIGNATURE.test(signature)) return answer(401, "signature does not match");
    const bytes = await readBounded(req, max);
    if (!bytes) return answer(413, "payload too large");

    let body: string;
    try {
      body = utf8.decode(bytes);
    } catch {
      return answer(401, "signature does not match"); // not UTF-8: cannot be what GitHub signed
    }
    if (!(await verifySignature(deps.secrets, body, signature)))
      return answer(401, "signature does not match");

    const type = req.headers.get("content-type") ?? "";
    if (!type.startsWith("application/json")) return answer(400, "content type must be application/json");
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return answer(400, "body is not JSON");
    }
    const wanted = interest(event, payload);
    if (wanted.kind === "ping") return answer(200, "pong");
    if (wanted.kind === "ignore") return answer(200, "ignored", { why: wanted.why });
    const meta = describeDelivery(payload);
    if (wanted.kind === "log") return answer(200, "logged", meta);
    if (!served(deps.repositories, meta.repository))
      return answer(200, "ignored", { why: NOT_SERVED, ...meta });

    let claim: string;
    try {
      // The body first: GitHub's signature covers only the body, so the same body under a new delivery id
      // is a replay. GitHub's redelivery reuses the id and the body and passes.
      const digest = sha256Hex(bytes);
      const first = await deps.ledger.claimBody(digest, id);
      if (first.kind === "replay")
        return answer(200, "duplicate (replayed body)", { first: first.first, ...meta });
      claim = await deps.ledger.claim(id, { event, ...meta, body: digest });
    } catch (error) {
      return answer(503, "delivery store unavailable", { error: (error as Error).message });
    }
    if (claim === "duplicate") return answer(200, "duplicate");

    const secret = deps.secrets[0] ?? "";
    const handed = await handOver(
      deps,
      () => forwardable({ id, event, body, signature }, payload, secret),
      secret,
      now(),
    );
    if (!handed) return answer(502, "could not start the background job");
    return answer(202, claim === "retaken" ? "accepted (retry of an unfinished delivery)" : "accepted", meta);
  };
}

/**
 * Hands a claimed delivery to the background worker with a hand-off signed by the current secret. When the
 * worker does not take it (an answer other than 2xx, or none), the claim is marked failed, so a retry of
 * the same delivery runs it; returns whether the worker took it.
 */
export async function handOver(
  deps: Pick<ReceiverDeps, "forward" | "ledger">,
  delivery: () => Promise<Omit<ForwardedDelivery, "handoff">>,
  secret: string,
  now: number,
): Promise<boolean> {
  let status: number;
  let id: string | undefined;
  try {
    const job = await delivery();
    id = job.id;
    status = await deps.forward({ ...job, handoff: signHandoff(secret, job, now) });
  } catch {
    status = 0;
  }
  if (status >= 200 && status < 300) return true;
  if (id !== undefined)
    await deps.ledger
      .mark(id, "failed", { reason: `background invocation answered ${status}` })
      .catch(() => {});
  return false;
}

/**
 * The delivery as the worker gets it. A push larger than a background request may be keeps only what the
 * App reads (ref, after, deleted, repository, installation, sender) and is signed again with the current
 * secret, so the worker's verification holds.
 */
async function forwardable(
  job: Omit<ForwardedDelivery, "handoff">,
  payload: unknown,
  secret: string,
): Promise<Omit<ForwardedDelivery, "handoff">> {
  if (new TextEncoder().encode(job.body).byteLength <= MAX_FORWARD_BYTES || job.event !== "push") return job;
  const p = payload as Record<string, unknown>;
  const body = JSON.stringify({
    ref: p.ref,
    before: p.before,
    after: p.after,
    deleted: p.deleted,
    repository: p.repository,
    installation: p.installation,
    sender: p.sender,
  });
  const { sign } = await import("@octokit/webhooks-methods");
  return { ...job, body, signature: await sign(secret, body) };
}
