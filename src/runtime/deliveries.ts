/**
 * The delivery ledger: one durable record per GitHub delivery id (`X-GitHub-Delivery`, reused by
 * redeliveries), with a status. The receiver claims a delivery with a create-only write before it
 * acknowledges it; a second claim of the same id is a duplicate — unless the first attempt is stuck
 * (queued or running for longer than the lease) or failed, in which case the claim takes it over with a
 * compare-and-set on the record's etag, so a redelivery of a crashed job runs again and two takeovers
 * cannot both win. The worker marks running / done / failed / deferred; the reconciler reads the ledger to
 * decide what GitHub must redeliver.
 *
 * Beside the delivery records (`delivery/<id>`), the ledger keeps one record per body it accepted
 * (`body/<sha256 of the raw bytes>`, create-only, holding the first delivery id): GitHub's signature covers
 * the body only, so a captured body replayed under a new delivery id is recognised and not run again, while
 * GitHub's own redelivery (same id, same body) still is. Both kinds are pruned after the same age.
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
  /** SHA-256 of the body it came with (hex): its `body/` record, pruned with it. */
  body?: string;
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

/** The first delivery of a body (`body/<digest>`). */
export interface BodyRecord {
  /** SHA-256 of the raw bytes, hex. */
  body: string;
  /** The delivery id it first came with. */
  id: string;
  receivedAt: number;
  updatedAt: number;
}

export type LedgerValue = DeliveryRecord | BodyRecord;

