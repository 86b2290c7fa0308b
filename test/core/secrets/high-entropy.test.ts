import { describe, expect, it } from "vitest";
import { LineIndex } from "../../../src/core/secrets/rules/common.ts";
import { scanHighEntropy } from "../../../src/core/secrets/rules/high-entropy.ts";
import { enc, randomString } from "./fake-secrets.ts";

function scan(text: string) {
  return scanHighEntropy(text, new LineIndex(text)).map((f) => [f.severity, f.line, f.column, f.message]);
}

const MIXED = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#%^&*";

describe("core/secrets/rules/high-entropy", () => {
  it("flags password/token/secret/api key assignments with a high-entropy value (YAML, JSON, dotenv)", () => {
    const v = (seed: number) => randomString(20, MIXED, seed);
    const text = [
      `db_password: "${v(1)}"`,
      `  "apiKey": "${v(2)}",`,
      `export GITHUB_TOKEN=${v(3)}`,
      `- client_secret: '${v(4)}'`,
      `PASSWD=${v(5)} # old`,
    ].join("\n");
    expect(scan(text).map((f) => [f[0], f[1], f[2]])).toEqual([
      ["warning", 1, 14],
      ["warning", 2, 13],
      ["warning", 3, 21],
      ["warning", 4, 18],
      ["warning", 5, 8],
    ]);
    expect(scan(`db_password: "${v(1)}"`)[0]?.[3]).toBe(
      'High-entropy value for key "db_password" (looks like a credential); if it is one, rotate it and move it into a SOPS-encrypted Secret',
    );
  });

  it("skips placeholders, references, names, prose, short and low-entropy values", () => {
    const text = [
      "password: ${DB_PASSWORD}",
      "token: '{{ .Values.token }}'",
      "secret: <your-secret-here>",
      `password: ${enc(1)}`,
      "apiKey: secretKeyRef-from-vault",
      "token: xxxxxxxxxxxxxxxxxxxx",
      "password: REPLACE_ME_PLEASE",
      "password: changeme12345",
      "secretName: cluster-tls-production",
      "existingSecret: authentik-secret",
      "tokenSecretRef: github-token-ref",
      "password: short1!",
      "password: aaaabbbbccccdddd",
      "secret: my-app-secret-token",
      "token: this is a sentence with spaces",
      "token_url: https://example.com/oauth/token",
      "passwordFile: /etc/secrets/db-password",
      "password: |",
      "secretKeyRef:",
      "    - secretKey: github_app_installation_id",
      "      secretKey: ACTIONS_RUNNER_PRIVATE_KEY",
      "      secretKey: githubAppPrivateKey",
    ].join("\n");
    expect(scan(text)).toEqual([]);
  });
});
