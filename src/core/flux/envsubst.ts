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

/** A variable's value, or undefined when it is not set. */
export type VariableLookup = (name: string) => string | undefined;

export type EnvsubstResult = { ok: true; value: string } | { ok: false; error: string };

export function envsubst(text: string, lookup: VariableLookup, options: { strict: boolean }): EnvsubstResult {
  const parsed = parseTemplate(text);
  if (!parsed.ok) return parsed;
  const out: string[] = [];
  for (const node of parsed.nodes) {
    const r = evalNode(node, lookup, options.strict);
    if (typeof r !== "string") return { ok: false, error: r.error };
    out.push(r);
  }
  return { ok: true, value: out.join("") };
}

function evalNode(node: Node, lookup: VariableLookup, strict: boolean): string | { error: string } {
  if (node.type === "text") return node.value;
  const args: string[] = [];
  for (const arg of node.args) {
    const r = evalNode(arg, lookup, strict);
    if (typeof r !== "string") return r;
    args.push(r);
  }
  const value = lookup(node.param);
  if (value === undefined && strict && !isDefaultOp(node.name)) {
    return { error: `variable not set (strict mode): ${goQuote(node.param)}` };
  }
  return lookupFunc(node.name, args.length)(value ?? "", args);
}

/** Go's %q for the identifier-like names the parser accepts. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
