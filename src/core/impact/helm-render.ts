/**
 * What a pull request's changed HelmReleases install, rendered: for each HelmRelease the change adds,
 * modifies or removes, its chart at base and at head (`helmChartNeeds` says which charts the adapter must
 * supply — fetched, or read from the repository), rendered as helm-controller renders it with each side's
 * effective values, and the two sets of objects diffed as Kustomization outputs are. Added to the report:
 * the rendered object diffs and the images the rendered workloads run; a head that does not render is an
 * error on the HelmRelease's file; a chart this analysis cannot reach is said, never shown as "no change".
 */

import { applyPolicy, type Policy, policyConclusion } from "../checks/policy.ts";
import { analysisFailed, type Diagnostic, diagnostic, EngineLimit } from "../diagnostics.ts";
import { holdsPlaceholder } from "../flux/post-build.ts";
import type { ChartFiles } from "../helm/chart.ts";
import type { Capabilities } from "../helm/engine.ts";
import {
  type ChartLocation,
  chartLocation,
  HelmReleaseRenderError,
  renderHelmRelease,
} from "../helm/helm-release.ts";
import { LimitError } from "../helm/template/exec.ts";
import type { JsonObject } from "../kustomize/resource.ts";
import type { HelmReleaseNode, RepositoryModel } from "../model.ts";
import { type EffectiveValues, effectiveValues } from "./helm-values.ts";
import { imagesIn } from "./images.ts";
import { diffObjectSets } from "./object-diff.ts";
import type { HelmReleaseImpact, ImpactReport } from "./types.ts";

/** HelmReleases rendered per pull request, at most: each costs up to two chart downloads and renders. */
export const MAX_RENDERED_RELEASES = 25;

export type FetchableLocation = Exclude<ChartLocation, { type: "unavailable" }>;

/** A chart the adapter must supply: fetched (remote), or read from that side's snapshot (repository). */
export interface ChartNeed {
  id: string;
  side: "base" | "head";
  location: FetchableLocation;
}

/** What the adapter got for each need: the chart's files, or why not. */
export type ChartSupply = ReadonlyMap<string, ChartFiles | ChartUnavailable>;

/**
 * Why a chart was not supplied. `limit`: it went past one of the adapter's bounds (an archive or a body
 * too large, too many entries): what the change points at cannot be checked, so the render fails closed,
 * as one past the engine's own bounds does; any other reason (not found, the network) is said as unknown.
 */
export interface ChartUnavailable {
  error: string;
  limit?: boolean;
}

interface Analysis {
  base: RepositoryModel;
  head: RepositoryModel;
  report: ImpactReport;
}

function sideNode(model: RepositoryModel, hr: HelmReleaseImpact): HelmReleaseNode | undefined {
  return model.helmReleases.find(
    (h) => h.key === hr.key && (hr.cluster === undefined || h.cluster === hr.cluster),
  );
}

/** The id of a chart: a remote chart is the same for both sides; a repository folder is per side. */
function needId(side: "base" | "head", location: FetchableLocation): string {
  return location.type === "repository" ? `${side}:repository:${location.path}` : JSON.stringify(location);
}

function candidates(report: ImpactReport): HelmReleaseImpact[] {
  return report.helmReleases.slice(0, MAX_RENDERED_RELEASES);
}

/** The charts the changed HelmReleases need, each once. */
export function helmChartNeeds(analysis: Analysis): ChartNeed[] {
  const needs = new Map<string, ChartNeed>();
  for (const hr of candidates(analysis.report)) {
    for (const side of ["base", "head"] as const) {
      if ((side === "base" && hr.change === "added") || (side === "head" && hr.change === "removed"))
        continue;
      const node = sideNode(analysis[side], hr);
      if (!node) continue;
      const location = chartLocation(analysis[side], node);
      if (location.type === "unavailable") continue;
      const id = needId(side, location);
      if (!needs.has(id)) needs.set(id, { id, side, location });
    }
  }
  return [...needs.values()];
}

export interface HelmRenderOptions {
  capabilities?: Capabilities;
  policy?: Policy;
}

type Side =
  | { objects: JsonObject[]; nondeterministic: string[] }
  | { unavailable: string }
  | { failed: HelmReleaseRenderError }
  /** The engine stopped at a bound or failed: what the chart installs is unknown, and not checked. */
  | { stopped: Error };

function renderSide(
  model: RepositoryModel,
  hr: HelmReleaseImpact,
  side: "base" | "head",
  supply: ChartSupply,
  options: HelmRenderOptions,
): Side {
  const node = sideNode(model, hr);
  if (!node) return { unavailable: `the HelmRelease is not in the ${side} revision's model` };
  const location = chartLocation(model, node);
  if (location.type === "unavailable") return { unavailable: location.reason };
  const files = supply.get(needId(side, location));
  if (!files) return { unavailable: "its chart was not fetched" };
  if ("error" in files)
    return files.limit ? { stopped: new EngineLimit(files.error) } : { unavailable: files.error };
  let values: JsonObject;
  let unseen: string | undefined;
  try {
    const effective = effectiveValues(model, node);
    values = effective.values;
    unseen = unseenValues(effective);
  } catch (error) {
    return { stopped: error as Error };
  }
  try {
    const r = renderHelmRelease(
      node,
      values,
      files,
      options.capabilities ? { capabilities: options.capabilities } : {},
    );
    return { objects: r.objects, nondeterministic: r.nondeterministic };
  } catch (error) {
    if (error instanceof HelmReleaseRenderError) {
      // With values this analysis cannot see (Secrets, SOPS, sources outside the repository) standing in as
      // placeholders, a failure may be the placeholders': not an error, said as unknown.
      if (unseen)
        return {
          unavailable: `it does not render with the values this analysis sees (${error.message}), but ${unseen}, so it may render in the cluster`,
        };
      // Rendered with helm template's view of the cluster (no objects, default API versions, Kubernetes
      // v1.34); helm-controller renders with the real one.
      if (error.clusterReads.length > 0)
        return {
          unavailable: `it does not render with helm template's view of the cluster (${error.message}), but it reads the cluster (${error.clusterReads.join(", ")}), so it may render where helm-controller runs it`,
        };
      return { failed: error };
    }
    // Past a bound, or the engine's own failure (a bug): what the chart renders is unknown.
    return { stopped: error instanceof LimitError ? new EngineLimit(error.message) : (error as Error) };
  }
}

