import { describe, expect, it } from "vitest";
import { readYamlDocuments } from "../../../src/core/yaml/read-documents.ts";
import { YAML11_TAGS } from "../../../src/core/yaml/scalar-schemas.ts";
import { dedent } from "../../support/fixtures/text.ts";

describe("core/yaml/read-documents", () => {
  it("types plain scalars as kustomize (go-yaml v3 + JSON) does", () => {
    const text = dedent(`
      a: 0777
      b: 1_000
      c: 12:30
      d: 0x1F
      e: 2020-01-01
      f: 1e3
      g: on
      h: Off
      i: ~
      j: 0o17
      k: .5
      m: 08
      q: "0777"
      r: 'yes'
      s: True
      t: 2001-12-14t21:59:43.10-05:00
      y: y
    `);

    const { documents, diagnostics } = readYamlDocuments(text, "x.yaml");

    expect(diagnostics).toEqual([]);
    expect(documents[0]?.value).toEqual({
      a: 511,
      b: 1000,
      c: "12:30",
      d: 31,
      e: "2020-01-01T00:00:00Z",
      f: 1000,
      g: "on",
      h: "Off",
      i: null,
      j: 15,
      k: 0.5,
      m: 8,
      q: "0777",
      r: "yes",
      s: true,
      t: "2001-12-14T21:59:43.1-05:00",
      y: "y",
    });
  });

  it("types YAML 1.1 booleans as sigs.k8s.io/yaml does when asked", () => {
    const { documents } = readYamlDocuments("a: yes\nb: off\nc: y\nd: 2020-01-01\n", "x.yaml", {
      tags: YAML11_TAGS,
    });

    expect(documents[0]?.value).toEqual({ a: true, b: false, c: true, d: "2020-01-01" });
  });

  it("ends a clipped block scalar at the end of the text without a newline, as go-yaml does", () => {
    // An inline patch written as `patch: |-` whose last field is `patch: |` (budimanjojo's postRenderers).
    const value = (text: string) => readYamlDocuments(text, "f.yaml").documents[0]?.value;
    expect(value("- op: add\n  value: |\n    a: 1\n    b: 2")).toEqual([{ op: "add", value: "a: 1\nb: 2" }]);
    expect(value("value: |\n  a\n")).toEqual({ value: "a\n" });
    expect(value("value: >\n  a\n  b")).toEqual({ value: "a b" });
    expect(value("value: |-\n  a")).toEqual({ value: "a" });
    expect(value("first: |\n  a\nlast: x")).toEqual({ first: "a\n", last: "x" });
  });

  it("returns every document with its starting line and skips empty ones", () => {
    const text = "---\n---\na: 1\n---\n# only a comment\n---\n- x\n---\n~\n";

    const { ok, documents } = readYamlDocuments(text, "multi.yaml");

    expect(ok).toBe(true);
    expect(documents.map((d) => [d.line, d.value])).toEqual([
      [3, { a: 1 }],
      [7, ["x"]],
    ]);
  });

  it("reports a duplicate key with its line and keeps the sibling documents", () => {
    const text = "a: 1\n---\nb: 1\nb: 2\n";

    const { ok, documents, diagnostics } = readYamlDocuments(text, "dup.yaml");

    expect(ok).toBe(false);
    expect(documents.map((d) => d.value)).toEqual([{ a: 1 }]);
    expect(diagnostics).toMatchObject([
      { code: "yaml-duplicate-key", file: "dup.yaml", line: 4, severity: "error" },
    ]);
  });

  it("reads a quoted scalar whose next line is not indented past its key, as go-yaml does", () => {
    // openebs's snapshot CRDs: go-yaml checks no indentation inside quotes and folds the break to a space.
    const crd = "properties:\n  spec:\n    description: 'spec defines the\n    snapshot. Required.'\n";
    const read = readYamlDocuments(crd, "crd.yaml");
    expect(read.diagnostics).toEqual([]);
    expect(read.documents[0]?.value).toEqual({
      properties: { spec: { description: "spec defines the snapshot. Required." } },
    });
    expect(
      readYamlDocuments('a:\n  b: "x\n  y"\n', "f.yaml", { tags: YAML11_TAGS }).documents[0]?.value,
    ).toEqual({
      a: { b: "x y" },
    });
    // A quote that never closes is still an error.
    const open = readYamlDocuments("a: 1\nk: 'one\n", "open.yaml");
    expect(open.ok).toBe(false);
    expect(open.diagnostics.map((d) => d.code)).toEqual(["yaml-syntax"]);
  });

  it("reports a syntax error with file and line instead of throwing", () => {
    const { ok, diagnostics } = readYamlDocuments("a: [1, 2\nb: c\n", "bad.yaml");

    expect(ok).toBe(false);
    expect(diagnostics[0]).toMatchObject({ code: "yaml-syntax", file: "bad.yaml", severity: "error" });
    expect(diagnostics[0]?.line).toBeGreaterThanOrEqual(1);
  });

  it("refuses a billion-laughs document", () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }

    const { ok, diagnostics } = readYamlDocuments(`${levels.join("\n")}\n`, "bomb.yaml");

    expect(ok).toBe(false);
    expect(diagnostics.map((d) => d.code)).toContain("yaml-alias-limit");
  });

  it("names an alias to an anchor never set as a syntax error, not as the alias limit", () => {
    // JJGadgets/Biohazard: `name: *pvc` with no `&pvc`; kustomize: "unknown anchor 'pvc' referenced".
    const { ok, diagnostics } = readYamlDocuments("metadata:\n  name: *pvc\n", "ks.yaml");

    expect(ok).toBe(false);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        "yaml-syntax",
        "YAML could not be converted: Unresolved alias (the anchor must be set before the alias): pvc",
      ],
    ]);
  });

  it("refuses documents nested deeper than the limit, block or flow", () => {
    let block = "";
    for (let i = 0; i < 200; i++) block += `${"  ".repeat(i)}k${i}:\n`;
    block += `${"  ".repeat(200)}v: 1\n`;
    const flow = `a: ${"[".repeat(5000)}${"]".repeat(5000)}\n`;

    const deep = readYamlDocuments(block, "deep.yaml");
    const flowed = readYamlDocuments(flow, "flow.yaml");

    expect(deep.diagnostics.map((d) => d.code)).toContain("yaml-too-deep");
    expect(flowed.ok).toBe(false);
    expect(flowed.diagnostics.length).toBeGreaterThan(0);
  });

  it("caps the number of documents in one file", () => {
    const text = Array.from({ length: 12 }, (_, i) => `i: ${i}`).join("\n---\n");

    const { ok, documents, diagnostics } = readYamlDocuments(text, "many.yaml", {
      limits: { maxDocuments: 10 },
    });

    expect(ok).toBe(false);
    expect(documents).toHaveLength(10);
    expect(diagnostics.map((d) => d.code)).toEqual(["yaml-too-many-documents"]);
  });

  it("reads unknown tags as strings with a warning", () => {
    const { ok, documents, diagnostics } = readYamlDocuments(
      "a: !vault secret\nb: !!js/function 'x'\n",
      "tags.yaml",
    );

    expect(ok).toBe(true);
    expect(documents[0]?.value).toEqual({ a: "secret", b: "x" });
    expect(diagnostics.every((d) => d.code === "yaml-unknown-tag" && d.severity === "warning")).toBe(true);
  });

  it("applies merge keys and keeps __proto__ as plain data", () => {
    const text = "base: &b {x: 1}\nobj:\n  <<: *b\n  y: 2\n__proto__:\n  polluted: true\n";

    const { documents } = readYamlDocuments(text, "merge.yaml");
    const value = documents[0]?.value as Record<string, unknown>;

    expect(value.obj).toEqual({ x: 1, y: 2 });
    expect(Object.hasOwn(value, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("core/yaml/read-documents folded scalars", () => {
  it("keeps the extra line break kustomize's reader adds before more-indented folded lines", () => {
    const text = dedent(`
      a: >
        x
          y
          z
        w
      b: >-
        x

          y
        w
      c: >-
        x
        y

        z
      e: >-
        x
          y

          z
        w
      lit: |-
        x
          y
    `);

    const { documents } = readYamlDocuments(text, "folded.yaml");

    expect(documents[0]?.value).toEqual({
      a: "x\n\n  y\n  z\nw\n",
      b: "x\n\n\n  y\nw",
      c: "x y\nz",
      e: "x\n\n  y\n\n  z\nw",
      lit: "x\n  y",
    });
  });
});
