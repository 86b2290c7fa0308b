import { describe, expect, it } from "vitest";
import { LineIndex } from "../../../src/core/secrets/rules/common.ts";
import { scanGithubTokens } from "../../../src/core/secrets/rules/github-token.ts";
import { githubToken, randomString } from "../../support/fixtures/fake-secrets.ts";

function scan(text: string) {
  return scanGithubTokens(text, new LineIndex(text)).map((f) => ({
    severity: f.severity,
    line: f.line,
    column: f.column,
    len: f.len,
    message: f.message,
  }));
}

describe("core/secrets/rules/github-token", () => {
  it.each([
    ["ghp", "GitHub personal access token (ghp_…) detected"],
    ["gho", "GitHub OAuth access token (gho_…) detected"],
    ["ghu", "GitHub App user-to-server token (ghu_…) detected"],
    ["ghs", "GitHub App installation token (ghs_…) detected"],
    ["ghr", "GitHub refresh token (ghr_…) detected"],
  ])("S1–S4: finds a %s_ token with its line and column", (prefix, message) => {
    const token = githubToken(prefix, 11);
    expect(scan(`# config\nauth: ${token}\n`)).toEqual([
      { severity: "error", line: 2, column: 7, len: 40, message },
    ]);
  });

  it("S5: finds a fine-grained PAT (github_pat_ + 82 word characters)", () => {
    const token = `github_pat_${randomString(22, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 5)}_${randomString(59, "abcdefghijkmnopqrstuvwxyzABCDEFGH0123456789", 6)}`;
    expect(scan(`GH=${token}`)).toEqual([
      {
        severity: "error",
        line: 1,
        column: 4,
        len: 93,
        message: "GitHub fine-grained personal access token (github_pat_…) detected",
      },
    ]);
  });

  it("catch-all: a longer token of a known prefix is still an error, marked non-standard", () => {
    const token = githubToken("ghp", 3, 50);
    expect(scan(`"${token}"`)).toEqual([
      {
        severity: "error",
        line: 1,
        column: 2,
        len: 54,
        message: "GitHub personal access token (ghp_…) detected (catch-all rule, non-standard length)",
      },
    ]);
  });

  it("placeholders (xxxx runs, low entropy) are warnings, not errors", () => {
    const runs = `ghp_${"x".repeat(36)}`;
    const low = `ghp_${"ab".repeat(18)}`;
    expect(scan(`${runs}\n${low}\n`).map((f) => [f.severity, f.line])).toEqual([
      ["warning", 1],
      ["warning", 2],
    ]);
  });

  it("near misses: prose with ghp_ shorter than 36, tokens glued to a word, other prefixes", () => {
    const short = `ghp_${randomString(35, "abcdefghijklmnopqrstuvwxyz0123456789", 2)}`;
    const glued = `x${githubToken("ghp", 4)}`;
    const other = githubToken("ghx", 5);
    expect(scan(`Tokens look like ghp_… (see docs)\n${short}\n${glued}\n${other}\n`)).toEqual([]);
  });

  it("a token followed by more than 255 word characters is not a token", () => {
    expect(scan(`ghp_${"a1".repeat(140)}`)).toEqual([]);
  });

  it("finds nothing in a 1 MB run of ghp_ prefixes (its cost is the L8 ReDoS figure)", () => {
    expect(scan("ghp_".repeat(262144))).toEqual([]);
  });
});
