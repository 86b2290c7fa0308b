/**
 * The JSONPath dialect helm-unittest evaluates assertion and document-selector paths with
 * (github.com/vmware-labs/yaml-jsonpath, over a document re-read as a yaml.v3 node), for plain data as
 * `unittest-corpus.ts` reads documents: mappings are objects, sequences arrays, integers `bigint`,
 * floats `number`. Supported: an optional `$`, an undotted first child, `.name`, `.*`, `..name`,
 * `..*`, `['a', "b"]`, `[n]`, `[-1]`, `[a:b:c]`, `[*]`, and filters `[?(…)]` with `@`/`$` subpaths,
 * literals, `== != > >= < <=`, `=~ /re/`, `!`, `&&`, `||` and brackets. A filter applied to a
 * mapping tests the mapping itself (as yaml-jsonpath does), one applied to a sequence tests each item.
 * Anything else (the property-name operator `~`) throws `PathSyntaxError`.
 */
import { RE2JS } from "re2js";

export class PathSyntaxError extends Error {
  override readonly name = "PathSyntaxError";
}

type Step =
  | { kind: "child"; names: string[] }
  | { kind: "all" }
  | { kind: "index"; spec: string }
  | { kind: "filter"; filter: Filter }
  | { kind: "recursive"; each: Step };

type Filter = (node: unknown, root: unknown) => boolean;

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Every node `path` finds in `doc`, in yaml-jsonpath's order. */
export function findPath(doc: unknown, path: string): unknown[] {
  return apply(parsePath(path), [doc], doc);
}

const compiled = new Map<string, Step[]>();

function parsePath(path: string): Step[] {
  let steps = compiled.get(path);
  if (!steps) {
    const p = new Parser(path);
    steps = p.path();
    if (p.i < path.length)
      throw new PathSyntaxError(`unexpected ${JSON.stringify(path.slice(p.i))} in ${path}`);
    compiled.set(path, steps);
  }
  return steps;
}

function apply(steps: Step[], nodes: unknown[], root: unknown): unknown[] {
  let current = nodes;
  for (const step of steps) current = current.flatMap((n) => applyStep(step, n, root));
  return current;
}

function descendants(node: unknown): unknown[] {
  const out: unknown[] = [node];
  if (Array.isArray(node)) for (const c of node) out.push(...descendants(c));
  else if (isMap(node)) for (const c of Object.values(node)) out.push(...descendants(c));
  return out;
}

function applyStep(step: Step, node: unknown, root: unknown): unknown[] {
  switch (step.kind) {
    case "child":
      return isMap(node) ? step.names.filter((n) => Object.hasOwn(node, n)).map((n) => node[n]) : [];
    case "all":
      return Array.isArray(node) ? [...node] : isMap(node) ? Object.values(node) : [];
    case "index":
      return Array.isArray(node) ? sliceIndexes(step.spec, node.length).map((i) => node[i]) : [];
    case "filter":
      return Array.isArray(node)
        ? node.filter((c) => step.filter(c, root))
        : step.filter(node, root)
          ? [node]
          : [];
    case "recursive":
      return descendants(node).flatMap((d) =>
        step.each.kind === "filter" ? (step.each.filter(d, root) ? [d] : []) : applyStep(step.each, d, root),
      );
  }
}

/** A union of indexes and `start:end:step` ranges, as yaml-jsonpath's slicer reads it. */
function sliceIndexes(spec: string, length: number): number[] {
  const out: number[] = [];
  for (const part of spec.split(",").map((s) => s.trim())) {
    if (!part.includes(":")) {
      let i = Number.parseInt(part, 10);
      if (Number.isNaN(i)) throw new PathSyntaxError(`invalid array index ${part}`);
      if (i < 0) i += length;
      if (i >= 0 && i < length) out.push(i);
      continue;
    }
    const [a = "", b = "", c = ""] = part.split(":");
    const step = c === "" ? 1 : Number.parseInt(c, 10);
    if (step === 0 || Number.isNaN(step)) throw new PathSyntaxError(`invalid array slice ${part}`);
    const norm = (s: string, dflt: number) => {
      if (s === "") return dflt;
      const n = Number.parseInt(s, 10);
      return n < 0 ? Math.max(n + length, step > 0 ? 0 : -1) : Math.min(n, length);
    };
    if (step > 0) for (let i = norm(a, 0); i < norm(b, length); i += step) out.push(i);
    else for (let i = norm(a, length - 1); i > norm(b, -1); i += step) if (i < length) out.push(i);
  }
  return out;
}

type Term = { path: Step[]; at: boolean } | { literal: TypedValue };
type ValueType = "string" | "int" | "float" | "bool" | "null" | "regex" | "unknown";
interface TypedValue {
  type: ValueType;
  value: string;
}

