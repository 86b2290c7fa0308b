import { describe, expect, it } from "vitest";
import { dedent } from "../../../support/fixtures/text.ts";
import { build } from "./harness.ts";

describe("core/kustomize/build (builtin transformers)", () => {
  it("namespace: sets namespaced and unknown kinds, renames the Namespace, leaves cluster-scoped kinds", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          namespace: prod
          resources:
          - objs.yaml
        `,
        "app/objs.yaml": `
          apiVersion: v1
          kind: Namespace
          metadata:
            name: dev
          ---
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: cm
            namespace: other
          ---
          apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata:
            name: reader
          ---
          apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRoleBinding
          metadata:
            name: read
          roleRef:
            apiGroup: rbac.authorization.k8s.io
            kind: ClusterRole
            name: reader
          subjects:
          - kind: ServiceAccount
            name: bot
            namespace: dev
          - kind: ServiceAccount
            name: default
            namespace: dev
          ---
          apiVersion: cert-manager.io/v1
          kind: ClusterIssuer
          metadata:
            name: le
          ---
          apiVersion: helm.toolkit.fluxcd.io/v2
          kind: HelmRelease
          metadata:
            name: app
        `,
      },
      "app",
    );
    // Binding subjects move to the new namespace only when they are named "default" (kustomize's
    // DefaultSubjectsOnly mode).
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: Namespace
        metadata:
          name: prod
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cm
          namespace: prod
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: reader
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata:
          name: read
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: ClusterRole
          name: reader
        subjects:
        - kind: ServiceAccount
          name: bot
          namespace: dev
        - kind: ServiceAccount
          name: default
          namespace: prod
        ---
        apiVersion: cert-manager.io/v1
        kind: ClusterIssuer
        metadata:
          name: le
          namespace: prod
        ---
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: app
          namespace: prod
      `),
    );
    expect(out.failed).toBe(false);
  });

  it("namePrefix/nameSuffix: renames objects and the references to them", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          namePrefix: pre-
          nameSuffix: -suf
          resources:
          - objs.yaml
        `,
        "app/objs.yaml": `
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
          spec:
            template:
              spec:
                serviceAccountName: runner
                containers:
                - name: web
                  image: nginx
                  envFrom:
                  - configMapRef:
                      name: env
                  - secretRef:
                      name: creds
                  env:
                  - name: EXTERNAL
                    valueFrom:
                      configMapKeyRef:
                        name: not-in-build
                        key: k
                volumes:
                - name: data
                  persistentVolumeClaim:
                    claimName: data
                - name: conf
                  configMap:
                    name: env
          ---
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: env
          ---
          apiVersion: v1
          kind: Secret
          metadata:
            name: creds
          ---
          apiVersion: v1
          kind: PersistentVolumeClaim
          metadata:
            name: data
          ---
          apiVersion: v1
          kind: ServiceAccount
          metadata:
            name: runner
          ---
          apiVersion: rbac.authorization.k8s.io/v1
          kind: Role
          metadata:
            name: reader
          ---
          apiVersion: rbac.authorization.k8s.io/v1
          kind: RoleBinding
          metadata:
            name: read
          roleRef:
            apiGroup: rbac.authorization.k8s.io
            kind: Role
            name: reader
          subjects:
          - kind: ServiceAccount
            name: runner
          ---
          apiVersion: v1
          kind: Namespace
          metadata:
            name: ns
          ---
          apiVersion: apiextensions.k8s.io/v1
          kind: CustomResourceDefinition
          metadata:
            name: widgets.example.com
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: pre-web-suf
        spec:
          template:
            spec:
              containers:
              - env:
                - name: EXTERNAL
                  valueFrom:
                    configMapKeyRef:
                      key: k
                      name: not-in-build
                envFrom:
                - configMapRef:
                    name: pre-env-suf
                - secretRef:
                    name: pre-creds-suf
                image: nginx
                name: web
              serviceAccountName: pre-runner-suf
              volumes:
              - name: data
                persistentVolumeClaim:
                  claimName: pre-data-suf
              - configMap:
                  name: pre-env-suf
                name: conf
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: pre-env-suf
        ---
        apiVersion: v1
        kind: Secret
        metadata:
          name: pre-creds-suf
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: pre-data-suf
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: pre-runner-suf
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata:
          name: pre-reader-suf
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata:
          name: pre-read-suf
        roleRef:
          apiGroup: rbac.authorization.k8s.io
          kind: Role
          name: pre-reader-suf
        subjects:
        - kind: ServiceAccount
          name: pre-runner-suf
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: ns
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
      `),
    );
    expect(out.failed).toBe(false);
  });

  it("does not rewrite Flux references (dependsOn, valuesFrom, sourceRef) on rename", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          namePrefix: x-
          resources:
          - objs.yaml
        `,
        "app/objs.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: values
          ---
          apiVersion: helm.toolkit.fluxcd.io/v2
          kind: HelmRelease
          metadata:
            name: app
          spec:
            dependsOn:
            - name: db
            valuesFrom:
            - kind: ConfigMap
              name: values
          ---
          apiVersion: helm.toolkit.fluxcd.io/v2
          kind: HelmRelease
          metadata:
            name: db
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: x-values
        ---
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: x-app
        spec:
          dependsOn:
          - name: db
          valuesFrom:
          - kind: ConfigMap
            name: values
        ---
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: x-db
      `),
    );
  });

  it("configurations: a nameReference teaches kustomize HelmRelease valuesFrom, hash suffix included", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          namePrefix: x-
          resources:
          - hr.yaml
          configMapGenerator:
          - name: values
            literals:
            - replicas=2
          configurations:
          - kustomizeconfig.yaml
        `,
        "app/kustomizeconfig.yaml": `
          nameReference:
          - kind: ConfigMap
            version: v1
            fieldSpecs:
            - path: spec/valuesFrom/name
              kind: HelmRelease
        `,
        "app/hr.yaml": `
          apiVersion: helm.toolkit.fluxcd.io/v2
          kind: HelmRelease
          metadata:
            name: app
          spec:
            valuesFrom:
            - kind: ConfigMap
              name: values
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        metadata:
          name: x-app
        spec:
          valuesFrom:
          - kind: ConfigMap
            name: x-values-dt79f5gthg
        ---
        apiVersion: v1
        data:
          replicas: "2"
        kind: ConfigMap
        metadata:
          name: x-values-dt79f5gthg
      `),
    );
    expect(out.reads).toContain("app/kustomizeconfig.yaml");
  });

  it("commonLabels: metadata, selectors and pod template labels", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          commonLabels:
            app: shop
          resources:
          - objs.yaml
        `,
        "app/objs.yaml": `
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
          spec:
            selector:
              matchLabels:
                role: web
            template:
              metadata:
                labels:
                  role: web
              spec:
                containers:
                - name: web
                  image: nginx
          ---
          apiVersion: v1
          kind: Service
          metadata:
            name: web
          spec:
            selector:
              role: web
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
            app: shop
          name: web
        spec:
          selector:
            matchLabels:
              app: shop
              role: web
          template:
            metadata:
              labels:
                app: shop
                role: web
            spec:
              containers:
              - image: nginx
                name: web
        ---
        apiVersion: v1
        kind: Service
        metadata:
          labels:
            app: shop
          name: web
        spec:
          selector:
            app: shop
            role: web
      `),
    );
  });

  it("labels: metadata only by default, templates with includeTemplates, selectors with includeSelectors", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          labels:
          - pairs:
              plain: "1"
          - pairs:
              tmpl: "2"
            includeTemplates: true
          - pairs:
              sel: "3"
            includeSelectors: true
          resources:
          - deploy.yaml
        `,
        "app/deploy.yaml": `
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
          spec:
            selector:
              matchLabels:
                role: web
            template:
              metadata:
                labels:
                  role: web
              spec:
                containers:
                - name: web
                  image: nginx
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
            plain: "1"
            sel: "3"
            tmpl: "2"
          name: web
        spec:
          selector:
            matchLabels:
              role: web
              sel: "3"
          template:
            metadata:
              labels:
                role: web
                sel: "3"
                tmpl: "2"
            spec:
              containers:
              - image: nginx
                name: web
      `),
    );
  });

  it('commonAnnotations: metadata and pod templates; a key like "on" is written quoted', () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          commonAnnotations:
            team: web
            "on": "true"
          resources:
          - deploy.yaml
        `,
        "app/deploy.yaml": `
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
            annotations:
              team: overridden
          spec:
            template:
              spec:
                containers:
                - name: web
                  image: nginx
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          annotations:
            "on": "true"
            team: web
          name: web
        spec:
          template:
            metadata:
              annotations:
                "on": "true"
                team: web
            spec:
              containers:
              - image: nginx
                name: web
      `),
    );
  });

  it("images: newName, newTag and digest (both tag and digest are written) on containers and initContainers", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          images:
          - name: nginx
            newTag: "1.27"
          - name: busybox
            newName: registry.local/busybox
          - name: ghcr.io/org/app
            newTag: v2
            digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
          resources:
          - deploy.yaml
        `,
        "app/deploy.yaml": `
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
          spec:
            template:
              spec:
                initContainers:
                - name: init
                  image: busybox:1.36
                containers:
                - name: web
                  image: nginx:1.25
                - name: app
                  image: ghcr.io/org/app:v1
                - name: other
                  image: nginx-exporter:1
        `,
      },
      "app",
    );
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
              - image: nginx:1.27
                name: web
              - image: ghcr.io/org/app:v2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
                name: app
              - image: nginx-exporter:1
                name: other
              initContainers:
              - image: registry.local/busybox:1.36
                name: init
      `),
    );
  });

  it("replicas: set spec.replicas of the named workload, after patches", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          replicas:
          - name: web
            count: 3
          patches:
          - patch: |-
              apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: web
              spec:
                replicas: 10
          resources:
          - deploy.yaml
        `,
        "app/deploy.yaml": `
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
          spec:
            replicas: 1
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 3
      `),
    );
  });

  it("replacements: copy a field from one object into others (inline and from a file)", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - objs.yaml
          replacements:
          - source:
              kind: ConfigMap
              name: settings
              fieldPath: data.host
            targets:
            - select:
                kind: Deployment
              fieldPaths:
              - spec.template.spec.containers.[name=web].env.[name=HOST].value
          - path: replacement.yaml
        `,
        "app/replacement.yaml": `
          source:
            kind: Deployment
            name: web
            fieldPath: metadata.name
          targets:
          - select:
              kind: Service
            fieldPaths:
            - spec.selector.app
            options:
              create: true
        `,
        "app/objs.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: settings
          data:
            host: db.example.com
          ---
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
                  env:
                  - name: HOST
                    value: placeholder
          ---
          apiVersion: v1
          kind: Service
          metadata:
            name: web
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        data:
          host: db.example.com
        kind: ConfigMap
        metadata:
          name: settings
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
              - env:
                - name: HOST
                  value: db.example.com
                image: nginx
                name: web
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector:
            app: web
      `),
    );
    expect(out.reads).toContain("app/replacement.yaml");
  });
});
