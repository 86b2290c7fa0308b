/**
 * Locating the shared corpora (`../shared` next to the repository, or FLUX_IMPACT_SHARED) and deciding how
 * each repository is analysed: a repository with several `flux bootstrap` clusters (several
 * `gotk-sync.yaml`) is analysed once per cluster directory; otherwise once as a whole. The flux-local
 * fixtures are placed at `tests/testdata/` (their spec.paths say `./tests/testdata/<cluster>/...`) and
 * analysed once per cluster directory.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { AnalyzeOptions } from "../../../src/core/index.ts";

export const FLUX_LOCAL_PREFIX = "tests/testdata/";

export type SharedDir = { ok: true; dir: string } | { ok: false; reason: string };

/** ../shared relative to the repository root, or the FLUX_IMPACT_SHARED override. */
export function resolveSharedDir(repoRoot: string, env: Record<string, string | undefined>): SharedDir {
  const override = env.FLUX_IMPACT_SHARED;
  const dir = override && override !== "" ? resolve(override) : resolve(repoRoot, "..", "shared");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return {
      ok: false,
      reason: `${dir} does not exist${override ? " (FLUX_IMPACT_SHARED)" : ""}; set FLUX_IMPACT_SHARED to the shared checkout`,
    };
  }
  if (!existsSync(join(dir, "corpus"))) return { ok: false, reason: `${dir} has no corpus/ directory` };
  return { ok: true, dir };
}

export interface Analysis {
  label: string;
  options: AnalyzeOptions;
}

/** One analysis per `clusters/<c>` when several gotk-sync.yaml files exist, else one for the whole repo. */
export function analysesFor(paths: readonly string[]): Analysis[] {
  const roots = [
    ...new Set(
      paths
        .filter((p) => p.endsWith("/gotk-sync.yaml") || p === "gotk-sync.yaml")
        .map((p) => dirname(dirname(p))),
    ),
  ]
    .map((r) => (r === "." ? "" : r))
    .sort();
  if (roots.length <= 1) return [{ label: ".", options: {} }];
  return roots.map((r) => ({ label: r || ".", options: { searchRoot: r } }));
}

/** Directories under corpus/real. */
export function realRepoDirs(sharedDir: string): Array<{ name: string; dir: string }> {
  const base = join(sharedDir, "corpus", "real");
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, dir: join(base, e.name) }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** flux-local cluster fixtures (every testdata dir holding Flux objects; `repo` is plain kustomize). */
export function fluxLocalClusterAnalyses(testdataDir: string): Analysis[] {
  return readdirSync(testdataDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== "repo")
    .map((e) => e.name)
    .sort()
    .map((name) => ({ label: name, options: { searchRoot: `${FLUX_LOCAL_PREFIX}${name}` } }));
}
