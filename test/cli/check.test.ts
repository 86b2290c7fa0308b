import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkCommand } from "../../src/cli/commands/check.ts";
import { parseDisabledLog } from "../../src/cli/git-history.ts";
import { runCli } from "../../src/cli/main.ts";
import { parseCli } from "../../src/cli/options.ts";

const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "homelab");
const tmp = mkdtempSync(join(tmpdir(), "flux-impact-check-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** A copy of the example's base revision with some files changed. */
function repoWith(name: string, files: Record<string, string | null>): string {
  const dir = join(tmp, name);
  cpSync(join(EXAMPLE, "base"), dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    const abs = join(dir, path);
    if (text === null) rmSync(abs);
    else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    }
  }
  return dir;
}

const IMMICH_KS = "kubernetes/apps/media/immich/ks.yaml";

function brokenDependsOn(): string {
  const text = readFileSync(join(EXAMPLE, "base", IMMICH_KS), "utf8");
  return text.replace("name: dragonfly", "name: dragonfly-typo");
}

describe("cli/commands/check", () => {
  it("passes the example's main branch, listing its disabled services as notices", () => {
    const { code, stdout } = cli("check", join(EXAMPLE, "base"));

    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^kubernetes\/apps\/network\/cloudflared\/ks\.yaml\.dis:\d+:1 {2}notice {2}health-disabled-service {2}Flux Kustomization cloudflared is disabled/m,
    );
    expect(stdout).not.toMatch(/ {2}error {2}/);
    expect(stdout).toMatch(/0 errors, \d+ warnings?, \d+ notices?; check passes\.\n$/);
  });

  it("prints path:line:col  severity  CODE  message and exits 1 on an error", () => {
    const dir = repoWith("missing-dep", { [IMMICH_KS]: brokenDependsOn() });
    const { code, stdout } = cli("check", dir);

    expect(code).toBe(1);
    const line = stdout.split("\n").find((l) => l.includes("graph-depends-on-missing"));
    expect(line).toMatch(
      /^kubernetes\/apps\/media\/immich\/ks\.yaml:\d+:\d+ {2}error {2}graph-depends-on-missing {2}Kustomization flux-system\/immich depends on Kustomization flux-system\/dragonfly-typo, which does not exist/,
    );
    expect(stdout).toMatch(/1 error, .*; check fails \(1 finding at a failing severity\)\.\n$/);
  });

  it("prints JSON with the conclusion, counts and located findings", () => {
    const dir = join(tmp, "missing-dep");
    const { code, stdout } = cli("check", dir, "--format", "json");
    const json = JSON.parse(stdout);

    expect(code).toBe(1);
    expect(json).toMatchObject({ conclusion: "failure", failing: 1, suppressed: 0 });
    expect(json.counts.error).toBe(1);
    expect(json.findings[0]).toEqual({
      code: "graph-depends-on-missing",
      severity: "error",
      message: expect.stringContaining("dragonfly-typo"),
      file: IMMICH_KS,
      line: expect.any(Number),
      ref: "Kustomization flux-system/immich",
      cluster: "cluster",
    });
  });

  it("applies the repository's configuration: severity overrides and failOn", () => {
    const dir = repoWith("configured", {
      [IMMICH_KS]: brokenDependsOn(),
      ".github/flux-impact.yml": "rules:\n  graph-depends-on-missing: warning\n",
    });
    const relaxed = cli("check", dir);
    expect(relaxed.code).toBe(0);
    expect(relaxed.stdout).toMatch(/ {2}warning {2}graph-depends-on-missing {2}/);

    const strictFile = join(tmp, "strict.yml");
    writeFileSync(strictFile, "failOn: [error, warning]\n");
    const strict = cli("check", dir, "--config", strictFile);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/ {2}error {2}graph-depends-on-missing {2}/);
  });

  it("reports an invalid configuration as a located finding and falls back to defaults", () => {
    const dir = repoWith("bad-config", { ".github/flux-impact.yml": "failOn: [loud]\ncomment: always\n" });
    const { code, stdout } = cli("check", dir);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^\.github\/flux-impact\.yml:1:\d+ {2}warning {2}config-invalid {2}failOn/m);
  });

  it("never lets configuration silence a committed credential", () => {
    const dir = repoWith("runbook-file", {
      "github-push-token.txt": "placeholder\n",
      ".github/flux-impact.yml": "rules:\n  secret-runbook-file: off\nignore: ['*.txt']\n",
    });
    const { code, stdout } = cli("check", dir);

    expect(code).toBe(1);
    expect(stdout).toMatch(/^github-push-token\.txt:1:1 {2}error {2}secret-runbook-file {2}/m);
  });

  it("says how long a service has been disabled, from git history", () => {
    const dir = repoWith("git-history", {});
    const git = (...args: string[]) =>
      execFileSync("git", ["-C", dir, ...args], {
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: "T",
          GIT_AUTHOR_EMAIL: "t@example.com",
          GIT_COMMITTER_NAME: "T",
          GIT_COMMITTER_EMAIL: "t@example.com",
          GIT_COMMITTER_DATE: "2026-08-01T12:00:00Z",
          GIT_AUTHOR_DATE: "2026-08-01T12:00:00Z",
        },
      });
    const dis = "kubernetes/apps/network/cloudflared/ks.yaml.dis";
    renameSync(join(dir, dis), join(dir, "kubernetes/apps/network/cloudflared/ks.yaml"));
    git("init", "-q");
    git("add", ".");
    git("commit", "-qm", "initial");
    git("mv", "kubernetes/apps/network/cloudflared/ks.yaml", dis);
    git("commit", "-qm", "disable cloudflared");
    let stdout = "";
    const code = checkCommand(
      [dir],
      parseCli([]).values,
      { stdout: (t) => (stdout += t), stderr: () => {} },
      {
        now: "2026-11-30T00:00:00Z",
      },
    );

    expect(code).toBe(0);
    expect(stdout).toContain(
      "Flux Kustomization cloudflared is disabled for 120 days (since 2026-08-01) (kubernetes/apps/network/cloudflared/ks.yaml.dis)",
    );
  });

  it("rejects an unknown format and extra directories as usage errors", () => {
    expect(cli("check", EXAMPLE, "--format", "xml").code).toBe(2);
    expect(cli("check", EXAMPLE, EXAMPLE).code).toBe(2);
    expect(cli("check", EXAMPLE, "--config", join(tmp, "nope.yml")).code).toBe(2);
  });
});

