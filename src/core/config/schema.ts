/**
 * The per-repository configuration `.github/flux-impact.yml` as a zod schema: every field is optional in
 * the file, carries its default (`.default()`) and a description (`.describe()`, also the JSON Schema's).
 *
 * This module only declares the shape and the defaults. Reading a file and turning invalid input into
 * readable per-field issues (with per-field fallback to the defaults) is `parse-config.ts`.
 */
import * as z from "zod";
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "../diagnostics.ts";

const CODES = Object.keys(DIAGNOSTIC_CODES) as [DiagnosticCode, ...DiagnosticCode[]];
const SECRET_CODES = CODES.filter((c) => c.startsWith("secret-")) as [DiagnosticCode, ...DiagnosticCode[]];

/**
 * Committed-credential rules (S1–S10) that no configuration can switch off or downgrade, and that inline
 * pragmas never silence; only a `secrets.allowlist` entry read from the base branch can.
 */
export const LOCKED_SECRET_CODES: readonly DiagnosticCode[] = [
  "secret-github-token",
  "secret-private-key",
  "secret-age-key",
  "secret-unencrypted-secret",
  "secret-sops-unencrypted",
  "secret-runbook-file",
  "secret-cloud-credential",
];

/**
 * The engine's own limits: content it could not analyze (a crash on the input, output or budgets over
 * their limits). What it would change is unknown, so no configuration may let it pass the check.
 */
export const LOCKED_LIMIT_CODES: readonly DiagnosticCode[] = [
  "analysis-failed",
  "postbuild-output-limit",
  "kustomize-budget-exceeded",
];

/** Codes no `rules` entry or `ignore` pattern changes. Mirrors the LOCKED set of `checks/policy.ts`. */
export const LOCKED_RULE_CODES: readonly DiagnosticCode[] = [...LOCKED_SECRET_CODES, ...LOCKED_LIMIT_CODES];

export const SeverityName = z.enum(["error", "warning", "notice"]);
export const RuleLevel = z.enum(["error", "warning", "notice", "off"]);
export const DiagnosticCodeName = z.enum(CODES);

const nonEmpty = z.string().min(1);
const label = z.string().min(1).max(50).describe("A GitHub issue label (1–50 characters).");

export const AllowlistEntry = z
  .strictObject({
    fingerprint: z
      .string()
      .regex(/^[0-9a-f]{16,64}$/, { error: "must be a hex fingerprint of 16 to 64 lowercase characters" })
      .exactOptional()
      .describe("Fingerprint of one finding, as printed in the finding's message (`fp …`)."),
    code: z
      .enum(SECRET_CODES)
      .exactOptional()
      .describe("A secret rule code (`secret-…`); used together with `path`."),
    path: nonEmpty.exactOptional().describe("A gitignore-style path pattern; used together with `code`."),
    reason: z.string().exactOptional().describe("Why this finding is accepted (for reviewers)."),
  })
  .refine((e) => e.fingerprint !== undefined || (e.code !== undefined && e.path !== undefined), {
    error: "needs a fingerprint, or both a code and a path",
  })
  .describe("Accepts one secret finding (by fingerprint) or one rule in matching paths (code + path).");

const Secrets = z
  .strictObject({
    allowlist: z
      .array(AllowlistEntry)
      .default(() => [])
      .describe(
        "Accepted secret findings. Read from the base branch only, so a pull request cannot allowlist its own " +
          "secrets; this is the only way to silence the committed-credential rules (S1–S10), which inline " +
          "pragmas never silence.",
      ),
  })
  .default(() => ({ allowlist: [] }))
  .describe("Secret scanning.");

const Diff = z
  .strictObject({
    stripLabels: z
      .array(nonEmpty)
      .default(() => ["helm.sh/chart", "app.kubernetes.io/version"])
      .describe("Label keys removed from every object before objects are diffed."),
    stripAnnotations: z
      .array(nonEmpty)
      .default(() => ["checksum/config", "checksum/secret"])
      .describe("Annotation keys removed from every object before objects are diffed."),
  })
  .default(() => ({
    stripLabels: ["helm.sh/chart", "app.kubernetes.io/version"],
    stripAnnotations: ["checksum/config", "checksum/secret"],
  }))
  .describe("Volatile metadata removed before rendered objects are compared.");

const Stale = z
  .strictObject({
    days: z
      .int()
      .min(1)
      .max(3650)
      .default(30)
      .describe("Age in days after which a disabled service is stale."),
    maxIssuesPerRun: z.int().min(1).max(100).default(5).describe("At most this many issues opened per run."),
    labels: z
      .array(label)
      .default(() => ["flux-impact", "stale-service"])
      .describe("Labels of the issues opened."),
    dryRun: z
      .boolean()
      .default(true)
      .describe("Only report what would be opened; bulk actions are opt-in (set false to open issues)."),
  })
  .default(() => ({ days: 30, maxIssuesPerRun: 5, labels: ["flux-impact", "stale-service"], dryRun: true }))
  .describe("Issues about services disabled for a long time (scheduled sweep).");

const FailedRuns = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        "Open an issue when a workflow run fails on the default branch (closed by the next success).",
      ),
    labels: z
      .array(label)
      .default(() => ["flux-impact", "ci-failure"])
      .describe("Labels of that issue."),
    workflows: z
      .array(nonEmpty)
      .default(() => ["*"])
      .describe("Workflows watched: names or workflow file paths, `*` matching any characters."),
    ignoreWorkflows: z
      .array(nonEmpty)
      .default(() => [])
      .describe("Workflows never reported (names or file paths, `*` wildcards); wins over `workflows`."),
    pullRequests: z
      .boolean()
      .default(true)
      .describe("Show failed runs of a pull request's head commit in its sticky comment (never an issue)."),
  })
  .default(() => ({
    enabled: true,
    labels: ["flux-impact", "ci-failure"],
    workflows: ["*"],
    ignoreWorkflows: [],
    pullRequests: true,
  }))
  .describe("Issues about failed workflow runs on the default branch.");

