import { describe, expect, it } from "vitest";
import { dedent } from "../../../support/fixtures/text.ts";
import { build, where } from "./harness.ts";

// Every problem is a diagnostic, never an exception; the rest of the build goes on where kustomize's
// semantics allow it, so one broken entry does not hide the others. kubectl kustomize fails on each of
// these inputs (except where noted).

const cm = (name: string) => `
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: ${name}
`;

const KEPT = dedent(`
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: kept
`);

describe("core/kustomize/build (bad input: paths)", () => {
  it("a missing resource file", () => {
    // kubectl: "accumulating resources from 'missing.yaml': ... no such file or directory"
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - missing.yaml
          - kept.yaml
        `,
        "app/kept.yaml": cm("kept"),
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-missing-path", file: "app/kustomization.yaml", line: 2 },
    ]);
    expect(out.yaml).toBe(KEPT);
  });

  it("a directory resource without a kustomization file", () => {
    // kubectl: "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization'"
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - kept.yaml
          - plain
        `,
        "app/kept.yaml": cm("kept"),
        "app/plain/cm.yaml": cm("never"),
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-missing-kustomization", file: "app/kustomization.yaml", line: 3 },
    ]);
    expect(out.yaml).toBe(KEPT);
  });

  it("two kustomization files in one directory, at the root and below", () => {
    // kubectl: "Found multiple kustomization files under: DIR"
    const root = build(
      {
        "app/kustomization.yaml": "resources:\n- a.yaml\n",
        "app/kustomization.yml": "resources:\n- a.yaml\n",
        "app/a.yaml": cm("a"),
      },
      "app",
    );
    expect(root.failed).toBe(true);
    expect(where(root.diagnostics)).toEqual([
      { code: "kustomize-multiple-kustomization-files", file: "app/kustomization.yml" },
    ]);
    expect(root.yaml).toBe("");

    const nested = build(
      {
        "app/kustomization.yaml": "resources:\n- kept.yaml\n- ../base\n",
        "app/kept.yaml": cm("kept"),
        "base/kustomization.yaml": "resources:\n- b.yaml\n",
        "base/Kustomization": "resources:\n- b.yaml\n",
        "base/b.yaml": cm("b"),
      },
      "app",
    );
    expect(nested.failed).toBe(true);
    expect(where(nested.diagnostics)).toEqual([
      { code: "kustomize-multiple-kustomization-files", file: "base/Kustomization" },
    ]);
    expect(nested.yaml).toBe(KEPT);
  });

  it("a resource cycle: A includes B includes A", () => {
    // kubectl: "cycle detected: candidate root '.../a' contains visited root '.../a'"
    const out = build(
      {
        "a/kustomization.yaml": "resources:\n- kept.yaml\n- ../b\n",
        "a/kept.yaml": cm("kept"),
        "b/kustomization.yaml": "resources:\n- ../a\n- b.yaml\n",
        "b/b.yaml": cm("b"),
      },
      "a",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-resource-cycle", file: "b/kustomization.yaml", line: 2 },
    ]);
    expect(out.diagnostics[0]?.message).toBe("cycle detected: a → b → a");
  });

  it("a directory that includes itself", () => {
    const out = build(
      {
        "app/kustomization.yaml": "resources:\n- kept.yaml\n- .\n- ../app\n",
        "app/kept.yaml": cm("kept"),
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-resource-cycle", file: "app/kustomization.yaml", line: 3 },
      { code: "kustomize-resource-cycle", file: "app/kustomization.yaml", line: 4 },
    ]);
    expect(out.yaml).toBe(KEPT);
  });

  it("a path escaping the repository and an absolute path", () => {
    // Flux's filesystem is confined to the artifact root ("fs-security-constraint").
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - ../../../outside.yaml
          - /etc/passwd
          - kept.yaml
          patches:
          - path: ../../escape.yaml
        `,
        "app/kept.yaml": cm("kept"),
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "path-escapes-root", file: "app/kustomization.yaml", line: 2 },
      { code: "path-escapes-root", file: "app/kustomization.yaml", line: 3 },
      { code: "path-escapes-root", file: "app/kustomization.yaml", line: 6 },
    ]);
    expect(out.yaml).toBe(KEPT);
  });

  it("a symlinked resource (absent from Flux artifacts; kubectl would follow it)", () => {
    const out = build(
      {
        "app/kustomization.yaml": "resources:\n- link.yaml\n- kept.yaml\n",
        "app/kept.yaml": cm("kept"),
      },
      "app",
      {},
      { snapshot: { symlinks: ["app/link.yaml"] } },
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "path-is-symlink", file: "app/kustomization.yaml", line: 2 },
    ]);
    expect(out.yaml).toBe(KEPT);
  });

  it("remote resources are reported and never fetched", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - https://raw.githubusercontent.com/org/repo/main/deploy.yaml
          - github.com/org/repo//deploy/base?ref=v1
          - git@github.com:o/r.git//path
          - kept.yaml
          components:
          - https://github.com/org/components//monitoring?ref=v2
        `,
        "app/kept.yaml": cm("kept"),
      },
      "app",
    );
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-remote-resource", file: "app/kustomization.yaml", line: 2 },
      { code: "kustomize-remote-resource", file: "app/kustomization.yaml", line: 3 },
      { code: "kustomize-remote-resource", file: "app/kustomization.yaml", line: 4 },
      { code: "kustomize-remote-resource", file: "app/kustomization.yaml", line: 7 },
    ]);
    expect(out.diagnostics.every((d) => d.severity === "warning")).toBe(true);
    expect(out.yaml).toBe(KEPT);
    expect(out.reads).toEqual(["app/kept.yaml", "app/kustomization.yaml"]);
  });
});

