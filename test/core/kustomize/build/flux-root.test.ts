import { describe, expect, it } from "vitest";
import { dedent } from "../../../support/fixtures/text.ts";
import { build, where } from "./harness.ts";

// Flux behaviour kubectl cannot show directly. Each expected output was checked by writing, for kubectl,
// the kustomization.yaml Flux would write (fluxcd/pkg kustomize_generator.go): the generated resource
// list, or the root file merged with the spec overrides.

const cm = (name: string) => `
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: ${name}
`;

const DEPLOY = `
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    replicas: 1
    template:
      spec:
        containers:
        - name: web
          image: ghcr.io/org/web:1.0
        - name: sidecar
          image: envoy@sha256:1111111111111111111111111111111111111111111111111111111111111111
`;

describe("core/kustomize/build (Flux root: generated kustomization)", () => {
  it("includes *.yaml/*.yml files in lexical walk order and subdirectories with a kustomization, not descended", () => {
    // Flux writes resources: [./.hidden/h.yaml, ./a.yml, ./b.yaml, ./sub/deeper/d.yaml, ./sub/s.yaml, ./withk]
    const out = build(
      {
        "apps/b.yaml": cm("b"),
        "apps/a.yml": cm("a"),
        "apps/.hidden/h.yaml": cm("hidden"),
        "apps/sub/s.yaml": cm("s"),
        "apps/sub/deeper/d.yaml": cm("d"),
        "apps/withk/kustomization.yaml": `
          namePrefix: k-
          resources:
          - w.yaml
        `,
        "apps/withk/w.yaml": cm("w"),
        "apps/withk/not-listed/x.yaml": cm("never"),
        "apps/README.md": "# not yaml",
        "apps/values.json": "{}",
        "apps/off.yaml.dis": "not: kubernetes",
        "apps/upper.YAML": "not: kubernetes",
        "apps/ks.disabled.yaml": cm("disabled-but-included"),
      },
      "apps",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: hidden
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
        kind: ConfigMap
        metadata:
          name: disabled-but-included
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: d
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: s
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: k-w
      `),
    );
    expect(out.diagnostics).toEqual([]);
    expect(out.reads).not.toContain("apps/withk/not-listed/x.yaml");
    expect(out.reads).not.toContain("apps/upper.YAML");
  });

  it("fails the whole build on a non-Kubernetes YAML file (e.g. Helm values.yaml)", () => {
    const out = build(
      {
        "apps/cm.yaml": cm("ok"),
        "apps/values.yaml": `
          replicaCount: 2
          image:
            tag: latest
        `,
      },
      "apps",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-invalid-resource", file: "apps/values.yaml", line: 1 },
    ]);
    expect(out.diagnostics[0]?.message).toContain("failed to decode Kubernetes YAML from apps/values.yaml");
    expect(out.yaml).toBe("");
  });

  it("builds a directory without manifests, or with only empty documents, to nothing", () => {
    const empty = build({ "apps/README.md": "nothing here" }, "apps");
    expect(empty.yaml).toBe("");
    expect(empty.diagnostics).toEqual([]);
    expect(empty.failed).toBe(false);

    const comments = build({ "apps/empty.yaml": "# only a comment\n---\n---\n" }, "apps");
    expect(comments.yaml).toBe("");
    expect(comments.failed).toBe(false);
  });

  it("applies the spec overrides to a generated kustomization", () => {
    const out = build({ "apps/cm.yaml": cm("settings") }, "apps", {
      targetNamespace: "team",
      namePrefix: "p-",
    });
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: p-settings
          namespace: team
      `),
    );
  });

  it("fails when a subdirectory found by the walk holds a Component", () => {
    const out = build(
      {
        "apps/cm.yaml": cm("ok"),
        "apps/comp/kustomization.yaml": `
          kind: Component
          resources:
          - x.yaml
        `,
        "apps/comp/x.yaml": cm("x"),
      },
      "apps",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([{ code: "kustomize-component-kind", file: "apps" }]);
  });
});

