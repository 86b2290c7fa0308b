/**
 * Strict one-level base64 decoding for rescanning Kubernetes Secret `data` values (gitleaks
 * `--max-decode-depth 1`). Accepts standard base64 with optional padding and embedded line breaks;
 * anything else (URL-safe alphabet, stray characters, bad length) is "not base64" and is not decoded.
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Decoded bytes, or undefined when `value` is not strict base64 or decodes to nothing. */
export function decodeBase64(value: string): Uint8Array | undefined {
  const s = value.replace(/[\r\n \t]/g, "");
  if (s.length === 0 || s.length % 4 !== 0) return undefined;
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = s.charCodeAt(i + j);
      const isPad = c === 0x3d && i + 4 === s.length && j >= 4 - pad;
      const v = isPad ? 0 : c < 128 ? LOOKUP[c]! : -1;
      if (v < 0) return undefined;
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 0xff;
    if (o < out.length) out[o++] = (n >> 8) & 0xff;
    if (o < out.length) out[o++] = n & 0xff;
  }
  return out.length > 0 ? out : undefined;
}
