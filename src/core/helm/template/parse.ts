/**
 * Go's text/template parser (text/template/parse): the lexer — text, `{{`/`}}` with `-` trim markers,
 * comments, identifiers, fields, variables, Go string, raw string, character and number literals — and the
 * tree: actions, if/else if/with/else with/range (with break and continue), define/template/block, and
 * pipelines with declarations (`$x :=`), assignments (`$x =`), commands and parenthesized pipelines.
 * Errors carry Go's `template: NAME:LINE:COL: …` position.
 */

export class TemplateError extends Error {
  override readonly name: string = "TemplateError";
}

/** A template that does not parse (`template: NAME:LINE: …`). */
export class TemplateParseError extends TemplateError {
  override readonly name = "TemplateParseError";
}

type ItemType =
  | "text"
  | "left"
  | "right"
  | "space"
  | "ident"
  | "field"
  | "variable"
  | "string"
  | "rawString"
  | "char"
  | "number"
  | "bool"
  | "nil"
  | "dot"
  | "pipe"
  | "leftParen"
  | "rightParen"
  | "declare"
  | "assign"
  | "comma"
  | "keyword"
  | "eof";

interface Item {
  type: ItemType;
  val: string;
  pos: number;
}

const KEYWORDS = new Set([
  "if",
  "else",
  "end",
  "range",
  "with",
  "define",
  "template",
  "block",
  "break",
  "continue",
]);
const SPACE = /[ \t\r\n]/;

