/**
 * Evaluates the flux-local checks against the engine. For every (cluster, --path, --sources) group the
 * engine analyses the snapshot twice: as Flux sees it, and rewritten the way flux-local sees it
 * (flux-local-emulation.ts). Per check:
 *   pass       — the Flux-faithful rows equal flux-local's expectation;
 *   fail       — they differ, and flux-local's deviations from Flux do not change our answer;
 *   deviation  — they differ, and our rows under flux-local's deviations equal the expectation
 *                (excluded from the score, listed with the reasons);
 *   unexplained deviation — they differ both ways, but the deviations do change our answer (excluded,
 *                flagged for review).
 * Pure apart from the injected analyzer.
 */
import {
  type AnalyzeOptions,
  createMemorySnapshot,
  type RepoSnapshot,
  type RepositoryModel,
} from "../../../src/core/index.ts";
import type { FluxLocalCheck } from "./flux-local-checks.ts";
import { emulateFluxLocal } from "./flux-local-emulation.ts";
import { parseSources, rowsFor, selectedKustomizations } from "./flux-local-rows.ts";

export type Analyzer = (snapshot: RepoSnapshot, options: AnalyzeOptions) => RepositoryModel;

export type CheckStatus = "pass" | "fail" | "deviation" | "unexplained" | "crash";

export interface CheckResult {
  check: FluxLocalCheck;
  status: CheckStatus;
  /** Our rows, Flux semantics. */
  flux: string[];
  /** Our rows under flux-local's deviations. */
  fluxLocal: string[];
  reasons: string[];
  error?: string;
  /** Our rows the check's namespace filter hides (flux-local's default `-n flux-system` is a query, not a deviation). */
  hiddenByNamespace?: string[];
}

function sameRows(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

interface GroupModels {
  flux: RepositoryModel;
  fluxLocal: RepositoryModel;
  reasons: string[];
}

export function evaluateChecks(
  files: ReadonlyMap<string, Uint8Array>,
  symlinks: readonly string[],
  checks: readonly FluxLocalCheck[],
  analyze: Analyzer,
): CheckResult[] {
  const groups = new Map<string, GroupModels | { error: string }>();
  const groupFor = (c: FluxLocalCheck): GroupModels | { error: string } => {
    const key = `${c.cluster}|${c.root}|${c.sources ?? ""}`;
    let g = groups.get(key);
    if (g) return g;
    try {
      const options: AnalyzeOptions = c.root === "" ? {} : { searchRoot: c.root };
      const flux = analyze(createMemorySnapshot(files, { symlinks }), options);
      const emulated = emulateFluxLocal(files, {
        clusterDir: `tests/testdata/${c.cluster}`,
        root: c.root,
        sources: c.sources === null ? null : parseSources(c.sources),
      });
      const fluxLocal =
        emulated.reasons.length === 0
          ? flux
          : analyze(createMemorySnapshot(emulated.files, { symlinks }), options);
      g = { flux, fluxLocal, reasons: emulated.reasons };
    } catch (e) {
      g = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    groups.set(key, g);
    return g;
  };

  return checks.map((check): CheckResult => {
    const g = groupFor(check);
    if ("error" in g) return { check, status: "crash", flux: [], fluxLocal: [], reasons: [], error: g.error };
    const flux = rowsFor(g.flux, check, false);
    const fluxLocal = rowsFor(g.fluxLocal, check, true);
    const reasons = [...g.reasons];
    if (check.legacy) {
      for (const k of selectedKustomizations(g.flux, check, false)) {
        if (
          k.spec.sourceRef.kind !== "GitRepository" &&
          !selectedKustomizations(g.fluxLocal, check, true).some((x) => x.key === k.key)
        ) {
          reasons.push(
            `flux-local drops ${k.spec.sourceRef.kind}-sourced Kustomization ${k.key} (Flux reconciles it from the external artifact; we list it as "${k.status}")`,
          );
        }
      }
    }
    let status: CheckStatus;
    if (sameRows(flux, check.expected)) status = "pass";
    else if (sameRows(fluxLocal, check.expected)) status = "deviation";
    else if (!sameRows(fluxLocal, flux)) status = "unexplained";
    else status = "fail";
    const result: CheckResult = {
      check,
      status,
      flux,
      fluxLocal,
      reasons: status === "pass" || status === "fail" ? [] : reasons,
    };
    if (check.namespace !== null) {
      const hidden = rowsFor(g.flux, { ...check, namespace: null }, false).filter((r) => !flux.includes(r));
      if (hidden.length > 0) result.hiddenByNamespace = hidden;
    }
    return result;
  });
}

export interface FluxLocalSummary {
  scored: number;
  passed: number;
  deviations: number;
  unexplained: number;
  crashes: number;
}

export function summarize(results: readonly CheckResult[]): FluxLocalSummary {
  const count = (s: CheckStatus) => results.filter((r) => r.status === s).length;
  return {
    scored: count("pass") + count("fail") + count("crash"),
    passed: count("pass"),
    deviations: count("deviation"),
    unexplained: count("unexplained"),
    crashes: count("crash"),
  };
}

/** "- row" lines for expected-only rows and "+ row" lines for rows only we produce. */
export function rowDiff(expected: readonly string[], ours: readonly string[]): string[] {
  const out: string[] = [];
  for (const r of expected) if (!ours.includes(r)) out.push(`- ${r}`);
  for (const r of ours) if (!expected.includes(r)) out.push(`+ ${r}`);
  return out;
}
