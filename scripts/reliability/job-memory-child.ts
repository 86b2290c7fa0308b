// biome-ignore-all lint/suspicious/noExplicitAny: check-run bodies are untyped JSON here.
/**
 * G11's measurement in its own process (job-memory.ts): the real worker and App on the two archives in the
 * directory given, against the GitHub double, and the process's peak RSS. Prints one JSON line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BASE, HEAD, stack } from "../../test/support/reliability/faults.ts";
import { JOB_TOKEN_PATH, type JobMemoryFigures } from "../../test/support/reliability/job-memory.ts";

const dir = process.argv[2] ?? ".";
const outputs: string[] = [];
const s = await stack((text) => outputs.push(text), { timeoutMs: 120_000, head: { files: new Map() } });
s.double.tarballs.set(BASE, readFileSync(join(dir, "base.tgz")));
s.double.tarballs.set(HEAD, readFileSync(join(dir, "head.tgz")));
const changed = JSON.parse(readFileSync(join(dir, "changed.json"), "utf8"));
// The comparison's file list without holding both trees in this process (their bytes are not the job's).
(s.double as any).compared = () => changed;
const beforeBytes = process.memoryUsage().rss;
const r = await s.deliver();
const run = [...s.double.checkRuns.values()].at(-1);
const annotations = (run?.patches ?? []).flatMap((p: any) => p.output?.annotations ?? []);
const figures: JobMemoryFigures = {
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
  beforeBytes,
  workerStatus: r.status,
  state: run ? (run.status === "completed" ? (run.conclusion ?? "?") : run.status) : "no check run",
  summary: String(run?.patches.at(-1)?.output?.summary ?? "").split("\n")[0] ?? "",
  tokenReported: annotations.some(
    (a: any) => a.path === JOB_TOKEN_PATH && /secret-github-token/.test(a.title),
  ),
  outputs,
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
process.exit(0);
