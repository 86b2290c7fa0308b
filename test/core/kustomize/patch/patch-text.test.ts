import { describe, expect, it } from "vitest";
import { parsePatchText } from "../../../../src/core/kustomize/patch/patch-text.ts";

const SRC = '[path: "p.yaml"]';

// Detection rules of kustomize's PatchTransformer, checked with kubectl kustomize v5.5.0.
describe("core/kustomize/patch/patch-text", () => {
  it("reads a list of operations as JSON 6902, in JSON or in YAML 1.1", () => {
    expect(parsePatchText('[{"op": "add", "path": "/a", "value": 1}]', SRC)).toEqual({
      ok: true,
      kind: "json",
      ops: [{ op: "add", path: "/a", value: 1 }],
    });
    expect(
      parsePatchText("- op: add\n  path: /a\n  value: {on: yes, n: 0777, t: 2020-01-01}\n", SRC),
    ).toEqual({
      ok: true,
      kind: "json",
      ops: [{ op: "add", path: "/a", value: { true: true, false: 511, t: "2020-01-01" } }],
    });
  });

  it("reads mappings as strategic-merge patches, expanding List items after the other documents", () => {
    const text = [
      "apiVersion: v1",
      "kind: ConfigMapList",
      "items:",
      "- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {k: first}}",
      "---",
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata: {name: a}",
      "data: {k: second}",
    ].join("\n");
    expect(parsePatchText(text, SRC)).toEqual({
      ok: true,
      kind: "smp",
      patches: [
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { k: "second" } },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { k: "first" } },
      ],
    });
  });

  it("rejects text that is neither, or both", () => {
    expect(parsePatchText("metadata:\n  name: x\nspec: {}", SRC)).toEqual({
      ok: false,
      error: `unable to parse SM or JSON patch from ${SRC}`,
    });
    expect(parsePatchText("kind: HelmRelease\nspec: {}", SRC)).toEqual({
      ok: false,
      error: `unable to parse SM or JSON patch from ${SRC}`,
    });
    expect(parsePatchText("# just a comment\n", SRC)).toEqual({
      ok: false,
      error: `illegally qualifies as both an SM and JSON patch: ${SRC}`,
    });
    expect(parsePatchText("[{op: add, path: /a}]", SRC)).toEqual({
      ok: false,
      error: `unable to parse SM or JSON patch from ${SRC}`,
    });
  });
});
