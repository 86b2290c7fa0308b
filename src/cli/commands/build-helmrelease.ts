/**
 * `flux-impact build --helmrelease NS/NAME [DIR]`: what one HelmRelease installs, rendered as
 * helm-controller renders it — its chart fetched (HelmRepository, OCI, or a chart folder of the
 * repository), `helm template` with its effective values (Secret values as fingerprints), and its
 * post-renderers — printed as YAML with Secret values fingerprinted. Charts are cached by digest under
 * the user's cache folder, so a second run fetches nothing.
 */
import { ChartArchiveError, unpackChartArchive } from "../../charts/archive.ts";
import { ChartFetchError } from "../../charts/index.ts";
import {
  type ChartFiles,
  chartFilesIn,
  chartLocation,
  effectiveValues,
  HelmReleaseRenderError,
  LimitError,
  notTheClusters,
  renderedYaml,
  renderHelmRelease,
  unresolvedDependencies,
} from "../../core/helm/index.ts";
import type { AnalyzedRepository, RepoSnapshot } from "../../core/index.ts";
import { redactObject } from "../../core/secrets/index.ts";
import { cliChartFetcher } from "../charts.ts";
import { type CliIo, type CliValues, UsageError } from "../options.ts";

export async function buildHelmReleaseCommand(
  snapshot: RepoSnapshot,
  model: AnalyzedRepository,
  values: CliValues,
  io: CliIo,
): Promise<number> {
  const key = values.helmrelease!;
  const hr = model.helmReleases.find((h) => h.key === key);
  if (!hr) {
    const known = model.helmReleases.map((h) => h.key).join(", ") || "none";
    throw new UsageError(`no HelmRelease "${key}" in this repository; known: ${known}`);
  }
  const location = chartLocation(model, hr);
  let files: ChartFiles;
  try {
    if (location.type === "unavailable") {
      io.stderr(`flux-impact: ${hr.key}'s chart cannot be rendered: ${location.reason}\n`);
      return 1;
    }
    if (location.type === "repository") {
      const found = chartFilesIn(snapshot, location.path);
      if (!found) {
        io.stderr(`flux-impact: ${hr.key}'s chart folder ${location.path}/ has no Chart.yaml\n`);
        return 1;
      }
      if (found.unresolved.length > 0) {
        io.stderr(
          `flux-impact: ${hr.key}'s chart cannot be rendered: ${unresolvedDependencies(location.path, found.unresolved)}\n`,
        );
        return 1;
      }
      const archives: Record<string, ChartFiles> = {};
      for (const [path, bytes] of Object.entries(found.archives))
        archives[path] = await unpackChartArchive(bytes);
      files = Object.keys(archives).length ? { ...found.files, archives } : found.files;
    } else {
      const fetcher = cliChartFetcher();
      try {
        const fetched = await fetcher.fetchChart(location);
        io.stderr(
          `chart ${fetched.source} ${fetched.version} (${fetched.digest}${fetched.fromCache ? ", cached" : ""})\n`,
        );
        files = await unpackChartArchive(fetched.bytes);
      } finally {
        await fetcher.close();
      }
    }
  } catch (error) {
    if (error instanceof ChartFetchError || error instanceof ChartArchiveError) {
      io.stderr(`flux-impact: ${hr.key}'s chart could not be fetched: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
  const effective = effectiveValues(model, hr);
  try {
    const rendered = renderHelmRelease(hr, effective.values, files);
    io.stdout(renderedYaml(rendered.objects.map((o) => redactObject(o))));
    for (const note of rendered.notes) io.stderr(`note: ${note}\n`);
    const notes = notTheClusters(rendered.nondeterministic);
    // The terminal has no heading that says the render is helm template's: the lookup note says where it differs.
    if (rendered.nondeterministic.includes("lookup"))
      notes[notes.length - 1] += "; helm-controller reads the real cluster";
    for (const note of notes) io.stderr(`note: ${note}\n`);
    return 0;
  } catch (error) {
    if (error instanceof LimitError) {
      io.stderr(
        `flux-impact: ${hr.key} is not rendered: it goes past this engine's bounds: ${error.message}\n`,
      );
      return 1;
    }
    if (!(error instanceof HelmReleaseRenderError)) throw error;
    const where = hr.definedIn
      ? ` ${hr.definedIn.file}${hr.definedIn.line ? `:${hr.definedIn.line}` : ""}`
      : "";
    io.stderr(`error helm-render-failed${where}: ${hr.key} does not render: ${error.message}\n`);
    if (error.clusterReads.length > 0)
      io.stderr(
        `note: this render uses helm template's view of the cluster, and the chart reads the cluster (${error.clusterReads.join(", ")}): helm-controller may render it\n`,
      );
    return 1;
  }
}
