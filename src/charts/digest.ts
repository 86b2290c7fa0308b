import { createHash } from "node:crypto";

/** A sha256 digest as OCI writes it. */
export const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}
