/**
 * The scheduled backstops (Netlify scheduled functions, 30 s each):
 *
 * - `reconcileDeliveries` (hourly): GitHub never retries a failed delivery, so this lists the App's
 *   deliveries of the last 3 days (GitHub's redelivery window) and asks GitHub to redeliver those that did
 *   not end well — answered 5xx or not at all, or claimed in the ledger but failed, deferred past their
 *   time, or stuck beyond the lease. Done deliveries and permanent refusals (bad signature, bad body) are
 *   left alone; a delivery that failed 5 times is given up with a log line. A delivery of a repository
 *   outside `FLUX_IMPACT_REPOSITORIES` is never redelivered: the ledger record names its repository, and
 *   one the ledger never saw is looked up in the delivery's detail (skipped when that does not name a
 *   served repository). Old ledger records are pruned.
 * - `scheduledMaintenance` (daily): the stale-service sweep and the dashboard for every served repository
 *   of every installation, resuming where the previous run stopped when the 30 s budget runs out.
 */
import { type AllowList, served } from "./allow-list.ts";
import type { DeliveryLedger } from "./deliveries.ts";
import type { Logger } from "./log.ts";

/** The slice of Octokit the backstops use. */
export interface RequestClient {
  request(
    route: string,
    params?: Record<string, unknown>,
  ): Promise<{ data: unknown; headers?: Record<string, unknown> }>;
}

interface HookDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  status_code: number;
  event: string;
  action: string | null;
}

export const REDELIVERY_WINDOW_MS = 3 * 24 * 3600_000;
const MAX_ATTEMPTS = 5;

export interface ReconcileResult {
  examined: number;
  redelivered: string[];
  gaveUp: string[];
  /** Deliveries that did not end well, left alone: their repository is not served (or unknown). */
  notServed: string[];
  pruned: number;
}

export async function reconcileDeliveries(deps: {
  app: RequestClient;
  ledger: DeliveryLedger;
  log: Logger;
  /** Repositories served ("owner/repo" or "owner/*", see allow-list.ts); unset: every repository. */
  repositories?: AllowList;
  now?: () => number;
  maxRedeliveries?: number;
  budgetMs?: number;
}): Promise<ReconcileResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const budget = deps.budgetMs ?? 25_000;
  const latest = new Map<string, HookDelivery>();
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const { data, headers } = await deps.app.request("GET /app/hook/deliveries", {
      per_page: 100,
      ...(cursor ? { cursor } : {}),
    });
    const batch = data as HookDelivery[];
    for (const d of batch) {
      const seen = latest.get(d.guid);
      if (!seen || Date.parse(d.delivered_at) > Date.parse(seen.delivered_at)) latest.set(d.guid, d);
    }
    const oldest = batch.at(-1);
    cursor = nextCursor(headers?.link);
    if (!cursor || !oldest || now() - Date.parse(oldest.delivered_at) > REDELIVERY_WINDOW_MS) break;
  }

  const result: ReconcileResult = {
    examined: latest.size,
    redelivered: [],
    gaveUp: [],
    notServed: [],
    pruned: 0,
  };
  for (const d of latest.values()) {
    if (now() - Date.parse(d.delivered_at) > REDELIVERY_WINDOW_MS) continue;
    if (result.redelivered.length >= (deps.maxRedeliveries ?? 20) || now() - started > budget) break;
    const record = await deps.ledger.get(d.guid);
    const ok = d.status_code >= 200 && d.status_code < 300;
    const retry = record
      ? deps.ledger.retakeable(record, now())
      : !ok && (d.status_code === 0 || d.status_code >= 500);
    if (!retry) continue;
    if (deps.repositories !== undefined) {
      const repository = record?.repository ?? (await deliveryRepository(deps, d));
      if (!served(deps.repositories, repository)) {
        result.notServed.push(d.guid);
        continue;
      }
    }
    if (record && record.attempts >= MAX_ATTEMPTS) {
      result.gaveUp.push(d.guid);
      deps.log.warn({
        msg: "delivery given up",
        delivery: d.guid,
        event: d.event,
        attempts: record.attempts,
        reason: record.reason,
      });
      continue;
    }
    await deps.app.request("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: d.id });
    result.redelivered.push(d.guid);
  }
  result.pruned = await deps.ledger.prune(REDELIVERY_WINDOW_MS + 24 * 3600_000);
  deps.log.info({
    msg: "reconcile",
    examined: result.examined,
    redelivered: result.redelivered.length,
    gaveUp: result.gaveUp.length,
    notServed: result.notServed.length,
    pruned: result.pruned,
    ms: now() - started,
  });
  return result;
}

