/**
 * Load figures of the reliability plan §5.2 that concern the engine: L3 (analysis wall time of a
 * ~300-Kustomization repository, both refs), L4 (peak RSS at the 8 MiB YAML-per-ref cap, in a child
 * process under --max-old-space-size=768), L7 (worst-case comment build near the 60,000-character cap with
 * the injection corpus) and L8 (secret-scan throughput and per-rule cost on 1 MB adversarial inputs).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { analyzePullRequest, createMemorySnapshot, type ImpactReport } from "../../../../src/core/index.ts";
import { renderCheckRun, renderComment } from "../../../../src/core/report/index.ts";
import {
  LineIndex,
  scanAgeKeys,
  scanFilename,
  scanGithubTokens,
  scanHighEntropy,
  scanKubernetesSecrets,
  scanPrivateKeys,
  scanSecretGenerators,
  scanSecrets,
  scanSops,
} from "../../../../src/core/secrets/index.ts";
import {
  adversarialInputs,
  RULE_TARGET_MS_PER_MB,
  SCAN_TARGET_MB_S,
  sopsFileWithPlainLeaf,
} from "../../bench/secret-scan.ts";
import { generateSyntheticRepo } from "../../synthetic-repo/generate.ts";
import { type CaseSpec, Checklist, emitCheckRun, median, mib, ms, REVISIONS, timed } from "./common.ts";
import { analyzeFiles, INJECTION, largeChange } from "./output.ts";
import { headWithBump, type L4Figures, yamlBytes } from "./synthetic.ts";

const MiB = 1024 * 1024;
const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
/** The child process is an entry point, so it lives in scripts/ (test/support never imports it). */
const L4_CHILD = join(REPO_ROOT, "scripts", "reliability", "l4-child.ts");

/** Each secret rule alone, as test/support/bench/secret-scan.ts runs them. */
const RULES: Array<[string, (path: string, text: string) => unknown]> = [
  ["S1–S5 tokens", (_p, t) => scanGithubTokens(t, new LineIndex(t))],
  ["S6 private keys", (_p, t) => scanPrivateKeys(t, new LineIndex(t))],
  ["S7 age keys", (_p, t) => scanAgeKeys(t, new LineIndex(t))],
  ["S8 Secrets", (_p, t) => scanKubernetesSecrets(t)],
  ["S8 generators", (p, t) => scanSecretGenerators(p, t, () => undefined)],
  ["S9 SOPS", (p, t) => scanSops(p, t, { rules: [] })],
  ["S10/S11 names", (p, t) => scanFilename(p, { size: t.length, hasPrivateKey: true, hasAgeKey: true })],
  ["S12 entropy", (_p, t) => scanHighEntropy(t, new LineIndex(t))],
];

/** How many changed objects of `largeChange` make an unbounded comment of about `target` characters. */
function countNearCap(target: number): number {
  const size = (n: number) =>
    renderComment(analyzeFiles(largeChange(INJECTION, n)), { ...REVISIONS, maxChars: 1e9 }).length;
  const small = size(10);
  const perObject = (size(30) - small) / 20;
  return Math.max(1, Math.ceil(10 + (target - small) / perObject));
}

function timeComment(
  report: ImpactReport,
  times: number,
): { worst: number; median: number; comment: string } {
  const runs: number[] = [];
  let comment = "";
  for (let i = 0; i < times; i++) {
    const t = timed(() => renderComment(report, REVISIONS));
    runs.push(t.ms);
    comment = t.value;
  }
  return { worst: Math.max(...runs), median: median(runs), comment };
}

