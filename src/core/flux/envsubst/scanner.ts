/**
 * The envsubst lexical scanner: a port of fluxcd/pkg `envsubst/parse/scan.go` (itself from drone/envsubst).
 *
 * Works on UTF-8 bytes like the Go original, so positions, peeks and "unread" quirks (unread steps back by
 * the width of the last rune *read*, including a peeked one) behave identically. Go's `skip()` deletes an
 * escape character from the buffer; here the buffer stays immutable and deleted bytes are marked instead,
 * which keeps `$$`-heavy inputs linear. It only tokenizes; parse.ts drives it.
 */
import { decodeRune, utf8Decode } from "./utf8.ts";

export const TOKEN_ILLEGAL = 0;
export const TOKEN_EOF = 1;
export const TOKEN_IDENT = 2;
export const TOKEN_LBRACK = 3;
export const TOKEN_RBRACK = 4;
export type Token = 0 | 1 | 2 | 3 | 4;

export const SCAN_IDENT = 1;
export const SCAN_LBRACK = 2;
export const SCAN_RBRACK = 4;
export const SCAN_ESCAPE = 8;

export const ESCAPE_DOLLAR = 1;
export const ESCAPE_BACKSLASH = 2;
export const ESCAPE_ALL = ESCAPE_DOLLAR | ESCAPE_BACKSLASH;

/** Go's `eof` rune is 0: a NUL character is indistinguishable from the end of input, as upstream. */
const EOF = 0;
const DOLLAR = 0x24;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const SLASH = 0x2f;
const BACKSLASH = 0x5c;

/** Accepts or rejects rune `r`; `i` is its 1-based byte offset-after within the current token. */
export type AcceptFunc = (r: number, i: number) => boolean;

export interface Scanner {
  buf: Uint8Array;
  pos: number;
  start: number;
  width: number;
  mode: number;
  escapeChars: number;
  accept: AcceptFunc;
  /** 1 where Go's skip() removed a byte. */
  deleted: Uint8Array | undefined;
  /** Deletions so far, and at the start of the current token (Go positions exclude deleted bytes). */
  deletedCount: number;
  startDeleted: number;
}

export function newScanner(buf: Uint8Array): Scanner {
  return {
    buf,
    pos: 0,
    start: 0,
    width: 0,
    mode: 0,
    escapeChars: 0,
    accept: () => false,
    deleted: undefined,
    deletedCount: 0,
    startDeleted: 0,
  };
}

export function read(s: Scanner): number {
  if (s.pos >= s.buf.length) {
    s.width = 0;
    return EOF;
  }
  const [r, w] = decodeRune(s.buf, s.pos);
  s.width = w;
  s.pos += w;
  return r;
}

export function unread(s: Scanner): void {
  s.pos -= s.width;
}

export function peek(s: Scanner): number {
  const r = read(s);
  unread(s);
  return r;
}

/** Go removes the byte before pos, which makes the following (single-byte) character consumed. */
function skip(s: Scanner): void {
  s.deleted ??= new Uint8Array(s.buf.length);
  s.deleted[s.pos - 1] = 1;
  s.deletedCount++;
  s.pos++;
}

/** Text of the most recently scanned token. */
export function tokenText(s: Scanner): string {
  if (s.deletedCount === s.startDeleted || s.deleted === undefined)
    return utf8Decode(s.buf.subarray(s.start, s.pos));
  const kept: number[] = [];
  for (let k = s.start; k < s.pos; k++) if (s.deleted[k] !== 1) kept.push(s.buf[k] ?? 0);
  return utf8Decode(Uint8Array.from(kept));
}

function offset(s: Scanner): number {
  return s.pos - s.start - (s.deletedCount - s.startDeleted);
}

export function scan(s: Scanner): Token {
  s.start = s.pos;
  s.startDeleted = s.deletedCount;
  const r = read(s);
  if (r === EOF) return TOKEN_EOF;
  if (scanLbrack(s, r)) return TOKEN_LBRACK;
  if (scanRbrack(s, r)) return TOKEN_RBRACK;
  if (scanIdent(s, r)) return TOKEN_IDENT;
  return TOKEN_ILLEGAL;
}

function scanIdent(s: Scanner, first: number): boolean {
  if ((s.mode & SCAN_IDENT) === 0) return false;
  if (scanEscaped(s, first)) skip(s);
  else if (!s.accept(first, offset(s))) return false;
  for (;;) {
    const r = read(s);
    if (r === EOF) {
      unread(s);
      return true;
    }
    if (scanLbrack(s, r)) {
      unread(s);
      unread(s);
      return true;
    }
    if (scanEscaped(s, r)) {
      skip(s);
      continue;
    }
    if (!s.accept(r, offset(s))) {
      unread(s);
      return true;
    }
  }
}

function scanLbrack(s: Scanner, r: number): boolean {
  if ((s.mode & SCAN_LBRACK) === 0) return false;
  if (r === DOLLAR) {
    if (read(s) === LBRACE) return true;
    unread(s);
  }
  return false;
}

function scanRbrack(s: Scanner, r: number): boolean {
  if ((s.mode & SCAN_RBRACK) === 0) return false;
  return r === RBRACE;
}

function scanEscaped(s: Scanner, r: number): boolean {
  if ((s.mode & SCAN_ESCAPE) === 0) return false;
  if (r === DOLLAR && (s.escapeChars & ESCAPE_DOLLAR) !== 0 && peek(s) === DOLLAR) return true;
  if (r === BACKSLASH && (s.escapeChars & ESCAPE_BACKSLASH) !== 0) {
    const next = peek(s);
    return next === SLASH || next === BACKSLASH;
  }
  return false;
}
