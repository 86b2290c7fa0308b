import { describe, expect, it } from "vitest";
import { fixNameReferences } from "../../../../src/core/kustomize/name-reference.ts";
import { applyNameAffixes } from "../../../../src/core/kustomize/transforms/name-affixes.ts";
import { applyReplicas } from "../../../../src/core/kustomize/transforms/replicas.ts";
import { defaultTransformerConfig } from "../../../../src/core/kustomize/transforms/transformer-config.ts";
import { objects, objectsOf, resmapOf } from "./fixtures.ts";

const BASE = `
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    template:
      spec:
        containers:
        - name: a
          image: nginx
  ---
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: db
  spec:
    replicas: 1
  ---
  apiVersion: example.com/v1
  kind: Deployment
  metadata:
    name: crd
  ---
  apiVersion: autoscaling/v2
  kind: HorizontalPodAutoscaler
  metadata:
    name: web
  spec:
    scaleTargetRef:
      apiVersion: apps/v1
      kind: Deployment
      name: web
`;

describe("core/kustomize/transforms/replicas", () => {
  it("matches kubectl kustomize: names match current or previous names, kinds match in any group", () => {
    const m = resmapOf(BASE);
    const config = defaultTransformerConfig();
    applyNameAffixes(m, "b-", "", config); // the base's namePrefix
    const errors = applyReplicas(
      m,
      [
        { name: "web", count: 3 },
        { name: "b-db", count: 0 },
        { name: "crd", count: 2 },
      ],
      config,
    );
    expect(errors).toEqual([]);
    expect(fixNameReferences(m, config)).toEqual([]);
    // kubectl kustomize output: the HorizontalPodAutoscaler named web is not a replicas kind (its
    // scaleTargetRef follows the prefixed Deployment through name references).
    expect(objectsOf(m)).toEqual(
      objects(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: b-web
        spec:
          replicas: 3
          template:
            spec:
              containers:
              - image: nginx
                name: a
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: b-db
        spec:
          replicas: 0
        ---
        apiVersion: example.com/v1
        kind: Deployment
        metadata:
          name: b-crd
        spec:
          replicas: 2
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          name: b-web
        spec:
          scaleTargetRef:
            apiVersion: apps/v1
            kind: Deployment
            name: b-web
      `),
    );
  });

  it("fails like kustomize when an entry matches nothing", () => {
    const m = resmapOf(BASE);
    // Verified with kubectl kustomize.
    expect(applyReplicas(m, [{ name: "nope", count: 1 }], defaultTransformerConfig())).toEqual([
      "resource with name nope does not match a config with the following GVK [Deployment.[noVer].[noGrp] StatefulSet.[noVer].[noGrp] ReplicaSet.[noVer].[noGrp] ReplicationController.[noVer].[noGrp]]",
    ]);
  });
});
