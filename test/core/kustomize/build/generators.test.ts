import { describe, expect, it } from "vitest";
import { dedent } from "../../../support/fixtures/text.ts";
import { build, where } from "./harness.ts";

const CONSUMER = `
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
          envFrom:
          - configMapRef:
              name: env
          - secretRef:
              name: creds
        volumes:
        - name: conf
          configMap:
            name: files
`;

// Generator-only kustomizations sit in base/ behind a root with resources: Flux annotates every object with
// config.kubernetes.io/origin when the root file has no resources (see flux-root.test.ts).
describe("core/kustomize/build (generators)", () => {
  it("configMapGenerator literals/files/envs and secretGenerator; references follow the hashed names", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - deploy.yaml
          configMapGenerator:
          - name: env
            envs:
            - app.env
          - name: files
            files:
            - nginx.conf
            - custom-key=data/other.txt
          secretGenerator:
          - name: creds
            literals:
            - user=admin
            - "password='s3cr=t'"
            type: Opaque
        `,
        "app/deploy.yaml": CONSUMER,
        "app/app.env": '# comment\nLOG_LEVEL=debug\n\n  QUOTED="kept"\nEMPTY\n',
        "app/nginx.conf": "server {\n  listen 80;\n}\n",
        "app/data/other.txt": "plain",
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
              - envFrom:
                - configMapRef:
                    name: env-752htfk2gg
                - secretRef:
                    name: creds-cdt2mgcgdg
                image: nginx
                name: web
              volumes:
              - configMap:
                  name: files-d55g522d2m
                name: conf
        ---
        apiVersion: v1
        data:
          EMPTY: ""
          LOG_LEVEL: debug
          QUOTED: '"kept"'
        kind: ConfigMap
        metadata:
          name: env-752htfk2gg
        ---
        apiVersion: v1
        data:
          custom-key: plain
          nginx.conf: |
            server {
              listen 80;
            }
        kind: ConfigMap
        metadata:
          name: files-d55g522d2m
        ---
        apiVersion: v1
        data:
          password: czNjcj10
          user: YWRtaW4=
        kind: Secret
        metadata:
          name: creds-cdt2mgcgdg
        type: Opaque
      `),
    );
    expect(out.diagnostics).toEqual([]);
    expect(out.reads).toEqual([
      "app/app.env",
      "app/data/other.txt",
      "app/deploy.yaml",
      "app/kustomization.yaml",
      "app/nginx.conf",
    ]);
  });

  it("generatorOptions and per-generator options: labels, annotations, disableNameSuffixHash, immutable", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - ../base
        `,
        "base/kustomization.yaml": `
          generatorOptions:
            labels:
              gen: "true"
              shared: global
            annotations:
              note: global
          configMapGenerator:
          - name: hashed
            literals:
            - a=1
            options:
              labels:
                shared: local
              immutable: true
          - name: plain
            literals:
            - b=2
            options:
              disableNameSuffixHash: true
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        data:
          a: "1"
        immutable: true
        kind: ConfigMap
        metadata:
          annotations:
            note: global
          labels:
            gen: "true"
            shared: local
          name: hashed-h29d89cmmt
        ---
        apiVersion: v1
        data:
          b: "2"
        kind: ConfigMap
        metadata:
          annotations:
            note: global
          labels:
            gen: "true"
            shared: global
          name: plain
      `),
    );
  });

  it("behavior merge and replace in an overlay; prefixes come before the hash; references in the base follow", () => {
    const out = build(
      {
        "overlay/kustomization.yaml": `
          namePrefix: prod-
          resources:
          - ../base
          configMapGenerator:
          - name: env
            behavior: merge
            literals:
            - LOG_LEVEL=warn
            - EXTRA=1
          secretGenerator:
          - name: creds
            behavior: replace
            literals:
            - token=abc
        `,
        "base/kustomization.yaml": `
          resources:
          - deploy.yaml
          configMapGenerator:
          - name: env
            literals:
            - LOG_LEVEL=debug
            - KEEP=me
          - name: files
            literals:
            - f=1
          secretGenerator:
          - name: creds
            literals:
            - user=admin
        `,
        "base/deploy.yaml": CONSUMER,
      },
      "overlay",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: prod-web
        spec:
          template:
            spec:
              containers:
              - envFrom:
                - configMapRef:
                    name: prod-env-94d559cm54
                - secretRef:
                    name: prod-creds-dbdgd77ct8
                image: nginx
                name: web
              volumes:
              - configMap:
                  name: prod-files-h972dh5ht9
                name: conf
        ---
        apiVersion: v1
        data:
          EXTRA: "1"
          KEEP: me
          LOG_LEVEL: warn
        kind: ConfigMap
        metadata:
          name: prod-env-94d559cm54
        ---
        apiVersion: v1
        data:
          f: "1"
        kind: ConfigMap
        metadata:
          name: prod-files-h972dh5ht9
        ---
        apiVersion: v1
        data:
          token: YWJj
        kind: Secret
        metadata:
          name: prod-creds-dbdgd77ct8
        type: Opaque
      `),
    );
    expect(out.failed).toBe(false);
  });

  it("hashes the final data: a patch in the overlay changes the suffix", () => {
    const out = build(
      {
        "overlay/kustomization.yaml": `
          resources:
          - ../base
          patches:
          - patch: |-
              apiVersion: v1
              kind: ConfigMap
              metadata:
                name: settings
              data:
                foo: patched
        `,
        "base/kustomization.yaml": `
          configMapGenerator:
          - name: settings
            literals:
            - foo=bar
        `,
      },
      "overlay",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        data:
          foo: patched
        kind: ConfigMap
        metadata:
          name: settings-4td9h86c9h
      `),
    );
  });

  it("hashes foo=bar to the documented suffix 798k5k7g9f and keeps a namespace from the generator", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - ../base
        `,
        "base/kustomization.yaml": `
          configMapGenerator:
          - name: settings
            namespace: team
            literals:
            - foo=bar
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        data:
          foo: bar
        kind: ConfigMap
        metadata:
          name: settings-798k5k7g9f
          namespace: team
      `),
    );
  });

  it("a global disableNameSuffixHash cannot be turned off per generator", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - ../base
        `,
        "base/kustomization.yaml": `
          generatorOptions:
            disableNameSuffixHash: true
          secretGenerator:
          - name: s
            literals:
            - k=v
            options:
              disableNameSuffixHash: false
        `,
      },
      "app",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        data:
          k: dg==
        kind: Secret
        metadata:
          name: s
        type: Opaque
      `),
    );
  });

  it("reports behavior: create over an existing object, and merge with nothing to merge into", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - cm.yaml
          configMapGenerator:
          - name: existing
            literals:
            - a=1
          - name: absent
            behavior: merge
            literals:
            - b=2
        `,
        "app/cm.yaml": `
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: existing
        `,
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics).map((d) => d.code)).toEqual([
      "kustomize-generator-error",
      "kustomize-generator-error",
    ]);
    expect(out.diagnostics.every((d) => d.file === "app/kustomization.yaml")).toBe(true);
  });
});
