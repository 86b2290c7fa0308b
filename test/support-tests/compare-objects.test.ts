import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  compareObjectSets,
  objectKey,
  shortDiff,
  stripOriginAnnotations,
} from "../support/conformance/compare-objects.ts";

const cm = (name: string, data: Record<string, string>, ns = "apps") => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: ns },
  data,
});

describe("test/support/conformance/compare-objects.ts", () => {
  it("keys objects by apiVersion/kind/namespace/name", () => {
    expect(objectKey(cm("a", {}))).toBe("v1/ConfigMap/apps/a");
    expect(objectKey({ kind: "Namespace", metadata: { name: "x" } })).toBe("/Namespace//x");
    expect(objectKey("text")).toBe('(not an object: "text")');
  });

  it("writes canonical JSON with sorted keys at every level", () => {
    expect(canonicalJson({ b: 1, a: [{ y: true, x: null }] })).toBe('{"a":[{"x":null,"y":true}],"b":1}');
  });

  it("compares as an order-independent multiset", () => {
    const r = compareObjectSets([cm("a", { k: "1" }), cm("b", {})], [cm("b", {}), cm("a", { k: "1" })]);
    expect(r).toEqual({ equal: true, onlyOurs: [], onlyRef: [], differing: [] });
  });

  it("reports missing, extra and differing objects with a diff of the first differing one", () => {
    const r = compareObjectSets(
      [cm("a", { k: "two" }), cm("extra", {})],
      [cm("a", { k: "one" }), cm("gone", {})],
    );
    expect(r).toEqual({
      equal: false,
      onlyOurs: ["v1/ConfigMap/apps/extra"],
      onlyRef: ["v1/ConfigMap/apps/gone"],
      differing: ["v1/ConfigMap/apps/a"],
      firstDiff: {
        key: "v1/ConfigMap/apps/a",
        diff: [
          "  apiVersion: v1",
          "  data:",
          "-   k: one",
          "+   k: two",
          "  kind: ConfigMap",
          "  metadata:",
        ].join("\n"),
      },
    });
  });

  it("treats a number and a string of the same digits as different (scalar typing matters)", () => {
    const r = compareObjectSets(
      [{ kind: "X", metadata: { name: "a" }, v: 1 }],
      [{ kind: "X", metadata: { name: "a" }, v: "1" }],
    );
    expect(r.equal).toBe(false);
  });

  it("drops kustomize's origin-style annotations (and an emptied map) for the documented normalization", () => {
    const o = {
      kind: "X",
      metadata: { name: "a", annotations: { "config.kubernetes.io/origin": "path: a.yaml\n" } },
    };
    expect(stripOriginAnnotations(o)).toEqual({ kind: "X", metadata: { name: "a" } });
    const kept = {
      kind: "X",
      metadata: { name: "a", annotations: { keep: "1", "config.kubernetes.io/origin": "x" } },
    };
    expect(stripOriginAnnotations(kept)).toEqual({
      kind: "X",
      metadata: { name: "a", annotations: { keep: "1" } },
    });
    const r = compareObjectSets([o], [{ kind: "X", metadata: { name: "a" } }], stripOriginAnnotations);
    expect(r.equal).toBe(true);
  });

  it("limits the short diff and marks skipped unchanged lines", () => {
    const before = { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8 };
    const after = { ...before, a: 0, h: 9 };
    expect(shortDiff(before, after, 16, 1)).toBe(
      ["- a: 1", "+ a: 0", "  b: 2", "  ...", "  g: 7", "- h: 8", "+ h: 9"].join("\n"),
    );
    expect(shortDiff(before, after, 3, 1)).toBe(
      ["- a: 1", "+ a: 0", "  b: 2", "  ... (4 more lines)"].join("\n"),
    );
  });
});
