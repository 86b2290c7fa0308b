/**
 * The live cluster beside the repository, for the CLI's `status` and `diff --cluster` (pure: the adapter
 * talks to the API server and hands the answers over).
 *
 * - `liveFluxObject`: a Kustomization or HelmRelease as the API server lists it — its Ready condition, its
 *   last applied revision, whether it is suspended.
 * - `joinStatus`: those joined with what the repository defines (`flux get ks -A` with the repository's
 *   view): each object's state against the repository's HEAD, the ones defined but absent from the
 *   cluster, and the ones the cluster has that the repository does not define.
 * - `dryRunOutcome`: a server-side apply dry run's answer for a changed object as a finding on its file
 *   (a `Status` with `reason` and `details.causes`), or the change the apply would make to the live object
 *   (live → dry-run result, with what the API server manages itself left out), and drift (fields the base
 *   revision sets that the live object has otherwise).
 */
import { type Diagnostic, diagnostic } from "../diagnostics.ts";
import { objectDiff } from "../impact/object-diff.ts";
import type { ImpactReport, ObjectDiff } from "../impact/types.ts";
import { isJsonObject, type JsonObject } from "../kustomize/resource.ts";
import { clip, mdCode, mdFence, mdInline } from "../report/markdown.ts";
import { parseRevision } from "./event.ts";

export interface LiveFluxObject {
  kind: "Kustomization" | "HelmRelease";
  namespace: string;
  name: string;
  ready: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
  /** Since when the Ready condition has its status (RFC 3339). */
  since?: string;
  suspended: boolean;
  /** kustomize-controller: `main@sha1:<sha>`; helm-controller: the chart version. */
  lastAppliedRevision?: string;
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** A listed Kustomization or HelmRelease (any served version), or undefined for anything else. */
export function liveFluxObject(item: unknown): LiveFluxObject | undefined {
  if (!isJsonObject(item)) return undefined;
  const kind = item.kind;
  if (kind !== "Kustomization" && kind !== "HelmRelease") return undefined;
  const meta = isJsonObject(item.metadata) ? item.metadata : {};
  const spec = isJsonObject(item.spec) ? item.spec : {};
  const status = isJsonObject(item.status) ? item.status : {};
  const name = str(meta.name);
  if (!name) return undefined;
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isJsonObject) : [];
  const ready = conditions.find((c) => c.type === "Ready");
  const out: LiveFluxObject = {
    kind,
    namespace: str(meta.namespace) ?? "",
    name,
    ready: ready?.status === "True" ? "True" : ready?.status === "False" ? "False" : "Unknown",
    suspended: spec.suspend === true,
  };
  const reason = str(ready?.reason);
  const message = str(ready?.message);
  const since = str(ready?.lastTransitionTime);
  const history =
    Array.isArray(status.history) && isJsonObject(status.history[0]) ? status.history[0] : undefined;
  const applied =
    str(status.lastAppliedRevision) ?? str(status.lastAttemptedRevision) ?? str(history?.chartVersion);
  if (reason) out.reason = reason;
  if (message) out.message = message;
  if (since) out.since = since;
  if (applied) out.lastAppliedRevision = applied;
  return out;
}

export interface StatusRow extends LiveFluxObject {
  /** Defined in the repository. */
  inRepository: boolean;
  /** Kustomizations: whether the last applied revision is the repository's HEAD (undefined: unknown). */
  atHead?: boolean;
}

export interface ClusterStatus {
  rows: StatusRow[];
  /** Defined in the repository, absent from the cluster: "Kind namespace/name". */
  notInCluster: string[];
  /** The repository's HEAD the revisions are compared with, when known. */
  head?: string;
}

export interface DefinedObjects {
  kustomizations: ReadonlyArray<{ namespace: string; name: string; status?: string }>;
  helmReleases: ReadonlyArray<{ namespace: string; name: string }>;
}

