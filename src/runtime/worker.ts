/**
 * The background worker (Netlify background function: 15 minutes, retried by Netlify after 1 and 3 minutes
 * when it fails). Its URL is public, so before it runs anything it checks that the delivery is one the
 * receiver claimed and handed over:
 *
 * - the hand-off header (`handoff.ts`) and GitHub's signature present, else 401 before the body is read;
 *   the body read up to the limit and no further (else 413);
 * - the hand-off verified (a key derived from the webhook secret, current or previous; at most 30 minutes
 *   old), GitHub's signature verified again, and the ledger holding a claim for the delivery id — else 401,
 *   logged, nothing runs;
 * - a repository outside `FLUX_IMPACT_REPOSITORIES` → 200 "ignored", never run.
 *
 * Then it runs the App on the delivery — as attempt n of it (`withAttempt`: the ledger counts the runs; the
 * App ends its check run on a failure outside the pull request only on the final attempt) — and records the
 * outcome in the ledger:
 *
 * - done → 200;
 * - a GitHub error worth retrying (5xx, network, rate limit) → failed, 500, so Netlify retries; when GitHub
 *   asked to wait longer than the time left, the delivery is deferred (`notBefore`) for the reconciler;
 * - a final error (404, 422, a bug) → failed, 200 (retrying cannot help; the check run already says so);
 * - over the time budget (12 minutes, well inside Netlify's 15) → deferred: the reconciler has GitHub
 *   redeliver it. Every write of the App is an idempotent ensure, so running a delivery again is safe.
 */

import { FINAL_ATTEMPT, withAttempt } from "../github/attempt.ts";
import { GitHubApiError } from "../github/errors.ts";
import { type AllowList, NOT_SERVED, served } from "./allow-list.ts";
import { readBounded } from "./body.ts";
import type { DeliveryLedger, DeliveryRecord, MarkedRecord } from "./deliveries.ts";
import { describeDelivery } from "./events.ts";
import { HANDOFF_HEADER, verifyHandoff } from "./handoff.ts";
import type { Logger } from "./log.ts";
import { verifySignature } from "./receiver.ts";

export interface WorkerDeps {
  secrets: readonly string[];
  ledger: DeliveryLedger;
  log: Logger;
  /** The App (created lazily: the first delivery of a cold instance pays for loading it). */
  app(): Promise<{ receive(event: { id: string; name: string; payload: unknown }): Promise<void> }>;
  /** Repositories served ("owner/repo" or "owner/*", see allow-list.ts); unset: every repository. */
  repositories?: AllowList;
  budgetMs?: number;
  /** The largest body accepted (default: Netlify's 256 KB background payload, ≥ what the receiver forwards). */
  maxBodyBytes?: number;
  now?: () => number;
}

/** Netlify refuses background requests over 256 KB; the receiver slims pushes to MAX_FORWARD_BYTES. */
export const MAX_WORKER_BODY_BYTES = 256 * 1024;
export const WORKER_BUDGET_MS = 12 * 60_000;

