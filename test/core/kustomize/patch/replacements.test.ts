import { describe, expect, it } from "vitest";
import { splitFieldPath } from "../../../../src/core/kustomize/patch/field-path.ts";
import { applyReplacements } from "../../../../src/core/kustomize/patch/replacements.ts";
import { levelWith, objects, problems, resmapOf } from "./fixtures.ts";

const RESOURCES = `
  apiVersion: v1
  kind: ConfigMap
  metadata: {name: src}
  data:
    host: db.example.com
    port: "5432"
    image: "nginx:1.25"
    flag: "true"
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    replicas: 1
    template:
      spec:
        containers:
        - name: app
          image: "app:1"
          env:
          - {name: HOST, value: x}
        - name: app-sidecar
          image: "side:1"
`;

// Expected objects and messages are kubectl kustomize v5.5.0 output for the same replacements.
describe("core/kustomize/patch/replacements", () => {
  it("copies values, typing created fields from their text and keeping the type of existing scalars", () => {
    const level = levelWith("resources: [res.yaml]");
    const m = resmapOf(RESOURCES);
    applyReplacements(level, m, [
      {
        source: { kind: "ConfigMap", name: "src", fieldPath: "data.port" },
        targets: [
          {
            select: { kind: "Deployment" },
            fieldPaths: [
              "spec.replicas",
              "spec.template.spec.containers.[name=app].env.[name=HOST].value",
              "spec.template.metadata.annotations.port",
              "spec.template.spec.newInt",
            ],
            options: { create: true },
          },
        ],
      },
      {
        source: {
          kind: "ConfigMap",
          name: "src",
          fieldPath: "data.image",
          options: { delimiter: ":", index: 1 },
        },
        targets: [
          {
            select: { kind: "Deployment", name: "web" },
            fieldPaths: ["spec.template.spec.containers.[name=app].image"],
            options: { delimiter: ":", index: 1 },
          },
        ],
      },
      {
        source: { kind: "ConfigMap", name: "src", fieldPath: "data.flag" },
        targets: [
          {
            select: { kind: "Deployment" },
            fieldPaths: ["spec.template.spec.flag", "metadata.labels.[app.kubernetes.io/flag]"],
            options: { create: true },
          },
        ],
      },
      {
        source: { kind: "ConfigMap", name: "src" },
        targets: [
          {
            select: { kind: "Deployment" },
            fieldPaths: ["spec.template.spec.containers.*.args.0"],
            options: { create: true },
          },
        ],
      },
    ]);
    expect(problems(level)).toEqual([]);
    expect(objects(m)[1]).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", labels: { "app.kubernetes.io/flag": true } },
      spec: {
        replicas: 5432,
        template: {
          metadata: { annotations: { port: 5432 } },
          spec: {
            // `[name=app]` is an unanchored regex: the sidecar matches too and gets an env list created
            containers: [
              { name: "app", image: "app:1.25", env: [{ name: "HOST", value: "5432" }], args: ["src"] },
              {
                name: "app-sidecar",
                image: "side:1.25",
                env: [{ name: "HOST", value: 5432 }],
                args: ["src"],
              },
            ],
            flag: true,
            newInt: 5432,
          },
        },
      },
    });
  });

  it("honours reject, namespaces, delimiter splicing and replacement files", () => {
    const level = levelWith("resources: [res.yaml]", {
      "app/repl.yaml": `
        source: {kind: ConfigMap, name: cfg, namespace: default, fieldPath: data.a}
        targets:
        - select: {kind: Deployment, namespace: prod}
          fieldPaths: [spec.replicas]
          options: {create: yes}
      `,
    });
    const m = resmapOf(`
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, labels: {tier: fe}}
      spec: {template: {spec: {containers: [{name: app, image: "app:1"}]}}}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: api, namespace: prod, labels: {tier: be}}
      spec: {template: {spec: {containers: [{name: app, image: "api:1"}]}}}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {ports: [{port: 80}]}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: cfg}
      data: {a: "1"}
    `);
    applyReplacements(level, m, [
      {
        source: { kind: "Service", name: "web", fieldPath: "spec.ports.0.port" },
        targets: [
          {
            select: { kind: "Deployment" },
            reject: [{ name: "api" }, { labelSelector: "tier=be" }],
            fieldPaths: ["spec.template.metadata.annotations.port"],
            options: { create: true },
          },
        ],
      },
      {
        source: {
          kind: "Deployment",
          name: "web",
          fieldPath: "spec.template.spec.containers.[name=app].image",
          options: { delimiter: ":" },
        },
        targets: [
          { select: { kind: "ConfigMap" }, fieldPaths: ["data.image"], options: { create: true } },
          {
            select: { name: "web", kind: "Service" },
            fieldPaths: ["metadata.annotations.img"],
            options: { create: true, delimiter: "-", index: 5 },
          },
        ],
      },
      { path: "repl.yaml" },
    ]);
    expect(problems(level)).toEqual([]);
    expect(objects(m)).toEqual([
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", labels: { tier: "fe" } },
        spec: {
          template: {
            metadata: { annotations: { port: 80 } },
            spec: { containers: [{ name: "app", image: "app:1" }] },
          },
        },
      },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "api", namespace: "prod", labels: { tier: "be" } },
        spec: { replicas: 1, template: { spec: { containers: [{ name: "app", image: "api:1" }] } } },
      },
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "web", annotations: { img: "-app" } },
        spec: { ports: [{ port: 80 }] },
      },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" }, data: { a: "1", image: "app" } },
    ]);
    expect(level.ctx.reads).toEqual(new Set(["app/repl.yaml", "app/kustomization.yaml"]));
  });

  it("replaces whole maps, writes '' into scalars given a map, loses fields created under an explicit null", () => {
    const level = levelWith("resources: [res.yaml]");
    const m = resmapOf(`
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: src}
      data: {v: hello}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, annotations: {nul: null}}
      spec:
        strategy: null
        template: {spec: {containers: [{name: app, env: [{name: X}]}, {name: b, image: "b:1"}]}}
    `);
    applyReplacements(level, m, [
      {
        source: { kind: "ConfigMap", name: "src", fieldPath: "data.v" },
        targets: [
          {
            select: { kind: "Deployment" },
            fieldPaths: ["spec.strategy.type", "metadata.annotations.nul"],
            options: { create: true },
          },
        ],
      },
      {
        source: { kind: "ConfigMap", name: "src", fieldPath: "data" },
        targets: [
          {
            select: { kind: "Deployment" },
            fieldPaths: ["spec.template.spec.containers.1.image", "spec.template.spec.containers.0.env.0"],
          },
        ],
      },
    ]);
    expect(problems(level)).toEqual([]);
    expect(objects(m)[1]).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", annotations: { nul: "hello" } },
      spec: {
        strategy: null,
        template: {
          spec: {
            containers: [
              { name: "app", env: [{ v: "hello" }] },
              { name: "b", image: "" },
            ],
          },
        },
      },
    });
  });

  it("reports kustomize's errors and leaves every resource as it was", () => {
    const level = levelWith(`
      resources: [res.yaml]
      replacements:
      - r0
      - r1
      - r2
      - r3
      - r4
      - r5
      - r6
    `);
    const m = resmapOf(RESOURCES);
    const before = structuredClone(objects(m));
    const host = { kind: "ConfigMap", name: "src", fieldPath: "data.host" };
    applyReplacements(level, m, [
      {
        source: { kind: "ConfigMap", name: "src", fieldPath: "data.missing" },
        targets: [{ select: { kind: "Deployment" } }],
      },
      {
        source: { kind: "ConfigMap", name: "nope", fieldPath: "data.host" },
        targets: [{ select: { kind: "Deployment" } }],
      },
      { source: host, targets: [{ select: { kind: "Deployment" }, fieldPaths: ["spec.nope.x"] }] },
      // the first target is written before the second fails: both are rolled back
      {
        source: host,
        targets: [
          {
            select: { kind: "Deployment" },
            fieldPaths: ["spec.template.spec.containers.0.image", "spec.replicas"],
          },
        ],
      },
      { source: host },
      { source: {}, targets: [{ select: {} }] },
      { path: "repl.yaml", source: host },
    ]);
    expect(objects(m)).toEqual(before);
    expect(problems(level).map(([code, message, line]) => [code, message, line])).toEqual([
      [
        "kustomize-patch-invalid",
        "fieldPath `data.missing` is missing for replacement source ConfigMap.[noVer].[noGrp]/src.[noNs]",
        3,
      ],
      ["kustomize-patch-invalid", "nothing selected by ConfigMap.[noVer].[noGrp]/nope.[noNs]:data.host", 4],
      ["kustomize-patch-invalid", 'unable to find field "spec.nope.x" in replacement target', 5],
      ["kustomize-patch-invalid", "yaml: cannot decode !!str `db.example.com` as a !!int", 6],
      ["kustomize-patch-invalid", "replacements must specify a source and at least one target", 7],
      [
        "kustomize-patch-invalid",
        "multiple matches for selector [noKind].[noVer].[noGrp]/[noName].[noNs]",
        8,
      ],
      ["kustomize-patch-invalid", "cannot specify both path and inline replacement", 9],
    ]);
  });
});

describe("core/kustomize/patch/field-path", () => {
  it("splits like kustomize's SmarterPathSplitter", () => {
    expect(splitFieldPath("spec.template.spec.containers.[name=com.foo.app].image")).toEqual([
      "spec",
      "template",
      "spec",
      "containers",
      "[name=com.foo.app]",
      "image",
    ]);
    expect(splitFieldPath("metadata.annotations.[a.b/c]")).toEqual(["metadata", "annotations", "a.b/c"]);
    expect(splitFieldPath("data.a\\.b.c")).toEqual(["data", "a.b", "c"]);
    expect(splitFieldPath(".a.0")).toEqual(["a", "0"]);
  });
});
