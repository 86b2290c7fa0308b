import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { KustomizationNode } from "../../src/core/model.ts";
import {
  annotateObjects,
  BENCH_ANNOTATION,
  bumpImageTag,
  diffScenarios,
  mostSharedComponent,
  shortDigest,
} from "../support/bench/diff-scenarios.ts";
import { hr, ks, model } from "../support/fixtures/model.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const DIGEST = "sha256:4d0ccca1d151f860b3f469c60df78bf1ab798f15e88dc1912d31d6741653eb99";

function withReads(node: KustomizationNode, reads: string[]): KustomizationNode {
  const n = ks(node.key, { objects: [] });
  if (n.build) n.build.reads = reads;
  return n;
}

describe("test/support/bench/diff-scenarios.ts", () => {
  it("bumps the last number of the first image tag and keeps quotes, digest and comments", () => {
    const text = `image:\n  repository: ghcr.io/a/b\n  tag: 18.19.0@${DIGEST}\nother:\n  tag: 1.0.0\n`;
    expect(bumpImageTag(text)).toEqual({
      text: `image:\n  repository: ghcr.io/a/b\n  tag: 18.19.1@${DIGEST}\nother:\n  tag: 1.0.0\n`,
      from: `18.19.0@${DIGEST}`,
      to: `18.19.1@${DIGEST}`,
    });
    expect(bumpImageTag('  tag: "v2.9" # pinned\n')?.text).toBe('  tag: "v2.10" # pinned\n');
    expect(bumpImageTag("  tag: 'rolling-7'\n")?.to).toBe("rolling-8");
    expect(bumpImageTag("  tag: latest\n")).toBeUndefined();
    expect(bumpImageTag("  image: ghcr.io/a/b:1.0\n")).toBeUndefined();
  });

  it("cuts digests for the report", () => {
    expect(shortDigest(`1.2.3@${DIGEST}`)).toBe("1.2.3@sha256:4d0ccca1d151…");
    expect(shortDigest("1.2.3")).toBe("1.2.3");
  });

  it("annotates every object of a YAML stream, keeping the rest of the text", () => {
    const text =
      "---\n# schema comment\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${APP}\n" +
      'spec:\n  mode: 0777\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  annotations:\n    x: "1"\n';
    const edited = annotateObjects(text, BENCH_ANNOTATION, "changed");
    expect(edited).toBe(
      "---\n# schema comment\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${APP}\n" +
        `  annotations:\n    ${BENCH_ANNOTATION}: "changed"\nspec:\n  mode: 0777\n` +
        '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  annotations:\n    x: "1"\n' +
        `    ${BENCH_ANNOTATION}: "changed"\n`,
    );
    expect(parseAllDocuments(edited ?? "").map((d) => d.errors.length)).toEqual([0, 0]);
    expect(annotateObjects("resources:\n  - a.yaml\n", BENCH_ANNOTATION, "changed")).toBeUndefined();
    expect(annotateObjects("a: [\n", BENCH_ANNOTATION, "changed")).toBeUndefined();
  });

  it("finds the component directory read by the most Kustomizations", () => {
    const m = model({
      kustomizations: [
        withReads(ks("a/one"), [
          "apps/one/x.yaml",
          "kubernetes/components/backup/pvc.yaml",
          "kubernetes/components/alerts/a.yaml",
        ]),
        withReads(ks("a/two"), [
          "kubernetes/components/backup/kustomization.yaml",
          "kubernetes/components/backup/pvc.yaml",
        ]),
        withReads(ks("a/three"), ["kubernetes/components/alerts/a.yaml"]),
        ks("a/unrendered"),
      ],
    });
    expect(mostSharedComponent(m)).toEqual({
      dir: "kubernetes/components/alerts",
      readers: ["a/one", "a/three"],
      files: ["kubernetes/components/alerts/a.yaml"],
    });
    expect(
      mostSharedComponent(model({ kustomizations: [withReads(ks("a/one"), ["apps/x.yaml"])] })),
    ).toBeUndefined();
  });

  it("builds the three head revisions from the base model", () => {
    const files = new Map([
      ["apps/a/hr.yaml", enc("kind: HelmRelease\nspec:\n  values:\n    image:\n      tag: latest\n")],
      ["apps/b/hr.yaml", enc("kind: HelmRelease\nspec:\n  values:\n    image:\n      tag: 2.0.0\n")],
      ["kubernetes/components/backup/kustomization.yaml", enc("kind: Component\nresources:\n  - pvc.yaml\n")],
      ["kubernetes/components/backup/pvc.yaml", enc("kind: PersistentVolumeClaim\nmetadata:\n  name: x\n")],
      [
        "flux/cluster.yaml",
        enc(
          "spec:\n  patches:\n    - patch: |-\n        spec:\n          install:\n            crds: CreateReplace\n",
        ),
      ],
    ]);
    const reads = [
      "kubernetes/components/backup/kustomization.yaml",
      "kubernetes/components/backup/pvc.yaml",
    ];
    const parent = ks("flux-system/cluster-apps");
    parent.definedIn = { file: "flux/cluster.yaml", line: 1 };
    parent.spec.patches = [{ patch: "...", target: { kind: "Kustomization" } }];
    const child = (key: string) => ({ ...withReads(ks(key), reads), parent: "flux-system/cluster-apps" });
    const a = hr("a/a", "a/a", {});
    a.definedIn = { file: "apps/a/hr.yaml", line: 1 };
    const b = hr("b/b", "b/b", {});
    b.definedIn = { file: "apps/b/hr.yaml", line: 1 };
    const m = model({ kustomizations: [parent, child("a/a"), child("b/b")], helmReleases: [b, a] });
    expect(diffScenarios(files, m)).toEqual([
      {
        id: "app",
        title: "one app changed (image tag)",
        detail: "apps/b/hr.yaml: tag 2.0.0 → 2.0.1 (HelmRelease b/b)",
        edits: { "apps/b/hr.yaml": "kind: HelmRelease\nspec:\n  values:\n    image:\n      tag: 2.0.1\n" },
      },
      {
        id: "component",
        title: "shared component changed",
        detail: `kubernetes/components/backup/pvc.yaml: annotation ${BENCH_ANNOTATION} added (component kubernetes/components/backup, read by 2 of 3 Kustomizations)`,
        edits: {
          "kubernetes/components/backup/pvc.yaml": `kind: PersistentVolumeClaim\nmetadata:\n  name: x\n  annotations:\n    ${BENCH_ANNOTATION}: "changed"\n`,
        },
      },
      {
        id: "defaults",
        title: "defaults patched into every app",
        detail:
          "flux/cluster.yaml: HelmRelease default crds: CreateReplace → Create in the spec.patches that flux-system/cluster-apps applies to its 2 child Kustomizations",
        edits: {
          "flux/cluster.yaml":
            "spec:\n  patches:\n    - patch: |-\n        spec:\n          install:\n            crds: Create\n",
        },
      },
    ]);
    expect(diffScenarios(new Map(), model({}))).toEqual([
      { id: "app", title: "one app changed (image tag)", skipped: "no HelmRelease file with an image tag" },
      {
        id: "component",
        title: "shared component changed",
        skipped: "no component under kubernetes/components/ with an editable resource",
      },
      {
        id: "defaults",
        title: "defaults patched into every app",
        skipped: "no Kustomization patches its child Kustomizations with a `crds: CreateReplace` default",
      },
    ]);
  });
});
