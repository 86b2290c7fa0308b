/**
 * Presentations of the repository model for `flux-impact graph`: a stable JSON shape (for scripts), a
 * readable tree (for people), and a Mermaid diagram (for Markdown). Pure functions of the model.
 */
import { compareDiagnostics, type Diagnostic } from "../diagnostics.ts";
import type { FluxRuntime, RepositoryModel } from "../model.ts";

export interface GraphJson {
  /** Every cluster: its name, the Flux version it runs (null when not pinned) and why substitution is strict or not. */
  clusters: Array<{ name: string; fluxVersion: string | null; strictSubstitution: boolean; reason: string }>;
  entrypoints: Array<{
    cluster: string;
    rule: string;
    path: string;
    kustomization: string;
    file: string | null;
  }>;
  kustomizations: Array<{
    cluster: string;
    namespace: string;
    name: string;
    path: string;
    sourceRef: { kind: string; name: string; namespace: string };
    dependsOn: string[];
    parent: string | null;
    suspend: boolean;
    prune: boolean;
    status: string;
    /** For status "external": the source it builds from; its contents are not analyzed. */
    source: string | null;
    file: string | null;
    line: number | null;
  }>;
  helmreleases: Array<{
    cluster: string;
    namespace: string;
    name: string;
    kustomization: string;
    chart: {
      name: string;
      version: string | null;
      sourceRef: { kind: string; name: string; namespace: string };
    } | null;
    chartRef: { kind: string; name: string; namespace: string } | null;
    dependsOn: string[];
    file: string | null;
    line: number | null;
  }>;
  diagnostics: Array<{
    code: string;
    severity: string;
    message: string;
    file: string | null;
    line: number | null;
    cluster: string | null;
  }>;
}

export function graphJson(
  model: RepositoryModel & { clusters?: ReadonlyArray<{ name: string; flux: FluxRuntime }> },
): GraphJson {
  return {
    clusters: (model.clusters ?? []).map((c) => ({
      name: c.name,
      fluxVersion: c.flux.version ?? null,
      strictSubstitution: c.flux.strictSubstitution,
      reason: c.flux.reason,
    })),
    entrypoints: model.entrypoints.map((e) => ({
      cluster: e.cluster,
      rule: e.rule,
      path: e.path,
      kustomization: e.kustomization,
      file: e.file ?? null,
    })),
    kustomizations: model.kustomizations.map((k) => ({
      cluster: k.cluster,
      namespace: k.namespace,
      name: k.name,
      path: k.build?.dir ?? normalizeSpecPath(k.spec.path),
      sourceRef: { ...k.spec.sourceRef },
      dependsOn: k.spec.dependsOn.map((d) => `${d.namespace}/${d.name}`),
      parent: k.parent,
      suspend: k.spec.suspend,
      prune: k.spec.prune,
      status: k.status,
      source: k.source ?? null,
      file: k.definedIn?.file ?? null,
      line: k.definedIn?.line ?? null,
    })),
    helmreleases: model.helmReleases.map((h) => ({
      cluster: h.cluster,
      namespace: h.namespace,
      name: h.name,
      kustomization: h.kustomization,
      chart: h.chart
        ? { name: h.chart.name, version: h.chart.version ?? null, sourceRef: { ...h.chart.sourceRef } }
        : null,
      chartRef: h.chartRef ? { ...h.chartRef } : null,
      dependsOn: h.dependsOn.map((d) => `${d.namespace}/${d.name}`),
      file: h.definedIn?.file ?? null,
      line: h.definedIn?.line ?? null,
    })),
    diagnostics: sortedDiagnostics(model.diagnostics).map((d) => ({
      code: d.code,
      severity: d.severity,
      message: d.message,
      file: d.file ?? null,
      line: d.line ?? null,
      cluster: d.cluster ?? null,
    })),
  };
}

function normalizeSpecPath(p: string): string {
  return p
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .join("/");
}

function sortedDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(compareDiagnostics);
}

/**
 * An indented tree: entrypoints, then each Kustomization under its parent with its HelmReleases; one
 * section per cluster when the repository has several.
 */
export function graphText(
  model: RepositoryModel & {
    clusters?: ReadonlyArray<RepositoryModel & { name: string; flux: FluxRuntime }>;
  },
): string {
  const clusters = model.clusters ?? [];
  if (clusters.length <= 1) {
    const flux = clusters[0] ? `Flux: ${clusters[0].flux.reason}.\n` : "";
    return `${flux}${clusterText(model)}`;
  }
  const parts = clusters.map(
    (c) => `== Cluster ${c.name} ==\nFlux: ${c.flux.reason}.\n${clusterText({ ...c, diagnostics: [] })}`,
  );
  const diags = sortedDiagnostics(model.diagnostics).filter((d) => d.code !== "flux-entrypoint");
  const tail = diags.length
    ? `\nDiagnostics:\n${diags.map((d) => `  ${d.severity.padEnd(7)} ${d.code}${d.file ? ` ${d.file}${d.line ? `:${d.line}` : ""}` : ""}${d.cluster ? ` [${d.cluster}]` : ""}: ${d.message}`).join("\n")}\n`
    : "";
  return `${parts.join("\n")}${tail}`;
}

