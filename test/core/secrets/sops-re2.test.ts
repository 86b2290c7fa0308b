import { describe, expect, it } from "vitest";
import { type GoRegex, translateRe2 } from "../../../src/core/secrets/re2.ts";
import { scanSops } from "../../../src/core/secrets/rules/sops.ts";
import { parseSopsRules } from "../../../src/core/secrets/rules/sops-config.ts";
import { scanSecrets } from "../../../src/core/secrets/scan.ts";
import { agePublicRecipient, enc } from "../../support/fixtures/fake-secrets.ts";

function re(source: string): GoRegex {
  const r = translateRe2(source);
  if (!r.ok) throw new Error(`refused ${source}: ${r.reason}`);
  return r.regex;
}

function refused(source: string): string | undefined {
  const r = translateRe2(source);
  return r.ok ? undefined : r.reason;
}

function scan(path: string, text: string, rules = "") {
  return scanSops(path, text, { rules: parseSopsRules(rules) }).map((f) => [f.severity, f.line, f.message]);
}

function metadata(regex: string): string {
  return `sops:\n  age:\n    - recipient: ${agePublicRecipient(1)}\n      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n        YWdl\n        -----END AGE ENCRYPTED FILE-----\n  mac: ${enc(99)}\n  encrypted_regex: ${regex}\n  version: 3.9.0\n`;
}

