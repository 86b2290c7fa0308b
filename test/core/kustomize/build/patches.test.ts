import { describe, expect, it } from "vitest";
import { dedent } from "../../../support/fixtures/text.ts";
import { build, where } from "./harness.ts";

const WORKLOADS = `
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: app
    labels:
      tier: web
  spec:
    replicas: 1
    template:
      spec:
        containers:
        - name: app
          image: app:1
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: app-extra
  spec:
    replicas: 1
    template:
      spec:
        containers:
        - name: app
          image: app:1
`;

describe("core/kustomize/build (patches)", () => {
  it("patches: a strategic-merge patch without target applies to the object it names", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - workloads.yaml
          patches:
          - path: resources.yaml
        `,
        "app/workloads.yaml": WORKLOADS,
        "app/resources.yaml": `
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: app
          spec:
            template:
              spec:
                containers:
                - name: app
                  resources:
                    limits:
                      memory: 128Mi
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          labels:
            tier: web
          name: app
        spec:
          replicas: 1
          template:
            spec:
              containers:
              - image: app:1
                name: app
                resources:
                  limits:
                    memory: 128Mi
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app-extra
        spec:
          replicas: 1
          template:
            spec:
              containers:
              - image: app:1
                name: app
      `),
    );
    expect(out.reads).toContain("app/resources.yaml");
  });

  it("patches: with a target, an SMP applies to every match and its own name is ignored; names are anchored", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - workloads.yaml
          patches:
          - target:
              kind: Deployment
              name: app
            patch: |-
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: ignored
              spec:
                replicas: 2
          - target:
              kind: Deployment
              name: app-.*
            patch: |-
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: ignored
                annotations:
                  extra: "yes"
          - target:
              labelSelector: tier=web
            patch: |-
              - op: replace
                path: /spec/template/spec/containers/0/image
                value: app:2
        `,
        "app/workloads.yaml": WORKLOADS,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          labels:
            tier: web
          name: app
        spec:
          replicas: 2
          template:
            spec:
              containers:
              - image: app:2
                name: app
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          annotations:
            extra: "yes"
          name: app-extra
        spec:
          replicas: 1
          template:
            spec:
              containers:
              - image: app:1
                name: app
      `),
    );
    expect(out.failed).toBe(false);
  });

  it("patches: JSON6902 from a file, and a target that matches nothing is a no-op", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - workloads.yaml
          patches:
          - path: ops.yaml
            target:
              group: apps
              version: v1
              kind: Deployment
              name: app-extra
          - target:
              kind: StatefulSet
            patch: |-
              - op: add
                path: /metadata/labels
                value: {never: applied}
        `,
        "app/workloads.yaml": WORKLOADS,
        "app/ops.yaml": `
          - op: add
            path: /spec/template/spec/containers/0/args
            value: ["--verbose"]
          - op: remove
            path: /spec/replicas
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          labels:
            tier: web
          name: app
        spec:
          replicas: 1
          template:
            spec:
              containers:
              - image: app:1
                name: app
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app-extra
        spec:
          template:
            spec:
              containers:
              - args:
                - --verbose
                image: app:1
                name: app
      `),
    );
    expect(out.failed).toBe(false);
  });

  it("patches: a file with several strategic-merge documents applies each in order", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - workloads.yaml
          patches:
          - path: both.yaml
        `,
        "app/workloads.yaml": WORKLOADS,
        "app/both.yaml": `
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: app
          spec:
            replicas: 5
          ---
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: app-extra
          spec:
            replicas: 6
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          labels:
            tier: web
          name: app
        spec:
          replicas: 5
          template:
            spec:
              containers:
              - image: app:1
                name: app
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app-extra
        spec:
          replicas: 6
          template:
            spec:
              containers:
              - image: app:1
                name: app
      `),
    );
  });

  it("patchesStrategicMerge: file and inline entries; $patch: delete removes the object", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - workloads.yaml
          patchesStrategicMerge:
          - drop.yaml
          - |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app
            spec:
              template:
                spec:
                  containers:
                  - name: sidecar
                    image: envoy
        `,
        "app/workloads.yaml": WORKLOADS,
        "app/drop.yaml": `
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: app-extra
          $patch: delete
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          labels:
            tier: web
          name: app
        spec:
          replicas: 1
          template:
            spec:
              containers:
              - image: envoy
                name: sidecar
              - image: app:1
                name: app
      `),
    );
    expect(out.reads).toContain("app/drop.yaml");
  });

  it("patchesStrategicMerge: $patch: delete inside a list and $patch: replace on a map", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - deploy.yaml
          patchesStrategicMerge:
          - |-
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels:
                $patch: replace
                only: this
            spec:
              template:
                spec:
                  containers:
                  - name: debug
                    $patch: delete
        `,
        "app/deploy.yaml": `
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
            labels:
              a: "1"
              b: "2"
          spec:
            template:
              spec:
                containers:
                - name: web
                  image: nginx
                - name: debug
                  image: busybox
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          labels:
            only: this
          name: web
        spec:
          template:
            spec:
              containers:
              - image: nginx
                name: web
      `),
    );
  });

  it("patchesJson6902: inline and file patches run after namespace and prefix, so targets use final names", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          namespace: prod
          namePrefix: p-
          resources:
          - workloads.yaml
          patchesJson6902:
          - target:
              group: apps
              version: v1
              kind: Deployment
              name: p-app
              namespace: prod
            path: ops.yaml
          - target:
              group: apps
              version: v1
              kind: Deployment
              name: p-app-extra
            patch: |-
              - op: replace
                path: /spec/replicas
                value: 4
        `,
        "app/workloads.yaml": WORKLOADS,
        "app/ops.yaml": `
          - op: replace
            path: /spec/replicas
            value: 3
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          labels:
            tier: web
          name: p-app
          namespace: prod
        spec:
          replicas: 3
          template:
            spec:
              containers:
              - image: app:1
                name: app
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: p-app-extra
          namespace: prod
        spec:
          replicas: 4
          template:
            spec:
              containers:
              - image: app:1
                name: app
      `),
    );
    expect(out.reads).toContain("app/ops.yaml");
  });

  it("an overlay patch matches a base object by its original name after the base's prefix", () => {
    const out = build(
      {
        "overlay/kustomization.yaml": `
          resources:
          - ../base
          patches:
          - patch: |-
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: app
              spec:
                replicas: 9
        `,
        "base/kustomization.yaml": `
          namePrefix: base-
          resources:
          - workloads.yaml
        `,
        "base/workloads.yaml": WORKLOADS,
      },
      "overlay",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          labels:
            tier: web
          name: base-app
        spec:
          replicas: 9
          template:
            spec:
              containers:
              - image: app:1
                name: app
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: base-app-extra
        spec:
          replicas: 1
          template:
            spec:
              containers:
              - image: app:1
                name: app
      `),
    );
  });

  it("reports a strategic-merge patch that matches nothing", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - workloads.yaml
          patches:
          - patch: |-
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: missing
              spec:
                replicas: 2
        `,
        "app/workloads.yaml": WORKLOADS,
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-patch-no-match", file: "app/kustomization.yaml", line: 4 },
    ]);
    expect(out.diagnostics[0]?.message).toContain(
      'no resource matches strategic merge patch "Deployment.v1.apps/missing.[noNs]"',
    );
    // The build goes on without the patch.
    expect(out.yaml).toContain("name: app-extra");
  });

  it("reports a JSON6902 patch without a target", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - workloads.yaml
          patches:
          - patch: |-
              - op: replace
                path: /spec/replicas
                value: 2
        `,
        "app/workloads.yaml": WORKLOADS,
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-patch-invalid", file: "app/kustomization.yaml", line: 4 },
    ]);
    expect(out.diagnostics[0]?.message).toContain("must specify a target for JSON patch");
  });
});