/** Why some of a HelmRelease's values are not what the cluster has, or undefined when all are seen. */
function unseenValues(effective: EffectiveValues): string | undefined {
  if (effective.secretPaths.size > 0)
    return "some of its values come from Secrets or SOPS and are placeholders here";
  const missing = effective.sources.find((s) => !s.found || s.opaque || s.error);
  if (missing) return `its values from ${missing.kind} ${missing.name} are not readable here`;
  if (holdsPlaceholder(JSON.stringify(effective.values)))
    return "some of its values are variables this analysis cannot resolve";
  return undefined;
}

/**
 * Renders the changed HelmReleases with the supplied charts and adds what they install to the report:
 * `rendered` on each, the rendered images, findings for templates that fail (and the conclusion again).
 */
export function applyHelmRenders(
  analysis: Analysis,
  supply: ChartSupply,
  options: HelmRenderOptions = {},
): void {
  const { report } = analysis;
  const introduced: Diagnostic[] = [];
  const existing: Diagnostic[] = [];
  const rendered = new Set(candidates(report));
  for (const hr of report.helmReleases) {
    if (!rendered.has(hr)) {
      hr.rendered = {
        status: "unavailable",
        objects: [],
        message: `more than ${MAX_RENDERED_RELEASES} HelmReleases changed, and only the first ${MAX_RENDERED_RELEASES} are rendered`,
      };
      continue;
    }
    const base =
      hr.change === "added"
        ? { objects: [], nondeterministic: [] }
        : renderSide(analysis.base, hr, "base", supply, options);
    const head =
      hr.change === "removed"
        ? { objects: [], nondeterministic: [] }
        : renderSide(analysis.head, hr, "head", supply, options);
    const where = hr.definedIn ? { file: hr.definedIn.file, line: hr.definedIn.line } : {};
    if ("failed" in head) {
      const message = `HelmRelease ${hr.key} does not render: ${head.failed.message}`;
      const d = diagnostic("helm-render-failed", message, { ...where, ref: `HelmRelease/${hr.key}` });
      // A chart that failed the same way at base: the change did not cause it.
      if ("failed" in base && base.failed.message === head.failed.message) existing.push(d);
      else introduced.push(d);
      hr.rendered = { status: "failed", objects: [], message: head.failed.message };
      continue;
    }
    if ("stopped" in head) {
      // Fails closed: a change whose chart this engine cannot check does not pass as if it could.
      const d = analysisFailed(
        `rendering the chart of HelmRelease ${hr.key}`,
        head.stopped,
        { ...where, ref: `HelmRelease/${hr.key}` },
        "what it installs is not checked",
      );
      const before =
        "stopped" in base &&
        analysisFailed("", base.stopped).message === analysisFailed("", head.stopped).message;
      (before ? existing : introduced).push(d);
      hr.rendered = { status: "unavailable", objects: [], message: d.message };
      continue;
    }
    const missing =
      "unavailable" in head
        ? head.unavailable
        : "unavailable" in base
          ? base.unavailable
          : "stopped" in base
            ? analysisFailed("rendering it before this change", base.stopped).message
            : undefined;
    if (missing !== undefined) {
      hr.rendered = { status: "unavailable", objects: [], message: missing };
      introduced.push(
        diagnostic(
          "helm-render-unavailable",
          `What HelmRelease ${hr.key} installs is not shown: ${missing}.`,
          {
            ...where,
            ref: `HelmRelease/${hr.key}`,
          },
        ),
      );
      continue;
    }
    // A chart that failed at base and renders at head: the change fixes it, and installs all it renders.
    const fixed = "failed" in base;
    const b = fixed
      ? { objects: [], nondeterministic: [] }
      : (base as { objects: JsonObject[]; nondeterministic: string[] });
    const h = head as { objects: JsonObject[]; nondeterministic: string[] };
    const { diffs } = diffObjectSets(b.objects, h.objects);
    const nondeterministic = [...new Set([...b.nondeterministic, ...h.nondeterministic])].sort();
    hr.rendered = {
      status: "rendered",
      objects: diffs,
      ...(fixed
        ? { message: `it did not render before this change: ${(base as { failed: Error }).failed.message}` }
        : {}),
      ...(nondeterministic.length ? { nondeterministic } : {}),
    };
    const from = new Set(imagesIn(b.objects as never));
    const to = new Set(imagesIn(h.objects as never));
    hr.images = {
      from: [...from].filter((i) => !to.has(i)).sort(),
      to: [...to].filter((i) => !from.has(i)).sort(),
    };
  }
  if (introduced.length || existing.length) {
    const policy = options.policy;
    report.findings.introduced.push(...(policy ? applyPolicy(introduced, policy) : introduced));
    report.findings.existing.push(...(policy ? applyPolicy(existing, policy) : existing));
    if (policy)
      report.conclusion = policyConclusion(report.findings.introduced, report.findings.existing, policy);
  }
}
