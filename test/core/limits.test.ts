// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the inputs are Flux ${var} templates, not JS templates
/**
 * The engine's own bounds, one layer at a time: envsubst stops before building an over-long value or
 * matching without end, YAML aliases cannot expand a file without bound (nor loop), a huge rewrite of one
 * object is shown as a replacement instead of an endless line diff, one file the secret rules fail on
 * costs only itself, and the YAML one analysis parses has a budget.
 */
import { describe, expect, it } from "vitest";
import { envsubst, type VariableLookup } from "../../src/core/flux/envsubst.ts";
import { MAX_DIFF_TEXT, MAX_EDIT_LENGTH, objectDiff } from "../../src/core/impact/object-diff.ts";
import { analyzePullRequest } from "../../src/core/pull-request.ts";
import { scanSecrets } from "../../src/core/secrets/scan.ts";
import { AnalysisSession } from "../../src/core/session.ts";
import { createMemorySnapshot } from "../../src/core/snapshot/repo-snapshot.ts";
import { measureValue } from "../../src/core/yaml/measure.ts";
import { readYamlDocuments } from "../../src/core/yaml/read-documents.ts";
import { githubToken } from "../support/fixtures/fake-secrets.ts";
import { fluxKustomization, SYNC } from "../support/reliability/engine/fixtures.ts";

const vars =
  (v: Record<string, string>): VariableLookup =>
  (name) =>
    v[name];

describe("core envsubst limits", () => {
  const X = { X: "a".repeat(1000) };

  it("fails with an output limit before a replacement builds an over-long value", () => {
    const r = envsubst("${X//a/${X//a/${X}}}", vars(X), { strict: true, maxOutput: 4 * 1024 * 1024 });
    expect(r).toMatchObject({ ok: false, limit: "output" });
    expect(r.ok === false && r.error).toContain("4194304 characters");
  });

  it("counts the whole text, function arguments and the joined default", () => {
    expect(envsubst("${X}${X}", vars(X), { strict: true, maxOutput: 1500 })).toMatchObject({
      limit: "output",
    });
    expect(envsubst("${U:=${X}${X}}", vars(X), { strict: true, maxOutput: 1500 })).toMatchObject({
      limit: "output",
    });
    expect(envsubst("${X}", vars(X), { strict: true, maxOutput: 1000 })).toEqual({ ok: true, value: X.X });
  });

  it("gives the same result as without a limit when under it", () => {
    const input = "${X//a/bb}-${X:0:2}-${U:=d}";
    expect(envsubst(input, vars(X), { strict: false, maxOutput: 10_000 })).toEqual(
      envsubst(input, vars(X), { strict: false }),
    );
  });

  it("meters the pattern matching of trim operators", () => {
    const meter = { steps: 0, limit: 100_000 };
    const r = envsubst("${Y##*b}", vars({ Y: "a".repeat(5000) }), { strict: true, meter });
    expect(r).toMatchObject({ ok: false, limit: "work" });
    const small = { steps: 0, limit: 100_000 };
    expect(envsubst("${V#v}", vars({ V: "v1.2.3" }), { strict: true, meter: small })).toEqual({
      ok: true,
      value: "1.2.3",
    });
    expect(small.steps).toBeGreaterThan(0);
  });
});