/** A key-value store with the two conditional writes the ledger needs. */
export interface ConditionalStore<V = LedgerValue> {
  get(key: string): Promise<{ value: V; etag: string } | undefined>;
  /** Create-only: false when the key exists. */
  create(key: string, value: V): Promise<boolean>;
  /**
   * Compare-and-set on the etag: the new etag ("" when the store gives none), or undefined when the record
   * changed meanwhile.
   */
  replace(key: string, value: V, etag: string): Promise<string | undefined>;
  /** Keys starting with `prefix` (every key without one). */
  list(prefix?: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

export type ClaimResult = "claimed" | "duplicate" | "retaken";

/** A delivery record as last written, with its etag when known. */
export interface MarkedRecord {
  value: DeliveryRecord;
  etag?: string | undefined;
}

/** `new`: the body's first delivery; `same`: that delivery again (a redelivery); `replay`: another id. */
export type BodyClaim = { kind: "new" | "same" | "replay"; first: string };

/** A queued or running delivery untouched for this long is considered crashed. */
export const LEASE_MS = 20 * 60_000;

export class DeliveryLedger {
  constructor(
    private readonly store: ConditionalStore,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(
    id: string,
    meta: Pick<DeliveryRecord, "event" | "action" | "repository" | "body">,
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
    const existing = await this.read(id);
    if (!existing) return (await this.store.create(key(id), record)) ? "claimed" : "duplicate";
    if (!this.retakeable(existing.value, now)) return "duplicate";
    const retaken = { ...existing.value, status: "queued" as const, updatedAt: now };
    delete retaken.reason;
    return (await this.store.replace(key(id), retaken, existing.etag)) !== undefined
      ? "retaken"
      : "duplicate";
  }

  /** Failed, deferred past its time, or stuck beyond the lease: may run again. */
  retakeable(r: DeliveryRecord, now = this.now()): boolean {
    if (r.status === "failed") return true;
    if (r.status === "deferred") return (r.notBefore ?? 0) <= now;
    if (r.status === "queued" || r.status === "running") return now - r.updatedAt > LEASE_MS;
    return false;
  }

  /**
   * Records the first delivery of a body (its SHA-256, hex) with a create-only write: the same digest
   * under another delivery id is a replay of a body already accepted.
   */
  async claimBody(digest: string, id: string): Promise<BodyClaim> {
    const now = this.now();
    const record: BodyRecord = { body: digest, id, receivedAt: now, updatedAt: now };
    for (let i = 0; i < 3; i++) {
      if (await this.store.create(bodyKey(digest), record)) return { kind: "new", first: id };
      const existing = (await this.store.get(bodyKey(digest)))?.value;
      if (existing && !isDelivery(existing))
        return { kind: existing.id === id ? "same" : "replay", first: existing.id };
      // Pruned meanwhile (or not a body record): claim it again.
    }
    throw new Error(`could not record the body of delivery ${id}`);
  }

  get(id: string): Promise<DeliveryRecord | undefined> {
    return this.read(id).then((r) => r?.value);
  }

  /** The record with its etag (to hand to `mark`, saving it a read). */
  async read(id: string): Promise<{ value: DeliveryRecord; etag: string } | undefined> {
    const r = await this.store.get(key(id));
    return r && isDelivery(r.value) ? { value: r.value, etag: r.etag } : undefined;
  }

  /**
   * Updates the status (last writer wins: only the worker holding the claim writes) and returns the
   * record written with its etag. `current`: the record as the caller last read or wrote it, tried first
   * (saving a read); when it changed meanwhile, the record is read again.
   */
  async mark(
    id: string,
    status: DeliveryStatus,
    extra: { reason?: string; notBefore?: number } = {},
    current?: MarkedRecord,
  ): Promise<MarkedRecord> {
    for (let i = 0; i < 3; i++) {
      const existing =
        i === 0 && current?.etag !== undefined
          ? { value: current.value, etag: current.etag }
          : await this.read(id);
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
      if (existing) {
        const etag = await this.store.replace(key(id), next, existing.etag);
        if (etag !== undefined) return { value: next, etag };
      } else if (await this.store.create(key(id), next)) return { value: next };
    }
    throw new Error(`could not record delivery ${id} as ${status} (concurrent updates)`);
  }

  /** The delivery records (the body records are not deliveries). */
  async records(): Promise<DeliveryRecord[]> {
    const out: DeliveryRecord[] = [];
    for (const k of await this.store.list(DELIVERY_PREFIX)) {
      const r = await this.store.get(k);
      if (r && isDelivery(r.value)) out.push(r.value);
    }
    return out;
  }

  /**
   * Deletes delivery records untouched for `maxAgeMs` with their body records, and any other body record
   * received that long ago (GitHub redelivers for 3 days; nothing older matters). Returns how many
   * delivery and unattached body records it deleted. A body record of a kept delivery is not even read.
   */
  async prune(maxAgeMs: number): Promise<number> {
    let n = 0;
    const now = this.now();
    const kept = new Set<string>();
    for (const r of await this.records()) {
      if (now - r.updatedAt > maxAgeMs) {
        await this.store.delete(key(r.id));
        if (r.body && /^[0-9a-f]{64}$/.test(r.body)) await this.store.delete(bodyKey(r.body));
        n++;
      } else if (r.body) kept.add(`${BODY_PREFIX}${r.body}`);
    }
    for (const k of await this.store.list(BODY_PREFIX)) {
      if (kept.has(k)) continue;
      const r = await this.store.get(k);
      if (r && !isDelivery(r.value) && now - r.value.receivedAt > maxAgeMs) {
        await this.store.delete(k);
        n++;
      }
    }
    return n;
  }
}

const DELIVERY_PREFIX = "delivery/";
const BODY_PREFIX = "body/";

function key(id: string): string {
  // Delivery ids are GUIDs; anything else is encoded so it cannot address another key.
  return `${DELIVERY_PREFIX}${encodeURIComponent(id)}`;
}

function bodyKey(digest: string): string {
  if (!/^[0-9a-f]{64}$/.test(digest)) throw new Error("a body digest is 64 lowercase hex digits");
  return `${BODY_PREFIX}${digest}`;
}

function isDelivery(value: LedgerValue): value is DeliveryRecord {
  return "status" in value;
}

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** An in-memory ConditionalStore with exact create-only and compare-and-set semantics (tests, local runs). */
export class MemoryStore<V = LedgerValue> implements ConditionalStore<V> {
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
    return e ? { value: JSON.parse(e.value) as V, etag: e.etag } : undefined;
  }
  async create(key: string, value: V) {
    this.check();
    if (this.data.has(key)) return false;
    this.data.set(key, { value: JSON.stringify(value), etag: `"${++this.version}"` });
    return true;
  }
  async replace(key: string, value: V, etag: string) {
    this.check();
    if (this.data.get(key)?.etag !== etag) return undefined;
    const next = `"${++this.version}"`;
    this.data.set(key, { value: JSON.stringify(value), etag: next });
    return next;
  }
  async list(prefix = "") {
    this.check();
    return [...this.data.keys()].filter((k) => k.startsWith(prefix));
  }
  async delete(key: string) {
    this.check();
    this.data.delete(key);
  }
}
