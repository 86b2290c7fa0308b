import { describe, expect, it } from "vitest";
import { fingerprint, redactObject } from "../../../src/core/secrets/redact.ts";

describe("core/report/redact", () => {
  it("fingerprints every Secret value and drops the SOPS block", () => {
    const secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      data: { token: "c2VjcmV0" },
      stringData: { password: "ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]" },
      sops: { age: [{ recipient: "age1xyz" }], mac: "ENC[...]" },
    };

    const out = redactObject(secret);

    expect(out).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      data: { token: fingerprint("c2VjcmV0") },
      stringData: { password: fingerprint("ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]") },
    });
    expect(JSON.stringify(out)).not.toContain("c2VjcmV0");
    expect(JSON.stringify(out)).not.toContain("ENC[");
    expect(secret.data.token).toBe("c2VjcmV0");
  });

  it("gives equal values equal fingerprints and different values different ones", () => {
    expect(fingerprint("a")).toBe(fingerprint("a"));
    expect(fingerprint("a")).not.toBe(fingerprint("b"));
    expect(fingerprint("a")).toMatch(/^<redacted sha256:[0-9a-f]{12}>$/);
  });

  it("leaves other kinds alone", () => {
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } };

    expect(redactObject(cm)).toBe(cm);
  });
});
