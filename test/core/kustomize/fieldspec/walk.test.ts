import { describe, expect, it } from "vitest";
import { fieldSpec } from "../../../../src/core/kustomize/fieldspec/field-spec.ts";
import {
  applyFieldSpec,
  type FieldSlot,
  setSlot,
  slotValue,
} from "../../../../src/core/kustomize/fieldspec/walk.ts";
import type { JsonObject } from "../../../../src/core/kustomize/resource.ts";
import { objects } from "../transforms/fixtures.ts";

function one(yaml: string): JsonObject {
  const [obj] = objects(yaml);
  return obj!;
}

/** A setter that upper-cases scalars and records where it was called. */
function recorder() {
  const seen: unknown[] = [];
  const set = (slot: FieldSlot) => {
    const v = slotValue(slot);
    seen.push(v);
    if (typeof v === "string") setSlot(slot, v.toUpperCase());
    return undefined;
  };
  return { seen, set };
}

const POD = `
  apiVersion: v1
  kind: Pod
  metadata:
    name: p
  spec:
    containers:
    - name: a
      image: nginx
    - name: b
      image: redis
    - name: c
`;

describe("core/kustomize/fieldspec/walk", () => {
  it("descends into every element of sequences met on the path, without [] markers", () => {
    const obj = one(POD);
    const { seen, set } = recorder();
    expect(applyFieldSpec(obj, fieldSpec("spec/containers/image"), set, "none")).toBeUndefined();
    expect(seen).toEqual(["nginx", "redis"]);
    expect(obj.spec).toEqual({
      containers: [{ name: "a", image: "NGINX" }, { name: "b", image: "REDIS" }, { name: "c" }],
    });
  });

  it("treats a trailing [] as a sequence hint: the field is never created, and null becomes []", () => {
    const obj = one(`
      apiVersion: v1
      kind: Pod
      metadata: {name: p}
      spec:
        containers: null
    `);
    const { seen, set } = recorder();
    expect(
      applyFieldSpec(obj, fieldSpec("spec/containers[]/image", { create: true }), set, "scalar"),
    ).toBeUndefined();
    expect(
      applyFieldSpec(obj, fieldSpec("spec/initContainers[]/image", { create: true }), set, "scalar"),
    ).toBeUndefined();
    expect(seen).toEqual([]);
    expect(obj.spec).toEqual({ containers: [] });
  });

  it("creates missing maps along the path and the last field with the requested kind when create is set", () => {
    const obj = one(`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: d}
    `);
    const setLabel = (slot: FieldSlot) => {
      (slotValue(slot) as JsonObject).team = "a";
      return undefined;
    };
    expect(
      applyFieldSpec(obj, fieldSpec("spec/template/metadata/labels", { create: true }), setLabel, "map"),
    ).toBeUndefined();
    expect(obj.spec).toEqual({ template: { metadata: { labels: { team: "a" } } } });
    const { seen, set } = recorder();
    expect(applyFieldSpec(obj, fieldSpec("spec/replicas", { create: true }), set, "scalar")).toBeUndefined();
    expect(seen).toEqual([""]);
  });

  it("does not create anything without create, nor when the caller gives no create kind", () => {
    const obj = one(`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: d}
    `);
    const { seen, set } = recorder();
    applyFieldSpec(obj, fieldSpec("spec/selector/matchLabels"), set, "map");
    applyFieldSpec(obj, fieldSpec("spec/selector/matchLabels", { create: true }), set, "none");
    expect(seen).toEqual([]);
    expect(obj).toEqual({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } });
  });

  it("turns a null field into the created kind when create is set, and hands null to the setter otherwise", () => {
    const obj = one(`
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: c
        labels: null
        annotations: null
    `);
    const { seen, set } = recorder();
    applyFieldSpec(obj, fieldSpec("metadata/labels", { create: true }), set, "map");
    applyFieldSpec(obj, fieldSpec("metadata/annotations"), set, "map");
    expect(seen).toEqual([{}, null]);
    expect(obj.metadata).toEqual({ name: "c", labels: {}, annotations: null });
  });

  it("only applies to objects selected by the field spec's group, version and kind", () => {
    const obj = one(POD);
    const { seen, set } = recorder();
    applyFieldSpec(obj, fieldSpec("metadata/name", { kind: "Deployment" }), set, "none");
    applyFieldSpec(obj, fieldSpec("metadata/name", { group: "apps" }), set, "none");
    applyFieldSpec(obj, fieldSpec("metadata/name", { version: "v1", kind: "Pod" }), set, "none");
    expect(seen).toEqual(["p"]);
  });

  it("reads escaped slashes as part of a key", () => {
    const obj = one(`
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: i
        annotations:
          nginx.ingress.kubernetes.io/auth-secret: basic
    `);
    const { seen, set } = recorder();
    applyFieldSpec(
      obj,
      fieldSpec("metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret"),
      set,
      "none",
    );
    expect(seen).toEqual(["basic"]);
  });

  it("returns kustomize's errors for scalars in the middle of a path and for empty field names", () => {
    const obj = one(`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: d}
      spec:
        selector: foo
        list: [a]
    `);
    const { set } = recorder();
    // Verified: kubectl kustomize with commonLabels on this Deployment.
    expect(applyFieldSpec(obj, fieldSpec("spec/selector/matchLabels", { create: true }), set, "map")).toBe(
      "considering field 'spec/selector/matchLabels' of object Deployment.v1.apps/d.[noNs]: expected sequence or mapping node",
    );
    expect(applyFieldSpec(obj, fieldSpec("spec/list/x"), set, "none")).toBe(
      "considering field 'spec/list/x' of object Deployment.v1.apps/d.[noNs]: visit traversal on path: [x]: expected sequence or mapping node",
    );
    expect(applyFieldSpec(obj, fieldSpec("spec//x"), set, "none")).toBe(
      "considering field 'spec//x' of object Deployment.v1.apps/d.[noNs]: cannot set or create an empty field name",
    );
  });

  it("keeps __proto__ keys as own data", () => {
    const obj: JsonObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } };
    const setLabel = (slot: FieldSlot) => {
      setSlot(slot, "x");
      return undefined;
    };
    applyFieldSpec(obj, fieldSpec("metadata/__proto__", { create: true }), setLabel, "scalar");
    expect(Object.hasOwn(obj.metadata as object, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(obj.metadata)).toBe(Object.prototype);
  });
});
