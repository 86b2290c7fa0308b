/**
 * analyzeChange(): the impact of a change, from the analyzed base and head revisions and the changed
 * files. Steps:
 *   1. diff every Flux Kustomization (definition, output, reasons); keep those that changed;
 *   2. diff every HelmRelease (chart, chartRef, effective values, images, dependsOn, suspend);
 *   3. dependsOn chains and the affected subgraph (head graph; base graph for removed objects);
 *   4. what Flux will do: deletions/orphans, disabled services, suspend flips;
 *   5. findings in head, introduced vs already on base.
 */
import type { AnalyzedRepository } from "../analyze.ts";
import type { HelmReleaseNode } from "../model.ts";
import { chainsFor, impactGraph } from "./chains.ts";
import { splitFindings } from "./findings.ts";
import { deletions, disabledServices, suspendFlips } from "./flux-actions.ts";
import { findSourceObject } from "./helm-chart-source.ts";
import { diffHelmRelease } from "./helm-release-diff.ts";
import { findRenderedObject } from "./helm-values-source.ts";
import { diffKustomization } from "./kustomization-diff.ts";
import { deepEqual, type StripOptions } from "./object-diff.ts";
import type { ChangedFile, HelmReleaseImpact, ImpactReport, KustomizationImpact } from "./types.ts";

/**
 * Fast path: the HelmRelease object, the ConfigMaps/Secrets it takes values from and its chart source
 * are all identical, so nothing about the release can have changed. Anything not found on both sides
 * (a Secret created in the cluster, a missing source) takes the full comparison.
 */
function helmReleaseInputsEqual(
  base: AnalyzedRepository,
  b: HelmReleaseNode,
  head: AnalyzedRepository,
  h: HelmReleaseNode,
): boolean {
  if (!deepEqual(b.object, h.object)) return false;
  for (const v of h.valuesFrom) {
    const before = findRenderedObject(base, v.kind, b.namespace, v.name);
    const after = findRenderedObject(head, v.kind, h.namespace, v.name);
    if (!before || !after || !deepEqual(before, after)) return false;
  }
  const ref = h.chart?.sourceRef ?? h.chartRef;
  if (ref) {
    const before = findSourceObject(base, ref);
    const after = findSourceObject(head, ref);
    if (!deepEqual(before, after)) return false;
  }
  return true;
}

/** Objects left waiting for a disabled service: drawn in the graph with their broken dependsOn. */
function strandedBy(disabled: ReturnType<typeof disabledServices>): {
  kustomizations: string[];
  helmReleases: string[];
} {
  const all = disabled.flatMap((d) => d.strandedDependents);
  const keys = (kind: string) =>
    all.filter((s) => s.startsWith(`${kind} `)).map((s) => s.slice(kind.length + 1));
  return { kustomizations: keys("Kustomization"), helmReleases: keys("HelmRelease") };
}

export interface ChangeOptions {
  /** Volatile labels/annotations left out of object comparisons (configuration `diff`). */
  strip?: StripOptions;
}

export function analyzeChange(
  base: AnalyzedRepository,
  head: AnalyzedRepository,
  changedFiles: readonly ChangedFile[],
  options: ChangeOptions = {},
): ImpactReport {
  // 1. Kustomizations.
  const baseKs = new Map(base.kustomizations.map((k) => [k.key, k]));
  const headKs = new Map(head.kustomizations.map((k) => [k.key, k]));
  const kustomizations: KustomizationImpact[] = [];
  const touchedUnchanged: string[] = [];
  for (const key of [...new Set([...baseKs.keys(), ...headKs.keys()])].sort()) {
    const delta = diffKustomization(baseKs.get(key), headKs.get(key), changedFiles, options.strip);
    if (!delta.changed) {
      if (delta.touched) touchedUnchanged.push(key);
      continue;
    }
    const { touched: _t, changed: _c, ...rest } = delta;
    const graph = headKs.has(key) ? head.graphs.kustomizations : base.graphs.kustomizations;
    kustomizations.push({ ...rest, ...chainsFor(graph, key) });
  }

  // 2. HelmReleases.
  const baseHr = new Map(base.helmReleases.map((h) => [h.key, h]));
  const headHr = new Map(head.helmReleases.map((h) => [h.key, h]));
  const helmReleases: HelmReleaseImpact[] = [];
  for (const key of [...new Set([...baseHr.keys(), ...headHr.keys()])].sort()) {
    const b = baseHr.get(key);
    const h = headHr.get(key);
    if (b && h && helmReleaseInputsEqual(base, b, head, h)) continue;
    const d = diffHelmRelease(b ? { model: base, hr: b } : undefined, h ? { model: head, hr: h } : undefined);
    if (d.change === "unchanged") continue;
    const node = (h ?? b)!;
    const graph = h ? head.graphs.helmReleases : base.graphs.helmReleases;
    const impact: HelmReleaseImpact = {
      namespace: node.namespace,
      name: node.name,
      key,
      change: d.change,
      kustomization: node.kustomization,
      reasons: d.reasons,
      values: d.values,
      images: d.images,
      dependsOnChanged: d.dependsOnChanged,
      ...chainsFor(graph, key),
    };
    if (d.chart) impact.chart = d.chart;
    if (d.chartRef) impact.chartRef = d.chartRef;
    if (d.suspend) impact.suspend = d.suspend;
    if (node.definedIn) impact.definedIn = node.definedIn;
    helmReleases.push(impact);
  }

  // A HelmRelease whose object changed although its file did not was rendered differently by its parent
  // (post-build variables, parent patches): name that cause, not an edit of the file.
  const changedPaths = new Set(changedFiles.map((c) => c.path));
  const ksByKey = new Map(kustomizations.map((k) => [k.key, k]));
  for (const hr of helmReleases) {
    hr.reasons = hr.reasons.flatMap((r) => {
      if (r.kind !== "definition" || changedPaths.has(r.file)) return [r];
      const parentVars = ksByKey.get(hr.kustomization)?.reasons.find((x) => x.kind === "variables");
      return [parentVars ?? { kind: "parent", parent: hr.kustomization }];
    });
  }

  // 3–5.
  const disabled = disabledServices(changedFiles, base, head);
  for (const service of disabled) {
    for (const k of kustomizations) {
      if (service.kustomizations.includes(k.key)) k.reasons.unshift({ kind: "disabled", file: service.file });
    }
  }
  const owned = new Set<string>();
  for (const k of [...base.kustomizations, ...head.kustomizations])
    for (const f of k.build?.reads ?? []) owned.add(f);
  const reasonFiles = new Set(kustomizations.flatMap((k) => k.files));
  const unownedFiles = changedFiles
    .filter(
      (c) => !owned.has(c.path) && !(c.previousPath && owned.has(c.previousPath)) && !reasonFiles.has(c.path),
    )
    .map((c) => c.path);
  const informational = (d: { code: string }) => d.code !== "flux-entrypoint";
  return {
    changedFiles: [...changedFiles],
    kustomizations,
    helmReleases,
    deletions: deletions(base, head),
    disabledServices: disabled,
    suspendFlips: suspendFlips(base, head),
    touchedUnchanged,
    unownedFiles,
    findings: splitFindings(base.diagnostics.filter(informational), head.diagnostics.filter(informational)),
    graph: impactGraph(
      head,
      {
        kustomizations: kustomizations.filter((k) => k.change !== "removed").map((k) => k.key),
        helmReleases: helmReleases.filter((h) => h.change !== "removed").map((h) => h.key),
      },
      strandedBy(disabled),
    ),
  };
}
