/**
 * Problems found in a user's repository are data, never exceptions.
 *
 * Every problem the engine can report has a stable `code` listed in DIAGNOSTIC_CODES together with its
 * default severity and a one-line description (used for docs and for the check-run legend). Layers add
 * diagnostics to a `DiagnosticSink` and carry on; the caller decides what fails a run.
 */

export type Severity = "error" | "warning" | "notice";

export const DIAGNOSTIC_CODES = {
  // Reading files
  "file-not-utf8": ["error", "A file that must be parsed is binary or not valid UTF-8."],
  "file-too-large": ["error", "A file exceeds the per-file size limit and was not parsed."],
  "path-escapes-root": ["error", "A path reference leaves the repository root."],
  "path-is-symlink": ["error", "A referenced path is a symlink; Flux artifacts contain no symlinks."],
  "content-unavailable": [
    "error",
    "A file is a Git LFS pointer or lies in a submodule, so its content is missing.",
  ],
  "archive-entry-skipped": [
    "warning",
    "An entry of the repository archive was left out (hard link, device, unsafe or duplicate name); never read.",
  ],
  "archive-export-rules": [
    "warning",
    ".gitattributes export rules changed; GitHub's archive may leave files out of what is analyzed.",
  ],
  // YAML
  "yaml-syntax": ["error", "YAML that does not parse."],
  "yaml-duplicate-key": ["error", "A mapping repeats a key."],
  "yaml-alias-limit": ["error", "A document expands too many aliases (possible billion-laughs input)."],
  "yaml-too-deep": ["error", "A document nests deeper than the limit."],
  "yaml-too-many-documents": ["error", "A file holds more YAML documents than the limit."],
  "yaml-unknown-tag": ["warning", "A YAML tag the engine does not know; the value is read as a string."],
  "yaml-not-object": ["error", "A document in a Kubernetes manifest is not a mapping."],
  "yaml-ambiguous-value": [
    "notice",
    "A value kustomize and Flux's post-build read differently (yes/no/on/off), or a `<<` merge key.",
  ],
  // kustomize
  "kustomize-invalid-resource": ["error", "A manifest lacks kind, apiVersion or metadata.name."],
  "kustomize-missing-path": ["error", "A file or directory named by a kustomization does not exist."],
  "kustomize-missing-kustomization": [
    "error",
    "A directory used as a kustomization root has no kustomization file.",
  ],
  "kustomize-multiple-kustomization-files": ["error", "A directory holds more than one kustomization file."],
  "kustomize-invalid-kustomization": ["error", "A kustomization file does not match kustomize's schema."],
  "kustomize-unknown-field": [
    "warning",
    "A kustomization field Flux ignores (kubectl kustomize would reject it).",
  ],
  "kustomize-remote-resource": [
    "warning",
    "A remote resource (URL or git repository) that is never fetched or rendered.",
  ],
  "kustomize-plugin-not-rendered": [
    "warning",
    "A builtin kustomize plugin in transformers or generators that the engine does not render; what the build applies is unknown.",
  ],
  "kustomize-duplicate-resource": ["error", "Two resources with the same id in one build."],
  "kustomize-resource-cycle": ["error", "A kustomization includes itself, directly or through others."],
  "kustomize-component-kind": [
    "error",
    "A component that is not kind Component, or a Component used as a resource.",
  ],
  "kustomize-patch-no-match": ["error", "A strategic-merge patch without target matches no resource."],
  "kustomize-patch-invalid": ["error", "A patch that cannot be parsed or applied."],
  "kustomize-generator-error": ["error", "A configMapGenerator or secretGenerator that cannot be built."],
  "kustomize-unsupported": [
    "error",
    "A kustomize feature Flux refuses (Helm inflation, exec plugins) or the engine does not render.",
  ],
  "kustomize-name-reference": ["error", "A name reference with several possible targets."],
  "kustomize-id-conflict": ["error", "A transformation produces two resources with the same id."],
  "kustomize-transform-error": [
    "error",
    "A builtin transformer (labels, images, replicas, namespace …) cannot be applied.",
  ],
  "kustomize-budget-exceeded": [
    "error",
    "The render budget (nesting, expansions, resources or bytes) was exceeded; the build's result is unknown.",
  ],
  // Flux
  "flux-invalid-object": ["error", "A Flux object whose spec does not match its schema."],
  "flux-deprecated-field": ["warning", "A field that current Flux versions ignore."],
  "flux-path-not-found": [
    "error",
    "A Flux Kustomization spec.path, or a cluster path given by --cluster-path or the configuration, that does not exist in the source.",
  ],
  "flux-source-not-found": ["error", "A sourceRef to a source that no build defines."],
  "helm-render-failed": [
    "error",
    "A HelmRelease's chart does not render with its values (required, fail, schema, or a template error).",
  ],
  "helm-chart-version-not-bumped": [
    "warning",
    "A HelmRelease's chart folder changed without a new Chart.yaml version: Flux builds no new chart (reconcileStrategy ChartVersion).",
  ],
  "helm-render-unavailable": [
    "notice",
    "What a changed HelmRelease installs is not shown: its chart could not be fetched or rendered here.",
  ],
  "flux-source-external": [
    "notice",
    "A Kustomization whose source is not this repository is not analyzed (named, never built from this tree).",
  ],
  "flux-substitution-error": [
    "error",
    "postBuild substitution fails (syntax, bad variable name, or a variable that is not set).",
  ],
  "postbuild-output-limit": [
    "error",
    "Post-build substitution output exceeds the per-object or per-build limit; the build's result is unknown.",
  ],
  "flux-substitute-from-missing": [
    "warning",
    "postBuild.substituteFrom names a ConfigMap or Secret the repository does not define (it must exist in the cluster).",
  ],
  "flux-substitution-unknown": [
    "notice",
    "A substituted value comes from a Secret or cluster object whose value is unknown offline.",
  ],
  "flux-duplicate-object": [
    "warning",
    "Two builds produce the same Flux object (Flux applies both; ownership flips and pruning in one deletes it).",
  ],
  "flux-missing-namespace": [
    "error",
    "A namespaced object ends up with no namespace (Flux rejects it at apply).",
  ],
  "flux-entrypoint": ["notice", "How the cluster entrypoint was chosen."],
  "flux-entrypoint-not-found": ["error", "No Flux Kustomization could be found to start discovery from."],
  "flux-entrypoint-fallback": [
    "warning",
    "No declared entrypoint: discovery started from the Kustomizations nothing references (a guess; pin clusterPaths).",
  ],
  "flux-entrypoint-assumption": ["notice", "An assumption made to find a cluster's entrypoint."],
  "flux-source-assumed": [
    "notice",
    "A Kustomization's GitRepository is not defined in the repository; it is read from this repository.",
  ],
  // Graph
  "graph-depends-on-missing": ["error", "dependsOn names an object that does not exist; Flux waits forever."],
  "graph-depends-on-cycle": ["error", "dependsOn forms a cycle; every member waits forever."],
  "graph-values-from-missing": [
    "error",
    "HelmRelease valuesFrom names a ConfigMap or Secret that no build defines.",
  ],
  // Flux validation (checks)
  "flux-api-removed": ["error", "A Flux object uses an API version current Flux no longer serves."],
  "flux-unknown-kind": ["error", "An object in a Flux API group with a kind Flux does not have."],
  "flux-path-missing": ["warning", "A Flux Kustomization without spec.path builds the whole source root."],
  "flux-object-conflict": [
    "warning",
    "Two Flux Kustomizations apply the same object; they fight over it (Flux does not fail, pruning in one deletes it).",
  ],
  "kustomize-disabled-still-listed": [
    "error",
    "A manifest renamed to .dis is still listed by a kustomization.yaml; the parent build fails.",
  ],
  // Secrets (rules S1–S12 of the reliability bar)
  "secret-github-token": [
    "error",
    "A GitHub token (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_) is committed (S1–S5).",
  ],
  "secret-private-key": ["error", "A private key (PEM, OpenSSH, PGP, PuTTY) is committed (S6)."],
  "secret-age-key": ["error", "An age secret key is committed (S7)."],
  "secret-unencrypted-secret": ["error", "A Kubernetes Secret with data and no SOPS encryption (S8)."],
  "secret-sops-unencrypted": [
    "error",
    "A file SOPS should encrypt holds plaintext values or lost its sops metadata (S9).",
  ],
  "secret-runbook-file": ["error", "github-deploy.key or github-push-token.txt is committed (S10)."],
  "secret-sops-regex-unsupported": [
    "notice",
    "A SOPS encrypted_regex/unencrypted_regex RE2 does not accept; the plaintext check it drives is skipped (S9).",
  ],
  "secret-cloud-credential": [
    "error",
    "An AWS access key pair, or a password written inside a URL, is committed.",
  ],
  "secret-suspicious-file": ["warning", "A file whose name suggests a key or credential (S11)."],
  "secret-high-entropy": ["warning", "A password/token/secret-like key with a high-entropy value (S12)."],
  // Danger (what a change does to the cluster)
  "danger-prune-deletes": ["warning", "The change makes Flux delete resources (prune)."],
  "danger-disable-depended": [
    "warning",
    "A disabled service is still depended on; its dependents wait forever.",
  ],
  "danger-suspend-flip": ["warning", "spec.suspend changes; resuming applies everything that accumulated."],
  "danger-suspended-change": [
    "warning",
    "A change under a suspended object will not roll out until it is resumed.",
  ],
  "danger-immutable-field": [
    "warning",
    "A change to an immutable field; the apply will fail until the object is recreated.",
  ],
  // Repository health (default branch)
  "health-orphan-app": [
    "notice",
    "A Flux Kustomization file that no kustomization lists; Flux never applies it.",
  ],
  "health-disabled-service": ["notice", "A service disabled by a .dis rename."],
  "health-image-automation-unused": [
    "notice",
    "Image automation controllers are installed but no ImageUpdateAutomation exists.",
  ],
  "health-helmrepository-unused": ["notice", "A HelmRepository no HelmRelease uses."],
  // The live cluster (`flux-impact diff --cluster`)
  "cluster-dry-run-rejected": [
    "error",
    "The cluster refused a changed object in a server-side apply dry run (schema, admission policy, immutable field).",
  ],
  "cluster-kind-unknown": ["error", "The cluster serves no API for a changed object's apiVersion and kind."],
  "cluster-drift": [
    "warning",
    "The live object differs from what the base revision renders: the cluster drifted from Git.",
  ],
  // The engine itself
  "analysis-failed": [
    "error",
    "The engine could not analyze an object or file; what it would change is unknown.",
  ],
  // Configuration
  "config-invalid": ["warning", "The .github/flux-impact.yml configuration is invalid; defaults are used."],
} as const satisfies Record<string, readonly [Severity, string]>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** Repository-relative path of the file the problem is in, when there is one. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column in `file`. */
  column?: number;
  /** The Flux object the problem belongs to, as "Kind namespace/name". */
  ref?: string;
  /** The cluster(s) the problem was found in, when the repository has several ("main, test"). */
  cluster?: string;
}

