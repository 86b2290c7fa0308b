/**
 * A Helm chart repository (Flux `HelmRepository`, https): its `index.yaml` and the entry a chart version
 * selects. The index is read with js-yaml's failsafe schema — every scalar a string, so `version: 1.10`
 * stays "1.10" and no timestamps are built — and only the fields used are kept.
 */
import { FAILSAFE_SCHEMA, load } from "js-yaml";
import { ChartFetchError } from "./errors.ts";
import { selectVersion } from "./versions.ts";

export interface IndexEntry {
  version: string;
  urls: string[];
  /** The archive's sha256 (hex), when the index gives one. */
  digest?: string;
}

/** Chart name → its entries, as listed. */
export type HelmIndex = Map<string, IndexEntry[]>;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The index as served (YAML or JSON); `shown` names it in errors. */
export function parseIndex(bytes: Uint8Array, shown: string): HelmIndex {
  let doc: unknown;
  try {
    doc = load(new TextDecoder("utf-8", { fatal: true }).decode(bytes), {
      schema: FAILSAFE_SCHEMA,
      json: true,
    });
  } catch {
    throw new ChartFetchError("bad-response", `the index at ${shown} is not valid YAML`);
  }
  if (!isRecord(doc) || !isRecord(doc.entries))
    throw new ChartFetchError("bad-response", `the index at ${shown} has no entries`);
  const index: HelmIndex = new Map();
  for (const [name, list] of Object.entries(doc.entries)) {
    if (!Array.isArray(list)) continue;
    const entries: IndexEntry[] = [];
    for (const item of list) {
      if (!isRecord(item) || typeof item.version !== "string" || !Array.isArray(item.urls)) continue;
      const urls = item.urls.filter((u): u is string => typeof u === "string" && u !== "");
      const digest = typeof item.digest === "string" ? item.digest.replace(/^sha256:/, "").toLowerCase() : "";
      entries.push({ version: item.version, urls, ...(/^[0-9a-f]{64}$/.test(digest) ? { digest } : {}) });
    }
    index.set(name, entries);
  }
  return index;
}

/** The entry `version` (exact, or a constraint) selects for `chart`, as Flux's source-controller does. */
export function selectEntry(index: HelmIndex, chart: string, version: string, shown: string): IndexEntry {
  const entries = index.get(chart);
  if (!entries || entries.length === 0)
    throw new ChartFetchError("not-found", `the index at ${shown} has no chart "${chart}"`);
  const picked = selectVersion(
    entries.map((e) => e.version),
    version,
  );
  const entry = picked === undefined ? undefined : entries.find((e) => e.version === picked);
  if (!entry)
    throw new ChartFetchError(
      "not-found",
      `the index at ${shown} has no version of "${chart}" matching "${version.slice(0, 100) || "*"}"`,
    );
  if (entry.urls.length === 0)
    throw new ChartFetchError(
      "bad-response",
      `the index at ${shown} gives no URL for ${chart} ${entry.version}`,
    );
  return entry;
}

/** The index's URL: the repository's, with `/index.yaml` after its path. */
export function indexUrl(repository: URL): URL {
  const url = new URL(repository.href);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/index.yaml`;
  url.hash = "";
  return url;
}

/** An entry's URL, relative to the repository's (as Helm resolves it: the base path ends in `/`), or absolute. */
export function chartUrl(repository: URL, reference: string): URL {
  const base = new URL(repository.href);
  base.pathname = `${base.pathname.replace(/\/+$/, "")}/`;
  const url = new URL(reference, base);
  url.hash = "";
  return url;
}
