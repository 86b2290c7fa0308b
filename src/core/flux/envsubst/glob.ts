/**
 * Glob matching for `${v#pat}` and friends: a port of fluxcd/pkg `envsubst/path/match.go`, Go's
 * path.Match modified so that `*` and `?` also match "/". Works on UTF-8 bytes like Go (a `?` consumes one
 * whole rune, literals compare bytes). Returns "bad-pattern" where Go returns ErrBadPattern.
 */
import { decodeRune, RUNE_ERROR } from "./utf8.ts";

export type MatchResult = boolean | "bad-pattern";

const STAR = 0x2a;
const QUESTION = 0x3f;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const BACKSLASH = 0x5c;
const CARET = 0x5e;
const DASH = 0x2d;

/** Counts the matching work (chunk comparisons, weighted by chunk length) of every match it is given to. */
export interface GlobMeter {
  steps: number;
}

/** Whether `pattern` matches all of `name` (both UTF-8). */
export function globMatch(pattern: Uint8Array, name: Uint8Array, meter?: GlobMeter): MatchResult {
  let pat = pattern;
  let rest = name;
  outer: while (pat.length > 0) {
    const { star, chunk, after } = scanChunk(pat);
    pat = after;
    if (star && chunk.length === 0) return true; // a trailing * matches the rest, "/" included
    if (meter) meter.steps += chunk.length + 1;
    const first = matchChunk(chunk, rest);
    if (first.ok && (first.rest.length === 0 || pat.length > 0)) {
      rest = first.rest;
      continue;
    }
    if (first.bad) return "bad-pattern";
    if (star) {
      for (let i = 0; i < rest.length; i++) {
        if (meter) meter.steps += chunk.length + 1;
        const m = matchChunk(chunk, rest.subarray(i + 1));
        if (m.ok) {
          if (pat.length === 0 && m.rest.length > 0) continue;
          rest = m.rest;
          continue outer;
        }
        if (m.bad) return "bad-pattern";
      }
    }
    return false;
  }
  return rest.length === 0;
}

function scanChunk(pattern: Uint8Array): { star: boolean; chunk: Uint8Array; after: Uint8Array } {
  let p = pattern;
  let star = false;
  while (p.length > 0 && p[0] === STAR) {
    p = p.subarray(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  for (; i < p.length; i++) {
    const c = p[i];
    if (c === BACKSLASH) {
      if (i + 1 < p.length) i++;
    } else if (c === LBRACKET) inRange = true;
    else if (c === RBRACKET) inRange = false;
    else if (c === STAR && !inRange) break;
  }
  return { star, chunk: p.subarray(0, i), after: p.subarray(i) };
}

interface ChunkMatch {
  ok: boolean;
  bad: boolean;
  rest: Uint8Array;
}

const EMPTY = new Uint8Array(0);
const NO: ChunkMatch = { ok: false, bad: false, rest: EMPTY };
const BAD: ChunkMatch = { ok: false, bad: true, rest: EMPTY };

/** Whether `chunk` (no stars) matches a prefix of `s`; the remainder on success. */
function matchChunk(chunkIn: Uint8Array, sIn: Uint8Array): ChunkMatch {
  let chunk = chunkIn;
  let s = sIn;
  while (chunk.length > 0) {
    if (s.length === 0) return NO;
    const c = chunk[0];
    if (c === LBRACKET) {
      const [r, n] = decodeRune(s, 0);
      s = s.subarray(n);
      chunk = chunk.subarray(1);
      let negated = false;
      if (chunk.length > 0 && chunk[0] === CARET) {
        negated = true;
        chunk = chunk.subarray(1);
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === RBRACKET && nrange > 0) {
          chunk = chunk.subarray(1);
          break;
        }
        const lo = getEsc(chunk);
        if (lo === undefined) return BAD;
        chunk = lo.rest;
        let hi = lo.r;
        if (chunk[0] === DASH) {
          const h = getEsc(chunk.subarray(1));
          if (h === undefined) return BAD;
          hi = h.r;
          chunk = h.rest;
        }
        if (lo.r <= r && r <= hi) match = true;
        nrange++;
      }
      if (match === negated) return NO;
    } else if (c === QUESTION) {
      const [, n] = decodeRune(s, 0);
      s = s.subarray(n);
      chunk = chunk.subarray(1);
    } else {
      if (c === BACKSLASH) {
        chunk = chunk.subarray(1);
        if (chunk.length === 0) return BAD;
      }
      if (chunk[0] !== s[0]) return NO;
      s = s.subarray(1);
      chunk = chunk.subarray(1);
    }
  }
  return { ok: true, bad: false, rest: s };
}

/** A possibly escaped character of a character class; undefined for Go's ErrBadPattern. */
function getEsc(chunkIn: Uint8Array): { r: number; rest: Uint8Array } | undefined {
  let chunk = chunkIn;
  if (chunk.length === 0 || chunk[0] === DASH || chunk[0] === RBRACKET) return undefined;
  if (chunk[0] === BACKSLASH) {
    chunk = chunk.subarray(1);
    if (chunk.length === 0) return undefined;
  }
  const [r, n] = decodeRune(chunk, 0);
  if (r === RUNE_ERROR && n === 1) return undefined;
  const rest = chunk.subarray(n);
  if (rest.length === 0) return undefined;
  return { r, rest };
}
