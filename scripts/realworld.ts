/**
 * npm run realworld: what flux-impact finds on real repositories it was not built against
 * (../shared/corpus/real), against expectations written by hand from each repository's files
 * (scripts/realworld/expectations.json, with a one-line justification per number).
 *
 * For each repository it prints the clusters found with the rule that found each, Kustomizations and
 * HelmReleases per cluster against the expectation, the Kustomizations not analyzed (sources that are not
 * this repository), and every error `flux-impact check` reports on the default branch. A repository passes
 * when every expected cluster is found at its path by its rule, the counts are within their tolerance,
 * the not-analyzed Kustomizations are the expected ones, and no error is reported that the expectations
 * do not list as true (file and evidence). High-entropy warnings are scored against hand labels
 * (scripts/realworld/high-entropy-labels.json: true or false, with a reason, never the value). Ends with
 * `realworld: N passed, M failed`; exits 1 when one failed, 0 (with the reason) without ../shared.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadDirectorySnapshot } from "../src/cli/fs-snapshot.ts";
import { configOfSnapshot } from "../src/core/config/index.ts";
import { checkBranch } from "../src/core/index.ts";
import { realRepoDirs, resolveSharedDir } from "../test/support/fs/corpus.ts";

interface ClusterExpectation {
  name: string;
  path: string;
  rule: string;
  file: string;
  kustomizations: number;
  helmReleases: number;
  tolerance?: { kustomizations?: number; helmReleases?: number };
  notAnalyzed: string[];
  why: string;
}

interface RepoExpectation {
  clusters: ClusterExpectation[];
  trueErrors: Array<{ file: string; why: string }>;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const shared = resolveSharedDir(root, process.env);
if (!shared.ok) {
  console.log(`realworld: skipped (${shared.reason})`);
  process.exit(0);
}
const expectations = JSON.parse(
  readFileSync(join(root, "scripts", "realworld", "expectations.json"), "utf8"),
) as Record<string, RepoExpectation>;

interface Label {
  repo: string;
  file: string;
  line: number;
  label: "true" | "false";
  why: string;
}
const labels = JSON.parse(
  readFileSync(join(root, "scripts", "realworld", "high-entropy-labels.json"), "utf8"),
) as Label[];
const totals = { entropyFound: 0, entropyTrue: 0, labeled: 0, labeledTrue: 0 };

let passed = 0;
let failed = 0;
for (const { name, dir } of realRepoDirs(shared.dir)) {
  const expected = expectations[name];
  console.log(`\n== ${name}`);
  if (!expected) {
    console.log("   no expectations written for this repository");
    failed++;
    continue;
  }
  const snapshot = loadDirectorySnapshot(dir);
  const { config } = configOfSnapshot(snapshot);
  const started = performance.now();
  const result = checkBranch({ snapshot, config, now: "2026-12-07T00:00:00Z" });
  const ms = performance.now() - started;
  const problems: string[] = [];
  const model = result.model;
  for (const c of model.clusters) {
    const entry = c.entrypoints[0];
    const exp = expected.clusters.find((e) => e.path === entry?.path);
    const na = c.kustomizations.filter((k) => k.status === "external");
    console.log(
      `   cluster ${c.name}: ${entry?.path || "."} by rule ${entry?.rule} (${entry?.file ?? "no file"}); Flux: ${c.flux.reason}`,
    );
    const line = (what: string, got: number, want: number | undefined, tol = 0) =>
      `     ${what.padEnd(15)} ${String(got).padStart(4)}  expected ${want === undefined ? "?" : want}${tol ? ` ±${tol}` : ""}${want !== undefined && Math.abs(got - want) <= tol ? "  ok" : "  MISMATCH"}`;
    console.log(
      line("Kustomizations", c.kustomizations.length, exp?.kustomizations, exp?.tolerance?.kustomizations),
    );
    console.log(line("HelmReleases", c.helmReleases.length, exp?.helmReleases, exp?.tolerance?.helmReleases));
    console.log(line("not analyzed", na.length, exp?.notAnalyzed.length));
    for (const k of na) console.log(`       - ${k.key}: ${k.source}`);
    if (!exp) {
      problems.push(`cluster ${c.name} at ${entry?.path} is not expected`);
      continue;
    }
    if (exp.rule !== entry?.rule)
      problems.push(`cluster ${c.name}: rule ${entry?.rule}, expected ${exp.rule}`);
    if (Math.abs(c.kustomizations.length - exp.kustomizations) > (exp.tolerance?.kustomizations ?? 0))
      problems.push(
        `cluster ${c.name}: ${c.kustomizations.length} Kustomizations, expected ${exp.kustomizations}`,
      );
    if (Math.abs(c.helmReleases.length - exp.helmReleases) > (exp.tolerance?.helmReleases ?? 0))
      problems.push(`cluster ${c.name}: ${c.helmReleases.length} HelmReleases, expected ${exp.helmReleases}`);
    const expectedNa = new Set(exp.notAnalyzed.map((s) => s.split(":")[0]!.trim()));
    const gotNa = new Set(na.map((k) => k.key));
    if (expectedNa.size !== gotNa.size || [...gotNa].some((k) => !expectedNa.has(k)))
      problems.push(
        `cluster ${c.name}: not analyzed ${[...gotNa].join(", ") || "none"}, expected ${[...expectedNa].join(", ") || "none"}`,
      );
  }
  for (const e of expected.clusters) {
    if (!model.clusters.some((c) => c.entrypoints[0]?.path === e.path))
      problems.push(`expected cluster ${e.name} at ${e.path} (${e.why.slice(0, 80)}…) was not found`);
  }
  const errors = result.findings.filter((d) => d.severity === "error");
  const warnings = result.findings.filter((d) => d.severity === "warning");
  const byCode = (list: typeof errors) =>
    [...new Set(list.map((d) => d.code))]
      .map((c) => `${list.filter((d) => d.code === c).length} ${c}`)
      .join(", ");
  console.log(
    `   check: ${errors.length} errors${errors.length ? ` (${byCode(errors)})` : ""}, ${warnings.length} warnings${warnings.length ? ` (${byCode(warnings)})` : ""}, in ${ms.toFixed(0)} ms`,
  );
  for (const d of errors) {
    const where = d.file ? `${d.file}:${d.line ?? 1}` : "(repository)";
    console.log(`     ${where}  ${d.code}${d.cluster ? ` [${d.cluster}]` : ""}  ${d.message.slice(0, 160)}`);
  }
  // High-entropy warnings against the hand labels: every one must be labeled, and ≥ 90% true.
  const entropy = warnings.filter((d) => d.code === "secret-high-entropy");
  const mine = labels.filter((l) => l.repo === name);
  const labelOf = (d: (typeof entropy)[number]) => mine.find((l) => l.file === d.file && l.line === d.line);
  const unlabeled = entropy.filter((d) => !labelOf(d));
  const trueOnes = entropy.filter((d) => labelOf(d)?.label === "true").length;
  totals.entropyFound += entropy.length;
  totals.entropyTrue += trueOnes;
  totals.labeled += mine.length;
  totals.labeledTrue += mine.filter((l) => l.label === "true").length;
  console.log(
    `   high-entropy: ${entropy.length} reported (${trueOnes} labeled true); ${mine.length} labeled in this repository (${mine.filter((l) => l.label === "true").length} true)`,
  );
  for (const d of unlabeled) problems.push(`high-entropy warning at ${d.file}:${d.line} has no label`);
  const missedTrue = mine.filter((l) => l.label === "true" && !entropy.some((d) => labelOf(d) === l));
  for (const l of missedTrue)
    problems.push(`labeled-true credential at ${l.file}:${l.line} is no longer reported`);
  const expectedFiles = new Set(expected.trueErrors.map((t) => t.file));
  for (const d of errors) {
    if (!expectedFiles.has(d.file ?? "")) problems.push(`unexpected error ${d.code} at ${d.file}:${d.line}`);
  }
  if (problems.length === 0) {
    passed++;
    console.log("   PASS");
  } else {
    failed++;
    for (const p of problems) console.log(`   FAIL ${p}`);
  }
}
const precision = totals.entropyFound
  ? `${((100 * totals.entropyTrue) / totals.entropyFound).toFixed(0)}%`
  : "n/a (none reported)";
console.log(
  `\nhigh-entropy warnings: ${totals.entropyFound} reported, ${totals.entropyTrue} labeled true (precision ${precision}); labels: ${totals.labeled} (${totals.labeledTrue} true)`,
);
if (totals.entropyFound > 0 && totals.entropyTrue / totals.entropyFound < 0.9) {
  console.log("   FAIL high-entropy precision below 90%");
  failed++;
}
console.log(`\nrealworld: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
