import { describe, expect, it } from "vitest";
import { scanSecretGenerators } from "../../../src/core/secrets/rules/secret-generator.ts";
import { enc } from "../../support/fixtures/fake-secrets.ts";

const encoder = new TextEncoder();

function scan(path: string, text: string, files: Record<string, string> = {}) {
  return scanSecretGenerators(path, text, (p) => (p in files ? encoder.encode(files[p]) : undefined)).map(
    (f) => [f.code, f.severity, f.line, f.message],
  );
}

const KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
secretGenerator:
  - name: app-literals
    literals:
      - USER=admin
      - PASSWORD=s3cr3t
  - name: placeholders
    literals:
      - TOKEN=\${TOKEN}
      - EMPTY=
  - name: app-env
    envs:
      - app.env
  - name: app-files
    files:
      - tls.key=certs/tls.key
      - sops.env
      - missing.env
`;

describe("core/secrets/rules/secret-generator", () => {
  it("flags plain literals and envs/files pointing at scanned files that are not SOPS-encrypted", () => {
    const files = {
      "apps/demo/app.env": "# comment\nDB_PASSWORD=hunter2\n",
      "apps/demo/certs/tls.key": "not really a key but plaintext\n",
      "apps/demo/sops.env": `DB_PASSWORD=${enc(1)}\nsops_mac=${enc(2)}\nsops_version=3.9.0\n`,
    };
    expect(scan("apps/demo/kustomization.yaml", KUSTOMIZATION, files)).toEqual([
      [
        "secret-unencrypted-secret",
        "error",
        5,
        'secretGenerator "app-literals" has 2 literal value(s) in plain text; use a SOPS-encrypted file or Secret instead',
      ],
      [
        "secret-unencrypted-secret",
        "error",
        14,
        'secretGenerator "app-env" reads "apps/demo/app.env" (envs), which is not SOPS-encrypted',
      ],
      [
        "secret-unencrypted-secret",
        "error",
        17,
        'secretGenerator "app-files" reads "apps/demo/certs/tls.key" (files), which is not SOPS-encrypted',
      ],
    ]);
  });

  it("an env file with only comments or placeholder values holds no secret", () => {
    const files = { "apps/demo/app.env": "# nothing\nTOKEN=${TOKEN}\nEMPTY=\n" };
    expect(scan("apps/demo/kustomization.yaml", KUSTOMIZATION, files).map((f) => f[2])).toEqual([5]);
  });

  it("only kustomization files are read", () => {
    expect(scan("apps/demo/values.yaml", KUSTOMIZATION)).toEqual([]);
  });
});
