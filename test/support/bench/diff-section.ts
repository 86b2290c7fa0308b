/**
 * The "pull request" section of `npm run bench`: the pipeline of the App and `flux-impact diff`
 * (pull-request-pipeline.ts: base analysis, the pull request reusing it, the comment) between a repository
 * and an edited copy of it (diff-scenarios.ts), without a stored base ("cold cache"), with the base read
 * back from the App's cache entry ("cached base"), and with the edit merged since the stored analysis
 * ("moved base": the base analyzed from it and the changed files). On onedr0p/home-ops (judged), the
 * largest real corpus repository, and the synthetic 10× repository. Per change and mode: fresh processes
 * (cold: wall, CPU, peak RSS) and repetitions in each (warm, fresh snapshots and analysis session each).
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
/** The issue's targets, on warm CPU of one changed app. */
export const TARGETS = {
  /** onedr0p/home-ops without a stored base. */
  coldCacheMs: 300,
  /** onedr0p/home-ops with the base read back from the cache. */
  cachedMs: 100,
  /** The synthetic 10× repository with the base read back from the cache. */
  tenXCachedMs: 500,
  /** Peak RSS of any run on the 10× repository. */
  tenXRssMb: 512,
} as const;

interface Subject {
  label: string;
  dir: string;
  /** Child processes per change and mode (cold figures are their median). */
  runs: number;
  role: "judged" | "info" | "10x";
}

function scenariosFor(dir: string): ScenarioResult[] {
  const tree = readTree(dir);
  const model = analyzeRepository(createMemorySnapshot(tree.files, { symlinks: tree.symlinks }));
  return diffScenarios(tree.files, model);
}

interface Verdict {
  what: string;
  ok: boolean;
}

/** The target a row is judged by, if any. */
type Mode = "cold cache" | "cached base" | "moved base";

function targetOf(s: Subject, change: string, mode: Mode): number | undefined {
  if (change !== "app" || mode === "moved base") return undefined;
  if (s.role === "judged") return mode === "cold cache" ? TARGETS.coldCacheMs : TARGETS.cachedMs;
  if (s.role === "10x" && mode === "cached base") return TARGETS.tenXCachedMs;
  return undefined;
}

