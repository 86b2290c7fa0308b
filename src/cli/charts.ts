/**
 * The CLI's chart fetcher: the user's cache folder (`$XDG_CACHE_HOME/flux-impact/charts`, else
 * `~/.cache/flux-impact/charts`), https to public addresses only. `FLUX_IMPACT_TEST_LOOPBACK_CHARTS=1` lets
 * it fetch over plain http from 127.0.0.1 — for tests against a registry on loopback, never for use: the
 * operator sets it, a repository's content cannot.
 */
import { homedir } from "node:os";
import {
  type ChartFetcher,
  createChartFetcher,
  defaultChartCacheDir,
  directoryChartCache,
} from "../charts/index.ts";

export function cliChartFetcher(env: NodeJS.ProcessEnv = process.env): ChartFetcher {
  return createChartFetcher({
    cache: directoryChartCache(defaultChartCacheDir(env, homedir())),
    ...(env.FLUX_IMPACT_TEST_LOOPBACK_CHARTS === "1" ? { allowPlainHttpLoopback: true } : {}),
  });
}