/** The repository a delivery was for, from its detail (`request.payload.repository.full_name`). */
async function deliveryRepository(
  deps: { app: RequestClient; log: Logger },
  d: HookDelivery,
): Promise<string | undefined> {
  try {
    const { data } = await deps.app.request("GET /app/hook/deliveries/{delivery_id}", { delivery_id: d.id });
    const name = (data as { request?: { payload?: { repository?: { full_name?: unknown } } | null } })
      ?.request?.payload?.repository?.full_name;
    return typeof name === "string" ? name : undefined;
  } catch (error) {
    deps.log.warn({ msg: "delivery detail unavailable", delivery: d.guid, error: (error as Error).message });
    return undefined;
  }
}

function nextCursor(link: unknown): string | undefined {
  if (typeof link !== "string") return undefined;
  const next = link.split(",").find((part) => /rel="next"/.test(part));
  const url = next?.match(/<([^>]+)>/)?.[1];
  return url ? (new URL(url).searchParams.get("cursor") ?? undefined) : undefined;
}

export interface MaintenanceDeps {
  app: RequestClient;
  /** An installation's client (Probot's `auth(installationId)`). */
  installation(id: number): Promise<RequestClient & { graphql: unknown }>;
  /** Runs the sweep and the dashboard for one repository (src/github/maintenance.ts). */
  maintain(
    client: RequestClient & { graphql: unknown },
    repo: { owner: string; repo: string },
  ): Promise<unknown>;
  /** Repositories served ("owner/repo" or "owner/*", see allow-list.ts); unset: every repository. */
  repositories?: AllowList;
  /** Where the previous run stopped ("installationId/owner/repo" of the next repository). */
  cursor: { get(): Promise<string | undefined>; set(value: string | undefined): Promise<void> };
  log: Logger;
  now?: () => number;
  budgetMs?: number;
}

export async function scheduledMaintenance(
  deps: MaintenanceDeps,
): Promise<{ done: string[]; remaining: number }> {
  const now = deps.now ?? Date.now;
  const started = now();
  const budget = deps.budgetMs ?? 22_000;
  const repos: Array<{ installation: number; owner: string; repo: string; key: string }> = [];
  const installations = (await deps.app.request("GET /app/installations", { per_page: 100 })).data as Array<{
    id: number;
    account?: { login?: string } | null;
  }>;
  const clients = new Map<number, RequestClient & { graphql: unknown }>();
  let notServed = 0;
  for (const inst of installations) {
    // An installation whose account no pattern names has nothing to serve: no token is asked for.
    const login = inst.account?.login?.toLowerCase();
    if (login && deps.repositories?.every((p) => !p.toLowerCase().startsWith(`${login}/`))) continue;
    const client = await deps.installation(inst.id);
    clients.set(inst.id, client);
    const { data } = await client.request("GET /installation/repositories", { per_page: 100 });
    for (const r of (
      data as { repositories: Array<{ name: string; owner: { login: string }; archived?: boolean }> }
    ).repositories) {
      if (!served(deps.repositories, `${r.owner.login}/${r.name}`)) notServed++;
      else if (!r.archived)
        repos.push({
          installation: inst.id,
          owner: r.owner.login,
          repo: r.name,
          key: `${inst.id}/${r.owner.login}/${r.name}`,
        });
    }
  }
  repos.sort((a, b) => (a.key < b.key ? -1 : 1));
  const from = await deps.cursor.get();
  const start = Math.max(0, from ? repos.findIndex((r) => r.key >= from) : 0);
  // One cycle goes through the list once; a run cut short by the budget leaves the rest to the next run.
  const order = repos.slice(start);
  const done: string[] = [];
  for (const r of order) {
    if (now() - started > budget) break;
    try {
      await deps.maintain(clients.get(r.installation)!, { owner: r.owner, repo: r.repo });
    } catch (error) {
      deps.log.warn({
        msg: "maintenance failed",
        repository: `${r.owner}/${r.repo}`,
        error: (error as Error).message,
      });
    }
    done.push(r.key);
  }
  const next = order[done.length];
  await deps.cursor.set(done.length < order.length && next ? next.key : undefined);
  deps.log.info({
    msg: "maintenance",
    repositories: done.length,
    remaining: order.length - done.length,
    notServed,
    ms: now() - started,
  });
  return { done, remaining: order.length - done.length };
}
