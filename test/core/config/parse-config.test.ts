import { describe, expect, it } from "vitest";
import { configDiagnostics, parseConfig, parseConfigText } from "../../../src/core/config/parse-config.ts";
import { DEFAULT_CONFIG } from "../../../src/core/config/schema.ts";

const issuesOf = (input: unknown) => parseConfig(input).issues;

describe("core/config/parse-config", () => {
  it("uses the defaults without issues when the file is missing, empty or only comments", () => {
    for (const text of [undefined, "", "# nothing yet\n", "---\n"]) {
      expect(parseConfigText(text)).toEqual({ config: DEFAULT_CONFIG, issues: [] });
    }
    expect(parseConfig(undefined)).toEqual({ config: DEFAULT_CONFIG, issues: [] });
    expect(parseConfig(null)).toEqual({ config: DEFAULT_CONFIG, issues: [] });
  });

  it("reads a complete valid file", () => {
    const text = [
      "clusterPaths: [./clusters/prod, clusters/staging]",
      "clusters: [{name: main, path: kubernetes/clusters/main}]",
      "rules:",
      "  kustomize-remote-resource: off",
      "  flux-source-external: warning",
      "failOn: [error, warning]",
      "failOnExisting: true",
      "ignore: ['legacy/**', '!legacy/keep.yaml']",
      "secrets:",
      "  allowlist:",
      "    - fingerprint: 0123456789abcdef",
      "      reason: test fixture",
      "    - {code: secret-high-entropy, path: 'docs/**'}",
      "onAnalysisError: neutral",
      "comment: always",
      "diff: {stripLabels: [team], stripAnnotations: []}",
      "stale: {days: 60, maxIssuesPerRun: 2, labels: [stale], dryRun: false}",
      "failedRuns: {enabled: false, labels: [ci]}",
      "deploys: {deadlineMinutes: 15, maxOpenIssues: 3, dryRun: true}",
    ].join("\n");
    expect(parseConfigText(text)).toEqual({
      config: {
        clusterPaths: ["./clusters/prod", "clusters/staging"],
        clusters: [{ name: "main", path: "kubernetes/clusters/main" }],
        rules: { "kustomize-remote-resource": "off", "flux-source-external": "warning" },
        failOn: ["error", "warning"],
        failOnExisting: true,
        ignore: ["legacy/**", "!legacy/keep.yaml"],
        secrets: {
          allowlist: [
            { fingerprint: "0123456789abcdef", reason: "test fixture" },
            { code: "secret-high-entropy", path: "docs/**" },
          ],
        },
        onAnalysisError: "neutral",
        comment: "always",
        diff: { stripLabels: ["team"], stripAnnotations: [] },
        stale: { days: 60, maxIssuesPerRun: 2, labels: ["stale"], dryRun: false },
        failedRuns: { ...DEFAULT_CONFIG.failedRuns, enabled: false, labels: ["ci"] },
        dashboard: DEFAULT_CONFIG.dashboard,
        deploys: { ...DEFAULT_CONFIG.deploys, deadlineMinutes: 15, maxOpenIssues: 3, dryRun: true },
      },
      issues: [],
    });
  });

  it("treats an empty value as not set", () => {
    expect(parseConfigText("ignore:\nrules:\nstale:\n")).toEqual({ config: DEFAULT_CONFIG, issues: [] });
  });

  it.each([
    [{ clusterPaths: "clusters/prod" }, "clusterPaths", 'must be a list (got "clusters/prod")'],
    [{ clusterPaths: ["a", ""] }, "clusterPaths[1]", "must not be empty"],
    [{ clusters: [{ name: "main" }] }, "clusters[0].path", "must be a string (got nothing)"],
    [{ rules: ["yaml-syntax"] }, "rules", "must be a mapping of diagnostic code to level (got a list)"],
    [
      { rules: { "yaml-syntax": 1 } },
      "rules.yaml-syntax",
      "must be one of error, warning, notice, off (got 1)",
    ],
    [{ failOn: "error" }, "failOn", 'must be a list (got "error")'],
    [{ failOn: ["fatal"] }, "failOn[0]", 'must be one of error, warning, notice (got "fatal")'],
    [{ failOnExisting: "yes" }, "failOnExisting", 'must be true or false (got "yes")'],
    [{ ignore: [3] }, "ignore[0]", "must be a string (got 3)"],
    [{ secrets: [] }, "secrets", "must be a mapping (got a list)"],
    [{ secrets: { allowlist: {} } }, "secrets.allowlist", "must be a list (got a mapping)"],
    [{ comment: "sometimes" }, "comment", 'must be one of always, affected, never (got "sometimes")'],
    [{ diff: { stripLabels: null, stripAnnotations: 3 } }, "diff.stripAnnotations", "must be a list (got 3)"],
    [{ stale: { days: 1.5 } }, "stale.days", "must be an integer (got 1.5)"],
    [{ stale: { days: 0 } }, "stale.days", "must be at least 1 (got 0)"],
    [{ stale: { maxIssuesPerRun: 1000 } }, "stale.maxIssuesPerRun", "must be at most 100 (got 1000)"],
    [
      { stale: { labels: ["x".repeat(51)] } },
      "stale.labels[0]",
      `must be at most 50 characters (got "${"x".repeat(40)}…")`,
    ],
    [{ stale: { dryRun: "no" } }, "stale.dryRun", 'must be true or false (got "no")'],
    [{ failedRuns: { enabled: 1 } }, "failedRuns.enabled", "must be true or false (got 1)"],
    [{ failedRuns: { labels: [""] } }, "failedRuns.labels[0]", "must not be empty"],
  ])("rejects %j with a readable message and uses the default", (input, path, message) => {
    const { config, issues } = parseConfig(input);
    expect(issues).toEqual([{ path, message }]);
    expect(config).toEqual(DEFAULT_CONFIG);
  });

  it("drops only the bad rules entries", () => {
    expect(
      parseConfig({
        rules: {
          "kustomize-remote-resource": "loud",
          "flux-entrypoint": "off",
          "no-such-rule": "error",
          "secret-github-token": "off",
          "analysis-failed": "warning",
          "graph-depends-on-cycle": "warning",
        },
      }),
    ).toEqual({
      config: { ...DEFAULT_CONFIG, rules: { "flux-entrypoint": "off", "graph-depends-on-cycle": "warning" } },
      issues: [
        {
          path: "rules.kustomize-remote-resource",
          message: 'must be one of error, warning, notice, off (got "loud")',
        },
        { path: "rules.no-such-rule", message: 'unknown diagnostic code "no-such-rule"' },
        {
          path: "rules.secret-github-token",
          message: "committed-credential rules (S1–S10) cannot be changed",
        },
        {
          path: "rules.analysis-failed",
          message: "the engine's limits cannot be changed: content flux-impact cannot analyze never passes",
        },
      ],
    });
  });

  it("drops only the bad allowlist entries", () => {
    const { config, issues } = parseConfig({
      secrets: {
        allowlist: [
          { fingerprint: "0123456789abcdef" },
          { reason: "no selector" },
          { code: "secret-high-entropy" },
          { code: "kustomize-patch-invalid", path: "x" },
          { fingerprint: "XYZ" },
          { fingerprint: "0123456789abcdef", colour: "red" },
          "0123456789abcdef",
          { code: "secret-age-key", path: "test/**", reason: "fake keys" },
        ],
      },
    });
    expect(config.secrets.allowlist).toEqual([
      { fingerprint: "0123456789abcdef" },
      { code: "secret-age-key", path: "test/**", reason: "fake keys" },
    ]);
    expect(issues).toEqual([
      { path: "secrets.allowlist[1]", message: "needs a fingerprint, or both a code and a path" },
      { path: "secrets.allowlist[2]", message: "needs a fingerprint, or both a code and a path" },
      {
        path: "secrets.allowlist[3].code",
        message:
          "must be one of secret-github-token, secret-private-key, secret-age-key, secret-unencrypted-secret, " +
          'secret-sops-unencrypted, secret-runbook-file, secret-sops-regex-unsupported, secret-cloud-credential, secret-suspicious-file, secret-high-entropy (got "kustomize-patch-invalid")',
      },
      {
        path: "secrets.allowlist[4].fingerprint",
        message: 'must be a hex fingerprint of 16 to 64 lowercase characters (got "XYZ")',
      },
      {
        path: "secrets.allowlist[5].colour",
        message: "unknown field (expected one of fingerprint, code, path, reason)",
      },
      { path: "secrets.allowlist[6]", message: 'must be a mapping (got "0123456789abcdef")' },
    ]);
  });

  it("keeps the valid fields of a section next to a bad one", () => {
    expect(parseConfig({ stale: { days: -1, maxIssuesPerRun: 3 }, diff: { stripLabels: ["a", 1] } })).toEqual(
      {
        config: { ...DEFAULT_CONFIG, stale: { ...DEFAULT_CONFIG.stale, maxIssuesPerRun: 3 } },
        issues: [
          { path: "diff.stripLabels[1]", message: "must be a string (got 1)" },
          { path: "stale.days", message: "must be at least 1 (got -1)" },
        ],
      },
    );
  });

  it("reports unknown fields and ignores them", () => {
    expect(issuesOf({ failon: ["warning"], diff: { stripLabel: ["x"] } })).toEqual([
      {
        path: "failon",
        message:
          "unknown field (expected one of clusterPaths, clusters, rules, failOn, failOnExisting, ignore, secrets, onAnalysisError, comment, " +
          "diff, stale, failedRuns, dashboard, deploys)",
      },
      { path: "diff.stripLabel", message: "unknown field (expected one of stripLabels, stripAnnotations)" },
    ]);
  });

  it("does not let user keys reach Object.prototype", () => {
    const { config, issues } = parseConfigText('__proto__: {polluted: 1}\nrules: {"__proto__": off}\n');
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(issues.map((i) => i.path)).toEqual(["__proto__", "rules.__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("falls back to all defaults when the file is not a mapping", () => {
    expect(parseConfigText("- clusterPaths\n")).toEqual({
      config: DEFAULT_CONFIG,
      issues: [
        { path: "", message: "must be a mapping of settings (got a list); defaults are used", line: 1 },
      ],
    });
    expect(issuesOf("x")).toEqual([
      { path: "", message: 'must be a mapping of settings (got "x"); defaults are used' },
    ]);
  });

  it("reports a YAML syntax error with its line and uses the defaults", () => {
    const { config, issues } = parseConfigText("failOn: [warning]\nrules:\n  a: [b\n");
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: "", line: 4 });
    expect(issues[0]?.message).toMatch(/^not valid YAML, defaults are used: /);
  });

  it("reports a duplicate key with its line", () => {
    const { config, issues } = parseConfigText("comment: never\ncomment: always\n");
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(issues).toEqual([
      { path: "", message: "not valid YAML, defaults are used: Map keys must be unique", line: 2 },
    ]);
  });

  it("uses the first of several documents", () => {
    expect(parseConfigText("comment: never\n---\ncomment: always\n")).toEqual({
      config: { ...DEFAULT_CONFIG, comment: "never" },
      issues: [{ path: "", message: "holds more than one YAML document; only the first is used", line: 3 }],
    });
  });

  it("locates every issue on its line, sorted by line", () => {
    const text = [
      "failOn:",
      "  - error",
      "  - fatal",
      "rules:",
      "  yaml-syntax: loud",
      "stale:",
      "  days: 0",
      "secrets:",
      "  allowlist:",
      "    - reason: none",
      "colour: blue",
    ].join("\n");
    expect(parseConfigText(text).issues).toEqual([
      { path: "failOn[1]", message: 'must be one of error, warning, notice (got "fatal")', line: 3 },
      {
        path: "rules.yaml-syntax",
        message: 'must be one of error, warning, notice, off (got "loud")',
        line: 5,
      },
      { path: "stale.days", message: "must be at least 1 (got 0)", line: 7 },
      { path: "secrets.allowlist[0]", message: "needs a fingerprint, or both a code and a path", line: 10 },
      {
        path: "colour",
        message:
          "unknown field (expected one of clusterPaths, clusters, rules, failOn, failOnExisting, ignore, secrets, onAnalysisError, comment, " +
          "diff, stale, failedRuns, dashboard, deploys)",
        line: 11,
      },
    ]);
  });

  it("turns issues into config-invalid diagnostics in the file", () => {
    const { issues } = parseConfigText("comment: loud\n---\n{}\n", "ci/flux-impact.yml");
    expect(configDiagnostics(issues, "ci/flux-impact.yml")).toEqual([
      {
        code: "config-invalid",
        severity: "warning",
        message: "holds more than one YAML document; only the first is used",
        file: "ci/flux-impact.yml",
        line: 3,
      },
      {
        code: "config-invalid",
        severity: "warning",
        message: 'comment: must be one of always, affected, never (got "loud")',
        file: "ci/flux-impact.yml",
        line: 1,
      },
    ]);
    expect(configDiagnostics([{ path: "failOn", message: "must be a list (got 1)" }])).toEqual([
      {
        code: "config-invalid",
        severity: "warning",
        message: "failOn: must be a list (got 1)",
        file: ".github/flux-impact.yml",
      },
    ]);
  });
});
