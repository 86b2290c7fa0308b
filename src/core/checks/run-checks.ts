/**
 * Runs every check on one revision: the engine's own diagnostics (refined), the rules of the registry
 * that apply to the mode, and the secret scan over the revision's raw files; then the policy.
 */
import { analysisFailed, type Diagnostic, dedupeDiagnostics } from "../diagnostics.ts";
import type { ImpactReport } from "../impact/types.ts";
import {
  parseSopsConfig,
  type SecretScanInput,
  type SecretScanResult,
  scanSecrets,
} from "../secrets/scan.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { applyPolicy, type Policy } from "./policy.ts";
import { RULES } from "./registry.ts";
import { refineDiagnostics } from "./rules/refine.ts";
import type { CheckContext, Rule } from "./types.ts";

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
  /**
   * The secret scan of this revision, when the caller ran it already (scanRevisionSecrets, before and
   * independently of rendering); otherwise it runs here.
   */
  secrets?: SecretScanResult;
}

export interface CheckResult {
  findings: Diagnostic[];
  /** Findings removed by the secret allowlist or inline pragmas (counted, never silent). */
  suppressed: number;
}

export function runChecks(ctx: CheckContext, options: CheckOptions): CheckResult {
  const failures: Diagnostic[] = [];
  /** One rule that throws costs only its own findings, reported as unknown. */
  const run = (rule: Rule, view: CheckContext): Diagnostic[] => {
    try {
      return rule.run(view);
    } catch (error) {
      failures.push(
        analysisFailed(`running the check "${rule.name}"`, error, {}, "what it would report is unknown"),
      );
      return [];
    }
  };
  const modelDiagnostics = ctx.model.diagnostics.filter((d) => d.code !== "flux-entrypoint");
  let engine: Diagnostic[];
  try {
    engine = refineDiagnostics(modelDiagnostics, ctx.snapshot);
  } catch (error) {
    failures.push(analysisFailed("refining the engine's findings", error, {}, "they are shown unrefined"));
    engine = modelDiagnostics;
  }
  const active = RULES.filter((r) => r.when === "always" || r.when === ctx.mode);
  let views: Array<{ view: CheckContext; name?: string }>;
  try {
    views = clusterViews(ctx);
  } catch (error) {
    failures.push(analysisFailed("splitting the checks by cluster", error, {}, "the checks ran once"));
    views = [{ view: ctx }];
  }
  const rules = views.flatMap(({ view, name }) =>
    active
      .filter((r) => (name === undefined ? true : PER_CLUSTER.has(r.name)))
      .flatMap((r) => run(r, view))
      .map((d) => (name ? { ...d, cluster: name } : d)),
  );
  if (ctx.model.clusters.length > 1 && views.length > 1)
    rules.push(...active.filter((r) => !PER_CLUSTER.has(r.name)).flatMap((r) => run(r, ctx)));
  const secrets = options.secrets ?? scanRevisionSecrets(ctx.snapshot, options);
  const findings = applyPolicy(
    dedupeDiagnostics([...engine, ...rules, ...failures, ...secrets.findings]),
    options.policy,
  );
  return { findings, suppressed: secrets.suppressed };
}

/**
 * The secret scan of one revision's files (and the changed files its archive lacks). It reads raw files
 * only, never the model, so it runs — and its findings stand — whatever the rendering does.
 */
export function scanRevisionSecrets(
  snapshot: RepoSnapshot,
  options: Pick<CheckOptions, "allowlist" | "sopsConfigText" | "baseFile" | "extraFiles"> & {
    previous?: SecretScanInput["previous"];
  },
): SecretScanResult {
  let sopsText = options.sopsConfigText;
  if (sopsText === undefined) {
    const t = snapshot.readText(".sops.yaml");
    sopsText = t.ok ? t.text : undefined;
  }
  let sopsRules: SecretScanInput["sopsRules"];
  try {
    sopsRules = sopsText ? parseSopsConfig(sopsText) : undefined;
  } catch {
    sopsRules = undefined;
  }
  return scanSecrets({
    files: [
      ...snapshot.files().map((path) => ({ path, bytes: snapshot.read(path)! })),
      ...(options.extraFiles ?? []).filter((f) => snapshot.read(f.path) === undefined),
    ],
    ...(sopsRules ? { sopsRules } : {}),
    ...(options.baseFile ? { baseFile: options.baseFile } : {}),
    ...(options.allowlist ? { allowlist: options.allowlist } : {}),
    ...(options.previous ? { previous: options.previous } : {}),
  });
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
