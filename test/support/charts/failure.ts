/** A chart fetch's failure, for assertions: its reason and message (and "ok" when it did not fail). */
import { ChartFetchError, type ChartFetchReason } from "../../../src/charts/index.ts";

export async function failureOf(
  promise: Promise<unknown>,
): Promise<{ reason: ChartFetchReason | "ok"; message: string }> {
  try {
    await promise;
    return { reason: "ok", message: "" };
  } catch (error) {
    if (error instanceof ChartFetchError) return { reason: error.reason, message: error.message };
    throw error;
  }
}

/** A `fetch` that answers from a table (URL → response maker) and records every call; unknown URLs get 404. */
export function tableFetch(routes: Record<string, (init: RequestInit | undefined) => Response>): {
  fetch: typeof fetch;
  calls: Array<{ url: string; headers: Headers }>;
} {
  const calls: Array<{ url: string; headers: Headers }> = [];
  const fetchStub = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    calls.push({ url, headers: new Headers(init?.headers) });
    const route = routes[url];
    return route ? route(init) : new Response("not found", { status: 404 });
  };
  return { fetch: fetchStub as typeof fetch, calls };
}
