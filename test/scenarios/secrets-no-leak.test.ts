/**
 * The secret gate's promise, end to end: a pull request that commits one secret of every kind the gate
 * knows (S1–S12) is caught, and no output a user or a log could see — the CLI's text and JSON, the
 * Markdown comment, the check run's title, summary, text and annotations, the impact JSON — contains any
 * byte of any secret, nor its base64, nor a recognisable slice of it. The secrets are generated at run
 * time, so no credential-shaped literal sits in the repository.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadDirectorySnapshot } from "../../src/cli/fs-snapshot.ts";
import { runCli } from "../../src/cli/main.ts";
import { analyzePullRequest } from "../../src/core/pull-request.ts";
import { renderCheckRun } from "../../src/core/report/check-run.ts";
import { renderComment } from "../../src/core/report/comment.ts";
import { impactJson } from "../../src/core/report/impact-json.ts";
import { AnalysisSession } from "../../src/core/session.ts";
import { ageSecretKey, githubToken, pem, pemBody, randomString } from "../support/fixtures/fake-secrets.ts";

const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "homelab");

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

const SECRETS = {
  ghp: githubToken("ghp", 1),
  gho: githubToken("gho", 2),
  ghu: githubToken("ghu", 3),
  ghs: githubToken("ghs", 4),
  ghr: githubToken("ghr", 5),
  pat: `${"github"}_pat_${randomString(22, ALNUM, 6)}_${randomString(59, ALNUM, 7)}`,
  rsa: pemBody(100, 8),
  openssh: pemBody(200, 8),
  pgp: pemBody(300, 8),
  age: ageSecretKey(8),
  stringData: randomString(24, ALNUM, 9),
  data: randomString(24, ALNUM, 10),
  sopsPlain: randomString(24, ALNUM, 11),
  deployKey: pemBody(400, 8),
  pushToken: githubToken("ghp", 12),
  entropy: randomString(28, ALNUM, 13),
  inData: githubToken("ghp", 14),
};

const APP = "kubernetes/apps/media/immich/app";
const SEEDED: Record<string, string> = {
  [`${APP}/tokens.yaml`]: [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: tokens",
    "data:",
    `  GH: ${SECRETS.ghp}`,
    `  OAUTH: ${SECRETS.gho}`,
    `  USER: ${SECRETS.ghu}`,
    `  SERVER: ${SECRETS.ghs}`,
    `  REFRESH: ${SECRETS.ghr}`,
    `  PAT: ${SECRETS.pat}`,
    `  password: ${SECRETS.entropy}`,
    "",
  ].join("\n"),
  [`${APP}/plain-secret.yaml`]: [
    "apiVersion: v1",
    "kind: Secret",
    "metadata:",
    "  name: plain",
    "stringData:",
    `  API_KEY: ${SECRETS.stringData}`,
    "data:",
    `  OTHER: ${Buffer.from(SECRETS.data).toString("base64")}`,
    `  TOKEN: ${Buffer.from(SECRETS.inData).toString("base64")}`,
    "",
  ].join("\n"),
  [`${APP}/extra.sops.yaml`]: [
    "apiVersion: v1",
    "kind: Secret",
    "metadata:",
    "  name: extra",
    "stringData:",
    `  VALUE: ${SECRETS.sopsPlain}`,
    "sops:",
    "  mac: ENC[AES256_GCM,data:abcd,iv:abcd,tag:abcd,type:str]",
    "  age:",
    "    - recipient: age1w8k0fq3a6lxzd7nqs2vyeht5c9rjmgxu4pl6tk2w0dn3fv8cyzs5qhe7rq",
    "",
  ].join("\n"),
  "keys/id_rsa": pem("RSA PRIVATE KEY", SECRETS.rsa),
  "keys/deploy": pem("OPENSSH PRIVATE KEY", SECRETS.openssh),
  "keys/backup.asc": pem("PGP PRIVATE KEY BLOCK", SECRETS.pgp),
  "keys/age.agekey": `# created: 2026-01-01\n${SECRETS.age}\n`,
  "github-deploy.key": pem("OPENSSH PRIVATE KEY", SECRETS.deployKey),
  "scripts/github-push-token.txt": `${SECRETS.pushToken}\n`,
};

const tmp = mkdtempSync(join(tmpdir(), "flux-impact-leak-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const head = join(tmp, "head");
cpSync(join(EXAMPLE, "base"), head, { recursive: true });
for (const [path, text] of Object.entries(SEEDED)) {
  mkdirSync(dirname(join(head, path)), { recursive: true });
  writeFileSync(join(head, path), text);
}
// The seeded manifests are part of the app's build, so they also show up in the impact and its diffs.
const kustomization = join(head, APP, "kustomization.yaml");
writeFileSync(
  kustomization,
  readFileSync(kustomization, "utf8").replace(
    "  - ./pvc.yaml\n",
    "  - ./pvc.yaml\n  - ./tokens.yaml\n  - ./plain-secret.yaml\n  - ./extra.sops.yaml\n",
  ),
);

/** Every string an output must not contain: the secrets, their base64, and a 12-character inner slice. */
function forbidden(): string[] {
  const out: string[] = [];
  for (const secret of Object.values(SECRETS)) {
    for (const line of secret.split("\n")) {
      out.push(line, Buffer.from(line).toString("base64"), line.slice(8, 20));
    }
  }
  return out;
}

