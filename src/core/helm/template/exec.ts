/**
 * Go's text/template executor (text/template/exec.go) over GoValues: actions print with fmt's %v,
 * if/with/range with Go's truth and its else branches, range over slices, maps (sorted keys) and
 * integers with break/continue, variables with Go's scoping (a declaration lives to the end of its
 * control structure; `=` assigns the nearest), fields of maps (a missing key is `<no value>`, or an error
 * with `missingkey=error`), method-less calls of functions, and the pipeline's last value passed as the
 * final argument. The built-in functions (and, or, not, len, index, slice, print, printf, println, eq …)
 * are in builtins.ts.
 */
import { builtins } from "./builtins.ts";
import {
  type Arg,
  type Command,
  errorLocation,
  type Node,
  type Pipe,
  parseTemplate,
  type Source,
  TemplateError,
  TemplateParseError,
  type Templates,
  type Tree,
} from "./parse.ts";
import {
  formatValue,
  type GoFunction,
  type GoValue,
  goTypeName,
  isMap,
  isTrue,
  methodsOf,
  NO_VALUE,
  ZERO,
} from "./values.ts";

export interface TemplateOptions {
  /** Extra functions (sprig, Helm's): they win over built-ins of the same name, as in Go. */
  funcs?: Record<string, GoFunction>;
  /** Go's Option("missingkey=…"): default prints `<no value>`, zero gives the zero value, error fails. */
  missingKey?: "default" | "zero" | "error";
  /** Output bound (characters); past it, execution fails. */
  maxOutput?: number;
  /** Nested template calls allowed (Go: 100000; a recursion guard). */
  maxDepth?: number;
  /** The set's own name (Go's template.New(name)), which "no template … associated with" errors name. */
  name?: string;
  /**
   * Steps (actions, commands) all executions of this set may take together, shared with `tpl` copies: a
   * bound Go does not have, so a template that would run for hours stops with a LimitError instead.
   */
  budget?: { steps: number };
}

/** An execution stopped by this engine's own bounds (steps, output), not by the template: not Helm's error. */
export class LimitError extends Error {
  override readonly name = "LimitError";
}

/** `tpl` texts kept parsed per template set, at most. */
const MAX_PARSED = 4096;

class Break {}
class Continue {}
const BREAK = new Break();
const CONTINUE = new Continue();

/** A set of parsed templates sharing functions, like a Go *template.Template and its associated ones. */
export class TemplateSet {
  readonly templates: Templates;
  private readonly funcs: Record<string, GoFunction>;
  private readonly names: Set<string>;
  /** Parsed `tpl` texts, shared by a set and the copies `render` makes (charts tpl the same values often). */
  private readonly parsed: Map<string, Templates>;

  constructor(
    private readonly options: TemplateOptions = {},
    parent?: TemplateSet,
  ) {
    if (parent) {
      // A copy for `render`: the parent's functions, and its templates seen through (own definitions win).
      this.funcs = parent.funcs;
      this.names = parent.names;
      this.parsed = parent.parsed;
      this.templates = Object.create(parent.templates) as Templates;
      return;
    }
    this.funcs = { ...builtins(this), ...options.funcs };
    this.names = new Set(Object.keys(this.funcs));
    this.parsed = new Map();
    this.templates = {};
  }

  /** Parses `text` as `name` (its `define`s and `block`s are added; a later definition replaces an earlier). */
  parse(name: string, text: string): this {
    return this.add(this.parseOnly(name, text));
  }

  /** Parses `text` as `name` for this set's functions, without adding it (for a caller's cache). */
  parseOnly(name: string, text: string): Templates {
    return parseTemplate(name, text, { funcs: this.names });
  }

  /** Adds parsed templates (parseOnly's), as parse would. */
  add(templates: Templates): this {
    Object.assign(this.templates, templates);
    return this;
  }

