/**
 * Text report of a conformance run: the flux-local check tables (get: row diffs for failures and the
 * reasons for deviations; diff: what our impact report says where it differs, and why excluded cases are
 * excluded) and the render-equality table (with a short diff of the first differing object per
 * mismatch). Pure: returns lines.
 */
import { type CheckResult, rowDiff, summarize } from "./flux-local.ts";
import type { SkippedExpectation } from "./flux-local-checks.ts";
import { type DiffCheckResult, summarizeDiff } from "./flux-local-diff.ts";
import type { RenderCase } from "./render-equality.ts";

export function percent(n: number, d: number): string {
  return d === 0 ? "n/a" : `${((100 * n) / d).toFixed(1)}%`;
}

function indent(text: string, prefix: string): string[] {
  return text.split("\n").map((l) => `${prefix}${l}`);
}

const LABEL: Record<CheckResult["status"], string> = {
  pass: "PASS ",
  fail: "FAIL ",
  deviation: "DEV  ",
  unexplained: "DEV? ",
  crash: "CRASH",
};

export function fluxLocalReport(
  results: readonly CheckResult[],
  skipped: readonly SkippedExpectation[],
): string[] {
  const out: string[] = [];
  for (const r of results) {
    out.push(`  ${LABEL[r.status]} ${r.check.id}  ($ ${r.check.command})`);
    if (r.status === "fail" || r.status === "unexplained") {
      out.push("        rows: - expected only, + ours only (Flux semantics)");
      out.push(...rowDiff(r.check.expected, r.flux).map((l) => `        ${l}`));
    }
    if (r.status === "unexplained") {
      out.push("        under flux-local's deviations we would print:");
      out.push(...rowDiff(r.check.expected, r.fluxLocal).map((l) => `        ${l}`));
    }
    if (r.status === "deviation" || r.status === "unexplained") {
      out.push("        excluded: flux-local deviates from Flux here:");
      out.push(...r.reasons.map((x) => `          * ${x}`));
      out.push(...rowDiff(r.check.expected, r.flux).map((l) => `          Flux answer vs flux-local: ${l}`));
    }
    if (r.status === "crash") out.push(...indent(r.error ?? "", "        "));
    if (r.hiddenByNamespace) {
      out.push(
        `        query -n ${r.check.namespace} (flux-local's namespace filter) hides: ${r.hiddenByNamespace.join("; ")}`,
      );
    }
  }
  for (const s of skipped) out.push(`  N/A   ${s.id}: ${s.reason}`);
  const sum = summarize(results);
  out.push("");
  out.push(
    `  flux-local get ks/get hr: ${sum.passed}/${sum.scored} Flux-faithful checks reproduced = ${percent(sum.passed, sum.scored)}` +
      "   (target: 100% of Flux-faithful cases)",
  );
  out.push(
    `  excluded: ${sum.deviations} deviations explained by flux-local≠Flux, ${sum.unexplained} unexplained; ` +
      `${skipped.length} not applicable${sum.crashes ? `; ${sum.crashes} CRASHED` : ""}`,
  );
  return out;
}

const DIFF_LABEL: Record<DiffCheckResult["status"], string> = {
  pass: "PASS ",
  fail: "FAIL ",
  deviation: "DEV  ",
  unexplained: "DEV? ",
  excluded: "N/A  ",
  crash: "CRASH",
};

export function fluxLocalDiffReport(results: readonly DiffCheckResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    out.push(`  ${DIFF_LABEL[r.status]} ${r.check.id}  ($ ${r.check.command})`);
    if (r.status === "fail") out.push(...r.details.map((d) => `        ${d}`));
    if (r.status === "unexplained") {
      out.push("        under flux-local's deviations we would list:");
      out.push(...r.details.map((d) => `          ${d}`));
    }
    if (r.status === "crash") out.push(...r.details.flatMap((d) => indent(d, "        ")));
    if (r.status === "deviation" || r.status === "unexplained" || r.status === "excluded") {
      out.push(
        `        excluded: ${r.status === "excluded" ? "not comparable" : "flux-local deviates from Flux here"}:`,
      );
      out.push(...r.reasons.map((x) => `          * ${x}`));
    }
  }
  const sum = summarizeDiff(results);
  out.push("");
  out.push(
    `  flux-local diff ks/diff hr: ${sum.passed}/${sum.scored} Flux-faithful cases reproduced = ${percent(sum.passed, sum.scored)}` +
      "   (target: 100% of Flux-faithful cases)",
  );
  out.push(
    `  excluded: ${sum.excluded} (flux-local≠Flux or not comparable; ${sum.unexplained} unexplained)` +
      `${sum.crashes ? `; ${sum.crashes} CRASHED` : ""}`,
  );
  out.push(
    "  (diff hr: flux-local diffs the chart rendered by `helm template`; we report chart, values and input changes," +
      " so only cases without rendered output are comparable)",
  );
  return out;
}

export function renderReport(cases: readonly RenderCase[]): string[] {
  const out: string[] = [];
  const groups = new Map<string, RenderCase[]>();
  for (const c of cases) {
    const k = `${c.repo} [${c.analysis}]`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  for (const [label, list] of groups) {
    const compared = list.filter((c) => c.status === "equal" || c.status === "mismatch");
    const equal = compared.filter((c) => c.status === "equal").length;
    const skipped = list.filter((c) => c.status === "skipped");
    out.push(
      `  ${label}: ${equal}/${compared.length} equal${skipped.length ? `, ${skipped.length} skipped (${skipped.map((s) => `${s.key}: ${s.detail}`).join("; ")})` : ""}`,
    );
    for (const c of list) {
      if (c.status === "mismatch") {
        const modulo = c.equalModuloOrigin ? " [equal once origin annotations are dropped]" : "";
        out.push(`    MISMATCH ${c.key} (${c.path || "."}): ${c.detail}${modulo}`);
        if (c.diff) out.push(...indent(c.diff, "        "));
      } else if (
        c.status === "equal" &&
        (c.detail.startsWith("both") || c.detail.includes("the engine then fails"))
      ) {
        out.push(`    NOTE ${c.key} (${c.path || "."}): equal: ${c.detail}`);
      } else if (c.status === "crash") {
        out.push(`    CRASH ${c.key}:`);
        out.push(...indent(c.detail, "        "));
      }
    }
  }
  const compared = cases.filter((c) => c.status === "equal" || c.status === "mismatch");
  const equal = compared.filter((c) => c.status === "equal").length;
  const modulo = cases.filter((c) => c.status === "mismatch" && c.equalModuloOrigin).length;
  out.push("");
  out.push(
    `  render equality: ${equal}/${compared.length} Kustomizations equal = ${percent(equal, compared.length)}   (target: >= 99%)`,
  );
  if (modulo > 0)
    out.push(`  (${modulo} more equal once config.kubernetes.io/origin-style annotations are dropped)`);
  return out;
}
