/**
 * The chart fetcher: a Flux HelmRelease's chart source in, the chart archive (`.tgz`) out, for the Helm
 * renderer. Three sources: a HelmRepository over https (`index.yaml`, then the archive it names), an OCI
 * HelmRepository (the tag the version selects, its manifest, the Helm chart layer), and an OCIRepository
 * used through `spec.chartRef` (a tag, a semver range over the tags, or a digest; the layer its
 * `layerSelector` names).
 *
 * Every request goes through http.ts (https only, public addresses only, redirects re-checked, a deadline
 * covering the body, size limits, no credentials sent) and every archive is checked against the digest
 * the index or the manifest names. Archives are cached by digest, and a pinned reference (an exact version
 * or tag, a digest) by what it resolved to, so fetching the same chart again — the base and the head of a
 * pull request that does not change it — makes no request at all. Constraints (`4.x`, `>=1.2.0`) are
 * resolved again each time (the index or the tag list), then reuse the cached archive.
 */
import { RE2JS } from "re2js";
import type { ChartLocation } from "../core/helm/index.ts";
import { createHostGuard, type ResolveHost } from "./address.ts";
import { type ChartCache, memoryChartCache } from "./cache.ts";
import { sha256Hex } from "./digest.ts";
import { ChartFetchError, displayUrl } from "./errors.ts";
import { chartUrl, type HelmIndex, indexUrl, parseIndex, selectEntry } from "./helm-repo.ts";
import { createHttpClient, type HttpClient } from "./http.ts";
import {
  checkDigest,
  checkTag,
  type Descriptor,
  HELM_CHART_LAYER,
  type Manifest,
  ociRepository,
  RegistryClient,
} from "./oci.ts";
import { isExactVersion, selectVersion } from "./versions.ts";

/**
 * What the fetcher fetches: the core's remote chart locations (chartLocation, src/core/helm), whose
 * comments say what each field means.
 */
export type ChartSource = Exclude<ChartLocation, { type: "repository" | "unavailable" }>;

export interface FetchedChart {
  /** The chart archive (gzip'd tar) as published. */
  bytes: Uint8Array;
  /** `sha256:<hex>` of `bytes`. */
  digest: string;
  /** The chart version fetched (for an OCIRepository: the tag, or the manifest's version annotation). */
  version: string;
  /** Where it came from, for display: no credentials, no query string. */
  source: string;
  /** No network request was needed for the archive. */
  fromCache: boolean;
  /** OCI sources: the manifest's digest. */
  manifestDigest?: string;
  /** OCI sources: the media type of the layer taken. */
  mediaType?: string;
}

export interface ChartFetcherOptions {
  /** Where archives and pinned references are kept; default: in memory, for this fetcher's lifetime. */
  cache?: ChartCache;
  /** The fetch used for every request; default undici's, with connections pinned to checked addresses. */
  fetch?: typeof fetch;
  /** Host name → its addresses; default node:dns `lookup` (all addresses). */
  resolveHost?: ResolveHost;
  /** Default 20 MiB. */
  maxChartBytes?: number;
  /** For `index.yaml` and an OCI repository's tag list; default 30 MiB. */
  maxIndexBytes?: number;
  /** Per request, its body included; default 30 s. */
  timeoutMs?: number;
  /**
   * TEST ONLY: allows plain http and the loopback addresses 127.0.0.1 and ::1, for servers a test starts
   * on loopback (and OCI registries are then spoken to over http). The CLI and the App never set it.
   */
  allowPlainHttpLoopback?: boolean;
}

export interface ChartFetcher {
  fetchChart(source: ChartSource): Promise<FetchedChart>;
  /** Closes the connections kept alive (they do not keep the process alive either way). */
  close(): Promise<void>;
}

export const DEFAULT_CHART_LIMITS = {
  maxChartBytes: 20 * 1024 * 1024,
  maxIndexBytes: 30 * 1024 * 1024,
  timeoutMs: 30_000,
} as const;

/** What a pinned reference resolved to (the `ref:` entries of the cache). */
interface ResolvedRef {
  digest: string;
  version: string;
  source: string;
  manifestDigest?: string;
  mediaType?: string;
}

const CACHE_FORMAT = 1;

/** The canonical text of a source: the same source, whatever its field order or extra fields. */
function canonical(source: ChartSource): string {
  const t = (s: string | undefined) => s?.trim() ?? null;
  switch (source.type) {
    case "helm":
    case "oci":
      return JSON.stringify([CACHE_FORMAT, source.type, t(source.url), t(source.chart), t(source.version)]);
    case "oci-artifact":
      return JSON.stringify([
        CACHE_FORMAT,
        source.type,
        t(source.url),
        t(source.tag),
        t(source.semver),
        t(source.digest),
        t(source.semverFilter),
        t(source.layerMediaType),
      ]);
  }
}

