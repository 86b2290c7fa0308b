import { describe, expect, it } from "vitest";
import { fieldSpec } from "../../../../src/core/kustomize/fieldspec/field-spec.ts";
import { fixNameReferences } from "../../../../src/core/kustomize/name-reference.ts";
import { applyNameAffixes } from "../../../../src/core/kustomize/transforms/name-affixes.ts";
import {
  defaultTransformerConfig,
  emptyTransformerConfig,
  mergeTransformerConfigs,
} from "../../../../src/core/kustomize/transforms/transformer-config.ts";
import { objects, objectsOf, resmapOf } from "./fixtures.ts";

const INPUT = `
  apiVersion: v1
  kind: Namespace
  metadata:
    name: foo
  ---
  apiVersion: apiextensions.k8s.io/v1
  kind: CustomResourceDefinition
  metadata:
    name: widgets.x.io
  ---
  apiVersion: apiregistration.k8s.io/v1
  kind: APIService
  metadata:
    name: v1.x
  ---
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
        serviceAccountName: sa
        containers:
        - name: c
          image: nginx
          envFrom:
          - configMapRef:
              name: cm
          - secretRef:
              name: missing
          env:
          - name: X
            valueFrom:
              configMapKeyRef:
                name: cm
                key: k
        volumes:
        - name: v
          configMap:
            name: cm
  ---
  apiVersion: v1
  kind: ServiceAccount
  metadata:
    name: sa
  ---
  apiVersion: kustomize.toolkit.fluxcd.io/v1
  kind: Kustomization
  metadata:
    name: apps
    namespace: flux-system
  spec:
    dependsOn:
    - name: infra
    sourceRef:
      kind: GitRepository
      name: flux-system
    postBuild:
      substituteFrom:
      - kind: ConfigMap
        name: cm
`;

describe("core/kustomize/transforms/name-affixes", () => {
  it("matches kubectl kustomize for namePrefix p- and nameSuffix -s (then name references)", () => {
    const m = resmapOf(INPUT);
    const config = defaultTransformerConfig();
    expect(applyNameAffixes(m, "p-", "-s", config)).toEqual([]);
    expect(fixNameReferences(m, config)).toEqual([]);
    // kubectl kustomize output (sortOptions fifo): Namespace, CRD and APIService keep their names; the Flux
    // Kustomization's dependsOn, sourceRef and substituteFrom are not rewritten.
    expect(objectsOf(m)).toEqual(
      objects(`
        apiVersion: v1
        kind: Namespace
        metadata:
          name: foo
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.x.io
        ---
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata:
          name: v1.x
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: p-cm-s
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: p-web-s
        spec:
          template:
            spec:
              containers:
              - env:
                - name: X
                  valueFrom:
                    configMapKeyRef:
                      key: k
                      name: p-cm-s
                envFrom:
                - configMapRef:
                    name: p-cm-s
                - secretRef:
                    name: missing
                image: nginx
                name: c
              serviceAccountName: p-sa-s
              volumes:
              - configMap:
                  name: p-cm-s
                name: v
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: p-sa-s
        ---
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: p-apps-s
          namespace: flux-system
        spec:
          dependsOn:
          - name: infra
          postBuild:
            substituteFrom:
            - kind: ConfigMap
              name: cm
          sourceRef:
            kind: GitRepository
            name: flux-system
      `),
    );
  });

  it("records prefixes and suffixes innermost first, with the id before each rename", () => {
    const m = resmapOf(`
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm
    `);
    const config = defaultTransformerConfig();
    applyNameAffixes(m, "a-", "", config);
    applyNameAffixes(m, "b-", "-x", config);
    const r = m.resources[0]!;
    expect(r.obj.metadata).toEqual({ name: "b-a-cm-x" });
    expect(r.prefixes).toEqual(["a-", "b-"]);
    expect(r.suffixes).toEqual(["-x"]);
    expect(r.prevIds.map((id) => id.name)).toEqual(["cm", "a-cm", "b-a-cm"]);
  });

  it("prefixes extra fields a configurations file names, creating them when asked", () => {
    const m = resmapOf(`
      apiVersion: kustomize.toolkit.fluxcd.io/v1
      kind: Kustomization
      metadata:
        name: apps
      spec:
        dependsOn:
        - name: infra
        - name: crds
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: cm
    `);
    const extra = emptyTransformerConfig();
    extra.namePrefix = [
      fieldSpec("spec/dependsOn/name", { kind: "Kustomization" }),
      fieldSpec("spec/newField", { kind: "Kustomization", create: true }),
    ];
    const config = mergeTransformerConfigs(defaultTransformerConfig(), extra);
    expect(applyNameAffixes(m, "p-", "", config)).toEqual([]);
    // kubectl kustomize with configurations: [kc.yaml] holding those two namePrefix field specs.
    expect(objectsOf(m)).toEqual(
      objects(`
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: p-apps
        spec:
          dependsOn:
          - name: p-infra
          - name: p-crds
          newField: p-
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: p-cm
      `),
    );
    // Only the metadata/name spec records the prefix, once.
    expect(m.resources[0]!.prefixes).toEqual(["p-"]);
  });
});
