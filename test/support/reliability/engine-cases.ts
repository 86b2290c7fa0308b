/**
 * The engine's rows of the reliability table (../shared/docs/reliability-security.md §5): bad inputs
 * B14–B44 (archives, YAML, kustomize/Flux, output and secrets) and the load figures L3, L4, L7 and L8.
 * Every case runs this project's real code — the tarball reader and job helpers the GitHub App uses, the
 * YAML reader, analyzePullRequest, the comment and check-run renderers, the secret scan — and compares
 * what it observes with the plan's expectation (or, where the project deliberately differs, with the
 * project's own limit, said in `expected`). Prints nothing; every user-visible string a case produces
 * goes to `sink`, so the caller can scan all outputs for the seeded secrets (`seededSecrets()`).
 */

import { archiveCases } from "./engine/archive.ts";
import { boundedCases } from "./engine/bounded.ts";
import { type CaseContext, type EngineCaseOptions, runCase } from "./engine/common.ts";
import { contentCases } from "./engine/content.ts";
import { canaryList, canaryStrings } from "./engine/fixtures.ts";
import { kustomizeCases } from "./engine/kustomize.ts";
import { loadCases } from "./engine/load.ts";
import { outputCases } from "./engine/output.ts";
import { yamlCases } from "./engine/yaml.ts";
import type { CaseResult, OutputSink } from "./types.ts";

export type { EngineCaseOptions };

/** The fake credentials the cases commit (generated from fixed seeds); none may appear in any output. */
export function seededSecrets(): string[] {
  return canaryStrings();
}

const HEAVY = new Set(["L3", "L4", "B45"]);

/** Up to 60 characters before a leaked canary, other canaries blanked: where it leaked, not what. */
function leadIn(text: string, at: number, canaries: ReadonlyArray<{ value: string }>): string {
  let before = text.slice(Math.max(0, at - 60), at);
  for (const c of canaries) before = before.split(c.value).join("<canary>");
  // A cut-off piece of another secret is still not shown.
  return `…${before.replace(/[A-Za-z0-9_+/=-]{16,}/g, "<…>")}`;
}

export async function engineCases(sink: OutputSink, options: EngineCaseOptions = {}): Promise<CaseResult[]> {
  const quick = options.quick === true;
  const canaries = canaryList();
  const hits = new Map<string, { count: number; before: string }>();
  const out: OutputSink = (text) => {
    for (const c of canaries) {
      const at = text.indexOf(c.value);
      if (at === -1) continue;
      const hit = hits.get(c.label) ?? { count: 0, before: leadIn(text, at, canaries) };
      hits.set(c.label, { ...hit, count: hit.count + 1 });
    }
    sink(text);
  };
  const ctx: CaseContext = {
    out,
    quick,
    leaks: () =>
      [...hits].map(([label, h]) => `${label} in ${h.count} outputs (after ${JSON.stringify(h.before)})`),
  };
  const specs = [
    ...archiveCases,
    ...contentCases,
    ...yamlCases,
    ...kustomizeCases,
    ...outputCases,
    ...boundedCases,
    ...loadCases,
  ];
  const results: CaseResult[] = [];
  for (const spec of specs) {
    if (quick && HEAVY.has(spec.id)) continue;
    results.push(await runCase(spec, ctx));
  }
  return results;
}
