/**
 * OCI charts against a real registry: Debian's `docker-registry` (CNCF distribution 2.8) started on
 * loopback by test/support/oci/registry.ts, charts pushed as `helm push` does. Without the binary
 * (`apt-get install docker-registry`; .ci/run installs it) the suite is skipped with a printed reason.
 */

import { fetch as undiciFetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ChartFetcherOptions,
  createChartFetcher,
  FLUX_CONTENT_LAYER,
  memoryChartCache,
} from "../../src/charts/index.ts";
import { failureOf } from "../support/charts/failure.ts";
import { chartArchive } from "../support/helm-repo/chart-archive.ts";
import { chartArtifact, type OciArtifact } from "../support/oci/artifact.ts";
import { findRegistryBinary, type RegistryProcess, startRegistry } from "../support/oci/registry.ts";

const binary = findRegistryBinary();
if (!binary)
  console.log(
    "test/charts/registry.test.ts skipped: docker-registry is not installed (apt-get install docker-registry)",
  );

describe.skipIf(!binary)("charts from a real OCI registry (docker-registry, distribution 2.8)", () => {
  let registry: RegistryProcess;
  const artifacts = new Map<string, OciArtifact>();
  const fetchers: Array<{ close(): Promise<void> }> = [];
  let requests = 0;

  /** A fetcher over undici's fetch, counting requests. */
  function fetcher(options: ChartFetcherOptions = {}) {
    const counting = ((input: string, init: unknown) => {
      requests++;
      return undiciFetch(input, init as never);
    }) as unknown as typeof fetch;
    const f = createChartFetcher({ allowPlainHttpLoopback: true, fetch: counting, ...options });
    fetchers.push(f);
    return f;
  }

  const oci = (version: string) => ({
    type: "oci" as const,
    url: `oci://${registry.host}/charts`,
    chart: "demo",
    version,
  });

  beforeAll(async () => {
    registry = await startRegistry(binary ?? "");
    for (const version of ["1.0.0", "1.1.0", "1.2.0+build.5", "2.0.0-rc.1"]) {
      const artifact = chartArtifact(await chartArchive({ name: "demo", version }), {
        name: "demo",
        version,
      });
      artifacts.set(version, artifact);
      await registry.push("charts/demo", version.replace("+", "_"), artifact);
    }
    const flux = chartArtifact(await chartArchive({ name: "app", version: "0.1.0" }), {
      name: "app",
      version: "0.1.0",
      layerMediaType: FLUX_CONTENT_LAYER,
    });
    artifacts.set("flux", flux);
    await registry.push("manifests/app", "0.1.0", flux);
  }, 30_000);

  afterAll(async () => {
    for (const f of fetchers) await f.close();
    await registry?.stop();
  });

  it("fetches an exact version: the chart layer, checked against its digest", async () => {
    const chart = await fetcher().fetchChart(oci("1.0.0"));
    const artifact = artifacts.get("1.0.0");
    expect(chart.bytes).toEqual(artifact?.layer);
    expect(chart.digest).toBe(artifact?.layerDigest);
    expect(chart.manifestDigest).toBe(artifact?.manifestDigest);
    expect(chart.version).toBe("1.0.0");
    expect(chart.source).toBe(`oci://${registry.host}/charts/demo:1.0.0@${artifact?.manifestDigest}`);
  });

  it.each([
    ["1.x", "1.2.0+build.5"],
    ["~1.1", "1.1.0"],
    ["*", "1.2.0+build.5"],
    [">=2.0.0-0", "2.0.0-rc.1"],
    ["1.2.0+build.5", "1.2.0+build.5"],
  ])("resolves %j against the tag list (Helm's _ for +): %s", async (range, version) => {
    const chart = await fetcher().fetchChart(oci(range));
    expect(chart.version).toBe(version);
    expect(chart.bytes).toEqual(artifacts.get(version)?.layer);
  });

  it("an OCIRepository by tag, semver and digest, and a Flux artifact's layer", async () => {
    const f = fetcher();
    const url = `oci://${registry.host}/charts/demo`;
    expect((await f.fetchChart({ type: "oci-artifact", url, tag: "1.1.0" })).version).toBe("1.1.0");
    expect((await f.fetchChart({ type: "oci-artifact", url, semver: "<1.1.0" })).version).toBe("1.0.0");
    const digest = artifacts.get("1.1.0")?.manifestDigest ?? "";
    const pinned = await f.fetchChart({ type: "oci-artifact", url, digest });
    expect(pinned.bytes).toEqual(artifacts.get("1.1.0")?.layer);
    const flux = await f.fetchChart({
      type: "oci-artifact",
      url: `oci://${registry.host}/manifests/app`,
      tag: "0.1.0",
      layerMediaType: FLUX_CONTENT_LAYER,
    });
    expect(flux.bytes).toEqual(artifacts.get("flux")?.layer);
  });

  it("reports what the registry does not have", async () => {
    const f = fetcher();
    expect((await failureOf(f.fetchChart(oci("9.9.9")))).reason).toBe("not-found");
    expect((await failureOf(f.fetchChart({ ...oci("1.0.0"), chart: "absent" }))).reason).toBe("not-found");
    const unknownDigest = `sha256:${"0".repeat(64)}`;
    expect(
      (
        await failureOf(
          f.fetchChart({
            type: "oci-artifact",
            url: `oci://${registry.host}/charts/demo`,
            digest: unknownDigest,
          }),
        )
      ).reason,
    ).toBe("not-found");
  });

  it("a second fetch of the same exact chart or digest makes no request at all", async () => {
    const cache = memoryChartCache();
    const digest = artifacts.get("1.0.0")?.manifestDigest ?? "";
    const pinned = { type: "oci-artifact" as const, url: `oci://${registry.host}/charts/demo`, digest };
    await fetcher({ cache }).fetchChart(oci("1.1.0"));
    await fetcher({ cache }).fetchChart(pinned);
    const before = requests;
    const again = fetcher({ cache });
    expect((await again.fetchChart(oci("1.1.0"))).fromCache).toBe(true);
    expect((await again.fetchChart(pinned)).fromCache).toBe(true);
    expect(requests).toBe(before);
  });
});
