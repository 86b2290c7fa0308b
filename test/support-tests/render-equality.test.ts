import { describe, expect, it } from "vitest";
import { diagnostic } from "../../src/core/diagnostics.ts";
import type { KustomizationNode } from "../../src/core/model.ts";
import { compareOne, gitRepositoryIgnores } from "../support/conformance/render-equality.ts";
import { ks } from "../support/fixtures/model.ts";

const cm = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "a", namespace: "apps" },
  data: { k: "v" },
};

function failed(k: KustomizationNode): KustomizationNode {
  if (k.build) k.build.failed = true;
  return k;
}

describe("test/support/conformance/render-equality.ts", () => {
  it("counts equal object sets as equal", () => {
    const k = ks("flux-system/apps", { path: "apps", objects: [cm] });
    expect(compareOne(k, { status: "ok", objects: [cm], notes: [], kubectlMs: 1 })).toEqual({
      status: "equal",
      detail: "1 objects",
    });
  });

  it("reports a mismatch with the counts and a diff of the first differing object", () => {
    const k = ks("flux-system/apps", { path: "apps", objects: [{ ...cm, data: { k: "w" } }] });
    const r = compareOne(k, { status: "ok", objects: [cm], notes: [], kubectlMs: 1 });
    expect(r).toEqual({
      status: "mismatch",
      detail: "1 reference objects; 1 differ",
      equalModuloOrigin: false,
      diff: "v1/ConfigMap/apps/a\n  apiVersion: v1\n  data:\n-   k: v\n+   k: w\n  kind: ConfigMap\n  metadata:",
    });
  });

  it("flags a mismatch that only concerns origin annotations", () => {
    const annotated = {
      ...cm,
      metadata: { ...cm.metadata, annotations: { "config.kubernetes.io/origin": "path: a.yaml\n" } },
    };
    const k = ks("flux-system/apps", { path: "apps", objects: [cm] });
    const r = compareOne(k, { status: "ok", objects: [annotated], notes: [], kubectlMs: 1 });
    expect(r.status).toBe("mismatch");
    expect(r.equalModuloOrigin).toBe(true);
  });

  it("treats both sides failing, or both missing the directory, as equal", () => {
    const k = failed(ks("flux-system/apps", { path: "apps", objects: [] }));
    expect(compareOne(k, { status: "error", error: "boom", kubectlMs: 1 })).toEqual({
      status: "equal",
      detail: "both fail (kubectl: boom)",
    });
    const nf = ks("flux-system/apps", { path: "nope", status: "path-not-found" });
    expect(compareOne(nf, { status: "path-not-found", dir: "nope" })).toEqual({
      status: "equal",
      detail: "both: path not found",
    });
  });

  it("reports one-sided failures and missing directories as mismatches", () => {
    const ok = ks("flux-system/apps", { path: "apps", objects: [cm] });
    expect(compareOne(ok, { status: "error", error: "boom", kubectlMs: 1 })).toEqual({
      status: "mismatch",
      detail: "kubectl fails (boom); engine renders 1 objects",
    });
    expect(compareOne(ok, { status: "path-not-found", dir: "apps" })).toEqual({
      status: "mismatch",
      detail: "reference: path apps not found; engine: status rendered",
    });
    const bad = failed(ks("flux-system/apps", { path: "apps", objects: [] }));
    expect(compareOne(bad, { status: "ok", objects: [cm], notes: [], kubectlMs: 1 })).toEqual({
      status: "mismatch",
      detail: "engine fails ((no diagnostic)); kubectl renders 1 objects",
    });
    const nf = ks("flux-system/apps", { path: "apps", status: "path-not-found" });
    expect(compareOne(nf, { status: "ok", objects: [cm], notes: [], kubectlMs: 1 })).toEqual({
      status: "mismatch",
      detail: "engine: path not found; reference: 1 objects",
    });
  });

  it("still compares the kustomize output of a build the engine fails only after kustomize", () => {
    const k = failed(ks("flux-system/apps", { path: "apps", objects: [cm] }));
    k.build?.diagnostics.push(diagnostic("flux-substitute-from-missing", "Secret apps/s is not defined"));
    expect(compareOne(k, { status: "ok", objects: [cm], notes: [], kubectlMs: 1 })).toEqual({
      status: "equal",
      detail:
        "1 objects; the engine then fails the build after kustomize (flux-substitute-from-missing: Secret apps/s is not defined)",
    });
  });

  it("finds GitRepository spec.ignore in the raw repository files", () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const files = new Map([
      [
        "a/git.yaml",
        enc(
          "kind: GitRepository\nmetadata: {name: repo, namespace: flux-system}\nspec:\n  ignore: |\n    /*\n",
        ),
      ],
      ["b/git.yaml", enc("kind: GitRepository\nmetadata: {name: plain}\nspec: {ignore: 'x'}\n")],
      ["c/notes.md", enc("kind: GitRepository ignore")],
    ]);
    expect(gitRepositoryIgnores(files)).toEqual([
      { key: "flux-system/repo", file: "a/git.yaml", ignore: "/*\n" },
      { key: "/plain", file: "b/git.yaml", ignore: "x" },
    ]);
  });
});
