/**
 * `npm start` / `npm run dev`: the App on Probot's own Node server. Probot loads `.env`; with no APP_ID it
 * serves the manifest flow (open http://localhost:3000 to register the App from app.yml); with
 * WEBHOOK_PROXY_URL it forwards webhooks from smee.io (`npm run dev`). A configured App without a webhook
 * secret is refused: Probot would otherwise accept deliveries signed with the secret "development".
 *
 * With FLUX_EVENTS_SECRET set, Flux's events are taken at /api/flux/events/<owner>/<repo> as on Netlify
 * (flux-events.ts) and run in this process; deploy records then live in memory, for as long as it runs.
 */
import { Readable } from "node:stream";
import { type ApplicationFunctionOptions, type Probot, run } from "probot";
import { createApp } from "../github/app.ts";
import type { StoredValue } from "../github/deploy-run.ts";
import { DeliveryLedger, MemoryStore } from "./deliveries.ts";
import { fluxEventSecrets, webhookSecrets } from "./env.ts";
import { withFluxEvents } from "./flux-dispatch.ts";
import { createFluxEventReceiver, FLUX_EVENTS_PATH } from "./flux-events.ts";
import { jsonLogger } from "./log.ts";

if (process.env.APP_ID && !process.env.WEBHOOK_SECRET) {
  process.stderr.write("flux-impact: APP_ID is set but WEBHOOK_SECRET is not; set it (see .env.example).\n");
  process.exit(1);
}

const eventSecrets = fluxEventSecrets(process.env);
const deployStore = eventSecrets.length ? new MemoryStore<StoredValue>() : undefined;

await run((app: Probot, options: ApplicationFunctionOptions) => {
  createApp(deployStore ? { deployStore } : {})(app);
  if (!deployStore) return;
  const log = jsonLogger();
  const worker = withFluxEvents(app, deployStore, log);
  const receive = createFluxEventReceiver({
    eventSecrets,
    webhookSecrets: webhookSecrets(process.env),
    ledger: new DeliveryLedger(new MemoryStore()),
    log,
    // In this process: acknowledged at once, applied right after.
    forward: async (job) => {
      setImmediate(() => {
        worker
          .receive({ id: job.id, name: job.event, payload: JSON.parse(job.body) })
          .catch((error: Error) =>
            log.warn({ msg: "flux event failed", delivery: job.id, error: error.message }),
          );
      });
      return 202;
    },
  });
  options.addHandler(async (req, res) => {
    if (!req.url?.startsWith(`${FLUX_EVENTS_PATH}/`)) return false;
    const request = new Request(new URL(req.url, "http://localhost"), {
      method: req.method ?? "GET",
      headers: Object.entries(req.headers).flatMap(([k, v]) =>
        v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((one): [string, string] => [k, one]),
      ),
      ...(req.method === "POST" ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
    } as RequestInit);
    const response = await receive(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(await response.text());
    return true;
  });
});