const Dashboard = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Maintain the GitOps health dashboard issue."),
    title: z
      .string()
      .min(1)
      .max(100)
      .default("GitOps health dashboard")
      .describe("Title of the dashboard issue (it is found by its hidden marker, not by title)."),
    labels: z
      .array(label)
      .default(() => ["flux-impact"])
      .describe("Labels of the dashboard issue."),
  })
  .default(() => ({ enabled: true, title: "GitOps health dashboard", labels: ["flux-impact"] }))
  .describe(
    "One bot-maintained issue: dependsOn graph, disabled services, failing workflows, health findings.",
  );

const Deploys = z
  .strictObject({
    deadlineMinutes: z
      .int()
      .min(1)
      .max(1440)
      .default(30)
      .describe(
        'Minutes after a push to the default branch before a deploy whose objects sent no event ends as neutral (the "Flux deploy" check run).',
      ),
    failureIssues: z
      .boolean()
      .default(true)
      .describe(
        "Open an issue per Flux object that fails on the default branch (from Flux's events); closed when it recovers.",
      ),
    labels: z
      .array(label)
      .default(() => ["flux-impact", "flux-failure"])
      .describe("Labels of those issues."),
    maxOpenIssues: z
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe("At most this many open failure issues; further failures wait (and show on the dashboard)."),
    snoozeDays: z
      .int()
      .min(0)
      .max(365)
      .default(7)
      .describe("An issue closed as not planned is not opened again for that object for this many days."),
    dryRun: z
      .boolean()
      .default(false)
      .describe("Only log the issues that would be opened, commented and closed."),
  })
  .default(() => ({
    deadlineMinutes: 30,
    failureIssues: true,
    labels: ["flux-impact", "flux-failure"],
    maxOpenIssues: 10,
    snoozeDays: 7,
    dryRun: false,
  }))
  .describe(
    "After the merge: Flux's events (when the clusters send them, see the README) track each deploy and open issues for failing objects.",
  );

export const AppConfig = z
  .strictObject({
    clusterPaths: z
      .array(nonEmpty)
      .default(() => [])
      .describe(
        "Directories Flux syncs first (`flux bootstrap --path`), one cluster each. Empty: the clusters are detected automatically.",
      ),
    clusters: z
      .array(
        z
          .strictObject({
            name: nonEmpty.describe("The cluster's name, shown in the comment, the check run and the JSON."),
            path: nonEmpty.describe("The directory Flux syncs first for this cluster."),
          })
          .describe("One cluster: its name and the directory Flux syncs first."),
      )
      .default(() => [])
      .describe(
        "Named clusters (overrides clusterPaths and detection): `[{name: main, path: kubernetes/clusters/main}]`.",
      ),
    rules: z
      .partialRecord(DiagnosticCodeName, RuleLevel)
      .default(() => ({}))
      .describe(
        "Severity per diagnostic code (error, warning, notice, or off to drop the code). The committed-credential " +
          "rules (S1–S10) and the engine's limits (analysis-failed, postbuild-output-limit, " +
          "kustomize-budget-exceeded) cannot be changed.",
      ),
    failOn: z
      .array(SeverityName)
      .default(() => ["error" as const])
      .describe("Severities of findings that fail the check."),
    failOnExisting: z
      .boolean()
      .default(false)
      .describe(
        "Also fail on findings already on the base branch (by default only introduced findings fail).",
      ),
    ignore: z
      .array(nonEmpty)
      .default(() => [])
      .describe("gitignore-style path patterns whose findings are dropped (never the S1–S10 secret rules)."),
    secrets: Secrets,
    onAnalysisError: z
      .enum(["failure", "neutral"])
      .default("failure")
      .describe(
        "Conclusion of the check run when GitHub or the network fails and the retries are spent (neutral lets " +
          "a required check pass). Content the engine cannot analyze (limits, unreadable files) always fails.",
      ),
    comment: z
      .enum(["always", "affected", "never"])
      .default("affected")
      .describe(
        "When to post the sticky pull-request comment: always, affected (only when something is affected or a " +
          "finding is introduced), never. An existing comment is always updated.",
      ),
    diff: Diff,
    stale: Stale,
    failedRuns: FailedRuns,
    dashboard: Dashboard,
    deploys: Deploys,
  })
  .describe("flux-impact repository configuration (.github/flux-impact.yml).");

export type AppConfig = z.infer<typeof AppConfig>;
export type AllowlistEntry = z.infer<typeof AllowlistEntry>;

/** The configuration used when the repository has none (a fresh copy per parse; this one is frozen). */
export const DEFAULT_CONFIG: AppConfig = deepFreeze(AppConfig.parse({}));

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The JSON Schema of the file (what editors validate against), as written to `flux-impact.schema.json`. */
export function appConfigJsonSchemaText(): string {
  const schema = z.toJSONSchema(AppConfig, {
    io: "input",
    target: "draft-2020-12",
    override(ctx) {
      // The refinement of AllowlistEntry, which zod cannot express in JSON Schema by itself.
      if (ctx.zodSchema === AllowlistEntry)
        ctx.jsonSchema.anyOf = [{ required: ["fingerprint"] }, { required: ["code", "path"] }];
    },
  });
  return `${JSON.stringify({ ...schema, title: "flux-impact configuration" }, null, 2)}\n`;
}
