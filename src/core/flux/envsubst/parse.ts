/**
 * The envsubst parser: a port of fluxcd/pkg `envsubst/parse/parse.go`, producing the same trees
 * (text, function and list nodes) and failing on the same inputs with the same messages.
 *
 * Only `${` opens an expression; `$$` is an escape in plain text. Inside `${…}` the grammar is driven by
 * the peeked operator character exactly as upstream, including its quirks (`${v-d}` is a parse error,
 * `${v:+d}` parses as a default). Evaluation lives in ../envsubst.ts.
 */
import {
  type AcceptFunc,
  ESCAPE_ALL,
  ESCAPE_DOLLAR,
  newScanner,
  peek,
  read,
  SCAN_ESCAPE,
  SCAN_IDENT,
  SCAN_LBRACK,
  SCAN_RBRACK,
  type Scanner,
  scan,
  TOKEN_EOF,
  TOKEN_IDENT,
  TOKEN_LBRACK,
  TOKEN_RBRACK,
  tokenText,
  unread,
} from "./scanner.ts";
import { utf8Encode } from "./utf8.ts";

export interface TextNode {
  type: "text";
  value: string;
}
export interface FuncNode {
  type: "func";
  /** Variable name. */
  param: string;
  /** Operator ("" for a plain `${v}`). */
  name: string;
  args: Node[];
}
export type Node = TextNode | FuncNode;

export type ParseResult = { ok: true; nodes: Node[] } | { ok: false; error: string };

export const ERR_BAD_SUBSTITUTION = "bad substitution";
export const ERR_MISSING_CLOSING_BRACE = "missing closing brace";
export const ERR_PARSE_VARIABLE_NAME = "unable to parse variable name";
export const ERR_PARSE_FUNC_SUBSTITUTION = "unable to parse substitution within function";
export const ERR_PARSE_DEFAULT_FUNCTION = "unable to parse default function";
/** Not upstream: Go's stack would grow; ours is bounded. */
export const ERR_TOO_DEEP = "bad substitution: expressions nested too deeply";
export const MAX_NESTING = 200;

class Failure {
  constructor(readonly error: string) {}
}
type Parsed = Node | Failure;

const ch = (c: string): number => c.charCodeAt(0);
const isLetterOrDigit = /^[\p{L}\p{Nd}_]$/u;

const acceptRune: AcceptFunc = () => true;
const acceptIdent: AcceptFunc = (r) =>
  r < 0x80 ? isLetterOrDigit.test(String.fromCharCode(r)) : isLetterOrDigit.test(String.fromCodePoint(r));
const acceptColon: AcceptFunc = (r) => r === ch(":");
const acceptOneHash: AcceptFunc = (r, i) => r === ch("#") && i === 1;
const acceptNotClosing: AcceptFunc = (r) => r !== ch("}");
const acceptHashFunc: AcceptFunc = (r, i) => r === ch("#") && i < 3;
const acceptPercentFunc: AcceptFunc = (r, i) => r === ch("%") && i < 3;
const acceptDefaultFunc: AcceptFunc = (r, i) =>
  (i === 1 && r === ch(":")) ||
  (i === 2 && (r === ch("=") || r === ch("-") || r === ch("?") || r === ch("+")));
const acceptReplaceFunc: AcceptFunc = (r, i) =>
  (i === 1 && r === ch("/")) || (i === 2 && (r === ch("/") || r === ch("#") || r === ch("%")));
const acceptOneEqual: AcceptFunc = (r, i) => i === 1 && r === ch("=");
const acceptOneColon: AcceptFunc = (r, i) => i === 1 && r === ch(":");
const rejectColonClose: AcceptFunc = (r) => r !== ch(":") && r !== ch("}");
const acceptSlash: AcceptFunc = (r) => r === ch("/");
const acceptNotSlash: AcceptFunc = (r) => r !== ch("/");
const acceptCasingFunc: AcceptFunc = (r, i) => (r === ch(",") || r === ch("^")) && i < 3;