const TIMED_OUT = Symbol("timed out");
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function createWorker(deps: WorkerDeps): (req: Request) => Promise<Response> {
  const now = deps.now ?? Date.now;
  return async (req) => {
    const started = now();
    const id = req.headers.get("x-github-delivery");
    const event = req.headers.get("x-github-event");
    const answer = (status: number, outcome: string, extra: Record<string, unknown> = {}) => {
      deps.log.info({ msg: "job", delivery: id, event, status, outcome, ms: now() - started, ...extra });
      return new Response(`${outcome}\n`, { status });
    };
    if (!id || !event) return answer(400, "missing X-GitHub-Delivery or X-GitHub-Event");
    // Not handed over by the receiver: refused before the body is read.
    const handoff = req.headers.get(HANDOFF_HEADER);
    const signature = req.headers.get("x-hub-signature-256");
    if (!handoff) return answer(401, "not handed over", { why: "no hand-off header" });
    if (!signature) return answer(401, "signature does not match", { why: "no signature" });
    const bytes = await readBounded(req, deps.maxBodyBytes ?? MAX_WORKER_BODY_BYTES);
    if (!bytes) return answer(413, "payload too large");

    const check = verifyHandoff(deps.secrets, handoff, { id, event, body: bytes }, now());
    if (!check.ok) return answer(401, "not handed over", { why: `hand-off ${check.why}` });
    let body: string;
    try {
      body = utf8.decode(bytes);
    } catch {
      return answer(401, "signature does not match");
    }
    if (!(await verifySignature(deps.secrets, body, signature)))
      return answer(401, "signature does not match");

    let entry: { value: DeliveryRecord; etag: string } | undefined;
    try {
      entry = await deps.ledger.read(id);
    } catch (error) {
      return answer(503, "delivery store unavailable", { error: (error as Error).message });
    }
    if (!entry) return answer(401, "not handed over", { why: "no claim in the ledger" });
    const record = entry.value;
    if (record.status === "done") return answer(200, "already done");
    if (record.status === "deferred" && (record.notBefore ?? 0) > now()) return answer(200, "deferred");

    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return answer(400, "body is not JSON");
    }
    const meta = describeDelivery(payload);
    if (!served(deps.repositories, meta.repository ?? record.repository)) {
      await deps.ledger.mark(id, "done", { reason: NOT_SERVED }, entry).catch(() => {});
      return answer(200, "ignored", { why: NOT_SERVED, ...meta });
    }

    let running: MarkedRecord;
    try {
      running = await deps.ledger.mark(id, "running", {}, entry);
    } catch (error) {
      return answer(503, "delivery store unavailable", { error: (error as Error).message });
    }
    const attempt = running.value.attempts;

    const budget = deps.budgetMs ?? WORKER_BUDGET_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const app = await deps.app();
      const outcome = await Promise.race([
        withAttempt({ attempt, final: attempt >= FINAL_ATTEMPT }, () =>
          app.receive({ id, name: event, payload }),
        ),
        new Promise<typeof TIMED_OUT>((resolve) => {
          timer = setTimeout(() => resolve(TIMED_OUT), budget);
        }),
      ]);
      if (outcome === TIMED_OUT) {
        await deps.ledger.mark(id, "deferred", { reason: "time budget exceeded", notBefore: now() }, running);
        return answer(200, "deferred: time budget exceeded");
      }
      await deps.ledger.mark(id, "done", {}, running);
      return answer(200, "done", { attempt });
    } catch (error) {
      const gh = githubError(error);
      const left = budget - (now() - started);
      if (gh?.retriable && gh.retryAfterSeconds !== undefined && gh.retryAfterSeconds * 1000 > left) {
        const notBefore = now() + gh.retryAfterSeconds * 1000;
        await deps.ledger.mark(id, "deferred", { reason: gh.message, notBefore }, running);
        return answer(200, "deferred: rate limited", { retryAfter: gh.retryAfterSeconds });
      }
      const reason = gh?.message ?? "the App failed; see the function log";
      await deps.ledger.mark(id, "failed", { reason }, running);
      if (!gh) deps.log.warn({ msg: "job failed", delivery: id, event, error: errorText(error) });
      return gh?.retriable
        ? answer(500, "failed, retriable", { reason, attempt })
        : answer(200, "failed", { reason, attempt });
    } finally {
      clearTimeout(timer);
    }
  };
}

/** The typed GitHub error behind a failure (Probot wraps handler errors in an AggregateError). */
function githubError(error: unknown): GitHubApiError | undefined {
  if (error instanceof GitHubApiError) return error;
  const inner = (error as { errors?: unknown[] } | undefined)?.errors;
  if (Array.isArray(inner))
    for (const e of inner) {
      const found = githubError(e);
      if (found) return found;
    }
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause !== undefined && cause !== error ? githubError(cause) : undefined;
}

function errorText(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(errorText).join("; ");
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
