import { describe, expect, it } from "vitest";
import { applyJson6902 } from "../../../../src/core/kustomize/patch/json6902.ts";
import type { JsonObject } from "../../../../src/core/kustomize/resource.ts";
import { doc } from "./fixtures.ts";

const TARGET = `
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    finalizers: [a, b]
  spec:
    template:
      spec:
        containers:
        - {name: a, image: "a:1"}
        - {name: b, image: "b:1", args: [x, y]}
`;

function apply(ops: unknown): JsonObject {
  const r = applyJson6902(doc(TARGET), ops);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function error(ops: unknown): string {
  const r = applyJson6902(doc(TARGET), ops);
  if (r.ok) throw new Error("expected an error");
  return r.error;
}

// Expected values and messages are kubectl kustomize v5.5.0 (evanphx/json-patch v4.12.0) behaviour.
describe("core/kustomize/patch/json6902", () => {
  it("applies add, remove, replace, move, copy and test in order", () => {
    const out = apply([
      { op: "replace", path: "/spec/template/spec/containers/0/image", value: "a:2" },
      { op: "remove", path: "/spec/template/spec/containers/1/args/0" },
      { op: "add", path: "/spec/template/spec/containers/1/args/-", value: "appended" },
      { op: "add", path: "/spec/template/spec/containers/1/args/0", value: "first" },
      { op: "copy", from: "/spec/template/spec/containers/0/image", path: "/metadata/labels" },
      { op: "move", from: "/metadata/finalizers", path: "/spec/fin" },
      { op: "test", path: "/spec/template/spec/containers/0/name", value: "a" },
      { op: "add", path: "/metadata/annotations", value: {} },
      { op: "add", path: "/metadata/annotations/a~1b~0c", value: "esc" },
    ]);
    expect(out).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", labels: "a:2", annotations: { "a/b~c": "esc" } },
      spec: {
        fin: ["a", "b"],
        template: {
          spec: {
            containers: [
              { name: "a", image: "a:2" },
              { name: "b", image: "b:1", args: ["first", "y", "appended"] },
            ],
          },
        },
      },
    });
  });

  it("keeps v4's leniencies: replace adds a missing key, negative indexes, paths without a leading slash", () => {
    const out = apply([
      { op: "replace", path: "/spec/newkey", value: 1 },
      { op: "remove", path: "/spec/template/spec/containers/-1" },
      { op: "add", path: "spec/zz", value: 1 },
      { op: "add", path: "/metadata/labels", value: { a: 1 } },
    ]);
    expect(out.spec).toEqual({
      newkey: 1,
      template: { spec: { containers: [{ name: "a", image: "a:1" }] } },
    });
    expect(out.zz).toBe(1);
    expect(out.metadata).toEqual({ name: "web", finalizers: ["a", "b"], labels: { a: 1 } });
  });

  it("tests structural equality and treats a missing value as null", () => {
    const out = apply([
      {
        op: "test",
        path: "/spec/template/spec/containers/1",
        value: { args: ["x", "y"], image: "b:1", name: "b" },
      },
      { op: "add", path: "/spec/x" },
    ]);
    expect(out.spec).toEqual({ x: null, template: (doc(TARGET).spec as JsonObject).template });
    expect(
      error([
        {
          op: "test",
          path: "/spec/template/spec/containers/0",
          value: { name: "a", image: "a:1", extra: 1 },
        },
      ]),
    ).toBe("testing value /spec/template/spec/containers/0 failed: test failed");
  });

  it("reports kustomize's error texts", () => {
    expect(error([{ op: "replace", path: "/spec/nope/x", value: 1 }])).toBe(
      "replace operation does not apply: doc is missing path: /spec/nope/x: missing value",
    );
    expect(error([{ op: "remove", path: "/spec/nope" }])).toBe(
      "error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value",
    );
    expect(error([{ op: "test", path: "/metadata/name", value: "zz" }])).toBe(
      "testing value /metadata/name failed: test failed",
    );
    expect(error([{ op: "add", path: "/spec/template/spec/containers/5", value: 1 }])).toBe(
      "error in add for path: '/spec/template/spec/containers/5': Unable to access invalid index: 5: invalid index referenced",
    );
    expect(error([{ op: "replace", path: "/spec/template/spec/containers/7/image", value: 1 }])).toBe(
      "replace operation does not apply: doc is missing path: /spec/template/spec/containers/7/image: missing value",
    );
    expect(
      error([{ op: "add", path: "/spec/template/spec/containers/{'name':'b'}/image", value: "kx" }]),
    ).toBe(
      "add operation does not apply: doc is missing path: \"/spec/template/spec/containers/{'name':'b'}/image\": missing value",
    );
    expect(error([{ op: "add", path: "", value: 1 }])).toBe(
      'add operation does not apply: doc is missing path: "": missing value',
    );
    expect(error([{ op: "foo", path: "/a" }])).toBe("Unexpected kind: foo");
    expect(error({ op: "add" })).toMatch(
      /^json: cannot unmarshal object into Go value of type jsonpatch.Patch/,
    );
  });

  it("does not modify the target, also when an operation fails midway", () => {
    const target = doc(TARGET);
    const before = structuredClone(target);
    applyJson6902(target, [{ op: "add", path: "/spec/a", value: 1 }]);
    applyJson6902(target, [
      { op: "add", path: "/spec/b", value: 1 },
      { op: "remove", path: "/spec/missing" },
    ]);
    expect(target).toEqual(before);
  });
});