/** Splits a template into items (lex.go). */
function lex(name: string, input: string, leftDelim = "{{", rightDelim = "}}"): Item[] {
  const items: Item[] = [];
  let pos = 0;
  const fail = (message: string, at: number) => {
    throw new TemplateParseError(`template: ${name}:${lineNumber(input, at)}: ${message}`);
  };
  while (pos < input.length) {
    const next = input.indexOf(leftDelim, pos);
    if (next < 0) {
      items.push({ type: "text", val: input.slice(pos), pos });
      break;
    }
    let textEnd = next;
    let start = next + leftDelim.length;
    // `{{- ` trims the whitespace before the action.
    const trimLeft = input[start] === "-" && SPACE.test(input[start + 1] ?? "");
    if (trimLeft) {
      while (textEnd > pos && SPACE.test(input[textEnd - 1]!)) textEnd--;
      start += 2;
    }
    if (textEnd > pos) items.push({ type: "text", val: input.slice(pos, textEnd), pos });
    // A comment: `{{/* … */}}`, possibly with trim markers.
    let p = start;
    while (trimLeft && SPACE.test(input[p] ?? "")) p++;
    if (input.startsWith("/*", trimLeft ? p : start)) {
      const close = input.indexOf("*/", (trimLeft ? p : start) + 2);
      if (close < 0) fail("unclosed comment", start);
      let after = close + 2;
      let trimRight = false;
      if (input.startsWith(` -${rightDelim}`, after) || /^[ \t\r\n]-/.test(input.slice(after, after + 2))) {
        trimRight = input[after + 1] === "-" && input.startsWith(rightDelim, after + 2);
        if (trimRight) after += 2;
      }
      if (!input.startsWith(rightDelim, after)) fail("comment ends before closing delimiter", start);
      pos = after + rightDelim.length;
      if (trimRight) while (pos < input.length && SPACE.test(input[pos]!)) pos++;
      continue;
    }
    items.push({ type: "left", val: leftDelim, pos: next });
    pos = start;
    let parens = 0;
    for (;;) {
      // End of the action: `}}` or ` -}}`.
      if (input.startsWith(rightDelim, pos) && parens === 0) {
        items.push({ type: "right", val: rightDelim, pos });
        pos += rightDelim.length;
        break;
      }
      const c = input[pos];
      if (c === undefined) fail("unclosed action", next);
      if (SPACE.test(c!)) {
        let end = pos;
        while (end < input.length && SPACE.test(input[end]!)) end++;
        if (input[end] === "-" && input.startsWith(rightDelim, end + 1) && parens === 0) {
          items.push({ type: "right", val: rightDelim, pos: end });
          pos = end + 1 + rightDelim.length;
          while (pos < input.length && SPACE.test(input[pos]!)) pos++;
          break;
        }
        if (input[pos] === "\n" || input.slice(pos, end).includes("\n")) {
          // Newlines are allowed inside actions (Go 1.16+).
        }
        items.push({ type: "space", val: input.slice(pos, end), pos });
        pos = end;
        continue;
      }
      const at = pos;
      if (c === "|") {
        items.push({ type: "pipe", val: "|", pos: at });
        pos++;
      } else if (c === "(") {
        parens++;
        items.push({ type: "leftParen", val: "(", pos: at });
        pos++;
      } else if (c === ")") {
        if (parens === 0) fail(`unexpected right paren`, at);
        parens--;
        items.push({ type: "rightParen", val: ")", pos: at });
        pos++;
      } else if (c === ",") {
        items.push({ type: "comma", val: ",", pos: at });
        pos++;
      } else if (c === ":" && input[pos + 1] === "=") {
        items.push({ type: "declare", val: ":=", pos: at });
        pos += 2;
      } else if (c === "=") {
        items.push({ type: "assign", val: "=", pos: at });
        pos++;
      } else if (c === '"') {
        let end = pos + 1;
        while (end < input.length && input[end] !== '"') {
          if (input[end] === "\\") end++;
          if (input[end] === "\n") fail("unterminated quoted string", at);
          end++;
        }
        if (end >= input.length) fail("unterminated quoted string", at);
        items.push({ type: "string", val: input.slice(pos, end + 1), pos: at });
        pos = end + 1;
      } else if (c === "`") {
        const end = input.indexOf("`", pos + 1);
        if (end < 0) fail("unterminated raw quoted string", at);
        items.push({ type: "rawString", val: input.slice(pos, end + 1), pos: at });
        pos = end + 1;
      } else if (c === "'") {
        let end = pos + 1;
        while (end < input.length && input[end] !== "'") {
          if (input[end] === "\\") end++;
          end++;
        }
        if (end >= input.length) fail("unterminated character constant", at);
        items.push({ type: "char", val: input.slice(pos, end + 1), pos: at });
        pos = end + 1;
      } else if (c === "$") {
        const m = /^\$[\p{L}\p{Nd}_]*/u.exec(input.slice(pos))!;
        items.push({ type: "variable", val: m[0], pos: at });
        pos += m[0].length;
      } else if (c === "." && !/[0-9]/.test(input[pos + 1] ?? "")) {
        const m = /^\.[\p{L}\p{Nd}_]*/u.exec(input.slice(pos))!;
        items.push({ type: m[0] === "." ? "dot" : "field", val: m[0], pos: at });
        pos += m[0].length;
      } else if (/[0-9+\-.]/.test(c!)) {
        const m =
          /^[+-]?(0[xX][0-9a-fA-F_]*\.?[0-9a-fA-F_]*([pP][+-]?[0-9_]+)?|0[bB][01_]+|0[oO][0-7_]+|[0-9_]*\.?[0-9_]*([eE][+-]?[0-9_]+)?)i?/.exec(
            input.slice(pos),
          );
        const text = m?.[0] ?? "";
        if (!text || text === "+" || text === "-" || /[\p{L}_]/u.test(input[pos + text.length] ?? ""))
          fail(`bad number syntax: "${input.slice(pos, pos + text.length + 1)}"`, at);
        items.push({ type: "number", val: text, pos: at });
        pos += text.length;
      } else if (/[\p{L}_]/u.test(c!)) {
        const m = /^[\p{L}\p{Nd}_]+/u.exec(input.slice(pos))!;
        const word = m[0];
        const type: ItemType = KEYWORDS.has(word)
          ? "keyword"
          : word === "true" || word === "false"
            ? "bool"
            : word === "nil"
              ? "nil"
              : "ident";
        items.push({ type, val: word, pos: at });
        pos += word.length;
      } else fail(`unexpected "${c}" in command`, at);
    }
  }
  items.push({ type: "eof", val: "", pos: input.length });
  return items;
}

/** The line of a position, as Go's parse errors give it (`template: NAME:LINE: …`). */
function lineNumber(input: string, pos: number): number {
  let n = 1;
  for (let i = input.indexOf("\n"); i >= 0 && i < pos; i = input.indexOf("\n", i + 1)) n++;
  return n;
}

/** Go's position of a node: its line, and its byte offset in that line (0-based; UTF-8 bytes, as Go counts). */
function lineOf(input: string, pos: number): string {
  const before = input.slice(0, pos);
  const line = before.split("\n").length;
  const start = before.lastIndexOf("\n") + 1;
  return `${line}:${utf8Length(before.slice(start))}`;
}

