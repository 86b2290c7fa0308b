/**
 * Runs every check on one revision: the engine's own diagnostics (refined), the rules of the registry
 * that apply to the mode, and the secret scan over the revision's raw files; then the policy.
 */
import { type Diagnostic, dedupeDiagnostics } from "../diagnostics.ts";
import type { ImpactReport } from "../impact/types.ts";
import { parseSopsConfig, type SecretScanInput, scanSecrets } from "../secrets/scan.ts";
import { applyPolicy, type Policy } from "./policy.ts";
import { RULES } from "./registry.ts";
import { refineDiagnostics } from "./rules/refine.ts";
import type { CheckContext } from "./types.ts";

export interface CheckOptions {
  policy: Policy;
  /** Secret-rule allowlist (from the base branch configuration). */
  allowlist?: SecretScanInput["allowlist"];
  /** `.sops.yaml` text from the base branch (defaults to this revision's own). */
  sopsConfigText?: string | undefined;
  /** For S9 regressions: the base revision's bytes of a path. */
  baseFile?: (path: string) => Uint8Array | undefined;
  /**
   * Changed files the snapshot lacks but the platform gave separately (a `.gitattributes export-ignore`
   * keeps a file out of GitHub's tarball, not out of the commit): the secret rules scan them too.
   */
  extraFiles?: ReadonlyArray<{ path: string; bytes: Uint8Array }>;
}

export interface CheckResult {
  findings: Diagnostic[];
  /** Findings removed by the secret allowlist or inline pragmas (counted, never silent). */
  suppressed: number;
}

export function runChecks(ctx: CheckContext, options: CheckOptions): CheckResult {
  const engine = refineDiagnostics(
    ctx.model.diagnostics.filter((d) => d.code !== "flux-entrypoint"),
    ctx.snapshot,
  );
  const active = RULES.filter((r) => r.when === "always" || r.when === ctx.mode);
  const rules = clusterViews(ctx).flatMap(({ view, name }) =>
    active
      .filter((r) => (name === undefined ? true : PER_CLUSTER.has(r.name)))
      .flatMap((r) => r.run(view))
      .map((d) => (name ? { ...d, cluster: name } : d)),
  );
  if (ctx.model.clusters.length > 1)
    rules.push(...active.filter((r) => !PER_CLUSTER.has(r.name)).flatMap((r) => r.run(ctx)));
  const sopsText = options.sopsConfigText ?? readText(ctx, ".sops.yaml");
  const secrets = scanSecrets({
    files: [
      ...ctx.snapshot.files().map((path) => ({ path, bytes: ctx.snapshot.read(path)! })),
      ...(options.extraFiles ?? []).filter((f) => ctx.snapshot.read(f.path) === undefined),
    ],
    ...(sopsText ? { sopsRules: parseSopsConfig(sopsText) } : {}),
    ...(options.baseFile ? { baseFile: options.baseFile } : {}),
    ...(options.allowlist ? { allowlist: options.allowlist } : {}),
  });
  const findings = applyPolicy(dedupeDiagnostics([...engine, ...rules, ...secrets.findings]), options.policy);
  return { findings, suppressed: secrets.suppressed };
}

function readText(ctx: CheckContext, path: string): string | undefined {
  const t = ctx.snapshot.readText(path);
  return t.ok ? t.text : undefined;
}

/**
 * Rules that read one cluster's objects and graph (a name means the same object only within a cluster):
 * with several clusters they run once per cluster. The others read the repository (files nothing
 * applies in any cluster, the archive, YAML) and run once.
 */
const PER_CLUSTER = new Set([
  "flux-api-versions",
  "flux-path-missing",
  "flux-source-refs",
  "flux-object-conflicts",
  "danger-deletions",
  "danger-disabled-depended",
  "danger-suspend",
  "danger-immutable",
]);

function clusterViews(ctx: CheckContext): Array<{ view: CheckContext; name?: string }> {
  const clusters = ctx.model.clusters;
  if (clusters.length <= 1) return [{ view: ctx }];
  return clusters.map((c) => {
    const model = { ...c, clusters: [c] };
    const view: CheckContext = { ...ctx, model };
    if (ctx.change) {
      const b = ctx.change.base.clusters.find((x) => x.name === c.name);
      const base = b
        ? { ...b, clusters: [b] }
        : { ...model, kustomizations: [], helmReleases: [], sources: [] };
      view.change = { base, impact: impactOfCluster(ctx.change.impact, c.name) };
    }
    return { view, name: c.name };
  });
}

function impactOfCluster(r: ImpactReport, name: string): ImpactReport {
  return {
    ...r,
    kustomizations: r.kustomizations.filter((k) => k.cluster === name),
    helmReleases: r.helmReleases.filter((h) => h.cluster === name),
    deletions: r.deletions.filter((d) => d.cluster === name),
    suspendFlips: r.suspendFlips.filter((f) => f.cluster === name),
  };
}
