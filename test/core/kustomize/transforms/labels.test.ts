import { describe, expect, it } from "vitest";
import { applyCommonAnnotations } from "../../../../src/core/kustomize/transforms/annotations.ts";
import { applyCommonLabels, applyLabels } from "../../../../src/core/kustomize/transforms/labels.ts";
import { defaultTransformerConfig } from "../../../../src/core/kustomize/transforms/transformer-config.ts";
import { objects, objectsOf, resmapOf } from "./fixtures.ts";

const INPUT = `
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
    labels:
      keep: "yes"
  spec:
    selector:
      matchLabels:
        app: web
    template:
      metadata:
        labels:
          app: web
      spec:
        containers:
        - name: c
          image: nginx
        topologySpreadConstraints:
        - labelSelector:
            matchLabels:
              app: web
        - maxSkew: 1
  ---
  apiVersion: v1
  kind: Service
  metadata:
    name: svc
  spec:
    ports:
    - port: 80
  ---
  apiVersion: batch/v1
  kind: Job
  metadata:
    name: job
  spec:
    template:
      spec:
        containers:
        - name: c
          image: busybox
  ---
  apiVersion: batch/v1
  kind: CronJob
  metadata:
    name: cj
  spec:
    jobTemplate:
      spec:
        template:
          spec:
            containers:
            - name: c
              image: busybox
  ---
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: ss
  spec:
    selector:
      matchLabels:
        app: ss
    volumeClaimTemplates:
    - metadata:
        name: data
    - spec: {}
  ---
  apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: np
  spec:
    podSelector: {}
    ingress:
    - from:
      - podSelector:
          matchLabels:
            x: y
      - namespaceSelector: {}
  ---
  apiVersion: example.com/v1
  kind: Widget
  metadata:
    name: w
    labels: null
  spec:
    template:
      metadata: {}
`;

