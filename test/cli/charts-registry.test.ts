/**
 * The CLI end to end against a real OCI registry (Debian's docker-registry on loopback): a HelmRelease whose
 * OCIRepository points at it is rendered by `build --helmrelease`, and a tag bump by `diff --render-charts`,
 * the chart fetched over the registry API and cached in the user's cache folder (a temporary one here).
 * Plain http to 127.0.0.1 is allowed by the CLI's test-only variable; without it the same run is refused.
 * Skipped, with the reason, where the registry binary is missing.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliCaptured } from "../support/cli/run.ts";
import { FLUX_CLUSTER } from "../support/fixtures/flux-cluster.ts";
import { writeTree } from "../support/fs/disk-tree.ts";
import { chartArchive } from "../support/helm-repo/chart-archive.ts";
import { chartArtifact } from "../support/oci/artifact.ts";
import { findRegistryBinary, type RegistryProcess, startRegistry } from "../support/oci/registry.ts";

const binary = findRegistryBinary();
if (!binary)
  console.log(
    "test/cli/charts-registry.test.ts skipped: docker-registry is not installed (apt-get install docker-registry)",
  );

const tmp = mkdtempSync(join(tmpdir(), "flux-impact-cli-registry-"));
const saved = {
  XDG_CACHE_HOME: process.env.XDG_CACHE_HOME,
  LOOPBACK: process.env.FLUX_IMPACT_TEST_LOOPBACK_CHARTS,
};

const cli = runCliCaptured;

function repo(name: string, host: string, tag: string): string {
  const root = join(tmp, name);
  const files: Record<string, string> = {
    ...FLUX_CLUSTER,
    "apps/web.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: web, namespace: default}
spec:
  interval: 1h
  url: oci://${host}/charts/web
  ref: {tag: "${tag}"}
  layerSelector: {mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip, operation: copy}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: default}
spec:
  interval: 1h
  chartRef: {kind: OCIRepository, name: web}
  values: {replicas: 3}
`,
  };
  writeTree(root, new Map(Object.entries(files)));
  return root;
}

describe.skipIf(!binary)("the CLI against a real OCI registry", () => {
  let registry: RegistryProcess;

  beforeAll(async () => {
    registry = await startRegistry(binary ?? "");
    for (const version of ["1.0.0", "1.1.0"]) {
      const archive = await chartArchive({
        name: "web",
        version,
        template: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  replicas: {{ .Values.replicas | quote }}\n  chart: ${version}\n`,
      });
      await registry.push("charts/web", version, chartArtifact(archive, { name: "web", version }));
    }
    process.env.XDG_CACHE_HOME = join(tmp, "cache");
  });

  afterAll(async () => {
    await registry?.stop();
    process.env.XDG_CACHE_HOME = saved.XDG_CACHE_HOME;
    if (saved.LOOPBACK === undefined) delete process.env.FLUX_IMPACT_TEST_LOOPBACK_CHARTS;
    else process.env.FLUX_IMPACT_TEST_LOOPBACK_CHARTS = saved.LOOPBACK;
    rmSync(tmp, { recursive: true, force: true });
  });

  it("refuses plain http to loopback unless the test-only variable allows it", async () => {
    delete process.env.FLUX_IMPACT_TEST_LOOPBACK_CHARTS;
    const r = await cli("build", repo("refused", registry.host, "1.0.0"), "--helmrelease", "default/web");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^flux-impact: default\/web's chart could not be fetched: /);
  });

  it("renders a HelmRelease's chart from the registry, and a tag bump object by object, caching the charts", async () => {
    process.env.FLUX_IMPACT_TEST_LOOPBACK_CHARTS = "1";
    const built = await cli("build", repo("build", registry.host, "1.0.0"), "--helmrelease", "default/web");
    expect(built.code).toBe(0);
    expect(built.stdout).toContain("kind: ConfigMap");
    expect(built.stdout).toContain('replicas: "3"');
    const diff = await cli(
      "diff",
      repo("base", registry.host, "1.0.0"),
      repo("head", registry.host, "1.1.0"),
      "--render-charts",
      "--format",
      "json",
    );
    expect(diff.code).toBe(0);
    const hr = JSON.parse(diff.stdout).helmreleases[0];
    expect(hr.rendered.status).toBe("rendered");
    expect(hr.rendered.objects.map((o: { ref: string }) => o.ref)).toEqual(["ConfigMap web"]);
    expect(hr.rendered.objects[0].diff).toContain("-  chart: 1.0.0\n+  chart: 1.1.0");
    // Both archives are in the cache folder, by digest.
    expect(readdirSync(join(tmp, "cache", "flux-impact", "charts")).length).toBeGreaterThanOrEqual(2);
  });
});