function typed(v: unknown): TypedValue {
  if (typeof v === "string") return { type: "string", value: v };
  if (typeof v === "bigint") return { type: "int", value: String(v) };
  if (typeof v === "number") return { type: "float", value: String(v) };
  if (typeof v === "boolean") return { type: "bool", value: String(v) };
  if (v === null) return { type: "null", value: "null" };
  return { type: "unknown", value: "" };
}

const numeric = (t: ValueType) => t === "int" || t === "float";
const compatible = (a: ValueType, b: ValueType) =>
  (numeric(a) && numeric(b)) || a === b || (a === "string" && b === "regex");

type Cmp = "<" | "=" | ">" | "?";
function compareValues(l: TypedValue, r: TypedValue): Cmp {
  if (numeric(l.type) && numeric(r.type)) {
    const a = Number(l.value);
    const b = Number(r.value);
    return a < b ? "<" : a > b ? ">" : "=";
  }
  if ((l.type !== "string" && !numeric(l.type)) || (r.type !== "string" && !numeric(r.type))) return "?";
  return l.value === r.value ? "=" : "?";
}

const COMPARATORS: Record<string, (c: Cmp) => boolean> = {
  "==": (c) => c === "=",
  "!=": (c) => c !== "=",
  ">": (c) => c === ">",
  ">=": (c) => c === ">" || c === "=",
  "<": (c) => c === "<",
  "<=": (c) => c === "<" || c === "=",
};

class Parser {
  i = 0;
  /** How many filters deep the parser is: names inside a filter stop at operators and spaces too. */
  private filters = 0;
  constructor(readonly src: string) {}

  private peek(s: string): boolean {
    return this.src.startsWith(s, this.i);
  }

  private ws(): void {
    while (this.src[this.i] === " " || this.src[this.i] === "\t") this.i++;
  }

  private fail(what: string): never {
    throw new PathSyntaxError(`${what} at position ${this.i} of ${this.src}`);
  }

