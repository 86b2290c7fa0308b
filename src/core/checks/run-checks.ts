/**
 * Runs every check on one revision: the engine's own diagnostics (refined), the rules of the registry
 * that apply to the mode, and the secret scan over the revision's raw files; then the policy.
 */
import { type Diagnostic, dedupeDiagnostics } from "../diagnostics.ts";
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
  const rules = RULES.filter((r) => r.when === "always" || r.when === ctx.mode).flatMap((r) => r.run(ctx));
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