describe("core/kustomize/build (Flux root: spec overrides)", () => {
  const repo = {
    "apps/kustomization.yaml": `
      namespace: from-kustomization
      namePrefix: file-
      nameSuffix: -file
      images:
      - name: ghcr.io/org/web
        newTag: "1.1"
      - name: envoy
        digest: sha256:2222222222222222222222222222222222222222222222222222222222222222
      patches:
      - patch: |-
          apiVersion: apps/v1
          kind: Deployment
          metadata:
            name: web
          spec:
            replicas: 2
      resources:
      - deploy.yaml
    `,
    "apps/deploy.yaml": DEPLOY,
    "components/monitoring/kustomization.yaml": `
      apiVersion: kustomize.config.k8s.io/v1alpha1
      kind: Component
      resources:
      - monitor.yaml
    `,
    "components/monitoring/monitor.yaml": `
      apiVersion: monitoring.coreos.com/v1
      kind: ServiceMonitor
      metadata:
        name: web
      spec:
        endpoints:
        - port: http
    `,
  };

  it("without overrides, builds the root file as it is", () => {
    const out = build(repo, "apps");
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: file-web-file
          namespace: from-kustomization
        spec:
          replicas: 2
          template:
            spec:
              containers:
              - image: ghcr.io/org/web:1.1
                name: web
              - image: envoy@sha256:2222222222222222222222222222222222222222222222222222222222222222
                name: sidecar
      `),
    );
  });

  it("replaces namespace and name affixes, appends patches and components, merges images", () => {
    const out = build(repo, "apps", {
      targetNamespace: "prod",
      namePrefix: "flux-",
      nameSuffix: "",
      patches: [
        {
          patch: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n",
        },
        {
          patch: '[{"op": "add", "path": "/metadata/labels", "value": {"patched": "by-flux"}}]',
          target: { kind: "ServiceMonitor" },
        },
      ],
      components: ["../components/monitoring"],
      images: [
        // newTag on an entry that had a digest (and vice versa): the other field is cleared.
        { name: "envoy", newTag: "v1.30" },
        { name: "ghcr.io/org/web", newName: "registry.local/web" },
        { name: "busybox", newTag: "unused" },
      ],
    });
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: flux-web
          namespace: prod
        spec:
          replicas: 3
          template:
            spec:
              containers:
              - image: registry.local/web:1.1
                name: web
              - image: envoy:v1.30
                name: sidecar
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata:
          labels:
            patched: by-flux
          name: flux-web
          namespace: prod
        spec:
          endpoints:
          - port: http
      `),
    );
    expect(out.failed).toBe(false);
  });

  it("merges a spec image digest into the file's entry: the file's newTag is cleared", () => {
    const digest = "sha256:3333333333333333333333333333333333333333333333333333333333333333";
    const out = build(repo, "apps", { images: [{ name: "ghcr.io/org/web", digest }] });
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: file-web-file
          namespace: from-kustomization
        spec:
          replicas: 2
          template:
            spec:
              containers:
              - image: ghcr.io/org/web@${digest}
                name: web
              - image: envoy@sha256:2222222222222222222222222222222222222222222222222222222222222222
                name: sidecar
      `),
    );
  });

  it("a missing component fails the build unless ignoreMissingComponents is set", () => {
    const missing = build(repo, "apps", { components: ["../components/absent"] });
    expect(missing.failed).toBe(true);
    expect(missing.diagnostics.map((d) => [d.code, d.file])).toEqual([
      ["kustomize-missing-path", "apps/kustomization.yaml"],
    ]);
    expect(missing.diagnostics[0]?.message).toContain("../components/absent");

    const ignored = build(repo, "apps", {
      components: ["../components/absent", "../components/monitoring"],
      ignoreMissingComponents: true,
    });
    expect(ignored.failed).toBe(false);
    expect(ignored.yaml).toBe(
      dedent(`
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: file-web-file
          namespace: from-kustomization
        spec:
          replicas: 2
          template:
            spec:
              containers:
              - image: ghcr.io/org/web:1.1
                name: web
              - image: envoy@sha256:2222222222222222222222222222222222222222222222222222222222222222
                name: sidecar
        ---
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata:
          name: file-web-file
          namespace: from-kustomization
        spec:
          endpoints:
          - port: http
      `),
    );
  });

  it("drops unknown fields of the root file with a warning (kubectl would reject them)", () => {
    // Checked with kubectl after removing the field, as Flux's rewrite does.
    const out = build(
      {
        "apps/kustomization.yaml": `
          resources:
          - cm.yaml
          notAField: true
        `,
        "apps/cm.yaml": cm("a"),
      },
      "apps",
    );
    expect(out.failed).toBe(false);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-unknown-field", file: "apps/kustomization.yaml", line: 1 },
    ]);
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
      `),
    );
  });
});

describe("core/kustomize/build (Flux root: originAnnotations quirk)", () => {
  it("annotates every object with its origin when the root file has no resources", () => {
    const out = build(
      {
        "apps/kustomization.yaml": `
          bases:
          - ../base
          configMapGenerator:
          - name: gen
            literals:
            - a=1
        `,
        "base/kustomization.yaml": `
          resources:
          - cm.yaml
        `,
        "base/cm.yaml": cm("from-base"),
      },
      "apps",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          annotations:
            config.kubernetes.io/origin: |
              path: ../base/cm.yaml
          name: from-base
        ---
        apiVersion: v1
        data:
          a: "1"
        kind: ConfigMap
        metadata:
          annotations:
            config.kubernetes.io/origin: |
              configuredIn: kustomization.yaml
              configuredBy:
                apiVersion: builtin
                kind: ConfigMapGenerator
          name: gen-h29d89cmmt
      `),
    );
  });

  it("treats an empty resources list as no resources (Flux tests len(resources) == 0)", () => {
    const out = build(
      {
        "apps/kustomization.yaml": `
          resources: []
          components:
          - ../comp
        `,
        "comp/kustomization.yaml": `
          kind: Component
          resources:
          - cm.yaml
        `,
        "comp/cm.yaml": cm("from-component"),
      },
      "apps",
    );
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          annotations:
            config.kubernetes.io/origin: |
              path: ../comp/cm.yaml
          name: from-component
      `),
    );
  });

  it("annotates only through the spec's buildMetadata when the root file lists resources", () => {
    const files = {
      "apps/kustomization.yaml": `
        resources:
        - cm.yaml
      `,
      "apps/cm.yaml": cm("a"),
    };
    expect(build(files, "apps").yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
      `),
    );
    expect(build(files, "apps", { buildMetadata: ["originAnnotations"] }).yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: ConfigMap
        metadata:
          annotations:
            config.kubernetes.io/origin: |
              path: cm.yaml
          name: a
      `),
    );
  });
});