function measureSubject(repoRoot: string, s: Subject, rows: string[][], notes: string[]): Verdict[] {
  const verdicts: Verdict[] = [];
  const tmp = mkdtempSync(join(tmpdir(), "flux-impact-bench-entry-"));
  try {
    for (const sc of scenariosFor(s.dir)) {
      if ("skipped" in sc) {
        notes.push(`${s.label} / ${sc.title}: skipped — ${sc.skipped}`);
        continue;
      }
      const entry = join(tmp, `${sc.id}.entry`);
      const run = (cache: { store?: string; cached?: string; moved?: string }) =>
        runDiffChild(repoRoot, s.dir, sc.edits, WARM, cache);
      // The first cold-cache process also writes the entry the cached-base processes read.
      const modes: Array<{ mode: Mode; runs: ReturnType<typeof run>[] }> = [
        {
          mode: "cold cache" as const,
          runs: Array.from({ length: s.runs }, (_, i) => run(i === 0 ? { store: entry } : {})),
        },
        { mode: "cached base" as const, runs: Array.from({ length: s.runs }, () => run({ cached: entry })) },
        // The branch moved on by this change since the stored analysis: the first pull request after a merge.
        { mode: "moved base" as const, runs: Array.from({ length: s.runs }, () => run({ moved: entry })) },
      ];
      for (const { mode, runs } of modes) {
        const f = diffFigures(runs);
        const counts = runs[0]?.counts;
        const target = targetOf(s, sc.id, mode);
        const cpuOk = target === undefined || f.warmCpuMs <= target;
        const rssOk = s.role !== "10x" || f.maxRssMb <= TARGETS.tenXRssMb;
        if (target !== undefined)
          verdicts.push({ what: `${s.label} ${sc.id}, ${mode}: ${formatMs(f.warmCpuMs)}`, ok: cpuOk });
        if (s.role === "10x")
          verdicts.push({
            what: `${s.label} ${sc.id}, ${mode}: peak ${f.maxRssMb.toFixed(0)} MB`,
            ok: rssOk,
          });
        const st = f.warmStages;
        const judged = [
          target !== undefined ? `<= ${target} ms: ${verdict(cpuOk)}` : "",
          s.role === "10x" ? `<= ${TARGETS.tenXRssMb} MB: ${verdict(rssOk)}` : "",
        ].filter(Boolean);
        rows.push([
          s.label,
          sc.id,
          mode,
          counts ? affectedText(counts) : "?",
          String(counts?.introducedFindings ?? "?"),
          formatMs(f.coldWallMs),
          formatMs(f.coldCpuMs),
          `${f.maxRssMb.toFixed(0)} MB`,
          formatMs(f.warmWallMs),
          formatMs(f.warmCpuMs),
          `${formatMs(st.baseMs)} + ${formatMs(st.pullRequestMs)} + ${formatMs(st.commentMs)}`,
          judged.length ? judged.join(", ") : "n/a",
        ]);
      }
      notes.push(`${s.label} / ${sc.id} (${sc.title}): ${sc.detail}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return verdicts;
}

export function diffSection(repoRoot: string): void {
  console.log("");
  console.log(
    "== pull request: base analysis (or the App's stored one) → the pull request reusing it → comment " +
      `(targets, warm CPU of one changed app: onedr0p/home-ops <= ${TARGETS.coldCacheMs} ms without and <= ${TARGETS.cachedMs} ms with a stored base; ` +
      `synthetic 10× <= ${TARGETS.tenXCachedMs} ms with a stored base, <= ${TARGETS.tenXRssMb} MB)`,
  );
  const rows: string[][] = [
    [
      "repository",
      "change",
      "base",
      "affected",
      "new findings",
      "cold wall",
      "cold cpu",
      "peak RSS",
      "warm wall",
      "warm cpu",
      "warm base + PR + comment",
      "target",
    ],
  ];
  const notes: string[] = [];
  const verdicts: Verdict[] = [];
  const shared = resolveSharedDir(repoRoot, process.env);
  if (!shared.ok) notes.push(`real corpus skipped — ${shared.reason}`);
  else {
    const repos = realRepoDirs(shared.dir).map((r) => ({ ...r, files: readTree(r.dir).files.size }));
    const judged = repos.find((r) => r.name === "onedr0p-home-ops");
    const largest = [...repos].sort((a, b) => b.files - a.files)[0];
    if (judged)
      verdicts.push(
        ...measureSubject(
          repoRoot,
          { label: judged.name, dir: judged.dir, runs: 3, role: "judged" },
          rows,
          notes,
        ),
      );
    else notes.push("onedr0p-home-ops is not in the corpus: its targets are not judged");
    if (largest && largest.name !== judged?.name)
      measureSubject(repoRoot, { label: largest.name, dir: largest.dir, runs: 1, role: "info" }, rows, notes);
  }
  const dir = mkdtempSync(join(tmpdir(), "flux-impact-bench-diff-10x-"));
  try {
    writeTree(dir, generateSyntheticRepo(10));
    verdicts.push(
      ...measureSubject(repoRoot, { label: "synthetic 10×", dir, runs: 1, role: "10x" }, rows, notes),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  for (const line of table(rows)) console.log(`  ${line}`);
  for (const n of notes) console.log(`  ${n}`);
  for (const line of [
    "cold = the pipeline once in a fresh `node --import tsx` process; CPU = process.cpuUsage (all threads, so it",
    `can exceed wall); judged repository: medians of 3 processes. warm = median of ${WARM} repetitions in that process`,
    "(the long-running App), each with fresh snapshots and analysis session; head = the base tree as fresh bytes",
    "with the edit above; reading the tree from disk is not counted. base = analyzeBase (cold cache) or the App's",
    "cache entry read back (gunzip + V8 deserialization; the Blobs download is not counted); PR = analyzePullRequest",
    "given that base (head's secret scan, render reusing base's builds, change, checks); comment = renderComment.",
    "moved base = the branch moved on by the change since the stored analysis: base = the entry read back and the",
    "edited commit analyzed from it and the edited paths; the pull request changes nothing more.",
  ])
    console.log(`  ${line}`);
  if (verdicts.length > 0)
    console.log(`  targets: ${verdicts.map((v) => `${v.what} ${verdict(v.ok)}`).join("; ")}`);
}
