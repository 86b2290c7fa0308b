/**
 * `npm run conformance`: how closely the engine reproduces
 *   1. the flux-local corpus (`get ks` / `get hr` expectations), following Flux where flux-local deviates
 *      from it (those cases are listed with the reason and excluded from the score),
 *   2. the flux-local `diff ks` / `diff hr` expectations with the impact pipeline (a tree diffed against
 *      itself reports nothing; the modified-worktree case names the same object changes), and
 *   3. kustomize-controller's render of every Flux Kustomization of the real corpus repositories and of the
 *      flux-local test clusters (output before post-build substitution vs `kubectl kustomize` on a copy of
 *      the tree with the Flux spec merged in).
 * Skips (exit 0) when ../shared is absent; exits non-zero only when something crashes, never on a score.
 *
 * Flags: --flux-local-only, --render-only.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeRepository } from "../src/core/index.ts";
import { type Analyzer, evaluateChecks } from "../test/support/conformance/flux-local.ts";
import { loadChecks } from "../test/support/conformance/flux-local-checks.ts";
import { evaluateDiffChecks } from "../test/support/conformance/flux-local-diff.ts";
import { loadDiffChecks } from "../test/support/conformance/flux-local-diff-cases.ts";
import { diffTrees } from "../test/support/conformance/impact-diff.ts";
import {
  type CorpusRepo,
  type RenderCase,
  renderEquality,
} from "../test/support/conformance/render-equality.ts";
import { fluxLocalDiffReport, fluxLocalReport, renderReport } from "../test/support/conformance/report.ts";
import {
  analysesFor,
  FLUX_LOCAL_PREFIX,
  fluxLocalClusterAnalyses,
  realRepoDirs,
  resolveSharedDir,
} from "../test/support/fs/corpus.ts";
import { readTree } from "../test/support/fs/disk-tree.ts";
import { runEngineCorpus } from "../test/support/helm/engine-corpus.ts";
import { runFluxLocalRenders } from "../test/support/helm/flux-local-corpus.ts";
import { type GoTemplateResults, runGoTemplateCorpus } from "../test/support/helm/go-template-corpus.ts";
import { runGoldenCorpus } from "../test/support/helm/golden-corpus.ts";
import { runHelmFuncsCorpus } from "../test/support/helm/helm-funcs-corpus.ts";
import { runSprigCorpus } from "../test/support/helm/sprig-corpus.ts";
import { runUnittestCorpus } from "../test/support/helm/unittest-corpus.ts";

const analyze: Analyzer = (snapshot, options) => analyzeRepository(snapshot, options);

function kubectlAvailable(): boolean {
  const r = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  return r.status === 0;
}

async function main(): Promise<number> {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const shared = resolveSharedDir(repoRoot, process.env);
  if (!shared.ok) {
    console.log(`conformance: skipped — ${shared.reason}`);
    return 0;
  }
  const args = new Set(process.argv.slice(2));
  const runFluxLocal = !args.has("--render-only");
  const runRender = !args.has("--flux-local-only");
  let crashed = false;
  const t0 = performance.now();
  console.log(`flux-impact conformance (shared corpus: ${shared.dir})`);

  const fluxLocalDir = join(shared.dir, "corpus", "flux-local");
  const fluxLocalTree = readTree(join(fluxLocalDir, "testdata"), FLUX_LOCAL_PREFIX);

  if (runFluxLocal) {
    const expected: unknown = JSON.parse(readFileSync(join(fluxLocalDir, "expected.json"), "utf8"));
    const { checks, skipped } = loadChecks(expected);
    console.log("");
    console.log(`== flux-local corpus: get ks / get hr (${checks.length} checks)`);
    const results = evaluateChecks(fluxLocalTree.files, fluxLocalTree.symlinks, checks, analyze);
    for (const line of fluxLocalReport(results, skipped)) console.log(line);
    crashed ||= results.some((r) => r.status === "crash");

    const diffChecks = loadDiffChecks(expected);
    console.log("");
    console.log(
      `== flux-local corpus: diff ks / diff hr with the impact pipeline (${diffChecks.length} cases)`,
    );
    const diffResults = evaluateDiffChecks(
      fluxLocalTree.files,
      fluxLocalTree.symlinks,
      diffChecks,
      diffTrees,
    );
    for (const line of fluxLocalDiffReport(diffResults)) console.log(line);
    crashed ||= diffResults.some((r) => r.status === "crash");
  }

  if (runRender) {
    console.log("");
    console.log(
      "== render equality: engine output before post-build substitution vs kubectl kustomize (Flux-style build)",
    );
    if (!kubectlAvailable()) {
      console.log("  skipped — kubectl is not installed (the reference build needs `kubectl kustomize`)");
    } else {
      const repos: CorpusRepo[] = realRepoDirs(shared.dir).map((r) => {
        const tree = readTree(r.dir);
        return {
          label: r.name,
          files: tree.files,
          symlinks: tree.symlinks,
          analyses: analysesFor([...tree.files.keys()]),
        };
      });
      repos.push({
        label: "flux-local",
        files: fluxLocalTree.files,
        symlinks: fluxLocalTree.symlinks,
        analyses: fluxLocalClusterAnalyses(join(fluxLocalDir, "testdata")),
      });
      const cases: RenderCase[] = [];
      for (const repo of repos) cases.push(...renderEquality(repo, analyze));
      for (const line of renderReport(cases)) console.log(line);
      crashed ||= cases.some((c) => c.status === "crash");
    }
  }
  if (!args.has("--render-only") && !args.has("--flux-local-only")) {
    console.log("");
    console.log(
      "== Helm: Go text/template, Go's own tables (target: >= 98% of the usable cases, byte for byte)",
    );
    let results: GoTemplateResults | undefined;
    try {
      results = runGoTemplateCorpus(shared.dir);
    } catch (error) {
      console.log(`  the template engine CRASHED: ${(error as Error).stack ?? error}`);
      crashed = true;
    }
    if (results) {
      for (const [label, cases] of [
        ["execTests (usable without Go values)", results.exec],
        ["cmpTests (usable without Go values)", results.cmp],
        ["missingkey options", results.missingKey],
      ] as const) {
        const ok = cases.filter((c) => c.ok).length;
        const pct = cases.length ? (100 * ok) / cases.length : 100;
        console.log(
          `  ${label}: ${ok} of ${cases.length} (${pct.toFixed(1)}%) — ${pct >= 98 ? "OK" : "MISSED"}`,
        );
        for (const c of cases.filter((x) => !x.ok)) console.log(`    ${c.name}: ${c.detail}`);
      }
    }
    try {
      const sprig = runSprigCorpus(shared.dir);
      const pct = sprig.total ? (100 * sprig.passed) / sprig.total : 100;
      console.log(
        `  sprig 3.3.0 tests (deterministic, usable without Go values): ${sprig.passed} of ${sprig.total} (${pct.toFixed(1)}%) — ${pct >= 98 ? "OK" : "MISSED"}`,
      );
      for (const f of sprig.failed) console.log(`    ${f.test}: ${f.detail}`);
      const missing = [...new Set(sprig.unimplemented.flatMap((u) => u.functions))].sort();
      if (missing.length)
        console.log(
          `    ${sprig.unimplemented.length} cases use functions not implemented yet: ${missing.join(", ")}`,
        );
    } catch (error) {
      console.log(`  sprig CRASHED: ${(error as Error).stack ?? error}`);
      crashed = true;
    }
    try {
      const funcs = runHelmFuncsCorpus(shared.dir);
      console.log(
        `  Helm's own functions (TestFuncs, ${funcs.goOnly} Go-only cases left out): ${funcs.passed} of ${funcs.total} (${((100 * funcs.passed) / Math.max(1, funcs.total)).toFixed(1)}%)`,
      );
      for (const f of funcs.failed) console.log(`    ${f.template}: ${f.detail}`);
    } catch (error) {
      console.log(`  Helm's functions CRASHED: ${(error as Error).stack ?? error}`);
      crashed = true;
    }
    try {
      const engine = runEngineCorpus(shared.dir);
      const pct = (100 * engine.passed) / Math.max(1, engine.total);
      console.log(
        `  Helm's engine cases (pkg/engine tests, Helm 4.2.4's, with Helm 4's error traces): ${engine.passed} of ${engine.total} (${pct.toFixed(1)}%) — ${pct >= 95 ? "OK" : "MISSED"} (target >= 95%)`,
      );
      for (const f of engine.failed) console.log(`    ${f.name}: ${f.detail.slice(0, 300)}`);
    } catch (error) {
      console.log(`  Helm's engine CRASHED: ${(error as Error).stack ?? error}`);
      crashed = true;
    }
    try {
      const golden = await runGoldenCorpus(shared.dir, "v3.21.4");
      const pct = (100 * golden.passed) / Math.max(1, golden.total);
      console.log(
        `  helm template golden renders, Helm ${golden.version} (the version emulated: Flux's helm-controller runs Helm 3), byte for byte: ${golden.passed} of ${golden.total} (${pct.toFixed(1)}%) — ${pct >= 90 ? "OK" : "MISSED"} (target >= 90%)`,
      );
      for (const f of golden.failed) console.log(`    ${f.id}: ${f.detail.slice(0, 300)}`);
    } catch (error) {
      console.log(`  helm template goldens CRASHED: ${(error as Error).stack ?? error}`);
      crashed = true;
    }
    try {
      const fl = await runFluxLocalRenders(shared.dir);
      console.log(
        `  real charts as flux-local recorded them, object for object: ${fl.passed} of ${fl.total} — ${fl.passed === fl.total ? "OK" : "MISSED"} (target 14 of 14)`,
      );
      for (const f of fl.failed) console.log(`    ${f.id}: ${f.detail.slice(0, 300)}`);
    } catch (error) {
      console.log(`  flux-local renders CRASHED: ${(error as Error).stack ?? error}`);
      crashed = true;
    }
    try {
      const ut = await runUnittestCorpus(shared.dir);
      const pct = (100 * ut.passedAssertions) / Math.max(1, ut.totalAssertions);
      console.log(
        `  bjw-s common's helm-unittest suites, as helm-unittest 0.8.2 evaluates them (${ut.suites} suites): ${ut.passedAssertions} of ${ut.totalAssertions} assertions (${pct.toFixed(1)}%), ${ut.passedTests} of ${ut.totalTests} tests — ${pct >= 95 ? "OK" : "MISSED"} (target >= 95% of the assertions)`,
      );
      for (const f of ut.failed)
        console.log(`    ${f.suite} › ${f.test} › ${f.assertion}: ${f.detail.slice(0, 300)}`);
      for (const f of ut.unsupported)
        console.log(`    ${f.suite} › ${f.test} › ${f.assertion}: not evaluated: ${f.detail.slice(0, 300)}`);
    } catch (error) {
      console.log(`  helm-unittest suites CRASHED: ${(error as Error).stack ?? error}`);
      crashed = true;
    }
  }
  console.log("");
  console.log(
    `conformance finished in ${((performance.now() - t0) / 1000).toFixed(1)} s${crashed ? " — the engine CRASHED (see above)" : ""}`,
  );
  return crashed ? 1 : 0;
}

process.exitCode = await main();
