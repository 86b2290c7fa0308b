import { describe, expect, it } from "vitest";
import { extendedConfig, extendsTarget, mergeSettings } from "../../../src/core/config/extends.ts";
import { parseConfigText } from "../../../src/core/config/parse-config.ts";

describe("core/config _extends", () => {
  it.each([
    ["_extends: shared", { owner: "me", repo: "shared", path: ".github/flux-impact.yml" }],
    ["_extends: org/shared", { owner: "org", repo: "shared", path: ".github/flux-impact.yml" }],
    ["_extends: org/shared:configs/flux.yml", { owner: "org", repo: "shared", path: "configs/flux.yml" }],
    ["_extends: .github", { owner: "me", repo: ".github", path: ".github/flux-impact.yml" }],
  ])("%s points at the shared file", (text, target) => {
    expect(extendsTarget(text, "me")).toEqual({ target });
  });

  it.each([
    "_extends: 42",
    "_extends: a/b/c",
    "_extends: 'org/shared:../../etc/passwd'",
    "_extends: 'shared:/abs.yml'",
    "_extends: ''",
  ])("%s is reported and ignored", (text) => {
    expect(extendsTarget(text, "me")).toMatchObject({ issue: { path: "_extends" } });
  });

  it("has no target without _extends, and _extends itself is not an unknown field", () => {
    expect(extendsTarget("comment: always", "me")).toBeUndefined();
    expect(parseConfigText("_extends: shared\ncomment: always\n").issues).toEqual([]);
  });

  it("mappings merge key by key; lists and scalars of the repository replace the shared ones", () => {
    expect(
      mergeSettings(
        { comment: "never", failOn: ["error", "warning"], stale: { days: 60, dryRun: false } },
        { failOn: ["error"], stale: { days: 14 } },
      ),
    ).toEqual({ comment: "never", failOn: ["error"], stale: { days: 14, dryRun: false } });
  });

  it("the repository's file is applied on top of the shared one", () => {
    const { config, issues } = extendedConfig("_extends: shared\nstale: { days: 14 }\n", {
      text: "comment: never\nstale: { days: 60, dryRun: false }\n_extends: loop\n",
      name: "me/shared:.github/flux-impact.yml",
    });
    expect(issues).toEqual([]);
    expect(config.comment).toBe("never");
    expect(config.stale).toMatchObject({ days: 14, dryRun: false });
  });

  it("problems of either file are reported with where they are; a missing shared file is said", () => {
    const bad = extendedConfig("_extends: shared\ncomment: sometimes\n", {
      text: "failOn: maybe\n",
      name: "me/shared:.github/flux-impact.yml",
    });
    expect(bad.issues.map((i) => i.path)).toEqual(["me/shared:.github/flux-impact.yml failOn", "comment"]);
    expect(bad.config.comment).toBe("affected");

    const missing = extendedConfig("_extends: shared\ncomment: always\n", {
      text: undefined,
      name: "me/shared:.github/flux-impact.yml",
      missing: "not found",
    });
    expect(missing.config.comment).toBe("always");
    expect(missing.issues[0]?.message).toContain("could not be read (not found)");
  });
});
