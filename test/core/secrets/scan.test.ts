import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseSopsConfig, scanSecrets, secretFingerprint } from "../../../src/core/secrets/scan.ts";
import {
  agePublicRecipient,
  ageSecretKey,
  b64,
  brief,
  enc,
  githubToken,
  PRIVATE,
  pem,
  pemBody,
  randomString,
  scanTexts,
} from "../../support/fixtures/fake-secrets.ts";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const ROTATE =
  "Rotate it now: removing the file or the commit does not revoke it, and a public repository or fork PR means it is already exposed; then purge it from the history.";
const MIXED = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#%^&*";

describe("core/secrets/scan", () => {
  it("secretFingerprint is sha256(ruleId:sha256(secret))[:16], the same wherever the file moves", () => {
    const token = githubToken("ghp", 1);
    const expected = sha(`secret-github-token:${sha(token)}`).slice(0, 16);
    expect(secretFingerprint("secret-github-token", token)).toBe(expected);
    expect(secretFingerprint("secret-github-token", ` ${token}\n`)).toBe(expected);
    expect(secretFingerprint("secret-private-key", token)).not.toBe(expected);
    const moved = scanTexts({ "a/b.yaml": `t: ${token}\n`, "archive/x/c.yaml": `t: ${token}\n` });
    expect(new Set(moved.findings.map((d) => /fp ([0-9a-f]{16})/.exec(d.message)?.[1]))).toEqual(
      new Set([expected]),
    );
  });

  it("a finding has code, severity, file, line, column and a message with len, fp and what to do", () => {
    const token = githubToken("ghp", 2);
    const fp = secretFingerprint("secret-github-token", token);
    const { findings, suppressed } = scanTexts({ "docs/setup.md": `Run:\n  export GH=${token}\n` });
    expect({ findings, suppressed }).toEqual({
      findings: [
        {
          code: "secret-github-token",
          severity: "error",
          message: `GitHub personal access token (ghp_…) detected (len 40, fp ${fp}). ${ROTATE}`,
          file: "docs/setup.md",
          line: 2,
          column: 13,
        },
      ],
      suppressed: 0,
    });
  });

  it("parseSopsConfig returns the creation rules, [] for garbage", () => {
    expect(
      parseSopsConfig(`creation_rules:\n  - path_regex: x\n    age: ${agePublicRecipient(1)}\n`),
    ).toEqual([{ path_regex: "x" }]);
    expect(parseSopsConfig("\u0000not yaml: [")).toEqual([]);
  });

  it("uses the base .sops.yaml rules passed in, not the PR's own .sops.yaml", () => {
    const prConfig = "creation_rules:\n  - path_regex: .*\n    encrypted_regex: ^nothing$\n";
    const file = `stringData:\n  password: hunter2\nsops:\n  age:\n    - recipient: ${agePublicRecipient(2)}\n  mac: ${enc(1)}\n  encrypted_regex: ^nothing$\n`;
    const files = { ".sops.yaml": prConfig, "s.sops.yaml": file };
    expect(brief(scanTexts(files))).toEqual([]);
    const sopsRules = parseSopsConfig("creation_rules:\n  - encrypted_regex: ^(data|stringData)$\n");
    expect(brief(scanTexts(files, { sopsRules }))).toEqual([
      ["secret-sops-unencrypted", "error", "s.sops.yaml", 2],
    ]);
  });

  it("S9(c): baseFile gives the regression", () => {
    const base = `data:\n  a: ${enc(2)}\nsops:\n  age:\n    - recipient: ${agePublicRecipient(3)}\n  mac: ${enc(3)}\n`;
    const result = scanTexts(
      { "app/secret.yaml": "data:\n  a: plain\n" },
      { baseFile: (p) => (p === "app/secret.yaml" ? new TextEncoder().encode(base) : undefined) },
    );
    expect(brief(result)).toEqual([["secret-sops-unencrypted", "error", "app/secret.yaml", 1]]);
  });

  it("allowlist by fingerprint and by code + path glob; suppressions are counted", () => {
    const a = githubToken("ghp", 3);
    const b = githubToken("gho", 4);
    const files = {
      "docs/octokit/README.md": `example ${a}\n`,
      "apps/x.yaml": `token: ${b}\n`,
      "keys/dev.agekey": "",
    };
    expect(brief(scanTexts(files))).toEqual([
      ["secret-github-token", "error", "docs/octokit/README.md", 1],
      ["secret-github-token", "error", "apps/x.yaml", 1],
      ["secret-suspicious-file", "warning", "keys/dev.agekey", 1],
    ]);
    const fp = secretFingerprint("secret-github-token", b);
    const allowlist = [
      { fingerprint: fp },
      { code: "secret-github-token", path: "docs/octokit/" },
      { code: "secret-private-key", path: "keys/" },
    ];
    const result = scanTexts(files, { allowlist });
    expect(brief(result)).toEqual([["secret-suspicious-file", "warning", "keys/dev.agekey", 1]]);
    expect(result.suppressed).toBe(2);
  });

  it("inline pragmas silence S12 only, never a credential rule", () => {
    const value = randomString(20, MIXED, 9);
    const token = githubToken("ghp", 5);
    const text = [
      `api_key: "${value}" # gitleaks:allow`,
      "# pragma: allowlist nextline secret",
      `db_password: "${value}"`,
      `other: ${token} # gitleaks:allow`,
      `client_secret: "${value}"`,
    ].join("\n");
    const result = scanTexts({ "values.yaml": text });
    expect(brief(result)).toEqual([
      ["secret-github-token", "error", "values.yaml", 4],
      ["secret-high-entropy", "warning", "values.yaml", 5],
    ]);
    expect(result.suppressed).toBe(2);
  });

  it("a documented placeholder is no finding, and a pragma never silences a real S8 value", () => {
    const placeholder =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\nstringData:\n  password: changeme\n";
    const real =
      "apiVersion: v1\nkind: Secret # pragma: allowlist secret\nmetadata:\n  name: b\nstringData:\n  password: Zq8vR2mX\n";
    const result = scanTexts({ "a.yaml": placeholder, "b.yaml": real });
    expect(brief(result)).toEqual([["secret-unencrypted-secret", "error", "b.yaml", 2]]);
    expect(result.suppressed).toBe(0);
  });

  it("binary files get the filename rules only", () => {
    const bytes = new Uint8Array([
      0x30,
      0x82,
      0x00,
      0x01,
      ...new TextEncoder().encode(githubToken("ghp", 6)),
    ]);
    const result = scanSecrets({
      files: [
        { path: "certs/client.p12", bytes },
        { path: "github-push-token.txt", bytes: new Uint8Array([0xff, 0xfe, 0x00]) },
      ],
    });
    expect(brief(result)).toEqual([
      ["secret-suspicious-file", "warning", "certs/client.p12", 1],
      ["secret-runbook-file", "error", "github-push-token.txt", 1],
    ]);
  });

  it("S12 adds nothing on a line with a credential, or in a file blocked by S8", () => {
    const token = githubToken("ghp", 7);
    const value = randomString(20, MIXED, 10);
    expect(brief(scanTexts({ "a.env": `GITHUB_TOKEN=${token}\n` }))).toEqual([
      ["secret-github-token", "error", "a.env", 1],
    ]);
    const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: "${value}"\n`;
    expect(brief(scanTexts({ "s.yaml": secret }))).toEqual([
      ["secret-unencrypted-secret", "error", "s.yaml", 2],
    ]);
  });

  it("more than 20 findings of one code in a file are summarized", () => {
    const text = Array.from({ length: 23 }, (_, i) => githubToken("ghs", 100 + i)).join("\n");
    const result = scanTexts({ "dump.txt": text });
    expect(result.findings).toHaveLength(21);
    expect(result.findings[20]?.message).toMatch(
      /^3 more secret-github-token finding\(s\) in this file are not listed \(first at line 21\) \(fp [0-9a-f]{16}\)\. /,
    );
  });

  it("canary: every secret kind is detected and no secret byte (nor its base64) appears in the result", () => {
    const canaries = {
      ghp: githubToken("ghp", 201),
      gho: githubToken("gho", 202),
      ghu: githubToken("ghu", 203),
      ghs: githubToken("ghs", 204),
      ghr: githubToken("ghr", 205),
      pat: `github_pat_${randomString(82, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_", 206)}`,
      age: ageSecretKey(207),
      keyBody: pemBody(208),
      b64Token: githubToken("ghp", 209),
      brokenToken: githubToken("ghp", 210),
      sopsPlain: randomString(24, MIXED, 211),
      stringData: randomString(24, MIXED, 212),
      literal: randomString(24, MIXED, 213),
      entropy: randomString(24, MIXED, 214),
    };
    const files: Record<string, string> = {
      "tokens.md": `${canaries.ghp}\n${canaries.gho}\n${canaries.ghu}\n${canaries.ghs}\n${canaries.ghr}\n${canaries.pat}\n`,
      "age/keys.txt": `${canaries.age}\n`,
      "tls/key.pem": pem(`RSA ${PRIVATE}`, canaries.keyBody),
      "apps/secret.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\ndata:\n  token: ${b64(canaries.b64Token)}\nstringData:\n  password: "${canaries.stringData}"\n`,
      "apps/broken.yaml": `apiVersion: v1\nkind: Secret\nmetadata: [\ndata:\n  token: ${b64(canaries.brokenToken)}\n`,
      "apps/db.sops.yaml": `stringData:\n  password: "${canaries.sopsPlain}"\nsops:\n  age:\n    - recipient: ${agePublicRecipient(215)}\n  mac: ${enc(216)}\n  encrypted_regex: ^(data|stringData)$\n`,
      "apps/kustomization.yaml": `secretGenerator:\n  - name: g\n    literals:\n      - K=${canaries.literal}\n`,
      "values.yaml": `api_key: "${canaries.entropy}"\n`,
      "ops/GitHub-Deploy.KEY": `${canaries.ghp}\n`,
    };
    const result = scanTexts(files);
    const codes = new Set(result.findings.map((f) => f.code));
    expect([...codes].sort()).toEqual([
      "secret-age-key",
      "secret-github-token",
      "secret-high-entropy",
      "secret-private-key",
      "secret-runbook-file",
      "secret-sops-unencrypted",
      "secret-suspicious-file",
      "secret-unencrypted-secret",
    ]);
    expect(brief(result).filter((f) => f[2] === "tokens.md")).toHaveLength(6);
    expect(result.findings.filter((f) => f.file === "apps/broken.yaml").map((f) => f.code)).toEqual([
      "secret-unencrypted-secret",
      "secret-github-token",
    ]);
    const out = JSON.stringify(result);
    for (const [name, value] of Object.entries(canaries)) {
      for (const needle of [value, b64(value), value.slice(4, 20)]) {
        expect(out.includes(needle), `${name} leaked`).toBe(false);
      }
    }
    for (const line of canaries.keyBody.split("\n")) expect(out.includes(line.slice(0, 16))).toBe(false);
  });
});
