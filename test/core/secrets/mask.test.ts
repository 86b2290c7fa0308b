import { describe, expect, it } from "vitest";
import { maskCredentials } from "../../../src/core/secrets/mask.ts";
import {
  agePublicRecipient,
  ageSecretKey,
  githubToken,
  PRIVATE,
  pem,
  pemBody,
  randomString,
} from "../../support/fixtures/fake-secrets.ts";

const REDACTED = /<redacted sha256:[0-9a-f]{12}>/;

describe("core/secrets/mask", () => {
  it("replaces GitHub tokens and age secret keys wherever they sit, keeping the text around them", () => {
    const token = githubToken("ghp", 501);
    const age = ageSecretKey(502);
    const text = `data:\n  TOKEN: ${token}\n  KEY: "${age}"\n  note: keep me\n`;
    const masked = maskCredentials(text);

    expect(masked).not.toContain(token);
    expect(masked).not.toContain(age);
    expect(masked).toMatch(new RegExp(`TOKEN: ${REDACTED.source}\\n`));
    expect(masked).toContain("note: keep me");
  });

  it("masks a fine-grained github_pat_ token even when nothing else in the text looks like a credential", () => {
    const pat = `github_pat_${randomString(22, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 503)}_${randomString(59, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 504)}`;
    const masked = maskCredentials(`value: ${pat}\n`);
    expect(masked).not.toContain(pat);
    expect(masked).toMatch(REDACTED);
  });

  it("masks the body of a private key in a diff, an indented block scalar, and on one escaped line", () => {
    const body = pemBody(503);
    const block = pem(`RSA ${PRIVATE}`, body);
    const diff = block
      .trimEnd()
      .split("\n")
      .map((l) => `+    ${l}`)
      .join("\n");
    const oneLine = JSON.stringify(block);
    for (const text of [diff, `key: |\n${block.replace(/^/gm, "  ")}`, `value: ${oneLine}`]) {
      const masked = maskCredentials(text);
      for (const line of body.split("\n")) expect(masked).not.toContain(line.slice(10, 40));
      expect(masked).toContain(`BEGIN RSA ${PRIVATE}`);
    }
    expect(maskCredentials(diff).split("\n")[1]).toMatch(new RegExp(`^\\+    ${REDACTED.source}$`));
  });

  it("masks high-entropy password values only when asked (YAML before it is diffed)", () => {
    const value = randomString(28, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789", 504);
    const text = `config:\n  password: ${value}\n  passwordSecretRef: db-credentials\n`;

    expect(maskCredentials(text)).toContain(value);
    const masked = maskCredentials(text, { heuristic: true });
    expect(masked).not.toContain(value);
    expect(masked).toContain("passwordSecretRef: db-credentials");
  });

  it("leaves public material and ordinary text untouched", () => {
    const recipient = agePublicRecipient(505);
    const cert = pem("CERTIFICATE", pemBody(506));
    const text = `recipient: ${recipient}\n${cert}image: ghcr.io/home-operations/radarr:5.2\n`;

    expect(maskCredentials(text, { heuristic: true })).toBe(text);
  });
});
