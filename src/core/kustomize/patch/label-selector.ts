/**
 * Kubernetes label-selector strings (k8s.io/apimachinery labels.Parse), used by patch targets and
 * replacements for `labelSelector` and `annotationSelector`: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, joined by commas. Keys and values are validated as label
 * keys/values, as kustomize does (so a long annotation value cannot be selected by value).
 */

import { isDnsSubdomain } from "../../util/names.ts";

type Operator = "exists" | "!" | "=" | "!=" | "in" | "notin" | ">" | "<";

interface Requirement {
  key: string;
  op: Operator;
  values: string[];
}

export type ParsedSelector = { ok: true; requirements: Requirement[] } | { ok: false; error: string };

const NAME_RE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const TOKEN_RE = /\s*(==|!=|[!=(),<>]|[^\s!=(),<>]+)/y;

export function parseSelector(selector: string): ParsedSelector {
  const tokens: string[] = [];
  TOKEN_RE.lastIndex = 0;
  while (TOKEN_RE.lastIndex < selector.length) {
    const m = TOKEN_RE.exec(selector);
    if (!m) break;
    if (m[1]) tokens.push(m[1]);
  }
  const requirements: Requirement[] = [];
  let i = 0;
  const fail = (why: string): ParsedSelector => ({ ok: false, error: `unable to parse requirement: ${why}` });
  while (i < tokens.length) {
    let negated = false;
    if (tokens[i] === "!") {
      negated = true;
      i++;
    }
    const key = tokens[i++];
    if (key === undefined || isSymbol(key)) return fail(`found '${key ?? ""}', expected: identifier`);
    const keyError = validateKey(key);
    if (keyError) return fail(keyError);
    const next = tokens[i];
    let req: Requirement;
    if (negated || next === undefined || next === ",") {
      req = { key, op: negated ? "!" : "exists", values: [] };
    } else if (next === "=" || next === "==" || next === "!=") {
      i++;
      let value = tokens[i] ?? ",";
      if (value === ",") value = "";
      else i++;
      req = { key, op: next === "!=" ? "!=" : "=", values: [value] };
    } else if (next === ">" || next === "<") {
      i++;
      const v = tokens[i++];
      if (v === undefined || !/^[+-]?[0-9]+$/.test(v))
        return fail(`for '${next}', a single integer value is required`);
      req = { key, op: next, values: [v] };
    } else if (next === "in" || next === "notin") {
      i++;
      if (tokens[i++] !== "(") return fail(`found '${tokens[i - 1] ?? ""}', expected: '('`);
      const values: string[] = [];
      for (;;) {
        const t = tokens[i];
        if (t === ")" || t === ",") values.push("");
        else if (t === undefined || isSymbol(t))
          return fail(`found '${t ?? ""}', expected: ',', ')' or identifier`);
        else {
          values.push(t);
          i++;
        }
        const sep = tokens[i++];
        if (sep === ")") break;
        if (sep !== ",") return fail(`found '${sep ?? ""}', expected: ',' or ')'`);
      }
      req = { key, op: next, values };
    } else {
      return fail(`found '${next}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    if (req.op !== ">" && req.op !== "<") {
      for (const v of req.values) {
        const valueError = validateValue(v);
        if (valueError) return fail(valueError);
      }
    }
    requirements.push(req);
    if (i < tokens.length) {
      if (tokens[i] !== ",") return fail(`found '${tokens[i]}', expected: ','`);
      i++;
      if (i >= tokens.length) return fail("found '', expected: identifier");
    }
  }
  return { ok: true, requirements };
}

export function selectorMatches(
  requirements: readonly Requirement[],
  labels: Record<string, string>,
): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const value = has ? labels[r.key] : undefined;
    switch (r.op) {
      case "exists":
        return has;
      case "!":
        return !has;
      case "=":
      case "in":
        return has && r.values.includes(value ?? "");
      case "!=":
      case "notin":
        return !has || !r.values.includes(value ?? "");
      default: {
        if (!has || !/^[+-]?[0-9]+$/.test(value ?? "")) return false;
        const n = Number(value);
        const bound = Number(r.values[0]);
        return r.op === ">" ? n > bound : n < bound;
      }
    }
  });
}

function isSymbol(t: string): boolean {
  return /^(==|!=|[!=(),<>])$/.test(t);
}

function validateKey(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  if (prefix !== undefined && !isDnsSubdomain(prefix)) {
    return `invalid label key "${key}": prefix part must be a DNS subdomain`;
  }
  if (name.length === 0 || name.length > 63 || !NAME_RE.test(name)) {
    return `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.'`;
  }
  return undefined;
}

function validateValue(value: string): string | undefined {
  if (value === "") return undefined;
  if (value.length > 63 || !NAME_RE.test(value)) {
    return `invalid label value: "${value}": must be 63 characters or less and consist of alphanumeric characters, '-', '_' or '.'`;
  }
  return undefined;
}
