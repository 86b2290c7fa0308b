/**
 * The "full check" section of `npm run bench`: every check the default branch's check run makes, on each
 * real corpus repository, in this (warm) process. Three figures, medians of several repetitions with fresh
 * snapshots each time:
 *   - checks: `runChecks` on an already analyzed model (engine findings refined, every rule, the secret
 *     scan of every file, the policy) — what the checks add to an analysis; judged against ≤ 100 ms;
 *   - secret scan: `scanSecrets` over every file of the repository alone (and its throughput);
 *   - total: `checkBranch` — the analysis plus the checks, what `flux-impact check` computes.
 */

import { DEFAULT_CONFIG } from "../../../src/core/config/index.ts";
import {
  analyzeRepository,
  checkBranch,
  createMemorySnapshot,
  policyOf,
  runChecks,
} from "../../../src/core/index.ts";
import { parseSopsConfig, scanSecrets } from "../../../src/core/secrets/index.ts";
import { analysesFor, realRepoDirs, resolveSharedDir } from "../fs/corpus.ts";
import { readTree } from "../fs/disk-tree.ts";
import { formatMs, median, table, verdict } from "./stats.ts";

const REPEAT = 7;
export const CHECK_TARGET_MS = 100;

function timed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

export function checkSection(repoRoot: string): void {
  console.log("");
  console.log(
    `== full check (the default branch's check run): rules + secret scan on an analyzed model (target <= ${CHECK_TARGET_MS} ms), and with the analysis`,
  );
  const shared = resolveSharedDir(repoRoot, process.env);
  if (!shared.ok) {
    console.log(`  skipped — ${shared.reason}`);
    return;
  }
  const rows: string[][] = [
    [
      "repository",
      "files",
      "MB",
      "findings",
      "checks",
      "secret scan",
      "scan MB/s",
      "total (analysis + checks)",
      "target (checks)",
    ],
  ];
  const policy = policyOf(DEFAULT_CONFIG);
  for (const repo of realRepoDirs(shared.dir)) {
    const tree = readTree(repo.dir);
    const bytes = [...tree.files.values()].reduce((n, b) => n + b.length, 0);
    const options = analysesFor([...tree.files.keys()]).map((a) => a.options);
    const fresh = () => createMemorySnapshot(tree.files, { symlinks: tree.symlinks });
    const checks: number[] = [];
    const scans: number[] = [];
    const totals: number[] = [];
    let findings = 0;
    for (let i = 0; i < REPEAT; i++) {
      const snapshot = fresh();
      const models = options.map((o) => analyzeRepository(snapshot, o));
      const c = timed(() =>
        models.map((model) => runChecks({ model, snapshot, mode: "branch" }, { policy })),
      );
      checks.push(c.ms);
      findings = c.value.reduce((n, r) => n + r.findings.length, 0);
      const sops = snapshot.readText(".sops.yaml");
      const scanSnapshot = fresh();
      scans.push(
        timed(() =>
          scanSecrets({
            files: scanSnapshot.files().map((path) => ({ path, bytes: scanSnapshot.read(path)! })),
            ...(sops.ok ? { sopsRules: parseSopsConfig(sops.text) } : {}),
          }),
        ).ms,
      );
      const totalSnapshot = fresh();
      totals.push(timed(() => options.map((o) => checkBranch({ snapshot: totalSnapshot, analyze: o }))).ms);
    }
    const check = median(checks);
    const scan = median(scans);
    const mb = bytes / (1024 * 1024);
    rows.push([
      repo.name,
      String(tree.files.size),
      mb.toFixed(2),
      String(findings),
      formatMs(check),
      formatMs(scan),
      (mb / (scan / 1000)).toFixed(1),
      formatMs(median(totals)),
      `<= ${CHECK_TARGET_MS} ms: ${verdict(check <= CHECK_TARGET_MS)}`,
    ]);
  }
  for (const line of table(rows)) console.log(`  ${line}`);
  console.log(
    `  medians of ${REPEAT} repetitions in this process (warm JIT), fresh snapshots each time; checks includes the`,
  );
  console.log(
    "  secret scan; total = checkBranch (analysis + checks) as `flux-impact check` runs it, files in memory.",
  );
}