describe("core YAML expansion limits", () => {
  it("measures aliases at every use, shared objects once", () => {
    const shared = { a: "xyz" };
    expect(measureValue({ p: shared, q: shared })).toEqual(
      measureValue({ p: { a: "xyz" }, q: { a: "xyz" } }),
    );
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(measureValue(loop).bytes).toBe(Number.POSITIVE_INFINITY);
  });

  it("refuses a document whose aliases expand past four times the file, and keeps its siblings", () => {
    const anchor = Array.from({ length: 100 }, (_, i) => `  k${i}: "${"x".repeat(100)}"`).join("\n");
    const aliases = Array.from({ length: 50 }, (_, i) => `  c${i}: *a`).join("\n");
    const text = `kind: A\n---\nbig: &a\n${anchor}\ndata:\n${aliases}\n`;
    const read = readYamlDocuments(text, "bomb.yaml");
    expect(read.ok).toBe(false);
    expect(read.documents.map((d) => d.value)).toEqual([{ kind: "A" }]);
    expect(read.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
      ["yaml-alias-limit", "bomb.yaml", 3],
    ]);
  });

  it("accepts ordinary aliases and merge keys", () => {
    const read = readYamlDocuments("base: &b\n  a: 1\none:\n  <<: *b\n  c: 2\ntwo: *b\n", "ok.yaml");
    expect(read.ok).toBe(true);
    expect(read.documents[0]?.value).toEqual({ base: { a: 1 }, one: { a: 1, c: 2 }, two: { a: 1 } });
  });

  it("finds a repeated key among 20,000, on its line (the check is linear)", () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`);
    keys.push("k17: again");
    const read = readYamlDocuments(`${keys.join("\n")}\n`, "big.yaml");
    expect(read.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ["yaml-duplicate-key", 20_001, 1],
    ]);
  });
});

describe("core object diff limits", () => {
  it("shows an object changed on thousands of lines as replaced, with exact counts and bounded text", () => {
    const n = 3 * MAX_EDIT_LENGTH;
    const data = (v: string) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `${v}${i}`]));
    const base = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "m" }, data: data("a") };
    const head = { ...base, data: data("b") };
    const d = objectDiff(base, head);
    expect(d.change).toBe("modified");
    // apiVersion, kind, metadata, its name and "data:" are part of the replaced text too.
    expect(d.added).toBe(n + 5);
    expect(d.removed).toBe(n + 5);
    expect(d.diff.startsWith(`@@ -1,${n + 5} +1,${n + 5} @@\n-apiVersion: v1\n`)).toBe(true);
  });

  it("keeps at most MAX_DIFF_TEXT of one object's diff, counting every line", () => {
    const lines = 40_000;
    const data = Object.fromEntries(Array.from({ length: lines }, (_, i) => [`key${i}`, `value-${i}`]));
    const d = objectDiff(undefined, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "m" }, data });
    expect(d.added).toBe(lines + 5);
    expect(d.diff.length).toBeLessThanOrEqual(MAX_DIFF_TEXT + 200);
  });
});

describe("core secret scan: one failing file costs only itself", () => {
  it("reports the failure on the file and still scans the others", () => {
    const token = githubToken("ghp", 9902);
    const encoder = new TextEncoder();
    const result = scanSecrets({
      files: [
        // Not bytes: the rules throw on it.
        { path: "broken.yaml", bytes: null as unknown as Uint8Array },
        { path: "notes.txt", bytes: encoder.encode(`token: ${token}\n`) },
      ],
    });
    expect(result.findings.map((d) => [d.code, d.file])).toEqual([
      ["analysis-failed", "broken.yaml"],
      ["secret-github-token", "notes.txt"],
    ]);
    expect(result.findings[0]?.message).toMatch(
      /^The engine failed \(TypeError\) while scanning broken\.yaml/,
    );
  });
});

describe("core YAML parse budget per analysis", () => {
  it("leaves files past the budget unparsed: their builds are unknown, the rest is reported", () => {
    const app = (name: string) => fluxKustomization(name, `apps/${name}`);
    const cm = (name: string, n: number) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: default\ndata:\n${Array.from({ length: n }, (_, i) => `  k${i}: "v"`).join("\n")}\n`;
    const base = {
      "clusters/home/flux-system/gotk-sync.yaml": SYNC,
      "clusters/home/flux-system/kustomization.yaml": "resources:\n  - gotk-sync.yaml\n",
      "clusters/home/small.yaml": app("small"),
      "apps/small/cm.yaml": cm("small", 3),
    };
    const head = {
      ...base,
      "apps/small/cm.yaml": cm("small", 4),
      "clusters/home/zbig.yaml": app("zbig"),
      // The file that takes the analysis over its budget is still read; the ones after it are not.
      "apps/zbig/kustomization.yaml":
        "resources:\n  - big.yaml\n  - more.yaml\n  - more2.yaml\n  - more3.yaml\n",
      "apps/zbig/big.yaml": cm("zbig", 5000),
      "apps/zbig/more.yaml": cm("more", 1),
      "apps/zbig/more2.yaml": cm("more2", 1),
      "apps/zbig/more3.yaml": cm("more3", 1),
      "notes.txt": `token: ${githubToken("ghp", 9903)}\n`,
    };
    const session = new AnalysisSession({ parseBytes: 64 * 1024 });
    const { report } = analyzePullRequest({
      base: createMemorySnapshot(base, { session }),
      head: createMemorySnapshot(head, { session }),
    });
    const errors = report.findings.introduced.filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.file])).toEqual(
      expect.arrayContaining([
        ["kustomize-budget-exceeded", "apps/zbig/more.yaml"],
        ["secret-github-token", "notes.txt"],
      ]),
    );
    // One finding says the build stopped; the files it could not parse after that are not listed each.
    expect(errors.filter((d) => d.code === "kustomize-budget-exceeded")).toHaveLength(1);
    expect(report.notAnalyzed?.map((n) => n.key)).toEqual(["flux-system/zbig"]);
    expect(report.kustomizations.find((k) => k.key === "flux-system/small")?.change).toBe("modified");
  });
});
