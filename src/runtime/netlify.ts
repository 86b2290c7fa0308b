/**
 * Wiring for the Netlify functions: the delivery ledger on Netlify Blobs, the receiver's hand-off to the
 * background worker, and the App's Octokit for the scheduled backstops. Each function module is a few lines
 * over these (netlify/functions/). The receiver's wiring (`receiverHandler`) imports nothing of the App or
 * the analysis; the worker's and the schedules' load them on first use. Every entry point gets the same
 * repository allow-list (`FLUX_IMPACT_REPOSITORIES`, parsed by allow-list.ts).
 */
import { getStore } from "@netlify/blobs";
import { parseRepositories } from "./allow-list.ts";
import { BlobsBytesStore, BlobsStore } from "./blobs-store.ts";
import { DeliveryLedger } from "./deliveries.ts";
import { parseEnv, webhookSecrets } from "./env.ts";
import { HANDOFF_HEADER } from "./handoff.ts";
import { jsonLogger } from "./log.ts";
import { createReceiver } from "./receiver.ts";

export const WORKER_PATH = "/.netlify/functions/github-worker-background";
const STORE = "flux-impact-deliveries";
const BASE_CACHE_STORE = "flux-impact-base-analyses";

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

export function receiverHandler(env: Record<string, string | undefined> = process.env) {
  const log = jsonLogger();
  let handler: ((req: Request) => Promise<Response>) | undefined;
  return (req: Request): Promise<Response> => {
    handler ??= createReceiver({
      repositories: parseRepositories(env.FLUX_IMPACT_REPOSITORIES),
      secrets: webhookSecrets(env),
      ledger: ledgerOf(env),
      log,
      forward: async (job) => {
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
      },
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
      return createWorker({
        repositories: parseRepositories(env.FLUX_IMPACT_REPOSITORIES),
        secrets: webhookSecrets(env),
        ledger: ledgerOf(env),
        log,
        app: () => appProbot(runtimeEnv, baseCache ? { baseCache } : {}),
      });
    })();
    return (await handler)(req);
  };
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
    maintain: (client, repo) => runMaintenance(client as never, repo),
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
