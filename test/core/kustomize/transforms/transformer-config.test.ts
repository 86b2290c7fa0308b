import { describe, expect, it } from "vitest";
import { fieldSpec } from "../../../../src/core/kustomize/fieldspec/field-spec.ts";
import {
  defaultTransformerConfig,
  emptyTransformerConfig,
  mergeTransformerConfigs,
  parseTransformerConfig,
  type TransformerConfig,
} from "../../../../src/core/kustomize/transforms/transformer-config.ts";
import { readYamlDocuments } from "../../../../src/core/yaml/read-documents.ts";
import { objects } from "./fixtures.ts";

function parse(yaml: string): TransformerConfig {
  const [doc] = objects(yaml);
  const parsed = parseTransformerConfig(doc);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.config;
}

function parseError(yaml: string): string {
  const doc = readYamlDocuments(yaml, "kc.yaml").documents[0]?.value;
  const parsed = parseTransformerConfig(doc);
  return parsed.ok ? "ok" : parsed.message;
}

describe("core/kustomize/transforms/transformer-config", () => {
  it("holds kustomize v5.5.0's default tables", () => {
    const c = defaultTransformerConfig();
    expect(c.namePrefix).toEqual([fieldSpec("metadata/name")]);
    expect(c.nameSuffix).toEqual([fieldSpec("metadata/name")]);
    expect(c.namespace).toEqual([
      fieldSpec("metadata/name", { kind: "Namespace", create: true }),
      fieldSpec("spec/conversion/webhook/clientConfig/service/namespace", {
        group: "apiextensions.k8s.io",
        kind: "CustomResourceDefinition",
      }),
      fieldSpec("spec/service/namespace", {
        group: "apiregistration.k8s.io",
        kind: "APIService",
        create: true,
      }),
    ]);
    expect(c.commonLabels).toHaveLength(32);
    expect(c.templateLabels).toHaveLength(10);
    expect(c.commonAnnotations).toHaveLength(9);
    expect(c.varReference).toHaveLength(72);
    expect(c.labels).toEqual([]);
    expect(c.images.map((fs) => fs.path)).toEqual([
      "spec/containers[]/image",
      "spec/initContainers[]/image",
      "spec/template/spec/containers[]/image",
      "spec/template/spec/initContainers[]/image",
    ]);
    expect(c.replicas.map((fs) => fs.kind)).toEqual([
      "Deployment",
      "StatefulSet",
      "ReplicaSet",
      "ReplicationController",
    ]);
    expect(c.nameReference.map((n) => n.kind)).toEqual([
      "StorageClass",
      "ServiceAccount",
      "Role",
      "ClusterRole",
      "ConfigMap",
      "Secret",
      "Service",
      "PriorityClass",
      "PersistentVolume",
      "PersistentVolumeClaim",
      "Deployment",
      "StatefulSet",
      "ValidatingAdmissionPolicy",
      "IngressClass",
      "ReplicaSet",
      "ReplicationController",
    ]);
    const configMap = c.nameReference.find((n) => n.kind === "ConfigMap")!;
    expect(configMap).toMatchObject({ group: "", version: "v1" });
    expect(configMap.referrers).toHaveLength(52);
    expect(configMap.referrers).toContainEqual(
      fieldSpec("spec/template/spec/volumes/configMap/name", { kind: "Deployment" }),
    );
  });

  it("returns independent copies", () => {
    const a = defaultTransformerConfig();
    a.namePrefix.push(fieldSpec("spec/x"));
    a.nameReference[0]!.referrers.length = 0;
    const b = defaultTransformerConfig();
    expect(b.namePrefix).toHaveLength(1);
    expect(b.nameReference[0]!.referrers.length).toBeGreaterThan(0);
  });

  it("parses a configurations file and merges its nameReference into the matching default entry", () => {
    const config = parse(`
      nameReference:
      - kind: ConfigMap
        version: v1
        fieldSpecs:
        - path: spec/valuesFrom/name
          kind: HelmRelease
      - kind: Secret
        fieldSpecs:
        - path: spec/valuesFrom/name
          kind: HelmRelease
      commonLabels:
      - path: spec/selector/matchLabels
        kind: MyApp
        create: true
    `);
    expect(config.nameReference).toEqual([
      {
        group: "",
        version: "v1",
        kind: "ConfigMap",
        referrers: [fieldSpec("spec/valuesFrom/name", { kind: "HelmRelease" })],
      },
      {
        group: "",
        version: "",
        kind: "Secret",
        referrers: [fieldSpec("spec/valuesFrom/name", { kind: "HelmRelease" })],
      },
    ]);
    const merged = mergeTransformerConfigs(defaultTransformerConfig(), config);
    const configMaps = merged.nameReference.filter((n) => n.kind === "ConfigMap");
    expect(configMaps).toHaveLength(1);
    expect(configMaps[0]!.referrers.at(-1)).toEqual(
      fieldSpec("spec/valuesFrom/name", { kind: "HelmRelease" }),
    );
    // A Secret entry without version is a different Gvk from the default Secret/v1 entry: both stay.
    expect(merged.nameReference.filter((n) => n.kind === "Secret").map((n) => n.version)).toEqual(["v1", ""]);
    expect(merged.commonLabels).toContainEqual(
      fieldSpec("spec/selector/matchLabels", { kind: "MyApp", create: true }),
    );
    expect(merged.commonLabels).toHaveLength(33);
  });

  it("drops duplicates when merging and reports kustomize's conflict for a differing create", () => {
    const dup = parse(`
      commonLabels:
      - path: metadata/labels
        create: true
      images:
      - path: spec/containers[]/image
        create: true
    `);
    const errors: string[] = [];
    expect(mergeTransformerConfigs(defaultTransformerConfig(), dup, errors)).toEqual(
      defaultTransformerConfig(),
    );
    expect(errors).toEqual([]);
    const conflict = parse(`
      commonLabels:
      - path: metadata/labels
        create: false
    `);
    mergeTransformerConfigs(defaultTransformerConfig(), conflict, errors);
    // Verified with kubectl kustomize (configurations: [kc.yaml]).
    expect(errors).toEqual(["failed to merge CommonLabels fieldSpec: conflicting fieldspecs"]);
  });

  it("reads an empty document as an empty config and accepts numbers where strings belong", () => {
    expect(parseTransformerConfig(null)).toEqual({ ok: true, config: emptyTransformerConfig() });
    expect(parse("images:\n- path: 3\n").images).toEqual([fieldSpec("3")]);
  });

  it("rejects what kustomize's strict decoding rejects, with its messages", () => {
    // Each message verified with kubectl kustomize.
    const prefix = "error unmarshaling JSON: while decoding JSON: json: ";
    expect(parseError("foo: 1\n")).toBe(`${prefix}unknown field "foo"`);
    expect(parseError("nameReference:\n- kind: ConfigMap\n  fieldSpecs:\n  - path: a\n    bad: x\n")).toBe(
      `${prefix}unknown field "bad"`,
    );
    expect(parseError("commonLabels: {}\n")).toBe(
      `${prefix}cannot unmarshal object into Go struct field TransformerConfig.commonLabels of type types.FsSlice`,
    );
    expect(parseError("- a\n")).toBe(
      `${prefix}cannot unmarshal array into Go value of type builtinconfig.TransformerConfig`,
    );
    expect(parseError('images:\n- path: a\n  create: "yes"\n')).toBe(
      `${prefix}cannot unmarshal string into Go struct field FieldSpec.images.create of type bool`,
    );
  });
});
