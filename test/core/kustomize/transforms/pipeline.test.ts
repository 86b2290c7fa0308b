import { describe, expect, it } from "vitest";
import { fixNameReferences } from "../../../../src/core/kustomize/name-reference.ts";
import { curId, setName, storePreviousId } from "../../../../src/core/kustomize/resource.ts";
import { applyCommonAnnotations } from "../../../../src/core/kustomize/transforms/annotations.ts";
import { applyImages } from "../../../../src/core/kustomize/transforms/images.ts";
import { applyCommonLabels, applyLabels } from "../../../../src/core/kustomize/transforms/labels.ts";
import { applyNameAffixes } from "../../../../src/core/kustomize/transforms/name-affixes.ts";
import { applyNamespace } from "../../../../src/core/kustomize/transforms/namespace.ts";
import { applyReplicas } from "../../../../src/core/kustomize/transforms/replicas.ts";
import { defaultTransformerConfig } from "../../../../src/core/kustomize/transforms/transformer-config.ts";
import { objects, objectsOf, resmapOf } from "./fixtures.ts";

describe("core/kustomize/transforms (base + overlay pipeline)", () => {
  it("reproduces kubectl kustomize for an overlay over a prefixed, labelled base with a secret generator", () => {
    // base/kustomization.yaml: namePrefix base-, commonLabels {app: shop}, resources [res.yaml],
    //   secretGenerator [{name: creds, literals: [p=1]}]
    // overlay/kustomization.yaml: namespace prod, nameSuffix -prod, resources [../base],
    //   images [{name: postgres, newTag: "16"}], replicas [{name: db, count: 2}],
    //   commonAnnotations {owner: team}, labels [{pairs: {env: prod}, includeSelectors: true}]
    const m = resmapOf(`
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        selector:
          app: web
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: db
      spec:
        serviceName: web
        selector:
          matchLabels:
            app: db
        template:
          spec:
            serviceAccountName: default
            priorityClassName: high
            containers:
            - name: c
              image: postgres:15
              envFrom:
              - secretRef:
                  name: creds
            volumes:
            - name: data
              persistentVolumeClaim:
                claimName: data
        volumeClaimTemplates:
        - metadata:
            name: x
          spec:
            storageClassName: fast
      ---
      apiVersion: v1
      kind: PersistentVolumeClaim
      metadata:
        name: data
      spec:
        storageClassName: fast
      ---
      apiVersion: storage.k8s.io/v1
      kind: StorageClass
      metadata:
        name: fast
      ---
      apiVersion: scheduling.k8s.io/v1
      kind: PriorityClass
      metadata:
        name: high
      ---
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: web
        annotations:
          nginx.ingress.kubernetes.io/auth-secret: creds
      spec:
        tls:
        - secretName: creds
        rules:
        - http:
            paths:
            - backend:
                service:
                  name: web
      ---
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata:
        name: db
      spec:
        scaleTargetRef:
          kind: StatefulSet
          name: db
      ---
      apiVersion: admissionregistration.k8s.io/v1
      kind: MutatingWebhookConfiguration
      metadata:
        name: hook
      webhooks:
      - name: a
        clientConfig:
          service:
            name: web
            namespace: default
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata:
        name: crb
      roleRef:
        apiGroup: rbac.authorization.k8s.io
        kind: ClusterRole
        name: view
      subjects:
      - kind: ServiceAccount
        name: default
        namespace: default
      ---
      apiVersion: v1
      kind: Secret
      type: Opaque
      metadata:
        name: creds
      data:
        p: MQ==
    `);
    const config = defaultTransformerConfig();
    // base level
    expect(applyNameAffixes(m, "base-", "", config)).toEqual([]);
    expect(applyCommonLabels(m, { app: "shop" }, config)).toEqual([]);
    // overlay level, in kustomize's order
    expect(applyNamespace(m, "prod", config)).toEqual([]);
    expect(applyNameAffixes(m, "", "-prod", config)).toEqual([]);
    expect(applyLabels(m, [{ pairs: { env: "prod" }, includeSelectors: true }], config)).toEqual([]);
    expect(applyCommonAnnotations(m, { owner: "team" }, config)).toEqual([]);
    expect(applyReplicas(m, [{ name: "db", count: 2 }], config)).toEqual([]);
    expect(applyImages(m, [{ name: "postgres", newTag: "16" }], config)).toEqual([]);
    // end of the top-level build: the generated secret's hash suffix, then name references
    const secret = m.resources.at(-1)!;
    storePreviousId(secret);
    setName(secret.obj, `${curId(secret).name}-fcd7kg2454`);
    expect(fixNameReferences(m, config)).toEqual([]);
    // kubectl kustomize overlay (sortOptions fifo). The webhook service moves to namespace prod through the
    // Service name reference; the ClusterRoleBinding's subject named "default" through the namespace rule.
    expect(objectsOf(m)).toEqual(
      objects(`
        apiVersion: v1
        kind: Service
        metadata:
          annotations:
            owner: team
          labels:
            app: shop
            env: prod
          name: base-web-prod
          namespace: prod
        spec:
          selector:
            app: shop
            env: prod
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          annotations:
            owner: team
          labels:
            app: shop
            env: prod
          name: base-db-prod
          namespace: prod
        spec:
          replicas: 2
          selector:
            matchLabels:
              app: shop
              env: prod
          serviceName: base-web-prod
          template:
            metadata:
              annotations:
                owner: team
              labels:
                app: shop
                env: prod
            spec:
              containers:
              - envFrom:
                - secretRef:
                    name: base-creds-prod-fcd7kg2454
                image: postgres:16
                name: c
              priorityClassName: base-high-prod
              serviceAccountName: default
              volumes:
              - name: data
                persistentVolumeClaim:
                  claimName: base-data-prod
          volumeClaimTemplates:
          - metadata:
              labels:
                app: shop
                env: prod
              name: x
            spec:
              storageClassName: base-fast-prod
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          annotations:
            owner: team
          labels:
            app: shop
            env: prod
          name: base-data-prod
          namespace: prod
        spec:
          storageClassName: base-fast-prod
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          annotations:
            owner: team
          labels:
            app: shop
            env: prod
          name: base-fast-prod
        ---
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata:
          annotations:
            owner: team
          labels:
            app: shop
            env: prod
          name: base-high-prod
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          annotations:
            nginx.ingress.kubernetes.io/auth-secret: base-creds-prod-fcd7kg2454
            owner: team
          labels:
            app: shop
            env: prod
          name: base-web-prod
          namespace: prod
        spec:
          rules:
          - http:
              paths:
              - backend:
                  service:
                    name: base-web-prod
          tls:
          - secretName: base-creds-prod-fcd7kg2454
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata:
          annotations:
            owner: team
          labels:
            app: shop
            env: prod
          name: base-db-prod
          namespace: prod
        spec:
          scaleTargetRef:
            kind: StatefulSet
            name: base-db-prod
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata:
          annotations:
            owner: team
          labels:
            app: shop
            env: prod
          name: base-hook-prod
        webhooks:
        - clientConfig:
            service:
              name: base-web-prod
              namespace: prod
          name: a
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          annotations:
            owner: team
          labels:
            app: shop
            env: prod
          name: base-crb-prod
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: view
        subjects:
        - kind: ServiceAccount
          name: default
          namespace: prod
        ---
        apiVersion: v1
        data:
          p: MQ==
        kind: Secret
        metadata:
          annotations:
            owner: team
          labels:
            app: shop
            env: prod
          name: base-creds-prod-fcd7kg2454
          namespace: prod
        type: Opaque
      `),
    );
  });
});
