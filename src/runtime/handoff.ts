/**
 * The hand-off from the receiver to the background worker. The worker's URL is public and GitHub's
 * signature covers the body only, so anyone holding one signed body could POST it to the worker; the
 * worker therefore runs only deliveries the receiver claimed, proven by this header:
 *
 *     x-flux-impact-handoff: t=<epoch ms>,v1=<hex HMAC-SHA256(key, "<t>.<delivery id>.<event>.<sha256 hex of the body>")>
 *
 * The key is derived from the webhook secret under a domain label — HMAC-SHA256(secret, "flux-impact
 * hand-off v1") — so a GitHub signature (HMAC-SHA256(secret, body)) never is one. The delivery id and the
 * event are percent-encoded with "." escaped (a no-op for GitHub's GUIDs and event names), so no two
 * inputs share a message. The worker accepts a hand-off signed with the current or the previous secret,
 * compared in constant time, at most 30 minutes old — Netlify retries a failed background function after 1
 * and 3 minutes with the same request, and a run lasts at most 12 minutes — and at most a minute in the
 * future (clock skew between instances).
 *
 * Node's built-in crypto only (synchronous: a few microseconds for a webhook body), so the receiver's cold
 * start stays small.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const HANDOFF_HEADER = "x-flux-impact-handoff";
export const HANDOFF_MAX_AGE_MS = 30 * 60_000;
export const HANDOFF_MAX_SKEW_MS = 60_000;
const LABEL = "flux-impact hand-off v1";

export interface HandoffSubject {
  id: string;
  event: string;
  /** The body exactly as forwarded (a string is taken as its UTF-8 bytes). */
  body: string | Uint8Array;
}

export type HandoffCheck =
  | { ok: true }
  | { ok: false; why: "missing" | "malformed" | "expired" | "from the future" | "does not match" };

/** SHA-256 of the bytes (a string: its UTF-8 bytes), lowercase hex. */
export function sha256Hex(body: string | Uint8Array): string {
  return createHash("sha256").update(body).digest("hex");
}

/** HMAC-SHA256(secret, label): the hand-off key of a webhook secret. */
function handoffKey(secret: string): Buffer {
  return createHmac("sha256", secret).update(LABEL).digest();
}

const part = (s: string) => encodeURIComponent(s).replace(/\./g, "%2E");

function mac(secret: string, t: number, subject: HandoffSubject): Buffer {
  return createHmac("sha256", handoffKey(secret))
    .update(`${t}.${part(subject.id)}.${part(subject.event)}.${sha256Hex(subject.body)}`)
    .digest();
}

/** The header value for a delivery handed over now, signed with `secret` (the current one). */
export function signHandoff(secret: string, subject: HandoffSubject, now = Date.now()): string {
  const t = Math.floor(now);
  return `t=${t},v1=${mac(secret, t, subject).toString("hex")}`;
}

const FORMAT = /^t=(\d{1,16}),v1=([0-9a-f]{64})$/;

/** Checks a hand-off header against every secret (current, previous), in constant time. */
export function verifyHandoff(
  secrets: readonly string[],
  header: string | null | undefined,
  subject: HandoffSubject,
  now = Date.now(),
  maxAgeMs = HANDOFF_MAX_AGE_MS,
): HandoffCheck {
  if (!header) return { ok: false, why: "missing" };
  const m = FORMAT.exec(header.trim());
  if (!m) return { ok: false, why: "malformed" };
  const t = Number(m[1]);
  if (now - t > maxAgeMs) return { ok: false, why: "expired" };
  if (t - now > HANDOFF_MAX_SKEW_MS) return { ok: false, why: "from the future" };
  const given = Buffer.from(m[2]!, "hex");
  let ok = false;
  for (const secret of secrets) if (timingSafeEqual(mac(secret, t, subject), given)) ok = true;
  return ok ? { ok: true } : { ok: false, why: "does not match" };
}
