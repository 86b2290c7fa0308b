/**
 * Wiring for the Netlify functions: the delivery ledger on Netlify Blobs, the receiver's hand-off to the
 * background worker, and the App's Octokit for the scheduled backstops. Each function module is a few lines
 * over these (netlify/functions/). The receiver's wiring (`receiverHandler`) imports nothing of the App or
 * the analysis; the worker's and the schedules' load them on first use. Every entry point gets the same
 * repository allow-list (`FLUX_IMPACT_REPOSITORIES`, parsed by allow-list.ts).
 */
import { getStore } from "@netlify/blobs";
import type { StoredValue } from "../github/deploy-run.ts";
import { parseRepositories, served } from "./allow-list.ts";
import { BlobsBytesStore, BlobsStore } from "./blobs-store.ts";
import { DeliveryLedger } from "./deliveries.ts";
import { fluxEventSecrets, parseEnv, webhookSecrets } from "./env.ts";
import { withFluxEvents } from "./flux-dispatch.ts";
import { createFluxEventReceiver } from "./flux-events.ts";
import { HANDOFF_HEADER } from "./handoff.ts";
import { jsonLogger } from "./log.ts";
import { createReceiver, type ForwardedDelivery } from "./receiver.ts";

export const WORKER_PATH = "/.netlify/functions/github-worker-background";
const STORE = "flux-impact-deliveries";
const BASE_CACHE_STORE = "flux-impact-base-analyses";
const CHART_CACHE_STORE = "flux-impact-charts";
const DEPLOY_STORE = "flux-impact-deploys";

function blobs(name: string, env: Record<string, string | undefined>) {
  // Outside Netlify (the local e2e run) the store is a Blobs server named by these variables, addressed
  // as Netlify's functions address theirs (the edge URLs: one request per operation).
  const local =
    env.BLOBS_API_URL && env.BLOBS_SITE_ID && env.BLOBS_TOKEN
      ? {
          edgeURL: env.BLOBS_API_URL,
          uncachedEdgeURL: env.BLOBS_API_URL,
          siteID: env.BLOBS_SITE_ID,
          token: env.BLOBS_TOKEN,
        }
      : {};
  return getStore({ name, consistency: "strong", ...local });
}

export function ledgerOf(env: Record<string, string | undefined>): DeliveryLedger {
  return new DeliveryLedger(new BlobsStore(blobs(STORE, env)));
}

/** Deploy records (src/github/deploy-run.ts): what each pushed commit changes and what Flux said since. */
export function deployStoreOf(env: Record<string, string | undefined>) {
  return new BlobsStore<StoredValue>(blobs(DEPLOY_STORE, env));
}

/** Starts the background worker on a delivery (a GitHub webhook or a Flux event) the receiver claimed. */
function forwarder(req: Request) {
  return async (job: ForwardedDelivery): Promise<number> => {
    const res = await fetch(new URL(WORKER_PATH, req.url), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-delivery": job.id,
        "x-github-event": job.event,
        "x-hub-signature-256": job.signature,
        [HANDOFF_HEADER]: job.handoff,
      },
      body: job.body,
      signal: AbortSignal.timeout(5000),
    });
    await res.body?.cancel();
    return res.status;
  };
}

/**
 * The Flux event receiver (flux-events.ts). Without FLUX_EVENTS_SECRET every post is answered 404: the
 * deployment does not take Flux events.
 */
export function fluxEventsHandler(env: Record<string, string | undefined> = process.env) {
  const log = jsonLogger();
  let handler: ((req: Request) => Promise<Response>) | undefined;
  return async (req: Request): Promise<Response> => {
    const eventSecrets = fluxEventSecrets(env);
    if (eventSecrets.length === 0) {
      log.warn({ msg: "flux event", status: 404, outcome: "FLUX_EVENTS_SECRET is not set" });
      return new Response("Flux events are not configured on this deployment\n", { status: 404 });
    }
    handler ??= createFluxEventReceiver({
      repositories: parseRepositories(env.FLUX_IMPACT_REPOSITORIES),
      eventSecrets,
      webhookSecrets: webhookSecrets(env),
      ledger: ledgerOf(env),
      log,
      forward: (job) => forwarder(req)(job),
    });
    return handler(req);
  };
}

export function receiverHandler(env: Record<string, string | undefined> = process.env) {
  const log = jsonLogger();
  let handler: ((req: Request) => Promise<Response>) | undefined;
  return (req: Request): Promise<Response> => {
    handler ??= createReceiver({
      repositories: parseRepositories(env.FLUX_IMPACT_REPOSITORIES),
      secrets: webhookSecrets(env),
      ledger: ledgerOf(env),
      log,
      forward: (job) => forwarder(req)(job),
    });
    return handler(req);
  };
}

/** What Netlify passes a function besides the request (the part the App reads). */
export interface FunctionContext {
  deploy?: { id?: string };
}

