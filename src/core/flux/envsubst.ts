/**
 * Flux post-build variable substitution on text: a faithful port of fluxcd/pkg `envsubst` (a fork of
 * drone/envsubst) — `Eval` with the mapping kustomize-controller passes (`kustomize/kustomize_varsub.go`).
 *
 * - Only `${…}` is an expression; `$var` is left alone; `$$` in plain text is `$`.
 * - Non-strict: an unknown variable reads as "". Strict (Flux ≥ 2.9 default): reading an unset variable
 *   fails ("variable not set (strict mode)"), except through a default operator (`:=`, `:-`, `=`, …).
 * - Function arguments are evaluated before the variable is read, as upstream: `${A:=${B}}` fails in strict
 *   mode when B is unset even if A is set.
 *
 * Parsing is in envsubst/parse.ts (+ scanner.ts), the operators in envsubst/funcs.ts. This module does not
 * know about YAML or Kubernetes objects; see post-build.ts.
 */
import {
  type FuncError,
  type FuncLimits,
  isDefaultOp,
  lookupFunc,
  outputLimitError,
} from "./envsubst/funcs.ts";
import { type Node, parseTemplate } from "./envsubst/parse.ts";

/** The expression a variable is read in, for lookups whose answer depends on it. */
export interface VariableUse {
  /** The operator ("" for a plain `${v}`, ":=" for `${v:=d}`, …). */
  operator: string;
  /**
   * For a default operator (`:=`, `:-`, `=`, `:+`, `:?`): the default, already evaluated — what the
   * expression yields when the variable is unset or empty. Undefined for other operators.
   */
  default?: string;
}

/** A variable's value, or undefined when it is not set. */
export type VariableLookup = (name: string, use: VariableUse) => string | undefined;

/**
 * A failure; `limit` when one of the engine's own bounds stopped the evaluation ("output": the text would
 * grow over `maxOutput`; "work": pattern matching over the meter's limit) — not something Flux reports.
 */
export type EnvsubstResult =
  | { ok: true; value: string }
  | { ok: false; error: string; limit?: "output" | "work" };

export interface EnvsubstOptions {
  /** Fail on an unset variable read without a default operator (Flux ≥ 2.9, StrictPostBuildSubstitutions). */
  strict: boolean;
  /** Appended in parentheses to the strict-mode error: why strict mode is on ("Flux 2.9.4 (…) fails …"). */
  strictReason?: string;
  /**
   * The longest text (in UTF-16 code units) the evaluation may produce, for the result and for every value
   * inside it (function arguments, operator results): checked before an operator that grows its input
   * builds the string, so an amplifying expression never allocates its output. Unlimited when absent.
   */
  maxOutput?: number;
  /** Pattern-matching work of the trim operators, shared by the calls it is given to, with its limit. */
  meter?: { steps: number; limit: number };
}

export function envsubst(text: string, lookup: VariableLookup, options: EnvsubstOptions): EnvsubstResult {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return parsed;
  const limits: FuncLimits = {
    maxOutput: options.maxOutput ?? Number.POSITIVE_INFINITY,
    ...(options.meter ? { meter: options.meter } : {}),
  };
  const out: string[] = [];
  let length = 0;
  for (const node of parsed.nodes) {
    const r = evalNode(node, lookup, options, limits);
    if (typeof r !== "string") return { ok: false, error: r.error, ...(r.limit ? { limit: r.limit } : {}) };
    length += r.length;
    if (length > limits.maxOutput) return { ok: false, ...outputLimitError(limits.maxOutput) };
    out.push(r);
  }
  return { ok: true, value: out.join("") };
}

function evalNode(
  node: Node,
  lookup: VariableLookup,
  options: EnvsubstOptions,
  limits: FuncLimits,
): string | FuncError {
  if (node.type === "text") return node.value;
  const args: string[] = [];
  let length = 0;
  for (const arg of node.args) {
    const r = evalNode(arg, lookup, options, limits);
    if (typeof r !== "string") return r;
    length += r.length;
    if (length > limits.maxOutput) return outputLimitError(limits.maxOutput);
    args.push(r);
  }
  const defaulted = isDefaultOp(node.name);
  const value = lookup(
    node.param,
    defaulted ? { operator: node.name, default: args.join("") } : { operator: node.name },
  );
  if (value === undefined && options.strict && !defaulted) {
    const reason = options.strictReason ? ` (${options.strictReason})` : "";
    return { error: `variable not set (strict mode): ${goQuote(node.param)}${reason}` };
  }
  const result = lookupFunc(node.name, args.length, limits)(value ?? "", args);
  if (typeof result === "string" && result.length > limits.maxOutput)
    return outputLimitError(limits.maxOutput);
  return result;
}

/** Go's %q for the identifier-like names the parser accepts. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
