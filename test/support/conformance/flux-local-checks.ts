/**
 * Reads the flux-local corpus expectations (`corpus/flux-local/expected.json`) into comparable checks:
 * every `get ks` / `get ks-new` / `get hr` / `get hr-new` CLI case, plus the `by_cluster_and_root` group
 * expectations that no such case covers (objects seen in build output, `get cluster -o yaml`). Each check
 * carries its query (root, --sources, namespace filter, NAME, -l, -o wide) and its expected rows as
 * canonical strings (see flux-local-rows.ts). Pure.
 */

import { hrRow, isRecord, ksRow, normalizeRoot, str } from "./flux-local-format.ts";
import { groupChecks } from "./flux-local-groups.ts";

export type CheckKind = "ks" | "hr" | "ks-objects" | "hr-objects" | "hr-chart";

export interface FluxLocalCheck {
  id: string;
  command: string;
  kind: CheckKind;
  /** The cluster directory of the corpus (testdata/<cluster>). */
  cluster: string;
  /** --path, repository-relative and normalized. */
  root: string;
  /** --sources as given, or null. */
  sources: string | null;
  /** false for the orchestrator ("-new") commands: paths printed verbatim, OCI Kustomizations kept. */
  legacy: boolean;
  /** Namespace filter; null = all namespaces. */
  namespace: string | null;
  name: string | null;
  labels: Record<string, string> | null;
  wide: boolean;
  expected: string[];
}

export interface SkippedExpectation {
  id: string;
  reason: string;
}

type Json = Record<string, unknown>;

function parseArgv(argv: readonly string[]): {
  name: string | null;
  labels: Record<string, string> | null;
  wide: boolean;
} {
  const withValue = new Set([
    "--path",
    "-n",
    "--namespace",
    "--sources",
    "-l",
    "--label-selector",
    "-o",
    "--output",
  ]);
  let name: string | null = null;
  let labels: Record<string, string> | null = null;
  let wide = false;
  for (let i = 2; i < argv.length; i++) {
    let a = argv[i] ?? "";
    let value: string | undefined;
    if (a.startsWith("--") && a.includes("=")) {
      value = a.slice(a.indexOf("=") + 1);
      a = a.slice(0, a.indexOf("="));
    } else if (withValue.has(a)) {
      value = argv[++i];
    }
    if (a === "-l" || a === "--label-selector") {
      labels = {};
      for (const kv of (value ?? "").split(",").filter(Boolean)) {
        const [k, ...rest] = kv.split("=");
        labels[k ?? ""] = rest.join("=");
      }
    } else if (a === "-o" || a === "--output") wide = value === "wide";
    else if (!a.startsWith("-") && value === undefined) name = a;
  }
  return { name, labels, wide };
}

function caseCheck(c: Json): FluxLocalCheck | undefined {
  const id = str(c.id);
  const argv = Array.isArray(c.argv) ? c.argv.map(str) : [];
  const sub = argv[1] ?? "";
  if (argv[0] !== "get" || !["ks", "ks-new", "hr", "hr-new"].includes(sub)) return undefined;
  const kind: CheckKind = sub.startsWith("ks") ? "ks" : "hr";
  const q = parseArgv(argv);
  const sourcesIdx = argv.findIndex((a) => a === "--sources" || a.startsWith("--sources="));
  const sources =
    sourcesIdx < 0
      ? null
      : argv[sourcesIdx]?.includes("=")
        ? (argv[sourcesIdx] ?? "").slice(10)
        : (argv[sourcesIdx + 1] ?? "");
  const root = normalizeRoot(str(c.root_path));
  const expected =
    kind === "ks"
      ? (Array.isArray(c.kustomizations) ? c.kustomizations : [])
          .filter(isRecord)
          .map((k) =>
            ksRow(
              { namespace: str(k.namespace), name: str(k.name), path: str(k.path) },
              q.wide ? k : undefined,
            ),
          )
      : (Array.isArray(c.helmreleases) ? c.helmreleases : []).filter(isRecord).map((h) =>
          hrRow({
            namespace: str(h.namespace),
            name: str(h.name),
            revision: str(h.revision),
            chart: str(h.chart),
            source: str(h.source),
          }),
        );
  return {
    id,
    command: str(c.command),
    kind,
    cluster: root.split("/")[2] ?? "",
    root,
    sources,
    legacy: !sub.endsWith("-new"),
    namespace: typeof c.namespace_filter === "string" ? c.namespace_filter : null,
    name: q.name,
    labels: q.labels,
    wide: q.wide,
    expected: expected.sort(),
  };
}

export function loadChecks(expected: unknown): { checks: FluxLocalCheck[]; skipped: SkippedExpectation[] } {
  const root = isRecord(expected) ? expected : {};
  const cases = (Array.isArray(root.cases) ? root.cases : []).filter(isRecord).map(caseCheck);
  const checks = cases.filter((c): c is FluxLocalCheck => c !== undefined);
  const skipped: SkippedExpectation[] = [];
  const groupResults = (Array.isArray(root.by_cluster_and_root) ? root.by_cluster_and_root : [])
    .filter(isRecord)
    .map((g) => groupChecks(g, checks));
  for (const r of groupResults) {
    checks.push(...r.checks);
    skipped.push(...r.skipped);
  }
  return { checks, skipped };
}
