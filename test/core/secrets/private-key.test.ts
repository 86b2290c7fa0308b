import { describe, expect, it } from "vitest";
import { LineIndex } from "../../../src/core/secrets/rules/common.ts";
import { scanPrivateKeys } from "../../../src/core/secrets/rules/private-key.ts";
import { PRIVATE, pem, pemBody, randomString } from "../../support/fixtures/fake-secrets.ts";

function scan(text: string) {
  return scanPrivateKeys(text, new LineIndex(text)).map((f) => [f.severity, f.line, f.column, f.message]);
}

describe("core/secrets/rules/private-key", () => {
  it.each([
    `RSA ${PRIVATE}`,
    `EC ${PRIVATE}`,
    `DSA ${PRIVATE}`,
    `OPENSSH ${PRIVATE}`,
    PRIVATE,
    `ENCRYPTED ${PRIVATE}`,
    `PGP ${PRIVATE} BLOCK`,
  ])("finds a %s block at its BEGIN line", (label) => {
    expect(scan(`intro\n${pem(label, pemBody(1))}`)).toEqual([
      ["error", 2, 1, `Private key block "BEGIN ${label}" detected`],
    ]);
  });

  it("finds an indented key inside a YAML block scalar", () => {
    const block = pem(`RSA ${PRIVATE}`, pemBody(2))
      .split("\n")
      .map((l) => `    ${l}`)
      .join("\n");
    expect(scan(`stringData:\n  id_rsa: |\n${block}`)).toEqual([
      ["error", 3, 5, `Private key block "BEGIN RSA ${PRIVATE}" detected`],
    ]);
  });

  it("finds a key written on one line with \\n escapes (JSON)", () => {
    const oneLine = pem(`EC ${PRIVATE}`, pemBody(3)).replace(/\n/g, "\\n");
    expect(scan(`{"key": "${oneLine}"}`)).toEqual([
      ["error", 1, 10, `Private key block "BEGIN EC ${PRIVATE}" detected`],
    ]);
  });

  it("finds the SSH.com SSH2 format and PuTTY key files", () => {
    const ssh2 = `---- BEGIN SSH2 ENCRYPTED ${PRIVATE} ----\n${pemBody(4)}\n---- END SSH2 ENCRYPTED ${PRIVATE} ----\n`;
    const putty = `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPublic-Lines: 2\n${pemBody(5, 2)}\nPrivate-Lines: 1\n${randomString(44, "abcdef0123", 1)}\n`;
    expect(scan(`${ssh2}${putty}`)).toEqual([
      ["error", 1, 1, `Private key block "BEGIN SSH2 ENCRYPTED ${PRIVATE}" detected`],
      ["error", 8, 1, "PuTTY private key file (version 3) detected"],
    ]);
  });

  it("never flags certificates, public keys, PGP messages or ssh-ed25519 public keys", () => {
    const text = [
      pem("CERTIFICATE", pemBody(6)),
      pem("PUBLIC KEY", pemBody(7)),
      pem("RSA PUBLIC KEY", pemBody(8)),
      pem("PGP MESSAGE", pemBody(9)),
      `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${randomString(43, "abcdefghijklmnop0123456789", 3)} me@host`,
      "PuTTY-User-Key-File-2: ssh-rsa\nPublic-Lines: 1\nAAAA\n",
    ].join("\n");
    expect(scan(text)).toEqual([]);
  });

  it("needs an END within 200 lines and at least 64 body characters", () => {
    const short = pem(`RSA ${PRIVATE}`, randomString(63, "ABCDEFabcdef0123456789+/", 7));
    const far = `-----BEGIN RSA ${PRIVATE}-----\n${"AAAA\n".repeat(201)}-----END RSA ${PRIVATE}-----\n`;
    const unterminated = `-----BEGIN RSA ${PRIVATE}-----\n${pemBody(10)}\n`;
    const placeholder = pem(`RSA ${PRIVATE}`, "...");
    expect(scan(`${short}${far}${unterminated}${placeholder}`)).toEqual([]);
  });

  it("64 body characters are enough", () => {
    expect(scan(pem(`RSA ${PRIVATE}`, randomString(64, "ABCDEFabcdef0123456789+/", 7)))).toEqual([
      ["error", 1, 1, `Private key block "BEGIN RSA ${PRIVATE}" detected`],
    ]);
  });

  it("a new BEGIN abandons the pending one (only complete blocks count)", () => {
    const text = `-----BEGIN RSA ${PRIVATE}-----\n${pem(`EC ${PRIVATE}`, pemBody(11))}`;
    expect(scan(text)).toEqual([["error", 2, 1, `Private key block "BEGIN EC ${PRIVATE}" detected`]]);
  });

  it("finds nothing in 1 MB of BEGIN lines without END (its cost is the L8 ReDoS figure)", () => {
    expect(scan(`-----BEGIN RSA ${PRIVATE}-----\n`.repeat(32768))).toEqual([]);
    expect(scan("-----BEGIN".repeat(104858))).toEqual([]);
  });
});
