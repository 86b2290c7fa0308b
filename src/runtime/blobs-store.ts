/**
 * The delivery ledger's storage on Netlify Blobs: a strongly consistent site store, create-only writes
 * (`onlyIfNew`) for claims and compare-and-set (`onlyIfMatch` on the etag) for status changes. The SDK's
 * local server (`npm run e2e`) returns no etag on reads (only on writes); there a status change after a
 * read is a plain write (that server is not atomic anyway — the App's writes are idempotent ensures either
 * way).
 */
import type { Store } from "@netlify/blobs";
import type { BytesStore } from "../github/base-cache.ts";
import type { ConditionalStore, LedgerValue } from "./deliveries.ts";

export class BlobsStore<V = LedgerValue> implements ConditionalStore<V> {
  constructor(private readonly store: Store) {}

  async get(key: string) {
    const entry = await this.store.getWithMetadata(key, { type: "json" });
    if (!entry) return undefined;
    return { value: entry.data as V, etag: entry.etag ?? "" };
  }

  async create(key: string, value: V) {
    return (await this.store.setJSON(key, value, { onlyIfNew: true })).modified;
  }

  async replace(key: string, value: V, etag: string) {
    const written = await this.store.setJSON(key, value, etag ? { onlyIfMatch: etag } : {});
    return written.modified ? (written.etag ?? "") : undefined;
  }

  async list(prefix?: string) {
    const keys: string[] = [];
    for await (const page of this.store.list({ paginate: true, ...(prefix ? { prefix } : {}) }))
      keys.push(...page.blobs.map((b) => b.key));
    return keys;
  }

  async delete(key: string) {
    await this.store.delete(key);
  }
}

/** The base analysis cache's entries (github/base-cache.ts) on Netlify Blobs: bytes, with when they were stored. */
export class BlobsBytesStore implements BytesStore {
  constructor(private readonly store: Store) {}

  async get(key: string) {
    const data = await this.store.get(key, { type: "arrayBuffer" });
    return data ? new Uint8Array(data) : undefined;
  }

  async set(key: string, bytes: Uint8Array, stored: number) {
    await this.store.set(key, bytes.slice().buffer, { metadata: { stored } });
  }

  async list(prefix: string) {
    const out: Array<{ key: string; stored: number }> = [];
    for await (const page of this.store.list({ paginate: true, prefix })) {
      for (const blob of page.blobs) {
        const meta = await this.store.getMetadata(blob.key);
        out.push({ key: blob.key, stored: Number(meta?.metadata.stored ?? 0) });
      }
    }
    return out;
  }

  async delete(key: string) {
    await this.store.delete(key);
  }
}
