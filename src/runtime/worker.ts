/**
 * The background worker (Netlify background function: 15 minutes, retried by Netlify after 1 and 3 minutes
 * when it fails). Its URL is public, so it verifies the signature again; then it runs the App on the
 * delivery and records the outcome in the ledger:
 *
 * - done → 200;
 * - a GitHub error worth retrying (5xx, network, rate limit) → failed, 500, so Netlify retries; when GitHub
 *   asked to wait longer than the time left, the delivery is deferred (`notBefore`) for the reconciler;
 * - a final error (404, 422, a bug) → failed, 200 (retrying cannot help; the check run already says so);
 * - over the time budget (12 minutes, well inside Netlify's 15) → deferred: the reconciler has GitHub
 *   redeliver it. Every write of the App is an idempotent ensure, so running a delivery again is safe.
 */
import { GitHubApiError } from "../github/errors.ts";
import type { DeliveryLedger } from "./deliveries.ts";
import type { Logger } from "./log.ts";
import { verifySignature } from "./receiver.ts";

export interface WorkerDeps {
  secrets: readonly string[];
  ledger: DeliveryLedger;
  log: Logger;
  /** The App (created lazily: the first delivery of a cold instance pays for loading it). */
  app(): Promise<{ receive(event: { id: string; name: string; payload: unknown }): Promise<void> }>;
  budgetMs?: number;
  now?: () => number;
}

export const WORKER_BUDGET_MS = 12 * 60_000;

const TIMED_OUT = Symbol("timed out");

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
    const body = await req.text();
    const signature = req.headers.get("x-hub-signature-256") ?? "";
    if (!(await verifySignature(deps.secrets, body, signature)))
      return answer(401, "signature does not match");

    const record = await deps.ledger.get(id);
    if (record?.status === "done") return answer(200, "already done");
    if (record?.status === "deferred" && (record.notBefore ?? 0) > now()) return answer(200, "deferred");
    await deps.ledger.mark(id, "running");

    const budget = deps.budgetMs ?? WORKER_BUDGET_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const app = await deps.app();
      const outcome = await Promise.race([
        app.receive({ id, name: event, payload: JSON.parse(body) }),
        new Promise<typeof TIMED_OUT>((resolve) => {
          timer = setTimeout(() => resolve(TIMED_OUT), budget);
        }),
      ]);
      if (outcome === TIMED_OUT) {
        await deps.ledger.mark(id, "deferred", { reason: "time budget exceeded", notBefore: now() });
        return answer(200, "deferred: time budget exceeded");
      }
      await deps.ledger.mark(id, "done");
      return answer(200, "done");
    } catch (error) {
      const gh = githubError(error);
      const left = budget - (now() - started);
      if (gh?.retriable && gh.retryAfterSeconds !== undefined && gh.retryAfterSeconds * 1000 > left) {
        const notBefore = now() + gh.retryAfterSeconds * 1000;
        await deps.ledger.mark(id, "deferred", { reason: gh.message, notBefore });
        return answer(200, "deferred: rate limited", { retryAfter: gh.retryAfterSeconds });
      }
      const reason = gh?.message ?? "the App failed; see the function log";
      await deps.ledger.mark(id, "failed", { reason });
      if (!gh) deps.log.warn({ msg: "job failed", delivery: id, event, error: errorText(error) });
      return gh?.retriable ? answer(500, "failed, retriable", { reason }) : answer(200, "failed", { reason });
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
