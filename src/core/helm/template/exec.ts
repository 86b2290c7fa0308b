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
  type Node,
  type Pipe,
  parseTemplate,
  TemplateError,
  type Templates,
} from "./parse.ts";
import {
  formatValue,
  type GoFunction,
  type GoValue,
  goTypeName,
  isMap,
  isTrue,
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
}

class Break {}
class Continue {}
const BREAK = new Break();
const CONTINUE = new Continue();

/** A set of parsed templates sharing functions, like a Go *template.Template and its associated ones. */
export class TemplateSet {
  readonly templates: Templates = {};
  private readonly funcs: Record<string, GoFunction>;
  private readonly names: Set<string>;

  constructor(private readonly options: TemplateOptions = {}) {
    this.funcs = { ...builtins(this), ...options.funcs };
    this.names = new Set(Object.keys(this.funcs));
  }

  /** Parses `text` as `name` (its `define`s and `block`s are added; a later definition replaces an earlier). */
  parse(name: string, text: string): this {
    Object.assign(this.templates, parseTemplate(name, text, { funcs: this.names }));
    return this;
  }

  /**
   * Renders `text` as a template that sees this set's named templates (Helm's `tpl`): parsed into a copy,
   * so its own `define`s stay its own.
   */
  render(text: string, data: GoValue): string {
    const copy = new TemplateSet(this.options);
    Object.assign(copy.templates, this.templates);
    return copy.parse("tpl", text).execute("tpl", data);
  }

  has(name: string): boolean {
    return name in this.templates;
  }

  /** Executes the named template with `data` as dot; the output, or a TemplateError (with the output so far). */
  execute(name: string, data: GoValue): string {
    const state = new State(this, name, this.options);
    const list = this.templates[name];
    if (!list) throw new TemplateError(`template: no template "${name}" associated with template "${name}"`);
    try {
      state.walkList(data, list);
    } catch (error) {
      if (error instanceof TemplateError) throw Object.assign(error, { output: state.out });
      throw error;
    }
    return state.out;
  }

  /** Calls a template from a running one (`template`, Helm's `include`). */
  run(state: State, name: string, data: GoValue): string {
    const list = this.templates[name];
    if (!list) state.error(`no such template "${name}"`);
    const sub = new State(this, name, this.options, state.depth + 1);
    if (sub.depth > (this.options.maxDepth ?? 1000))
      state.error(`exceeded maximum template depth (${this.options.maxDepth ?? 1000})`);
    sub.walkList(data, list!);
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

export class State {
  out = "";
  private vars: Variable[] = [];
  private at = "";

  constructor(
    private readonly set: TemplateSet,
    readonly name: string,
    private readonly options: TemplateOptions,
    readonly depth = 0,
  ) {}

  error(message: string): never {
    throw new TemplateError(
      `template: ${this.name}: executing "${this.name}"${this.at ? ` at <${this.at}>` : ""}: ${message}`,
    );
  }

  private write(text: string) {
    this.out += text;
    if (this.options.maxOutput !== undefined && this.out.length > this.options.maxOutput)
      this.error(`output over ${this.options.maxOutput} characters`);
  }

  walkList(dot: GoValue, list: readonly Node[]): void {
    if (this.vars.length === 0) this.vars.push({ name: "$", value: dot });
    for (const node of list) this.walk(dot, node);
  }

  private walk(dot: GoValue, node: Node): void {
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

  private evalCommand(dot: GoValue, cmd: Command, final: GoValue | undefined): GoValue {
    const first = cmd.args[0]!;
    switch (first.type) {
      case "field":
        return this.evalFieldChain(dot, first.names, cmd.args, final, first);
      case "chain": {
        const base = this.evalArg(dot, first.node);
        return this.evalFieldChain(base, first.names, cmd.args, final, first);
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
        return this.evalFieldChain(value, first.names.slice(1), cmd.args, final, first);
      }
    }
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
      this.error(`can't give argument to non-function ${describeArg(args[0]!)}`);
  }

  private evalFieldChain(
    receiver: GoValue,
    names: readonly string[],
    args: readonly Arg[],
    final: GoValue | undefined,
    node: Arg,
  ): GoValue {
    this.at = describeArg(node);
    let value = receiver;
    for (let i = 0; i < names.length; i++) {
      const last = i === names.length - 1;
      value = this.field(value, names[i]!, last ? args : [], last ? final : undefined);
    }
    return value;
  }

  private field(receiver: GoValue, name: string, args: readonly Arg[], final: GoValue | undefined): GoValue {
    const r = receiver;
    if (isMap(r)) {
      if (args.length > 1 || final !== undefined) this.error(`${name} is not a method but has arguments`);
      if (Object.hasOwn(r, name)) return r[name]!;
      const missing = this.options.missingKey ?? "default";
      if (missing === "error") return this.error(`map has no entry for key "${name}"`);
      // missingkey=zero: the element type's zero value (nil for map[string]any); default: no value.
      return missing === "zero" ? (r[ZERO] ?? null) : NO_VALUE;
    }
    if (r === null || r === NO_VALUE) {
      if (this.options.missingKey === "error") return this.error(`nil data; no entry for key "${name}"`);
      return NO_VALUE;
    }
    return this.error(`can't evaluate field ${name} in type ${goTypeName(r)}`);
  }

  private evalFunction(dot: GoValue, name: string, cmd: Command, final: GoValue | undefined): GoValue {
    this.at = name;
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
    try {
      return fn(...args);
    } catch (error) {
      if (error instanceof TemplateError) throw error;
      if (error instanceof FuncError) return this.error(`error calling ${name}: ${error.message}`);
      throw error;
    }
  }

  evalArg(dot: GoValue, arg: Arg): GoValue {
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
        return this.evalFieldChain(dot, arg.names, [arg], undefined, arg);
      case "variable": {
        const value = this.variable(arg.names[0]!);
        return arg.names.length === 1
          ? value
          : this.evalFieldChain(value, arg.names.slice(1), [arg], undefined, arg);
      }
      case "chain":
        return this.evalFieldChain(this.evalArg(dot, arg.node), arg.names, [arg], undefined, arg);
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

function describeArg(a: Arg): string {
  switch (a.type) {
    case "field":
      return `.${a.names.join(".")}`;
    case "variable":
      return a.names.join(".");
    case "chain":
      return `(${describeArg(a.node)}).${a.names.join(".")}`;
    case "identifier":
      return a.name;
    case "dot":
      return ".";
    case "nil":
      return "nil";
    case "bool":
      return String(a.value);
    case "number":
      return a.text;
    case "string":
      return JSON.stringify(a.value);
    case "pipe":
      return "(pipeline)";
  }
}

export { TemplateError };
