/**
 * The delivery ledger: one durable record per GitHub delivery id (`X-GitHub-Delivery`, reused by
 * redeliveries), with a status. The receiver claims a delivery with a create-only write before it
 * acknowledges it; a second claim of the same id is a duplicate — unless the first attempt is stuck
 * (queued or running for longer than the lease) or failed, in which case the claim takes it over with a
 * compare-and-set on the record's etag, so a redelivery of a crashed job runs again and two takeovers
 * cannot both win. The worker marks running / done / failed / deferred; the reconciler reads the ledger to
 * decide what GitHub must redeliver.
 *
 * Storage is an interface: Netlify Blobs in production (`blobs-store.ts`), memory in tests.
 */

export type DeliveryStatus = "queued" | "running" | "done" | "failed" | "deferred";

export interface DeliveryRecord {
  id: string;
  event: string;
  action?: string;
  /** "owner/repo". */
  repository?: string;
  status: DeliveryStatus;
  /** Times the worker started it. */
  attempts: number;
  /** Epoch ms. */
  receivedAt: number;
  updatedAt: number;
  /** Short, safe reason of the last failure or deferral. */
  reason?: string;
  /** Epoch ms before which it must not run again (rate limits). */
  notBefore?: number;
}

/** A key-value store with the two conditional writes the ledger needs. */
export interface ConditionalStore {
  get(key: string): Promise<{ value: DeliveryRecord; etag: string } | undefined>;
  /** Create-only: false when the key exists. */
  create(key: string, value: DeliveryRecord): Promise<boolean>;
  /** Compare-and-set on the etag: false when the record changed meanwhile. */
  replace(key: string, value: DeliveryRecord, etag: string): Promise<boolean>;
  list(): Promise<string[]>;
  delete(key: string): Promise<void>;
}

export type ClaimResult = "claimed" | "duplicate" | "retaken";

/** A queued or running delivery untouched for this long is considered crashed. */
export const LEASE_MS = 20 * 60_000;

export class DeliveryLedger {
  constructor(
    private readonly store: ConditionalStore,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(
    id: string,
    meta: Pick<DeliveryRecord, "event" | "action" | "repository">,
  ): Promise<ClaimResult> {
    const now = this.now();
    const record: DeliveryRecord = {
      id,
      ...clean(meta),
      status: "queued",
      attempts: 0,
      receivedAt: now,
      updatedAt: now,
    };
    if (await this.store.create(key(id), record)) return "claimed";
    const existing = await this.store.get(key(id));
    if (!existing) return (await this.store.create(key(id), record)) ? "claimed" : "duplicate";
    if (!this.retakeable(existing.value, now)) return "duplicate";
    const retaken = { ...existing.value, status: "queued" as const, updatedAt: now };
    delete retaken.reason;
    return (await this.store.replace(key(id), retaken, existing.etag)) ? "retaken" : "duplicate";
  }

  /** Failed, deferred past its time, or stuck beyond the lease: may run again. */
  retakeable(r: DeliveryRecord, now = this.now()): boolean {
    if (r.status === "failed") return true;
    if (r.status === "deferred") return (r.notBefore ?? 0) <= now;
    if (r.status === "queued" || r.status === "running") return now - r.updatedAt > LEASE_MS;
    return false;
  }

  get(id: string): Promise<DeliveryRecord | undefined> {
    return this.store.get(key(id)).then((r) => r?.value);
  }

  /** Updates the status (last writer wins: only the worker holding the claim writes). */
  async mark(
    id: string,
    status: DeliveryStatus,
    extra: { reason?: string; notBefore?: number } = {},
  ): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const existing = await this.store.get(key(id));
      const now = this.now();
      const base: DeliveryRecord = existing?.value ?? {
        id,
        event: "unknown",
        status,
        attempts: 0,
        receivedAt: now,
        updatedAt: now,
      };
      const next: DeliveryRecord = {
        ...base,
        status,
        updatedAt: now,
        attempts: base.attempts + (status === "running" ? 1 : 0),
      };
      delete next.reason;
      delete next.notBefore;
      if (extra.reason !== undefined) next.reason = extra.reason;
      if (extra.notBefore !== undefined) next.notBefore = extra.notBefore;
      if (
        existing
          ? await this.store.replace(key(id), next, existing.etag)
          : await this.store.create(key(id), next)
      )
        return;
    }
    throw new Error(`could not record delivery ${id} as ${status} (concurrent updates)`);
  }

  async records(): Promise<DeliveryRecord[]> {
    const out: DeliveryRecord[] = [];
    for (const k of await this.store.list()) {
      const r = await this.store.get(k);
      if (r) out.push(r.value);
    }
    return out;
  }

  /** Deletes records older than `maxAgeMs` (GitHub redelivers for 3 days; nothing older matters). */
  async prune(maxAgeMs: number): Promise<number> {
    let n = 0;
    const now = this.now();
    for (const r of await this.records()) {
      if (now - r.updatedAt > maxAgeMs) {
        await this.store.delete(key(r.id));
        n++;
      }
    }
    return n;
  }
}

function key(id: string): string {
  // Delivery ids are GUIDs; anything else is encoded so it cannot address another key.
  return `delivery/${encodeURIComponent(id)}`;
}

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** An in-memory ConditionalStore with exact create-only and compare-and-set semantics (tests, local runs). */
export class MemoryStore implements ConditionalStore {
  private readonly data = new Map<string, { value: string; etag: string }>();
  private version = 0;
  /** When set, every call fails (to simulate the store being unavailable). */
  failing = false;

  private check(): void {
    if (this.failing) throw new Error("store unavailable");
  }
  async get(key: string) {
    this.check();
    const e = this.data.get(key);
    return e ? { value: JSON.parse(e.value) as DeliveryRecord, etag: e.etag } : undefined;
  }
  async create(key: string, value: DeliveryRecord) {
    this.check();
    if (this.data.has(key)) return false;
    this.data.set(key, { value: JSON.stringify(value), etag: `"${++this.version}"` });
    return true;
  }
  async replace(key: string, value: DeliveryRecord, etag: string) {
    this.check();
    if (this.data.get(key)?.etag !== etag) return false;
    this.data.set(key, { value: JSON.stringify(value), etag: `"${++this.version}"` });
    return true;
  }
  async list() {
    this.check();
    return [...this.data.keys()];
  }
  async delete(key: string) {
    this.check();
    this.data.delete(key);
  }
}
