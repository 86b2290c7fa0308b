/**
 * The canonical row strings the flux-local checks compare: one line per Kustomization or HelmRelease,
 * with the columns flux-local prints (see flux-local-checks.ts and flux-local-rows.ts). Pure.
 */

type Json = Record<string, unknown>;

export function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function str(v: unknown): string {
  return typeof v === "string" ? v : v === null || v === undefined ? "" : String(v);
}

export function normalizeRoot(p: string): string {
  return p
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .join("/");
}

export function ksRow(r: { namespace: string; name: string; path: string }, wide?: Json): string {
  const base = `${r.namespace}/${r.name} path=${r.path}`;
  if (!wide) return base;
  return `${base} helmrepos=${str(wide.helmrepos)} ocirepos=${str(wide.ocirepos)} releases=${str(wide.releases)}`;
}

export function hrRow(r: {
  namespace: string;
  name: string;
  revision: string;
  chart: string;
  source: string;
}): string {
  return `${r.namespace}/${r.name} revision=${r.revision} chart=${r.chart} source=${r.source}`;
}

export function ksObjectRow(r: {
  namespace: string;
  name: string;
  path: string;
  sourceKind: string;
  sourceName: string;
}) {
  return `${r.namespace}/${r.name} path=${r.path} source=${r.sourceKind}/${r.sourceName}`;
}

export function hrObjectRow(r: {
  namespace: string;
  name: string;
  owner: string;
  chart: string;
  version: string;
  source: string;
}): string {
  return `${r.namespace}/${r.name} ks=${r.owner} chart=${r.chart} version=${r.version} source=${r.source}`;
}
