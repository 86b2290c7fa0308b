import { describe, expect, it } from "vitest";
import { scanSops } from "../../../src/core/secrets/rules/sops.ts";
import { parseSopsRules } from "../../../src/core/secrets/rules/sops-config.ts";
import { agePublicRecipient, enc } from "../../support/fixtures/fake-secrets.ts";

function scan(path: string, text: string, rules = "", baseText?: string) {
  return scanSops(path, text, { rules: parseSopsRules(rules), baseText }).map((f) => [
    f.code,
    f.line,
    f.message,
  ]);
}

function metadata(extra: string, mac = enc(99)): string {
  return `sops:\n  age:\n    - recipient: ${agePublicRecipient(1)}\n      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n        YWdl\n        -----END AGE ENCRYPTED FILE-----\n  lastmodified: "2024-01-01T00:00:00Z"\n  mac: ${mac}\n${extra}  version: 3.9.0\n`;
}

const FLUX = "  encrypted_regex: ^(data|stringData)$\n";

function secret(password: string, extraMeta = FLUX): string {
  return `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\nstringData:\n  password: ${password}\n  empty: ""\n${metadata(extraMeta)}`;
}

describe("core/secrets/rules/sops", () => {
  it("an encrypted Flux-style file passes", () => {
    expect(scan("apps/db/secret.sops.yaml", secret(enc(1)))).toEqual([]);
  });

  it("a fully encrypted document is recognised without a parse; one plain value anywhere still goes to the full check", () => {
    const leaves = Array.from({ length: 2000 }, (_, i) => `  key${i}: ${enc(i)}\n`).join("");
    const file = `data:\n${leaves}list:\n  - ${enc(1)}\n  - nested: ${enc(2)}\n${metadata("")}`;
    expect(scan("talos/secrets.sops.yaml", file)).toEqual([]);
    const leak = file.replace(`  key1999: ${enc(1999)}`, "  key1999: hunter2");
    expect(scan("talos/secrets.sops.yaml", leak)).toEqual([
      [
        "secret-sops-unencrypted",
        2001,
        'SOPS file has 1 value(s) that must be encrypted in plain text (first at key path "data.key1999")',
      ],
    ]);
    // Metadata without a recipient is never waved through by the fast path.
    const noRecipient = `data:\n${leaves}sops:\n  age: []\n  mac: ${enc(99)}\n  version: 3.9.0\n`;
    expect(scan("talos/secrets.sops.yaml", noRecipient)).toEqual([
      ["secret-sops-unencrypted", expect.any(Number), expect.stringContaining("no recipient")],
    ]);
  });

  it("(b) a plaintext value under encrypted_regex is flagged at its line, by key path only", () => {
    expect(scan("apps/db/secret.sops.yaml", secret("hunter2"))).toEqual([
      [
        "secret-sops-unencrypted",
        7,
        'SOPS file has 1 value(s) that must be encrypted in plain text (first at key path "stringData.password")',
      ],
    ]);
  });

  it("(b) follows SOPS defaults (everything but *_unencrypted) and unencrypted_regex", () => {
    const all = `user: ${enc(2)}\nhost_unencrypted: db.local\nport: 5432\n${metadata("  unencrypted_suffix: _unencrypted\n")}`;
    expect(scan("x.sops.yaml", all)).toEqual([
      [
        "secret-sops-unencrypted",
        3,
        'SOPS file has 1 value(s) that must be encrypted in plain text (first at key path "port")',
      ],
    ]);
    const unenc = `kind: Secret\nmetadata:\n  name: x\ndata:\n  a: ${enc(3)}\n${metadata("  unencrypted_regex: ^(kind|metadata)$\n")}`;
    expect(scan("y.sops.yaml", unenc)).toEqual([]);
  });

  it("(b) under the default selection, a Kubernetes object's apiVersion/kind/metadata/type may stay plain", () => {
    const k8s = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ntype: Opaque\ndata:\n  a: ${enc(4)}\n${metadata("  unencrypted_suffix: _unencrypted\n")}`;
    expect(scan("k.sops.yaml", k8s)).toEqual([]);
    const leaked = k8s.replace(`  a: ${enc(4)}`, "  a: cGxhaW4=");
    expect(scan("k.sops.yaml", leaked).map((f) => [f[1], f[2]])).toEqual([
      [7, 'SOPS file has 1 value(s) that must be encrypted in plain text (first at key path "data.a")'],
    ]);
  });

  it("(b) a base-branch creation rule with an option also selects leaves (a PR cannot narrow it)", () => {
    const narrowed = secret("hunter2", "  encrypted_regex: ^nothing$\n");
    const rules =
      "creation_rules:\n  - path_regex: .*\\.sops\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n";
    // Without a base rule, (d) still sees the Secret's plaintext value the narrowed regex leaves out.
    expect(scan("s.sops.yaml", narrowed).map((f) => [f[1], String(f[2]).slice(0, 30)])).toEqual([
      [7, 'Kubernetes Secret "db" has 1 d'],
    ]);
    expect(scan("s.sops.yaml", narrowed, rules).map((f) => [f[1], String(f[2]).slice(0, 20)])).toEqual([
      [7, "SOPS file has 1 valu"],
    ]);
  });

  it("(a) a .sops.yaml file without metadata, or with metadata lacking mac or recipients", () => {
    expect(scan("s.sops.yaml", "apiVersion: v1\nkind: Secret\nstringData:\n  a: b\n")).toEqual([
      ["secret-sops-unencrypted", 1, "SOPS file has no sops metadata: 3 value(s) are not encrypted"],
    ]);
    const noMac = `data:\n  a: ${enc(4)}\nsops:\n  mac: plain\n  version: 3.9.0\n`;
    expect(scan("t.sops.yaml", noMac)).toEqual([
      [
        "secret-sops-unencrypted",
        3,
        "SOPS metadata is invalid: no encrypted mac; no recipient (age, pgp, kms, gcp_kms, azure_kv, hc_vault)",
      ],
    ]);
  });

  it("recipients inside key_groups count", () => {
    const text = `data:\n  a: ${enc(5)}\nsops:\n  key_groups:\n    - age:\n        - recipient: ${agePublicRecipient(2)}\n  mac: ${enc(6)}\n`;
    expect(scan("k.sops.yaml", text)).toEqual([]);
  });

  it("any file with top-level sops metadata is checked, whatever its name", () => {
    expect(scan("apps/db/secret.yaml", secret("hunter2")).map((f) => f[1])).toEqual([7]);
  });

  it("(c) regression: the base was encrypted and the head is not", () => {
    expect(scan("apps/db/secret.yaml", "stringData:\n  password: hunter2\n", "", secret(enc(7)))).toEqual([
      [
        "secret-sops-unencrypted",
        1,
        "File was SOPS-encrypted in the base revision and is now plain text (regression); restore the encrypted version",
      ],
    ]);
    const dotenvBase = `A=${enc(8)}\nsops_mac=${enc(9)}\n`;
    expect(scan("app.env", "A=plain\n", "", dotenvBase).map((f) => f[1])).toEqual([1]);
  });

  it("never flags .sops.yaml itself, files only matched by a path_regex, or plain files", () => {
    const config = `creation_rules:\n  - path_regex: .*\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: ${agePublicRecipient(3)}\n`;
    expect(scan(".sops.yaml", config, config)).toEqual([]);
    expect(scan("clusters/prod/.sops.yml", config, config)).toEqual([]);
    expect(scan("apps/cm.yaml", "kind: ConfigMap\ndata:\n  a: b\n", config)).toEqual([]);
  });

  it("a SOPS file that does not parse cannot be verified (fail closed)", () => {
    expect(scan("bad.sops.yaml", "data: [\n")).toEqual([
      ["secret-sops-unencrypted", 2, "SOPS file cannot be parsed, so its encryption cannot be verified"],
    ]);
  });
});

describe("core/secrets/rules/sops-config", () => {
  it("reads creation rules and drops what is malformed; never throws", () => {
    const text = `creation_rules:\n  - path_regex: .*\\.sops\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: age1x\n  - 42\n  - unencrypted_suffix: _plain\n`;
    expect(parseSopsRules(text)).toEqual([
      { path_regex: ".*\\.sops\\.yaml$", encrypted_regex: "^(data|stringData)$" },
      { unencrypted_suffix: "_plain" },
    ]);
    expect(parseSopsRules("creation_rules: [")).toEqual([]);
    expect(parseSopsRules("- a\n- b\n")).toEqual([]);
    expect(parseSopsRules("")).toEqual([]);
  });
});
