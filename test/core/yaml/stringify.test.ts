import { describe, expect, it } from "vitest";
import { readYamlDocuments } from "../../../src/core/yaml/read-documents.ts";
import { YAML11_TAGS } from "../../../src/core/yaml/scalar-schemas.ts";
import { stringifyYaml } from "../../../src/core/yaml/stringify.ts";
import { dedent } from "../../support/fixtures/text.ts";

describe("core/yaml/stringify", () => {
  it("writes like kubectl kustomize: sorted keys, unindented sequences, retypable strings double-quoted", () => {
    const obj = {
      kind: "ConfigMap",
      apiVersion: "v1",
      metadata: { name: "x", labels: { z: "1", a: "yes" } },
      data: { on: "on", time: "12:30", date: "2020-01-01", n: "3", plain: "${N}", list: ["y", "n"] },
    };

    expect(stringifyYaml(obj)).toBe(
      dedent(`
        apiVersion: v1
        data:
          date: "2020-01-01"
          list:
          - "y"
          - "n"
          "n": "3"
          "on": "on"
          plain: \${N}
          time: "12:30"
        kind: ConfigMap
        metadata:
          labels:
            a: "yes"
            z: "1"
          name: x
      `),
    );
  });

  it("round-trips through both readings without changing types", () => {
    const obj = {
      a: "yes",
      b: "0777",
      c: "1e3",
      d: "~",
      e: "true",
      f: 3,
      g: true,
      h: null,
      i: "multi\nline\n",
    };

    const text = stringifyYaml(obj);

    expect(readYamlDocuments(text, "k.yaml").documents[0]?.value).toEqual(obj);
    expect(readYamlDocuments(text, "k.yaml", { tags: YAML11_TAGS }).documents[0]?.value).toEqual(obj);
  });
});

describe("core/yaml/stringify key order", () => {
  it("sorts keys like go-yaml v2 (non-letters first, digit runs as numbers)", () => {
    const keys = ["é", "file10", "a_b", "file2", "a.b", "Zz", "A", "1x", "~t", "_x", "a-b"];

    const text = stringifyYaml(Object.fromEntries(keys.map((k) => [k, 1])));

    expect(
      text
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(":")[0]),
    ).toEqual(["_x", "~t", "1x", "A", "Zz", "a-b", "a.b", "a_b", "file2", "file10", "é"]);
  });
});
