import { describe, expect, it } from "vitest";
import { scanFilename } from "../../../src/core/secrets/rules/filenames.ts";

const NONE = { size: 0, hasPrivateKey: false, hasAgeKey: false };

function scan(path: string, facts = NONE) {
  return scanFilename(path, facts).map((f) => [f.code, f.severity, f.message]);
}

describe("core/secrets/rules/filenames", () => {
  it("S10: the runbook files anywhere, any case, NFKC-normalized, any content", () => {
    expect(scan("github-deploy.key")).toEqual([
      [
        "secret-runbook-file",
        "error",
        'Runbook credential file "github-deploy.key" is committed (0 bytes); it must stay local and git-ignored',
      ],
    ]);
    expect(scan("ops/GitHub-Deploy.KEY").map((f) => f[0])).toEqual(["secret-runbook-file"]);
    // Fullwidth letters normalize to ASCII under NFKC.
    expect(scan("\uff47ithub-push-token.txt").map((f) => f[0])).toEqual(["secret-runbook-file"]);
  });

  it("S10 near misses: other names", () => {
    expect(scan("github-deploy.key.example")).toEqual([]);
    expect(scan("docs/github-deploy-key.md")).toEqual([]);
  });

  it.each([
    ["keys/cluster.agekey", NONE, "an age key file (*.agekey)"],
    ["home/.ssh/id_ed25519", NONE, "an SSH private key file (id_ed25519)"],
    ["id_rsa", NONE, "an SSH private key file (id_rsa)"],
    ["certs/client.p12", NONE, "a PKCS#12 key store (*.p12, *.pfx)"],
    ["certs/client.PFX", NONE, "a PKCS#12 key store (*.p12, *.pfx)"],
    ["app/.env", NONE, "a dotenv file (.env)"],
    ["keys.txt", { ...NONE, hasAgeKey: true }, "an age key file (keys.txt with an age secret key)"],
    ["tls/key.pem", { ...NONE, hasPrivateKey: true }, "a PEM file holding a private key"],
  ])("S11: %s is a warning", (path, facts, why) => {
    expect(scan(path, facts)).toEqual([
      ["secret-suspicious-file", "warning", `File name suggests a credential: ${why}`],
    ]);
  });

  it("S11 near misses: public keys, certificates, plain keys.txt, .env examples", () => {
    expect(scan("id_ed25519.pub")).toEqual([]);
    expect(scan("tls/cert.pem")).toEqual([]);
    expect(scan("notes/keys.txt")).toEqual([]);
    expect(scan(".env.example")).toEqual([]);
  });
});
