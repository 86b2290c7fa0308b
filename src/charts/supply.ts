/**
 * The charts a pull request's changed HelmReleases need (the core's helmChartNeeds), supplied: a chart
 * folder of the repository read from that side's snapshot, anything else fetched through the chart
 * fetcher (cached by digest), archives unpacked under limits. A chart that cannot be had becomes its
 * reason, which the report shows for that HelmRelease; the rest stay exact. At most `concurrency`
 * fetches at a time, and nothing starts after `deadlineMs`.
 */

import { type ChartFiles, chartFilesIn, unresolvedDependencies } from "../core/helm/index.ts";
import type { ChartNeed, ChartSupply, ChartUnavailable, RepoSnapshot } from "../core/index.ts";
import { ChartArchiveError, unpackChartArchive } from "./archive.ts";
import { ChartFetchError } from "./errors.ts";
import type { ChartFetcher } from "./fetcher.ts";

export interface SupplyOptions {
  fetcher: ChartFetcher;
  snapshots: { base: RepoSnapshot; head: RepoSnapshot };
  concurrency?: number;
  /** Wall time for all fetches; a chart not started by then is reported as not fetched in time. */
  deadlineMs?: number;
  now?: () => number;
}

export async function supplyCharts(
  needs: readonly ChartNeed[],
  options: SupplyOptions,
): Promise<ChartSupply> {
  const out = new Map<string, ChartFiles | ChartUnavailable>();
  const now = options.now ?? Date.now;
  const deadline = now() + (options.deadlineMs ?? 60_000);
  const queue = [...needs];
  const one = async (need: ChartNeed): Promise<void> => {
    try {
      if (now() > deadline) {
        out.set(need.id, { error: "its chart was not fetched in the time this analysis allows" });
        return;
      }
      if (need.location.type === "repository") {
        const found = chartFilesIn(options.snapshots[need.side], need.location.path);
        if (!found) {
          out.set(need.id, { error: `the chart folder ${need.location.path}/ has no Chart.yaml` });
          return;
        }
        if (found.unresolved.length > 0) {
          out.set(need.id, { error: unresolvedDependencies(need.location.path, found.unresolved) });
          return;
        }
        const archives: Record<string, ChartFiles> = {};
        for (const [path, bytes] of Object.entries(found.archives))
          archives[path] = await unpackChartArchive(bytes);
        out.set(need.id, Object.keys(archives).length ? { ...found.files, archives } : found.files);
        return;
      }
      const fetched = await options.fetcher.fetchChart(need.location);
      out.set(need.id, await unpackChartArchive(fetched.bytes));
    } catch (error) {
      if (!(error instanceof ChartFetchError) && !(error instanceof ChartArchiveError)) throw error;
      // Past a size or unpacking bound: what the change points at cannot be checked (fails closed).
      const limit = error instanceof ChartArchiveError || error.reason === "too-large";
      out.set(need.id, {
        error: `its chart could not be fetched: ${(error as Error).message}`,
        ...(limit ? { limit: true } : {}),
      });
    }
  };
  const workers = Array.from(
    { length: Math.max(1, Math.min(options.concurrency ?? 4, queue.length)) },
    async () => {
      for (let need = queue.shift(); need; need = queue.shift()) await one(need);
    },
  );
  await Promise.all(workers);
  return out;
}
