/**
 * `npm run reliability`: the reliability bar of ../shared/docs/reliability-security.md §5 as one table —
 * the 45 bad inputs (B1–B45), the 20 fault injections (F1–F20) and the 8 load figures (L1–L8), and the
 * groups of issue 13: the gate (G: a PR with a committed token and a condition that stops the analysis
 * never makes the check pass), fork writes (W) and replay and hand-off (R) — each with
 * the behaviour the plan expects and what this run observed, then the seeded-secret scan over every output
 * the cases produced (comments, check runs, annotations, issues, log lines). Every case runs the project's
 * real code: the receiver and worker (src/runtime), the App over a GitHub double (faults), the engine
 * (test/support/reliability/engine-cases.ts), and the end-to-end stack over HTTP (L1, L2, L5).
 *
 * The last line is `reliability: N passed, M failed`, over the cases that judge behaviour; the exit code is
 * 1 when one of them failed or a seeded secret appeared in an output. Load figures are timings and rates
 * reported against their targets ("met"/"miss", counted on a line of their own); they never fail the run
 * (timings depend on the machine; like `npm run bench`, they print figures).
 */

import { runEndToEnd } from "../test/support/e2e/run.ts";
import { engineCases, seededSecrets } from "../test/support/reliability/engine-cases.ts";
import { FAULT_CANARY, faultCases } from "../test/support/reliability/faults.ts";
import { gateCases } from "../test/support/reliability/gate.ts";
import { transportCases } from "../test/support/reliability/transport.ts";
import type { CaseResult } from "../test/support/reliability/types.ts";

const outputs: string[] = [];
const sink = (text: string) => outputs.push(text);
const started = performance.now();

const rows: CaseResult[] = [];
rows.push(...(await transportCases(sink)));
rows.push(...(await faultCases(sink)));
rows.push(...(await gateCases(sink)));
rows.push(...(await engineCases(sink)));

const e2e = await runEndToEnd(() => {}, sink);
const l1 = e2e.l1;
rows.push({
  id: "L1",
  group: "load",
  name: "receiver ack latency on loopback (500 deliveries, concurrency 20)",
  expected: "p99 < 500 ms; every delivery 2xx",
  observed: l1
    ? `p50 ${l1.p50.toFixed(0)} ms, p99 ${l1.p99.toFixed(0)} ms, ${l1.perSecond.toFixed(0)} deliveries/s, ${l1.non202} non-202`
    : "not measured",
  pass: !!l1 && l1.p99 < 500 && l1.non202 === 0,
});
const l2 = e2e.l2;
rows.push({
  id: "L2",
  group: "load",
  name: "burst of 20 pull requests (22 deliveries, duplicates, shuffled)",
  expected: "exactly 20 comments, 0 duplicates",
  observed: l2
    ? `${l2.comments} comments on ${l2.prs} PRs, ${l2.duplicates} duplicates, ${l2.seconds.toFixed(1)} s`
    : "not measured",
  pass: !!l2 && l2.comments === 20 && l2.duplicates === 0,
});
const l5 = e2e.l5;
rows.push({
  id: "L5",
  group: "load",
  name: "cold-start ack (fresh process, receiver only)",
  expected: "≤ 1.5 s to 2xx; the receiver imports no analysis code",
  observed: l5 ? `${l5.status} after ${l5.ms} ms` : "not measured",
  pass: !!l5 && l5.status === 202 && l5.ms <= 1500,
});
for (const c of e2e.checks.filter((x) => !x.ok))
  rows.push({
    id: "E2E",
    group: "load",
    name: "end-to-end check",
    expected: "passes",
    observed: c.what,
    pass: false,
  });

// The seeded secrets (engine canaries, the token the fault cases commit) in any output.
const secrets = [...seededSecrets(), FAULT_CANARY];
const all = outputs.join("\n");
const leaks = secrets.filter((s) => all.includes(s)).length;

const order = (r: CaseResult) => `${"BFGWRL".indexOf(r.id[0] ?? "Z")}${r.id.slice(1).padStart(3, "0")}`;
rows.sort((a, b) => (order(a) < order(b) ? -1 : 1));
const na = rows.filter((r) => r.observed.startsWith("not applicable"));
const counted = rows.filter((r) => !na.includes(r));
const cell = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
// A load figure is a time or a rate beside its target: "met" or "missed", never a verdict on behaviour.
// (A failed end-to-end check, listed with them, is behaviour.)
const isFigure = (r: CaseResult) => r.group === "load" && r.id !== "E2E";
const verdictOf = (r: CaseResult) =>
  na.includes(r) ? "n/a " : isFigure(r) ? (r.pass ? "met " : "miss") : r.pass ? "pass" : "FAIL";
const line = (r: CaseResult) =>
  `${cell(r.id, 4)} ${cell(r.name, 46)} ${verdictOf(r)}  ${r.observed}\n${" ".repeat(52)}expected: ${r.expected}\n`;
for (const [group, title] of [
  ["bad-input", "Bad inputs"],
  ["fault", "Fault injection"],
  ["gate", "Gate: a PR with a committed token cannot make the check pass"],
  ["fork-writes", "Fork writes: nothing outside the fork's pull request"],
  ["replay", "Replay and hand-off: only claimed deliveries run, once"],
  ["load", "Load and performance"],
] as const) {
  const g = rows.filter((r) => r.group === group);
  process.stdout.write(`\n## ${title} (${g.filter((r) => r.pass).length}/${g.length})\n\n`);
  for (const r of g) process.stdout.write(line(r));
}
const judged = counted.filter((r) => !isFigure(r));
const figures = counted.filter(isFigure);
const passed = judged.filter((r) => r.pass).length;
const failed = judged.length - passed;
process.stdout.write(
  `\nSeeded-secret scan: ${secrets.length} seeded secrets, ${outputs.length} outputs (${(all.length / 1e6).toFixed(1)} MB) — ${leaks} occurrences.\n`,
);
if (na.length)
  process.stdout.write(`Not applicable: ${na.map((r) => `${r.id} (${r.observed})`).join("; ")}.\n`);
process.stdout.write(`Ran in ${((performance.now() - started) / 1000).toFixed(0)} s.\n`);
process.stdout.write(
  `load figures: ${figures.filter((r) => r.pass).length} of ${figures.length} targets met (timings on this machine, not verdicts)\n`,
);
process.stdout.write(`reliability: ${passed} passed, ${failed + (leaks ? 1 : 0)} failed\n`);
process.exit(failed || leaks ? 1 : 0);