function expectNoLeak(what: string, text: string): void {
  for (const needle of forbidden()) {
    if (text.includes(needle)) throw new Error(`${what} leaks a secret fragment (${needle.length} chars)`);
  }
}

function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("scenarios/secrets-no-leak", () => {
  const session = new AnalysisSession();
  const { report } = analyzePullRequest({
    base: loadDirectorySnapshot(join(EXAMPLE, "base"), { session }),
    head: loadDirectorySnapshot(head, { session }),
  });
  const revisions = { base: { ref: "base" }, head: { ref: "head" } };

  it("catches every seeded secret kind as a finding introduced by the pull request", () => {
    const codes = new Set(report.findings.introduced.map((d) => d.code));
    expect([...codes].filter((c) => c.startsWith("secret-")).sort()).toEqual([
      "secret-age-key",
      "secret-github-token",
      "secret-high-entropy",
      "secret-private-key",
      "secret-runbook-file",
      "secret-sops-unencrypted",
      "secret-suspicious-file",
      "secret-unencrypted-secret",
    ]);
    const tokenFiles = report.findings.introduced.filter((d) => d.code === "secret-github-token");
    expect(tokenFiles.filter((d) => d.file === `${APP}/tokens.yaml`)).toHaveLength(6);
    expect(report.conclusion).toBe("failure");
  });

  it("leaks nothing in the comment, the check run, the annotations or the impact JSON", () => {
    expectNoLeak("comment", renderComment(report, revisions));
    const run = renderCheckRun(report, revisions);
    expect(run.annotations.length).toBeGreaterThan(10);
    expectNoLeak("check run", JSON.stringify(run));
    expectNoLeak("impact JSON", JSON.stringify(impactJson(report)));
  });

  it("leaks nothing in the CLI's check and diff output, in any format", () => {
    for (const format of ["text", "json"]) {
      const { code, stdout, stderr } = cli("check", head, "--format", format);
      expect(code).toBe(1);
      expect(stdout).toContain("secret-runbook-file");
      expectNoLeak(`check --format ${format}`, stdout + stderr);
    }
    for (const format of ["markdown", "json"]) {
      const { code, stdout, stderr } = cli("diff", join(EXAMPLE, "base"), head, "--format", format);
      expect(code).toBe(1);
      expectNoLeak(`diff --format ${format}`, stdout + stderr);
    }
  });
});
