import { describe, expect, it } from "vitest";
import { scanAgeKeys } from "../../../src/core/secrets/rules/age-key.ts";
import { LineIndex } from "../../../src/core/secrets/rules/common.ts";
import { agePublicRecipient, ageSecretKey } from "../../support/fixtures/fake-secrets.ts";

function scan(text: string) {
  return scanAgeKeys(text, new LineIndex(text)).map((f) => [f.severity, f.line, f.column, f.len, f.message]);
}

describe("core/secrets/rules/age-key", () => {
  it("finds an age secret key as written by age-keygen", () => {
    const key = ageSecretKey(1);
    const text = `# created: 2024-01-01T00:00:00Z\n# public key: ${agePublicRecipient(1)}\n${key}\n`;
    expect(scan(text)).toEqual([["error", 3, 1, 74, "age secret key (AGE-SECRET-KEY-1…) detected"]]);
  });

  it("never flags age1 recipients (public keys in .sops.yaml and SOPS metadata)", () => {
    const text = `creation_rules:\n  - path_regex: .*\\.sops\\.yaml$\n    age: ${agePublicRecipient(2)}\n`;
    expect(scan(text)).toEqual([]);
  });

  it("near misses: lower-case, non-bech32 characters (B, I, O), too short", () => {
    const key = ageSecretKey(3);
    expect(scan(key.toLowerCase())).toEqual([]);
    expect(scan(`AGE-SECRET-KEY-1${"B".repeat(58)}`)).toEqual([]);
    expect(scan(key.slice(0, 60))).toEqual([]);
  });

  it("a repeated-character body is a placeholder warning", () => {
    expect(scan(`AGE-SECRET-KEY-1${"Q".repeat(58)}`)).toEqual([
      [
        "warning",
        1,
        1,
        74,
        "age secret key (AGE-SECRET-KEY-1…) detected, but it looks like a placeholder (repeated-character run)",
      ],
    ]);
  });
});
