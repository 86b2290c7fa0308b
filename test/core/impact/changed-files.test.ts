import { describe, expect, it } from "vitest";
import { parseNameStatus } from "../../../src/cli/git-changes.ts";
import { changedFilesBetween, touchedPaths } from "../../../src/core/impact/changed-files.ts";
import { createMemorySnapshot } from "../../../src/core/snapshot/repo-snapshot.ts";

describe("core/impact/changed-files", () => {
  it("lists added, removed, modified and exactly-renamed files", () => {
    const base = createMemorySnapshot({
      "a.yaml": "a",
      "b.yaml": "b",
      "apps/x/ks.yaml": "ks",
      "same.yaml": "s",
    });
    const head = createMemorySnapshot({
      "a.yaml": "A",
      "c.yaml": "c",
      "apps/x/ks.yaml.dis": "ks",
      "same.yaml": "s",
    });

    expect(changedFilesBetween(base, head)).toEqual([
      { path: "a.yaml", status: "modified" },
      { path: "apps/x/ks.yaml.dis", status: "renamed", previousPath: "apps/x/ks.yaml" },
      { path: "b.yaml", status: "removed" },
      { path: "c.yaml", status: "added" },
    ]);
  });

  it("collects current and previous paths", () => {
    expect([...touchedPaths([{ path: "n.dis", status: "renamed", previousPath: "n.yaml" }])]).toEqual([
      "n.dis",
      "n.yaml",
    ]);
  });
});

describe("cli/git-changes", () => {
  it("parses git diff --name-status -M -z output, renames and copies included", () => {
    const out = [
      "M",
      "a.yaml",
      "R097",
      "x/ks.yaml",
      "x/ks.yaml.dis",
      "A",
      "new file.yaml",
      "D",
      "gone.yaml",
      "C100",
      "s.yaml",
      "t.yaml",
      "",
    ].join("\0");

    expect(parseNameStatus(out)).toEqual([
      { path: "a.yaml", status: "modified" },
      { path: "gone.yaml", status: "removed" },
      { path: "new file.yaml", status: "added" },
      { path: "t.yaml", status: "added" },
      { path: "x/ks.yaml.dis", status: "renamed", previousPath: "x/ks.yaml" },
    ]);
  });
});