export function joinStatus(
  live: readonly LiveFluxObject[],
  repository: DefinedObjects,
  head?: string,
): ClusterStatus {
  const key = (kind: string, ns: string, name: string) => `${kind} ${ns}/${name}`;
  const defined = new Set([
    ...repository.kustomizations.map((k) => key("Kustomization", k.namespace, k.name)),
    ...repository.helmReleases.map((h) => key("HelmRelease", h.namespace, h.name)),
  ]);
  const seen = new Set<string>();
  const rows = live.map((o): StatusRow => {
    const k = key(o.kind, o.namespace, o.name);
    seen.add(k);
    const row: StatusRow = { ...o, inRepository: defined.has(k) };
    if (o.kind === "Kustomization" && head && o.lastAppliedRevision) {
      const r = parseRevision(o.lastAppliedRevision);
      if (r.kind === "git") row.atHead = r.sha === head;
    }
    return row;
  });
  rows.sort((a, b) => key(a.kind, a.namespace, a.name).localeCompare(key(b.kind, b.namespace, b.name)));
  const notInCluster = [...defined].filter((k) => !seen.has(k)).sort();
  return { rows, notInCluster, ...(head ? { head } : {}) };
}

/** `flux get`-style text: one line per object, then what is only on one side. */
export function renderStatus(status: ClusterStatus): string {
  const header = ["KIND", "NAMESPACE/NAME", "READY", "REVISION", "SUSPENDED", "IN REPOSITORY", "MESSAGE"];
  const rows = status.rows.map((r) => [
    r.kind,
    `${r.namespace}/${r.name}`,
    r.ready,
    `${r.lastAppliedRevision ?? "-"}${r.atHead === false ? " (behind HEAD)" : r.atHead ? " (HEAD)" : ""}`,
    r.suspended ? "yes" : "no",
    r.inRepository ? "yes" : "no",
    (r.message ?? "").replace(/\s+/g, " ").slice(0, 120),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [line(header), ...rows.map(line)];
  const notReady = status.rows.filter((r) => r.ready !== "True" && !r.suspended).length;
  const suspended = status.rows.filter((r) => r.suspended).length;
  const behind = status.rows.filter((r) => r.atHead === false).length;
  const onlyInCluster = status.rows.filter((r) => !r.inRepository).length;
  out.push(
    "",
    `${status.rows.length} Flux objects in the cluster: ${notReady} not ready, ${suspended} suspended, ${behind} behind HEAD${status.head ? ` (${status.head.slice(0, 7)})` : ""}, ${onlyInCluster} not defined in the repository.`,
  );
  if (status.notInCluster.length) {
    out.push(`Defined in the repository but absent from the cluster (${status.notInCluster.length}):`);
    for (const k of status.notInCluster) out.push(`  ${k}`);
  }
  return `${out.join("\n")}\n`;
}

/** A Status object's reason, message and causes, as the API server answers a refused request. */
export interface ApiRefusal {
  code: number;
  reason?: string;
  message: string;
  causes: Array<{ field?: string; message: string; reason?: string }>;
}

/** The API server's answer body, read as a Status (anything else: its text). */
export function apiRefusal(code: number, body: unknown): ApiRefusal {
  const status = isJsonObject(body) ? body : {};
  const details = isJsonObject(status.details) ? status.details : {};
  const causes = (Array.isArray(details.causes) ? details.causes : []).filter(isJsonObject).map((c) => ({
    ...(str(c.field) ? { field: str(c.field)! } : {}),
    message: str(c.message) ?? "",
    ...(str(c.reason) ? { reason: str(c.reason)! } : {}),
  }));
  const message = str(status.message) ?? (typeof body === "string" ? body.slice(0, 500) : `HTTP ${code}`);
  return { code, ...(str(status.reason) ? { reason: str(status.reason)! } : {}), message, causes };
}

export type DryRunAnswer =
  | { kind: "applied"; result: JsonObject; live?: JsonObject }
  | { kind: "refused"; refusal: ApiRefusal }
  | { kind: "unknown-kind" };

export interface ChangedObject {
  /** The object as the head revision renders it. */
  head: JsonObject;
  /** As the base revision renders it (undefined: added by the change). */
  base?: JsonObject;
  origin: { file: string; line?: number };
  /** "Kind namespace/name" of the Flux object (Kustomization) that applies it. */
  ref: string;
}

export interface DryRunOutcome {
  object: string;
  /** What the apply would change in the live object (live → result), when the cluster accepted it. */
  change?: ObjectDiff;
  findings: Diagnostic[];
}

/** Fields the API server sets or owns: left out of every comparison with a live object. */
function comparable(obj: JsonObject): JsonObject {
  const { status: _status, ...rest } = obj;
  const meta = isJsonObject(rest.metadata) ? { ...rest.metadata } : {};
  for (const k of ["managedFields", "resourceVersion", "uid", "creationTimestamp", "generation", "selfLink"])
    delete meta[k];
  if (isJsonObject(meta.annotations)) {
    const { "kubectl.kubernetes.io/last-applied-configuration": _last, ...annotations } = meta.annotations;
    if (Object.keys(annotations).length) meta.annotations = annotations;
    else delete meta.annotations;
  }
  return { ...rest, metadata: meta };
}

function objectName(obj: JsonObject): string {
  const meta = isJsonObject(obj.metadata) ? obj.metadata : {};
  return `${str(obj.kind) ?? "?"} ${str(meta.namespace) ? `${str(meta.namespace)}/` : ""}${str(meta.name) ?? "?"}`;
}

/** Leaf paths the base sets whose live value differs (at most `max`). */
export function driftOf(base: JsonObject, live: JsonObject, max = 10): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (out.length >= max) return;
    if (isJsonObject(a)) {
      if (!isJsonObject(b)) return void out.push(path || ".");
      for (const [k, v] of Object.entries(a)) walk(v, b[k], path ? `${path}.${k}` : k);
      return;
    }
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return void out.push(path);
      for (const [i, v] of a.entries()) walk(v, b[i], `${path}[${i}]`);
      return;
    }
    // Kubernetes normalizes quantities and numbers as strings ("1" vs 1, "500m" vs 0.5): compare as text.
    if (String(a) !== String(b)) out.push(path);
  };
  const { status: _s, ...spec } = comparable(base);
  walk(spec, comparable(live), "");
  return out;
}

