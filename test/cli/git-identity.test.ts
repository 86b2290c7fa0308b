import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  gitRepositoryIdentity,
  repositoryOption,
  startRepositoryIdentity,
} from "../../src/cli/git-identity.ts";

const tmp = mkdtempSync(join(tmpdir(), "flux-impact-identity-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("cli/git-identity", () => {
  const repo = join(tmp, "repo");
  mkdirSync(repo);
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", repo, "-c", "user.email=t@example.org", "-c", "user.name=t", ...args]);
  git("init", "-q", "-b", "main");
  git("commit", "-q", "--allow-empty", "-m", "one");
  git("commit", "-q", "--allow-empty", "-m", "two");
  git("tag", "v1");

  it("is the current branch for the working tree, and the branch a revision names", () => {
    expect(gitRepositoryIdentity(repo)).toEqual({ branch: "main" });
    git("remote", "add", "origin", "https://x-access-token:secret@github.com/o/r.git");
    git("update-ref", "refs/remotes/origin/release", "HEAD");
    const url = "https://github.com/o/r.git";

    expect(gitRepositoryIdentity(repo)).toEqual({ url, branch: "main" });
    expect(gitRepositoryIdentity(repo, "main")).toEqual({ url, branch: "main" });
    expect(gitRepositoryIdentity(repo, "origin/release")).toEqual({ url, branch: "release" });
    expect(gitRepositoryIdentity(repo, "v1")).toEqual({ url });
    expect(gitRepositoryIdentity(repo, "HEAD~1")).toEqual({ url });
    expect(gitRepositoryIdentity(repo, "no-such-rev")).toEqual({ url });
  });

  it("is undefined outside git", () => {
    const plain = join(tmp, "plain");
    mkdirSync(plain);
    expect(gitRepositoryIdentity(plain)).toBeUndefined();
    expect(gitRepositoryIdentity(join(tmp, "does-not-exist"))).toBeUndefined();
  });

  it("is the same when asked ahead, with git's processes side by side", async () => {
    const plain = join(tmp, "plain-ahead");
    mkdirSync(plain);
    for (const [dir, rev] of [
      [repo, undefined],
      [repo, "main"],
      [repo, "origin/release"],
      [repo, "v1"],
      [repo, "no-such-rev"],
      [repo, "--all"],
      [plain, undefined],
      [join(tmp, "does-not-exist"), "main"],
    ] as const) {
      const ahead = await startRepositoryIdentity(dir, rev);
      expect(ahead).toEqual({ dir, rev, identity: gitRepositoryIdentity(dir, rev) });
    }
  });

  it("takes an answer asked ahead only for the same folder and revision", async () => {
    const known = { dir: repo, rev: undefined, identity: { url: "https://example.org/asked-ahead.git" } };
    expect(repositoryOption(repo, undefined, { repositoryIdentity: known })).toEqual({
      repository: known.identity,
    });
    expect(repositoryOption(join(repo, "."), undefined, { repositoryIdentity: known })).toEqual({
      repository: known.identity,
    });
    // Another revision or folder: git is asked.
    expect(repositoryOption(repo, "v1", { repositoryIdentity: known })).toEqual({
      repository: gitRepositoryIdentity(repo, "v1"),
    });
    expect(repositoryOption(join(tmp, "plain"), undefined, { repositoryIdentity: known })).toEqual({});
    // An answer that git knows nothing is taken as it is.
    expect(
      repositoryOption(repo, undefined, { repositoryIdentity: { ...known, identity: undefined } }),
    ).toEqual({});
  });
});
