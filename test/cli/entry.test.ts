import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, repositoryIdentityAhead } from "../../src/cli/entry.ts";
import { runCli } from "../../src/cli/main.ts";

function capture(
  run: (io: { stdout: (t: string) => void; stderr: (t: string) => void }) => number | Promise<number>,
) {
  const out: string[] = [];
  const err: string[] = [];
  return Promise.resolve(run({ stdout: (t) => out.push(t), stderr: (t) => err.push(t) })).then((code) => ({
    code,
    stdout: out.join(""),
    stderr: err.join(""),
  }));
}

describe("cli/entry (the executable's fast --help path)", () => {
  for (const argv of [[], ["help"], ["--help"], ["graph", "--help"], ["--help", "--bogus"], ["bogus"]]) {
    it(`answers [${argv.join(" ")}] as runCli does`, async () => {
      const viaEntry = await capture((io) => main(argv, io));
      const direct = await capture((io) => runCli(argv, io));
      expect(viaEntry).toEqual(direct);
    });
  }
});

describe("cli/entry: the repository's identity, asked of git while the engine loads", () => {
  const tmp = mkdtempSync(join(tmpdir(), "flux-impact-entry-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const repo = join(tmp, "repo");
  cpSync(join(import.meta.dirname, "..", "..", "examples", "homelab", "head"), repo, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", repo, "-c", "user.email=t@example.org", "-c", "user.name=t", ...args]);
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "one");
  git("remote", "add", "origin", "https://github.com/someone-else/fork.git");

  it("is asked for the folder and revision each one-folder command analyzes, and for nothing else", async () => {
    const cwd = process.cwd();
    for (const [argv, dir, rev] of [
      [["build", repo, "--all", "--out", join(tmp, "out")], repo, undefined],
      [["graph", repo, "--rev", "main"], repo, "main"],
      [["check"], cwd, undefined],
      [["stale", repo], repo, undefined],
      [["status", repo], repo, undefined],
    ] as const) {
      const ahead = await repositoryIdentityAhead(argv);
      expect(ahead?.dir).toBe(resolve(dir));
      expect(ahead?.rev).toBe(rev);
    }
    for (const argv of [["diff", "main", "HEAD"], ["build", repo, repo], ["demo"], ["--bogus-option"]])
      expect(repositoryIdentityAhead(argv)).toBeUndefined();
  });

  it("reaches the analysis: the cluster's own source is compared with the origin remote", async () => {
    const viaEntry = await capture((io) => main(["graph", repo], io));
    expect(viaEntry.stdout).toContain(
      "while the repository analyzed is https://github.com/someone-else/fork.git",
    );
    expect(viaEntry).toEqual(await capture((io) => runCli(["graph", repo], io)));
  });
});