export function dryRunOutcome(changed: ChangedObject, answer: DryRunAnswer): DryRunOutcome {
  const object = objectName(changed.head);
  const where = { file: changed.origin.file, line: changed.origin.line, ref: changed.ref };
  if (answer.kind === "unknown-kind")
    return {
      object,
      findings: [
        diagnostic(
          "cluster-kind-unknown",
          `${object}: the cluster serves no ${str(changed.head.apiVersion)} ${str(changed.head.kind)} (is its CustomResourceDefinition installed?); Flux's apply would fail.`,
          where,
        ),
      ],
    };
  if (answer.kind === "refused") {
    const r = answer.refusal;
    const causes = r.causes.map((c) => `${c.field ? `${c.field}: ` : ""}${c.message}`).join("; ");
    return {
      object,
      findings: [
        diagnostic(
          "cluster-dry-run-rejected",
          `${object}: the cluster refused the apply (${r.code}${r.reason ? ` ${r.reason}` : ""}): ${r.message}${causes && !r.message.includes(causes) ? ` — ${causes}` : ""}`,
          where,
        ),
      ],
    };
  }
  const findings: Diagnostic[] = [];
  const live = answer.live ? comparable(answer.live) : undefined;
  if (live && changed.base) {
    const drift = driftOf(changed.base, live);
    if (drift.length)
      findings.push(
        diagnostic(
          "cluster-drift",
          `${object}: the live object differs from what the base revision renders at ${drift.join(", ")} — changed in the cluster outside Git?`,
          where,
        ),
      );
  }
  return { object, change: objectDiff(live, comparable(answer.result)), findings };
}