function utf8Length(s: string): number {
  return /^[\x00-\x7f]*$/.test(s) ? s.length : new TextEncoder().encode(s).length;
}

/** Where a node is, as Go's ErrorContext gives it: `PARSENAME:LINE:COL` of the file the node was parsed from. */
export function errorLocation(source: Source, pos: number): string {
  return `${source.name}:${lineOf(source.text, pos)}`;
}

// ---- The tree ----

export type Node =
  | { type: "text"; text: string }
  | { type: "action"; pipe: Pipe; pos: number }
  | { type: "if" | "with"; pipe: Pipe; list: Node[]; elseList?: Node[]; pos: number }
  | { type: "range"; pipe: Pipe; list: Node[]; elseList?: Node[]; pos: number }
  | { type: "template"; name: string; pipe?: Pipe; pos: number }
  | { type: "break" | "continue"; pos: number };

export interface Pipe {
  decl: string[];
  isAssign: boolean;
  cmds: Command[];
  pos: number;
}

export interface Command {
  args: Arg[];
  pos: number;
}

export type Arg =
  | { type: "field"; names: string[]; pos: number }
  | { type: "variable"; names: string[]; pos: number }
  | { type: "chain"; node: Arg; names: string[]; pos: number }
  | { type: "identifier"; name: string; pos: number }
  | { type: "dot"; pos: number }
  | { type: "nil"; pos: number }
  | { type: "bool"; value: boolean; pos: number }
  | { type: "number"; text: string; int?: bigint; float?: number; pos: number }
  | { type: "string"; value: string; quoted: string; pos: number }
  | { type: "pipe"; pipe: Pipe; pos: number };

/** The text a tree was parsed from, and the name it was parsed as (a file; a `define` keeps its file's). */
export interface Source {
  name: string;
  text: string;
}

/** A parsed template: its nodes and where they came from. */
export interface Tree {
  list: Node[];
  source: Source;
}

export interface Templates {
  [name: string]: Tree;
}

export interface ParseOptions {
  /** Names of the functions the template may call (parse fails on any other). */
  funcs: ReadonlySet<string>;
}

/** Parses `text` as the template `name`; `define`d and `block` templates are added to the result too. */
export function parseTemplate(name: string, text: string, options: ParseOptions): Templates {
  return new Parser(name, text, options).parse();
}

class Parser {
  private items: Item[];
  private i = 0;
  private vars: string[] = ["$"];
  private rangeDepth = 0;
  private readonly templates: Templates = {};
  private readonly source: Source;

  constructor(
    private readonly name: string,
    private readonly text: string,
    private readonly options: ParseOptions,
  ) {
    // Spaces are kept: operands of a command are separated by them.
    this.items = lex(name, text);
    this.source = { name, text };
  }

  private fail(message: string, pos = this.peek().pos): never {
    throw new TemplateParseError(`template: ${this.name}:${lineNumber(this.text, pos)}: ${message}`);
  }

  private peek(): Item {
    return this.items[this.i]!;
  }
  private next(): Item {
    return this.items[this.i++]!;
  }
  private peekNonSpace(): Item {
    let k = this.i;
    while (this.items[k]!.type === "space") k++;
    return this.items[k]!;
  }
  private nextNonSpace(): Item {
    let item = this.next();
    while (item.type === "space") item = this.next();
    return item;
  }

  parse(): Templates {
    const list = this.itemList(new Set(["eof"]));
    // A file with only definitions does not replace a template defined elsewhere with an empty one.
    if (!(this.name in this.templates) || list.some((n) => n.type !== "text" || n.text.trim() !== ""))
      this.templates[this.name] = { list, source: this.source };
    return this.templates;
  }

  /** Nodes until one of `stops` (an `{{end}}`, `{{else}}`, or the end of input) — which is left unread. */
  private itemList(stops: ReadonlySet<string>): Node[] {
    const out: Node[] = [];
    for (;;) {
      const item = this.peek();
      if (item.type === "eof") {
        if (!stops.has("eof")) this.fail(`unexpected EOF`);
        return out;
      }
      if (item.type === "text") {
        this.next();
        out.push({ type: "text", text: item.val });
        continue;
      }
      // `{{`: an action, a control, or a stop.
      const save = this.i;
      this.next();
      const word = this.peekNonSpace();
      if (word.type === "keyword" && (word.val === "end" || word.val === "else")) {
        if (!stops.has(word.val)) this.fail(`unexpected {{${word.val}}}`, word.pos);
        this.i = save;
        return out;
      }
      const node = this.action();
      if (node) out.push(node);
    }
  }