describe("core/kustomize/transforms/labels", () => {
  it("matches kubectl kustomize for commonLabels: metadata, selectors and templates per the default config", () => {
    const m = resmapOf(INPUT);
    expect(
      applyCommonLabels(m, { team: "a", "app.kubernetes.io/part-of": "shop" }, defaultTransformerConfig()),
    ).toEqual([]);
    // kubectl kustomize output: Job/NetworkPolicy selectors that do not exist are not created, the
    // Deployment's topology spread selector is updated, a null metadata.labels becomes a map.
    expect(objectsOf(m)).toEqual(
      objects(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          labels:
            app.kubernetes.io/part-of: shop
            keep: "yes"
            team: a
          name: web
        spec:
          selector:
            matchLabels:
              app: web
              app.kubernetes.io/part-of: shop
              team: a
          template:
            metadata:
              labels:
                app: web
                app.kubernetes.io/part-of: shop
                team: a
            spec:
              containers:
              - image: nginx
                name: c
              topologySpreadConstraints:
              - labelSelector:
                  matchLabels:
                    app: web
                    app.kubernetes.io/part-of: shop
                    team: a
              - maxSkew: 1
        ---
        apiVersion: v1
        kind: Service
        metadata:
          labels:
            app.kubernetes.io/part-of: shop
            team: a
          name: svc
        spec:
          ports:
          - port: 80
          selector:
            app.kubernetes.io/part-of: shop
            team: a
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          labels:
            app.kubernetes.io/part-of: shop
            team: a
          name: job
        spec:
          template:
            metadata:
              labels:
                app.kubernetes.io/part-of: shop
                team: a
            spec:
              containers:
              - image: busybox
                name: c
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          labels:
            app.kubernetes.io/part-of: shop
            team: a
          name: cj
        spec:
          jobTemplate:
            metadata:
              labels:
                app.kubernetes.io/part-of: shop
                team: a
            spec:
              template:
                metadata:
                  labels:
                    app.kubernetes.io/part-of: shop
                    team: a
                spec:
                  containers:
                  - image: busybox
                    name: c
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          labels:
            app.kubernetes.io/part-of: shop
            team: a
          name: ss
        spec:
          selector:
            matchLabels:
              app: ss
              app.kubernetes.io/part-of: shop
              team: a
          template:
            metadata:
              labels:
                app.kubernetes.io/part-of: shop
                team: a
          volumeClaimTemplates:
          - metadata:
              labels:
                app.kubernetes.io/part-of: shop
                team: a
              name: data
          - metadata:
              labels:
                app.kubernetes.io/part-of: shop
                team: a
            spec: {}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          labels:
            app.kubernetes.io/part-of: shop
            team: a
          name: np
        spec:
          ingress:
          - from:
            - podSelector:
                matchLabels:
                  app.kubernetes.io/part-of: shop
                  team: a
                  x: "y"
            - namespaceSelector: {}
          podSelector: {}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          labels:
            app.kubernetes.io/part-of: shop
            team: a
          name: w
        spec:
          template:
            metadata: {}
      `),
    );
  });

  it("matches kubectl kustomize for labels entries: metadata only, includeTemplates, includeSelectors, fields", () => {
    const m = resmapOf(INPUT);
    const errors = applyLabels(
      m,
      [
        { pairs: { meta: "only" } },
        { pairs: { tmpl: "yes" }, includeTemplates: true },
        { pairs: { sel: "yes" }, includeSelectors: true, includeTemplates: false },
        {
          pairs: { custom: "f" },
          fields: [
            { path: "spec/template/spec/nodeSelector", kind: "Deployment", create: true },
            { path: "spec/extra", create: false },
          ],
        },
      ],
      defaultTransformerConfig(),
    );
    expect(errors).toEqual([]);
    expect(objectsOf(m)).toEqual(
      objects(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          labels:
            custom: f
            keep: "yes"
            meta: only
            sel: "yes"
            tmpl: "yes"
          name: web
        spec:
          selector:
            matchLabels:
              app: web
              sel: "yes"
          template:
            metadata:
              labels:
                app: web
                sel: "yes"
                tmpl: "yes"
            spec:
              containers:
              - image: nginx
                name: c
              nodeSelector:
                custom: f
              topologySpreadConstraints:
              - labelSelector:
                  matchLabels:
                    app: web
                    sel: "yes"
              - maxSkew: 1
        ---
        apiVersion: v1
        kind: Service
        metadata:
          labels:
            custom: f
            meta: only
            sel: "yes"
            tmpl: "yes"
          name: svc
        spec:
          ports:
          - port: 80
          selector:
            sel: "yes"
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          labels:
            custom: f
            meta: only
            sel: "yes"
            tmpl: "yes"
          name: job
        spec:
          template:
            metadata:
              labels:
                sel: "yes"
                tmpl: "yes"
            spec:
              containers:
              - image: busybox
                name: c
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          labels:
            custom: f
            meta: only
            sel: "yes"
            tmpl: "yes"
          name: cj
        spec:
          jobTemplate:
            metadata:
              labels:
                sel: "yes"
                tmpl: "yes"
            spec:
              template:
                metadata:
                  labels:
                    sel: "yes"
                    tmpl: "yes"
                spec:
                  containers:
                  - image: busybox
                    name: c
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          labels:
            custom: f
            meta: only
            sel: "yes"
            tmpl: "yes"
          name: ss
        spec:
          selector:
            matchLabels:
              app: ss
              sel: "yes"
          template:
            metadata:
              labels:
                sel: "yes"
                tmpl: "yes"
          volumeClaimTemplates:
          - metadata:
              labels:
                sel: "yes"
                tmpl: "yes"
              name: data
          - metadata:
              labels:
                sel: "yes"
                tmpl: "yes"
            spec: {}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          labels:
            custom: f
            meta: only
            sel: "yes"
            tmpl: "yes"
          name: np
        spec:
          ingress:
          - from:
            - podSelector:
                matchLabels:
                  sel: "yes"
                  x: "y"
            - namespaceSelector: {}
          podSelector: {}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          labels:
            custom: f
            meta: only
            sel: "yes"
            tmpl: "yes"
          name: w
        spec:
          template:
            metadata: {}
      `),
    );
  });
});

