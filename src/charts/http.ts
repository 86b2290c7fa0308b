/**
 * The one way chart fetching reaches the network: a GET under the host guard (address.ts), with
 * redirects followed by hand (at most 5, each hop checked again, `Authorization` dropped when the origin
 * changes — registries redirect blobs to CDNs with pre-signed URLs), a deadline that covers the headers
 * and the whole body, and a byte cap enforced while the body arrives (the download stops at the first
 * byte over it). Nothing is sent but the headers the caller gives: no cookies, no credentials from the
 * environment, no proxy settings.
 */
import { createRequire } from "node:module";
import type { Dispatcher } from "undici";
import type { HostGuard } from "./address.ts";
import { ChartFetchError, displayUrl } from "./errors.ts";

export const MAX_REDIRECTS = 5;

export interface HttpGetOptions {
  headers?: Record<string, string>;
  /** The body's cap in bytes (after content decoding). */
  maxBytes: number;
  /** What is being fetched, for messages ("index", "chart", "manifest"…). */
  what: string;
}

export interface HttpResult {
  status: number;
  headers: Headers;
  /** The body of a 2xx answer; empty otherwise (it is not read). */
  body: Uint8Array;
  /** Where the answer came from, after redirects. */
  url: URL;
}

export interface HttpClient {
  get(url: URL, options: HttpGetOptions): Promise<HttpResult>;
  close(): Promise<void>;
}

export interface HttpClientOptions {
  guard: HostGuard;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/** A ChartFetchError anywhere in an error's cause chain (the guard's lookup refusing, under fetch's TypeError). */
function guardError(error: unknown): ChartFetchError | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
    if (e instanceof ChartFetchError) return e;
  return undefined;
}

function codeOf(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z_0-9]+$/.test(code)) return code;
  }
  return undefined;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  // Every connection's address comes from the guard's pins: never from a second DNS answer.
  // undici is loaded when a client is made, not with the CLI: it costs ~100 ms to load, and most commands
  // fetch nothing.
  const { Agent, fetch: undiciFetch } = createRequire(import.meta.url)("undici") as typeof import("undici");
  const agent = new Agent({
    connect: { lookup: options.guard.lookup as never },
    keepAliveTimeout: 4_000,
  });
  const fetchImpl = options.fetch ?? (undiciFetch as unknown as typeof fetch);

  async function get(start: URL, request: HttpGetOptions): Promise<HttpResult> {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const firstShown = displayUrl(start);
    const failed = (error: unknown, shown: string): ChartFetchError => {
      const refused = guardError(error);
      if (refused) return refused;
      if (signal.aborted)
        return new ChartFetchError(
          "timeout",
          `the ${request.what} at ${firstShown} did not arrive within ${options.timeoutMs} ms`,
        );
      const code = codeOf(error);
      return new ChartFetchError(
        "network",
        `the ${request.what} could not be fetched from ${shown}${code ? ` (${code})` : ""}`,
      );
    };

    let url = start;
    let headers: Record<string, string> = { ...request.headers };
    for (let hop = 0; ; hop++) {
      await untilAborted(options.guard.check(url, hop > 0), signal).catch((error: unknown) => {
        throw failed(error, firstShown);
      });
      const shown = hop > 0 ? `${url.protocol}//${url.host}` : firstShown;
      let response: Response;
      try {
        // `dispatcher` is undici's extension of RequestInit (its fetch, or a wrapper passing init along).
        const init: { dispatcher: Dispatcher } & Pick<
          RequestInit,
          "method" | "headers" | "redirect" | "signal"
        > = {
          method: "GET",
          headers,
          redirect: "manual",
          signal,
          dispatcher: agent,
        };
        response = await fetchImpl(url.href, init as unknown as RequestInit);
      } catch (error) {
        throw failed(error, shown);
      }
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel().catch(() => undefined);
        if (hop >= MAX_REDIRECTS)
          throw new ChartFetchError(
            "bad-response",
            `more than ${MAX_REDIRECTS} redirects fetching ${firstShown}`,
          );
        let next: URL;
        try {
          next = new URL(location, url);
        } catch {
          throw new ChartFetchError("bad-response", `a redirect from ${shown} to an invalid URL`);
        }
        if (next.origin !== url.origin) headers = withoutAuthorization(headers);
        url = next;
        continue;
      }
      if (response.status < 200 || response.status >= 300) {
        await response.body?.cancel().catch(() => undefined);
        return { status: response.status, headers: response.headers, body: new Uint8Array(), url };
      }
      const body = await readCapped(response, request, shown, failed);
      return { status: response.status, headers: response.headers, body, url };
    }
  }

  return {
    get,
    close: () => agent.close(),
  };
}

/** `promise`, or a rejection when `signal` aborts first (a slow DNS answer counts against the deadline). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener("abort", onAbort));
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== "authorization"));
}

const tooLarge = (request: HttpGetOptions, shown: string) =>
  new ChartFetchError(
    "too-large",
    `the ${request.what} at ${shown} is larger than the ${mib(request.maxBytes)} limit; it was not fetched`,
  );

export function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${bytes} bytes`;
}

/** The body into one buffer, stopping at the first byte over the cap. */
async function readCapped(
  response: Response,
  request: HttpGetOptions,
  shown: string,
  failed: (error: unknown, shown: string) => ChartFetchError,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  // A declared length counts the bytes on the wire: without a content encoding, it is the body's size.
  if (!response.headers.get("content-encoding") && declared > request.maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(request, shown);
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let next: Awaited<ReturnType<typeof reader.read>>;
    try {
      next = await reader.read();
    } catch (error) {
      throw failed(error, shown);
    }
    if (next.done) break;
    total += next.value.byteLength;
    if (total > request.maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(request, shown);
    }
    chunks.push(next.value);
  }
  // One copy into a buffer of its own (a chunk may be a view of a larger transport buffer).
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
