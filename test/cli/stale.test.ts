import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { staleCommand } from "../../src/cli/commands/stale.ts";
import { runCli } from "../../src/cli/main.ts";
import { parseCli } from "../../src/cli/options.ts";

const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "homelab");
const tmp = mkdtempSync(join(tmpdir(), "flux-impact-stale-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Git = (date: string, ...args: string[]) => unknown;

/**
 * The example's head revision as a git repository: dragonfly disabled on 2026-10-01, cloudflared on
 * 2026-08-01; `more` adds later commits.
 */
function history(name = "repo", more?: (git: Git, dir: string) => void): string {
  const dir = join(tmp, name);
  cpSync(join(EXAMPLE, "head"), dir, { recursive: true });
  const git = (date: string, ...args: string[]) =>
    execFileSync("git", ["-C", dir, ...args], {
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "Jane",
        GIT_AUTHOR_EMAIL: "jane@example.com",
        GIT_COMMITTER_NAME: "Jane",
        GIT_COMMITTER_EMAIL: "jane@example.com",
        GIT_COMMITTER_DATE: date,
        GIT_AUTHOR_DATE: date,
      },
    });
  const apps = "kubernetes/apps";
  for (const app of ["database/dragonfly", "network/cloudflared"])
    renameSync(join(dir, apps, app, "ks.yaml.dis"), join(dir, apps, app, "ks.yaml"));
  git("2026-07-01T12:00:00Z", "init", "-q");
  git("2026-07-01T12:00:00Z", "add", ".");
  git("2026-07-01T12:00:00Z", "commit", "-qm", "initial");
  git(
    "2026-08-01T12:00:00Z",
    "mv",
    `${apps}/network/cloudflared/ks.yaml`,
    `${apps}/network/cloudflared/ks.yaml.dis`,
  );
  git("2026-08-01T12:00:00Z", "commit", "-qm", "disable cloudflared");
  git(
    "2026-10-01T12:00:00Z",
    "mv",
    `${apps}/database/dragonfly/ks.yaml`,
    `${apps}/database/dragonfly/ks.yaml.dis`,
  );
  git("2026-10-01T12:00:00Z", "commit", "-qm", "disable dragonfly");
  more?.(git, dir);
  return dir;
}

function stale(dir: string, ...argv: string[]) {
  let stdout = "";
  const code = staleCommand(
    [dir],
    parseCli(argv).values,
    { stdout: (t) => (stdout += t), stderr: () => {} },
    { now: "2026-11-30T00:00:00Z" },
  );
  return { code, stdout };
}

describe("cli stale", () => {
  const dir = history();

  it("lists every disabled service with its age from git history, the stale ones marked (JSON)", () => {
    const { code, stdout } = stale(dir, "--format", "json");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      {
        path: "kubernetes/apps/network/cloudflared/ks.yaml.dis",
        kustomizations: ["flux-system/cloudflared"],
        disabledSince: "2026-08-01T12:00:00.000Z",
        days: 120,
        commit: expect.stringMatching(/^[0-9a-f]{40}$/),
        stale: true,
      },
      {
        path: "kubernetes/apps/database/dragonfly/ks.yaml.dis",
        kustomizations: ["flux-system/dragonfly"],
        disabledSince: "2026-10-01T12:00:00.000Z",
        days: 59,
        commit: expect.stringMatching(/^[0-9a-f]{40}$/),
        stale: true,
      },
    ]);
  });

  it("--days sets the threshold; text output says which are stale", () => {
    const { stdout } = stale(dir, "--days", "90");
    expect(stdout).toMatch(
      /^ {2}120 days {2}STALE {2}kubernetes\/apps\/network\/cloudflared\/ks\.yaml\.dis {2}flux-system\/cloudflared since 2026-08-01 \([0-9a-f]{7}, Jane\)$/m,
    );
    expect(stdout).toMatch(/^ {3}59 days {9}kubernetes\/apps\/database\/dragonfly\/ks\.yaml\.dis/m);
    expect(stdout).toContain("2 disabled services, 1 stale (disabled 90 days or longer).");
  });

  it("outside git the ages are unknown and nothing is stale; bad options are usage errors", () => {
    const { stdout } = stale(join(EXAMPLE, "head"), "--format", "json");
    // The example may sit inside this project's own git history; a copy outside any repository has none.
    const copy = join(tmp, "plain");
    cpSync(join(EXAMPLE, "head"), copy, { recursive: true });
    const plain = JSON.parse(stale(copy, "--format", "json").stdout);
    expect(plain.map((r: { days: unknown; stale: boolean }) => [r.days, r.stale])).toEqual([
      [null, false],
      [null, false],
    ]);
    expect(JSON.parse(stdout)).toHaveLength(2);
    const run = (...argv: string[]) => runCli(argv, { stdout: () => {}, stderr: () => {} });
    expect(run("stale", dir, "--days", "soon")).toBe(2);
    expect(run("stale", dir, "--format", "xml")).toBe(2);
  });
});

describe("cli stale: ages follow a moved .dis file", () => {
  const apps = "kubernetes/apps";
  const dir = history("moved", (git, dir) => {
    // cloudflared's folder moves to archive/ (its path edited on the way), then once more within it.
    mkdirSync(join(dir, apps, "archive"));
    git("2026-11-01T12:00:00Z", "mv", `${apps}/network/cloudflared`, `${apps}/archive/cloudflared`);
    const dis = join(dir, apps, "archive/cloudflared/ks.yaml.dis");
    writeFileSync(
      dis,
      readFileSync(dis, "utf8").replace("apps/network/cloudflared", "apps/archive/cloudflared"),
    );
    git("2026-11-01T12:00:00Z", "commit", "-qam", "archive cloudflared");
    git("2026-11-20T12:00:00Z", "mv", `${apps}/archive/cloudflared`, `${apps}/archive/network-cloudflared`);
    git("2026-11-20T12:00:00Z", "commit", "-qm", "rename archive folder");
  });
  const revParse = (rev: string) =>
    execFileSync("git", ["-C", dir, "rev-parse", rev], { encoding: "utf8" }).trim();

  it("the age is the commit that disabled the service, not the moves", () => {
    const rows = JSON.parse(stale(dir, "--format", "json").stdout);
    expect(rows).toEqual([
      {
        path: "kubernetes/apps/archive/network-cloudflared/ks.yaml.dis",
        kustomizations: ["flux-system/cloudflared"],
        disabledSince: "2026-08-01T12:00:00.000Z",
        days: 120,
        commit: revParse("HEAD~3"),
        stale: true,
      },
      expect.objectContaining({
        path: "kubernetes/apps/database/dragonfly/ks.yaml.dis",
        disabledSince: "2026-10-01T12:00:00.000Z",
        commit: revParse("HEAD~2"),
      }),
    ]);
  });

  it("also from a sub-directory of the repository, and at an older --rev", () => {
    const sub = JSON.parse(stale(join(dir, "kubernetes"), "--format", "json").stdout);
    expect(sub[0]).toMatchObject({
      path: "apps/archive/network-cloudflared/ks.yaml.dis",
      disabledSince: "2026-08-01T12:00:00.000Z",
      commit: revParse("HEAD~3"),
    });
    const before = JSON.parse(stale(dir, "--format", "json", "--rev", "HEAD~1").stdout);
    expect(before[0]).toMatchObject({
      path: "kubernetes/apps/archive/cloudflared/ks.yaml.dis",
      disabledSince: "2026-08-01T12:00:00.000Z",
    });
  });
});
