/**
 * The "helm" section of `npm run bench`:
 *   1. bjw-s app-template (../shared/corpus/helm) rendered for one real HelmRelease (onedr0p/home-ops'
 *      atuin, its values as this engine builds them) as helm-controller renders it: warm median of
 *      `renderHelmRelease` in this process (target <= 50 ms);
 *   2. a chart bump of that app, end to end: app-template pushed at two versions to Debian's
 *      docker-registry on loopback, onedr0p/home-ops with atuin's OCIRepository pointed at it, one
 *      revision bumping the tag; the pull request's analysis, the charts fetched from the registry (a
 *      fresh cache), both renders and the comment, wall time (target <= 2 s).
 * Skipped with the reason when ../shared or the registry binary is absent.
 */
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { packTar } from "modern-tar";
import { readChartDirectory } from "../../../src/charts/archive.ts";
import { createChartFetcher, memoryChartCache, supplyCharts } from "../../../src/charts/index.ts";
import { effectiveValues, renderHelmRelease } from "../../../src/core/helm/index.ts";
import {
  analyzePullRequest,
  analyzeRepository,
  applyHelmRenders,
  createMemorySnapshot,
  helmChartNeeds,
} from "../../../src/core/index.ts";
import { renderComment } from "../../../src/core/report/index.ts";
import { resolveSharedDir } from "../fs/corpus.ts";
import { readTree } from "../fs/disk-tree.ts";
import { chartArtifact } from "../oci/artifact.ts";
import { findRegistryBinary, startRegistry } from "../oci/registry.ts";
import { formatMs, median, verdict } from "./stats.ts";

const RENDER_TARGET_MS = 50;
const BUMP_TARGET_MS = 2000;
const ATUIN_OCI = "kubernetes/apps/default/atuin/app/ocirepository.yaml";
const REPOSITORY = "bjw-s-labs/helm/app-template";

/** A chart folder packaged as `helm package` lays it out (entries under `<name>/`), at `version`. */
async function packageChart(dir: string, name: string, version: string): Promise<Uint8Array> {
  const tree = readTree(dir);
  const entries = [...tree.files].map(([path, bytes]) => {
    const body =
      path === "Chart.yaml"
        ? new TextEncoder().encode(
            new TextDecoder().decode(bytes).replace(/^version: .*$/m, `version: ${version}`),
          )
        : bytes;
    return { header: { name: `${name}/${path}`, size: body.length, mtime: new Date(0) }, body };
  });
  return gzipSync(await packTar(entries));
}

export async function helmSection(repoRoot: string): Promise<void> {
  console.log("");
  console.log(
    `== Helm: app-template for one HelmRelease, and a chart bump end to end (targets: render <= ${RENDER_TARGET_MS} ms warm; bump <= ${formatMs(BUMP_TARGET_MS)})`,
  );
  const shared = resolveSharedDir(repoRoot, process.env);
  if (!shared.ok) {
    console.log(`  skipped — ${shared.reason}`);
    return;
  }
  const chartDir = join(shared.dir, "corpus", "helm", "bjw-s-helm-charts", "app-template");
  const onedr0p = join(shared.dir, "corpus", "real", "onedr0p-home-ops");
  const files = await readChartDirectory(chartDir);
  const tree = readTree(onedr0p);
  const model = analyzeRepository(createMemorySnapshot(tree.files, { symlinks: tree.symlinks }));
  const hr = model.helmReleases.find((h) => h.key === "default/atuin");
  if (!hr) {
    console.log("  skipped — onedr0p-home-ops has no HelmRelease default/atuin");
    return;
  }
  const values = effectiveValues(model, hr).values;
  const times: number[] = [];
  let objects = 0;
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now();
    objects = renderHelmRelease(hr, values, files).objects.length;
    if (i >= 5) times.push(performance.now() - t0);
  }
  const warm = median(times);
  console.log(
    `  app-template 4.1.1 for default/atuin (${objects} objects, post-renderers included): ${formatMs(warm)} warm, median of ${times.length} (target <= ${RENDER_TARGET_MS} ms: ${verdict(warm <= RENDER_TARGET_MS)})`,
  );

  const binary = findRegistryBinary();
  if (!binary) {
    console.log("  chart bump: skipped — docker-registry is not installed (apt-get install docker-registry)");
    return;
  }
  const registry = await startRegistry(binary);
  try {
    for (const version of ["4.1.1", "4.2.0"]) {
      const archive = await packageChart(chartDir, "app-template", version);
      await registry.push(REPOSITORY, version, chartArtifact(archive, { name: "app-template", version }));
    }
    const ociAt = (tag: string) =>
      new TextEncoder().encode(
        new TextDecoder()
          .decode(tree.files.get(ATUIN_OCI)!)
          .replace(/url: .*/, `url: oci://${registry.host}/${REPOSITORY}`)
          .replace(/tag: .*/, `tag: ${tag}`),
      );
    const baseFiles = new Map(tree.files).set(ATUIN_OCI, ociAt("4.1.1"));
    const headFiles = new Map(tree.files).set(ATUIN_OCI, ociAt("4.2.0"));
    const t0 = performance.now();
    const analysis = analyzePullRequest({
      base: createMemorySnapshot(baseFiles, { symlinks: tree.symlinks }),
      head: createMemorySnapshot(headFiles, { symlinks: tree.symlinks }),
    });
    const tAnalysis = performance.now();
    const needs = helmChartNeeds(analysis);
    // Loopback over plain http: the test-only setting of the fetcher (the App and CLI never set it).
    const fetcher = createChartFetcher({ cache: memoryChartCache(), allowPlainHttpLoopback: true });
    const supply = await supplyCharts(needs, {
      fetcher,
      snapshots: { base: createMemorySnapshot(baseFiles), head: createMemorySnapshot(headFiles) },
    });
    await fetcher.close();
    const tFetch = performance.now();
    applyHelmRenders(analysis, supply);
    const comment = renderComment(analysis.report, { base: { ref: "base" }, head: { ref: "head" } });
    const t1 = performance.now();
    const atuin = analysis.report.helmReleases.find((h) => h.key === "default/atuin");
    const total = t1 - t0;
    console.log(
      `  chart bump of atuin on onedr0p-home-ops (app-template 4.1.1 → 4.2.0 from the loopback registry): ${formatMs(total)} wall (target <= ${formatMs(BUMP_TARGET_MS)}: ${verdict(total <= BUMP_TARGET_MS)})`,
    );
    console.log(
      `    analysis ${formatMs(tAnalysis - t0)}, ${needs.length} charts fetched ${formatMs(tFetch - tAnalysis)}, both renders and the comment ${formatMs(t1 - tFetch)}; atuin: ${atuin?.rendered?.status ?? "not affected"}, ${atuin?.rendered?.objects.length ?? 0} objects changed, comment ${comment.length} characters`,
    );
  } finally {
    await registry.stop();
  }
}
