/**
 * Evaluates the flux-local `diff ks` / `diff hr` checks (flux-local-diff-cases.ts) with the impact pipeline
 * (impact-diff.ts, injected): the corpus tree as base, the same tree with the case's edits as head, analysed
 * under the case's --path. Per check:
 *   empty      — pass when the report is empty (no changed files, affected objects, deletions, suspend
 *                flips, disabled services) and the named object exists (flux-local prints "not found" else);
 *   not-found  — pass when no object of that kind, name and namespace filter exists;
 *   changes    — pass when the object changes our report lists for the selected Kustomizations equal
 *                flux-local's (Secrets and CRDs dropped, as flux-local does by default).
 * Excluded from the score, with the reason: `--sources` allow-lists (flux-local builds the base side
 * without them, so every object looks removed: `deviation` when that explains its output, else
 * `unexplained`), `diff hr` output of rendered chart manifests (needs `helm template`), setups that cannot
 * be reproduced in memory. Pure apart from the injected differ.
 */
import type { RepositoryModel } from "../../../src/core/index.ts";
import type { FluxLocalDiffCheck, ObjectChange } from "./flux-local-diff-cases.ts";
import { parseSources, sourceAllowed } from "./flux-local-rows.ts";
import { type Differ, type DiffOutput, headTree } from "./impact-diff.ts";

export type DiffCheckStatus = "pass" | "fail" | "deviation" | "unexplained" | "excluded" | "crash";

export interface DiffCheckResult {
  check: FluxLocalDiffCheck;
  status: DiffCheckStatus;
  /** What we found, for failures and deviations. */
  details: string[];
  /** Why the case is excluded from the score. */
  reasons: string[];
}

/** flux-local drops these kinds from diffs by default (--skip-secrets, --skip-crds). */
const SKIPPED_KINDS = new Set(["Secret", "CustomResourceDefinition"]);

export function changeText(c: ObjectChange): string {
  return `${c.kustomization}: ${c.kind} ${c.namespace}/${c.name} ${c.change}`;
}

/**
 * Same changes? Names flux-local derived from Secret values (`..PLACEHOLDER_<VAR>..`) match any remaining
 * object of the same Kustomization, kind, namespace and change.
 */
