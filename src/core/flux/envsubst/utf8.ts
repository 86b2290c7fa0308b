/**
 * UTF-8 byte helpers with Go's semantics, for the parts of envsubst that count bytes (lengths, offsets,
 * scanner positions) rather than UTF-16 code units. Does no substitution itself.
 */

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder("utf-8", { fatal: false });

/** Go's utf8.RuneError. */
export const RUNE_ERROR = 0xfffd;

export function utf8Encode(s: string): Uint8Array {
  return ENCODER.encode(s);
}

/** Bytes back to text; byte sequences Go would keep as invalid UTF-8 become U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  return DECODER.decode(bytes);
}

export function utf8Length(s: string): number {
  return ENCODER.encode(s).length;
}

/**
 * Go's utf8.DecodeRune on `bytes[pos:]`: [rune, width]. An invalid or truncated sequence gives
 * [RUNE_ERROR, 1]; the end of input gives [RUNE_ERROR, 0].
 */
export function decodeRune(bytes: Uint8Array, pos: number): [number, number] {
  const b0 = bytes[pos];
  if (b0 === undefined) return [RUNE_ERROR, 0];
  if (b0 < 0x80) return [b0, 1];
  let need: number;
  let min: number;
  let cp: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    need = 1;
    min = 0x80;
    cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    min = 0x800;
    cp = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    min = 0x10000;
    cp = b0 & 0x07;
  } else {
    return [RUNE_ERROR, 1];
  }
  for (let k = 1; k <= need; k++) {
    const b = bytes[pos + k];
    if (b === undefined || (b & 0xc0) !== 0x80) return [RUNE_ERROR, 1];
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [RUNE_ERROR, 1];
  return [cp, need + 1];
}
