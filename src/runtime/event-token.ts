/**
 * The event token of a repository's clusters: HMAC-SHA256(FLUX_EVENTS_SECRET, "flux-impact events v1:" +
 * the lowercased "owner/repo"), hex. One secret per deployment; each repository's clusters hold only their
 * own token, so a cluster can report only on its own repository (flux-events.ts). Node's crypto only: the
 * CLI's `event-token` command imports it too.
 */
import { createHmac } from "node:crypto";

const LABEL = "flux-impact events v1:";

/** The token a repository's clusters sign their events with (the Provider Secret's `token`). */
export function eventToken(secret: string, repository: string): string {
  return createHmac("sha256", secret).update(`${LABEL}${repository.toLowerCase()}`).digest("hex");
}
