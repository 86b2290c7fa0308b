import { describe, expect, it } from "vitest";
import {
  artifactFiles,
  goFilepathMatch,
  isExcluded,
  matchPattern,
  parsePattern,
  readPatterns,
} from "../support/conformance/source-ignore.ts";

const files = [
  ".github/workflows/ci.yaml",
  ".gitignore",
  ".sops.yaml",
  "apps/.sops.yaml",
  "apps/app/kustomization.yaml",
  "apps/app/logo.png",
  "apps/app/release.yaml",
  "build.yaml",
  "docs/build/out.yaml",
  "README.md",
];

describe("test/support/conformance/source-ignore.ts", () => {
  it("goFilepathMatch follows Go's filepath.Match for one component", () => {
    expect(goFilepathMatch("*.yaml", "a.yaml")).toBe(true);
    expect(goFilepathMatch("*.yaml", "a.yml")).toBe(false);
    expect(goFilepathMatch("?.txt", "ab.txt")).toBe(false);
    expect(goFilepathMatch("[ab].txt", "b.txt")).toBe(true);
    expect(goFilepathMatch("[^ab].txt", "b.txt")).toBe(false);
    expect(goFilepathMatch("[a-c]x", "cx")).toBe(true);
    expect(goFilepathMatch("\\*", "*")).toBe(true);
    expect(goFilepathMatch("\\*", "a")).toBe(false);
    expect(goFilepathMatch("[", "a")).toBe("error");
  });

  it("parses gitignore lines like go-git (negation, directory-only, anchored globs, comments)", () => {
    expect(parsePattern("!/a/b/", ["x"])).toEqual({
      domain: ["x"],
      pattern: ["", "a", "b"],
      inclusion: true,
      dirOnly: true,
      isGlob: true,
    });
    expect(readPatterns("# comment\n\n*.png  \nbuild/\n", []).map((p) => p.pattern)).toEqual([
      ["*.png"],
      ["build"],
    ]);
  });

  it("matches simple names at any depth, directory-only patterns only below the directory", () => {
    const build = parsePattern("build/", []);
    expect(matchPattern(build, ["docs", "build", "out.yaml"], false)).toBe(1);
    expect(matchPattern(build, ["build"], false)).toBe(0);
    expect(matchPattern(build, ["build"], true)).toBe(1);
    const deep = parsePattern("**/.sops.yaml", []);
    expect(matchPattern(deep, ["a", "b", ".sops.yaml"], false)).toBe(1);
    expect(matchPattern(deep, [".sops.yaml"], false)).toBe(1);
  });

  it("scopes patterns to their domain and lets the last matching pattern win", () => {
    const ps = readPatterns("*.yaml\n!keep.yaml\n", ["sub"]);
    expect(isExcluded(ps, ["sub", "a.yaml"], false)).toBe(true);
    expect(isExcluded(ps, ["sub", "keep.yaml"], false)).toBe(false);
    expect(isExcluded(ps, ["a.yaml"], false)).toBe(false);
  });

  it("applies the VCS, extension, CI and extra defaults when the repository has no ignore rules", () => {
    expect(artifactFiles(files, () => undefined, undefined)).toEqual([
      "apps/app/kustomization.yaml",
      "apps/app/release.yaml",
      "build.yaml",
      "docs/build/out.yaml",
      "README.md",
    ]);
  });

  it("drops every default but the VCS ones once a .sourceignore exists, scoping it to its directory", () => {
    const withIgnore = [...files, "docs/.sourceignore"];
    const read = (p: string) => (p === "docs/.sourceignore" ? "build/\n" : undefined);
    expect(artifactFiles(withIgnore, read, undefined)).toEqual([
      ".github/workflows/ci.yaml",
      ".sops.yaml",
      "apps/.sops.yaml",
      "apps/app/kustomization.yaml",
      "apps/app/logo.png",
      "apps/app/release.yaml",
      "build.yaml",
      "README.md",
      "docs/.sourceignore",
    ]);
  });

  it("excludes everything below an anchored `/*` except the re-included path (GitRepository spec.ignore)", () => {
    const tree = ["tests/testdata/c2/flux/apps.yaml", "tests/testdata/c2/kubernetes/app/ks.yaml", "top.yaml"];
    const ignore = "# exclude all\n/*\n# include kubernetes directory\n!/tests/testdata/c2/kubernetes\n";
    expect(artifactFiles(tree, () => undefined, ignore)).toEqual([
      "tests/testdata/c2/kubernetes/app/ks.yaml",
    ]);
  });
});
