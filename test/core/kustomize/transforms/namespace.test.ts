import { describe, expect, it } from "vitest";
import { fixNameReferences } from "../../../../src/core/kustomize/name-reference.ts";
import { applyNamespace } from "../../../../src/core/kustomize/transforms/namespace.ts";
import { defaultTransformerConfig } from "../../../../src/core/kustomize/transforms/transformer-config.ts";
import { objects, objectsOf, resmapOf } from "./fixtures.ts";

const INPUT = `
  apiVersion: v1
  kind: Namespace
  metadata:
    name: foo
  ---
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: cm
    namespace: explicit
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata:
    name: cr
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata:
    name: crb
  roleRef:
    apiGroup: rbac.authorization.k8s.io
    kind: ClusterRole
    name: cr
  subjects:
  - kind: ServiceAccount
    name: default
    namespace: other
  - kind: ServiceAccount
    name: sa
    namespace: other
  - kind: ServiceAccount
    name: ext
    namespace: other
  - kind: User
    name: default
  ---
  apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata:
    name: rb
  roleRef:
    apiGroup: rbac.authorization.k8s.io
    kind: Role
    name: r
  subjects:
  - kind: ServiceAccount
    name: sa
  - kind: Group
    name: default
  ---
  apiVersion: v1
  kind: ServiceAccount
  metadata:
    name: sa
  ---
  apiVersion: cert-manager.io/v1
  kind: ClusterIssuer
  metadata:
    name: ci
  ---
  apiVersion: apiregistration.k8s.io/v1
  kind: APIService
  metadata:
    name: v1.x
  spec:
    service:
      name: svc
  ---
  apiVersion: apiextensions.k8s.io/v1
  kind: CustomResourceDefinition
  metadata:
    name: widgets.x.io
  spec:
    conversion:
      webhook:
        clientConfig:
          service:
            name: w
            namespace: old
  ---
  apiVersion: admissionregistration.k8s.io/v1
  kind: ValidatingWebhookConfiguration
  metadata:
    name: vwc
  webhooks:
  - name: a
    clientConfig:
      service:
        name: svc
        namespace: old
`;

describe("core/kustomize/transforms/namespace", () => {
  it("matches kubectl kustomize for `namespace: target` (then name references), across kinds", () => {
    const m = resmapOf(INPUT);
    const config = defaultTransformerConfig();
    expect(applyNamespace(m, "target", config)).toEqual([]);
    expect(fixNameReferences(m, config)).toEqual([]);
    // kubectl kustomize output (sortOptions fifo).
    expect(objectsOf(m)).toEqual(
      objects(`
        apiVersion: v1
        kind: Namespace
        metadata:
          name: target
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cm
          namespace: target
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: cr
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: crb
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: cr
        subjects:
        - kind: ServiceAccount
          name: default
          namespace: target
        - kind: ServiceAccount
          name: sa
          namespace: other
        - kind: ServiceAccount
          name: ext
          namespace: other
        - kind: User
          name: default
          namespace: target
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: rb
          namespace: target
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: r
        subjects:
        - kind: ServiceAccount
          name: sa
          namespace: target
        - kind: Group
          name: default
          namespace: target
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: sa
          namespace: target
        ---
        apiVersion: cert-manager.io/v1
        kind: ClusterIssuer
        metadata:
          name: ci
          namespace: target
        ---
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata:
          name: v1.x
        spec:
          service:
            name: svc
            namespace: target
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.x.io
        spec:
          conversion:
            webhook:
              clientConfig:
                service:
                  name: w
                  namespace: target
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata:
          name: vwc
        webhooks:
        - clientConfig:
            service:
              name: svc
              namespace: old
          name: a
      `),
    );
  });

  it("sets only metadata.namespace and default-named subjects itself, storing every previous id", () => {
    const m = resmapOf(INPUT);
    expect(applyNamespace(m, "target", defaultTransformerConfig())).toEqual([]);
    const rb = m.resources[4]!;
    // The ServiceAccount subject "sa" gets its namespace only from name-reference fixing.
    expect(rb.obj.subjects).toEqual([
      { kind: "ServiceAccount", name: "sa" },
      { kind: "Group", name: "default", namespace: "target" },
    ]);
    expect(rb.prevIds).toEqual([
      { group: "rbac.authorization.k8s.io", version: "v1", kind: "RoleBinding", name: "rb", namespace: "" },
    ]);
    // Cluster-scoped objects keep no namespace but still record their id.
    const clusterRole = m.resources[2]!;
    expect(clusterRole.obj.metadata).toEqual({ name: "cr" });
    expect(clusterRole.prevIds).toHaveLength(1);
    const ns = m.resources[0]!;
    expect(ns.prevIds.map((id) => id.name)).toEqual(["foo"]);
  });

  it("renames only apiVersion v1 Namespace objects", () => {
    const m = resmapOf(`
      apiVersion: example.com/v1
      kind: Namespace
      metadata:
        name: custom
    `);
    expect(applyNamespace(m, "target", defaultTransformerConfig())).toEqual([]);
    expect(objectsOf(m)).toEqual([
      { apiVersion: "example.com/v1", kind: "Namespace", metadata: { name: "custom", namespace: "target" } },
    ]);
  });

  it("fails like kustomize when two objects end up with the same id", () => {
    const m = resmapOf(`
      apiVersion: v1
      kind: Namespace
      metadata:
        name: foo
      ---
      apiVersion: v1
      kind: Namespace
      metadata:
        name: bar
    `);
    // kubectl: namespace transformation produces ID conflict: [{…"name":"target"…} {…}] (with kustomize's
    // internal annotations in the JSON, which we leave out).
    expect(applyNamespace(m, "target", defaultTransformerConfig())).toEqual([
      'namespace transformation produces ID conflict: [{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"target"}} {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"target"}}]',
    ]);
  });

  it("does nothing for an empty namespace", () => {
    const m = resmapOf(INPUT);
    const before = structuredClone(objectsOf(m));
    expect(applyNamespace(m, "", defaultTransformerConfig())).toEqual([]);
    expect(objectsOf(m)).toEqual(before);
    expect(m.resources.every((r) => r.prevIds.length === 0)).toBe(true);
  });

  it("rejects a configured namespace field that holds a map", () => {
    const m = resmapOf(`
      apiVersion: apiregistration.k8s.io/v1
      kind: APIService
      metadata:
        name: v1.x
      spec:
        service:
          namespace: {a: b}
    `);
    expect(applyNamespace(m, "target", defaultTransformerConfig())).toEqual([
      "namespace field specs must target scalar nodes: considering field 'spec/service/namespace' of object APIService.v1.apiregistration.k8s.io/v1.x.[noNs]: wrong node kind: expected ScalarNode but got MappingNode: node contents:\na: b\n",
    ]);
  });
});
