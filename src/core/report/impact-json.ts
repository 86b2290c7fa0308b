/**
 * The impact as stable JSON for scripts and CI (`flux-impact diff --format json`): every list of the
 * report with plain values (absent optionals are `null`, reasons as text), findings flagged introduced
 * or already on the base branch, and the conclusion. Values from Secrets carry their key only — a
 * `from`/`to` is never copied for them even if present. No Markdown, no escaping: consumers own that.
 */
import { compareDiagnostics, type Diagnostic } from "../diagnostics.ts";
import type {
  ChangeKind,
  DisabledService,
  ImpactReport,
  Reason,
  SuspendFlip,
  ValueChange,
} from "../impact/types.ts";
import { type Conclusion, reportConclusion } from "./conclusion.ts";
import { reasonPlain } from "./sections/common.ts";

type TextChange = { from: string | null; to: string | null };

export interface ImpactJson {
  /** The clusters compared (one section each in the comment when there are several). */
  clusters: string[];
  /** Kustomizations whose source is not this repository: what they apply is unknown. */
  notAnalyzed: Array<{ cluster: string; kustomization: string; source: string; reason: string }>;
  kustomizations: Array<{
    cluster: string | null;
    /** Why Flux applies nothing from it at head (its change does not reach the cluster), or null. */
    blocked: string | null;
    namespace: string;
    name: string;
    change: ChangeKind;
    reasons: string[];
    files: string[];
    dependents: string[];
    upstream: string[];
    carrierOnly: boolean;
    specChanges: string[];
    missingDependencies: string[];
    inCycle: boolean;
    suspended: boolean;
    prune: boolean;
    definedIn: { file: string; line: number } | null;
    objects: Array<{ ref: string; change: ChangeKind; added: number; removed: number; diff: string }>;
  }>;
  helmreleases: Array<{
    cluster: string | null;
    blocked: string | null;
    namespace: string;
    name: string;
    change: ChangeKind;
    kustomization: string;
    reasons: string[];
    chart: TextChange | null;
    chartRef: TextChange | null;
    values: ValueChange[];
    images: { from: string[]; to: string[] };
    dependsOnChanged: boolean;
    suspend: { from: boolean; to: boolean } | null;
    dependents: string[];
    upstream: string[];
    missingDependencies: string[];
    inCycle: boolean;
    definedIn: { file: string; line: number } | null;
    /** The chart rendered at base and head: object diffs, or why not (null when charts were not rendered). */
    rendered: {
      status: "rendered" | "unavailable" | "failed";
      message: string | null;
      nondeterministic: string[];
      objects: Array<{ ref: string; change: ChangeKind; added: number; removed: number; diff: string }>;
    } | null;
  }>;
  deletions: Array<{
    cluster: string | null;
    ref: string;
    apiVersion: string;
    kind: string;
    namespace: string;
    name: string;
    kustomization: string;
    action: "deleted" | "orphaned";
    dangerous: boolean;
  }>;
  disabledServices: DisabledService[];
  suspendFlips: SuspendFlip[];
  touchedUnchanged: string[];
  unownedFiles: string[];
  findings: Array<{
    code: string;
    severity: string;
    message: string;
    file: string | null;
    line: number | null;
    cluster: string | null;
    introduced: boolean;
  }>;
  /** Secret findings removed by the base branch's allowlist (counted, never silent). */
  suppressed: number;
  conclusion: Conclusion;
}

/** Human text for a reason, e.g. "reads kubernetes/apps/x/values.yaml (modified)". */
export function reasonText(r: Reason): string {
  return reasonPlain(r);
}

function textChange(c: { from?: string; to?: string } | undefined): TextChange | null {
  return c ? { from: c.from ?? null, to: c.to ?? null } : null;
}