export interface DiagnosticInit {
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
  ref?: string | undefined;
  severity?: Severity | undefined;
}

export function diagnostic(code: DiagnosticCode, message: string, init: DiagnosticInit = {}): Diagnostic {
  const d: Diagnostic = { code, severity: init.severity ?? DIAGNOSTIC_CODES[code][0], message };
  if (init.file !== undefined) d.file = init.file;
  if (init.line !== undefined) d.line = init.line;
  if (init.column !== undefined) d.column = init.column;
  if (init.ref !== undefined) d.ref = init.ref;
  return d;
}

/**
 * The name of a thrown value, safe to show: an Error's class name ("RangeError", "TypeError"), never its
 * message (which may quote repository content).
 */
export function errorName(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  return /^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(name) ? name : "Error";
}

/**
 * Thrown where the engine stops at one of its own bounds (not Flux's): the message is the engine's own
 * words, never repository content, and is shown by analysisFailed.
 */
export class EngineLimit extends Error {
  override name = "EngineLimit";
}

/**
 * An exception the engine threw on repository content, as a finding: "The engine failed (RangeError)
 * while rendering Kustomization flux-system/apps; what it applies is unknown." `doing` and `unknown` are
 * the caller's own words; nothing of the exception but its class name is shown (an EngineLimit's message
 * is the engine's own and is).
 */