/** Objects a dry run cannot judge, with why; at most MAX_DRY_RUN objects are sent. */
export const MAX_DRY_RUN = 200;
const UNRESOLVED = /\$\{[A-Za-z_][A-Za-z0-9_]*/;

export interface DryRunPlan {
  objects: ChangedObject[];
  skipped: Array<{ object: string; why: string }>;
}

interface ModelLike {
  kustomizations: ReadonlyArray<{
    key: string;
    cluster: string;
    build?: { objects: ReadonlyArray<{ object: JsonObject; origin: { file: string; line?: number } }> };
  }>;
}

/**
 * The objects a change adds or modifies, as head renders them (and base, for drift), with their files —
 * what `diff --cluster` sends to the API server. SOPS-encrypted objects (Flux decrypts them in the
 * cluster) and objects holding variables the analysis could not resolve are listed, not sent: the API
 * server would refuse what Flux never applies.
 */
export function dryRunPlan(
  report: Pick<ImpactReport, "kustomizations">,
  models: { base: ModelLike; head: ModelLike },
): DryRunPlan {
  const plan: DryRunPlan = { objects: [], skipped: [] };
  const find = (model: ModelLike, key: string, cluster: string | undefined) =>
    model.kustomizations.find((k) => k.key === key && (cluster === undefined || k.cluster === cluster));
  const same = (
    obj: JsonObject,
    ref: { apiVersion: string; kind: string; namespace: string; name: string },
  ) => {
    const meta = isJsonObject(obj.metadata) ? obj.metadata : {};
    return obj.kind === ref.kind && (str(meta.namespace) ?? "") === ref.namespace && meta.name === ref.name;
  };
  for (const k of report.kustomizations) {
    if (k.change === "removed" || k.blocked) continue;
    const head = find(models.head, k.key, k.cluster);
    const base = find(models.base, k.key, k.cluster);
    for (const d of k.objects) {
      if (d.change === "removed") continue;
      const rendered = head?.build?.objects.find((o) => same(o.object, d.ref));
      if (!rendered) continue;
      const display = d.ref.display;
      if ("sops" in rendered.object) {
        plan.skipped.push({ object: display, why: "SOPS-encrypted: Flux decrypts it in the cluster" });
        continue;
      }
      if (UNRESOLVED.test(JSON.stringify(rendered.object))) {
        plan.skipped.push({ object: display, why: "holds variables flux-impact could not resolve" });
        continue;
      }
      if (plan.objects.length >= MAX_DRY_RUN) {
        plan.skipped.push({ object: display, why: `over ${MAX_DRY_RUN} objects: not sent` });
        continue;
      }
      const before = base?.build?.objects.find((o) => same(o.object, d.ref));
      plan.objects.push({
        head: rendered.object,
        ...(before ? { base: before.object } : {}),
        origin: rendered.origin,
        ref: `Kustomization ${k.key}`,
      });
    }
  }
  return plan;
}

export interface ClusterDryRun {
  context: string;
  server: string;
  outcomes: DryRunOutcome[];
  skipped: Array<{ object: string; why: string }>;
}

/** The dry run as a Markdown section after the comment. */
export function renderClusterDryRun(run: ClusterDryRun): string {
  const refused = run.outcomes.filter((o) => o.findings.some((f) => f.severity === "error"));
  const drifted = run.outcomes.filter((o) => o.findings.some((f) => f.code === "cluster-drift"));
  const out = [
    `### Cluster dry run — context ${mdCode(run.context)}`,
    "",
    `${run.outcomes.length} changed object${run.outcomes.length === 1 ? "" : "s"} sent to ${mdInline(run.server)} as a server-side apply dry run (field manager ${mdCode("kustomize-controller")}; nothing applied): ${run.outcomes.length - refused.length} accepted, ${refused.length} refused, ${drifted.length} drifted from the base revision.`,
  ];
  const where = (f: Diagnostic) => (f.file ? ` (${mdCode(`${f.file}${f.line ? `:${f.line}` : ""}`)})` : "");
  for (const o of run.outcomes) {
    for (const f of o.findings)
      out.push(`- ${f.severity === "error" ? "❌" : "⚠️"} ${mdInline(f.message)}${where(f)}`);
  }
  const changes = run.outcomes.filter((o) => o.change?.diff);
  if (changes.length) {
    out.push("", "<details><summary>What the apply would change in the live objects</summary>", "");
    for (const o of changes)
      out.push(
        `${mdCode(o.object)} (+${o.change!.added} −${o.change!.removed}${o.change!.change === "added" ? ", new" : ""})`,
        "",
        mdFence(clip(o.change!.diff, 20_000), "diff"),
        "",
      );
    out.push("</details>");
  }
  if (run.skipped.length) {
    out.push("", "Not sent (their outcome in the cluster is unknown):");
    for (const s of run.skipped.slice(0, 50)) out.push(`- ${mdCode(s.object)}: ${mdInline(s.why)}`);
    if (run.skipped.length > 50) out.push(`- … and ${run.skipped.length - 50} more`);
  }
  return `${out.join("\n")}\n`;
}

export function clusterDryRunJson(run: ClusterDryRun) {
  return {
    context: run.context,
    server: run.server,
    objects: run.outcomes.map((o) => ({
      object: o.object,
      findings: o.findings,
      ...(o.change
        ? {
            change: {
              kind: o.change.change,
              added: o.change.added,
              removed: o.change.removed,
              diff: o.change.diff,
            },
          }
        : {}),
    })),
    skipped: run.skipped,
  };
}