  /**
   * Renders `text` as a template that sees this set's named templates (Helm's `tpl`): parsed into a copy,
   * so its own `define`s stay its own.
   */
  render(text: string, data: GoValue): string {
    const copy = new TemplateSet(this.options, this);
    const name = this.options.name ?? "tpl";
    let parsed = this.parsed.get(text);
    if (!parsed) {
      parsed = parseTemplate(name, text, { funcs: this.names });
      if (this.parsed.size >= MAX_PARSED) this.parsed.clear();
      this.parsed.set(text, parsed);
    }
    Object.assign(copy.templates, parsed);
    return copy.execute(name, data);
  }

  has(name: string): boolean {
    return name in this.templates;
  }

  /** Executes the named template with `data` as dot; the output, or a TemplateError (with the output so far). */
  execute(name: string, data: GoValue): string {
    const tree = this.templates[name];
    if (!tree)
      throw new TemplateError(
        `template: no template "${name}" associated with template "${this.options.name ?? name}"`,
      );
    const state = new State(this, name, tree.source, this.options);
    try {
      // Execute(nil): reflect.ValueOf(nil) is no value at all, not a nil interface.
      state.walkList(data === null ? NO_VALUE : data, tree.list);
    } catch (error) {
      if (error instanceof TemplateError) throw Object.assign(error, { output: state.out });
      throw error;
    }
    return state.out;
  }

  /** Calls a template from a running one (`{{template}}`). */
  run(state: State, name: string, data: GoValue): string {
    const tree: Tree | undefined = this.templates[name];
    if (!tree) return state.error(`template "${name}" not defined`);
    if (state.depth + 1 > (this.options.maxDepth ?? 1000))
      state.error(`exceeded maximum template depth (${this.options.maxDepth ?? 1000})`);
    const sub = new State(this, name, tree.source, this.options, state.depth + 1);
    sub.walkList(data, tree.list);
    return sub.out;
  }

  func(name: string): GoFunction | undefined {
    return this.funcs[name];
  }
}

interface Variable {
  name: string;
  value: GoValue;
}

type At = Exclude<Node, { type: "text" }> | Pipe | Command | Arg;

export class State {
  out = "";
  private vars: Variable[] = [];
  /** The node being executed, for errors (Go's state.at). */
  private at: At | undefined;

  constructor(
    private readonly set: TemplateSet,
    readonly name: string,
    private readonly source: Source,
    private readonly options: TemplateOptions,
    readonly depth = 0,
  ) {}

  /** Go's state.errorf: `template: FILE:LINE:COL: executing "NAME" at <NODE>: message`. */
  error(message: string): never {
    const at = this.at;
    throw new TemplateError(
      at
        ? `template: ${errorLocation(this.source, at.pos)}: executing "${this.name}" at <${nodeString(at)}>: ${message}`
        : `template: ${this.name}: ${message}`,
    );
  }

  private write(text: string) {
    this.out += text;
    if (this.options.maxOutput !== undefined && this.out.length > this.options.maxOutput)
      throw new LimitError(`a template's output is over ${this.options.maxOutput} characters`);
  }

  walkList(dot: GoValue, list: readonly Node[]): void {
    if (this.vars.length === 0) this.vars.push({ name: "$", value: dot });
    for (const node of list) this.walk(dot, node);
  }

  private walk(dot: GoValue, node: Node): void {
    if (node.type !== "text") this.at = node;
    this.step();
    switch (node.type) {
      case "text":
        this.write(node.text);
        return;
      case "action": {
        const value = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.write(formatValue(value));
        return;
      }
      case "if":
      case "with": {
        const mark = this.vars.length;
        const value = this.evalPipeline(dot, node.pipe);
        if (isTrue(value)) this.walkScoped(node.type === "with" ? value : dot, node.list);
        else if (node.elseList) this.walkScoped(dot, node.elseList);
        this.vars.length = mark;
        return;
      }
      case "range":
        this.range(dot, node);
        return;
      case "template": {
        const value = node.pipe ? this.evalPipeline(dot, node.pipe) : null;
        this.write(this.set.run(this, node.name, value));
        return;
      }
      case "break":
        throw BREAK;
      case "continue":
        throw CONTINUE;
    }
  }