interface Parser {
  s: Scanner;
  depth: number;
}

/** Parses `text` into a flat list of text and function nodes (upstream nests lists; the order is the same). */
export function parseTemplate(text: string): ParseResult {
  const p: Parser = { s: newScanner(utf8Encode(text)), depth: 0 };
  const nodes: Node[] = [];
  for (;;) {
    p.s.accept = acceptRune;
    p.s.mode = SCAN_IDENT | SCAN_LBRACK | SCAN_ESCAPE;
    p.s.escapeChars = ESCAPE_DOLLAR;
    const tok = scan(p.s);
    if (tok === TOKEN_EOF) return { ok: true, nodes };
    if (tok === TOKEN_IDENT) {
      nodes.push({ type: "text", value: tokenText(p.s) });
      continue;
    }
    if (tok !== TOKEN_LBRACK) return { ok: false, error: ERR_BAD_SUBSTITUTION };
    const fn = parseFunc(p);
    if (fn instanceof Failure) return { ok: false, error: fn.error };
    nodes.push(fn);
  }
}

function func(param: string, name = ""): FuncNode {
  return { type: "func", param, name, args: [] };
}

/** Scans one token with the given accept function and mode; returns its text, or undefined if not `want`. */
function scanAs(p: Parser, accept: AcceptFunc, mode: number, want: number): string | undefined {
  p.s.accept = accept;
  p.s.mode = mode;
  return scan(p.s) === want ? tokenText(p.s) : undefined;
}

function parseFunc(p: Parser): Parsed {
  if (++p.depth > MAX_NESTING) return new Failure(ERR_TOO_DEEP);
  const result = parseFuncBody(p);
  p.depth--;
  return result;
}

function parseFuncBody(p: Parser): Parsed {
  p.s.escapeChars = ESCAPE_ALL;
  if (peek(p.s) === ch("#")) return parseLenFunc(p);
  const name = scanAs(p, acceptIdent, SCAN_IDENT, TOKEN_IDENT);
  if (name === undefined) return new Failure(ERR_PARSE_VARIABLE_NAME);
  switch (peek(p.s)) {
    case ch(":"):
      return parseDefaultOrSubstr(p, name);
    case ch("="):
      return parseDefaultFunc(p, name);
    case ch(","):
    case ch("^"):
      return parseCasingFunc(p, name);
    case ch("/"):
      return parseReplaceFunc(p, name);
    case ch("#"):
      return parseRemoveFunc(p, name, acceptHashFunc);
    case ch("%"):
      return parseRemoveFunc(p, name, acceptPercentFunc);
  }
  p.s.accept = acceptIdent;
  p.s.mode = SCAN_RBRACK;
  return scan(p.s) === TOKEN_RBRACK ? func(name) : new Failure(ERR_MISSING_CLOSING_BRACE);
}

/** One function argument: a nested `${…}` or a run of accepted text. */
function parseParam(p: Parser, accept: AcceptFunc, mode: number): Parsed {
  p.s.accept = accept;
  p.s.mode = mode | SCAN_LBRACK;
  const tok = scan(p.s);
  if (tok === TOKEN_LBRACK) return parseFunc(p);
  if (tok === TOKEN_IDENT || tok === TOKEN_RBRACK) return { type: "text", value: tokenText(p.s) };
  return new Failure(ERR_PARSE_FUNC_SUBSTITUTION);
}

function parseDefaultOrSubstr(p: Parser, name: string): Parsed {
  read(p.s);
  const r = peek(p.s);
  // Upstream quirk kept: this unread steps back by the width of the *peeked* rune.
  unread(p.s);
  if (r === ch("=") || r === ch("-") || r === ch("?") || r === ch("+")) return parseDefaultFunc(p, name);
  return parseSubstrFunc(p, name);
}

