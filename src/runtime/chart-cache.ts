/**
 * Chart archives kept between the App's jobs: the chart fetcher's cache (by digest, and resolved
 * references to digests) over a Netlify Blobs store, so a pull request that does not change a chart
 * fetches nothing. Entries are checked against their digest when read (src/charts/cache.ts's rule): a
 * store that returns other bytes costs a fetch, never a wrong render.
 */
import type { ChartCache } from "../charts/index.ts";
import type { BytesStore } from "../github/base-cache.ts";

export function blobsChartCache(store: BytesStore, now: () => number = Date.now): ChartCache {
  // Blobs keys are paths: the cache's keys ("sha256:…", "ref:…") are made safe.
  const key = (k: string) => `charts/${encodeURIComponent(k)}`;
  return {
    async get(k) {
      try {
        return await store.get(key(k));
      } catch {
        return undefined;
      }
    },
    async put(k, bytes) {
      try {
        await store.set(key(k), bytes, now());
      } catch {
        // A cache that cannot be written costs the next job a fetch, nothing else.
      }
    },
  };
}
