/**
 * OCI charts against a registry double on loopback (test/support/oci/registry-double.ts), for what a stock
 * registry does not show: the anonymous bearer-token dance (only the token the realm issued is ever sent,
 * and only to the registry), blobs redirected to a CDN on another origin (the token is not sent there, and
 * the pre-signed URL never shows in an error), tag lists split over `Link` pages, a pinned digest checked
 * against the manifest's bytes, and Flux OCIRepository references (tag, semver, digest, layer selection).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChartFetcherOptions, createChartFetcher, FLUX_CONTENT_LAYER } from "../../src/charts/index.ts";
import { failureOf } from "../support/charts/failure.ts";
import { chartArchive } from "../support/helm-repo/chart-archive.ts";
import { chartArtifact, digestOf, type OciArtifact } from "../support/oci/artifact.ts";
import { type RegistryDouble, startRegistryDouble } from "../support/oci/registry-double.ts";

let registry: RegistryDouble;
const artifacts = new Map<string, OciArtifact>();
const fetchers: Array<{ close(): Promise<void> }> = [];

function fetcher(options: ChartFetcherOptions = {}) {
  const f = createChartFetcher({ allowPlainHttpLoopback: true, ...options });
  fetchers.push(f);
  return f;
}

const VERSIONS = ["0.9.0", "1.0.0", "1.1.0", "1.2.0+build.5", "1.3.0-rc.1", "2.0.0"];

beforeAll(async () => {
  registry = await startRegistryDouble({ bearer: true, redirectBlobsToCdn: true, tagsPageSize: 2 });
  for (const version of VERSIONS) {
    const artifact = chartArtifact(await chartArchive({ name: "podinfo", version }), {
      name: "podinfo",
      version,
    });
    artifacts.set(version, artifact);
    registry.push("charts/podinfo", version.replace("+", "_"), artifact);
  }
  registry.addTag("charts/podinfo", "latest-broken");
  // An artifact as `flux push artifact` makes it, and one whose first layer is something else.
  const flux = chartArtifact(await chartArchive({ name: "app", version: "3.0.0" }), {
    name: "app",
    version: "3.0.0",
    layerMediaType: FLUX_CONTENT_LAYER,
  });
  artifacts.set("flux", flux);
  registry.push("manifests/app", "3.0.0", flux);
  registry.push("manifests/app", "latest", flux);
  const mixed = chartArtifact(await chartArchive({ name: "app", version: "4.0.0" }), {
    name: "app",
    version: "4.0.0",
    leadingLayers: [
      { mediaType: "application/vnd.example.readme", bytes: new TextEncoder().encode("read me") },
    ],
  });
  artifacts.set("mixed", mixed);
  registry.push("manifests/mixed", "4.0.0", mixed);
});

afterAll(async () => {
  for (const f of fetchers) await f.close();
  await registry.close();
});

const oci = (version: string) => ({
  type: "oci" as const,
  url: `oci://${registry.host}/charts`,
  chart: "podinfo",
  version,
});

describe("the anonymous bearer token", () => {
  it("gets a token from the realm, without credentials, and sends only that token, only to the registry", async () => {
    const before = registry.requests.length;
    const chart = await fetcher().fetchChart(oci("1.0.0"));
    expect(chart.bytes).toEqual(artifacts.get("1.0.0")?.layer);
    const seen = registry.requests.slice(before);
    const tokens = new Set(registry.issuedTokens);

    // 401 first, then the realm, then the manifest with the token; the blob redirected to the CDN.
    expect(seen.map((r) => `${r.server} ${r.path.replace(/sha256:[0-9a-f]+/, "<digest>")}`)).toEqual([
      "registry /v2/charts/podinfo/manifests/1.0.0",
      "auth /token?service=registry.test&scope=repository%3Acharts%2Fpodinfo%3Apull",
      "registry /v2/charts/podinfo/manifests/1.0.0",
      "registry /v2/charts/podinfo/blobs/<digest>",
      `cdn /blobs/<digest>?X-Signature=${registry.signature}`,
    ]);
    for (const r of seen) {
      if (r.server === "registry" && r.authorization !== undefined)
        expect(tokens.has(r.authorization.replace(/^Bearer /, ""))).toBe(true);
      // Nothing to the realm; nothing to the CDN, another origin (the redirect drops Authorization).
      if (r.server !== "registry") expect(r.authorization).toBeUndefined();
    }
    expect(seen.filter((r) => r.authorization !== undefined)).toHaveLength(2);
  });

  it("keeps the token for the rest of the fetch (tag pages, manifest, blob)", async () => {
    const before = registry.issuedTokens.length;
    await fetcher().fetchChart(oci("1.x"));
    expect(registry.issuedTokens.length - before).toBe(1);
  });

  it("never shows the token or the CDN's signed URL in an error", async () => {
    const failure = await failureOf(
      fetcher({
        fetch: (async (input: string | URL | Request, init?: RequestInit) => {
          // The CDN fails the download.
          if (String(input).includes("X-Signature")) return new Response("denied", { status: 403 });
          const { fetch: real } = await import("undici");
          return real(input as string, init as never) as unknown as Response;
        }) as typeof fetch,
      }).fetchChart(oci("1.1.0")),
    );
    expect(failure.reason).not.toBe("ok");
    expect(failure.message).not.toContain(registry.signature);
    expect(failure.message).not.toContain("X-Signature");
    for (const token of registry.issuedTokens) expect(failure.message).not.toContain(token);
  });
});

describe("an OCI HelmRepository chart", () => {
  it("fetches an exact version without listing tags, as Flux does", async () => {
    const before = registry.requests.length;
    const chart = await fetcher().fetchChart(oci("1.1.0"));
    expect(chart.version).toBe("1.1.0");
    expect(chart.digest).toBe(artifacts.get("1.1.0")?.layerDigest);
    expect(chart.manifestDigest).toBe(artifacts.get("1.1.0")?.manifestDigest);
    expect(chart.source).toBe(
      `oci://${registry.host}/charts/podinfo:1.1.0@${artifacts.get("1.1.0")?.manifestDigest}`,
    );
    expect(registry.requests.slice(before).some((r) => r.path.includes("/tags/list"))).toBe(false);
  });

  it.each([
    ["1.x", "1.2.0+build.5"],
    ["~1.1.0", "1.1.0"],
    ["*", "2.0.0"],
    ["", "2.0.0"],
    [">=1.3.0-0 <2.0.0", "1.3.0-rc.1"],
    ["<1.0.0", "0.9.0"],
  ])("resolves %j against every page of the tag list: %s", async (range, version) => {
    const before = registry.requests.length;
    const chart = await fetcher().fetchChart(oci(range));
    expect(chart.version).toBe(version);
    expect(chart.bytes).toEqual(artifacts.get(version)?.layer);
    // Seven tags, two a page: four pages, each asked once after the token.
    const pages = registry.requests
      .slice(before)
      .filter((r) => r.server === "registry" && r.path.includes("tags/list"));
    expect(pages.filter((r) => r.authorization).map((r) => r.path)).toEqual([
      "/v2/charts/podinfo/tags/list",
      "/v2/charts/podinfo/tags/list?n=2&last=1.0.0",
      "/v2/charts/podinfo/tags/list?n=2&last=1.2.0_build.5",
      "/v2/charts/podinfo/tags/list?n=2&last=2.0.0",
    ]);
  });

  it("maps a version's + to _ in the tag", async () => {
    const chart = await fetcher().fetchChart(oci("1.2.0+build.5"));
    expect(chart.version).toBe("1.2.0+build.5");
    expect(chart.source).toContain("podinfo:1.2.0_build.5@");
  });

  it.each([
    ["no such version", "9.9.9", "not-found"],
    ["no tag in range", "5.x", "not-found"],
    ["a listed tag whose manifest is missing", "latest-broken", "not-found"],
  ])("%s", async (_, version, reason) => {
    expect((await failureOf(fetcher().fetchChart(oci(version)))).reason).toBe(reason);
  });

  it("refuses a chart layer over maxChartBytes before downloading it", async () => {
    const before = registry.requests.length;
    const failure = await failureOf(fetcher({ maxChartBytes: 100 }).fetchChart(oci("1.0.0")));
    expect(failure.reason).toBe("too-large");
    expect(registry.requests.slice(before).some((r) => r.path.includes("/blobs/"))).toBe(false);
  });

  it("refuses invalid names and tags without a request", async () => {
    const before = registry.requests.length;
    const f = fetcher();
    expect((await failureOf(f.fetchChart({ ...oci("1.0.0"), chart: "../../etc" }))).reason).toBe("bad-url");
    expect(
      (await failureOf(f.fetchChart({ ...oci("1.0.0"), url: `https://${registry.host}/charts` }))).reason,
    ).toBe("bad-url");
    expect(
      (await failureOf(f.fetchChart({ ...oci("1.0.0"), url: "oci://user:pw@ghcr.io/charts" }))).reason,
    ).toBe("bad-url");
    expect(registry.requests.length).toBe(before);
  });

  it("caches: the same exact version again makes no request", async () => {
    const f = fetcher();
    await f.fetchChart(oci("2.0.0"));
    const before = registry.requests.length;
    expect((await f.fetchChart(oci("2.0.0"))).fromCache).toBe(true);
    expect(registry.requests.length).toBe(before);
  });
});

describe("a Flux OCIRepository (chartRef)", () => {
  const artifact = (
    ref: { tag?: string; semver?: string; digest?: string; semverFilter?: string },
    path = "charts/podinfo",
  ) => ({
    type: "oci-artifact" as const,
    url: `oci://${registry.host}/${path}`,
    ...ref,
  });

  it("by tag, by semver (with a filter), by digest", async () => {
    const f = fetcher();
    expect((await f.fetchChart(artifact({ tag: "1.1.0" }))).bytes).toEqual(artifacts.get("1.1.0")?.layer);
    expect((await f.fetchChart(artifact({ semver: ">=1.0.0" }))).version).toBe("2.0.0");
    expect((await f.fetchChart(artifact({ semver: ">=1.0.0", semverFilter: "^1\\.0" }))).version).toBe(
      "1.0.0",
    );
    const digest = artifacts.get("1.0.0")?.manifestDigest ?? "";
    const pinned = await f.fetchChart(artifact({ digest, tag: "2.0.0", semver: "*" }));
    // The digest wins over semver and tag; the version comes from the manifest's annotation.
    expect(pinned.bytes).toEqual(artifacts.get("1.0.0")?.layer);
    expect(pinned.version).toBe("1.0.0");
    expect(pinned.source).toBe(`oci://${registry.host}/charts/podinfo@${digest}`);
  });

  it("takes `latest` when no reference is given, and the first tar+gzip layer of a Flux artifact", async () => {
    const chart = await fetcher().fetchChart(artifact({}, "manifests/app"));
    expect(chart.bytes).toEqual(artifacts.get("flux")?.layer);
    expect(chart.mediaType).toBe(FLUX_CONTENT_LAYER);
    expect(chart.version).toBe("latest");
  });

  it("prefers the Helm chart layer, or the layerSelector's media type", async () => {
    const chart = await fetcher().fetchChart(artifact({ tag: "4.0.0" }, "manifests/mixed"));
    expect(chart.bytes).toEqual(artifacts.get("mixed")?.layer);
    const selected = await failureOf(
      fetcher().fetchChart({
        ...artifact({ tag: "3.0.0" }, "manifests/app"),
        layerMediaType: "application/x-other",
      }),
    );
    expect(selected.reason).toBe("not-found");
  });

  it("checks a pinned digest against the manifest it gets", async () => {
    // The registry answers the digest of 1.0.0's manifest with 1.1.0's bytes.
    const wanted = artifacts.get("1.0.0")?.manifestDigest ?? "";
    const liar = await startRegistryDouble();
    try {
      const real = artifacts.get("1.1.0") as OciArtifact;
      liar.push("charts/podinfo", "x", real);
      liar.push("charts/podinfo", "y", { ...real, manifestDigest: wanted });
      const failure = await failureOf(
        fetcher().fetchChart({
          type: "oci-artifact",
          url: `oci://${liar.host}/charts/podinfo`,
          digest: wanted,
        }),
      );
      expect(failure.reason).toBe("digest-mismatch");
      expect(digestOf(real.manifest)).not.toBe(wanted);
    } finally {
      await liar.close();
    }
  });

  it("refuses a malformed digest or tag", async () => {
    const f = fetcher();
    expect((await failureOf(f.fetchChart(artifact({ digest: "sha256:abc" })))).reason).toBe("bad-url");
    expect((await failureOf(f.fetchChart(artifact({ digest: "md5:00" })))).reason).toBe("bad-url");
    expect((await failureOf(f.fetchChart(artifact({ tag: "../blobs/x" })))).reason).toBe("bad-url");
    expect((await failureOf(f.fetchChart(artifact({ semver: "1.x", semverFilter: "(" })))).reason).toBe(
      "unresolvable",
    );
  });
});
