/**
 * The conclusion of a job that could not finish, by cause: content never passes; GitHub faults wait for
 * their retries, then end as the default branch's `onAnalysisError` says.
 */
import { describe, expect, it } from "vitest";
import { GitHubApiError } from "../../src/github/errors.ts";
import { causeOf, decideFailure, UnscannedFilesError } from "../../src/github/failure.ts";
import { TarballError } from "../../src/github/tarball.ts";

const TITLE = "flux-impact could not analyze this commit";
const decide = (error: unknown, final: boolean, onAnalysisError: "failure" | "neutral" = "failure") =>
  decideFailure(causeOf(error), { final, onAnalysisError, title: TITLE });

const contentErrors: Array<[string, unknown]> = [
  ["an archive over the size limit", new TarballError("too-large", "The repository archive is too large.")],
  ["an archive over the file limit", new TarballError("too-many-files", "Too many files.")],
  ["changed files that could not be read", new UnscannedFilesError(["secrets/token.env"])],
  ["the engine failing on the content", new RangeError("Invalid string length")],
  ["anything thrown that is not an Error", "boom"],
];

describe("github/failure decideFailure", () => {
  for (const [what, error] of contentErrors)
    it(`${what}: failure, on any attempt and whatever onAnalysisError says`, () => {
      for (const final of [false, true])
        for (const on of ["failure", "neutral"] as const)
          expect(decide(error, final, on)).toMatchObject({ action: "complete", conclusion: "failure" });
    });

  it("a retriable GitHub fault before the last attempt: retry, the run stays in progress", () => {
    const error = new GitHubApiError("download the head revision", 502, true);
    for (const on of ["failure", "neutral"] as const)
      expect(decide(error, false, on)).toEqual({
        action: "retry",
        title: "Waiting for GitHub: flux-impact will try again",
        summary:
          "GitHub answered 502 (a GitHub server error) when asked to download the head revision. flux-impact will try again; until then this check stays in progress.",
      });
  });

  it("a retriable GitHub fault on the last attempt ends as onAnalysisError (failure by default)", () => {
    const error = new GitHubApiError("download the head revision", 0, true, undefined, undefined, "timeout");
    expect(decide(error, true)).toMatchObject({ action: "complete", conclusion: "failure" });
    const neutral = decide(error, true, "neutral");
    expect(neutral).toMatchObject({ action: "complete", conclusion: "neutral" });
    expect(neutral.summary).toMatch(/^GitHub did not answer in time .*`onAnalysisError: neutral`/);
  });

  it("a GitHub fault no retry can fix (404) ends at once, as onAnalysisError says", () => {
    const error = new GitHubApiError("download the head revision", 404, false);
    expect(decide(error, false)).toMatchObject({ action: "complete", conclusion: "failure" });
    expect(decide(error, false, "neutral")).toMatchObject({ action: "complete", conclusion: "neutral" });
  });

  it("a truncated archive (downloaded twice already) is GitHub's fault, ended at once", () => {
    const error = new TarballError("corrupt", "The repository archive from GitHub is truncated.");
    expect(causeOf(error)).toEqual({ kind: "outside", message: error.message, retriable: false });
    expect(decide(error, false, "neutral")).toMatchObject({ conclusion: "neutral" });
  });

  it("says what to do, and names unscanned files without letting a name break the markdown", () => {
    const paths = Array.from({ length: 25 }, (_, i) => `ops/f${i}.env`);
    paths[0] = "ops/`x`.env";
    const cause = causeOf(new UnscannedFilesError(paths));
    expect(cause.message).toContain("`ops/'x'.env`");
    expect(cause.message).toContain("and 5 more");
    expect(causeOf(new TarballError("too-large", "Over.")).message).toMatch(/split the change\.$/);
    expect(causeOf(new Error("secret value ghp_x in a message")).message).not.toContain("ghp_x");
  });
});