describe("core/secrets/re2 (Go RE2 → JavaScript)", () => {
  it("an inline flag mid-pattern applies to the rest of its group only", () => {
    const r = re("((?i)(pass|secret($|[^N])|key))");
    expect(
      ["password", "PASSWORD", "secret", "clientSecret", "privateKey", "SECRETX"].every((k) => r.test(k)),
    ).toBe(true);
    // `[^N]` is case-folded too, as in Go: secretName and secretname are not selected.
    expect(["secretName", "secretname", "version", "endpoint"].some((k) => r.test(k))).toBe(false);
    const mid = re("a(?i)bc");
    expect([mid.test("aBC"), mid.test("ABC")]).toEqual([true, false]);
    const scoped = re("((?i)a)b");
    expect([scoped.test("Ab"), scoped.test("AB")]).toEqual([true, false]);
    expect(re("a(?i:b)c").test("aBc")).toBe(true);
    expect(re("a(?i:b)c").test("aBC")).toBe(false);
    expect(re("(?i)k").test("\u212a")).toBe(true); // KELVIN SIGN folds to k in RE2
  });

  it("(?P<name>…) and (?<name>…) are groups; duplicate names are refused", () => {
    const r = re("^(?P<kind>data|stringData)$");
    expect([r.test("data"), r.test("stringData"), r.test("metadata")]).toEqual([true, true, false]);
    expect(re("^(?<k>pass)").test("password")).toBe(true);
    expect(refused("(?P<n>a)(?P<n>b)")).toBeDefined();
  });

  it("\\A and \\z anchor the whole text; $ never matches before a final newline; (?m) and (?s)", () => {
    const r = re("\\Apass\\z");
    expect([r.test("pass"), r.test("pass\n"), r.test("xpass"), r.test("passx")]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(re("^b$").test("a\nb")).toBe(false);
    expect(re("(?m)^b$").test("a\nb\nc")).toBe(true);
    expect(re("a.b").test("a\nb")).toBe(false);
    expect(re("(?s)a.b").test("a\nb")).toBe(true);
  });

  it("\\Q…\\E, POSIX and Perl classes, escapes and a literal {", () => {
    expect(re("^\\Qa.b\\E$").test("a.b")).toBe(true);
    expect(re("^\\Qa.b\\E$").test("axb")).toBe(false);
    expect(re("^[[:alpha:]]+_[[:^digit:]]$").test("ab_x")).toBe(true);
    expect(re("^[[:alpha:]]+_[[:^digit:]]$").test("ab_1")).toBe(false);
    expect(re("^\\s$").test("\v")).toBe(false); // Go's \s is [\t\n\f\r ]
    expect(re("^\\x{41}\\101\\x42$").test("AAB")).toBe(true);
    expect(re("^x{a}$").test("x{a}")).toBe(true);
    expect(re("^\\pL+$").test("Grüße")).toBe(true);
  });

  it("refuses what RE2 rejects, and matches backtracking-prone shapes in linear time", () => {
    for (const bad of ["(?=a)", "(a)\\1", "a**", "[z-a]", "a{1001}", "\\C", "(", "a)"]) {
      expect(refused(bad), bad).toBeDefined();
    }
    // Catastrophic for a backtracking engine on a long non-matching key; RE2 answers at once.
    const key = `${"a".repeat(256)}!`;
    expect(re("^(a+)+$").test(key)).toBe(false);
    expect(re("^(a|aa)*$").test(key)).toBe(false);
    expect(re(".*.*.*x").test(key)).toBe(false);
  });
});

describe("core/secrets/rules/sops with RE2 regexes", () => {
  const talosRegex = "((?i)(pass|secret($|[^N])|ca|crt|key|token|^data$|^stringData$))";

  it("a Talos-style file whose regex has (?i) mid-pattern: only the selected values must be encrypted", () => {
    const file = `version: v1alpha1\nmachine:\n  token: ${enc(1)}\n  ca:\n    crt: ${enc(2)}\n    key: ${enc(3)}\n  install:\n    disk: /dev/sda\n  secretName: plain-name\ncluster:\n  secret: ${enc(4)}\n${metadata(talosRegex)}`;
    expect(scan("talos/generated/controlplane.enc.age.yaml", file)).toEqual([]);
    const leak = file.replace(`  secret: ${enc(4)}`, "  secret: hunter2hunter2");
    expect(scan("talos/generated/controlplane.enc.age.yaml", leak)).toEqual([
      [
        "error",
        11,
        'SOPS file has 1 value(s) that must be encrypted in plain text (first at key path "cluster.secret")',
      ],
    ]);
  });

  it("an untranslatable regex gives a notice and skips the plaintext check, never errors", () => {
    const file = `machine:\n  install:\n    disk: /dev/sda\n  token: ${enc(1)}\n${metadata("(?=token)")}`;
    expect(scan("talos/x.enc.yaml", file)).toEqual([
      [
        "notice",
        5,
        "The encrypted_regex of this file's sops metadata cannot be evaluated here (invalid or unsupported Perl syntax), so which values SOPS encrypts is unknown; that selection's plaintext check is skipped",
      ],
    ]);
    // A base rule that sets a translatable option still applies.
    const rules = "creation_rules:\n  - encrypted_regex: ^disk$\n";
    expect(scan("talos/x.enc.yaml", file, rules).map((f) => [f[0], f[1]])).toEqual([
      ["notice", 5],
      ["error", 3],
    ]);
  });

  const secretWith = (password: string) =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  username: app\n  password: ${password}\ndata:\n  token: ${enc(5)}\n${metadata("^(data)$")}`;

  it("the gap: SOPS metadata present, a stringData password outside encrypted_regex, any file name", () => {
    for (const path of ["apps/db/secret.yaml", "apps/db/secret.enc.yaml", "apps/db/secret.sops.yaml"]) {
      expect(scan(path, secretWith("hunter2-is-my-password")), path).toEqual([
        [
          "error",
          7,
          'Kubernetes Secret "db" has 1 data/stringData value(s) in plain text beside its SOPS metadata: the file\'s SOPS selection leaves them unencrypted (first at key path "stringData.password")',
        ],
      ]);
    }
  });

  it("near-misses: references, templates and empty values in the same place are not credentials", () => {
    for (const value of ["${PASSWORD}", '""', "op://vault/db/password", "'{{ .Values.password }}'"]) {
      expect(scan("apps/db/secret.yaml", secretWith(value)), value).toEqual([]);
    }
  });

  it("through scanSecrets: the finding never repeats the value, only a fingerprint", () => {
    const value = "hunter2-is-my-password";
    const files = [{ path: "apps/db/secret.yaml", bytes: new TextEncoder().encode(secretWith(value)) }];
    const { findings } = scanSecrets({ files });
    expect(findings.map((f) => [f.code, f.severity, f.line])).toEqual([
      ["secret-sops-unencrypted", "error", 7],
    ]);
    expect(JSON.stringify(findings)).not.toContain("hunter2");
    expect(findings[0]?.message).toMatch(/fp [0-9a-f]{16}/);
    const near = [
      { path: "apps/db/secret.yaml", bytes: new TextEncoder().encode(secretWith("${PASSWORD}")) },
    ];
    expect(scanSecrets({ files: near }).findings).toEqual([]);
  });
});
