/**
 * Helm's TestFuncs cases (`../shared/corpus/helm/helm-golden/engine/engine_cases.json` → funcsCases: Helm
 * v4.2.4's pkg/engine/funcs_test.go as data): each template executed with Helm's function map on its
 * vars, the output compared byte for byte. Cases whose data is a Go-only value (a self-referencing map,
 * integer map keys) are left out.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type GoValue, helmFunctions, TemplateSet } from "../../../src/core/helm/index.ts";
import { canonical, toGo } from "./go-data.ts";

export interface HelmFuncsResults {
  passed: number;
  failed: Array<{ template: string; detail: string }>;
  unimplemented: Array<{ template: string; functions: string[] }>;
  goOnly: number;
  total: number;
}

export function runHelmFuncsCorpus(sharedDir: string): HelmFuncsResults {
  const d = JSON.parse(
    readFileSync(join(sharedDir, "corpus", "helm", "helm-golden", "engine", "engine_cases.json"), "utf8"),
  );
  const results: HelmFuncsResults = { passed: 0, failed: [], unimplemented: [], goOnly: 0, total: 0 };
  for (const c of d.funcsCases as Array<{
    template: string;
    vars: unknown;
    expected: string | null;
    wantError: boolean;
    checkOnly?: string;
    varsAfter?: { key: string; expected: unknown };
  }>) {
    if (c.vars && typeof c.vars === "object" && "$goValue" in c.vars) {
      results.goOnly++;
      continue;
    }
    results.total++;
    let set: TemplateSet | undefined;
    const funcs = helmFunctions(() => set!);
    let out = "";
    let error: Error | undefined;
    const vars = toGo(c.vars);
    try {
      set = new TemplateSet({ funcs }).parse("test", c.template);
      out = set.execute("test", vars);
    } catch (e) {
      error = e as Error;
    }
    // merge's case checks what it did to its first argument, not the output.
    const mutated = c.checkOnly === "varsMutation" && c.varsAfter;
    const ok = c.wantError
      ? error !== undefined
      : error === undefined &&
        (mutated
          ? canonical((vars as Record<string, GoValue>)[c.varsAfter!.key]!) ===
            canonical(toGo(c.varsAfter!.expected))
          : out === c.expected);
    if (ok) results.passed++;
    else
      results.failed.push({
        template: c.template,
        detail: `want ${JSON.stringify(c.expected)}${c.wantError ? " and an error" : ""}, got ${JSON.stringify(out)}${error ? ` (${error.message})` : ""}`,
      });
  }
  return results;
}
