import { describe, expect, it } from "vitest";
import { splitFindings } from "../../../src/core/impact/findings.ts";
import { analyzePullRequest } from "../../../src/core/pull-request.ts";
import { createMemorySnapshot } from "../../../src/core/snapshot/repo-snapshot.ts";
import { githubToken } from "../../support/fixtures/fake-secrets.ts";

const KS =
  "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps, namespace: flux-system}\nspec: {interval: 1h, prune: true, path: ./apps, sourceRef: {kind: GitRepository, name: flux-system}}\n";

describe("core/impact/findings", () => {
  it("a rename-only change introduces nothing: a committed token moved to an archive folder is not new", () => {
    const token = githubToken("ghp", 7);
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n";
    const files = (dir: string) => ({
      "clusters/c/flux-system/gotk-sync.yaml": "# placeholder\n",
      "clusters/c/apps.yaml": KS,
      "apps/kustomization.yaml": "resources: [cm.yaml]\n",
      "apps/cm.yaml": cm,
      [`${dir}/notes.md`]: `export GH_TOKEN=${token}\n`,
    });
    const { report } = analyzePullRequest({
      base: createMemorySnapshot(files("old")),
      head: createMemorySnapshot(files("archive/old")),
      changedFiles: [{ path: "archive/old/notes.md", status: "renamed", previousPath: "old/notes.md" }],
    });

    expect(report.findings.introduced).toEqual([]);
    expect(report.findings.existing).toEqual([
      expect.objectContaining({ code: "secret-github-token", file: "archive/old/notes.md" }),
    ]);
    expect(report.conclusion).toBe("success");
  });

  it("a finding whose message names the renamed file is still the same finding", () => {
    const base = [
      {
        code: "health-orphan-app" as const,
        severity: "notice" as const,
        message: "a/ks.yaml is unlisted",
        file: "a/ks.yaml",
      },
    ];
    const head = [{ ...base[0]!, message: "b/ks.yaml is unlisted", file: "b/ks.yaml" }];
    expect(splitFindings(base, head).introduced).toHaveLength(1);
    expect(splitFindings(base, head, new Map([["b/ks.yaml", "a/ks.yaml"]])).introduced).toEqual([]);
  });
});
