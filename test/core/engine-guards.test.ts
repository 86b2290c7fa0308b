/**
 * No exception of the engine on repository content is an unreported pass, and no content makes it
 * allocate without bound: what it fails on or stops at is an error finding on the file (and line) of the
 * object concerned, that object's changes are reported as unknown, and everything else — other
 * Kustomizations, committed credentials — is still reported.
 */
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/core/diagnostics.ts";
import type { ImpactReport } from "../../src/core/impact/types.ts";
import { analyzePullRequest, checkBranch } from "../../src/core/pull-request.ts";
import { AnalysisSession } from "../../src/core/session.ts";
import { createMemorySnapshot } from "../../src/core/snapshot/repo-snapshot.ts";
import { githubToken } from "../support/fixtures/fake-secrets.ts";
import { configMap, fluxKustomization, SYNC } from "../support/reliability/engine/fixtures.ts";

type Files = Record<string, string>;

/** A repository: the entrypoint and, per app, its Flux Kustomization (with `extra` spec) and files. */
function repo(apps: Record<string, { extra?: string; files: Files }>, more: Files = {}): Files {
  const files: Files = {
    "clusters/home/flux-system/gotk-sync.yaml": SYNC,
    "clusters/home/flux-system/kustomization.yaml": "resources:\n  - gotk-sync.yaml\n",
  };
  for (const [name, app] of Object.entries(apps)) {
    files[`clusters/home/${name}.yaml`] = fluxKustomization(name, `apps/${name}`, app.extra);
    for (const [path, text] of Object.entries(app.files)) files[`apps/${name}/${path}`] = text;
  }
  return { ...files, ...more };
}

const web = (value: string) => ({
  files: {
    "kustomization.yaml": "resources:\n  - configmap.yaml\n",
    "configmap.yaml": configMap("web", { a: value }),
  },
});

const X = "a".repeat(1000);
const withX = `  postBuild:\n    substitute:\n      X: "${X}"\n`;
const TOKEN = githubToken("ghp", 9901);
const TOKEN_FILE = "docs/deploy-token.txt";

function pr(base: Files, head: Files): ImpactReport {
  const session = new AnalysisSession();
  return analyzePullRequest({
    base: createMemorySnapshot(base, { session }),
    head: createMemorySnapshot(head, { session }),
  }).report;
}

function errors(report: ImpactReport): Diagnostic[] {
  return report.findings.introduced.filter((d) => d.severity === "error");
}

function one(report: ImpactReport, code: string, file?: string): Diagnostic {
  const found = errors(report).filter((d) => d.code === code && (file === undefined || d.file === file));
  expect(
    found.map((d) => [d.code, d.file]),
    `${code} on ${file}`,
  ).toHaveLength(1);
  return found[0]!;
}

/** The base: one healthy app. The head changes it, adds `apps`, and commits a token. */
function change(apps: Record<string, { extra?: string; files: Files }>): ImpactReport {
  return pr(repo({ web: web("1") }), repo({ web: web("2"), ...apps }, { [TOKEN_FILE]: `token: ${TOKEN}\n` }));
}

/** The rest of the pull request is still analyzed and reported. */
function restReported(report: ImpactReport): void {
  expect(report.kustomizations.find((k) => k.key === "flux-system/web")?.change).toBe("modified");
  one(report, "secret-github-token", TOKEN_FILE);
  expect(report.conclusion).toBe("failure");
}