  /** A dotted child name: up to `.` or `[` (and, inside a filter, an operator, a bracket or a space). */
  private name(): string {
    const stop = this.filters > 0 ? /[.[\]()!=<>&|~\s,]/ : /[.[~]/;
    const start = this.i;
    while (this.i < this.src.length && !stop.test(this.src[this.i]!)) this.i++;
    if (this.src[this.i] === "~") this.fail("the property-name operator ~ is not supported");
    return this.src.slice(start, this.i);
  }

  path(): Step[] {
    const steps: Step[] = [];
    if (this.peek("$")) this.i++;
    else if (this.i < this.src.length && !this.peek(".") && !this.peek("[")) {
      if (this.peek("*")) {
        this.i++;
        steps.push({ kind: "all" });
      } else steps.push({ kind: "child", names: [this.name()] });
    }
    for (;;) {
      const step = this.step();
      if (!step) return steps;
      steps.push(step);
    }
  }

  private step(): Step | undefined {
    if (this.peek("..")) {
      this.i += 2;
      if (this.peek("[")) return { kind: "recursive", each: this.bracket() };
      if (this.peek("*")) {
        this.i++;
        return { kind: "recursive", each: { kind: "all" } };
      }
      return { kind: "recursive", each: { kind: "child", names: [this.name()] } };
    }
    if (this.peek(".")) {
      this.i++;
      if (this.peek("*")) {
        this.i++;
        return { kind: "all" };
      }
      const n = this.name();
      if (n === "") this.fail("empty child name");
      return { kind: "child", names: [n] };
    }
    if (this.peek("[")) return this.bracket();
    return undefined;
  }

  private quoted(): string {
    const q = this.src[this.i]!;
    this.i++;
    let out = "";
    for (;;) {
      const c = this.src[this.i];
      if (c === undefined) this.fail(`unmatched ${q}`);
      if (c === "\\" && (this.src[this.i + 1] === q || this.src[this.i + 1] === "\\")) {
        out += this.src[this.i + 1];
        this.i += 2;
        continue;
      }
      this.i++;
      if (c === q) return out;
      out += c;
    }
  }

  private bracket(): Step {
    this.i++; // [
    this.ws();
    let step: Step;
    if (this.peek("'") || this.peek('"')) {
      const names = [this.quoted()];
      this.ws();
      while (this.peek(",")) {
        this.i++;
        this.ws();
        if (!this.peek("'") && !this.peek('"')) this.fail("expected a quoted child name");
        names.push(this.quoted());
        this.ws();
      }
      step = { kind: "child", names };
    } else if (this.peek("*")) {
      this.i++;
      step = { kind: "all" };
    } else if (this.peek("?(")) {
      this.i += 2;
      this.filters++;
      const filter = this.orExpr();
      this.filters--;
      this.ws();
      if (!this.peek(")")) this.fail("missing ) of a filter");
      this.i++;
      step = { kind: "filter", filter };
    } else {
      const end = this.src.indexOf("]", this.i);
      if (end < 0) this.fail("missing ]");
      const spec = this.src.slice(this.i, end);
      if (!/^\s*-?\d*\s*(:\s*-?\d*\s*){0,2}(,\s*-?\d*\s*(:\s*-?\d*\s*){0,2})*$/.test(spec))
        this.fail(`invalid array index ${JSON.stringify(spec)}`);
      this.i = end;
      step = { kind: "index", spec };
    }
    this.ws();
    if (!this.peek("]")) this.fail("missing ]");
    this.i++;
    if (this.peek("~")) this.fail("the property-name operator ~ is not supported");
    return step;
  }

  private orExpr(): Filter {
    let f = this.andExpr();
    for (;;) {
      this.ws();
      if (!this.peek("||")) return f;
      this.i += 2;
      const a = f;
      const b = this.andExpr();
      f = (n, r) => a(n, r) || b(n, r);
    }
  }

  private andExpr(): Filter {
    let f = this.basic();
    for (;;) {
      this.ws();
      if (!this.peek("&&")) return f;
      this.i += 2;
      const a = f;
      const b = this.basic();
      f = (n, r) => a(n, r) && b(n, r);
    }
  }

  private basic(): Filter {
    this.ws();
    if (this.peek("!") && !this.peek("!=")) {
      this.i++;
      const f = this.basic();
      return (n, r) => !f(n, r);
    }
    if (this.peek("(")) {
      this.i++;
      const f = this.orExpr();
      this.ws();
      if (!this.peek(")")) this.fail("missing )");
      this.i++;
      return f;
    }
    const left = this.term();
    this.ws();
    if (this.peek("=~")) {
      this.i += 2;
      this.ws();
      if (!this.peek("/")) this.fail("expected /regex/");
      const end = this.regexEnd();
      const re = RE2JS.compile(this.src.slice(this.i + 1, end).replace(/\\\//g, "/"));
      this.i = end + 1;
      if (!("path" in left)) this.fail("=~ needs a path on its left");
      return (n, r) => {
        const vals = this.scan(left, n, r);
        return vals.length > 0 && vals.every((v) => v.type === "string" && re.matcher(v.value).find());
      };
    }
    const op = ["==", "!=", ">=", "<=", ">", "<"].find((o) => this.peek(o));
    if (!op) {
      if (!("path" in left)) {
        if (left.literal.type === "bool") {
          const b = left.literal.value === "true";
          return () => b;
        }
        this.fail("a literal alone is not a filter");
      }
      return (n, r) => this.scan(left, n, r).length > 0;
    }
    this.i += op.length;
    const right = this.term();
    const comparator = COMPARATORS[op]!;
    return (n, r) => {
      let match = false;
      for (const l of this.scan(left, n, r))
        for (const x of this.scan(right, n, r)) {
          let ok: boolean;
          if (!compatible(l.type, x.type)) ok = comparator("?");
          else if (l.type === "bool")
            ok = comparator(l.value.toLowerCase() === x.value.toLowerCase() ? "=" : "?");
          else if (l.type === "null") ok = comparator("=");
          else ok = comparator(compareValues(l, x));
          if (!ok) return false;
          match = true;
        }
      return match;
    };
  }

  private regexEnd(): number {
    let j = this.i + 1;
    while (j < this.src.length && this.src[j] !== "/") j += this.src[j] === "\\" ? 2 : 1;
    if (j >= this.src.length) this.fail("unterminated regular expression");
    return j;
  }

  private scan(t: Term, node: unknown, root: unknown): TypedValue[] {
    if ("literal" in t) return [t.literal];
    return apply(t.path, [t.at ? node : root], root).map(typed);
  }

  private term(): Term {
    this.ws();
    if (this.peek("@") || this.peek("$")) {
      const at = this.peek("@");
      this.i++;
      const steps: Step[] = [];
      for (;;) {
        const s = this.step();
        if (!s) break;
        steps.push(s);
      }
      return { path: steps, at };
    }
    if (this.peek("'") || this.peek('"')) return { literal: { type: "string", value: this.quoted() } };
    const m = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)/.exec(this.src.slice(this.i));
    if (!m) this.fail("expected a filter term");
    this.i += m[0].length;
    const v = m[0];
    if (v === "true" || v === "false") return { literal: { type: "bool", value: v } };
    if (v === "null") return { literal: { type: "null", value: v } };
    return { literal: { type: /[.eE]/.test(v) ? "float" : "int", value: v } };
  }
}