export function workerHandler(env: Record<string, string | undefined> = process.env) {
  const log = jsonLogger();
  let handler: Promise<(req: Request) => Promise<Response>> | undefined;
  return async (req: Request, context?: FunctionContext): Promise<Response> => {
    handler ??= (async () => {
      const runtimeEnv = parseEnv(env);
      const [{ createWorker }, { appProbot }, { BaseAnalysisCache }] = await Promise.all([
        import("./worker.ts"),
        import("./probot.ts"),
        import("../github/base-cache.ts"),
      ]);
      // Base analyses are kept per deploy (the engine build): a new deploy starts with none.
      const deploy = context?.deploy?.id;
      const baseCache =
        deploy && env.FLUX_IMPACT_BASE_CACHE !== "off"
          ? new BaseAnalysisCache(new BlobsBytesStore(blobs(BASE_CACHE_STORE, env)), deploy)
          : undefined;
      const deployStore = deployStoreOf(env);
      // Charts of changed HelmReleases, rendered in the comment: fetched over https from public addresses
      // (src/charts), cached by digest in Blobs. FLUX_IMPACT_HELM_RENDER=off leaves HelmReleases at their spec.
      const charts =
        env.FLUX_IMPACT_HELM_RENDER !== "off"
          ? await (async () => {
              const [{ createChartFetcher }, { blobsChartCache }] = await Promise.all([
                import("../charts/index.ts"),
                import("./chart-cache.ts"),
              ]);
              const cache = blobsChartCache(new BlobsBytesStore(blobs(CHART_CACHE_STORE, env)));
              return { fetcher: () => createChartFetcher({ cache }), deadlineMs: 60_000 };
            })()
          : undefined;
      return createWorker({
        repositories: parseRepositories(env.FLUX_IMPACT_REPOSITORIES),
        secrets: webhookSecrets(env),
        ledger: ledgerOf(env),
        log,
        app: async () => {
          const probot = await appProbot(runtimeEnv, {
            deployStore,
            ...(baseCache ? { baseCache } : {}),
            ...(charts ? { charts } : {}),
          });
          return withFluxEvents(probot, deployStore, log);
        },
      });
    })();
    return (await handler)(req);
  };
}

/** Every few minutes: end the deploys whose deadline passed (deploy-run.ts). */
export async function deploysHandler(
  env: Record<string, string | undefined> = process.env,
): Promise<Response> {
  const runtimeEnv = parseEnv(env);
  const [{ appProbot }, { sweepDeploys, trackedRepositories }] = await Promise.all([
    import("./probot.ts"),
    import("../github/deploy-run.ts"),
  ]);
  const probot = await appProbot(runtimeEnv);
  const store = deployStoreOf(env);
  const log = jsonLogger();
  const allow = parseRepositories(env.FLUX_IMPACT_REPOSITORIES);
  const ended: string[] = [];
  for (const repo of await trackedRepositories(store)) {
    if (!served(allow, `${repo.owner}/${repo.repo}`)) continue;
    try {
      const app = await probot.auth();
      const { data } = await app.request("GET /repos/{owner}/{repo}/installation", { ...repo });
      const result = await sweepDeploys((await probot.auth(data.id)) as never, repo, { store });
      ended.push(...result.ended.map((sha) => `${repo.owner}/${repo.repo}@${sha.slice(0, 7)}`));
    } catch (error) {
      log.warn({
        msg: "deploy sweep failed",
        repository: `${repo.owner}/${repo.repo}`,
        error: (error as Error).message,
      });
    }
  }
  log.info({ msg: "deploy sweep", ended: ended.length });
  return Response.json({ ended });
}

/** The hourly reconciler: redeliver what did not end well. */
export async function reconcileHandler(
  env: Record<string, string | undefined> = process.env,
): Promise<Response> {
  const runtimeEnv = parseEnv(env);
  const [{ appProbot }, { reconcileDeliveries }] = await Promise.all([
    import("./probot.ts"),
    import("./scheduled.ts"),
  ]);
  const probot = await appProbot(runtimeEnv);
  const result = await reconcileDeliveries({
    repositories: parseRepositories(env.FLUX_IMPACT_REPOSITORIES),
    app: await probot.auth(),
    ledger: ledgerOf(env),
    log: jsonLogger(),
  });
  return Response.json(result);
}

/** The daily stale sweep and dashboard refresh of every served installed repository. */
export async function maintenanceHandler(
  env: Record<string, string | undefined> = process.env,
): Promise<Response> {
  const runtimeEnv = parseEnv(env);
  const [{ appProbot }, { scheduledMaintenance }, { runMaintenance }] = await Promise.all([
    import("./probot.ts"),
    import("./scheduled.ts"),
    import("../github/maintenance.ts"),
  ]);
  const probot = await appProbot(runtimeEnv);
  const store = blobs("flux-impact-schedule", env);
  const result = await scheduledMaintenance({
    repositories: parseRepositories(env.FLUX_IMPACT_REPOSITORIES),
    app: await probot.auth(),
    installation: async (id) => probot.auth(id),
    maintain: (client, repo) => runMaintenance(client as never, repo, { deployStore: deployStoreOf(env) }),
    cursor: {
      get: async () => (await store.get("maintenance-cursor", { type: "text" })) ?? undefined,
      set: async (value) => {
        if (value === undefined) await store.delete("maintenance-cursor");
        else await store.set("maintenance-cursor", value);
      },
    },
    log: jsonLogger(),
  });
  return Response.json(result);
}
