import { describe, expect, it } from "vitest";
import { LineIndex } from "../../../src/core/secrets/rules/common.ts";
import { scanHighEntropy } from "../../../src/core/secrets/rules/high-entropy.ts";
import { enc, randomString } from "../../support/fixtures/fake-secrets.ts";

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

  // Formats measured on the real-repository corpus (scripts/realworld/high-entropy-labels.json): each value
  // below is long and high-entropy enough for S12, but names or computes a credential instead of holding it.
  it.each([
    ["LiteLLM environment reference", "    apiKey: os.environ/OPENCODE_API_KEY"],
    ["Python os.environ index", '    api_key: os.environ["OPENAI_API_KEY"]'],
    ["Python os.getenv call", 'token = os.getenv("GITHUB_TOKEN").strip()'],
    ["Node process.env", "apiKey: process.env.STRIPE_API_KEY,"],
    ["env: reference", "password: env:DATABASE_PASSWORD_V2"],
    ["vault: reference", "password: vault:secret/data/db#Password2"],
    ["argocd-vault-plugin path", "token: <path:kv/data/github#apiToken>"],
    ["vals ref+", "secret: ref+awssm+json:prod/app#/ApiSecret"],
    [
      "AWS Secrets Manager ARN",
      "client_secret: arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/oidc-AbCdEf",
    ],
    ["shell command substitution", "PASSWORD=$(cat /run/secrets/db_password)"],
    [
      "Terraform module output with indexes",
      '      client_secret     = module.onepassword_application["Grafana"].fields["GRAFANA_CLIENT_SECRET"]',
    ],
    ["Terraform module with each.key", "  password          = module.buckets[each.key].access_key_secret"],
    ["Terraform data source", 'token = data.vault_generic_secret.github.data["Token"]'],
    ["Terraform local", 'api_key = local.secrets["UPTIMEROBOT_API_KEY"]'],
    ["Terraform resource attribute", 'secret = random_password.db_admin["Primary"].result'],
    ["Terraform file() call", 'password = file("secrets/DbPassword.txt")'],
    ["Terraform nested call", "client_secret = base64decode(var.encodedClientSecret)"],
    ["CEL object construction", "                      secret: Object.spec.volumes.secret{"],
    ["CEL expression", 'token: object.metadata.annotations["example.com/Token"]'],
    ["Python attribute", "secret = self._settings.ClientSecret"],
    ["Python call chain", 'token = request.headers.get("Authorization")'],
    ["Go template field", "token: .Values.auth.githubToken"],
    ["detect-secrets baseline hash", '        "hashed_secret": "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",'],
    ["hash-named key", "passwordHash: Zx9Qm2Lk7Vb4Np1Rt6Yw3Hs8"],
    [
      "digest with algorithm",
      "token: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    ],
  ])("skips a %s", (_name, line) => {
    expect(scan(line)).toEqual([]);
  });

  it("still flags real-looking literals next to the skipped formats", () => {
    const jwtish = [20, 24, 32].map((n, i) => randomString(n, MIXED.slice(0, 57), 40 + i)).join(".");
    const text = [
      "password: 9xK2mQ7vR4tY8wP1zL6n",
      `client_secret = "${randomString(24, MIXED, 7)}"`,
      `token: ${jwtish}`,
      `apiKey: "ab(${randomString(16, MIXED, 8)})x"`,
      `secret: ${randomString(10, MIXED, 9)}.${randomString(12, MIXED, 10)}`,
    ].join("\n");
    expect(scan(text).map((f) => [f[0], f[1]])).toEqual([
      ["warning", 1],
      ["warning", 2],
      ["warning", 3],
      ["warning", 4],
      ["warning", 5],
    ]);
  });
});
