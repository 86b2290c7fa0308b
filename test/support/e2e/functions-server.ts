/**
 * Netlify Functions, locally, over real HTTP: the receiver on its path, the worker as a background
 * function (answers 202 at once, runs after, and is retried when it fails — after 1 and 2 minutes on
 * Netlify, scaled down here). The handlers are the real ones from src/runtime/netlify.ts.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Handlers {
  receiver: (req: Request) => Promise<Response>;
  /** The Flux event receiver, on FLUX_EVENTS_PATH/… (optional). */
  fluxEvents?: (req: Request) => Promise<Response>;
  worker: (req: Request, context?: { deploy?: { id?: string } }) => Promise<Response>;
}

export const RECEIVER_PATH = "/api/github/webhooks";
export const WORKER_PATH = "/.netlify/functions/github-worker-background";
export const FLUX_EVENTS_PATH = "/api/flux/events/";
/** The deploy the local functions run as. */
export const DEPLOY_ID = "e2e-local-deploy";

export class LocalFunctions {
  private server: Server | undefined;
  private pending = 0;
  private waiters: Array<() => void> = [];
  backgroundRuns = 0;
  /** What the worker threw (a bug: the worker answers failures with a status). */
  readonly errors: string[] = [];
  retries = 0;

  constructor(
    private readonly handlers: Handlers,
    private readonly retryDelaysMs: readonly number[] = [60, 120],
  ) {}

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const url = `http://${req.headers.host}${req.url}`;
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const request = () =>
        new Request(url, {
          method: req.method ?? "GET",
          headers,
          body: chunks.length ? Buffer.concat(chunks) : null,
        });
      if (req.url === WORKER_PATH) {
        res.writeHead(202).end();
        this.background(request);
        return;
      }
      const fluxEvents = req.url?.startsWith(FLUX_EVENTS_PATH) ? this.handlers.fluxEvents : undefined;
      if (req.url !== RECEIVER_PATH && !fluxEvents) {
        res.writeHead(404).end();
        return;
      }
      const response = await (fluxEvents ?? this.handlers.receiver)(request());
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private background(request: () => Request): void {
    this.pending++;
    void (async () => {
      for (let attempt = 0; ; attempt++) {
        this.backgroundRuns++;
        let failed: boolean;
        try {
          // Netlify passes the function a context naming the deploy; the worker keys its cache by it.
          failed = (await this.handlers.worker(request(), { deploy: { id: DEPLOY_ID } })).status >= 500;
        } catch (error) {
          this.errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
          failed = true;
        }
        const delay = this.retryDelaysMs[attempt];
        if (!failed || delay === undefined) break;
        this.retries++;
        await new Promise((r) => setTimeout(r, delay));
      }
    })().finally(() => {
      if (--this.pending === 0) for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves when no background job runs. */
  idle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
