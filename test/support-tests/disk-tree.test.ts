import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createReferenceTree, kubectlError, secureJoinPath } from "../support/conformance/reference-build.ts";
import { diskTreeView, readTree, writeTree } from "../support/fs/disk-tree.ts";

const tmp = mkdtempSync(join(tmpdir(), "flux-impact-disk-tree-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("test/support/fs/disk-tree.ts", () => {
  it("reads regular files with a prefix, reports symlinks apart and skips a top-level .git", () => {
    const root = join(tmp, "repo");
    writeTree(
      root,
      new Map<string, string | Uint8Array>([
        ["apps/a.yaml", "a: 1\n"],
        ["apps/sub/b.yaml", new TextEncoder().encode("b: 2\n")],
        [".git/HEAD", "ref"],
      ]),
    );
    symlinkSync("a.yaml", join(root, "apps", "link.yaml"));
    const tree = readTree(root, "tests/testdata/");
    expect([...tree.files.keys()].sort()).toEqual([
      "tests/testdata/apps/a.yaml",
      "tests/testdata/apps/sub/b.yaml",
    ]);
    expect(new TextDecoder().decode(tree.files.get("tests/testdata/apps/sub/b.yaml"))).toBe("b: 2\n");
    expect(tree.symlinks).toEqual(["tests/testdata/apps/link.yaml"]);
    expect(readFileSync(join(root, "apps", "a.yaml"), "utf8")).toBe("a: 1\n");
  });

  it("views a directory as regular files and directories only", () => {
    const view = diskTreeView(join(tmp, "repo"));
    expect(view.list("apps").sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
      { name: "a.yaml", isDir: false },
      { name: "sub", isDir: true },
    ]);
    expect(view.isFile("apps/a.yaml")).toBe(true);
    expect(view.isFile("apps/link.yaml")).toBe(false);
    expect(view.exists("apps/sub")).toBe(true);
    expect(view.exists("nope")).toBe(false);
    expect(view.list("nope")).toEqual([]);
  });
});

describe("test/support/conformance/reference-build.ts", () => {
  it("clamps spec.path at the artifact root like securejoin", () => {
    expect(secureJoinPath("./apps/x/")).toBe("apps/x");
    expect(secureJoinPath("/apps/x")).toBe("apps/x");
    expect(secureJoinPath("../../x")).toBe("x");
    expect(secureJoinPath("")).toBe("");
  });

  it("reduces kubectl's stderr to the error, without warnings and temporary paths", () => {
    const stderr = [
      "# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead.",
      'E1130 19:26:14.477924   20437 run.go:72] "command failed" err="accumulating resources from \'/tmp/ref-1/apps\': may not add resource with an already registered id: Namespace.v1.[noGrp]/podinfo.[noNs]"',
      "",
    ].join("\n");
    expect(kubectlError(stderr, "/tmp/ref-1")).toBe(
      "accumulating resources from 'apps': may not add resource with an already registered id: Namespace.v1.[noGrp]/podinfo.[noNs]",
    );
  });

  it("reports a missing directory and a spec Flux rejects without running kustomize", () => {
    const files = new Map([
      ["apps/a.yaml", new TextEncoder().encode("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")],
      ["apps/logo.png", new Uint8Array([1])],
    ]);
    const tree = createReferenceTree(files);
    try {
      expect(tree.build({ path: "./missing" })).toEqual({ status: "path-not-found", dir: "missing" });
      expect(tree.build({ path: "./apps/logo.png" })).toEqual({
        status: "path-not-found",
        dir: "apps/logo.png",
      });
      expect(tree.build({ path: "./apps", targetNamespace: 7 })).toEqual({
        status: "error",
        error: ".spec.targetNamespace accessor error: 7 is not a string",
        kubectlMs: 0,
      });
      expect(tree.build({ path: "./apps" }, "/*\n")).toEqual({ status: "path-not-found", dir: "apps" });
    } finally {
      tree.dispose();
    }
  });
});