  /** After `{{`: one action or control structure. */
  private action(): Node | undefined {
    const word = this.peekNonSpace();
    if (word.type === "keyword") {
      this.nextNonSpace();
      switch (word.val) {
        case "if":
          return this.control("if", word.pos);
        case "with":
          return this.control("with", word.pos);
        case "range":
          return this.control("range", word.pos);
        case "define":
          this.define();
          return undefined;
        case "block":
          return this.templateCall(word.pos, true);
        case "template":
          return this.templateCall(word.pos, false);
        case "break":
        case "continue": {
          if (this.rangeDepth === 0) this.fail(`{{${word.val}}} outside {{range}}`, word.pos);
          this.expectRight(word.val);
          return { type: word.val, pos: word.pos };
        }
      }
    }
    const pos = word.pos;
    return { type: "action", pipe: this.pipeline("command", "right"), pos };
  }

  private expectRight(context: string): void {
    const item = this.nextNonSpace();
    if (item.type !== "right") this.fail(`unexpected ${describe(item)} in ${context}`, item.pos);
  }

  private control(kind: "if" | "with" | "range", pos: number): Node {
    const vars = this.vars.length;
    if (kind === "range") this.rangeDepth++;
    const pipe = this.pipeline(kind, "right");
    const list = this.itemList(new Set(["end", "else"]));
    if (kind === "range") this.rangeDepth--;
    let elseList: Node[] | undefined;
    this.next(); // {{
    const word = this.nextNonSpace();
    if (word.val === "else") {
      const after = this.peekNonSpace();
      if ((kind === "if" && after.val === "if") || (kind === "with" && after.val === "with")) {
        // `{{else if …}}` / `{{else with …}}`: an if/with inside the else, sharing this {{end}}.
        this.nextNonSpace();
        elseList = [this.control(kind, after.pos)];
        this.vars.length = vars;
        return { type: kind, pipe, list, elseList, pos };
      }
      this.expectRight("else");
      elseList = this.itemList(new Set(["end"]));
      this.next();
      this.nextNonSpace(); // end
    }
    this.expectRight("end");
    this.vars.length = vars;
    return elseList ? { type: kind, pipe, list, elseList, pos } : { type: kind, pipe, list, pos };
  }

  private templateName(context: string): string {
    const item = this.nextNonSpace();
    if (item.type !== "string" && item.type !== "rawString")
      this.fail(`unexpected ${describe(item)} in ${context}`, item.pos);
    return unquote(item.val, (m) => this.fail(m, item.pos));
  }

  private define(): void {
    const name = this.templateName("define clause");
    this.expectRight("define clause");
    this.definition(name);
  }

  /** The body of a `define` or `block` up to its `{{end}}`: a template of its own, with only `$` declared. */
  private definition(name: string): void {
    const vars = this.vars;
    this.vars = ["$"];
    const list = this.itemList(new Set(["end"]));
    this.vars = vars;
    this.next();
    this.nextNonSpace();
    this.expectRight("end");
    this.templates[name] = { list, source: this.source };
  }

  private templateCall(pos: number, block: boolean): Node {
    const name = this.templateName(block ? "block clause" : "template clause");
    let pipe: Pipe | undefined;
    if (this.peekNonSpace().type !== "right") pipe = this.pipeline(block ? "block" : "template", "right");
    else this.nextNonSpace();
    if (block) this.definition(name);
    return pipe ? { type: "template", name, pipe, pos } : { type: "template", name, pos };
  }

