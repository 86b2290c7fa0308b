import { describe, expect, it } from "vitest";
import { MemoryBytesStore } from "../../src/github/base-cache.ts";
import { blobsChartCache } from "../../src/runtime/chart-cache.ts";

describe("runtime/chart-cache", () => {
  it("keeps chart archives between jobs under path-safe keys, and costs only a fetch when the store fails", async () => {
    const store = new MemoryBytesStore();
    const cache = blobsChartCache(store, () => 1);
    await cache.put("sha256:abc", new Uint8Array([1, 2, 3]));
    expect(await cache.get("sha256:abc")).toEqual(new Uint8Array([1, 2, 3]));
    expect((await store.list("charts/")).map((e) => e.key)).toEqual(["charts/sha256%3Aabc"]);
    const broken = blobsChartCache({
      get: () => Promise.reject(new Error("blobs down")),
      set: () => Promise.reject(new Error("blobs down")),
      list: () => Promise.resolve([]),
      delete: () => Promise.resolve(),
    });
    await expect(broken.put("k", new Uint8Array([1]))).resolves.toBeUndefined();
    await expect(broken.get("k")).resolves.toBeUndefined();
  });
});
