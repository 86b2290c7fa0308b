import { describe, expect, it } from "vitest";
import { fieldSpec } from "../../../../src/core/kustomize/fieldspec/field-spec.ts";
import { fixNameReferences } from "../../../../src/core/kustomize/name-reference.ts";
import { ResMap } from "../../../../src/core/kustomize/resmap.ts";
import { curId, type Resource, setName, storePreviousId } from "../../../../src/core/kustomize/resource.ts";
import { applyNameAffixes } from "../../../../src/core/kustomize/transforms/name-affixes.ts";
import { applyNamespace } from "../../../../src/core/kustomize/transforms/namespace.ts";
import {
  defaultTransformerConfig,
  emptyTransformerConfig,
  mergeTransformerConfigs,
} from "../../../../src/core/kustomize/transforms/transformer-config.ts";
import { objects, objectsOf, resmapOf } from "./fixtures.ts";

/** What the end-of-build hash step does to a generated object (kustomize's HashTransformer). */
function hashRename(r: Resource, hash: string): void {
  storePreviousId(r);
  setName(r.obj, `${curId(r).name}-${hash}`);
}

describe("core/kustomize/name-reference", () => {
  it("follows configurations for CRD references, namespaces and prefixes, and RBAC roleRef kinds (kubectl)", () => {
    // kustomization: namespace ns, namePrefix p-, configurations [kc.yaml], a configMapGenerator app-values and
    // a secretGenerator app-secret, resources below.
    const m = resmapOf(`
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata:
        name: app
      spec:
        valuesFrom:
        - kind: ConfigMap
          name: app-values
        - kind: Secret
          name: app-secret
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata:
        name: r
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata:
        name: r
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata:
        name: rb-role
      roleRef:
        apiGroup: rbac.authorization.k8s.io
        kind: Role
        name: r
      subjects:
      - kind: ServiceAccount
        name: sa
      - kind: ServiceAccount
        name: sa
        namespace: elsewhere
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata:
        name: rb-cr
      roleRef:
        apiGroup: rbac.authorization.k8s.io
        kind: ClusterRole
        name: r
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: sa
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: app-values
      data:
        a: "1"
      ---
      apiVersion: v1
      kind: Secret
      metadata:
        name: app-secret
      type: Opaque
      data:
        b: Mg==
    `);
    const kc = emptyTransformerConfig();
    kc.nameReference = [
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
    ];
    const config = mergeTransformerConfigs(defaultTransformerConfig(), kc);
    expect(applyNamespace(m, "ns", config)).toEqual([]);
    expect(applyNameAffixes(m, "p-", "", config)).toEqual([]);
    hashRename(m.resources[6]!, "h29d89cmmt");
    hashRename(m.resources[7]!, "6dg6bbh8f9");
    expect(fixNameReferences(m, config)).toEqual([]);
    // kubectl kustomize output (sortOptions fifo): the Role binding keeps pointing at the Role, the other
    // at the ClusterRole; the namespace-less subject gets the ServiceAccount's namespace; the subject in
    // another namespace is left alone.
    expect(objectsOf(m)).toEqual(
      objects(`
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: p-app
          namespace: ns
        spec:
          valuesFrom:
          - kind: ConfigMap
            name: p-app-values-h29d89cmmt
          - kind: Secret
            name: p-app-secret-6dg6bbh8f9
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: p-r
          namespace: ns
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: p-r
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: p-rb-role
          namespace: ns
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: p-r
        subjects:
        - kind: ServiceAccount
          name: p-sa
          namespace: ns
        - kind: ServiceAccount
          name: sa
          namespace: elsewhere
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: p-rb-cr
          namespace: ns
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: p-r
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: p-sa
          namespace: ns
        ---
        apiVersion: v1
        data:
          a: "1"
        kind: ConfigMap
        metadata:
          name: p-app-values-h29d89cmmt
          namespace: ns
        ---
        apiVersion: v1
        data:
          b: Mg==
        kind: Secret
        metadata:
          name: p-app-secret-6dg6bbh8f9
          namespace: ns
        type: Opaque
      `),
    );
    const hr = curId(m.resources[0]!);
    expect(m.resources[6]!.refBy).toEqual([hr]);
    expect(m.resources[7]!.refBy).toEqual([hr]);
    expect(m.resources[5]!.refBy.map((id) => id.name)).toEqual(["p-rb-role"]);
  });

  it("leaves CRD references alone without a configurations entry", () => {
    const m = resmapOf(`
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata:
        name: app
      spec:
        valuesFrom:
        - kind: ConfigMap
          name: app-values
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: app-values
    `);
    hashRename(m.resources[1]!, "ccd5t6528d");
    expect(fixNameReferences(m, defaultTransformerConfig())).toEqual([]);
    expect(m.resources[0]!.obj.spec).toEqual({ valuesFrom: [{ kind: "ConfigMap", name: "app-values" }] });
    expect(m.resources[1]!.refBy).toEqual([]);
  });

  it("picks the candidate with the referrer's prefixes and suffixes, and none when that is ambiguous (kubectl)", () => {
    // top kustomization: nameSuffix -x, resources [a, b, top.yaml]; a and b: namePrefix a- / b-, resources
    // [../common].
    const common = `
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        template:
          spec:
            volumes:
            - name: v
              configMap:
                name: cm
    `;
    const top = new ResMap();
    for (const prefix of ["a-", "b-"]) {
      const sub = resmapOf(common);
      applyNameAffixes(sub, prefix, "", defaultTransformerConfig());
      expect(top.appendAll(sub)).toEqual([]);
    }
    expect(
      top.appendAll(
        resmapOf(`
          apiVersion: batch/v1
          kind: Job
          metadata:
            name: j
          spec:
            template:
              spec:
                volumes:
                - name: v
                  configMap:
                    name: cm
                - name: w
                  configMap:
                    name: a-cm
        `),
      ),
    ).toEqual([]);
    const config = defaultTransformerConfig();
    expect(applyNameAffixes(top, "", "-x", config)).toEqual([]);
    expect(fixNameReferences(top, config)).toEqual([]);
    // kubectl kustomize output: each base Deployment gets its own ConfigMap; the Job's "cm" matches both
    // bases' ConfigMaps and neither shares its (empty) prefixes, so it stays; "a-cm" is unambiguous.
    expect(objectsOf(top)).toEqual(
      objects(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a-cm-x
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: a-web-x
        spec:
          template:
            spec:
              volumes:
              - configMap:
                  name: a-cm-x
                name: v
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: b-cm-x
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: b-web-x
        spec:
          template:
            spec:
              volumes:
              - configMap:
                  name: b-cm-x
                name: v
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: j-x
        spec:
          template:
            spec:
              volumes:
              - configMap:
                  name: cm
                name: v
              - configMap:
                  name: a-cm-x
                name: w
      `),
    );
  });

  it("only considers objects the referrer could reference: same namespace, RoleBinding subject namespaces (kubectl)", () => {
    const m = resmapOf(`
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: sa
        namespace: b
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm
        namespace: b
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata:
        name: rb
        namespace: a
      roleRef:
        apiGroup: rbac.authorization.k8s.io
        kind: Role
        name: r
      subjects:
      - kind: ServiceAccount
        name: sa
        namespace: b
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: Role
      metadata:
        name: r
        namespace: a
      rules:
      - apiGroups: [""]
        resources: [configmaps]
        resourceNames: [cm]
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: d
        namespace: a
      spec:
        template:
          spec:
            serviceAccountName: sa
            volumes:
            - name: v
              configMap:
                name: cm
    `);
    const config = defaultTransformerConfig();
    expect(applyNameAffixes(m, "p-", "", config)).toEqual([]);
    expect(fixNameReferences(m, config)).toEqual([]);
    // kubectl kustomize output: the RoleBinding in namespace a follows its subject into namespace b; the
    // Deployment and Role in namespace a cannot see the ServiceAccount and ConfigMap of namespace b.
    expect(objectsOf(m)).toEqual(
      objects(`
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: p-sa
          namespace: b
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: p-cm
          namespace: b
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: p-rb
          namespace: a
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: p-r
        subjects:
        - kind: ServiceAccount
          name: p-sa
          namespace: b
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: p-r
          namespace: a
        rules:
        - apiGroups:
          - ""
          resourceNames:
          - cm
          resources:
          - configmaps
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: p-d
          namespace: a
        spec:
          template:
            spec:
              serviceAccountName: sa
              volumes:
              - configMap:
                  name: cm
                name: v
      `),
    );
  });

  it("fails like kustomize when several different objects could be meant", () => {
    // kustomization: resources [ClusterRole reader], configMapGenerator cm in namespaces a and b.
    const m = resmapOf(`
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata:
        name: reader
      rules:
      - apiGroups: [""]
        resources: [configmaps]
        resourceNames: [cm]
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm
        namespace: a
      data:
        x: "1"
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm
        namespace: b
      data:
        x: "2"
    `);
    hashRename(m.resources[1]!, "hmg6f82fh6");
    hashRename(m.resources[2]!, "d5gm26dhhd");
    // kubectl prints this line followed by YAML dumps of the referrer and the candidates.
    expect(fixNameReferences(m, defaultTransformerConfig())).toEqual([
      "updating name reference in 'rules/resourceNames' field of 'ClusterRole.v1.rbac.authorization.k8s.io/reader.[noNs]': considering field 'rules/resourceNames' of object ClusterRole.v1.rbac.authorization.k8s.io/reader.[noNs]: visit traversal on path: [resourceNames]: found multiple possible referrals: ConfigMap.v1.[noGrp]/cm-hmg6f82fh6.a, ConfigMap.v1.[noGrp]/cm-d5gm26dhhd.b",
    ]);
  });

  it("takes the first of several candidates with the same new name (kubectl)", () => {
    const m = resmapOf(`
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRole
      metadata:
        name: reader
      rules:
      - resourceNames: [cm]
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm
        namespace: a
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm
        namespace: b
    `);
    applyNameAffixes(m, "p-", "", defaultTransformerConfig());
    expect(fixNameReferences(m, defaultTransformerConfig())).toEqual([]);
    expect(m.resources[0]!.obj.rules).toEqual([{ resourceNames: ["p-cm"] }]);
    expect(m.resources[1]!.refBy).toHaveLength(1);
    expect(m.resources[2]!.refBy).toEqual([]);
  });

  it("rejects a RoleBinding ServiceAccount subject whose namespace is not a string (kubectl)", () => {
    const m = resmapOf(`
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata:
        name: rb
        namespace: a
      roleRef:
        apiGroup: rbac.authorization.k8s.io
        kind: Role
        name: r
      subjects:
      - kind: ServiceAccount
        name: sa
        namespace: null
    `);
    applyNameAffixes(m, "p-", "", defaultTransformerConfig());
    expect(fixNameReferences(m, defaultTransformerConfig())).toEqual([
      'Invalid Input: namespace is blank for resource "RoleBinding.v1.rbac.authorization.k8s.io/p-rb.a"\n',
    ]);
  });

  it("changes nothing when no object was renamed", () => {
    const m = resmapOf(`
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: d
      spec:
        template:
          spec:
            volumes:
            - name: v
              configMap:
                name: cm
    `);
    const before = structuredClone(objectsOf(m));
    expect(fixNameReferences(m, defaultTransformerConfig())).toEqual([]);
    expect(objectsOf(m)).toEqual(before);
    expect(m.resources[0]!.refBy).toEqual([]);
  });

  it("reports a map field without a name as kustomize's path config error (kubectl)", () => {
    const m = resmapOf(`
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: sa
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata:
        name: crb
      subjects:
      - kind: ServiceAccount
    `);
    applyNameAffixes(m, "p-", "", defaultTransformerConfig());
    expect(fixNameReferences(m, defaultTransformerConfig())).toEqual([
      "updating name reference in 'subjects' field of 'ClusterRoleBinding.v1.rbac.authorization.k8s.io/p-crb.[noNs]': considering field 'subjects' of object ClusterRoleBinding.v1.rbac.authorization.k8s.io/p-crb.[noNs]: path config error; no 'name' field in node",
    ]);
  });
});
