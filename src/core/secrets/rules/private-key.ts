/**
 * S6: private keys as a line scanner (the gitleaks `privatekey.go` pattern without its backtracking):
 * a `-----BEGIN … PRIVATE KEY[ BLOCK]-----` marker (RSA, EC, DSA, OpenSSH, PKCS#8, ENCRYPTED, PGP
 * PRIVATE KEY BLOCK), the SSH.com `---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----` marker, then an END marker
 * within 200 lines with at least 64 body characters between; and PuTTY `PuTTY-User-Key-File-2/3:` headers
 * followed by `Private-Lines:`. Keys written on one line with `\n` escapes count too.
 *
 * Never flags CERTIFICATE, PUBLIC KEY, PGP MESSAGE / SIGNATURE blocks or `ssh-ed25519 AAAA…` public keys,
 * and never an unterminated BEGIN or a body shorter than 64 characters. Each line is visited a bounded
 * number of times: a new BEGIN abandons the pending one.
 */
import { type LineIndex, MAX_LINE, type RawFinding } from "./common.ts";

const WINDOW = 200;
const MIN_BODY = 64;
const LABEL_CHARS = /^[ A-Za-z0-9_-]{0,100}$/;

interface Begin {
  /** Offset of the marker. */
  at: number;
  label: string;
  /** Offset just after the BEGIN marker. */
  bodyStart: number;
}

/** The PRIVATE KEY label of a BEGIN marker starting at `at`, or undefined. */
function beginLabel(text: string, at: number): Begin | undefined {
  const ssh2 = text.startsWith("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----", at);
  if (ssh2) return { at, label: "SSH2 ENCRYPTED PRIVATE KEY", bodyStart: at + 41 };
  if (!text.startsWith("-----BEGIN", at)) return undefined;
  const close = text.indexOf("-----", at + 10);
  if (close === -1 || close - at > 130) return undefined;
  const label = text.slice(at + 10, close).trim();
  if (!LABEL_CHARS.test(label)) return undefined;
  const upper = label.toUpperCase();
  if (!upper.endsWith("PRIVATE KEY") && !upper.endsWith("PRIVATE KEY BLOCK")) return undefined;
  return { at, label: upper, bodyStart: close + 5 };
}

function bodyChars(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to && n < MIN_BODY; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x20 && c !== 0x5c) n++; // not whitespace, not the backslash of a `\n` escape
  }
  return n;
}

/** Offset of an END marker in [from, to), searching only that segment (keeps the scan linear). */
function findEnd(text: string, from: number, to: number): number {
  if (from >= to) return -1;
  const segment = text.slice(from, to);
  const a = segment.indexOf("-----END");
  const b = segment.indexOf("---- END SSH2");
  const hit = a === -1 ? b : b === -1 ? a : Math.min(a, b);
  return hit === -1 ? -1 : from + hit;
}

export function scanPrivateKeys(text: string, lines: LineIndex): RawFinding[] {
  const out: RawFinding[] = [];
  if (!text.includes("BEGIN") && !text.includes("PuTTY-User-Key-File-")) return out;
  let pending: { begin: Begin; lines: number } | undefined;
  let putty: { at: number; version: string; lines: number } | undefined;
  let pos = 0;
  while (pos < text.length) {
    let eol = text.indexOf("\n", pos);
    if (eol === -1) eol = text.length;
    const end = Math.min(eol, pos + MAX_LINE);
    let begin: Begin | undefined;
    for (let at = text.indexOf("BEGIN", pos); at !== -1 && at < end; at = text.indexOf("BEGIN", at + 5)) {
      begin = at >= pos + 5 ? beginLabel(text, at - 5) : undefined;
      if (begin) break;
    }
    if (begin) pending = { begin, lines: 0 };
    if (pending) {
      const searchFrom = begin ? begin.bodyStart : pos;
      const endAt = findEnd(text, searchFrom, end);
      if (endAt !== -1) {
        if (bodyChars(text, pending.begin.bodyStart, endAt) >= MIN_BODY) {
          out.push(keyFinding(text, lines, pending.begin, endAt));
        }
        pending = undefined;
      } else if (++pending.lines > WINDOW) pending = undefined;
    }
    if (putty && text.startsWith("Private-Lines:", pos)) {
      const { line, column } = lines.position(putty.at);
      out.push({
        code: "secret-private-key",
        severity: "error",
        message: `PuTTY private key file (version ${putty.version}) detected`,
        line,
        column,
        secret: text.slice(pos, end),
      });
      putty = undefined;
    } else if (putty && ++putty.lines > WINDOW) putty = undefined;
    if (text.startsWith("PuTTY-User-Key-File-", pos)) {
      const version = text[pos + 20];
      if ((version === "2" || version === "3") && text[pos + 21] === ":")
        putty = { at: pos, version, lines: 0 };
    }
    pos = eol + 1;
  }
  return out;
}

function keyFinding(text: string, lines: LineIndex, begin: Begin, endAt: number): RawFinding {
  const { line, column } = lines.position(begin.at);
  const body = text.slice(begin.bodyStart, endAt);
  return {
    code: "secret-private-key",
    severity: "error",
    message: `Private key block "BEGIN ${begin.label}" detected`,
    line,
    column,
    secret: body.replace(/\s+/g, ""),
    len: endAt - begin.at,
  };
}
