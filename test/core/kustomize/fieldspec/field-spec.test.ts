import { describe, expect, it } from "vitest";
import {
  compareGvk,
  fieldSpec,
  gvkMatches,
  gvkString,
  mergeFieldSpec,
  mergeFieldSpecs,
  sortFieldSpecs,
  splitFieldPath,
} from "../../../../src/core/kustomize/fieldspec/field-spec.ts";

describe("core/kustomize/fieldspec/field-spec", () => {
  it("splits paths at slashes, dropping one leading slash and keeping escaped slashes in keys", () => {
    expect(splitFieldPath("spec/template/spec/containers[]/image")).toEqual([
      "spec",
      "template",
      "spec",
      "containers[]",
      "image",
    ]);
    expect(splitFieldPath("/metadata/name")).toEqual(["metadata", "name"]);
    expect(splitFieldPath("metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret")).toEqual([
      "metadata",
      "annotations",
      "nginx.ingress.kubernetes.io/auth-secret",
    ]);
    expect(splitFieldPath("a\\/b\\/c/d")).toEqual(["a/b/c", "d"]);
    expect(splitFieldPath("")).toEqual([""]);
  });

  it("selects by group, version and kind with empty fields matching anything", () => {
    const deploy = { group: "apps", version: "v1", kind: "Deployment" };
    expect(gvkMatches(deploy, fieldSpec("x"))).toBe(true);
    expect(gvkMatches(deploy, fieldSpec("x", { kind: "Deployment" }))).toBe(true);
    expect(gvkMatches(deploy, fieldSpec("x", { group: "apps", kind: "Deployment" }))).toBe(true);
    expect(gvkMatches(deploy, fieldSpec("x", { group: "extensions", kind: "Deployment" }))).toBe(false);
    expect(gvkMatches(deploy, fieldSpec("x", { version: "v1beta1" }))).toBe(false);
    expect(gvkMatches(deploy, fieldSpec("x", { kind: "StatefulSet" }))).toBe(false);
  });

  it("prints a Gvk like kustomize", () => {
    expect(gvkString(fieldSpec("x", { kind: "Deployment" }))).toBe("Deployment.[noVer].[noGrp]");
    expect(gvkString({ group: "apps", version: "v1", kind: "StatefulSet" })).toBe("StatefulSet.v1.apps");
  });

  it("sorts by kustomize's kind order, then group_version_kind with ~ placeholders", () => {
    // The order kubectl prints in the replicas "does not match" message.
    const sorted = sortFieldSpecs([
      fieldSpec("spec/replicas", { kind: "ReplicationController" }),
      fieldSpec("spec/replicas", { kind: "ReplicaSet" }),
      fieldSpec("spec/replicas", { kind: "StatefulSet" }),
      fieldSpec("spec/replicas", { kind: "Deployment" }),
    ]);
    expect(sorted.map((fs) => fs.kind)).toEqual([
      "Deployment",
      "StatefulSet",
      "ReplicaSet",
      "ReplicationController",
    ]);
    expect(
      compareGvk(
        { group: "", version: "", kind: "Widget" },
        { group: "", version: "", kind: "ValidatingWebhookConfiguration" },
      ),
    ).toBeLessThan(0);
    expect(
      compareGvk({ group: "", version: "", kind: "Namespace" }, { group: "", version: "", kind: "Widget" }),
    ).toBeLessThan(0);
    expect(
      compareGvk({ group: "a", version: "", kind: "X" }, { group: "", version: "", kind: "X" }),
    ).toBeLessThan(0);
  });

  it("merges without duplicates: an entry whose Gvk is covered by the incoming one with the same path is kept once", () => {
    const list = [
      fieldSpec("metadata/labels", { create: true }),
      fieldSpec("spec/selector", { kind: "Service", create: true }),
    ];
    expect(mergeFieldSpec(list, fieldSpec("metadata/labels", { create: true }))).toEqual({ list });
    // The existing Service entry is selected by an incoming spec without Gvk: nothing is added.
    expect(mergeFieldSpec(list, fieldSpec("spec/selector", { create: true }))).toEqual({ list });
    // An incoming Service spec is not covered by an existing spec for all kinds with another path.
    const added = mergeFieldSpec(list, fieldSpec("spec/selector", { kind: "Deployment", create: true }));
    expect(added.list).toHaveLength(3);
  });

  it("reports kustomize's conflict when the covered entry disagrees on create", () => {
    const list = [fieldSpec("metadata/labels", { create: true })];
    expect(mergeFieldSpec(list, fieldSpec("metadata/labels", { create: false }))).toEqual({
      list,
      error: "conflicting fieldspecs",
    });
    expect(mergeFieldSpecs(list, [fieldSpec("a"), fieldSpec("metadata/labels")]).error).toBe(
      "conflicting fieldspecs",
    );
  });
});