function parseSubstrFunc(p: Parser, param: string): Parsed {
  const op = scanAs(p, acceptOneColon, SCAN_IDENT, TOKEN_IDENT);
  if (op === undefined) return new Failure(ERR_BAD_SUBSTITUTION);
  const node = func(param, op);
  const offset = parseParam(p, rejectColonClose, SCAN_IDENT);
  if (offset instanceof Failure) return offset;
  node.args.push(offset);
  p.s.accept = acceptColon;
  p.s.mode = SCAN_IDENT | SCAN_RBRACK;
  const tok = scan(p.s);
  if (tok === TOKEN_RBRACK) return node;
  if (tok !== TOKEN_IDENT) return new Failure(ERR_BAD_SUBSTITUTION);
  const length = parseParam(p, acceptNotClosing, SCAN_IDENT);
  if (length instanceof Failure) return length;
  node.args.push(length);
  return consumeRbrack(p, node);
}

function parseRemoveFunc(p: Parser, param: string, accept: AcceptFunc): Parsed {
  const op = scanAs(p, accept, SCAN_IDENT, TOKEN_IDENT);
  if (op === undefined) return new Failure(ERR_BAD_SUBSTITUTION);
  const node = func(param, op);
  const pattern = parseParam(p, acceptNotClosing, SCAN_IDENT);
  if (pattern instanceof Failure) return pattern;
  node.args.push(pattern);
  return consumeRbrack(p, node);
}

function parseReplaceFunc(p: Parser, param: string): Parsed {
  const op = scanAs(p, acceptReplaceFunc, SCAN_IDENT, TOKEN_IDENT);
  if (op === undefined) return new Failure(ERR_BAD_SUBSTITUTION);
  const node = func(param, op);
  const pattern = parseParam(p, acceptNotSlash, SCAN_IDENT | SCAN_ESCAPE);
  if (pattern instanceof Failure) return pattern;
  node.args.push(pattern);
  if (scanAs(p, acceptSlash, SCAN_IDENT, TOKEN_IDENT) === undefined) return new Failure(ERR_BAD_SUBSTITUTION);
  if (peek(p.s) === ch("}")) return consumeRbrack(p, node);
  const replacement = parseParam(p, acceptNotClosing, SCAN_IDENT | SCAN_ESCAPE);
  if (replacement instanceof Failure) return replacement;
  node.args.push(replacement);
  return consumeRbrack(p, node);
}

function parseDefaultFunc(p: Parser, param: string): Parsed {
  const accept = peek(p.s) === ch("=") ? acceptOneEqual : acceptDefaultFunc;
  const op = scanAs(p, accept, SCAN_IDENT, TOKEN_IDENT);
  if (op === undefined) return new Failure(ERR_PARSE_DEFAULT_FUNCTION);
  const node = func(param, op);
  for (;;) {
    if (peek(p.s) === ch("}")) return consumeRbrack(p, node);
    const arg = parseParam(p, acceptNotClosing, SCAN_IDENT);
    if (arg instanceof Failure) return arg;
    node.args.push(arg);
  }
}

function parseCasingFunc(p: Parser, param: string): Parsed {
  const op = scanAs(p, acceptCasingFunc, SCAN_IDENT, TOKEN_IDENT);
  if (op === undefined) return new Failure(ERR_BAD_SUBSTITUTION);
  return consumeRbrack(p, func(param, op));
}

function parseLenFunc(p: Parser): Parsed {
  const op = scanAs(p, acceptOneHash, SCAN_IDENT, TOKEN_IDENT);
  if (op === undefined) return new Failure(ERR_BAD_SUBSTITUTION);
  const param = scanAs(p, acceptIdent, SCAN_IDENT, TOKEN_IDENT);
  if (param === undefined) return new Failure(ERR_BAD_SUBSTITUTION);
  return consumeRbrack(p, func(param, op));
}

function consumeRbrack(p: Parser, node: FuncNode): Parsed {
  p.s.mode = SCAN_RBRACK;
  return scan(p.s) === TOKEN_RBRACK ? node : new Failure(ERR_BAD_SUBSTITUTION);
}
