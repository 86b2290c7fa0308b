import { describe, expect, it } from "vitest";
import { renderComment } from "../../../src/core/report/comment.ts";
import { COMMENT_MARKER, hasCommentMarker } from "../../../src/core/report/markers.ts";
import { structureOf } from "../../support/markdown/structure.ts";
import {
  finding,
  helmReleaseImpact,
  impactReport,
  kustomizationImpact,
  objectDiff,
  objectRef,
  REVISIONS,
  smallReport,
} from "./fixtures.ts";

describe("core/report/comment", () => {
  it("renders a small report in full", async () => {
    await expect(renderComment(smallReport(), REVISIONS)).toMatchFileSnapshot(
      "__snapshots__/small-report.md",
    );
  });

  it("renders a change that affects no Flux object", () => {
    const report = impactReport({
      touchedUnchanged: ["flux-system/apps"],
      unownedFiles: [".github/workflows/validate.yaml", "README.md"],
    });
    expect(renderComment(report, { base: { ref: "main" }, head: { ref: "feature/docs" } })).toBe(
      [
        COMMENT_MARKER,
        "### Flux impact",
        "",
        "✅ **No Flux objects affected · no new problems**",
        "",
        "Kustomizations that read changed files but render the same output: `flux-system/apps`.",
        "",
        "Changed files no Kustomization reads (Flux does not apply them): `.github/workflows/validate.yaml` and `README.md`.",
        "",
        "",
        "---",
        "<sub>flux-impact · analyzed main → feature/docs · the check run has the full report</sub>",
        "",
      ].join("\n"),
    );
  });

  it("starts with the marker the GitHub layer looks for", () => {
    const body = renderComment(smallReport(), REVISIONS);
    expect(body.split("\n")[0]).toBe("<!-- flux-impact:comment -->");
    expect(hasCommentMarker(body)).toBe(true);
    expect(hasCommentMarker(`quoted:\n${COMMENT_MARKER}`)).toBe(false);
  });

  it("puts the sections in the fixed order", () => {
    const headings = structureOf(renderComment(smallReport(), REVISIONS)).headings;
    expect(headings).toEqual([
      "### Flux impact",
      "#### Kustomizations",
      "#### HelmReleases",
      "#### dependsOn chains",
      "#### Dependency graph",
      "#### Findings",
      "#### Rendered changes",
    ]);
  });

  it("counts introduced problems by severity in the verdict", () => {
    const report = impactReport({
      kustomizations: [kustomizationImpact(), kustomizationImpact({ name: "wiki" })],
      findings: {
        introduced: [
          finding("graph-depends-on-cycle", "cycle"),
          finding("flux-deprecated-field", "old field"),
          finding("kustomize-unknown-field", "unknown"),
          finding("flux-source-external", "external"),
        ],
        existing: [],
      },
    });
    expect(renderComment(report, REVISIONS).split("\n")[3]).toBe(
      "❌ **2 Kustomizations affected · 1 error, 2 warnings, 1 notice**",
    );
  });

  it("shows a warning verdict when the change introduces warnings only", () => {
    const report = impactReport({
      helmReleases: [helmReleaseImpact()],
      findings: { introduced: [finding("flux-deprecated-field", "old field")], existing: [] },
    });
    expect(renderComment(report, REVISIONS).split("\n")[3]).toBe("⚠️ **1 HelmRelease affected · 1 warning**");
  });

  it("lists HelmRelease values changes, Secret values by key only, images paired by repository", () => {
    const report = impactReport({
      helmReleases: [
        helmReleaseImpact({
          chartRef: { from: "OCIRepository web/podinfo 6.7.0", to: "OCIRepository web/podinfo 6.8.0" },
          values: [
            { path: "replicaCount", change: "modified", from: "1", to: "2", secret: false },
            { path: "ingress.enabled", change: "added", to: "true", secret: false },
            { path: "debug", change: "removed", from: "false", secret: false },
            { path: "smtp.password", change: "modified", from: "hunter2", to: "hunter3", secret: true },
          ],
          images: {
            from: ["ghcr.io/a/web:1.0", "docker.io/b/sidecar:2"],
            to: ["ghcr.io/a/web:1.1", "quay.io/c/new:3"],
          },
          suspend: { from: false, to: true },
          dependsOnChanged: true,
        }),
      ],
    });
    const row = renderComment(report, REVISIONS)
      .split("\n")
      .find((l) => l.startsWith("| `web/podinfo`"));
    expect(row).toBe(
      "| `web/podinfo` | podinfo `6.7.0` → `6.8.0`" +
        " | web `1.0` → `1.1`<br>new `3` (added)<br>sidecar `2` (removed)" +
        " | 4 values: `replicaCount` …<br>`dependsOn` changed<br>`suspend` false → true |",
    );
    // The full value paths, images and the applying Kustomization are in the details under the table.
    const details = renderComment(report, REVISIONS).split("\n");
    expect(details).toContain(
      "- HelmRelease `web/podinfo` — **modified**, applied by Kustomization `flux-system/podinfo`",
    );
    expect(details).toContain("  - image `ghcr.io/a/web:1.0` → `ghcr.io/a/web:1.1`");
    expect(details).toContain("  - value `replicaCount`: `1` → `2`");
    expect(details).toContain("  - value `debug` removed (was `false`)");
    expect(details).toContain("  - value `smtp.password` modified 🔒 (from a Secret, value hidden)");
    expect(renderComment(report, REVISIONS)).not.toContain("hunter");
  });

  it("says what Flux will do with orphans, suspensions and changes under a suspended Kustomization", () => {
    const report = impactReport({
      kustomizations: [kustomizationImpact({ name: "media", suspended: true })],
      helmReleases: [
        helmReleaseImpact({ namespace: "media", name: "jellyfin", kustomization: "flux-system/media" }),
      ],
      deletions: [
        {
          ref: objectRef("ConfigMap", "media", "old-config"),
          kustomization: "flux-system/media",
          action: "orphaned",
          dangerous: false,
        },
        {
          ref: objectRef("Namespace", "", "legacy"),
          kustomization: "flux-system/media",
          action: "orphaned",
          dangerous: true,
        },
      ],
      suspendFlips: [{ kind: "HelmRelease", key: "web/podinfo", from: false, to: true }],
    });
    const body = renderComment(report, REVISIONS);
    // The lead, between the verdict and the tables.
    const section = body.slice(body.indexOf("**Flux will**"), body.indexOf("#### "));
    expect(section).toBe(
      [
        "**Flux will** change 1 · orphan 2 objects.",
        "",
        "- 👻 **Orphans** 2 objects that Kustomization `flux-system/media` no longer applies (it does not prune): ConfigMap `media/old-config` and Namespace `legacy` stay in the cluster, unmanaged.",
        "",
        "- ⏸️ **Suspends** HelmRelease `web/podinfo`: Flux stops reconciling it; this and later changes wait until it is resumed.",
        "- ⏸️ Kustomization `flux-system/media` is suspended: its changes, including the change to HelmRelease `media/jellyfin`, are not applied until it is resumed.",
        "",
        "",
      ].join("\n"),
    );
  });

  it("marks dependsOn cycles in chains, table and graph", () => {
    const report = impactReport({
      kustomizations: [
        kustomizationImpact({
          name: "a",
          upstream: ["flux-system/b"],
          dependents: ["flux-system/b"],
          inCycle: true,
        }),
      ],
      graph: {
        nodes: [
          {
            id: "ks:flux-system/a",
            kind: "Kustomization",
            key: "flux-system/a",
            affected: true,
            missing: false,
          },
          {
            id: "ks:flux-system/b",
            kind: "Kustomization",
            key: "flux-system/b",
            affected: false,
            missing: false,
          },
        ],
        edges: [
          { from: "ks:flux-system/a", to: "ks:flux-system/b", kind: "dependsOn" },
          { from: "ks:flux-system/b", to: "ks:flux-system/a", kind: "dependsOn" },
        ],
      },
    });
    const body = renderComment(report, REVISIONS);
    expect(body).toContain(
      "- `flux-system/b` → **Kustomization `flux-system/a`** → `flux-system/b` — 🔁 part of a dependsOn cycle: every member waits forever\n",
    );
    expect(body).toContain(
      "| `flux-system/a` | **modified** — 1 object (+1 −1) | 🔁 in a dependsOn cycle<br>reads `apps/web/a/app/configmap.yaml` (modified) |",
    );
    expect(body).toContain("  class n0 cycle\n");
  });

  it("groups diffs by Kustomization, one <details> per object", () => {
    const report = impactReport({
      kustomizations: [
        kustomizationImpact({
          objects: [
            objectDiff(),
            objectDiff({
              ref: objectRef("Secret", "web", "creds"),
              change: "added",
              diff: "",
              added: 0,
              removed: 0,
            }),
          ],
        }),
      ],
    });
    const body = renderComment(report, REVISIONS);
    expect(body.slice(body.indexOf("#### Rendered changes"), body.indexOf("\n---\n"))).toBe(
      [
        "#### Rendered changes",
        "",
        "**Kustomization `flux-system/podinfo`** — 2 objects",
        "",
        "<details><summary>ConfigMap <code>web/podinfo-config</code> · modified · +1 −1</summary>",
        "",
        "```diff",
        "@@ -3,3 +3,3 @@",
        " data:",
        "-  LOG_LEVEL: info",
        "+  LOG_LEVEL: debug",
        "```",
        "",
        "</details>",
        "",
        "<details><summary>Secret <code>web/creds</code> · added · +0 −0</summary>",
        "",
        "No line-level change.",
        "",
        "</details>",
        "",
        "",
      ].join("\n"),
    );
  });

  it("cuts one object's huge diff at a line boundary and says so", () => {
    const diff = `@@ -1,3000 +1,3000 @@\n${Array.from({ length: 3000 }, (_, i) => `+line ${i} ${"x".repeat(20)}`).join("\n")}\n`;
    const report = impactReport({
      kustomizations: [kustomizationImpact({ objects: [objectDiff({ diff, added: 3000 })] })],
    });
    const body = renderComment(report, { ...REVISIONS, maxChars: 200_000 });
    const fence = body.slice(
      body.indexOf("```diff\n") + 8,
      body.indexOf("```\n", body.indexOf("```diff\n") + 8),
    );
    expect(fence.length).toBeLessThanOrEqual(20_000);
    expect(fence.endsWith("xxxxxxxxxxxxxxxxxxxx\n")).toBe(true);
    const shown = fence.split("\n").length - 1;
    expect(body).toContain(
      `_Diff cut here: ${(3001 - shown).toLocaleString("en-US")} more lines not shown._`,
    );
  });
});
