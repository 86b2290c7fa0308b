/**
 * Case B45: bounded work and memory. A pull request built to make the engine allocate as much as it can
 * (bounded-input.ts: substitution that squares a value twice, objects substituted up to the per-object
 * limit, a patch copied into 900 objects, an alias bomb, files of tiny flow-mapping entries) plus a
 * committed token, analyzed in a child process (b45-child.ts) like L4: the peak RSS must stay under
 * 512 MiB, the amplification must be an error finding on its file, and the token must be reported — the
 * limits the engine hit make parts of the analysis unknown, never the secret scan.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AMPLIFIED_FILE, type B45Figures, TOKEN_FILE } from "./bounded-input.ts";
import { type CaseSpec, Checklist, mib, ms } from "./common.ts";

const MiB = 1024 * 1024;
const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
/** The child process is an entry point, so it lives in scripts/ (test/support never imports it). */
const CHILD = join(REPO_ROOT, "scripts", "reliability", "b45-child.ts");

export const boundedCases: CaseSpec[] = [
  {
    id: "B45",
    group: "bad-input",
    name: "Memory-hungry pull request (amplifications, large files) with a committed token",
    expected:
      "Peak RSS < 512 MiB for both revisions (child process, --max-old-space-size=768); the amplifying substitution is an error finding on its file (postbuild-output-limit) and its Kustomization is not analyzed; the committed token is reported (secret-github-token); the check fails",
    run({ out }) {
      const c = new Checklist();
      const child = spawnSync(process.execPath, ["--max-old-space-size=768", "--import", "tsx", CHILD], {
        cwd: REPO_ROOT,
        encoding: "utf8",
        maxBuffer: 64 * MiB,
        timeout: 120_000,
      });
      if (child.status !== 0) {
        const reason = child.error?.message ?? child.stderr.trim().split("\n").slice(-3).join(" ");
        out(reason);
        c.check(false, `child exited ${child.status ?? child.signal}: ${reason.slice(0, 300)}`);
        return c.verdict();
      }
      const f = JSON.parse(child.stdout.trim().split("\n").pop() ?? "{}") as B45Figures;
      for (const text of f.outputs) out(text);
      c.note(
        `head ${(f.headYamlBytes / MiB).toFixed(2)} MiB of YAML (base ${(f.baseYamlBytes / 1024).toFixed(1)} KiB), analyzed and rendered in ${ms(f.wallMs)}`,
      );
      c.check(
        f.maxRssBytes < 512 * MiB && f.peakRssBytes < 512 * MiB,
        `peak RSS ${mib(f.maxRssBytes)} (getrusage; sampled ${mib(f.peakRssBytes)}, ${mib(f.rssBeforeBytes)} before with both revisions' files loaded)`,
      );
      const errors = f.findings.filter((d) => d.severity === "error" && d.introduced);
      const amplified = errors.find((d) => d.code === "postbuild-output-limit" && d.file === AMPLIFIED_FILE);
      c.check(
        amplified !== undefined,
        amplified
          ? `postbuild-output-limit on ${AMPLIFIED_FILE}`
          : `no postbuild-output-limit on ${AMPLIFIED_FILE} (errors: ${[...new Set(errors.map((d) => d.code))].join(", ") || "none"})`,
      );
      const token = errors.find((d) => d.code === "secret-github-token" && d.file === TOKEN_FILE);
      c.check(
        token !== undefined,
        token ? `secret-github-token on ${TOKEN_FILE}` : "the committed token is not reported",
      );
      c.check(
        f.notAnalyzed.includes("flux-system/boom"),
        `not analyzed: ${f.notAnalyzed.join(", ") || "none"}`,
      );
      c.check(f.conclusion === "failure", `conclusion ${f.conclusion}`);
      const others = [...new Set(errors.map((d) => d.code))].filter(
        (code) => code !== "postbuild-output-limit" && code !== "secret-github-token",
      );
      c.note(`other limits hit: ${others.join(", ") || "none"}`);
      return c.verdict();
    },
  },
];
