/**
 * The chart-fetching adapter (see README.md): what the CLI and the App give the Helm renderer to get chart
 * archives with. Everything else in this folder is internal.
 */

export { type ResolveHost, refusedAddress, refusedHostname } from "./address.ts";
export { type ArchiveLimits, ChartArchiveError, readChartDirectory, unpackChartArchive } from "./archive.ts";
export { type ChartCache, defaultChartCacheDir, directoryChartCache, memoryChartCache } from "./cache.ts";
export { ChartFetchError, type ChartFetchReason } from "./errors.ts";
export {
  type ChartFetcher,
  type ChartFetcherOptions,
  type ChartSource,
  createChartFetcher,
  DEFAULT_CHART_LIMITS,
  type FetchedChart,
} from "./fetcher.ts";
export { FLUX_CONTENT_LAYER, HELM_CHART_LAYER, HELM_CONFIG } from "./oci.ts";
export { type SupplyOptions, supplyCharts } from "./supply.ts";
