/**
 * Which attempt of a delivery a job is: the background worker retries a delivery when GitHub or the
 * network fails (Netlify runs a failed background function again after 1 and 3 minutes), and a job that
 * fails for such a reason leaves its check run in progress — merges stay blocked — until the last
 * attempt, which ends it with the configured `onAnalysisError` conclusion. The worker sets the attempt
 * around the App's handling of the delivery (AsyncLocalStorage, so it reaches the job through Probot);
 * anything that runs a job outside the worker (Probot's own server, tests, the CLI) has no retries, so
 * every attempt there is the last.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface DeliveryAttempt {
  /** 1 for the first run of a delivery. */
  attempt: number;
  /** No retry follows this one: a failure outside the pull request ends the check run now. */
  final: boolean;
}

/** The attempt after which a delivery is not retried by the worker's host (the first run + 2 retries). */
export const FINAL_ATTEMPT = 3;

const storage = new AsyncLocalStorage<DeliveryAttempt>();

/** Runs `job` as the given attempt of its delivery. */
export function withAttempt<T>(attempt: DeliveryAttempt, job: () => T): T {
  return storage.run(attempt, job);
}

/** The attempt of the delivery being handled; outside the worker, a first and final one. */
export function currentAttempt(): DeliveryAttempt {
  return storage.getStore() ?? { attempt: 1, final: true };
}