function valueChange(v: ValueChange): ValueChange {
  if (v.secret) return { path: v.path, change: v.change, secret: true };
  const out: ValueChange = { path: v.path, change: v.change, secret: false };
  if (v.from !== undefined) out.from = v.from;
  if (v.to !== undefined) out.to = v.to;
  return out;
}

function finding(d: Diagnostic, introduced: boolean): ImpactJson["findings"][number] {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.file ?? null,
    line: d.line ?? null,
    cluster: d.cluster ?? null,
    introduced,
  };
}

export function impactJson(report: ImpactReport): ImpactJson {
  return {
    clusters: [...(report.clusters ?? [])],
    notAnalyzed: (report.notAnalyzed ?? []).map((n) => ({
      cluster: n.cluster,
      kustomization: n.key,
      source: n.source,
      reason: n.reason,
    })),
    kustomizations: report.kustomizations.map((k) => ({
      cluster: k.cluster ?? null,
      blocked: k.blocked ?? null,
      namespace: k.namespace,
      name: k.name,
      change: k.change,
      reasons: k.reasons.map(reasonText),
      files: [...k.files],
      dependents: [...k.dependents],
      upstream: [...k.upstream],
      carrierOnly: k.carrierOnly,
      specChanges: [...k.specChanges],
      missingDependencies: [...k.missingDependencies],
      inCycle: k.inCycle,
      suspended: k.suspended,
      prune: k.prune,
      definedIn: k.definedIn ? { ...k.definedIn } : null,
      objects: k.objects.map((o) => ({
        ref: o.ref.display,
        change: o.change,
        added: o.added,
        removed: o.removed,
        diff: o.diff,
      })),
    })),
    helmreleases: report.helmReleases.map((h) => ({
      cluster: h.cluster ?? null,
      blocked: h.blocked ?? null,
      namespace: h.namespace,
      name: h.name,
      change: h.change,
      kustomization: h.kustomization,
      reasons: h.reasons.map(reasonText),
      chart: textChange(h.chart),
      chartRef: textChange(h.chartRef),
      values: h.values.map(valueChange),
      images: { from: [...h.images.from], to: [...h.images.to] },
      dependsOnChanged: h.dependsOnChanged,
      suspend: h.suspend ? { ...h.suspend } : null,
      dependents: [...h.dependents],
      upstream: [...h.upstream],
      missingDependencies: [...h.missingDependencies],
      inCycle: h.inCycle,
      definedIn: h.definedIn ? { ...h.definedIn } : null,
      rendered: h.rendered
        ? {
            status: h.rendered.status,
            message: h.rendered.message ?? null,
            nondeterministic: [...(h.rendered.nondeterministic ?? [])],
            objects: h.rendered.objects.map((o) => ({
              ref: o.ref.display,
              change: o.change,
              added: o.added,
              removed: o.removed,
              diff: o.diff,
            })),
          }
        : null,
    })),
    deletions: report.deletions.map((d) => ({
      cluster: d.cluster ?? null,
      ref: d.ref.display,
      apiVersion: d.ref.apiVersion,
      kind: d.ref.kind,
      namespace: d.ref.namespace,
      name: d.ref.name,
      kustomization: d.kustomization,
      action: d.action,
      dangerous: d.dangerous,
    })),
    disabledServices: report.disabledServices.map((s) => ({
      ...s,
      kustomizations: [...s.kustomizations],
      helmReleases: [...s.helmReleases],
      strandedDependents: [...s.strandedDependents],
    })),
    suspendFlips: report.suspendFlips.map((f) => ({ ...f })),
    touchedUnchanged: [...report.touchedUnchanged],
    unownedFiles: [...report.unownedFiles],
    findings: [
      ...[...report.findings.introduced].sort(compareDiagnostics).map((d) => finding(d, true)),
      ...[...report.findings.existing].sort(compareDiagnostics).map((d) => finding(d, false)),
    ],
    suppressed: report.suppressed ?? 0,
    conclusion: reportConclusion(report),
  };
}