describe("core/kustomize/transforms/labels errors", () => {
  it("fails like kustomize when a label field spec reaches a scalar or a sequence", () => {
    // Both messages verified with kubectl kustomize (commonLabels: {a: b}).
    const service = resmapOf(`
      apiVersion: v1
      kind: Service
      metadata:
        name: svc
      spec:
        selector: foo
    `);
    expect(applyCommonLabels(service, { a: "b" }, defaultTransformerConfig())).toEqual([
      "considering field 'spec/selector' of object Service.v1.[noGrp]/svc.[noNs]: wrong node kind: expected MappingNode but got ScalarNode: node contents:\nfoo\n",
    ]);
    const job = resmapOf(`
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: d
      spec:
        selector:
          matchLabels: null
        template:
          metadata:
            labels: [a]
    `);
    expect(applyCommonLabels(job, { a: "b" }, defaultTransformerConfig())).toEqual([
      "considering field 'spec/template/metadata/labels' of object Job.v1.batch/d.[noNs]: wrong node kind: expected MappingNode but got SequenceNode: node contents:\n- a\n",
    ]);
  });

  it("leaves a null selector alone when its field spec does not create", () => {
    const job = resmapOf(`
      apiVersion: batch/v1
      kind: Job
      metadata:
        name: d
      spec:
        selector:
          matchLabels: null
    `);
    expect(applyCommonLabels(job, { a: "b" }, defaultTransformerConfig())).toEqual([]);
    expect(objectsOf(job)).toEqual(
      objects(`
        apiVersion: batch/v1
        kind: Job
        metadata:
          labels:
            a: b
          name: d
        spec:
          selector:
            matchLabels: null
          template:
            metadata:
              labels:
                a: b
      `),
    );
  });

  it("reports a labels entry whose fields conflict with metadata/labels, and skips entries without pairs", () => {
    const m = resmapOf(INPUT);
    const config = defaultTransformerConfig();
    expect(applyLabels(m, [{ pairs: { a: "b" }, fields: [{ path: "metadata/labels" }] }], config)).toEqual([
      "failed to merge labels: conflicting fieldspecs",
    ]);
    const before = structuredClone(objectsOf(m));
    expect(applyLabels(m, [{ pairs: {}, includeSelectors: true }], config)).toEqual([]);
    expect(objectsOf(m)).toEqual(before);
  });
});

describe("core/kustomize/transforms/annotations", () => {
  it("matches kubectl kustomize for commonAnnotations: metadata and pod templates", () => {
    const m = resmapOf(INPUT);
    expect(applyCommonAnnotations(m, { note: "x", num: "1" }, defaultTransformerConfig())).toEqual([]);
    expect(objectsOf(m)).toEqual(
      objects(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          annotations:
            note: x
            num: "1"
          labels:
            keep: "yes"
          name: web
        spec:
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              annotations:
                note: x
                num: "1"
              labels:
                app: web
            spec:
              containers:
              - image: nginx
                name: c
              topologySpreadConstraints:
              - labelSelector:
                  matchLabels:
                    app: web
              - maxSkew: 1
        ---
        apiVersion: v1
        kind: Service
        metadata:
          annotations:
            note: x
            num: "1"
          name: svc
        spec:
          ports:
          - port: 80
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          annotations:
            note: x
            num: "1"
          name: job
        spec:
          template:
            metadata:
              annotations:
                note: x
                num: "1"
            spec:
              containers:
              - image: busybox
                name: c
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          annotations:
            note: x
            num: "1"
          name: cj
        spec:
          jobTemplate:
            metadata:
              annotations:
                note: x
                num: "1"
            spec:
              template:
                metadata:
                  annotations:
                    note: x
                    num: "1"
                spec:
                  containers:
                  - image: busybox
                    name: c
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          annotations:
            note: x
            num: "1"
          name: ss
        spec:
          selector:
            matchLabels:
              app: ss
          template:
            metadata:
              annotations:
                note: x
                num: "1"
          volumeClaimTemplates:
          - metadata:
              name: data
          - spec: {}
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          annotations:
            note: x
            num: "1"
          name: np
        spec:
          ingress:
          - from:
            - podSelector:
                matchLabels:
                  x: "y"
            - namespaceSelector: {}
          podSelector: {}
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          annotations:
            note: x
            num: "1"
          labels: null
          name: w
        spec:
          template:
            metadata: {}
      `),
    );
  });
});
