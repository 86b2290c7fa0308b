import { describe, expect, it } from "vitest";
import { analyzeRepository } from "../../../src/core/analyze.ts";
import {
  archiveExportRules,
  archiveSkippedEntries,
  yamlAmbiguousValues,
} from "../../../src/core/checks/rules/archive.ts";
import { refineDiagnostics } from "../../../src/core/checks/rules/refine.ts";
import { createMemorySnapshot } from "../../../src/core/snapshot/repo-snapshot.ts";
import { files } from "../../support/fixtures/text.ts";
import { branchContext, CLUSTER, changeContext } from "./helpers.ts";

describe("core/checks/rules/archive", () => {
  it("reports archive entries that were left out, never reading them", () => {
    const snapshot = createMemorySnapshot(CLUSTER, {
      skipped: [
        { path: "apps/hard.yaml", reason: "link" },
        { path: "a\\..\\b.yaml", reason: "unsafe-name" },
      ],
    });
    const found = archiveSkippedEntries.run({ model: analyzeRepository(snapshot), snapshot, mode: "branch" });
    expect(found.map((d) => [d.code, d.severity, d.message])).toEqual([
      [
        "archive-entry-skipped",
        "warning",
        'The archive entry "apps/hard.yaml" (a hard link) was left out and never read.',
      ],
      [
        "archive-entry-skipped",
        "warning",
        'The archive entry "a\\\\..\\\\b.yaml" (a name with a backslash, NUL or empty segment) was left out and never read.',
      ],
    ]);
  });

  it("warns when a pull request changes .gitattributes export rules", () => {
    const ctx = changeContext({}, { ".gitattributes": "* export-ignore\n" });
    expect(archiveExportRules.run(ctx).map((d) => [d.code, d.file])).toEqual([
      ["archive-export-rules", ".gitattributes"],
    ]);
    const harmless = changeContext({}, { ".gitattributes": "*.png binary\n" });
    expect(archiveExportRules.run(harmless)).toEqual([]);
  });

  it("notices yes/no/on/off values and << merge keys in files Flux builds, once per file", () => {
    const ctx = branchContext({
      "apps/kustomization.yaml": "resources: [cm.yaml, merge.yaml, crlf.yaml, comment.yaml, quoted.yaml]\n",
      // Line breaks of Windows; a comment after the value: still noticed.
      "apps/crlf.yaml":
        "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: w, namespace: default}\r\ndata:\r\n  v: Y \r\n",
      "apps/comment.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\ndata:\n  w: on  # the default\n",
      "apps/quoted.yaml":
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: q, namespace: default}\ndata:\n  enabled: "yes"\n  mode: only\n',
      "apps/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\ndata:\n  enabled: yes\n  debug: off\n",
      "apps/merge.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\n  namespace: default\n  labels: &l\n    team: web\ndata:\n  <<: *l\n",
      "unbuilt/cm.yaml": "on: yes\n",
    });
    expect(yamlAmbiguousValues.run(ctx).map((d) => [d.file, d.line, d.message.slice(0, 40)])).toEqual([
      ["apps/cm.yaml", 5, '`yes` is the string "yes" to kustomize b'],
      ["apps/comment.yaml", 5, '`on` is the string "on" to kustomize but'],
      ["apps/crlf.yaml", 5, '`Y` is the string "Y" to kustomize but a'],
      ["apps/merge.yaml", 9, "A `<<` merge key (a YAML 1.1 feature): k"],
    ]);
  });

  it("says a path inside a git submodule is unavailable, not missing", () => {
    const snapshot = createMemorySnapshot({
      ...CLUSTER,
      ...files({
        ".gitmodules": '[submodule "charts"]\n  path = vendor/charts\n  url = https://github.com/x/charts\n',
        "apps/kustomization.yaml": "resources: [../vendor/charts/app]\n",
      }),
    });
    const model = analyzeRepository(snapshot);
    const refined = refineDiagnostics(model.diagnostics, snapshot).find((d) =>
      d.message.includes("vendor/charts"),
    );
    expect(refined).toMatchObject({ code: "content-unavailable" });
    expect(refined?.message).toContain("lies in the git submodule vendor/charts");
  });
});
