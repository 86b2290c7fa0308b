import { describe, expect, it } from "vitest";
import { renderComment } from "../../../src/core/report/comment.ts";
import { CELL_RUN_MAX, shortValuePath } from "../../../src/core/report/sections/affected.ts";
import { helmReleaseImpact, impactReport, kustomizationImpact, REVISIONS } from "./fixtures.ts";

const tableRows = (body: string) =>
  body.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| ---"));

describe("core/report affected tables (issue 14)", () => {
  it("cuts a long value path to its last keys, where the change is", () => {
    expect(shortValuePath("controllers.home-assistant.containers.app.image.tag", 30)).toBe(
      "…containers.app.image.tag",
    );
    expect(shortValuePath("image.tag", 30)).toBe("image.tag");
  });

  it("names the chart, not its source, in the HelmRelease table", () => {
    const report = impactReport({
      helmReleases: [
        helmReleaseImpact({
          chartName: "app-template",
          chartRef: {
            from: "OCIRepository web/podinfo-chart 5.0.1",
            to: "OCIRepository web/podinfo-chart 5.1.0",
          },
        }),
      ],
    });
    const row = tableRows(renderComment(report, REVISIONS)).find((l) => l.startsWith("| `web/podinfo`"));
    expect(row).toBe("| `web/podinfo` | app-template `5.0.1` → `5.1.0` | — | — |");
  });

  it("shortens image digests in the table and keeps them whole in the details", () => {
    const digest = "875094620b5e4b2c50cdd526da2bccff25f003ff1e912b36512f87709002734d";
    const report = impactReport({
      helmReleases: [
        helmReleaseImpact({
          images: {
            from: [`ghcr.io/a/web:1.0@sha256:${digest}`],
            to: [`ghcr.io/a/web:1.1@sha256:${digest}`],
          },
        }),
      ],
    });
    const body = renderComment(report, REVISIONS);
    const row = tableRows(body).find((l) => l.startsWith("| `web/podinfo`"));
    expect(row).toContain("web `1.0@sha256:87509462…` → `1.1@sha256:87509462…`");
    expect(row).not.toContain(digest);
    expect(body).toContain(`  - image \`ghcr.io/a/web:1.0@sha256:${digest}\``);
  });

  it("says 26 identical Kustomization changes in one row, the names in the details", () => {
    const names = Array.from({ length: 26 }, (_, i) => `app-${String(i).padStart(2, "0")}`);
    const report = impactReport({
      kustomizations: names.map((name) =>
        kustomizationImpact({
          name,
          reasons: [{ kind: "definition", file: `apps/${name}/ks.yaml`, fields: ["dependsOn"] }],
          specChanges: ["dependsOn"],
          dependsOnChange: { removed: ["storage/old-db"], added: ["storage/new-db"] },
          objects: [],
        }),
      ),
    });
    const body = renderComment(report, REVISIONS);
    const rows = tableRows(body);
    expect(rows).toEqual([
      "| Kustomization | Change | Why |",
      "| **26 Kustomizations** (see details) | **modified** | `dependsOn` − `storage/old-db` + `storage/new-db` |",
    ]);
    for (const name of names)
      expect(body).toContain(`- Kustomization \`flux-system/${name}\` — **modified**`);
  });

  it("puts no run longer than the bound without a break in any table cell", () => {
    const long = `kubernetes/${"very-long-directory-name/".repeat(6)}app/helmrelease.yaml`;
    const report = impactReport({
      kustomizations: [
        kustomizationImpact({
          name: "a".repeat(120),
          reasons: [{ kind: "file", file: long, status: "modified" }],
          missingDependencies: ["x".repeat(100)],
        }),
      ],
      helmReleases: [
        helmReleaseImpact({
          name: "b".repeat(120),
          chartName: "c".repeat(90),
          chart: { from: "1.0.0-".concat("d".repeat(80)), to: "2.0.0" },
          images: {
            from: [`registry.example.com/${"e".repeat(90)}:1.0`],
            to: [`registry.example.com/${"e".repeat(90)}:2.0`],
          },
          values: [{ path: "f.".repeat(50), change: "modified", from: "1", to: "2", secret: false }],
          dependsOnChange: { removed: [], added: ["g".repeat(90)] },
        }),
      ],
    });
    const cells = tableRows(renderComment(report, REVISIONS)).flatMap((l) => l.split(/(?<!\\)\|/));
    expect(cells.length).toBeGreaterThan(6);
    for (const cell of cells)
      for (const run of cell.replace(/<br>/g, " ").replace(/[`*]/g, "").split(/\s+/))
        expect(run.length, run).toBeLessThanOrEqual(CELL_RUN_MAX);
  });
});
