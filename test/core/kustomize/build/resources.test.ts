import { describe, expect, it } from "vitest";
import { dedent } from "../../../support/fixtures/text.ts";
import { build, where } from "./harness.ts";

describe("core/kustomize/build (resources)", () => {
  it("loads files and multi-document files in list order (Flux does not sort)", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - deploy.yaml
          - config.yaml
        `,
        "app/deploy.yaml": `
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
          spec:
            template:
              spec:
                containers:
                - name: web
                  image: nginx:1.25
        `,
        "app/config.yaml": `
          # a leading comment and an empty document are fine
          ---
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: a
          data:
            k: v
          ---
          apiVersion: v1
          kind: Service
          metadata:
            name: web
          spec:
            ports:
            - port: 80
          ---
        `,
      },
      "app",
    );
    // kubectl prints the same three objects sorted (ConfigMap, Service, Deployment).
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
              - image: nginx:1.25
                name: web
        ---
        apiVersion: v1
        data:
          k: v
        kind: ConfigMap
        metadata:
          name: a
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
          - port: 80
      `),
    );
    expect(out.diagnostics).toEqual([]);
    expect(out.failed).toBe(false);
    expect(out.reads).toEqual(["app/config.yaml", "app/deploy.yaml", "app/kustomization.yaml"]);
  });

  it("expands kind: List and *List documents into their items", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - list.yaml
        `,
        "app/list.yaml": `
          apiVersion: v1
          kind: List
          items:
          - apiVersion: v1
            kind: ConfigMap
            metadata:
              name: one
          - apiVersion: v1
            kind: Secret
            metadata:
              name: two
            type: Opaque
          ---
          apiVersion: v1
          kind: ConfigMapList
          items:
          - apiVersion: v1
            kind: ConfigMap
            metadata:
              name: three
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: one
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: two
        type: Opaque
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: three
      `),
    );
    expect(out.failed).toBe(false);
  });

  it("builds directories with nested kustomizations; each level transforms only what it accumulated", () => {
    const out = build(
      {
        "overlay/kustomization.yaml": `
          namePrefix: prod-
          resources:
          - ../base
          - extra.yaml
        `,
        "overlay/extra.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: extra
        `,
        "base/kustomization.yaml": `
          namespace: shop
          commonLabels:
            app: shop
          resources:
          - cm.yaml
          - nested
        `,
        "base/cm.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: base
        `,
        "base/nested/kustomization.yaml": `
          nameSuffix: -n
          resources:
          - svc.yaml
        `,
        "base/nested/svc.yaml": `
          apiVersion: v1
          kind: Service
          metadata:
            name: svc
          spec:
            selector:
              role: web
        `,
      },
      "overlay",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          labels:
            app: shop
          name: prod-base
          namespace: shop
        ---
        apiVersion: v1
        kind: Service
        metadata:
          labels:
            app: shop
          name: prod-svc-n
          namespace: shop
        spec:
          selector:
            app: shop
            role: web
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: prod-extra
      `),
    );
    expect(out.failed).toBe(false);
    expect(out.reads).toEqual([
      "base/cm.yaml",
      "base/kustomization.yaml",
      "base/nested/kustomization.yaml",
      "base/nested/svc.yaml",
      "overlay/extra.yaml",
      "overlay/kustomization.yaml",
    ]);
  });

  it("recognizes kustomization.yml and Kustomization, but not kustomization.YAML", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - yml
          - capital
          - upper
        `,
        "app/yml/kustomization.yml": "resources:\n- cm.yaml\n",
        "app/yml/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yml\n",
        "app/capital/Kustomization": "resources:\n- cm.yaml\n",
        "app/capital/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-capital\n",
        "app/upper/kustomization.YAML": "resources:\n- cm.yaml\n",
        "app/upper/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: never\n",
      },
      "app",
    );
    // kubectl fails on "upper" ("unable to find one of 'kustomization.yaml', ..."); without it, it prints
    // the other two objects.
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-missing-kustomization", file: "app/kustomization.yaml", line: 4 },
    ]);
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: from-yml
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: from-capital
      `),
    );
  });

  it("follows ../ references to files and directories inside the repository", () => {
    const out = build(
      {
        "clusters/prod/apps/kustomization.yaml": `
          resources:
          - ../../../shared/ns.yaml
          - ../../../shared/config
        `,
        "shared/ns.yaml": `
          apiVersion: v1
          kind: Namespace
          metadata:
            name: apps
        `,
        "shared/config/kustomization.yaml": `
          resources:
          - ../cm.yaml
        `,
        "shared/cm.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: shared
            namespace: apps
        `,
      },
      "clusters/prod/apps",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: Namespace
        metadata:
          name: apps
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: shared
          namespace: apps
      `),
    );
    expect(out.failed).toBe(false);
  });

  it("appends deprecated bases after resources", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          bases:
          - ../base
          resources:
          - local.yaml
        `,
        "app/local.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: local
        `,
        "base/kustomization.yaml": `
          resources:
          - cm.yaml
        `,
        "base/cm.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: from-base
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: local
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: from-base
      `),
    );
    expect(out.failed).toBe(false);
  });

  it("reports a duplicate id across two files and keeps the first object", () => {
    // kubectl: "may not add resource with an already registered id: ConfigMap.v1.[noGrp]/a.[noNs]"
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - one.yaml
          - two.yaml
          - ./././one.yaml
        `,
        "app/one.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: a
          data:
            from: one
        `,
        "app/two.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: a
          data:
            from: two
        `,
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-duplicate-resource", file: "app/kustomization.yaml", line: 3 },
      { code: "kustomize-duplicate-resource", file: "app/kustomization.yaml", line: 4 },
    ]);
    expect(out.diagnostics[0]?.message).toContain("may not add resource with an already registered id");
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        data:
          from: one
        kind: ConfigMap
        metadata:
          name: a
      `),
    );
  });

  it("accepts the same name under different kinds or namespaces (and quotes y like go-yaml)", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - all.yaml
        `,
        "app/all.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: a
            namespace: x
          ---
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: a
            namespace: y
          ---
          apiVersion: v1
          kind: Secret
          metadata:
            name: a
            namespace: x
        `,
      },
      "app",
    );
    expect(out.failed).toBe(false);
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
          namespace: x
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
          namespace: "y"
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: a
          namespace: x
      `),
    );
  });

  it("drops objects annotated config.kubernetes.io/local-config: 'true' after transformers ran", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          namePrefix: p-
          resources:
          - objs.yaml
        `,
        "app/objs.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: local
            annotations:
              config.kubernetes.io/local-config: "true"
          ---
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: kept
            annotations:
              config.kubernetes.io/local-config: "false"
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          annotations:
            config.kubernetes.io/local-config: "false"
          name: p-kept
      `),
    );
    expect(out.failed).toBe(false);
  });

  it("writes annotation values back as strings", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - cm.yaml
        `,
        "app/cm.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: a
            annotations:
              count: 5
              enabled: true
              ratio: 1.5
              empty: null
              text: hello
          data:
            port: "8080"
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        data:
          port: "8080"
        kind: ConfigMap
        metadata:
          annotations:
            count: "5"
            empty: "null"
            enabled: "true"
            ratio: "1.5"
            text: hello
          name: a
      `),
    );
  });

  it("sorts the output in kubectl's legacy order when sortOptions.order is legacy", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          sortOptions:
            order: legacy
          resources:
          - all.yaml
        `,
        "app/all.yaml": `
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
          ---
          apiVersion: admissionregistration.k8s.io/v1
          kind: ValidatingWebhookConfiguration
          metadata:
            name: hook
          ---
          apiVersion: example.com/v1
          kind: Widget
          metadata:
            name: w
          ---
          apiVersion: v1
          kind: Service
          metadata:
            name: web
          ---
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: b
          ---
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: a
          ---
          apiVersion: v1
          kind: Namespace
          metadata:
            name: ns
        `,
      },
      "app",
    );
    // Exactly kubectl kustomize's output.
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: Namespace
        metadata:
          name: ns
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: b
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        ---
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: w
        ---
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata:
          name: hook
      `),
    );
  });
});
