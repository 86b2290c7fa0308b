import { describe, expect, it } from "vitest";
import {
  artifactSnapshot,
  defaultPatternMatcher,
  ignoredByDefault,
  scopePattern,
} from "../../../src/core/flux/artifact.ts";
import { parseFileCached } from "../../../src/core/kustomize/context.ts";
import { createMemorySnapshot } from "../../../src/core/snapshot/repo-snapshot.ts";

describe("core/flux/artifact", () => {
  it("re-includes a file under an excluded directory, as go-git's matcher in source-controller does", () => {
    // xunholy/k8s-gitops: the secrets folder is excluded except the files named again with `!`.
    const snap = createMemorySnapshot({
      ".sourceignore": [
        "/*",
        "!/kubernetes",
        "/kubernetes/clusters/**/secrets/",
        "!/kubernetes/clusters/**/secrets/cluster-config.yaml",
      ].join("\n"),
      "kubernetes/clusters/a/secrets/cluster-config.yaml": "x",
      "kubernetes/clusters/a/secrets/private.yaml": "x",
      "kubernetes/clusters/a/ks.yaml": "x",
      "talos/config.yaml": "x",
    });

    const { snapshot, excluded } = artifactSnapshot(snap);

    expect(snapshot.files()).toEqual([
      "kubernetes/clusters/a/ks.yaml",
      "kubernetes/clusters/a/secrets/cluster-config.yaml",
    ]);
    expect(excluded).toEqual([
      ".sourceignore",
      "kubernetes/clusters/a/secrets/private.yaml",
      "talos/config.yaml",
    ]);
  });

  it("drops source-controller's default exclusions when no ignore file exists", () => {
    const snap = createMemorySnapshot({
      ".sops.yaml": "creation_rules: []",
      "kubernetes/apps/.sops.yaml": "creation_rules: []",
      ".github/workflows/ci.yaml": "on: push",
      ".gitattributes": "* text",
      "docs/logo.png": "png",
      "kubernetes/apps/a.yaml": "kind: A",
    });

    const { snapshot, excluded } = artifactSnapshot(snap);

    expect(snapshot.files()).toEqual(["kubernetes/apps/a.yaml"]);
    expect(excluded).toEqual([
      ".gitattributes",
      ".github/workflows/ci.yaml",
      ".sops.yaml",
      "docs/logo.png",
      "kubernetes/apps/.sops.yaml",
    ]);
  });

  it("keeps only the VCS defaults once any .sourceignore exists, and scopes patterns to its directory", () => {
    const snap = createMemorySnapshot({
      ".sops.yaml": "x",
      ".gitignore": "x",
      "kubernetes/.sourceignore": "*.md\n!keep.md\n/top.yaml\nsub/\n",
      "kubernetes/readme.md": "x",
      "kubernetes/deep/notes.md": "x",
      "kubernetes/keep.md": "x",
      "kubernetes/top.yaml": "x",
      "kubernetes/deep/top.yaml": "x",
      "kubernetes/sub/a.yaml": "x",
      "other/readme.md": "x",
    });

    const { snapshot } = artifactSnapshot(snap);

    expect(snapshot.files()).toEqual([
      ".sops.yaml",
      "kubernetes/.sourceignore",
      "kubernetes/deep/top.yaml",
      "kubernetes/keep.md",
      "other/readme.md",
    ]);
  });

  it("applies the GitRepository spec.ignore at the root", () => {
    const snap = createMemorySnapshot({ "a/x.yaml": "x", "b/y.yaml": "x" });

    const { snapshot } = artifactSnapshot(snap, "/*\n!/b\n");

    expect(snapshot.files()).toEqual(["b/y.yaml"]);
  });

  it("rewrites gitignore patterns relative to the repository root", () => {
    expect(scopePattern("*.md", "k")).toBe("k/**/*.md");
    expect(scopePattern("/top.yaml", "k")).toBe("k/top.yaml");
    expect(scopePattern("a/b", "k")).toBe("k/a/b");
    expect(scopePattern("!keep.md", "k")).toBe("!k/**/keep.md");
    expect(scopePattern("sub/", "k")).toBe("k/**/sub/");
    expect(scopePattern("# comment", "k")).toBeUndefined();
  });

  it("decides the default exclusions exactly as the `ignore` patterns do", () => {
    const byPatterns = defaultPatternMatcher();
    const names = [
      ...[".git", ".github", ".circleci", ".gitignore", ".gitmodules", ".gitattributes", ".travis.yml"],
      ...[".gitlab-ci.yml", "appveyor.yml", ".drone.yml", "cloudbuild.yaml", "codeship-services.yml"],
      ...["codeship-steps.yml", ".goreleaser.yml", ".sops.yaml", ".flux.yaml", "logo.png", "a.JPG", ".jpg"],
      ...[
        "x.jpeg",
        "y.gif",
        "z.wmv",
        "v.flv",
        "b.tar.gz",
        "c.tgz",
        "d.zip",
        "e.ZIP",
        ".GitHub",
        ".Sops.Yaml",
      ],
      ...[
        "ks.yaml",
        "helmrelease.yaml",
        "README.md",
        "png",
        "jpg.txt",
        "a.tar",
        "git",
        ".github2",
        "x.github",
      ],
      ...["cloudbuild.yml", "my.sops.yaml", ".sops.yaml.bak", "K"],
    ];
    const paths = new Set<string>();
    for (const a of names) {
      paths.add(a);
      for (const b of names) {
        paths.add(`${a}/${b}`);
        paths.add(`kubernetes/${a}/apps/${b}`);
      }
    }
    const disagree = [...paths].filter((p) => ignoredByDefault(p) !== byPatterns(p));
    expect(disagree).toEqual([]);
    expect(ignoredByDefault(".github/workflows/ci.yaml")).toBe(true);
    expect(ignoredByDefault("docs/.github")).toBe(false); // a file, not a directory
    expect(ignoredByDefault("kubernetes/apps/x/ks.yaml")).toBe(false);
  });

  it("cuts a view that shares the revision's session, so no file is parsed twice", () => {
    const snap = createMemorySnapshot({
      ".github/workflows/ci.yaml": "on: push\n",
      "kubernetes/apps/ks.yaml": "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n",
    });
    const parsed = parseFileCached(snap, "kubernetes/apps/ks.yaml");

    const { snapshot, excluded } = artifactSnapshot(snap);

    expect(excluded).toEqual([".github/workflows/ci.yaml"]);
    expect(snapshot).not.toBe(snap);
    expect(snapshot.session).toBe(snap.session);
    // The view's read of the file is the parse the revision already made.
    expect(parseFileCached(snapshot, "kubernetes/apps/ks.yaml")).toBe(parsed);
  });
});
