/**
 * The "diff of two revisions" section of `npm run bench`: the whole impact pipeline of `flux-impact diff`
 * and the GitHub App (snapshots → base analysis → head analysis reusing base's builds → analyzeChange →
 * the pull-request comment) between a repository and an edited copy of it (diff-scenarios.ts), on the
 * largest real corpus repository and on the synthetic 10× repository. Per change: a fresh process (cold:
 * wall, CPU, peak RSS) and repetitions in that process (warm, fresh snapshots and analysis session each).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeRepository, createMemorySnapshot } from "../../../src/core/index.ts";
import { realRepoDirs, resolveSharedDir } from "../fs/corpus.ts";
import { readTree, writeTree } from "../fs/disk-tree.ts";
import { generateSyntheticRepo } from "../synthetic-repo/generate.ts";
import { diffScenarios, type ScenarioResult } from "./diff-scenarios.ts";
import { affectedText, diffFigures } from "./diff-stats.ts";
import { runDiffChild } from "./measure.ts";
import { formatMs, table, verdict } from "./stats.ts";

const WARM = 5;
export const DIFF_TARGET_CPU_MS = 300;

interface Subject {
  label: string;
  dir: string;
  /** Child processes per change (cold figures are their median). */
  runs: number;
  /** Whether the ≤ 300 ms target applies (a repository the size of onedr0p/home-ops). */
  judged: boolean;
}

function scenariosFor(dir: string): ScenarioResult[] {
  const tree = readTree(dir);
  const model = analyzeRepository(createMemorySnapshot(tree.files, { symlinks: tree.symlinks }));
  return diffScenarios(tree.files, model);
}

interface Verdict {
  id: string;
  warmCpuMs: number;
  ok: boolean;
}

function measureSubject(repoRoot: string, s: Subject, rows: string[][], notes: string[]): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const sc of scenariosFor(s.dir)) {
    if ("skipped" in sc) {
      notes.push(`${s.label} / ${sc.title}: skipped — ${sc.skipped}`);
      continue;
    }
    const runs = Array.from({ length: s.runs }, () => runDiffChild(repoRoot, s.dir, sc.edits, WARM));
    const f = diffFigures(runs);
    const counts = runs[0]?.counts;
    const ok = f.warmCpuMs <= DIFF_TARGET_CPU_MS;
    if (s.judged) verdicts.push({ id: sc.id, warmCpuMs: f.warmCpuMs, ok });
    const st = f.warmStages;
    rows.push([
      s.label,
      sc.id,
      counts ? affectedText(counts) : "?",
      String(counts?.introducedFindings ?? "?"),
      formatMs(f.coldWallMs),
      formatMs(f.coldCpuMs),
      `${f.maxRssMb.toFixed(0)} MB`,
      formatMs(f.warmWallMs),
      formatMs(f.warmCpuMs),
      `${formatMs(st.baseMs)} + ${formatMs(st.headMs)} + ${formatMs(st.changeMs + st.commentMs)}`,
      s.judged ? `<= ${DIFF_TARGET_CPU_MS} ms: ${verdict(ok)}` : "n/a (10×)",
    ]);
    notes.push(`${s.label} / ${sc.id} (${sc.title}): ${sc.detail}`);
  }
  return verdicts;
}

export function diffSection(repoRoot: string): void {
  console.log("");
  console.log(
    `== diff of two revisions: snapshots → base + head analyses (head reuses base) → analyzeChange → comment` +
      ` (target: <= ${DIFF_TARGET_CPU_MS} ms CPU for a repository the size of onedr0p/home-ops, judged on warm CPU)`,
  );
  const rows: string[][] = [
    [
      "repository",
      "change",
      "affected",
      "new findings",
      "cold wall",
      "cold cpu",
      "peak RSS",
      "warm wall",
      "warm cpu",
      "warm base + head + report",
      "target (warm cpu)",
    ],
  ];
  const notes: string[] = [];
  const verdicts: Verdict[] = [];
  const shared = resolveSharedDir(repoRoot, process.env);
  if (!shared.ok) notes.push(`real corpus skipped — ${shared.reason}`);
  else {
    const largest = realRepoDirs(shared.dir)
      .map((r) => ({ ...r, files: readTree(r.dir).files.size }))
      .sort((a, b) => b.files - a.files)[0];
    if (largest)
      verdicts.push(
        ...measureSubject(
          repoRoot,
          { label: largest.name, dir: largest.dir, runs: 3, judged: true },
          rows,
          notes,
        ),
      );
  }
  const dir = mkdtempSync(join(tmpdir(), "flux-impact-bench-diff-10x-"));
  try {
    writeTree(dir, generateSyntheticRepo(10));
    measureSubject(repoRoot, { label: "synthetic 10×", dir, runs: 1, judged: false }, rows, notes);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const line of table(rows)) console.log(`  ${line}`);
  for (const n of notes) console.log(`  ${n}`);
  for (const line of [
    "cold = the pipeline once in a fresh `node --import tsx` process (the CLI); CPU = process.cpuUsage (all",
    `threads, so above wall); real repository: medians of 3 processes. warm = median of ${WARM} repetitions in that`,
    "process (the long-running App), each with fresh snapshots and analysis session. head = the base tree as fresh",
    "bytes with the edit above; reading the tree from disk is not counted. base + head + report = warm medians",
    "of the base analysis, the head analysis (reusing base's builds) and analyzeChange + comment.",
  ])
    console.log(`  ${line}`);
  if (verdicts.length > 0)
    console.log(
      `  target <= ${DIFF_TARGET_CPU_MS} ms CPU, judged on warm CPU (cold CPU printed too): ` +
        verdicts.map((v) => `${v.id} ${formatMs(v.warmCpuMs)} ${verdict(v.ok)}`).join(", "),
    );
}