export const loadCases: CaseSpec[] = [
  {
    id: "L3",
    group: "load",
    name: "Analysis wall time, ~300-Kustomization repository, both refs",
    expected:
      "analyzePullRequest (parse + render of base and head) + comment + check run ≤ 5 s (worst of 3 runs; the plan's p95 ≤ 20 s end-to-end adds GitHub I/O, not measured here)",
    run() {
      const c = new Checklist();
      const base = generateSyntheticRepo(4);
      const head = headWithBump(base);
      const runs: number[] = [];
      let kustomizations = 0;
      let resources = 0;
      for (let i = 0; i < 3; i++) {
        // Fresh byte maps and snapshots each run: no parse cache carries over.
        const { ms: took, value } = timed(() => {
          const analysis = analyzePullRequest({
            base: createMemorySnapshot(new Map(base)),
            head: createMemorySnapshot(new Map(head)),
          });
          renderComment(analysis.report, REVISIONS);
          renderCheckRun(analysis.report, REVISIONS);
          return analysis;
        });
        runs.push(took);
        kustomizations = value.head.kustomizations.length;
        resources = value.head.kustomizations.reduce((n, k) => n + (k.build?.objects.length ?? 0), 0);
      }
      c.note(
        `${base.size} files, ${(yamlBytes(base) / MiB).toFixed(2)} MiB YAML per ref, ${kustomizations} Flux Kustomizations, ${resources} rendered objects`,
      );
      const worst = Math.max(...runs);
      c.check(
        worst <= 5000,
        `median ${ms(median(runs))}, worst ${ms(worst)} (runs ${runs.map(ms).join(", ")})`,
      );
      return c.verdict();
    },
  },
  {
    id: "L4",
    group: "load",
    name: "Peak RSS at the caps (8 MiB YAML per ref)",
    expected:
      "Peak RSS ≤ 512 MiB while analyzing, no OOM, under --max-old-space-size=768 (child process: synthetic repository with ≥ 8 MiB YAML per ref, both refs, comment and check run)",
    run({ out }) {
      const c = new Checklist();
      const child = spawnSync(
        process.execPath,
        ["--max-old-space-size=768", "--expose-gc", "--import", "tsx", L4_CHILD, String(8 * MiB)],
        { cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 16 * MiB, timeout: 120_000 },
      );
      if (child.status !== 0) {
        const reason = child.error?.message ?? child.stderr.trim().split("\n").slice(-3).join(" ");
        out(reason);
        c.check(false, `child exited ${child.status ?? child.signal}: ${reason.slice(0, 300)}`);
        return c.verdict();
      }
      const f = JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as L4Figures;
      c.note(
        `scale ${f.scale}: ${f.files} files, ${(f.yamlBytes / MiB).toFixed(2)} MiB YAML per ref, ${f.kustomizations} Flux Kustomizations, ${f.resources} objects, ${ms(f.wallMs)}`,
      );
      c.check(
        f.peakRssBytes <= 512 * MiB,
        `peak RSS during the pipeline ${mib(f.peakRssBytes)} (sampled every 2 ms; ${mib(f.rssBeforeBytes)} before with both refs' files loaded, ${mib(f.rssSamples[0] ?? 0)} after analysis, ${mib(f.rssSamples[1] ?? 0)} after rendering)`,
      );
      c.note(`process peak including generating the repository: ${mib(f.maxRssBytes)}`);
      return c.verdict();
    },
  },
  {
    id: "L7",
    group: "load",
    name: "Worst-case comment build",
    expected:
      "renderComment of a report just over the 60,000-character cap (so the budget must cut), every value carrying the injection corpus: ≤ 200 ms (worst run)",
    run({ out, quick }) {
      const c = new Checklist();
      const count = countNearCap(65_000);
      const report = analyzeFiles(largeChange(INJECTION, count));
      const unbounded = renderComment(report, { ...REVISIONS, maxChars: 100_000_000 }).length;
      const { worst, median: mid, comment } = timeComment(report, quick ? 3 : 7);
      out(comment);
      const check = timed(() => renderCheckRun(report, REVISIONS));
      emitCheckRun(out, check.value);
      c.note(
        `${count} changed objects: ${unbounded.toLocaleString("en-US")} characters unbounded, comment ${comment.length.toLocaleString("en-US")}`,
      );
      c.check(
        worst <= 200,
        `renderComment median ${ms(mid)}, worst ${ms(worst)}; renderCheckRun ${ms(check.ms)}`,
      );
      if (!quick) {
        const far = analyzeFiles(largeChange(INJECTION));
        const farRuns = timeComment(far, 3);
        c.note(
          `1,200 changed objects (~18× the cap, 1,200 findings): renderComment worst ${ms(farRuns.worst)}`,
        );
      }
      return c.verdict();
    },
  },
  {
    id: "L8",
    group: "load",
    name: "Secret scan throughput and ReDoS",
    expected: `scanSecrets over ~1,000 files ≥ ${SCAN_TARGET_MB_S} MB/s; each rule family over each 1 MB adversarial input ≤ ${RULE_TARGET_MS_PER_MB} ms per MB (median of 3)`,
    run({ quick }) {
      const c = new Checklist();
      const encoder = new TextEncoder();
      const repo = generateSyntheticRepo(3);
      const files = [...repo].map(([path, text]) => ({ path, bytes: encoder.encode(text) }));
      const mb = files.reduce((n, f) => n + f.bytes.byteLength, 0) / MiB;
      const scans = Array.from({ length: quick ? 2 : 5 }, () => timed(() => scanSecrets({ files })).ms);
      const rate = mb / (median(scans) / 1000);
      c.check(
        rate >= SCAN_TARGET_MB_S,
        `${files.length} files, ${mb.toFixed(2)} MB: ${rate.toFixed(1)} MB/s`,
      );
      const repeats = quick ? 1 : 3;
      let worst = { msPerMb: 0, rule: "", input: "" };
      let all = { msPerMb: 0, input: "" };
      for (const input of adversarialInputs()) {
        const size = input.text.length / MiB;
        for (const [rule, fn] of RULES) {
          const perMb =
            median(Array.from({ length: repeats }, () => timed(() => fn(input.path, input.text)).ms)) / size;
          if (perMb > worst.msPerMb) worst = { msPerMb: perMb, rule, input: input.name };
        }
        const bytes = encoder.encode(input.text);
        const whole = timed(() => scanSecrets({ files: [{ path: input.path, bytes }] })).ms / size;
        if (whole > all.msPerMb) all = { msPerMb: whole, input: input.name };
      }
      c.check(
        worst.msPerMb <= RULE_TARGET_MS_PER_MB,
        `worst rule ${worst.rule} on "${worst.input}": ${worst.msPerMb.toFixed(1)} ms/MB (${adversarialInputs().length} inputs × ${RULES.length} rules)`,
      );
      c.note(`all rules together (scanSecrets) worst ${all.msPerMb.toFixed(1)} ms/MB on "${all.input}"`);
      // Not judged: a SOPS file with a plaintext leaf is parsed as YAML to name the key path (linear cost,
      // not backtracking); said so the figure is not hidden.
      const plain = sopsFileWithPlainLeaf();
      const plainMs = median(
        Array.from({ length: repeats }, () => timed(() => scanSops("x.sops.yaml", plain, { rules: [] })).ms),
      );
      c.note(
        `S9 on a 1 MB SOPS file with one plaintext leaf (full YAML parse): ${(plainMs / (plain.length / MiB)).toFixed(0)} ms/MB`,
      );
      return c.verdict();
    },
  },
];
