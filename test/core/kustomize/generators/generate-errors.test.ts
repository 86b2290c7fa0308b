import { describe, expect, it } from "vitest";
import { BuildContext, type Level } from "../../../../src/core/kustomize/context.ts";
import { runGenerators } from "../../../../src/core/kustomize/generators/generate.ts";
import { createMemorySnapshot } from "../../../../src/core/snapshot/repo-snapshot.ts";
import { levelFor } from "./helpers.ts";

/** Diagnostics of a kustomization with one bad generator between two good ones; the good ones survive. */
function errorsOf(bad: string, files: Record<string, string | Uint8Array> = {}) {
  const { level, k, ctx } = levelFor(
    `
    configMapGenerator:
    - name: before
      literals: [a=1]
    ${bad.trim().replace(/\n/g, "\n    ")}
    - name: after
      literals: [a=1]
    `,
    files,
  );
  const names = runGenerators(level, k).map((r) => (r.obj.metadata as { name: string }).name);
  expect(names).toEqual(["before", "after"]);
  return ctx.diagnostics.map((d) => ({ code: d.code, message: d.message, line: d.line }));
}

describe("core/kustomize/generators/generate (errors)", () => {
  it("reports a repeated key with kustomize's text, across envs and literals too", () => {
    expect(errorsOf("- name: x\n  literals: [a=1, a=2]")).toEqual([
      {
        code: "kustomize-generator-error",
        message: 'configMapGenerator "x": configmap x illegally repeats the key `a`',
        line: 4,
      },
    ]);
    const { level, k, ctx } = levelFor(
      `
      secretGenerator:
      - name: x
        literals: [a=1]
        envs: [a.env]
      `,
      { "app/a.env": "a=9\n" },
    );
    expect(runGenerators(level, k)).toEqual([]);
    expect(ctx.diagnostics.map((d) => d.message)).toEqual([
      'secretGenerator "x": configmap x illegally repeats the key `a`',
    ]);
    expect(ctx.failed).toBe(true);
  });

  it("requires a name", () => {
    expect(errorsOf("- literals: [a=1]")).toEqual([
      {
        code: "kustomize-generator-error",
        message: 'configMapGenerator "": a configmap must have a name',
        line: 4,
      },
    ]);
  });

  it("rejects malformed literal and file sources at the entry's line", () => {
    expect(errorsOf("- name: x\n  literals: [ok=1, noeq]")).toEqual([
      {
        code: "kustomize-generator-error",
        message: 'configMapGenerator "x": invalid literal source noeq, expected key=value',
        line: 5,
      },
    ]);
    expect(errorsOf('- name: x\n  literals: ["=v"]')[0]?.message).toBe(
      'configMapGenerator "x": invalid literal source =v, expected key=value',
    );
    expect(errorsOf('- name: x\n  files: ["=a.txt"]')[0]?.message).toBe(
      'configMapGenerator "x": missing key name for file path "a.txt" in source "=a.txt"',
    );
    expect(errorsOf('- name: x\n  files: ["k="]')[0]?.message).toBe(
      'configMapGenerator "x": missing file path for key name "k" in source "k="',
    );
    expect(errorsOf('- name: x\n  files: ["a=b=c"]')[0]?.message).toBe(
      `configMapGenerator "x": source "a=b=c" key name or file path contains '='`,
    );
  });

  it("reports missing files, directories, escapes and symlinks like readRelative", () => {
    expect(errorsOf("- name: x\n  files: [sub]", { "app/sub/f": "hi" })).toEqual([
      {
        code: "kustomize-missing-path",
        message: 'configMapGenerator file "sub" is a directory; it must resolve to a file.',
        line: 5,
      },
    ]);
    expect(errorsOf("- name: x\n  files: [missing.txt]")).toEqual([
      {
        code: "kustomize-missing-path",
        message: 'configMapGenerator file "missing.txt" (app/missing.txt) does not exist.',
        line: 5,
      },
    ]);
    expect(errorsOf("- name: x\n  envs: [../missing.env]")).toEqual([
      {
        code: "kustomize-missing-path",
        message: 'configMapGenerator env file "../missing.env" (missing.env) does not exist.',
        line: 5,
      },
    ]);
    expect(errorsOf("- name: x\n  files: [../../outside]")).toEqual([
      {
        code: "path-escapes-root",
        message: 'configMapGenerator file "../../outside" resolves outside the repository root.',
        line: 5,
      },
    ]);
  });

  it("reports symlinks, LFS pointers and oversized files", () => {
    const snapshot = createMemorySnapshot(
      {
        "app/kustomization.yaml": "",
        "app/lfs.bin": "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 3\n",
        "app/big.txt": "x".repeat(200),
      },
      { symlinks: ["app/link.txt"], maxFileBytes: 100 },
    );
    const ctx = new BuildContext(snapshot);
    const level: Level = { ctx, dir: "app", file: undefined, depth: 0 };
    const out = runGenerators(level, {
      configMapGenerator: [
        { name: "a", files: ["link.txt"] },
        { name: "b", files: ["lfs.bin"] },
        { name: "c", envs: ["big.txt"] },
      ],
    });
    expect(out).toEqual([]);
    expect(ctx.diagnostics.map((d) => [d.code, d.file, d.message])).toEqual([
      [
        "path-is-symlink",
        "app",
        'configMapGenerator file "link.txt" is a symlink; Flux artifacts contain no symlinks.',
      ],
      [
        "content-unavailable",
        "app/lfs.bin",
        "app/lfs.bin is a Git LFS pointer; its content is not in the repository.",
      ],
      ["file-too-large", "app/big.txt", "app/big.txt is larger than 100 bytes and was not parsed."],
    ]);
  });

  it("reports an env file line that is not UTF-8", () => {
    const bad = new Uint8Array([...new TextEncoder().encode("A=1\nB="), 0xff, 0x0a]);
    expect(errorsOf("- name: x\n  envs: [bad.env]", { "app/bad.env": bad })).toEqual([
      {
        code: "kustomize-generator-error",
        message:
          'configMapGenerator "x": env source files: [bad.env]: line [66 61 255] has invalid utf8 bytes : B=\ufffd',
        line: 5,
      },
    ]);
  });

  it("fails like kustomize on characters its YAML round trip refuses", () => {
    expect(errorsOf('- name: x\n  literals: ["k=a\\x7fb"]')).toEqual([
      {
        code: "kustomize-generator-error",
        message:
          'configMapGenerator "x": builtin ConfigMapGenerator marshal: yaml: control characters are not allowed',
        line: 4,
      },
    ]);
    const { level, k, ctx } = levelFor(`
      generatorOptions:
        labels: {l: "\\u0090"}
      secretGenerator:
      - name: s
    `);
    expect(runGenerators(level, k)).toEqual([]);
    expect(ctx.diagnostics.map((d) => d.message)).toEqual([
      'secretGenerator "s": builtin SecretGenerator marshal: yaml: control characters are not allowed',
    ]);
  });

  it("fails on keys that kustomize would write as non-string YAML (its output step breaks)", () => {
    expect(errorsOf('- name: x\n  literals: ["ok=1", "10=v"]')).toEqual([
      {
        code: "kustomize-generator-error",
        message:
          'configMapGenerator "x": key "10" is not a string in YAML; kustomize cannot write the generated object ' +
          "(json: unsupported type: map[interface {}]interface {})",
        line: 4,
      },
    ]);
    expect(errorsOf("- name: x\n  envs: [x.env]", { "app/x.env": "true=1\n" })[0]?.message).toContain(
      'key "true"',
    );
    // A repeated key is found while generating, before the output step could fail.
    expect(errorsOf('- name: x\n  literals: ["10=v", "a=1", "a=2"]')[0]?.message).toBe(
      'configMapGenerator "x": configmap x illegally repeats the key `a`',
    );
  });
});