describe("cli/git-history", () => {
  const commit = (sha: string, date: string, author: string, ...changes: string[][]) =>
    `\x01${sha}\t${date}\t${author}\0\n${changes.map((c) => `${c.join("\0")}\0`).join("")}`;

  it("keeps the newest creation of each .dis path", () => {
    const log = [
      commit("bbb", "2026-05-01T00:00:00+00:00", "Alice", ["A", "a/ks.yaml.dis"], ["A", "b/ks.dis"]),
      commit("aaa", "2025-01-01T00:00:00+00:00", "Bob", ["A", "a/ks.yaml.dis"], ["A", "c/ks.yaml"]),
    ].join("");

    expect({ ...parseDisabledLog(log) }).toEqual({
      "a/ks.yaml.dis": { commit: "bbb", date: "2026-05-01T00:00:00+00:00", author: "Alice" },
      "b/ks.dis": { commit: "bbb", date: "2026-05-01T00:00:00+00:00", author: "Alice" },
    });
  });

  it("follows a .dis file back through its moves to the rename (or addition) that disabled it", () => {
    const log = [
      commit("ddd", "2026-09-01T00:00:00+00:00", "Carol", [
        "R100",
        "old/x/ks.yaml.dis",
        "archive/x/ks.yaml.dis",
      ]),
      commit("ccc", "2026-06-01T00:00:00+00:00", "Bob", ["R097", "x/ks.yaml.dis", "old/x/ks.yaml.dis"]),
      // Disabled: renamed from ks.yaml; y was added as a .dis file right away.
      commit(
        "bbb",
        "2026-03-01T00:00:00+00:00",
        "Alice",
        ["R100", "x/ks.yaml", "x/ks.yaml.dis"],
        ["A", "y/ks.dis"],
      ),
      // An earlier life of the name x/ks.yaml.dis (deleted since) is not the current file's.
      commit("aaa", "2025-01-01T00:00:00+00:00", "Alice", ["A", "x/ks.yaml.dis"]),
    ].join("");

    expect({ ...parseDisabledLog(log) }).toEqual({
      "archive/x/ks.yaml.dis": { commit: "bbb", date: "2026-03-01T00:00:00+00:00", author: "Alice" },
      "y/ks.dis": { commit: "bbb", date: "2026-03-01T00:00:00+00:00", author: "Alice" },
    });
  });
});