  /** A pipeline up to `end` (`right` for `}}`, `rightParen` for `)`), which is consumed. */
  private pipeline(context: string, end: "right" | "rightParen"): Pipe {
    const start = this.peekNonSpace().pos;
    const decl: string[] = [];
    let isAssign = false;
    // Declarations: `$x :=`, `$x =`, `$i, $e :=` (range only).
    const save = this.i;
    const first = this.nextNonSpace();
    if (first.type === "variable") {
      const after = this.nextNonSpace();
      if (after.type === "declare" || after.type === "assign") {
        decl.push(first.val);
        isAssign = after.type === "assign";
      } else if (after.type === "comma" && context === "range") {
        const second = this.nextNonSpace();
        const op = this.nextNonSpace();
        if (second.type !== "variable" || (op.type !== "declare" && op.type !== "assign"))
          this.fail(`range can only initialize variables`, second.pos);
        decl.push(first.val, second.val);
        isAssign = op.type === "assign";
      } else this.i = save;
    } else this.i = save;
    if (decl.length > 2 || (decl.length === 2 && context !== "range")) this.fail("too many declarations");
    if (isAssign) {
      for (const v of decl) if (!this.vars.includes(v)) this.fail(`undefined variable "${v}"`, start);
    }
    const cmds: Command[] = [];
    for (;;) {
      const item = this.peekNonSpace();
      if (item.type === end) {
        this.nextNonSpace();
        break;
      }
      if (item.type === "eof" || item.type === "right" || item.type === "rightParen" || item.type === "pipe")
        this.fail(`unexpected ${describe(item)} in ${context}`, item.pos);
      cmds.push(this.command(end));
      // Go's command() takes the "|" after a command, and the pipeline may end right after it:
      // `{{ if .enabled | }}` parses (bjw-s common 1.5's _ports.tpl has one).
      if (this.peekNonSpace().type === "pipe") this.nextNonSpace();
    }
    if (cmds.length === 0) this.fail(`missing value for ${context}`, start);
    if (!isAssign) for (const v of decl) this.vars.push(v);
    for (const c of cmds.slice(1)) {
      const a = c.args[0]!;
      if (
        a.type === "bool" ||
        a.type === "dot" ||
        a.type === "nil" ||
        a.type === "number" ||
        a.type === "string"
      )
        this.fail(`non executable command in pipeline stage ${cmds.indexOf(c) + 1}`, a.pos);
    }
    return { decl, isAssign, cmds, pos: start };
  }

  private command(end: "right" | "rightParen"): Command {
    const args: Arg[] = [];
    const pos = this.peekNonSpace().pos;
    for (;;) {
      const item = this.peek();
      if (item.type === "space") {
        this.next();
        continue;
      }
      if (item.type === end || item.type === "pipe") break;
      if (item.type === "right" || item.type === "rightParen" || item.type === "eof")
        this.fail(`unexpected ${describe(item)} in operand`, item.pos);
      const operand = this.operand();
      args.push(operand);
      const after = this.peek();
      if (
        after.type !== "space" &&
        after.type !== end &&
        after.type !== "pipe" &&
        after.type !== "right" &&
        after.type !== "rightParen"
      )
        this.fail(`missing space?`, after.pos);
    }
    if (args.length === 0) this.fail(`empty command`, pos);
    return { args, pos };
  }

  private operand(): Arg {
    const term = this.term();
    if (this.peek().type === "field") {
      // Go's chain takes the position of its first added field, and keeps it when it folds into a
      // field or variable: `.Values.a.b` is at `.a`.
      const pos = this.peek().pos;
      const names: string[] = [];
      while (this.peek().type === "field") names.push(this.next().val.slice(1));
      if (term.type === "field" || term.type === "variable")
        return { ...term, names: [...term.names, ...names], pos };
      if (
        term.type === "bool" ||
        term.type === "string" ||
        term.type === "number" ||
        term.type === "nil" ||
        term.type === "dot"
      )
        this.fail(`unexpected . after term ${JSON.stringify(describeArg(term))}`, term.pos);
      return { type: "chain", node: term, names, pos };
    }
    return term;
  }

  private term(): Arg {
    const item = this.next();
    switch (item.type) {
      case "ident":
        if (!this.options.funcs.has(item.val)) this.fail(`function "${item.val}" not defined`, item.pos);
        return { type: "identifier", name: item.val, pos: item.pos };
      case "dot":
        return { type: "dot", pos: item.pos };
      case "nil":
        return { type: "nil", pos: item.pos };
      case "variable": {
        if (!this.vars.includes(item.val)) this.fail(`undefined variable "${item.val}"`, item.pos);
        return { type: "variable", names: [item.val], pos: item.pos };
      }
      case "field":
        return { type: "field", names: [item.val.slice(1)], pos: item.pos };
      case "bool":
        return { type: "bool", value: item.val === "true", pos: item.pos };
      case "char":
      case "number":
        return this.number(item);
      case "string":
      case "rawString":
        return {
          type: "string",
          value: unquote(item.val, (m) => this.fail(m, item.pos)),
          quoted: item.val,
          pos: item.pos,
        };
      case "leftParen": {
        const pipe = this.pipeline("parenthesized pipeline", "rightParen");
        return { type: "pipe", pipe, pos: item.pos };
      }
      default:
        return this.fail(`unexpected ${describe(item)} in operand`, item.pos);
    }
  }