function clusterText(model: RepositoryModel): string {
  const lines: string[] = [];
  const children = new Map<string | null, string[]>();
  for (const k of model.kustomizations) {
    const list = children.get(k.parent) ?? [];
    list.push(k.key);
    children.set(k.parent, list);
  }
  const byKey = new Map(model.kustomizations.map((k) => [k.key, k]));
  const hrsByKs = new Map<string, string[]>();
  for (const h of model.helmReleases) {
    const chart = h.chart
      ? `${h.chart.name}${h.chart.version ? `@${h.chart.version}` : ""} from ${h.chart.sourceRef.kind} ${h.chart.sourceRef.name}`
      : h.chartRef
        ? `${h.chartRef.kind} ${h.chartRef.namespace}/${h.chartRef.name}`
        : "no chart";
    const deps = h.dependsOn.length
      ? ` ← waits for ${h.dependsOn.map((d) => `${d.namespace}/${d.name}`).join(", ")}`
      : "";
    const list = hrsByKs.get(h.kustomization) ?? [];
    list.push(`HelmRelease ${h.key} (${chart})${deps}`);
    hrsByKs.set(h.kustomization, list);
  }
  for (const e of model.entrypoints)
    lines.push(
      `Entrypoint ${e.kustomization} → ${e.path || "."} (rule: ${e.rule}${e.file ? `, ${e.file}` : ""})`,
    );
  lines.push("");
  const visit = (key: string, depth: number) => {
    const k = byKey.get(key)!;
    const pad = "  ".repeat(depth);
    const flags = [
      k.status === "external" ? `not analyzed: ${k.source}` : k.status !== "rendered" ? k.status : "",
      k.spec.prune ? "" : "prune: false",
    ].filter(Boolean);
    const deps = k.spec.dependsOn.length
      ? ` ← waits for ${k.spec.dependsOn.map((d) => `${d.namespace}/${d.name}`).join(", ")}`
      : "";
    const objects = k.build ? `, ${k.build.objects.length} objects` : "";
    lines.push(
      `${pad}Kustomization ${k.key} (${k.build?.dir ?? k.spec.path}${objects})${flags.length ? ` [${flags.join(", ")}]` : ""}${deps}`,
    );
    for (const hr of hrsByKs.get(key) ?? []) lines.push(`${pad}  ${hr}`);
    for (const child of children.get(key) ?? []) visit(child, depth + 1);
  };
  for (const root of children.get(null) ?? []) visit(root, 0);
  const counts = `${model.kustomizations.length} Kustomizations, ${model.helmReleases.length} HelmReleases, ${model.sources.length} sources`;
  lines.push("", counts);
  const diags = sortedDiagnostics(model.diagnostics).filter((d) => d.code !== "flux-entrypoint");
  if (diags.length > 0) {
    lines.push("", "Diagnostics:");
    for (const d of diags) {
      const where = d.file ? ` ${d.file}${d.line ? `:${d.line}` : ""}` : "";
      lines.push(`  ${d.severity.padEnd(7)} ${d.code}${where}: ${d.message}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** A Mermaid flowchart: solid arrows for dependsOn (dependent → dependency), dotted for "renders". */
export function graphMermaid(model: RepositoryModel): string {
  // With several clusters, a name means an object only within its cluster: ids and labels carry it.
  const several = new Set(model.kustomizations.map((k) => k.cluster)).size > 1;
  const scoped = (cluster: string, key: string) => (several ? `${cluster}/${key}` : key);
  const id = (kind: string, cluster: string, key: string) =>
    `${kind}_${scoped(cluster, key).replace(/[^A-Za-z0-9_]/g, "_")}`;
  const label = (s: string) => s.replace(/"/g, "#quot;");
  const lines = ["flowchart LR"];
  for (const k of model.kustomizations)
    lines.push(`  ${id("ks", k.cluster, k.key)}["Kustomization<br/>${label(scoped(k.cluster, k.key))}"]`);
  for (const h of model.helmReleases)
    lines.push(`  ${id("hr", h.cluster, h.key)}(["HelmRelease<br/>${label(scoped(h.cluster, h.key))}"])`);
  for (const k of model.kustomizations) {
    if (k.parent) lines.push(`  ${id("ks", k.cluster, k.parent)} -.-> ${id("ks", k.cluster, k.key)}`);
    for (const d of k.spec.dependsOn)
      lines.push(`  ${id("ks", k.cluster, k.key)} --> ${id("ks", k.cluster, `${d.namespace}/${d.name}`)}`);
  }
  for (const h of model.helmReleases) {
    lines.push(`  ${id("ks", h.cluster, h.kustomization)} -.-> ${id("hr", h.cluster, h.key)}`);
    for (const d of h.dependsOn)
      lines.push(`  ${id("hr", h.cluster, h.key)} --> ${id("hr", h.cluster, `${d.namespace}/${d.name}`)}`);
  }
  return `${lines.join("\n")}\n`;
}
