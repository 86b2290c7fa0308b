import { describe, expect, it } from "vitest";
import { renderCheckRun } from "../../../src/core/report/check-run.ts";
import { renderComment } from "../../../src/core/report/comment.ts";
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

describe("core/report lead (issue 14)", () => {
  it("puts introduced errors and warnings right under the verdict, before any table", () => {
    const report = smallReport();
    report.findings.introduced.push(finding("flux-deprecated-field", "old field", "apps/x.yaml", 3));
    const body = renderComment(report, REVISIONS);
    const lines = body.split("\n");
    expect(lines[3]).toMatch(/^❌ \*\*/);
    expect(lines[5]).toBe("> [!CAUTION]");
    expect(body.indexOf("> [!WARNING]")).toBeGreaterThan(body.indexOf("> [!CAUTION]"));
    expect(body.indexOf("**Flux will**")).toBeGreaterThan(body.indexOf("> [!WARNING]"));
    expect(body.indexOf("**Flux will**")).toBeLessThan(body.indexOf("#### Kustomizations"));
    expect(body).toContain("> - `graph-depends-on-missing` HelmRelease web/podinfo depends on");
    // Shown once: not repeated under Findings.
    expect(body.split("`graph-depends-on-missing`").length).toBe(2);
  });

  it("groups 26 identical chart bumps into one line, names collapsed, and one chain line", () => {
    const apps = Array.from({ length: 26 }, (_, i) => `app-${String(i).padStart(2, "0")}`);
    const report = impactReport({
      helmReleases: apps.map((name) =>
        helmReleaseImpact({
          namespace: name,
          name,
          chartRef: {
            from: `OCIRepository ${name}/app-template 5.0.1`,
            to: `OCIRepository ${name}/app-template 5.1.0`,
          },
          upstream: ["flux-system/volsync"],
        }),
      ),
    });
    const body = renderComment(report, REVISIONS);
    expect(body).toContain(
      "| **26 HelmReleases** (see details) | app-template `5.0.1` → `5.1.0` | — | — |\n",
    );
    expect(body.match(/^\| `app-\d\d\/app-\d\d` \|/gm)).toBeNull();
    expect(body).toContain(
      "- HelmRelease `app-25/app-25` — **modified**, applied by Kustomization `flux-system/podinfo`",
    );
    expect(body).toContain("- `flux-system/volsync` → **26 HelmReleases** (app-template 5.0.1 → 5.1.0)\n");
    expect(body.match(/→ \*\*HelmRelease/g)).toBeNull();
  });

  it("draws no diagram for a plain image bump, and one for a dependsOn change", () => {
    const graph = {
      nodes: [
        { id: "ks:a", kind: "Kustomization" as const, key: "flux-system/a", affected: true, missing: false },
        { id: "ks:b", kind: "Kustomization" as const, key: "flux-system/b", affected: false, missing: false },
      ],
      edges: [{ from: "ks:a", to: "ks:b", kind: "dependsOn" as const }],
    };
    const bump = impactReport({
      kustomizations: [kustomizationImpact({ name: "a", upstream: ["flux-system/b"] })],
      helmReleases: [
        helmReleaseImpact({ images: { from: ["ghcr.io/a/web:1.0"], to: ["ghcr.io/a/web:1.1"] } }),
      ],
      graph,
    });
    expect(renderComment(bump, REVISIONS)).not.toContain("```mermaid");
    const edit = impactReport({
      kustomizations: [
        kustomizationImpact({ name: "a", upstream: ["flux-system/b"], specChanges: ["dependsOn"] }),
      ],
      graph,
    });
    expect(renderComment(edit, REVISIONS)).toContain("```mermaid");
  });

  it("pairs a removed and an added Kustomization with the same content as a rename", () => {
    const ksDiff = (name: string, sign: string) =>
      `@@ -0,0 +1,4 @@\n${sign}kind: Kustomization\n${sign}metadata:\n${sign}  name: ${name}\n${sign}spec:\n${sign}  path: ./apps/${name}\n`;
    const report = impactReport({
      kustomizations: [
        kustomizationImpact({
          name: "apps",
          carrierOnly: true,
          objects: [
            objectDiff({
              ref: objectRef("Kustomization", "flux-system", "deduparr", "kustomize.toolkit.fluxcd.io/v1"),
              change: "removed",
              diff: ksDiff("deduparr", "-"),
            }),
            objectDiff({
              ref: objectRef("Kustomization", "flux-system", "cleanrr", "kustomize.toolkit.fluxcd.io/v1"),
              change: "added",
              diff: ksDiff("cleanrr", "+"),
            }),
          ],
        }),
        kustomizationImpact({ name: "deduparr", change: "removed", objects: [] }),
        kustomizationImpact({ name: "cleanrr", change: "added", objects: [] }),
      ],
      deletions: [
        {
          ref: objectRef("Kustomization", "flux-system", "deduparr", "kustomize.toolkit.fluxcd.io/v1"),
          kustomization: "flux-system/apps",
          action: "deleted",
          dangerous: false,
        },
      ],
    });
    const body = renderComment(report, REVISIONS);
    expect(body).toContain("- 🔀 **Renames** Kustomization `flux-system/deduparr` → `flux-system/cleanrr`");
    expect(body).not.toContain("— deletes Kustomization `flux-system/deduparr`");
  });

  it("check-run summary mirrors the lead and never repeats the title", () => {
    const run = renderCheckRun(smallReport(), REVISIONS);
    expect(run.summary).not.toContain(run.title);
    expect(run.summary).toContain("> [!CAUTION]");
    expect(run.summary).toContain("**Flux will**");
    const clean = renderCheckRun(impactReport(), REVISIONS);
    expect(clean.summary).not.toContain(clean.title);
  });
});