  private number(item: Item): Arg {
    if (item.type === "char") {
      const s = unquote(`"${item.val.slice(1, -1).replace(/"/g, '\\"')}"`, (m) => this.fail(m, item.pos));
      const cp = s.codePointAt(0);
      if (cp === undefined || [...s].length !== 1)
        this.fail(`malformed character constant: ${item.val}`, item.pos);
      return { type: "number", text: item.val, int: BigInt(cp!), float: cp!, pos: item.pos };
    }
    const text = item.val;
    if (text.endsWith("i")) this.fail(`complex numbers are not supported: ${text}`, item.pos);
    const clean = text.replace(/_/g, "");
    const neg = clean.startsWith("-");
    const body = clean.replace(/^[+-]/, "");
    let int: bigint | undefined;
    let float: number | undefined;
    if (/^0[xX][0-9a-fA-F]+$/.test(body) || /^0[bB][01]+$/.test(body) || /^0[oO][0-7]+$/.test(body)) {
      int = BigInt(body.replace(/^0[oO]/, "0o"));
    } else if (/^0[0-7]+$/.test(body)) {
      int = BigInt(`0o${body.slice(1)}`);
    } else if (/^[0-9]+$/.test(body)) {
      int = BigInt(body);
    } else if (/^0[xX]/.test(body)) {
      float = parseHexFloat(body);
    } else {
      float = Number(body);
      if (Number.isNaN(float) || body === "." || body === "")
        this.fail(`bad number syntax: "${text}"`, item.pos);
    }
    if (int !== undefined) {
      if (neg) int = -int;
      return { type: "number", text, int, float: Number(int), pos: item.pos };
    }
    if (neg) float = -float!;
    // Written as a float (a `.`, an exponent): a float64 when executed, whatever its value (Go's
    // idealConstant), so `eq 2 2.0` compares an int with a float and fails as in Go.
    return { type: "number", text, float: float!, pos: item.pos };
  }
}

function parseHexFloat(body: string): number {
  const m = /^0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(body);
  if (!m) return Number.NaN;
  const mantissa = parseInt(`${m[1] || "0"}${m[2]}`, 16) / 16 ** m[2]!.length;
  return mantissa * 2 ** Number(m[3]);
}

function describe(item: Item): string {
  if (item.type === "eof") return "EOF";
  if (item.type === "right") return `"${item.val}"`;
  return `<${item.val}>`;
}

function describeArg(a: Arg): string {
  switch (a.type) {
    case "string":
      return JSON.stringify(a.value);
    case "number":
      return a.text;
    case "bool":
      return String(a.value);
    case "nil":
      return "nil";
    case "dot":
      return ".";
    default:
      return a.type;
  }
}

/** Go's strconv.Unquote for "…" and `…` literals. */
export function unquote(text: string, fail: (message: string) => never): string {
  if (text.startsWith("`")) return text.slice(1, -1).replace(/\r/g, "");
  let out = "";
  const body = text.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    switch (e) {
      case "n":
        out += "\n";
        break;
      case "t":
        out += "\t";
        break;
      case "r":
        out += "\r";
        break;
      case "a":
        out += "\x07";
        break;
      case "b":
        out += "\b";
        break;
      case "f":
        out += "\f";
        break;
      case "v":
        out += "\v";
        break;
      case "\\":
        out += "\\";
        break;
      case '"':
        out += '"';
        break;
      case "'":
        out += "'";
        break;
      case "x": {
        const h = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(h)) fail(`invalid syntax`);
        out += String.fromCharCode(parseInt(h, 16));
        i += 2;
        break;
      }
      case "u":
      case "U": {
        const n = e === "u" ? 4 : 8;
        const h = body.slice(i + 1, i + 1 + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) fail(`invalid syntax`);
        out += String.fromCodePoint(parseInt(h, 16));
        i += n;
        break;
      }
      default:
        if (e !== undefined && /[0-7]/.test(e)) {
          const o = body.slice(i, i + 3);
          if (!/^[0-7]{3}$/.test(o)) fail(`invalid syntax`);
          out += String.fromCharCode(parseInt(o, 8));
          i += 2;
          break;
        }
        fail(`invalid syntax`);
    }
  }
  return out;
}
