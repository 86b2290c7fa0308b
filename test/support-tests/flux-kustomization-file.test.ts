import { describe, expect, it } from "vitest";
import {
  isLocalRelativePath,
  KNOWN_KUSTOMIZATION_FIELDS,
  mergeFluxSpec,
} from "../support/conformance/flux-kustomization-file.ts";
import {
  type DirEntry,
  findKustomizationFile,
  generatedResources,
  type TreeView,
} from "../support/conformance/kustomization-walk.ts";

/** A TreeView over a list of file paths (directories implied). */
function memoryView(paths: readonly string[]): TreeView {
  const dirs = new Set<string>([""]);
  for (const p of paths) {
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  return {
    list(dir: string): DirEntry[] {
      const prefix = dir === "" ? "" : `${dir}/`;
      const names = new Map<string, boolean>();
      for (const p of [...paths, ...dirs]) {
        if (p === dir || !p.startsWith(prefix)) continue;
        const rest = p.slice(prefix.length);
        if (rest.includes("/")) continue;
        names.set(rest, dirs.has(p));
      }
      return [...names].map(([name, isDir]) => ({ name, isDir }));
    },
    isFile: (p) => paths.includes(p),
    exists: (p) => paths.includes(p) || dirs.has(p),
  };
}

describe("test/support/conformance/flux-kustomization-file.ts + kustomization-walk.ts", () => {
  it("finds kustomization files in Flux's order of preference, case-sensitively", () => {
    const view = memoryView(["a/Kustomization", "a/kustomization.yml", "b/kustomization.YAML"]);
    expect(findKustomizationFile(view, "a")).toBe("a/kustomization.yml");
    expect(findKustomizationFile(view, "b")).toBeUndefined();
  });

  it("generates resources in Go filepath.Walk order, stopping at directories with a kustomization", () => {
    const view = memoryView([
      "app/b.yaml",
      "app/a.yml",
      "app/c/x.yaml",
      "app/c/deeper/y.yaml",
      "app/withk/kustomization.yaml",
      "app/withk/inner.yaml",
      "app/.hidden/h.yaml",
      "app/d.json",
      "app/e.yaml.dis",
      "app/f.disabled.yaml",
      "app/G.YAML",
    ]);
    expect(generatedResources(view, "app")).toEqual([
      "./.hidden/h.yaml",
      "./a.yml",
      "./b.yaml",
      "./c/deeper/y.yaml",
      "./c/x.yaml",
      "./f.disabled.yaml",
      "./withk",
    ]);
  });

  it("knows every top-level field of kustomize v5.5.0's Kustomization type", () => {
    expect([...KNOWN_KUSTOMIZATION_FIELDS].sort()).toEqual(
      [
        "apiVersion",
        "bases",
        "buildMetadata",
        "commonAnnotations",
        "commonLabels",
        "components",
        "configMapGenerator",
        "configurations",
        "crds",
        "generatorOptions",
        "generators",
        "helmChartInflationGenerator",
        "helmCharts",
        "helmGlobals",
        "imageTags",
        "images",
        "kind",
        "labels",
        "metadata",
        "namePrefix",
        "nameSuffix",
        "namespace",
        "openapi",
        "patches",
        "patchesJson6902",
        "patchesStrategicMerge",
        "replacements",
        "replicas",
        "resources",
        "secretGenerator",
        "sortOptions",
        "transformers",
        "validators",
        "vars",
      ].sort(),
    );
  });

  it("recognizes local relative component paths like fluxcd/pkg IsLocalRelativePath", () => {
    expect(isLocalRelativePath("../components/a")).toBe(true);
    expect(isLocalRelativePath("/abs")).toBe(false);
    expect(isLocalRelativePath("https://github.com/x/y")).toBe(false);
    expect(isLocalRelativePath("github.com/x/y")).toBe(false);
    expect(isLocalRelativePath("file:///x")).toBe(false);
  });

  it("writes a generated kustomization with the generated resources and the spec merged in", () => {
    const r = mergeFluxSpec(null, ["./a.yaml", "./sub"], { targetNamespace: "t" }, () => false);
    expect(r).toEqual({
      ok: true,
      created: true,
      originAnnotations: false,
      droppedFields: [],
      text: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - "./a.yaml"\n  - "./sub"\nnamespace: "t"\n',
    });
  });

  it("writes the `_placeholder` namespace for a directory without manifests", () => {
    const r = mergeFluxSpec(null, [], {}, () => false);
    expect(r.ok && r.text).toBe(
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: _placeholder\n",
    );
  });

  it("merges the Flux spec into an existing file, keeping user scalars verbatim and dropping unknown keys", () => {
    // Verified with kubectl kustomize (v5.5.0): the result renders Deployment web-x in namespace apps with
    // images nginx:1.27, other/redis, busybox@sha256:b…, spec.paused from the Flux patch and the component.
    const existing = [
      "apiVersion: kustomize.config.k8s.io/v1beta1",
      "kind: Kustomization",
      "foo: bar",
      "namespace: old",
      "namePrefix: p-",
      "resources: [deploy.yaml]",
      "commonLabels:",
      '  version: "1"',
      "  port: 0777",
      "images:",
      "  - name: nginx",
      '    newTag: "1.25"',
      "    digest: sha256:aaa",
      "  - name: redis",
      "    newName: my/redis",
      "patches:",
      "  - path: patch.yaml",
      "",
    ].join("\n");
    const spec = {
      targetNamespace: "apps",
      namePrefix: "",
      nameSuffix: "-x",
      patches: [
        {
          patch: "- op: add\n  path: /spec/paused\n  value: true\n",
          target: { kind: "Deployment", name: "web" },
        },
      ],
      images: [
        { name: "nginx", newTag: "1.27" },
        { name: "redis", newName: "other/redis" },
        { name: "busybox", digest: "sha256:bbb" },
      ],
      components: ["../comp", "../missing"],
      ignoreMissingComponents: true,
      patchesStrategicMerge: [{ kind: "Ignored" }],
    };
    const r = mergeFluxSpec(existing, [], spec, (p) => p === "../comp");
    expect(r).toEqual({
      ok: true,
      created: false,
      originAnnotations: false,
      droppedFields: ["foo"],
      text: [
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        'namespace: "apps"',
        "resources: [ deploy.yaml ]",
        "commonLabels:",
        '  version: "1"',
        "  port: 0777",
        "images:",
        "  - name: nginx",
        '    newTag: "1.27"',
        "  - name: redis",
        '    newName: "other/redis"',
        '  - name: "busybox"',
        '    digest: "sha256:bbb"',
        "patches:",
        "  - path: patch.yaml",
        '  - patch: "- op: add\\n  path: /spec/paused\\n  value: true\\n"',
        "    target:",
        '      kind: "Deployment"',
        '      name: "web"',
        'nameSuffix: "-x"',
        "components:",
        '  - "../comp"',
        "",
      ].join("\n"),
    });
  });

  it("adds buildMetadata [originAnnotations] when an existing file lists no resources (Flux quirk)", () => {
    const r = mergeFluxSpec("configMapGenerator:\n  - name: cm\n    literals: [a=1]\n", [], {}, () => false);
    expect(r.ok && r.text).toBe(
      [
        "configMapGenerator:",
        "  - name: cm",
        "    literals: [ a=1 ]",
        "apiVersion: kustomize.config.k8s.io/v1beta1",
        "kind: Kustomization",
        "buildMetadata:",
        '  - "originAnnotations"',
        "",
      ].join("\n"),
    );
    const withSpec = mergeFluxSpec(
      "resources: []\n",
      [],
      { buildMetadata: ["transformerAnnotations"] },
      () => false,
    );
    expect(withSpec.ok && withSpec.originAnnotations).toBe(true);
    expect(withSpec.ok && withSpec.text).toContain('buildMetadata:\n  - "transformerAnnotations"\n');
  });

  it("fails like Flux on a non-string targetNamespace, a remote component or an unparsable file", () => {
    expect(mergeFluxSpec(null, [], { targetNamespace: 3 }, () => false)).toEqual({
      ok: false,
      error: ".spec.targetNamespace accessor error: 3 is not a string",
    });
    expect(mergeFluxSpec(null, [], { components: ["https://github.com/x/y"] }, () => false)).toEqual({
      ok: false,
      error: "component path 'https://github.com/x/y' must be local and relative",
    });
    expect(mergeFluxSpec("- a\n- b\n", [], {}, () => false)).toEqual({
      ok: false,
      error: "invalid kustomization: not a mapping",
    });
  });
});
