import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { percent } from "../support/conformance/report.ts";
import { analysesFor, resolveSharedDir } from "../support/fs/corpus.ts";

const tmp = mkdtempSync(join(tmpdir(), "flux-impact-corpus-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("test/support/fs/corpus.ts", () => {
  it("analyses a repository once per bootstrap cluster when it has several gotk-sync.yaml", () => {
    expect(
      analysesFor([
        "clusters/staging/flux-system/gotk-sync.yaml",
        "clusters/production/flux-system/gotk-sync.yaml",
        "apps/base/kustomization.yaml",
      ]),
    ).toEqual([
      { label: "clusters/production", options: { searchRoot: "clusters/production" } },
      { label: "clusters/staging", options: { searchRoot: "clusters/staging" } },
    ]);
    expect(analysesFor(["kubernetes/flux/cluster/ks.yaml"])).toEqual([{ label: ".", options: {} }]);
    expect(analysesFor(["clusters/prod/flux-system/gotk-sync.yaml"])).toEqual([{ label: ".", options: {} }]);
  });

  it("resolves ../shared next to the repository, or the FLUX_IMPACT_SHARED override, and explains a miss", () => {
    const repo = join(tmp, "main");
    mkdirSync(join(tmp, "shared", "corpus"), { recursive: true });
    mkdirSync(repo);
    expect(resolveSharedDir(repo, {})).toEqual({ ok: true, dir: join(tmp, "shared") });
    const other = join(tmp, "elsewhere");
    expect(resolveSharedDir(repo, { FLUX_IMPACT_SHARED: other })).toEqual({
      ok: false,
      reason: `${other} does not exist (FLUX_IMPACT_SHARED); set FLUX_IMPACT_SHARED to the shared checkout`,
    });
    mkdirSync(other);
    expect(resolveSharedDir(repo, { FLUX_IMPACT_SHARED: other })).toEqual({
      ok: false,
      reason: `${other} has no corpus/ directory`,
    });
  });

  it("formats shares as percentages", () => {
    expect(percent(99, 100)).toBe("99.0%");
    expect(percent(2, 3)).toBe("66.7%");
    expect(percent(0, 0)).toBe("n/a");
  });
});