  private walkScoped(dot: GoValue, list: readonly Node[]) {
    const mark = this.vars.length;
    for (const n of list) this.walk(dot, n);
    this.vars.length = mark;
  }

  private range(dot: GoValue, node: Extract<Node, { type: "range" }>) {
    const mark = this.vars.length;
    const value = this.evalPipeline(dot, node.pipe);
    const one = (key: GoValue, elem: GoValue): boolean => {
      const inner = this.vars.length;
      // The declared (or assigned) variables take the element, or the key or index and the element.
      const set = (i: number, v: GoValue) =>
        node.pipe.isAssign ? this.assign(node.pipe.decl[i]!, v) : this.setVarAt(mark + i, v);
      if (node.pipe.decl.length === 1) set(0, elem);
      else if (node.pipe.decl.length === 2) {
        set(0, key);
        set(1, elem);
      }
      try {
        for (const n of node.list) this.walk(elem, n);
      } catch (signal) {
        this.vars.length = inner;
        if (signal === BREAK) return false;
        if (signal === CONTINUE) return true;
        throw signal;
      }
      this.vars.length = inner;
      return true;
    };
    let ran = false;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        ran = true;
        if (!one(BigInt(i), value[i]!)) break;
      }
    } else if (isMap(value)) {
      for (const k of Object.keys(value).sort()) {
        ran = true;
        if (!one(k, value[k]!)) break;
      }
    } else if (typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value))) {
      if (node.pipe.decl.length === 2) this.error("can't use range over integer with two variables");
      const n = BigInt(value);
      for (let i = 0n; i < n; i++) {
        ran = true;
        if (!one(i, i)) break;
      }
    } else if (value === null || value === NO_VALUE) {
      // Nothing to range over.
    } else if (typeof value === "string") this.error(`range can't iterate over ${value}`);
    else this.error(`range can't iterate over ${formatValue(value)}`);
    if (!ran && node.elseList) {
      this.vars.length = mark;
      this.walkScoped(dot, node.elseList);
    }
    this.vars.length = mark;
  }

  private setVarAt(index: number, value: GoValue) {
    this.vars[index]!.value = value;
  }

  evalPipeline(dot: GoValue, pipe: Pipe): GoValue {
    this.at = pipe;
    let value: GoValue | undefined;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      // A nil interface{} result is dug into: no value at all (Go's "lovely!" in evalPipeline).
      if (value === null) value = NO_VALUE;
    }
    const result = value ?? NO_VALUE;
    if (pipe.isAssign) {
      for (const name of pipe.decl) this.assign(name, result);
    } else for (const name of pipe.decl) this.vars.push({ name, value: result });
    return result;
  }

  private assign(name: string, value: GoValue) {
    for (let i = this.vars.length - 1; i >= 0; i--)
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    this.error(`undefined variable: ${name}`);
  }

  private variable(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--)
      if (this.vars[i]!.name === name) return this.vars[i]!.value;
    return this.error(`undefined variable: ${name}`);
  }

  private step(): void {
    const budget = this.options.budget;
    if (budget && --budget.steps < 0)
      throw new LimitError("the templates take more steps than this engine allows");
  }

  private evalCommand(dot: GoValue, cmd: Command, final: GoValue | undefined): GoValue {
    this.step();
    const first = cmd.args[0]!;
    switch (first.type) {
      case "field":
        return this.evalFieldChain(dot, first.names, cmd.args, final, first, dot);
      case "chain": {
        const base = this.evalArg(dot, first.node);
        return this.evalFieldChain(base, first.names, cmd.args, final, first, dot);
      }
      case "identifier":
        return this.evalFunction(dot, first.name, cmd, final);
      case "pipe":
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first.pipe);
      case "variable": {
        const value = this.variable(first.names[0]!);
        if (first.names.length === 1) {
          this.notAFunction(cmd.args, final);
          return value;
        }
        return this.evalFieldChain(value, first.names.slice(1), cmd.args, final, first, dot);
      }
    }
    this.at = first;
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case "bool":
        return first.value;
      case "dot":
        return dot;
      case "nil":
        return this.error("nil is not a command");
      case "number":
        return first.int ?? first.float!;
      case "string":
        return first.value;
    }
  }

  private notAFunction(args: readonly Arg[], final: GoValue | undefined) {
    if (args.length > 1 || final !== undefined)
      this.error(`can't give argument to non-function ${nodeString(args[0]!)}`);
  }

  private evalFieldChain(
    receiver: GoValue,
    names: readonly string[],
    args: readonly Arg[],
    final: GoValue | undefined,
    node: Arg,
    dot: GoValue,
  ): GoValue {
    this.at = node;
    let value = receiver;
    for (let i = 0; i < names.length; i++) {
      const last = i === names.length - 1;
      value = this.field(dot, value, names[i]!, last ? args : [], last ? final : undefined);
    }
    return value;
  }

  private field(
    dot: GoValue,
    receiver: GoValue,
    name: string,
    args: readonly Arg[],
    final: GoValue | undefined,
  ): GoValue {
    const r = receiver;
    const method = methodsOf(r)?.[name];
    if (method) {
      const values = args.slice(1).map((a) => this.evalArg(dot, a));
      if (final !== undefined) values.push(final);
      return this.call(name, method, values.map(asArgument));
    }
    if (isMap(r)) {
      if (args.length > 1 || final !== undefined) this.error(`${name} is not a method but has arguments`);
      if (Object.hasOwn(r, name)) return r[name]!;
      const missing = this.options.missingKey ?? "default";
      if (missing === "error") return this.error(`map has no entry for key "${name}"`);
      // missingkey=zero: the element type's zero value (nil for map[string]any); default: no value.
      return missing === "zero" ? (r[ZERO] ?? null) : NO_VALUE;
    }
    // Go: an invalid value (no value) gives no value; a nil interface{} (a map's nil element, or
    // missingkey=zero's zero) cannot be dug into, whatever the option.
    if (r === NO_VALUE) {
      if (this.options.missingKey === "error") return this.error(`nil data; no entry for key "${name}"`);
      return NO_VALUE;
    }
    if (r === null) return this.error(`nil pointer evaluating interface {}.${name}`);
    return this.error(`can't evaluate field ${name} in type ${goTypeName(r)}`);
  }

  private evalFunction(dot: GoValue, name: string, cmd: Command, final: GoValue | undefined): GoValue {
    this.at = cmd.args[0];
    const fn = this.set.func(name);
    if (!fn) return this.error(`"${name}" is not a defined function`);
    // and/or evaluate their arguments lazily (short-circuit), as Go 1.18+ does.
    if (name === "and" || name === "or") {
      const args = cmd.args.slice(1);
      const values: Array<() => GoValue> = args.map((a) => () => this.evalArg(dot, a));
      if (final !== undefined) values.push(() => final);
      if (values.length === 0) this.error(`wrong number of args for ${name}: want at least 1 got 0`);
      let v: GoValue = null;
      for (const get of values) {
        v = get();
        if (name === "and" ? !isTrue(v) : isTrue(v)) return v;
      }
      return v;
    }
    const args = cmd.args.slice(1).map((a) => this.evalArg(dot, a));
    if (final !== undefined) args.push(final);
    this.at = cmd;
    return this.call(name, fn, REFLECT_VALUE_BUILTINS.has(name) ? args : args.map(asArgument));
  }

  /** Calls a function or method; its failure (a nested template's too: `include`) is "error calling NAME: …". */
  private call(name: string, fn: GoFunction, args: GoValue[]): GoValue {
    const at = this.at;
    try {
      // `this` is the set: Helm's include and tpl run in the set that calls them (tpl's copy, inside tpl).
      return fn.apply(this.set, args);
    } catch (error) {
      if (error instanceof TemplateError || error instanceof FuncError) {
        this.at = at;
        return this.error(`error calling ${name}: ${error.message}`);
      }
      throw error;
    }
  }

  evalArg(dot: GoValue, arg: Arg): GoValue {
    this.at = arg;
    switch (arg.type) {
      case "dot":
        return dot;
      case "nil":
        return null;
      case "bool":
        return arg.value;
      case "number":
        return arg.int ?? arg.float!;
      case "string":
        return arg.value;
      case "field":
        return this.evalFieldChain(dot, arg.names, [arg], undefined, arg, dot);
      case "variable": {
        const value = this.variable(arg.names[0]!);
        return arg.names.length === 1
          ? value
          : this.evalFieldChain(value, arg.names.slice(1), [arg], undefined, arg, dot);
      }
      case "chain":
        return this.evalFieldChain(this.evalArg(dot, arg.node), arg.names, [arg], undefined, arg, dot);
      case "pipe":
        return this.evalPipeline(dot, arg.pipe);
      case "identifier": {
        const fn = this.set.func(arg.name);
        if (!fn) return this.error(`"${arg.name}" is not a defined function`);
        return this.evalFunction(dot, arg.name, { args: [arg], pos: arg.pos }, undefined);
      }
    }
  }
}