export function analysisFailed(
  doing: string,
  error: unknown,
  init: DiagnosticInit = {},
  unknown = "its changes are unknown",
): Diagnostic {
  const what =
    error instanceof EngineLimit
      ? `stopped at one of its limits (${error.message})`
      : `failed (${errorName(error)})`;
  return diagnostic("analysis-failed", `The engine ${what} while ${doing}; ${unknown}.`, init);
}

/** Identity used to drop repeated reports of the same problem (a file read by several builds). */
export function diagnosticKey(d: Diagnostic): string {
  return `${d.code}\u0000${d.file ?? ""}\u0000${d.line ?? ""}\u0000${d.ref ?? ""}\u0000${d.message}`;
}

/** The first report of each problem; one found in several clusters names them all ("main, test"). */
export function dedupeDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Map<string, Diagnostic>();
  const out: Diagnostic[] = [];
  for (const d of list) {
    const key = diagnosticKey(d);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, d);
      out.push(d);
      continue;
    }
    const names = first.cluster?.split(", ") ?? [];
    const more = (d.cluster?.split(", ") ?? []).filter((n) => !names.includes(n));
    if (first.cluster !== undefined && more.length > 0) {
      const merged = { ...first, cluster: [...names, ...more].join(", ") };
      out[out.indexOf(first)] = merged;
      seen.set(key, merged);
    }
  }
  return out;
}

/** How many findings of each severity. */
export function severityCounts(findings: readonly Diagnostic[]): Record<Severity, number> {
  const counts = { error: 0, warning: 0, notice: 0 };
  for (const d of findings) counts[d.severity]++;
  return counts;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

/** Stable order for reports: severity, then file, then line, then code. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    cmp(a.file ?? "", b.file ?? "") ||
    (a.line ?? 0) - (b.line ?? 0) ||
    cmp(a.code, b.code) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