/**
 * The cache key of a source that pins one chart — an exact version, an exact (semver) tag, a digest — or
 * undefined for a constraint (resolved again each time) or a moving tag such as `latest`.
 */
function pinnedKey(source: ChartSource): string | undefined {
  const pinned =
    source.type === "oci-artifact"
      ? source.digest?.trim() || (!source.semver?.trim() && isExactVersion(source.tag?.trim() || "latest"))
      : isExactVersion(source.version);
  return pinned ? `ref:${sha256Hex(canonical(source))}` : undefined;
}

/** Why `source` (from a caller's parse of the repository) is not a chart source, if it is not one. */
function invalidSource(source: ChartSource): string | undefined {
  const s = source as Record<string, unknown>;
  const optional = (k: string) => s[k] === undefined || typeof s[k] === "string";
  if (typeof s.url !== "string") return "a chart source without a url";
  if (s.type === "helm" || s.type === "oci") {
    if (typeof s.chart !== "string" || s.chart.trim() === "") return "a chart source without a chart name";
    return typeof s.version === "string" ? undefined : "a chart source without a version";
  }
  if (s.type === "oci-artifact")
    return ["tag", "semver", "digest", "semverFilter", "layerMediaType"].every(optional)
      ? undefined
      : "an OCIRepository reference that is not text";
  return `unknown chart source type ${String(s.type).slice(0, 40)}`;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function parseRecord(bytes: Uint8Array): ResolvedRef | undefined {
  try {
    const r = JSON.parse(new TextDecoder().decode(bytes)) as Partial<ResolvedRef>;
    if (typeof r.digest !== "string" || !/^sha256:[0-9a-f]{64}$/.test(r.digest)) return undefined;
    if (typeof r.version !== "string" || typeof r.source !== "string") return undefined;
    return {
      digest: r.digest,
      version: r.version,
      source: r.source,
      ...(typeof r.manifestDigest === "string" ? { manifestDigest: r.manifestDigest } : {}),
      ...(typeof r.mediaType === "string" ? { mediaType: r.mediaType } : {}),
    };
  } catch {
    return undefined;
  }
}

export function createChartFetcher(options: ChartFetcherOptions = {}): ChartFetcher {
  const maxChartBytes = options.maxChartBytes ?? DEFAULT_CHART_LIMITS.maxChartBytes;
  const maxIndexBytes = options.maxIndexBytes ?? DEFAULT_CHART_LIMITS.maxIndexBytes;
  const plainHttp = options.allowPlainHttpLoopback === true;
  const cache = options.cache ?? memoryChartCache();
  const guard = createHostGuard({
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    allowPlainHttpLoopback: plainHttp,
  });
  const http: HttpClient = createHttpClient({
    guard,
    timeoutMs: options.timeoutMs ?? DEFAULT_CHART_LIMITS.timeoutMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  /** Indexes read by this fetcher (a pull request's base and head share them). */
  const indexes = new Map<string, Promise<HelmIndex>>();
  /** Fetches under way, so two renders of one chart share one download. */
  const inflight = new Map<string, Promise<FetchedChart>>();

  // A cache that fails (a full disk, a read-only directory) costs a download, never the fetch.
  async function cacheGet(key: string): Promise<Uint8Array | undefined> {
    try {
      return await cache.get(key);
    } catch {
      return undefined;
    }
  }
  async function cachePut(key: string, bytes: Uint8Array): Promise<void> {
    try {
      await cache.put(key, bytes);
    } catch {
      // ignored: see above
    }
  }

  /** The cached archive of `digest` (`sha256:<hex>`), if its bytes still match it. */
  async function cachedArchive(digest: string): Promise<Uint8Array | undefined> {
    const bytes = await cacheGet(digest);
    return bytes && `sha256:${sha256Hex(bytes)}` === digest ? bytes : undefined;
  }

  async function fromPinned(key: string | undefined): Promise<FetchedChart | undefined> {
    if (!key) return undefined;
    const record = await cacheGet(key);
    const ref = record && parseRecord(record);
    if (!ref) return undefined;
    const bytes = await cachedArchive(ref.digest);
    return bytes ? { ...ref, bytes, fromCache: true } : undefined;
  }

  async function remember(chart: FetchedChart, keys: Array<string | undefined>, downloaded: boolean) {
    if (downloaded) await cachePut(chart.digest, chart.bytes);
    const { bytes: _, fromCache: __, ...ref } = chart;
    const record = new TextEncoder().encode(JSON.stringify(ref satisfies ResolvedRef));
    for (const key of new Set(keys)) if (key) await cachePut(key, record);
  }

  function checkArchive(bytes: Uint8Array, shown: string): void {
    if (!isGzip(bytes)) throw new ChartFetchError("bad-response", `${shown} is not a gzip archive`);
  }

  function parseHttpsUrl(text: string): URL {
    try {
      return new URL(text.trim());
    } catch {
      // Not echoed: an unparsable URL may still hold user info.
      throw new ChartFetchError("bad-url", "the repository URL is not a valid URL");
    }
  }

  function loadIndex(url: URL): Promise<HelmIndex> {
    const key = url.href;
    let index = indexes.get(key);
    if (!index) {
      const shown = displayUrl(url);
      index = http
        .get(url, { maxBytes: maxIndexBytes, what: "index", headers: { accept: "*/*" } })
        .then((r) => {
          if (r.status === 404) throw new ChartFetchError("not-found", `no index at ${shown} (404)`);
          if (r.status !== 200) throw new ChartFetchError("bad-response", `${shown} answered ${r.status}`);
          return parseIndex(r.body, shown);
        });
      index.catch(() => indexes.delete(key));
      indexes.set(key, index);
    }
    return index;
  }

  async function fromHelmRepository(source: Extract<ChartSource, { type: "helm" }>): Promise<FetchedChart> {
    const repository = parseHttpsUrl(source.url);
    const index = indexUrl(repository);
    const entry = selectEntry(await loadIndex(index), source.chart.trim(), source.version, displayUrl(index));
    const exactKey = pinnedKey({ ...source, version: entry.version });
    const known = await fromPinned(exactKey);
    if (known && (!entry.digest || known.digest === `sha256:${entry.digest}`)) {
      await remember(known, [pinnedKey(source)], false);
      return known;
    }
    let url: URL;
    try {
      url = chartUrl(repository, entry.urls[0] ?? "");
    } catch {
      throw new ChartFetchError(
        "bad-response",
        `the index at ${displayUrl(index)} gives an invalid chart URL`,
      );
    }
    const shown = displayUrl(url);
    const base = { version: entry.version, source: shown };
    if (entry.digest) {
      const cached = await cachedArchive(`sha256:${entry.digest}`);
      if (cached) {
        const chart = { ...base, bytes: cached, digest: `sha256:${entry.digest}`, fromCache: true };
        await remember(chart, [pinnedKey(source), exactKey], false);
        return chart;
      }
    }
    const what = `chart ${source.chart.trim()} ${entry.version}`;
    const result = await http.get(url, { maxBytes: maxChartBytes, what, headers: { accept: "*/*" } });
    if (result.status === 404) throw new ChartFetchError("not-found", `no ${what} at ${shown} (404)`);
    if (result.status !== 200)
      throw new ChartFetchError("bad-response", `${shown} answered ${result.status}`);
    const hex = sha256Hex(result.body);
    if (entry.digest && hex !== entry.digest)
      throw new ChartFetchError(
        "digest-mismatch",
        `${shown} has digest sha256:${hex}, not sha256:${entry.digest} as the index says`,
      );
    checkArchive(result.body, shown);
    const chart = { ...base, bytes: result.body, digest: `sha256:${hex}`, fromCache: false };
    await remember(chart, [pinnedKey(source), exactKey], true);
    return chart;
  }

  /** The chart layer of `manifest`, downloaded unless cached. */
  async function fromManifest(
    client: RegistryClient,
    manifest: Manifest,
    layer: Descriptor,
    version: string,
    reference: string,
    keys: Array<string | undefined>,
  ): Promise<FetchedChart> {
    const repo = client.repo;
    const at = reference.startsWith("sha256:") ? `@${reference}` : `:${reference}@${manifest.digest}`;
    const base = {
      version,
      source: `${repo.shown}${at}`,
      manifestDigest: manifest.digest,
      mediaType: layer.mediaType,
    };
    checkDigest(layer.digest, repo);
    const cached = await cachedArchive(layer.digest);
    if (cached) {
      const chart = { ...base, bytes: cached, digest: layer.digest, fromCache: true };
      await remember(chart, keys, false);
      return chart;
    }
    const bytes = await client.blob(layer, maxChartBytes, `chart layer ${layer.digest.slice(0, 19)}`);
    checkArchive(bytes, `the layer of ${repo.shown}${at}`);
    const chart = { ...base, bytes, digest: layer.digest, fromCache: false };
    await remember(chart, keys, true);
    return chart;
  }

  async function fromOciHelmRepository(source: Extract<ChartSource, { type: "oci" }>): Promise<FetchedChart> {
    const repo = ociRepository(source.url, source.chart, plainHttp);
    const client = new RegistryClient(http, repo);
    const wanted = source.version.trim();
    let version = wanted;
    // An exact version needs no tag list (as Flux does it); Helm's tags write `+` as `_`.
    if (!isExactVersion(wanted)) {
      const tags = await client.tags(maxIndexBytes);
      const picked = selectVersion(tags, wanted, (t) => t.replaceAll("_", "+"));
      if (picked === undefined)
        throw new ChartFetchError(
          "not-found",
          `${repo.shown} has no tag matching "${wanted.slice(0, 100) || "*"}" (${tags.length} tags)`,
        );
      version = picked.replaceAll("_", "+");
    }
    const exactKey = pinnedKey({ ...source, version });
    const known = await fromPinned(exactKey);
    if (known) {
      await remember(known, [pinnedKey(source)], false);
      return known;
    }
    const tag = checkTag(version.replaceAll("+", "_"), repo);
    const manifest = await client.manifest(tag);
    const layer = manifest.layers.find((l) => l.mediaType === HELM_CHART_LAYER);
    if (!layer)
      throw new ChartFetchError(
        "not-found",
        `${repo.shown}:${tag} has no Helm chart layer (${HELM_CHART_LAYER})`,
      );
    return fromManifest(client, manifest, layer, version, tag, [pinnedKey(source), exactKey]);
  }

  async function fromOciArtifact(
    source: Extract<ChartSource, { type: "oci-artifact" }>,
  ): Promise<FetchedChart> {
    const repo = ociRepository(source.url, undefined, plainHttp);
    const client = new RegistryClient(http, repo);
    const digest = source.digest?.trim();
    const range = source.semver?.trim();
    let reference: string;
    let exactKey: string | undefined;
    if (digest) reference = checkDigest(digest, repo);
    else if (range) {
      let tags = await client.tags(maxIndexBytes);
      const filter = source.semverFilter?.trim();
      if (filter) {
        let pattern: RE2JS;
        try {
          pattern = RE2JS.compile(filter);
        } catch {
          throw new ChartFetchError("unresolvable", `"${filter.slice(0, 100)}" is not a valid semverFilter`);
        }
        tags = tags.filter((t) => pattern.matcher(t).find());
      }
      const picked = selectVersion(tags, range);
      if (picked === undefined)
        throw new ChartFetchError("not-found", `${repo.shown} has no tag matching "${range.slice(0, 100)}"`);
      reference = checkTag(picked, repo);
      // The same as asking for that tag, when it is a version.
      const { semver: _, semverFilter: __, digest: ___, ...rest } = source;
      exactKey = pinnedKey({ ...rest, tag: picked });
      const known = await fromPinned(exactKey);
      if (known) return known;
    } else reference = checkTag(source.tag?.trim() || "latest", repo);
    const manifest = await client.manifest(reference);
    const wantedType = source.layerMediaType?.trim();
    // Flux takes the first layer, or the first of the selected media type; a Helm chart layer is preferred
    // when no type is selected (an artifact pushed by Helm has no other tar+gzip layer).
    const layer = wantedType
      ? manifest.layers.find((l) => l.mediaType === wantedType)
      : (manifest.layers.find((l) => l.mediaType === HELM_CHART_LAYER) ??
        manifest.layers.find((l, i) => i === 0 && /tar\+gzip$/.test(l.mediaType)));
    if (!layer)
      throw new ChartFetchError(
        "not-found",
        `${repo.shown}@${manifest.digest} has no ${wantedType ? `${wantedType} ` : "tar+gzip "}layer`,
      );
    const version = digest ? (manifest.annotations["org.opencontainers.image.version"] ?? digest) : reference;
    return fromManifest(client, manifest, layer, version, reference, [pinnedKey(source), exactKey]);
  }

  async function fetchOnce(source: ChartSource): Promise<FetchedChart> {
    const known = await fromPinned(pinnedKey(source));
    if (known) return known;
    switch (source.type) {
      case "helm":
        return fromHelmRepository(source);
      case "oci":
        return fromOciHelmRepository(source);
      case "oci-artifact":
        return fromOciArtifact(source);
    }
  }

  return {
    fetchChart(source) {
      const invalid = invalidSource(source);
      if (invalid) return Promise.reject(new ChartFetchError("bad-url", invalid));
      const key = canonical(source);
      let pending = inflight.get(key);
      if (!pending) {
        pending = fetchOnce(source).finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      return pending;
    },
    close: () => http.close(),
  };
}
