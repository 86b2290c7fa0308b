/**
 * Sprig's own tests (`../shared/corpus/helm/sprig/sprig_cases.json`: Masterminds/sprig 3.3.0's template
 * cases as data) run against the TypeScript sprig: each deterministic case usable without Go-only values,
 * executed with its `vars` as dot (`<no value>` is not replaced: these are text/template runs, not Helm's).
 * A case whose functions are not all implemented yet is reported as such, apart from the ones that fail.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type GoValue, sprigFunctions, TemplateSet } from "../../../src/core/helm/index.ts";
import { canonical, toGo } from "./go-data.ts";

interface SprigCase {
  test: string;
  template: string;
  expected: string;
  vars: unknown;
  wantError: boolean;
  usableWithoutGo: boolean;
  deterministic: boolean;
  functions: string[];
  checkOnly?: string | null;
  varsAfter?: { key: string; expected: unknown } | null;
}

export interface SprigResults {
  passed: number;
  /** Cases whose functions all exist, that did not reproduce. */
  failed: Array<{ test: string; detail: string }>;
  /** Cases using a function not implemented yet: the function names. */
  unimplemented: Array<{ test: string; functions: string[] }>;
  total: number;
}

export function runSprigCorpus(sharedDir: string): SprigResults {
  const d = JSON.parse(readFileSync(join(sharedDir, "corpus", "helm", "sprig", "sprig_cases.json"), "utf8"));
  const funcs = sprigFunctions();
  const results: SprigResults = { passed: 0, failed: [], unimplemented: [], total: 0 };
  for (const c of d.cases as SprigCase[]) {
    if (!c.usableWithoutGo || !c.deterministic) continue;
    results.total++;
    const missing = c.functions.filter((f) => !(f in funcs));
    if (missing.length) {
      results.unimplemented.push({ test: c.test, functions: missing });
      continue;
    }
    const vars = toGo(c.vars);
    let out = "";
    let error: Error | undefined;
    try {
      out = new TemplateSet({ funcs }).parse("t", c.template).execute("t", vars);
    } catch (e) {
      error = e as Error;
    }
    const mutation = c.checkOnly === "varsMutation" && c.varsAfter;
    let ok = c.wantError ? error !== undefined : error === undefined && (mutation || out === c.expected);
    if (ok && mutation && c.varsAfter)
      ok =
        canonical((vars as Record<string, GoValue>)[c.varsAfter.key]!) ===
        canonical(toGo(c.varsAfter.expected));
    if (ok) results.passed++;
    else
      results.failed.push({
        test: c.test,
        detail: `${c.template.slice(0, 80)}: want ${JSON.stringify(c.expected)}${c.wantError ? " and an error" : ""}, got ${JSON.stringify(out)}${error ? ` (${error.message})` : ""}`,
      });
  }
  return results;
}