/** A failure inside a function ("error calling X: …"). */
export class FuncError extends Error {
  override readonly name = "FuncError";
}

/** A node as Go's parse.Node String() writes it: what an error's `at <…>` shows. */
function nodeString(n: At): string {
  if ("cmds" in n) return pipeString(n);
  if ("args" in n) return commandString(n);
  switch (n.type) {
    case "field":
      return `.${n.names.join(".")}`;
    case "variable":
      return n.names.join(".");
    case "chain":
      return `${n.node.type === "pipe" ? `(${pipeString(n.node.pipe)})` : nodeString(n.node)}.${n.names.join(".")}`;
    case "identifier":
      return n.name;
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "bool":
      return String(n.value);
    case "number":
      return n.text;
    case "string":
      return n.quoted;
    case "pipe":
      return `(${pipeString(n.pipe)})`;
    case "action":
      return `{{${pipeString(n.pipe)}}}`;
    case "if":
    case "with":
    case "range":
      return `{{${n.type} ${pipeString(n.pipe)}}}`;
    case "template":
      return `{{template ${JSON.stringify(n.name)}${n.pipe ? ` ${pipeString(n.pipe)}` : ""}}}`;
    case "break":
    case "continue":
      return `{{${n.type}}}`;
  }
}

function pipeString(p: Pipe): string {
  const decl = p.decl.length ? `${p.decl.join(", ")} ${p.isAssign ? "=" : ":="} ` : "";
  return decl + p.cmds.map(commandString).join(" | ");
}

function commandString(c: Command): string {
  return c.args.map((a) => (a.type === "pipe" ? `(${pipeString(a.pipe)})` : nodeString(a))).join(" ");
}

export { TemplateError, TemplateParseError };

/**
 * The builtins whose Go parameters are reflect.Value (index, len, slice, call, not and the comparisons):
 * they take a missing value as it is. Every other function's parameters are interface{} or a concrete
 * type, and exec.go's validateType makes a missing value nil before the call (`printf "%s"` of a missing
 * field prints %!s(<nil>), `print` of it <nil>).
 */
const REFLECT_VALUE_BUILTINS = new Set([
  "index",
  "len",
  "slice",
  "call",
  "not",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
]);

const asArgument = (v: GoValue): GoValue => (v === NO_VALUE ? null : v);
