import { describe, expect, it } from "vitest";
import { dedent } from "../../../support/fixtures/text.ts";
import { build, where } from "./harness.ts";

const DEPLOY = `
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    template:
      spec:
        containers:
        - name: web
          image: nginx
`;

describe("core/kustomize/build (components)", () => {
  it("applies a component after the level's resources and generators, before its transformers", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          namePrefix: app-
          resources:
          - deploy.yaml
          configMapGenerator:
          - name: settings
            literals:
            - color=blue
          components:
          - ../components/extra
        `,
        "app/deploy.yaml": DEPLOY,
        "components/extra/kustomization.yaml": `
          apiVersion: kustomize.config.k8s.io/v1alpha1
          kind: Component
          resources:
          - sa.yaml
          configMapGenerator:
          - name: settings
            behavior: merge
            literals:
            - size=large
          patches:
          - patch: |-
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: web
              spec:
                template:
                  spec:
                    serviceAccountName: runner
        `,
        "components/extra/sa.yaml": `
          apiVersion: v1
          kind: ServiceAccount
          metadata:
            name: runner
        `,
      },
      "app",
    );
    // The component's patch names "web" (the prefix comes later); the root prefix and the hash reach the
    // component's objects and the merged ConfigMap. kubectl sorts: ServiceAccount, ConfigMap, Deployment.
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app-web
        spec:
          template:
            spec:
              containers:
              - image: nginx
                name: web
              serviceAccountName: app-runner
        ---
        apiVersion: v1
        data:
          color: blue
          size: large
        kind: ConfigMap
        metadata:
          name: app-settings-mfhfgct6b9
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: app-runner
      `),
    );
    expect(out.diagnostics).toEqual([]);
  });

  it("applies components in order, each one seeing what the previous one added", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - cm.yaml
          components:
          - ../c1
          - ../c2
        `,
        "app/cm.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: base
        `,
        "c1/kustomization.yaml": `
          kind: Component
          resources:
          - added.yaml
          commonLabels:
            c1: "yes"
        `,
        "c1/added.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: added
        `,
        "c2/kustomization.yaml": `
          kind: Component
          patches:
          - target:
              kind: ConfigMap
              name: added
            patch: |-
              - op: add
                path: /data
                value:
                  by: c2
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          labels:
            c1: "yes"
          name: base
        ---
        apiVersion: v1
        data:
          by: c2
        kind: ConfigMap
        metadata:
          labels:
            c1: "yes"
          name: added
      `),
    );
    expect(out.failed).toBe(false);
  });

  it("applies a base's component only to that base", () => {
    const out = build(
      {
        "overlay/kustomization.yaml": `
          resources:
          - ../base
          - own.yaml
        `,
        "overlay/own.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: own
        `,
        "base/kustomization.yaml": `
          resources:
          - cm.yaml
          components:
          - ../comp
        `,
        "base/cm.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: base
        `,
        "comp/kustomization.yaml": `
          kind: Component
          commonAnnotations:
            touched: by-component
        `,
      },
      "overlay",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          annotations:
            touched: by-component
          name: base
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: own
      `),
    );
  });

  it("reports a Component used as a resource and still builds the other resources", () => {
    // kubectl: "expected kind != 'Component' for path '.../comp'"
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - cm.yaml
          - ../comp
        `,
        "app/cm.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: kept
        `,
        "comp/kustomization.yaml": `
          kind: Component
          resources:
          - x.yaml
        `,
        "comp/x.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: x
        `,
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-component-kind", file: "app/kustomization.yaml", line: 3 },
    ]);
    expect(out.diagnostics[0]?.message).toBe("expected kind != 'Component' for path 'comp'");
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: kept
      `),
    );
  });

  it("reports a Kustomization used as a component", () => {
    // kubectl: "expected kind 'Component' for path '.../base' but got 'Kustomization'"
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - cm.yaml
          components:
          - ../base
        `,
        "app/cm.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: kept
        `,
        "base/kustomization.yaml": `
          resources:
          - cm.yaml
        `,
        "base/cm.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: base
        `,
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-component-kind", file: "app/kustomization.yaml", line: 4 },
    ]);
    expect(out.diagnostics[0]?.message).toBe(
      "expected kind 'Component' for path 'base' but got 'Kustomization'",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: kept
      `),
    );
  });

  it("reports a file named as a component", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - cm.yaml
          components:
          - cm.yaml
        `,
        "app/cm.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: kept
        `,
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-component-kind", file: "app/kustomization.yaml", line: 4 },
    ]);
  });
});
