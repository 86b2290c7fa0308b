import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Policy } from "../../../src/core/checks/policy.ts";
import {
  AppConfig,
  appConfigJsonSchemaText,
  DEFAULT_CONFIG,
  LOCKED_LIMIT_CODES,
  LOCKED_RULE_CODES,
} from "../../../src/core/config/schema.ts";
import { DIAGNOSTIC_CODES } from "../../../src/core/diagnostics.ts";

const DEFAULTS = {
  clusterPaths: [],
  clusters: [],
  rules: {},
  failOn: ["error"],
  failOnExisting: false,
  ignore: [],
  secrets: { allowlist: [] },
  onAnalysisError: "failure",
  comment: "affected",
  diff: {
    stripLabels: ["helm.sh/chart", "app.kubernetes.io/version"],
    stripAnnotations: ["checksum/config", "checksum/secret"],
  },
  stale: { days: 30, maxIssuesPerRun: 5, labels: ["flux-impact", "stale-service"], dryRun: true },
  failedRuns: {
    enabled: true,
    labels: ["flux-impact", "ci-failure"],
    workflows: ["*"],
    ignoreWorkflows: [],
    pullRequests: true,
  },
  dashboard: { enabled: true, title: "GitOps health dashboard", labels: ["flux-impact"] },
  deploys: {
    deadlineMinutes: 30,
    failureIssues: true,
    labels: ["flux-impact", "flux-failure"],
    maxOpenIssues: 10,
    snoozeDays: 7,
    dryRun: false,
  },
};

describe("core/config/schema", () => {
  it("documents every default", () => {
    expect(DEFAULT_CONFIG).toEqual(DEFAULTS);
    expect(AppConfig.parse({})).toEqual(DEFAULTS);
  });

  it("freezes DEFAULT_CONFIG and hands out fresh defaults on every parse", () => {
    expect(Object.isFrozen(DEFAULT_CONFIG.diff.stripLabels)).toBe(true);
    const a = AppConfig.parse({});
    const b = AppConfig.parse({});
    a.failOn.push("warning");
    expect(b.failOn).toEqual(["error"]);
    expect(a.diff.stripLabels).not.toBe(DEFAULT_CONFIG.diff.stripLabels);
  });

  it("fills the defaults of a partially given section", () => {
    expect(AppConfig.parse({ stale: { dryRun: false } }).stale).toEqual({
      days: 30,
      maxIssuesPerRun: 5,
      labels: ["flux-impact", "stale-service"],
      dryRun: false,
    });
  });

  it("is assignable to the check policy", () => {
    const config = AppConfig.parse({ rules: { "yaml-unknown-tag": "off" }, failOn: ["error", "warning"] });
    const policy: Policy = {
      rules: config.rules,
      failOn: config.failOn,
      failOnExisting: config.failOnExisting,
      ignore: config.ignore,
    };
    expect(policy).toEqual({
      rules: { "yaml-unknown-tag": "off" },
      failOn: ["error", "warning"],
      failOnExisting: false,
      ignore: [],
    });
  });

  it("locks the secret codes and the engine's limits, all errors", () => {
    for (const code of LOCKED_RULE_CODES) {
      expect(code.startsWith("secret-") || LOCKED_LIMIT_CODES.includes(code)).toBe(true);
      expect(DIAGNOSTIC_CODES[code][0]).toBe("error");
    }
    expect(LOCKED_LIMIT_CODES).toEqual([
      "analysis-failed",
      "postbuild-output-limit",
      "kustomize-budget-exceeded",
    ]);
  });

  it("pins flux-impact.schema.json to the zod schema", () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL("../../../flux-impact.schema.json", import.meta.url), "utf8"),
    );
    const generated: unknown = JSON.parse(appConfigJsonSchemaText());
    expect(committed, "flux-impact.schema.json is stale: run npm run json-schema").toEqual(generated);
  });

  it("describes every field and requires none of them in the file", () => {
    const schema = JSON.parse(appConfigJsonSchemaText()) as {
      properties: Record<string, { description?: string; default?: unknown }>;
      required?: string[];
      additionalProperties: boolean;
    };
    expect(Object.keys(schema.properties)).toEqual(Object.keys(DEFAULTS));
    for (const [key, field] of Object.entries(schema.properties)) {
      expect(field.description, key).toMatch(/\S/);
      expect(field.default, key).toEqual(DEFAULTS[key as keyof typeof DEFAULTS]);
    }
    expect(schema.required).toBeUndefined();
    expect(schema.additionalProperties).toBe(false);
  });
});
