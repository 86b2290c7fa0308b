import { describe, expect, it } from "vitest";
import { maskCredentials } from "../../../src/core/secrets/mask.ts";
import { brief, githubToken, randomString, scanTexts } from "../../support/fixtures/fake-secrets.ts";

const secret = (name: string, values: Record<string, string>) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\nstringData:\n${Object.entries(values)
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
    .join("\n")}\n`;

describe("core/secrets references are not credentials", () => {
  it.each([
    ["1Password", "op://kubernetes/ghcr/password"],
    ["1Password with a template", "op://kubernetes/1password-{{ .CLUSTER }}/OP_CONNECT_TOKEN"],
    ["Vault", "vault:secret/data/db#password"],
    ["argocd-vault-plugin", "<path:kv/data/db#password>"],
    ["vals", "ref+awsssm://prod/db/password"],
    ["AWS Secrets Manager", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"],
    ["a Flux variable", "${TURN_SHARED_SECRET}"],
    ["a config file whose secrets are variables", "[db]\npassword = ${DB_PASSWORD}\nhost = db\n"],
    ["a Kubernetes env reference", "$(DB_PASSWORD)"],
    ["a Jinja expression", "{{ ENV.TOKEN }}"],
    ["a documented placeholder", "changeme"],
    ["an empty value", ""],
  ])("a Secret holding %s is no finding", (_what, value) => {
    expect(brief(scanTexts({ "apps/s.yaml": secret("db", { password: value }) }))).toEqual([]);
  });

  it("identifiers beside no credential are no finding; a literal password still is, in a template file too", () => {
    const ids = secret("db", { hostname: "postgres-rw.database.svc", port: "5432", username: "app" });
    const pass = secret("db", { hostname: "postgres-rw.database.svc", password: "Zq8vR2mXk4" });
    expect(brief(scanTexts({ "a.yaml": ids }))).toEqual([]);
    expect(brief(scanTexts({ "setup/resources.yaml.j2": pass }))).toEqual([
      ["secret-unencrypted-secret", "error", "setup/resources.yaml.j2", 2],
    ]);
    // A literal default is what Flux writes when the variable is unset.
    expect(
      brief(scanTexts({ "b.yaml": secret("db", { password: "${DB_PASSWORD:=Zq8vR2mXk4}" }) })),
    ).toHaveLength(1);
  });
});

describe("core/secrets gaps closed", () => {
  const keyId = `AKIA${randomString(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 3)}`;
  const accessKey = randomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+", 4);

  it("an AWS access key pair is an error that never shows the id or the key, and is masked", () => {
    const text = `[default]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${accessKey}\n`;
    const result = scanTexts({ "creds/aws.ini": text });
    expect(brief(result)).toEqual([["secret-cloud-credential", "error", "creds/aws.ini", 2]]);
    const message = result.findings[0]!.message;
    expect(message).not.toContain(keyId);
    expect(message).not.toContain(accessKey);
    const masked = maskCredentials(text);
    expect(masked).not.toContain(keyId);
    expect(masked).not.toContain(accessKey);
    // An access key id alone is an identifier, not a credential.
    expect(brief(scanTexts({ "iam.yaml": `keyId: ${keyId}\n` }))).toEqual([]);
  });

  it("a password inside a URL is an error and masked; variables, masks and placeholders are not", () => {
    const password = "Zq8vR2mXk4tY";
    const text = `DATABASE_URL: postgres://app:${password}@db.example.com:5432/app\n`;
    const result = scanTexts({ "apps/env.yaml": text });
    expect(brief(result)).toEqual([["secret-cloud-credential", "error", "apps/env.yaml", 1]]);
    expect(result.findings[0]!.message).not.toContain(password);
    expect(maskCredentials(text)).not.toContain(password);
    for (const safe of ["${DB_PASSWORD}", "****", "$(DB_PASSWORD)", "{{ .password }}", "password"]) {
      expect(brief(scanTexts({ "a.yaml": `url: postgres://app:${safe}@db:5432/app\n` }))).toEqual([]);
    }
  });

  it("a token used as a file name is an error", () => {
    const token = githubToken("ghp", 11);
    expect(brief(scanTexts({ [`notes/${token}.txt`]: "hello\n" }))).toEqual([
      ["secret-github-token", "error", `notes/${token}.txt`, 1],
    ]);
  });
});

describe("core/secrets application templates in URLs", () => {
  it("a Python f-string or Frigate's {VAR} in a URL's password is a template, not a password", () => {
    for (const url of [
      'f"https://x-access-token:{TOKEN}@github.com/{repo}.git"',
      "rtsp://view:{FRIGATE_RTSP_PASSWORD}@porch.home:554/cam",
      "postgres://app:%s@db:5432/app",
      "http://proxy.lan:3128@upstream",
    ]) {
      expect(brief(scanTexts({ "a.yaml": `url: ${url}\n` })), url).toEqual([]);
    }
  });
});
