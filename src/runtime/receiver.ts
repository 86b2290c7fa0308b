/**
 * The webhook receiver (Netlify's synchronous function): GitHub waits 10 s and never retries, so it only
 * checks, records and hands over — never analyzes, never calls GitHub:
 *
 * 1. POST with `X-GitHub-Delivery` and `X-GitHub-Event` (else 400), a body within the limit (else 413);
 * 2. `X-Hub-Signature-256` verified over the raw bytes, constant time, against the current and the previous
 *    secret (rotation); missing, sha1-only or wrong → 401, before anything is parsed;
 * 3. UTF-8 JSON (else 400); `ping` → 200; deliveries the App ignores → 200 without a job;
 * 4. the delivery claimed in the ledger (create-only): a duplicate → 200; the ledger unavailable → 503, so
 *    GitHub records a failure and the reconciler has it redelivered — nothing is processed unclaimed;
 * 5. handed to the background worker (raw body and signature, which the worker verifies again; a push too
 *    large for a background request is slimmed and re-signed) — a refusal → 502, the claim marked failed;
 * 6. 202.
 *
 * It imports nothing of the analysis (a test pins that), so its cold start stays small.
 */
import { verify } from "@octokit/webhooks-methods";
import type { DeliveryLedger } from "./deliveries.ts";
import { describeDelivery, interest } from "./events.ts";
import type { Logger } from "./log.ts";

export interface ReceiverDeps {
  /** Webhook secrets: the current one first, then the previous one while rotating. */
  secrets: readonly string[];
  ledger: DeliveryLedger;
  /** Starts the background job; resolves to the HTTP status of that invocation (202 expected). */
  forward(job: ForwardedDelivery): Promise<number>;
  log: Logger;
  maxBodyBytes?: number;
  /** Repositories served ("owner/repo" or "owner/*"); unset: every repository the App is installed on. */
  repositories?: readonly string[];
}

export interface ForwardedDelivery {
  id: string;
  event: string;
  body: string;
  signature: string;
}

/** GitHub caps payloads at 25 MB; ours are far smaller — 5 MiB is ample (a 413 is logged). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Netlify background functions accept at most 256 KB of request payload. */
export const MAX_FORWARD_BYTES = 240 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export async function verifySignature(
  secrets: readonly string[],
  body: string,
  signature: string,
): Promise<boolean> {
  if (!/^sha256=[0-9a-f]{64}$/.test(signature)) return false;
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
  return async (req) => {
    const started = Date.now();
    const id = req.headers.get("x-github-delivery");
    const event = req.headers.get("x-github-event");
    const answer = (status: number, text: string, extra: Record<string, unknown> = {}) => {
      deps.log.info({
        msg: "webhook",
        delivery: id,
        event,
        status,
        outcome: text,
        ms: Date.now() - started,
        ...extra,
      });
      return new Response(`${text}\n`, { status, headers: { "content-type": "text/plain" } });
    };
    if (req.method !== "POST") return answer(405, "method not allowed");
    if (!id || !event) return answer(400, "missing X-GitHub-Delivery or X-GitHub-Event");
    if (Number(req.headers.get("content-length") ?? 0) > max) return answer(413, "payload too large");
    const bytes = new Uint8Array(await req.arrayBuffer());
    if (bytes.byteLength > max) return answer(413, "payload too large");

    const signature = req.headers.get("x-hub-signature-256");
    if (!signature)
      return answer(
        401,
        req.headers.get("x-hub-signature") ? "sha1 signatures are not accepted" : "missing signature",
      );
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
    if (deps.repositories && !served(deps.repositories, meta.repository))
      return answer(200, "ignored", { why: "repository not served (FLUX_IMPACT_REPOSITORIES)", ...meta });

    let claim: string;
    try {
      claim = await deps.ledger.claim(id, { event, ...meta });
    } catch (error) {
      return answer(503, "delivery store unavailable", { error: (error as Error).message });
    }
    if (claim === "duplicate") return answer(200, "duplicate");

    const job = forwardable({ id, event, body, signature }, payload, deps.secrets[0] ?? "");
    let status: number;
    try {
      status = await deps.forward(await job);
    } catch {
      status = 0;
    }
    if (status < 200 || status >= 300) {
      await deps.ledger
        .mark(id, "failed", { reason: `background invocation answered ${status}` })
        .catch(() => {});
      return answer(502, "could not start the background job");
    }
    return answer(202, claim === "retaken" ? "accepted (retry of an unfinished delivery)" : "accepted", meta);
  };
}

function served(patterns: readonly string[], repository: string | undefined): boolean {
  if (!repository) return false;
  const owner = repository.slice(0, repository.indexOf("/"));
  return patterns.some(
    (p) => p.toLowerCase() === repository.toLowerCase() || p.toLowerCase() === `${owner.toLowerCase()}/*`,
  );
}

/**
 * The delivery as the worker gets it. A push larger than a background request may be keeps only what the
 * App reads (ref, after, deleted, repository, installation, sender) and is signed again with the current
 * secret, so the worker's verification holds.
 */
async function forwardable(
  job: ForwardedDelivery,
  payload: unknown,
  secret: string,
): Promise<ForwardedDelivery> {
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