export function sameChanges(expected: readonly ObjectChange[], ours: readonly ObjectChange[]): boolean {
  if (expected.length !== ours.length) return false;
  const left = ours.map(changeText);
  const placeholders: ObjectChange[] = [];
  for (const e of expected) {
    const i = left.indexOf(changeText(e));
    if (i >= 0) left.splice(i, 1);
    else if (e.name.includes("PLACEHOLDER_")) placeholders.push(e);
    else return false;
  }
  for (const e of placeholders) {
    const bucket = `${e.kustomization}: ${e.kind} ${e.namespace}/`;
    const i = left.findIndex((t) => t.startsWith(bucket) && t.endsWith(` ${e.change}`));
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return left.length === 0;
}

function selected(check: FluxLocalDiffCheck, o: { namespace: string; name: string }): boolean {
  return (
    (check.namespace === null || o.namespace === check.namespace) &&
    (check.name === null || o.name === check.name)
  );
}

function namedObjects(model: RepositoryModel, check: FluxLocalDiffCheck): string[] {
  const list = check.kind === "ks" ? model.kustomizations : model.helmReleases;
  return list.filter((o) => selected(check, o)).map((o) => o.key);
}

/** Object changes of the selected Kustomizations in our report, as flux-local keys them. */
export function reportChanges(out: DiffOutput, check: FluxLocalDiffCheck): ObjectChange[] {
  return out.report.kustomizations
    .filter((k) => selected(check, k))
    .flatMap((k) =>
      k.objects
        .filter((o) => !SKIPPED_KINDS.has(o.ref.kind))
        .map((o) => ({
          kustomization: k.key,
          kind: o.ref.kind,
          namespace: o.ref.namespace || k.namespace,
          name: o.ref.name,
          change: o.change,
        })),
    );
}

/** Everything non-empty in the report, as short lines (empty when nothing changed). */
export function reportContents(out: DiffOutput): string[] {
  const r = out.report;
  const lines: string[] = [];
  const list = (label: string, items: readonly string[]) => {
    if (items.length > 0) lines.push(`${label} (${items.length}): ${items.join(", ")}`);
  };
  list(
    "changed files",
    r.changedFiles.map((c) => `${c.path} ${c.status}`),
  );
  list(
    "Kustomizations",
    r.kustomizations.map((k) => `${k.key} ${k.change}`),
  );
  list(
    "HelmReleases",
    r.helmReleases.map((h) => `${h.key} ${h.change}`),
  );
  list(
    "deletions",
    r.deletions.map((d) => `${d.ref.display} (${d.kustomization})`),
  );
  list(
    "suspend flips",
    r.suspendFlips.map((s) => `${s.kind} ${s.key}`),
  );
  list(
    "disabled services",
    r.disabledServices.map((d) => d.file),
  );
  return lines;
}

/** flux-local's view of an allow-list that admits none of the selected Kustomizations: all removed. */
function allowListView(out: DiffOutput, check: FluxLocalDiffCheck): ObjectChange[] {
  const allow = parseSources(check.sources ?? "");
  return out.baseModel.kustomizations
    .filter((k) => selected(check, k) && !sourceAllowed(allow, k.spec.sourceRef))
    .flatMap((k) =>
      (k.build?.objects ?? [])
        .map((o) => o.object)
        .filter((o) => !SKIPPED_KINDS.has(String(o.kind)))
        .map((o) => {
          const meta = (o.metadata ?? {}) as { namespace?: unknown; name?: unknown };
          return {
            kustomization: k.key,
            kind: String(o.kind),
            namespace:
              typeof meta.namespace === "string" && meta.namespace !== "" ? meta.namespace : k.namespace,
            name: String(meta.name ?? ""),
            change: "removed" as const,
          };
        }),
    );
}

function evaluate(check: FluxLocalDiffCheck, out: DiffOutput): DiffCheckResult {
  const exp = check.expectation;
  const result = (
    status: DiffCheckStatus,
    details: string[] = [],
    reasons: string[] = [],
  ): DiffCheckResult => ({
    check,
    status,
    details,
    reasons,
  });
  const what = `${check.kind === "ks" ? "Kustomization" : "HelmRelease"} ${check.name} (namespace ${check.namespace ?? "any"})`;
  const named = check.name === null ? [] : namedObjects(out.baseModel, check);
  if (exp.type === "not-found") {
    return named.length === 0 ? result("pass") : result("fail", [`we find ${what}: ${named.join(", ")}`]);
  }
  if (check.sources !== null) {
    const view = allowListView(out, check);
    const contents = reportContents(out);
    const reasons = [
      `flux-local builds the base side (HEAD worktree) without --sources and the tree with the allow-list ` +
        `${JSON.stringify(check.sources)}, which admits none of the selected Kustomizations, so all their objects look removed`,
      `Flux has no such allow-list: the tree diffed against itself changes nothing (our report: ${contents.length === 0 ? "empty" : contents.join("; ")})`,
    ];
    const expected = exp.type === "changes" ? exp.changes : [];
    if (expected.some((c) => c.name.includes("PLACEHOLDER_")))
      reasons.push(
        "flux-local names objects from Secret-sourced variables with ..PLACEHOLDER_<VAR>.. values",
      );
    const explained = sameChanges(expected, view);
    return result(explained ? "deviation" : "unexplained", explained ? [] : view.map(changeText), reasons);
  }
  if (check.name !== null && named.length === 0) return result("fail", [`we find no ${what}`]);
  if (exp.type === "empty") {
    const contents = reportContents(out);
    return contents.length === 0 ? result("pass") : result("fail", contents);
  }
  if (check.kind === "hr")
    return result(
      "excluded",
      [],
      ["flux-local diffs the HelmRelease's rendered chart (needs `helm template`)"],
    );
  const ours = reportChanges(out, check);
  if (sameChanges(exp.changes, ours)) return result("pass");
  return result("fail", [
    ...exp.changes
      .filter((e) => !ours.some((o) => changeText(o) === changeText(e)))
      .map((e) => `- ${changeText(e)}`),
    ...ours
      .filter((o) => !exp.changes.some((e) => changeText(o) === changeText(e)))
      .map((o) => `+ ${changeText(o)}`),
  ]);
}

export function evaluateDiffChecks(
  files: ReadonlyMap<string, Uint8Array>,
  symlinks: readonly string[],
  checks: readonly FluxLocalDiffCheck[],
  differ: Differ,
): DiffCheckResult[] {
  const runs = new Map<string, DiffOutput | { error: string }>();
  return checks.map((check) => {
    if (check.unsupported) return { check, status: "excluded", details: [], reasons: [check.unsupported] };
    const key = `${check.root}|${JSON.stringify(check.edits)}`;
    let out = runs.get(key);
    if (!out) {
      try {
        out = differ({
          base: files,
          head: headTree(files, check.edits),
          symlinks,
          options: check.root === "" ? {} : { searchRoot: check.root },
        });
      } catch (e) {
        out = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
      }
      runs.set(key, out);
    }
    if ("error" in out) return { check, status: "crash", details: [out.error], reasons: [] };
    return evaluate(check, out);
  });
}

export interface DiffSummary {
  scored: number;
  passed: number;
  excluded: number;
  unexplained: number;
  crashes: number;
}

export function summarizeDiff(results: readonly DiffCheckResult[]): DiffSummary {
  const count = (s: DiffCheckStatus) => results.filter((r) => r.status === s).length;
  return {
    scored: count("pass") + count("fail") + count("crash"),
    passed: count("pass"),
    excluded: count("deviation") + count("excluded") + count("unexplained"),
    unexplained: count("unexplained"),
    crashes: count("crash"),
  };
}