describe("core/kustomize/build (bad input: file content)", () => {
  it("a binary / non-UTF-8 resource file", () => {
    const out = build(
      {
        "app/kustomization.yaml": "resources:\n- blob.yaml\n- kept.yaml\n",
        "app/blob.yaml": new Uint8Array([0x6b, 0x3a, 0x20, 0xff, 0xfe, 0x00, 0x01]),
        "app/kept.yaml": cm("kept"),
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([{ code: "file-not-utf8", file: "app/blob.yaml" }]);
    expect(out.yaml).toBe(KEPT);
  });

  it("invalid YAML in a resource, with its line", () => {
    // kubectl: "MalformedYAMLError: yaml: line 4: mapping values are not allowed in this context"
    const out = build(
      {
        "app/kustomization.yaml": "resources:\n- bad.yaml\n- kept.yaml\n",
        "app/bad.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a: b\n",
        "app/kept.yaml": cm("kept"),
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([{ code: "yaml-syntax", file: "app/bad.yaml", line: 4 }]);
    expect(out.yaml).toBe(KEPT);
  });

  it("a duplicate key in a resource", () => {
    // kubectl: 'mapping key "name" already defined at line 4'
    const out = build(
      {
        "app/kustomization.yaml": "resources:\n- dup.yaml\n- kept.yaml\n",
        "app/dup.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n",
        "app/kept.yaml": cm("kept"),
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([{ code: "yaml-duplicate-key", file: "app/dup.yaml", line: 5 }]);
  });

  it("manifests without kind or metadata.name, and a kustomization listed as a resource", () => {
    // kubectl: "missing Resource metadata" / "missing metadata.name"
    const out = build(
      {
        "app/kustomization.yaml":
          "resources:\n- nokind.yaml\n- noname.yaml\n- other-kustomization.yaml\n- kept.yaml\n",
        "app/nokind.yaml": "foo: bar\n",
        "app/noname.yaml": "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n",
        "app/other-kustomization.yaml":
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- x.yaml\n",
        "app/kept.yaml": cm("kept"),
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-invalid-resource", file: "app/nokind.yaml", line: 1 },
      { code: "kustomize-invalid-resource", file: "app/noname.yaml", line: 1 },
      { code: "kustomize-invalid-resource", file: "app/other-kustomization.yaml", line: 1 },
    ]);
    expect(out.yaml).toBe(KEPT);
  });

  it("an alias bomb (billion laughs) is refused", () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]`);
    }
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n${levels.map((l) => `  ${l}`).join("\n")}\n`;
    const out = build(
      {
        "app/kustomization.yaml": "resources:\n- bomb.yaml\n- kept.yaml\n",
        "app/bomb.yaml": bomb,
        "app/kept.yaml": cm("kept"),
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(out.diagnostics.map((d) => [d.code, d.file])).toEqual([["yaml-alias-limit", "app/bomb.yaml"]]);
    expect(out.yaml).toBe(KEPT);
  });
});

describe("core/kustomize/build (bad input: kustomization files and features)", () => {
  it("an invalid kustomization file below the root, and unknown fields there", () => {
    const out = build(
      {
        "app/kustomization.yaml": "resources:\n- kept.yaml\n- ../typed\n- ../unknown\n- ../empty\n",
        "app/kept.yaml": cm("kept"),
        "typed/kustomization.yaml": "resources: not-a-list\n",
        "unknown/kustomization.yaml": "resources:\n- u.yaml\nnotAField: 1\n",
        "unknown/u.yaml": cm("u"),
        "empty/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-invalid-kustomization", file: "typed/kustomization.yaml", line: 1 },
      { code: "kustomize-invalid-kustomization", file: "unknown/kustomization.yaml", line: 1 },
      { code: "kustomize-invalid-kustomization", file: "empty/kustomization.yaml", line: 1 },
    ]);
    expect(out.yaml).toBe(KEPT);
  });

  it("helmCharts, generator and transformer plugins are reported unsupported", () => {
    // kubectl: "must specify --enable-helm"; "external plugins disabled; unable to load external plugin"
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - kept.yaml
          helmCharts:
          - name: podinfo
            repo: https://stefanprodan.github.io/podinfo
            version: 6.5.0
          generators:
          - gen.yaml
          transformers:
          - tr.yaml
        `,
        "app/kept.yaml": cm("kept"),
        "app/gen.yaml": "apiVersion: example.com/v1\nkind: MyGenerator\nmetadata:\n  name: g\n",
        "app/tr.yaml": "apiVersion: example.com/v1\nkind: MyTransformer\nmetadata:\n  name: t\n",
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-unsupported", file: "app/kustomization.yaml", line: 3 },
      // Plugins that are not builtin fail under Flux (plugins disabled), reported where they are configured.
      { code: "kustomize-unsupported", file: "app/gen.yaml", line: 1 },
      { code: "kustomize-unsupported", file: "app/tr.yaml", line: 1 },
    ]);
    expect(out.yaml).toBe(KEPT);
  });

  it("a namespace that renames two Namespace objects to the same id", () => {
    // kubectl: "namespace transformation produces ID conflict"
    const out = build(
      {
        "app/kustomization.yaml": "namespace: target\nresources:\n- ns.yaml\n",
        "app/ns.yaml":
          "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n",
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-id-conflict", file: "app/kustomization.yaml", line: 1 },
    ]);
  });

  it("missing patch and generator input files", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - kept.yaml
          patches:
          - path: missing-patch.yaml
          configMapGenerator:
          - name: gen
            files:
            - missing.txt
        `,
        "app/kept.yaml": cm("kept"),
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-missing-path", file: "app/kustomization.yaml", line: 8 },
      { code: "kustomize-missing-path", file: "app/kustomization.yaml", line: 4 },
    ]);
  });
});

describe("core/kustomize/build (bad input: render budget)", () => {
  /**
   * `levels` levels, each including both directories of the next level: 2^levels paths to the leaf.
   * A level's b directory adds a prefix, and the last b a suffix, so every path gives a distinct name.
   */
  function diamond(levels: number): Record<string, string> {
    const files: Record<string, string> = {};
    for (let i = 0; i < levels; i++) {
      files[`l${i}/a/kustomization.yaml`] = `resources:\n- ../../l${i + 1}/a\n- ../../l${i + 1}/b\n`;
      files[`l${i}/b/kustomization.yaml`] =
        `namePrefix: b${i}-\nresources:\n- ../../l${i + 1}/a\n- ../../l${i + 1}/b\n`;
    }
    files[`l${levels}/a/kustomization.yaml`] = "resources:\n- cm.yaml\n";
    files[`l${levels}/a/cm.yaml`] = cm("leaf");
    files[`l${levels}/b/kustomization.yaml`] = "nameSuffix: -b\nresources:\n- ../a/cm.yaml\n";
    return files;
  }

  it("a diamond of 2^20 expansions stops fast with kustomize-budget-exceeded", () => {
    // Unbounded, this is a million leaf objects; the default budget (50,000 expansions) stops it in ~4 s.
    const out = build(diamond(20), "l0/a");
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-budget-exceeded", file: "l19/b/kustomization.yaml" },
    ]);
    expect(out.diagnostics[0]?.message).toContain("expansions=50001, limit=50000");
  }, 20_000);

  it("the expansion budget alone (shallow but wide) stops the build", () => {
    const out = build(
      diamond(17),
      "l0/a",
      {},
      { limits: { maxNesting: 50, maxExpansions: 5000, maxResources: 20_000 } },
    );
    expect(out.failed).toBe(true);
    const budget = out.diagnostics.filter((d) => d.code === "kustomize-budget-exceeded");
    expect(budget).toHaveLength(1);
    expect(budget[0]?.message).toContain("expansions=5001, limit=5000");
  });

  it("a small diamond builds normally: each path gives a distinct name", () => {
    const out = build(diamond(2), "l0/a");
    expect(out.failed).toBe(false);
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: leaf
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: leaf-b
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: b1-leaf
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: b1-leaf-b
      `),
    );
  });
});
