/**
 * An OCI registry, read anonymously through the distribution API: manifests
 * (`GET /v2/<name>/manifests/<tag|digest>`), blobs (`GET /v2/<name>/blobs/<digest>`) and the tag list
 * (`GET /v2/<name>/tags/list`, `Link` pagination, bounded). A registry that answers 401 with a
 * `WWW-Authenticate: Bearer realm=…,service=…,scope=…` challenge gets an anonymous token request to its
 * realm (a URL under the same host guard as everything else); the token is sent back to that registry's
 * origin only, and never any other credential.
 */
import { SHA256_DIGEST, sha256Hex } from "./digest.ts";
import { ChartFetchError } from "./errors.ts";
import type { HttpClient, HttpResult } from "./http.ts";

export const HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
export const HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
export const FLUX_CONTENT_LAYER = "application/vnd.cncf.flux.content.v1.tar+gzip";

const MANIFEST_ACCEPT = [
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** Registries cap manifests at 4 MiB (distribution's default). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_TOKEN_BYTES = 64 * 1024;
const MAX_TAG_PAGES = 50;

/** The distribution spec's repository name, tag and digest grammars. */
const NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export interface OciRepository {
  /** Where the API is: `https://host[:port]` (plain http only in the tests' loopback setting). */
  base: URL;
  /** The repository's name in the registry, e.g. `stefanprodan/charts/podinfo`. */
  name: string;
  /** `oci://host/name`, for messages. */
  shown: string;
}

/**
 * `oci://host[:port]/path` (plus `/chart` for a HelmRepository) as a registry repository. Docker Hub's
 * `docker.io` is served by `registry-1.docker.io`, as Docker and Helm address it.
 */
export function ociRepository(url: string, chart: string | undefined, plainHttp: boolean): OciRepository {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    // Not echoed: an unparsable URL may still hold user info.
    throw new ChartFetchError("bad-url", "the OCI repository URL is not a valid URL");
  }
  if (parsed.protocol !== "oci:" || parsed.host === "")
    throw new ChartFetchError(
      "bad-url",
      `"${parsed.protocol}//${parsed.host}${parsed.pathname}" is not an oci:// URL`,
    );
  if (parsed.username !== "" || parsed.password !== "")
    throw new ChartFetchError("bad-url", `refused oci://${parsed.host}: credentials in a URL are never sent`);
  const path = parsed.pathname.replace(/^\/+|\/+$/g, "");
  const name = [path, chart?.trim() ?? ""].filter((s) => s !== "").join("/");
  const shown = `oci://${parsed.host}/${name}`;
  if (!NAME.test(name) || name.length > 255)
    throw new ChartFetchError("bad-url", `${shown.slice(0, 300)} is not a valid OCI repository name`);
  const host = parsed.host.toLowerCase() === "docker.io" ? "registry-1.docker.io" : parsed.host;
  return { base: new URL(`${plainHttp ? "http" : "https"}://${host}`), name, shown };
}

export function checkTag(tag: string, repo: OciRepository): string {
  if (!TAG.test(tag))
    throw new ChartFetchError("bad-url", `"${tag.slice(0, 130)}" is not a valid tag of ${repo.shown}`);
  return tag;
}

export function checkDigest(digest: string, repo: OciRepository): string {
  if (!SHA256_DIGEST.test(digest))
    throw new ChartFetchError(
      "bad-url",
      `"${digest.slice(0, 80)}" is not a sha256 digest (sha256:<64 hex>) for ${repo.shown}`,
    );
  return digest;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface Manifest {
  /** sha256 of the manifest's bytes. */
  digest: string;
  layers: Descriptor[];
  annotations: Record<string, string>;
}

interface Challenge {
  realm: string;
  service?: string;
  scope?: string;
}

/** The parameters of a `Bearer` challenge (`WWW-Authenticate: Bearer realm="…",service="…"`), if it is one. */
export function parseBearerChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*Bearer\s+(.*)$/is.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of (m[1] ?? "").matchAll(/([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g)) {
    const key = (p[1] ?? "").toLowerCase();
    params[key] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : (p[3] ?? "");
  }
  if (!params.realm) return undefined;
  return {
    realm: params.realm,
    ...(params.service ? { service: params.service } : {}),
    ...(params.scope ? { scope: params.scope } : {}),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function json(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new ChartFetchError("bad-response", `${what} is not JSON`);
  }
}

/** A registry repository read anonymously, with the bearer token its registry hands out, if it asks for one. */
export class RegistryClient {
  private token: string | undefined;

  constructor(
    private readonly http: HttpClient,
    readonly repo: OciRepository,
  ) {}

  private url(path: string): URL {
    return new URL(`/v2/${this.repo.name}/${path}`, this.repo.base);
  }

  /** A GET of the registry, with the anonymous token dance on a 401. */
  private async get(url: URL, accept: string, maxBytes: number, what: string): Promise<HttpResult> {
    if (url.origin !== this.repo.base.origin)
      throw new ChartFetchError("bad-response", `${this.repo.shown} pointed ${what} at another host`);
    // One token request per request at most: the first 401, or a token that expired since the last one.
    for (let retried = false; ; retried = true) {
      const headers: Record<string, string> = { accept };
      if (this.token) headers.authorization = `Bearer ${this.token}`;
      const result = await this.http.get(url, { headers, maxBytes, what });
      if (result.status === 401 && !retried) {
        const challenge = parseBearerChallenge(result.headers.get("www-authenticate"));
        if (!challenge)
          throw new ChartFetchError(
            "not-found",
            `${this.repo.shown} asks for credentials (not a public repository); none are sent`,
          );
        this.token = await this.anonymousToken(challenge);
        continue;
      }
      if (result.status === 401 || result.status === 403)
        throw new ChartFetchError(
          "not-found",
          `${this.repo.shown} refused anonymous access to ${what} (private or missing); no credentials are sent`,
        );
      if (result.status === 404)
        throw new ChartFetchError("not-found", `${this.repo.shown} has no ${what} (404)`);
      if (result.status !== 200)
        throw new ChartFetchError("bad-response", `${this.repo.shown} answered ${result.status} for ${what}`);
      return result;
    }
  }

  /** `GET realm?service=…&scope=…` without credentials: the token a public repository is read with. */
  private async anonymousToken(challenge: Challenge): Promise<string> {
    let realm: URL;
    try {
      realm = new URL(challenge.realm);
    } catch {
      throw new ChartFetchError("bad-response", `${this.repo.shown} named an invalid token realm`);
    }
    if (challenge.service) realm.searchParams.set("service", challenge.service);
    realm.searchParams.set("scope", challenge.scope ?? `repository:${this.repo.name}:pull`);
    const shown = `${realm.protocol}//${realm.host}${realm.pathname}`;
    const result = await this.http.get(realm, {
      headers: { accept: "application/json" },
      maxBytes: MAX_TOKEN_BYTES,
      what: "anonymous token",
    });
    if (result.status !== 200)
      throw new ChartFetchError(
        "not-found",
        `the token service ${shown} answered ${result.status}: ${this.repo.shown} is not readable anonymously`,
      );
    const doc = json(result.body, `the token from ${shown}`);
    const token = isRecord(doc) ? (doc.token ?? doc.access_token) : undefined;
    if (typeof token !== "string" || !/^[\x21-\x7e]{1,16384}$/.test(token))
      throw new ChartFetchError("bad-response", `the token service ${shown} gave no usable token`);
    return token;
  }

  /** The manifest at `reference` (a tag or a digest); a digest reference is checked against the bytes. */
  async manifest(reference: string): Promise<Manifest> {
    const what = `manifest ${reference}`;
    const result = await this.get(
      this.url(`manifests/${reference}`),
      MANIFEST_ACCEPT,
      MAX_MANIFEST_BYTES,
      what,
    );
    const digest = `sha256:${sha256Hex(result.body)}`;
    if (reference.startsWith("sha256:") && digest !== reference)
      throw new ChartFetchError(
        "digest-mismatch",
        `${this.repo.shown}@${reference} answered a manifest whose digest is ${digest}`,
      );
    const doc = json(result.body, `the ${what} of ${this.repo.shown}`);
    if (!isRecord(doc) || doc.schemaVersion !== 2 || !Array.isArray(doc.layers)) {
      const type =
        isRecord(doc) && typeof doc.mediaType === "string" ? ` (${doc.mediaType.slice(0, 100)})` : "";
      throw new ChartFetchError(
        "bad-response",
        `the ${what} of ${this.repo.shown} is not an image manifest${type}`,
      );
    }
    const layers: Descriptor[] = [];
    for (const l of doc.layers) {
      if (!isRecord(l) || typeof l.mediaType !== "string" || typeof l.digest !== "string") continue;
      layers.push({
        mediaType: l.mediaType,
        digest: l.digest,
        size: typeof l.size === "number" ? l.size : -1,
      });
    }
    const annotations: Record<string, string> = {};
    if (isRecord(doc.annotations))
      for (const [k, v] of Object.entries(doc.annotations)) if (typeof v === "string") annotations[k] = v;
    return { digest, layers, annotations };
  }

  /** A blob, checked against its digest. */
  async blob(layer: Descriptor, maxBytes: number, what: string): Promise<Uint8Array> {
    checkDigest(layer.digest, this.repo);
    if (layer.size > maxBytes)
      throw new ChartFetchError(
        "too-large",
        `the ${what} of ${this.repo.shown} is ${layer.size} bytes, over the ${maxBytes}-byte limit; it was not fetched`,
      );
    const result = await this.get(this.url(`blobs/${layer.digest}`), "*/*", maxBytes, what);
    const digest = `sha256:${sha256Hex(result.body)}`;
    if (digest !== layer.digest)
      throw new ChartFetchError(
        "digest-mismatch",
        `the ${what} of ${this.repo.shown} has digest ${digest}, not the manifest's ${layer.digest}`,
      );
    return result.body;
  }

  /** Every tag, following `Link: <…>; rel="next"` within the registry, at most 50 pages and `maxBytes` in all. */
  async tags(maxBytes: number): Promise<string[]> {
    const tags: string[] = [];
    let url: URL | undefined = this.url("tags/list");
    let left = maxBytes;
    for (let page = 0; url; page++) {
      if (page >= MAX_TAG_PAGES)
        throw new ChartFetchError(
          "too-large",
          `${this.repo.shown} lists more than ${MAX_TAG_PAGES} pages of tags`,
        );
      const result = await this.get(url, "application/json", left, "tag list");
      left -= result.body.byteLength;
      const doc = json(result.body, `the tag list of ${this.repo.shown}`);
      if (!isRecord(doc))
        throw new ChartFetchError("bad-response", `the tag list of ${this.repo.shown} is not an object`);
      if (Array.isArray(doc.tags)) for (const t of doc.tags) if (typeof t === "string") tags.push(t);
      url = nextLink(result.headers.get("link"), url);
    }
    return tags;
  }
}

/** The `rel="next"` target of a `Link` header, resolved against the page's URL. */
export function nextLink(header: string | null, current: URL): URL | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!m || !/(?:^|;)\s*rel\s*=\s*"?next"?\s*(?:;|$)/i.test(m[2] ?? "")) continue;
    try {
      return new URL(m[1] ?? "", current);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