describe("core engine guards and limits", () => {
  it("reports substitution that squares a value twice on its file, and the rest of the pull request", () => {
    const report = change({
      boom: {
        extra: withX,
        files: {
          "kustomization.yaml": "resources:\n  - configmap.yaml\n",
          "configmap.yaml": configMap("boom", { v: "${X//a/${X//a/${X}}}" }),
        },
      },
    });
    const d = one(report, "postbuild-output-limit", "apps/boom/configmap.yaml");
    expect(d.ref).toBe("Kustomization flux-system/boom");
    expect(d.message).toContain("per-object limit of 1 MiB");
    expect(d.message).not.toContain(X.slice(0, 50));
    // Its changes are unknown: named as not analyzed, never as "nothing changed" or as deletions.
    expect(report.notAnalyzed?.map((n) => n.key)).toEqual(["flux-system/boom"]);
    expect(report.kustomizations.map((k) => k.key)).not.toContain("flux-system/boom");
    expect(report.deletions).toEqual([]);
    restReported(report);
  });

  it("turns an exception while rendering one Kustomization into a finding on its file; the others go on", () => {
    // A replacement that creates a field 20,000 levels deep: a RangeError (call stack) in the kustomize
    // build, which used to end the whole analysis.
    const deep = `data.${Array.from({ length: 20_000 }, () => "a").join(".")}`;
    const report = change({
      deep: {
        files: {
          "kustomization.yaml": `resources:\n  - configmap.yaml\nreplacements:\n  - source:\n      kind: ConfigMap\n      name: r\n      fieldPath: metadata.name\n    targets:\n      - select:\n          kind: ConfigMap\n        fieldPaths:\n          - ${deep}\n        options:\n          create: true\n`,
          "configmap.yaml": configMap("r", { x: "1" }),
        },
      },
    });
    const d = one(report, "analysis-failed", "clusters/home/deep.yaml");
    expect(d.line).toBe(1);
    expect(d.ref).toBe("Kustomization flux-system/deep");
    expect(d.message).toMatch(
      /^The engine failed \(RangeError\) while rendering Kustomization flux-system\/deep/,
    );
    expect(d.message).toContain("what it applies is unknown");
    expect(report.notAnalyzed?.map((n) => n.key)).toEqual(["flux-system/deep"]);
    restReported(report);
  });

  it("stops an object at the per-object limit (1 MiB of substituted output)", () => {
    const report = change({
      wide: {
        extra: withX,
        files: {
          "kustomization.yaml": "resources:\n  - ok.yaml\n  - big.yaml\n",
          "ok.yaml": configMap("ok", { v: "${X:0:3}" }),
          "big.yaml": configMap("big", { v: `\${X//a/${"b".repeat(1100)}}` }),
        },
      },
    });
    const d = one(report, "postbuild-output-limit", "apps/wide/big.yaml");
    expect(d.message).toContain("per-object limit of 1 MiB");
    expect(report.notAnalyzed?.map((n) => n.key)).toEqual(["flux-system/wide"]);
    restReported(report);
  });

  it("stops a build at the per-build limit (32 MiB of substituted output)", () => {
    const files: Files = {
      "kustomization.yaml": `resources:\n${Array.from({ length: 40 }, (_, i) => `  - cm${i}.yaml\n`).join("")}`,
    };
    // Each object substitutes to 0.9 MB: under the per-object limit, 36 MB together.
    for (let i = 0; i < 40; i++)
      files[`cm${i}.yaml`] = configMap(`wide${i}`, { v: `\${X//a/${"b".repeat(900)}}` });
    const report = change({ wide: { extra: withX, files } });
    const d = one(report, "postbuild-output-limit");
    expect(d.file).toMatch(/^apps\/wide\/cm\d+\.yaml$/);
    expect(d.message).toContain("per-build limit of 32 MiB");
    expect(report.notAnalyzed?.map((n) => n.key)).toEqual(["flux-system/wide"]);
    restReported(report);
  });

  it("stops pattern matching that would take quadratic time (work limit)", () => {
    const report = change({
      trim: {
        extra: `  postBuild:\n    substitute:\n      Y: "${"a".repeat(20_000)}"\n`,
        files: {
          "kustomization.yaml": "resources:\n  - configmap.yaml\n",
          "configmap.yaml": configMap("trim", { v: "${Y##*b}" }),
        },
      },
    });
    const d = one(report, "postbuild-output-limit", "apps/trim/configmap.yaml");
    expect(d.message).toContain("pattern matching in trim operators");
    restReported(report);
  });

  it("stops a kustomize build that copies one file a thousand times (render budget in bytes)", () => {
    const generated = Array.from({ length: 1000 }, (_, i) => `      - k${i}=big.txt`).join("\n");
    const report = change({
      gen: {
        files: {
          "kustomization.yaml": `configMapGenerator:\n  - name: g\n    files:\n${generated}\n`,
          "big.txt": "x".repeat(500_000),
        },
      },
    });
    const d = one(report, "kustomize-budget-exceeded", "apps/gen/kustomization.yaml");
    expect(d.message).toMatch(/^Render budget exceeded \(bytes=\d+, limit=33554432/);
    expect(report.notAnalyzed?.map((n) => n.key)).toEqual(["flux-system/gen"]);
    restReported(report);
  });

  it("refuses YAML whose aliases expand far past the file, or refer to themselves", () => {
    const anchor = Array.from({ length: 300 }, (_, i) => `  k${i}: "${"x".repeat(300)}"`).join("\n");
    const aliases = Array.from({ length: 99 }, (_, i) => `  c${i}: *a`).join("\n");
    const report = change({
      alias: {
        files: {
          "kustomization.yaml": "resources:\n  - bomb.yaml\n  - loop.yaml\n",
          "bomb.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\nbig: &a\n${anchor}\ndata:\n${aliases}\n`,
          "loop.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: loop\ndata: &x\n  self: *x\n",
        },
      },
    });
    expect(one(report, "yaml-alias-limit", "apps/alias/bomb.yaml").message).toContain("expand the file");
    expect(one(report, "yaml-alias-limit", "apps/alias/loop.yaml").message).toContain("cycle");
    restReported(report);
  });

  it("reports a HelmRelease whose values the engine stops at as unknown, with a finding on its file", () => {
    const entries = Array.from(
      { length: 40 },
      (_, i) => `    - kind: ConfigMap\n      name: vals\n      valuesKey: v\n      targetPath: a${i}[65536]`,
    ).join("\n");
    const release = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: grow
  namespace: default
spec:
  interval: 1h
  chart:
    spec:
      chart: grow
      sourceRef:
        kind: HelmRepository
        name: charts
  valuesFrom:
${entries}
`;
    const report = change({
      hr: {
        files: {
          "kustomization.yaml": "resources:\n  - release.yaml\n  - values.yaml\n",
          "release.yaml": release,
          "values.yaml": configMap("vals", { v: "1" }),
        },
      },
    });
    const d = one(report, "analysis-failed", "apps/hr/release.yaml");
    expect(d.ref).toBe("HelmRelease default/grow");
    expect(d.message).toContain("stopped at one of its limits");
    const hr = report.helmReleases.find((h) => h.key === "default/grow");
    expect(hr?.blocked).toContain("unknown");
    restReported(report);
  });

  it("still returns a report, with the secret findings, when a throw escapes every inner guard", () => {
    const head = createMemorySnapshot(repo({ web: web("2") }, { [TOKEN_FILE]: `token: ${TOKEN}\n` }));
    const real = createMemorySnapshot(repo({ web: web("1") }));
    // A defect outside the engine's per-object guards (here: a snapshot whose session cannot be read).
    const base = Object.create(real, {
      session: {
        get() {
          throw new TypeError("no session");
        },
      },
    });
    const { report } = analyzePullRequest({ base, head });
    const failure = one(report, "analysis-failed");
    expect(failure.message).toBe(
      "The engine failed (TypeError) while analyzing the pull request; what it changes is unknown.",
    );
    one(report, "secret-github-token", TOKEN_FILE);
    expect(report.notAnalyzed?.map((n) => n.key)).toEqual(["(repository)"]);
    expect(report.conclusion).toBe("failure");
  });

  it("checks a branch with the same content without throwing, token included", () => {
    const snapshot = createMemorySnapshot(
      repo(
        {
          boom: {
            extra: withX,
            files: {
              "kustomization.yaml": "resources:\n  - configmap.yaml\n",
              "configmap.yaml": configMap("boom", { v: "${X//a/${X//a/${X}}}" }),
            },
          },
        },
        { [TOKEN_FILE]: `token: ${TOKEN}\n` },
      ),
    );
    const result = checkBranch({ snapshot });
    const codes = result.failing.map((d) => [d.code, d.file]);
    expect(codes).toContainEqual(["postbuild-output-limit", "apps/boom/configmap.yaml"]);
    expect(codes).toContainEqual(["secret-github-token", TOKEN_FILE]);
    expect(result.conclusion).toBe("failure");
  });
});
