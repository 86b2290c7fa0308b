/**
 * Fake credentials built at runtime from a seeded generator, so no token-shaped literal sits in the
 * repository (the repository's hooks grep tracked files for them). Every call with a new seed gives a
 * new, unique value.
 */
import { scanSecrets } from "../../../src/core/secrets/scan.ts";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BECH32_UPPER = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
const B64 = `${ALNUM}+/`;

/** xorshift32: deterministic, well-mixed low bits (unlike a small LCG). */
export function randomString(length: number, alphabet: string, seed: number): string {
  let x = (seed * 2654435761) >>> 0 || 1;
  let out = "";
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

export function githubToken(prefix: string, seed: number, length = 36): string {
  return `${prefix}_${randomString(length, ALNUM, seed)}`;
}

export function ageSecretKey(seed: number): string {
  return `AGE-SECRET-${"KEY-1"}${randomString(58, BECH32_UPPER, seed)}`;
}

export function agePublicRecipient(seed: number): string {
  return `age1${randomString(58, "qpzry9x8gf2tvdw0s3jn54khce6mua7l", seed)}`;
}

export function pemBody(seed: number, lines = 5): string {
  return Array.from({ length: lines }, (_, i) => randomString(64, B64, seed * 31 + i)).join("\n");
}

/** A PEM block: `-----BEGIN <label>-----`, body, `-----END <label>-----`. */
export function pem(label: string, body: string): string {
  const dashes = "-----";
  return `${dashes}BEGIN ${label}${dashes}\n${body}\n${dashes}END ${label}${dashes}\n`;
}

export const PRIVATE = `PRIVATE ${"KEY"}`;

export function b64(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

export function enc(seed: number): string {
  const part = (n: number) => randomString(n, B64, seed + n);
  return `ENC[AES256_GCM,data:${part(12)}=,iv:${part(43)}=,tag:${part(22)}==,type:str]`;
}

const encoder = new TextEncoder();

/** scanSecrets over text files given as { path: text }. */
export function scanTexts(
  files: Record<string, string>,
  extra: Omit<Parameters<typeof scanSecrets>[0], "files"> = {},
) {
  return scanSecrets({
    files: Object.entries(files).map(([path, text]) => ({ path, bytes: encoder.encode(text) })),
    ...extra,
  });
}

/** Compact view of findings for assertions: [code, severity, file, line]. */
export function brief(result: ReturnType<typeof scanSecrets>): Array<[string, string, string, number]> {
  return result.findings.map((f) => [f.code, f.severity, f.file ?? "", f.line ?? 0]);
}
