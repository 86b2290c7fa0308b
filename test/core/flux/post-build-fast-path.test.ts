import { isDeepStrictEqual } from "node:util";
import { describe, expect, it } from "vitest";
import { envsubst } from "../../../src/core/flux/envsubst.ts";
import { type CollectedVariables, substituteObjects } from "../../../src/core/flux/post-build.ts";
import type { JsonObject } from "../../../src/core/kustomize/resource.ts";
import { readYamlDocuments } from "../../../src/core/yaml/read-documents.ts";
import { YAML11_TAGS } from "../../../src/core/yaml/scalar-schemas.ts";
import { stringifyYaml } from "../../../src/core/yaml/stringify.ts";

/** What Flux does, spelled out: serialize, substitute the text, re-read with YAML 1.1. */
function textPath(obj: JsonObject, vars: Map<string, string>): unknown {
  const out = envsubst(stringifyYaml(obj), (n) => vars.get(n), { strict: true });
  if (!out.ok) return { error: true };
  const parsed = readYamlDocuments(out.value, "x", { tags: YAML11_TAGS });
  return parsed.ok ? parsed.documents[0]?.value : { error: true };
}

const VALUES = [
  "3",
  "007",
  "yes",
  "on",
  "off",
  "y",
  "true",
  "null",
  "",
  "1e3",
  "1.50",
  "example.org",
  "a-b_c",
  "10.0.0.1",
  "v1.2.3",
  "$x",
  "a:b",
  "2020-01-01",
  "12:30",
  "0x1F",
  "~",
  "@me",
  "http://x.y/z",
];
const TEMPLATES = [
  "${V}",
  "pre-${V}",
  "${V}.suffix",
  "${V:=dflt}",
  "$${V}",
  "${V/./-}",
  "x${V}y${V}",
  "${V^^}",
  "${#V}",
  "$V",
];

describe("core/flux/post-build substitution without serializing", () => {
  it("gives exactly what substituting the serialized YAML gives, for every template and value", () => {
    const mismatches: string[] = [];
    for (const value of VALUES) {
      const vars = new Map([["V", value]]);
      const collected: CollectedVariables = { vars, unknown: new Set(), errors: [], missing: [], opaque: [] };
      for (const template of TEMPLATES) {
        const obj: JsonObject = {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "c" },
          data: { a: template, list: [template, "plain"], nested: { b: template } },
        };

        const ours = substituteObjects([obj], collected, { strict: true }).objects[0];
        const expected = textPath(obj, vars);

        if (!isDeepStrictEqual(ours, expected) && !(expected as { error?: boolean }).error) {
          mismatches.push(
            `${template} with V=${JSON.stringify(value)}: ${JSON.stringify(ours)} vs ${JSON.stringify(expected)}`,
          );
        }
      }
    }

    expect(mismatches).toEqual([]);
  });
});
