import { describe, expect, it } from "vitest";
import { dereferenceJsonSchema } from "../support/helm/json-schema-deref.ts";
import { findPath, PathSyntaxError } from "../support/helm/yaml-jsonpath.ts";

const doc = {
  kind: "Deployment",
  metadata: { name: "app", labels: { "app.kubernetes.io/name": "app" } },
  spec: {
    replicas: 2n,
    containers: [
      { name: "main", image: "x:1", ports: [{ containerPort: 80n }] },
      { name: "sidecar", image: "y:2" },
    ],
  },
};

describe("findPath (yaml-jsonpath, as helm-unittest evaluates paths)", () => {
  it("follows children, indexes and quoted keys", () => {
    expect(findPath(doc, "spec.containers[0].image")).toEqual(["x:1"]);
    expect(findPath(doc, "spec.containers[-1].name")).toEqual(["sidecar"]);
    expect(findPath(doc, 'metadata.labels["app.kubernetes.io/name"]')).toEqual(["app"]);
    expect(findPath(doc, "spec.containers[*].name")).toEqual(["main", "sidecar"]);
    expect(findPath(doc, "spec.containers[0:1].name")).toEqual(["main"]);
    expect(findPath(doc, "$..containerPort")).toEqual([80n]);
    expect(findPath(doc, "spec.missing")).toEqual([]);
    expect(findPath(doc, "spec.containers.name")).toEqual([]);
  });

  it("filters a sequence's items, and a mapping itself", () => {
    expect(findPath(doc, 'spec.containers[?(@.name == "sidecar")].image')).toEqual(["y:2"]);
    expect(findPath(doc, "spec.containers[?(@.ports)].name")).toEqual(["main"]);
    expect(findPath(doc, '$[?(@.kind == "Deployment")].metadata.name')).toEqual(["app"]);
    expect(findPath(doc, "$[?(@.kind == 'Service')].metadata.name")).toEqual([]);
    expect(findPath(doc, "$[?(@.spec.replicas >= 2 && !(@.kind != 'Deployment'))].kind")).toEqual([
      "Deployment",
    ]);
    expect(findPath(doc, "spec.containers[?(@.image =~ /^y/)].name")).toEqual(["sidecar"]);
  });

  it("refuses what it does not implement", () => {
    expect(() => findPath(doc, "metadata.labels~")).toThrow(PathSyntaxError);
  });
});

describe("dereferenceJsonSchema (json-schema-ref-parser's dereference)", () => {
  it("inlines references across files, an extended reference keeping its own keys", () => {
    const files: Record<string, unknown> = {
      "values.schema.json": {
        properties: { a: { $ref: "defs/x.json#/x" }, b: { description: "mine", $ref: "defs/x.json#/y" } },
      },
      "defs/x.json": { x: { type: "string" }, y: { description: "theirs", $ref: "#/x" } },
    };
    expect(dereferenceJsonSchema("values.schema.json", (p) => files[p])).toEqual({
      properties: { a: { type: "string" }, b: { description: "mine", type: "string" } },
    });
  });
});
