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
import { isDefaultOp, lookupFunc } from "./envsubst/funcs.ts";
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

export type EnvsubstResult = { ok: true; value: string } | { ok: false; error: string };

export interface EnvsubstOptions {
  /** Fail on an unset variable read without a default operator (Flux ≥ 2.9, StrictPostBuildSubstitutions). */
  strict: boolean;
  /** Appended in parentheses to the strict-mode error: why strict mode is on ("Flux 2.9.4 (…) fails …"). */
  strictReason?: string;
}

export function envsubst(text: string, lookup: VariableLookup, options: EnvsubstOptions): EnvsubstResult {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return parsed;
  const out: string[] = [];
  for (const node of parsed.nodes) {
    const r = evalNode(node, lookup, options);
    if (typeof r !== "string") return { ok: false, error: r.error };
    out.push(r);
  }
  return { ok: true, value: out.join("") };
}

function evalNode(node: Node, lookup: VariableLookup, options: EnvsubstOptions): string | { error: string } {
  if (node.type === "text") return node.value;
  const args: string[] = [];
  for (const arg of node.args) {
    const r = evalNode(arg, lookup, options);
    if (typeof r !== "string") return r;
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
  return lookupFunc(node.name, args.length)(value ?? "", args);
}

/** Go's %q for the identifier-like names the parser accepts. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
