import { describe, expect, it } from "vitest";
import { applyPolicy, DEFAULT_POLICY, policyConclusion } from "../../../src/core/checks/policy.ts";
import { diagnostic } from "../../../src/core/diagnostics.ts";

const remote = diagnostic("kustomize-remote-resource", "remote", {
  file: "apps/kustomization.yaml",
  line: 3,
});
const missing = diagnostic("graph-depends-on-missing", "missing", { file: "apps/web/ks.yaml", line: 9 });
const token = diagnostic("secret-github-token", "token", { file: "vendor/notes.txt", line: 1 });

describe("core/checks/policy", () => {
  it("overrides severities, switches codes off and drops ignored paths", () => {
    const policy = {
      ...DEFAULT_POLICY,
      rules: { "kustomize-remote-resource": "off" as const, "graph-depends-on-missing": "warning" as const },
      ignore: ["apps/web/"],
    };

    expect(applyPolicy([remote, missing], policy)).toEqual([]);
    expect(applyPolicy([missing], { ...policy, ignore: [] })).toEqual([{ ...missing, severity: "warning" }]);
  });

  it("never lets configuration silence committed credentials", () => {
    const policy = {
      ...DEFAULT_POLICY,
      rules: { "secret-github-token": "off" as const },
      ignore: ["vendor/"],
    };

    expect(applyPolicy([token], policy)).toEqual([token]);
  });

  it("never lets configuration pass content the engine could not analyze", () => {
    const crashed = diagnostic("analysis-failed", "crashed", { file: "vendor/ks.yaml", line: 1 });
    const policy = {
      ...DEFAULT_POLICY,
      rules: { "analysis-failed": "notice" as const },
      ignore: ["vendor/"],
    };

    expect(applyPolicy([crashed], policy)).toEqual([crashed]);
    expect(policyConclusion(applyPolicy([crashed], policy), [], policy)).toBe("failure");
  });

  it("fails on introduced errors only, unless asked to count existing ones", () => {
    expect(policyConclusion([], [missing], DEFAULT_POLICY)).toBe("success");
    expect(policyConclusion([missing], [], DEFAULT_POLICY)).toBe("failure");
    expect(policyConclusion([], [missing], { ...DEFAULT_POLICY, failOnExisting: true })).toBe("failure");
    expect(policyConclusion([{ ...remote, severity: "warning" }], [], DEFAULT_POLICY)).toBe("neutral");
    expect(
      policyConclusion([{ ...remote, severity: "warning" }], [], {
        ...DEFAULT_POLICY,
        failOn: ["error", "warning"],
      }),
    ).toBe("failure");
  });
});
