import { describe, expect, it } from "vitest";
import {
  applyPatches,
  applyPatchesJson6902,
  applyPatchesStrategicMerge,
} from "../../../../src/core/kustomize/patch/apply-patches.ts";
import { docs, levelWith, objects, problems, resmapOf } from "./fixtures.ts";

const RESOURCES = `
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    labels: {tier: fe}
  spec:
    replicas: 1
    template:
      spec:
        containers:
        - {name: app, image: "app:1"}
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web-extra
    labels: {tier: fe}
  spec:
    template:
      spec:
        containers:
        - {name: app, image: "x:1"}
  ---
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: cfg
  data: {a: "1"}
`;

// Expected objects are kubectl kustomize v5.5.0 output for the same kustomization.
describe("core/kustomize/patch/apply-patches", () => {
  it("applies file and inline patches, SMP and JSON 6902, with and without targets", () => {
    const level = levelWith("resources: [res.yaml]", {
      "app/patch.yaml": `
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
              - name: app
                env:
                - {name: FROM_FILE, value: "1"}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cfg
        data:
          b: "2"
      `,
      "app/ops.json": `[{"op": "replace", "path": "/spec/replicas", "value": 3}]`,
    });
    const m = resmapOf(RESOURCES);
    applyPatches(level, m, [
      { path: "patch.yaml" },
      { path: "ops.json", target: { kind: "Deployment", name: "web" } },
      {
        target: { labelSelector: "tier=fe" },
        patch:
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ignored-name\n  labels: {patched: 'true'}\n",
      },
      {
        target: { kind: "Deployment", name: "web-.*" },
        patch: "- op: add\n  path: /metadata/annotations/note\n  value: regex\n",
      },
      { target: { kind: "Secret" }, patch: "- op: add\n  path: /x\n  value: 1" },
    ]);
    expect(problems(level)).toEqual([]);
    expect(objects(m)).toEqual([
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", labels: { tier: "fe", patched: "true" } },
        spec: {
          replicas: 3,
          template: {
            spec: { containers: [{ name: "app", image: "app:1", env: [{ name: "FROM_FILE", value: "1" }] }] },
          },
        },
      },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: {
          name: "web-extra",
          labels: { tier: "fe", patched: "true" },
          annotations: { note: "regex" },
        },
        spec: { template: { spec: { containers: [{ name: "app", image: "x:1" }] } } },
      },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg" }, data: { a: "1", b: "2" } },
    ]);
    expect(level.ctx.reads).toEqual(new Set(["app/patch.yaml", "app/ops.json"]));
  });

  it("patches a HelmRelease's values: lists are replaced, maps merged", () => {
    const level = levelWith("resources: [hr.yaml]");
    const m = resmapOf(`
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata: {name: app, namespace: apps}
      spec:
        values:
          ingress: {enabled: false, hosts: [a.example.com]}
          env: [{name: A, value: "1"}, {name: B, value: "2"}]
    `);
    applyPatches(level, m, [
      {
        patch: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: app, namespace: apps}
spec:
  values:
    ingress: {enabled: true, hosts: [b.example.com]}
    env: [{name: B, value: "20"}]
`,
      },
    ]);
    expect(objects(m)).toEqual([
      {
        apiVersion: "helm.toolkit.fluxcd.io/v2",
        kind: "HelmRelease",
        metadata: { name: "app", namespace: "apps" },
        spec: {
          values: { ingress: { enabled: true, hosts: ["b.example.com"] }, env: [{ name: "B", value: "20" }] },
        },
      },
    ]);
  });

  it("matches a patch without target by original name and effective namespace, keeps name and namespace", () => {
    const level = levelWith("resources: [base]");
    const m = resmapOf("{apiVersion: v1, kind: ConfigMap, metadata: {name: p-b}, data: {k: v}}");
    const r = m.resources[0];
    if (!r) throw new Error("no resource");
    r.prevIds.push({ group: "", version: "v1", kind: "ConfigMap", name: "b", namespace: "" });
    applyPatches(level, m, [
      {
        patch: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: default\ndata:\n  k2: v2",
      },
    ]);
    expect(objects(m)).toEqual([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "p-b" }, data: { k: "v", k2: "v2" } },
    ]);
  });

  it("deletes objects with $patch: delete, through patches and patchesStrategicMerge (inline or file)", () => {
    const level = levelWith("resources: [res.yaml]", {
      "app/del.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n$patch: delete\n",
    });
    const m = resmapOf(RESOURCES);
    applyPatches(level, m, [
      { patch: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n$patch: delete" },
    ]);
    applyPatchesStrategicMerge(level, m, [
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-extra\n$patch: delete\n",
      "del.yaml",
    ]);
    expect(problems(level)).toEqual([]);
    expect(objects(m)).toEqual([]);
    // The kustomization file is read too (entries are located in it).
    expect(level.ctx.reads).toEqual(new Set(["app/del.yaml", "app/kustomization.yaml"]));
  });

  it("rewrites labels/annotations of targeted patches to string maps, so `labels: null` deletes nothing there", () => {
    const level = levelWith("resources: [cm.yaml]");
    const m = resmapOf(`
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: a, labels: {x: "1"}, annotations: {"y": "2"}}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: b, labels: {x: "1"}, annotations: {"y": "2"}}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: c, labels: {x: "1"}, annotations: {"y": "2"}}
    `);
    applyPatchesStrategicMerge(level, m, [
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: null\n  annotations: {n: 5}\n",
    ]);
    applyPatches(level, m, [
      {
        target: { name: "b" },
        patch:
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: zz\n  labels: null\n  annotations: {z: 5}",
      },
      {
        patch:
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels: null\n  annotations: {z: '5'}",
      },
    ]);
    expect(objects(m).map((o) => o.metadata)).toEqual([
      { name: "a", labels: { x: "1" }, annotations: { n: "5", y: "2" } },
      { name: "b", labels: { x: "1" }, annotations: { y: "2", z: "5" } },
      { name: "c", annotations: { y: "2", z: "5" } },
    ]);
  });

  it("changes name and kind only when allowed; later patches still find the object by its old id", () => {
    const level = levelWith("resources: [role.yaml]");
    const m = resmapOf(`
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata: {name: reader}
      rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
    `);
    applyPatches(level, m, [
      {
        target: { kind: "ClusterRole" },
        options: { allowKindChange: true, allowNameChange: true },
        patch:
          "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: renamed\n  finalizers: [x]",
      },
      {
        patch:
          "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  finalizers: [y]",
      },
      {
        target: { kind: "Role" },
        patch:
          "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: not-applied\n  namespace: nope",
      },
    ]);
    expect(problems(level)).toEqual([]);
    expect(objects(m)).toEqual([
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: "renamed", finalizers: ["y", "x"] },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
      },
    ]);
  });

  it("lets JSON patches in `patches` add annotation keys to objects without annotations; patchesJson6902 cannot", () => {
    const level = levelWith("resources: [res.yaml]");
    const m = resmapOf(RESOURCES);
    applyPatches(level, m, [
      { target: { kind: "ConfigMap" }, patch: '[{"op":"add","path":"/metadata/annotations/x","value":"1"}]' },
    ]);
    applyPatchesJson6902(level, m, [
      {
        target: { kind: "Deployment", name: "web" },
        patch: '[{"op":"add","path":"/metadata/annotations/x","value":"1"}]',
      },
    ]);
    expect(objects(m)[2]).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cfg", annotations: { x: "1" } },
      data: { a: "1" },
    });
    expect(problems(level)).toEqual([
      [
        "kustomize-patch-invalid",
        'add operation does not apply: doc is missing path: "/metadata/annotations/x": missing value',
        1,
      ],
    ]);
    expect(objects(m)[0]?.metadata).toEqual({ name: "web", labels: { tier: "fe" } });
  });

  it("applies patchesJson6902 from files (YAML read as YAML 1.1) and inline JSON", () => {
    const level = levelWith("resources: [res.yaml]", {
      "app/ops.yaml": `
        # a comment first
        - op: add
          path: /spec/template/spec/containers/0/env
          value:
          - {name: A, value: "on"}
          - {name: B, value: yes}
        - op: remove
          path: /metadata/labels/tier
      `,
    });
    const m = resmapOf(RESOURCES);
    applyPatchesJson6902(level, m, [
      { target: { group: "apps", version: "v1", kind: "Deployment", name: "web" }, path: "ops.yaml" },
      {
        target: { version: "v1", kind: "ConfigMap", name: "cfg" },
        patch:
          '[{"op": "copy", "from": "/data/a", "path": "/data/a2"}, {"op":"move","from":"/data/a","path":"/data/moved"}]',
      },
    ]);
    expect(problems(level)).toEqual([]);
    expect(objects(m)[0]).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", labels: {} },
      spec: {
        replicas: 1,
        template: {
          spec: {
            containers: [
              {
                name: "app",
                image: "app:1",
                env: [
                  { name: "A", value: "on" },
                  { name: "B", value: true },
                ],
              },
            ],
          },
        },
      },
    });
    expect(objects(m)[2]?.data).toEqual({ a2: "1", moved: "1" });
  });

  it("reports kustomize's errors at the entry and leaves the resources unchanged", () => {
    const level = levelWith(`
      resources: [res.yaml]
      patches:
      - patch: nope
      - path: missing.yaml
      - patch: "[1]"
      - patch: "- op: add"
      - patch: nope2
      - patch: nope3
      - patch: nope4
    `);
    const m = resmapOf(RESOURCES);
    const before = structuredClone(objects(m));
    applyPatches(level, m, [
      { patch: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: missing\ndata: {x: y}" },
      { path: "missing.yaml" },
      { patch: "metadata:\n  name: x\nspec: {}" },
      { patch: "- op: add\n  path: /x\n  value: 1" },
      {
        target: { kind: "ConfigMap" },
        patch:
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}",
      },
      {
        target: { kind: "Deployment", name: "web-extra" },
        patch: '[{"op": "remove", "path": "/spec/replicas"}]',
      },
      { patch: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: {a: 1}}" },
    ]);
    expect(objects(m)).toEqual(before);
    expect(problems(level)).toEqual([
      [
        "kustomize-patch-no-match",
        'no resource matches strategic merge patch "ConfigMap.v1.[noGrp]/missing.[noNs]": no matches for Id ConfigMap.v1.[noGrp]/missing.[noNs]; failed to find unique target for patch ConfigMap.v1.[noGrp]/missing.[noNs]',
        3,
      ],
      ["kustomize-missing-path", 'patch file "missing.yaml" (app/missing.yaml) does not exist.', 4],
      [
        "kustomize-patch-invalid",
        'unable to parse SM or JSON patch from [patch: "metadata:\\n  name: x\\nspec: {}"]',
        5,
      ],
      [
        "kustomize-patch-invalid",
        'must specify a target for JSON patch [patch: "- op: add\\n  path: /x\\n  value: 1"]',
        6,
      ],
      [
        "kustomize-patch-invalid",
        'Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field: [patch: "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\n---\\napiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: b}"]',
        7,
      ],
      [
        "kustomize-patch-invalid",
        "error in remove for path: '/spec/replicas': Unable to remove nonexistent key: replicas: missing value",
        8,
      ],
      [
        "kustomize-patch-invalid",
        "wrong node kind: expected ScalarNode but got MappingNode: node contents:\na: 1",
        9,
      ],
    ]);
  });

  it("reports patchesStrategicMerge and patchesJson6902 errors", () => {
    const level = levelWith(`
      resources: [res.yaml]
      patchesStrategicMerge:
      - nope
      - missing.yaml
      patchesJson6902:
      - target: {kind: ConfigMap}
      - target: {kind: ConfigMap, name: cfg}
    `);
    const m = resmapOf(RESOURCES);
    applyPatchesStrategicMerge(level, m, [
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nope\n",
      "missing.yaml",
    ]);
    applyPatchesJson6902(level, m, [
      { target: { kind: "ConfigMap" }, patch: "[]" },
      { target: { kind: "ConfigMap", name: "cfg" }, patch: "[]" },
    ]);
    expect(problems(level)).toEqual([
      ["kustomize-missing-path", 'patch file "missing.yaml" (app/missing.yaml) does not exist.', 4],
      [
        "kustomize-patch-no-match",
        "no matches for Id ConfigMap.v1.[noGrp]/nope.[noNs]; failed to find unique target for patch ConfigMap.v1.[noGrp]/nope.[noNs]",
        3,
      ],
      ["kustomize-patch-invalid", "must specify the target name", 6],
      ["kustomize-patch-invalid", "patch appears to be empty; file=, JsonOp=[]", 7],
    ]);
  });

  it("parses several strategic-merge documents of one entry and applies them in order", () => {
    const level = levelWith("resources: [res.yaml]");
    const m = resmapOf(RESOURCES);
    const [first, second] = docs(`
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: cfg}
      data: {b: "2"}
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: cfg}
      data: {b: "3", c: "3"}
    `);
    applyPatches(level, m, [{ patch: `${JSON.stringify(first)}\n---\n${JSON.stringify(second)}` }]);
    expect(objects(m)[2]?.data).toEqual({ a: "1", b: "3", c: "3" });
  });
});
