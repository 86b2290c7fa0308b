import { describe, expect, it } from "vitest";
import { dedent } from "../../../support/fixtures/text.ts";
import { build, where } from "./harness.ts";

const NS = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: downloads\n";
const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: "1"\n';

describe("core/kustomize/build (transformers and generators: plugin configurations)", () => {
  it("runs builtin LabelTransformer and AnnotationsTransformer, inline ones before files, as kubectl does", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - ns.yaml
          - cm.yaml
          transformers:
          - file-labels.yaml
          - |-
            apiVersion: builtin
            kind: LabelTransformer
            metadata:
              name: inline
            labels:
              order: inline
              only-inline: "yes"
            fieldSpecs:
              - kind: Namespace
                path: metadata/labels
                create: true
        `,
        "app/file-labels.yaml": `
          apiVersion: builtin
          kind: LabelTransformer
          metadata:
            name: from-file
          labels:
            order: file
          fieldSpecs:
            - path: metadata/labels
              create: true
          ---
          apiVersion: builtin
          kind: AnnotationsTransformer
          metadata:
            name: notes
          annotations:
            note: "from file"
          fieldSpecs:
            - kind: ConfigMap
              path: metadata/annotations
              create: true
        `,
        "app/ns.yaml": NS,
        "app/cm.yaml": CM,
      },
      "app",
    );
    expect(out.diagnostics).toEqual([]);
    expect(out.failed).toBe(false);
    // kubectl kustomize (v5.5.0) prints the same objects: the file's label, listed first, wins.
    expect(out.yaml).toBe(
      dedent(`
        apiVersion: v1
        kind: Namespace
        metadata:
          labels:
            only-inline: "yes"
            order: file
          name: downloads
        ---
        apiVersion: v1
        data:
          a: "1"
        kind: ConfigMap
        metadata:
          annotations:
            note: from file
          labels:
            order: file
          name: c
      `),
    );
    expect(out.reads).toContain("app/file-labels.yaml");
  });

  it("leaves another builtin plugin unrendered: a warning that makes the output unknown, not a failure", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - cm.yaml
          transformers:
          - |-
            apiVersion: builtin
            kind: PrefixSuffixTransformer
            metadata:
              name: p
            prefix: x-
            fieldSpecs:
              - path: metadata/name
          generators:
          - gen.yaml
        `,
        "app/gen.yaml":
          "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata:\n  name: g\nliterals:\n  - a=b\n",
        "app/cm.yaml": CM,
      },
      "app",
    );
    expect(out.failed).toBe(false);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-plugin-not-rendered", file: "app/gen.yaml", line: 1 },
      { code: "kustomize-plugin-not-rendered", file: "app/kustomization.yaml", line: 4 },
    ]);
    expect(out.diagnostics.map((d) => d.severity)).toEqual(["warning", "warning"]);
    expect(out.diagnostics[1]!.message).toContain("PrefixSuffixTransformer");
  });

  it("fails on a plugin that is not builtin, as Flux does with plugins disabled", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - cm.yaml
          transformers:
          - |-
            apiVersion: example.com/v1
            kind: Sed
            metadata:
              name: s
        `,
        "app/cm.yaml": CM,
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-unsupported", file: "app/kustomization.yaml", line: 4 },
    ]);
    expect(out.diagnostics[0]!.message).toContain("external plugins disabled");
  });

  it("reports a configuration that cannot be applied, with the plugin's name", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - cm.yaml
          transformers:
          - labels.yaml
          - missing.yaml
        `,
        "app/labels.yaml":
          "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: l\nlabels:\n  m: {a: 1}\n",
        "app/cm.yaml": CM,
      },
      "app",
    );
    expect(out.failed).toBe(true);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-missing-path", file: "app/kustomization.yaml", line: 5 },
      { code: "kustomize-transform-error", file: "app/labels.yaml", line: 1 },
    ]);
    // kubectl: plugin LabelTransformer.builtin.[noGrp]/l.[noNs] fails configuration: … json: cannot unmarshal
    // object into Go struct field LabelTransformerPlugin.labels of type string
    expect(out.diagnostics[1]!.message).toBe(
      'builtin LabelTransformer "l": fails configuration: json: cannot unmarshal object into Go struct field LabelTransformerPlugin.labels of type string',
    );
  });

  it("takes scalar values as their text, as kustomize does", () => {
    const out = build(
      {
        "app/kustomization.yaml": "resources:\n- cm.yaml\ntransformers:\n- labels.yaml\n",
        "app/labels.yaml":
          "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: l\nlabels:\n  on: true\n  n: 5\n  s: yes\nfieldSpecs:\n- path: metadata/labels\n  create: true\n",
        "app/cm.yaml": CM,
      },
      "app",
    );
    expect(out.diagnostics).toEqual([]);
    // kubectl kustomize prints the labels "n": "5", "on": "true", s: "yes".
    expect(out.yaml).toContain('  labels:\n    "n": "5"\n    "on": "true"\n    s: "yes"\n');
  });
});

describe("core/kustomize/build (generator files kustomize fetches)", () => {
  it("names an http(s) file as remote, a warning, instead of a missing path", () => {
    const out = build(
      {
        "app/kustomization.yaml": `
          resources:
          - cm.yaml
          configMapGenerator:
          - name: dashboards
            files:
            - cluster.json=https://raw.githubusercontent.com/fluxcd/flux2/v0.31.4/manifests/monitoring/cluster.json
        `,
        "app/cm.yaml": CM,
      },
      "app",
    );
    expect(out.failed).toBe(false);
    expect(where(out.diagnostics)).toEqual([
      { code: "kustomize-remote-resource", file: "app/kustomization.yaml", line: 6 },
    ]);
    expect(out.diagnostics[0]!.severity).toBe("warning");
    expect(out.yaml).toContain("kind: ConfigMap\nmetadata:\n  name: c\n");
    expect(out.yaml).not.toContain("dashboards");
  });
});
