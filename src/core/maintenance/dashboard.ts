/**
 * The GitOps health dashboard: one issue the App keeps up to date (found by its marker, edited in place,
 * never duplicated). Sections, each shown only when it has something: failing workflows (the open
 * failed-run issues), failing Flux objects (their issues) and each object's last known state from Flux's
 * events, disabled services with their ages (and their stale issues), repository-health and
 * other findings on the default branch, and the dependsOn graph of every Flux Kustomization as Mermaid,
 * grouped by namespace. It fits GitHub's body limit by dropping whole entries (graph first, then
 * findings, then services), never cutting Markdown. Nothing in it changes unless the repository does, so
 * an unchanged dashboard is not rewritten.
 */
import { compareDiagnostics, type Diagnostic, severityCounts } from "../diagnostics.ts";
import type { RepositoryModel } from "../model.ts";
import { type Block, fitBlocks } from "../report/budget.ts";
import { fileUrl, mdCode, mdFence, mdInline, mdLink } from "../report/markdown.ts";
import { mermaidLabel } from "../report/mermaid.ts";
import { plural } from "../report/sections/common.ts";
import { findingLine, severalClusters } from "../report/sections/findings.ts";
import { maskCredentials } from "../secrets/mask.ts";
import { type BotIssue, issueMarker, parseIssueMarker } from "./bot-issues.ts";
import type { ServiceAge } from "./stale.ts";

/** GitHub refuses issue bodies over 65,536 characters; keep a margin. */
export const ISSUE_BODY_MAX = 60_000;
const GRAPH_NODES_MAX = 200;
const GRAPH_EDGES_MAX = 400;

export interface DashboardInput {
  title: string;
  model: Pick<RepositoryModel, "kustomizations">;
  findings: readonly Diagnostic[];
  services: readonly ServiceAge[];
  /** The App's issues (the open workflow ones are listed). */
  issues: readonly BotIssue[];
  staleDays: number;
  branch: string;
  sha: string;
  /** `https://github.com/o/r/blob/<sha>`. */
  blobUrl?: string;
  commitUrl?: string;
  /** Each Flux object's last known state from Flux's events (deploy tracking), when the clusters send them. */
  live?: readonly LiveObjectState[];
}

/** One Flux object as its latest state-changing event left it. */
export interface LiveObjectState {
  /** "Kustomization flux-system/apps", with "cluster: " in front when the repository has several. */
  object: string;
  state: "progressing" | "reconciled" | "failed";
  /** When it entered this state (the event's time, RFC 3339). */
  since: string;
  reason?: string;
  message?: string;
}

export function dashboardMarker(): string {
  return issueMarker("dashboard", "health");
}

export function renderDashboard(input: DashboardInput): { title: string; body: string } {
  const head = { ref: input.sha, ...(input.blobUrl ? { blobUrl: input.blobUrl } : {}) };
  const n = severityCounts(input.findings);
  const failing = input.issues.filter(
    (i) => i.state === "open" && parseIssueMarker(i.body)?.kind === "workflow",
  );
  const stale = input.services.filter((s) => s.stale);
  const blocks: Block[] = [
    {
      text: `${dashboardMarker()}\nThe state of ${mdCode(input.branch)} at ${mdLink(input.sha.slice(0, 7), input.commitUrl)}, kept up to date by flux-impact on every push and daily.\n\n| | |\n|---|---|\n| Flux Kustomizations | ${input.model.kustomizations.length} |\n| Failing workflows | ${failing.length} |\n| Disabled services | ${input.services.length} (${stale.length} stale, over ${input.staleDays} days) |\n| Findings | ${n.error} errors, ${n.warning} warnings, ${n.notice} notices |\n\n`,
      essential: true,
    },
  ];

  if (failing.length) {
    blocks.push({ text: "## ❌ Failing workflows\n\n", essential: true });
    for (const i of failing)
      blocks.push({ text: `- ${mdLink(`#${i.number}`, i.url)} ${mdInline(i.title)}\n`, essential: true });
    blocks.push({ text: "\n", essential: true });
  }

  const fluxFailing = input.issues.filter(
    (i) => i.state === "open" && parseIssueMarker(i.body)?.kind === "flux",
  );
  if (fluxFailing.length) {
    blocks.push({ text: "## ❌ Failing Flux objects\n\n", essential: true });
    for (const i of fluxFailing)
      blocks.push({ text: `- ${mdLink(`#${i.number}`, i.url)} ${mdInline(i.title)}\n`, essential: true });
    blocks.push({ text: "\n", essential: true });
  }

  if (input.live?.length) {
    const order = { failed: 0, progressing: 1, reconciled: 2 } as const;
    const icon = { failed: "❌ failed", progressing: "🔄 in progress", reconciled: "✅ reconciled" } as const;
    const rows = [...input.live].sort(
      (a, b) => order[a.state] - order[b.state] || (a.object < b.object ? -1 : a.object > b.object ? 1 : 0),
    );
    blocks.push({
      text: `## Live (from Flux's events)\n\nEach object's last known state, as its cluster last reported it.\n\n| Object | State | Since | Flux says |\n|---|---|---|---|\n`,
      needs: ["live"],
    });
    for (const o of rows) {
      const says = o.message
        ? `${mdInline(o.reason ?? "")}: ${mdInline(o.message.replace(/\s+/g, " ").slice(0, 200))}`
        : "—";
      blocks.push({
        text: `| ${mdCode(o.object, { table: true })} | ${icon[o.state]} | ${mdInline(o.since)} | ${says} |\n`,
        group: "live",
      });
    }
    blocks.push({ text: "\n", needs: ["live"] });
  }

  if (input.services.length) {
    blocks.push({
      text: "## Disabled services\n\n| Service | Disabled | Issue |\n|---|---|---|\n",
      needs: ["services"],
    });
    const ordered = [...input.services].sort(
      (a, b) => (b.days ?? -1) - (a.days ?? -1) || (a.file < b.file ? -1 : 1),
    );
    for (const s of ordered) {
      const age = s.days !== undefined ? `${s.days} days${s.stale ? " ⚠️" : ""}` : "unknown";
      const name = s.kustomizations.map((k) => k.key).join(", ") || s.file;
      blocks.push({
        text: `| ${mdLink(name, fileUrl(input.blobUrl, s.file))} | ${age} | ${s.issue ? `#${s.issue}` : "—"} |\n`,
        group: "services",
      });
    }
    blocks.push({ text: "\n", needs: ["services"] });
  }

  const findings = [...input.findings].sort(compareDiagnostics);
  if (findings.length) {
    blocks.push({ text: "## Findings\n\n", needs: ["findings"] });
    const several = severalClusters(findings);
    for (const d of findings) blocks.push({ text: `${findingLine(d, head, several)}\n`, group: "findings" });
    blocks.push({ text: "\n", needs: ["findings"] });
  }

  const graph = dependsOnMermaid(input.model);
  if (graph.edges > 0) {
    blocks.push({
      text: `<details><summary>dependsOn graph (${plural(graph.nodes, "Kustomization")}${graph.omitted ? `, ${graph.omitted} without dependencies left out` : ""})</summary>\n\n${mdFence(graph.source, "mermaid")}\n</details>\n\n`,
      group: "graph",
    });
  }
  blocks.push({
    text: "<sub>Disabled means a Flux manifest renamed to `.dis`; ages come from git history. Configure in `.github/flux-impact.yml` (`stale`, `failedRuns`, `dashboard`, `deploys`).</sub>\n",
    essential: true,
  });

  const fitted = fitBlocks(
    blocks,
    [
      {
        id: "graph",
        order: "largest",
        note: () =>
          "_The dependsOn graph is too large to show here; `flux-impact graph --format mermaid` prints it._",
      },
      {
        id: "findings",
        order: "last",
        note: (k) => `_${plural(k, "more finding")} did not fit; \`flux-impact check\` lists all._`,
      },
      {
        id: "live",
        order: "last",
        note: (k) => `_${plural(k, "more Flux object")} did not fit; \`flux-impact status\` shows them all._`,
      },
      {
        id: "services",
        order: "last",
        note: (k) => `_${plural(k, "more disabled service")} did not fit; \`flux-impact stale\` lists all._`,
      },
    ],
    ISSUE_BODY_MAX,
    "_The dashboard is too large to show here._",
  );
  return { title: input.title, body: maskCredentials(fitted.text) };
}

/**
 * Kustomizations as boxes in one subgraph per namespace, an arrow from each dependency to what waits for
 * it. Only Kustomizations with a dependsOn edge are drawn (the others are counted); bounded in nodes and
 * edges. Ids are generated, labels escaped (mermaidLabel).
 */
export function dependsOnMermaid(model: Pick<RepositoryModel, "kustomizations">): {
  source: string;
  nodes: number;
  edges: number;
  omitted: number;
} {
  // With several clusters a name means an object only within its cluster: keys (and groups) carry it.
  const several = new Set(model.kustomizations.map((k) => k.cluster)).size > 1;
  const scoped = (cluster: string, key: string) => (several ? `${cluster}: ${key}` : key);
  const keys = new Set(model.kustomizations.map((k) => scoped(k.cluster, k.key)));
  const edges: Array<[string, string]> = [];
  const linked = new Set<string>();
  for (const k of model.kustomizations) {
    for (const d of k.spec.dependsOn) {
      const to = scoped(k.cluster, `${d.namespace}/${d.name}`);
      const from = scoped(k.cluster, k.key);
      edges.push([to, from]);
      linked.add(to);
      linked.add(from);
    }
  }
  const nodes = [...linked].sort().slice(0, GRAPH_NODES_MAX);
  const id = new Map(nodes.map((key, i) => [key, `k${i}`]));
  const byNamespace = new Map<string, string[]>();
  for (const key of nodes) {
    const ns = key.slice(0, key.indexOf("/"));
    byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), key]);
  }
  const lines = ["flowchart LR"];
  let g = 0;
  for (const [ns, members] of byNamespace) {
    lines.push(`  subgraph g${g++}["${mermaidLabel(ns)}"]`);
    for (const key of members) {
      const missing = !keys.has(key);
      lines.push(
        `    ${id.get(key)}["${mermaidLabel(key.slice(ns.length + 1))}${missing ? " (missing)" : ""}"]`,
      );
    }
    lines.push("  end");
  }
  let drawn = 0;
  for (const [from, to] of edges) {
    const a = id.get(from);
    const b = id.get(to);
    if (a === undefined || b === undefined || drawn >= GRAPH_EDGES_MAX) continue;
    lines.push(`  ${a} --> ${b}`);
    drawn++;
  }
  return {
    source: `${lines.join("\n")}\n`,
    nodes: nodes.length,
    edges: drawn,
    omitted: model.kustomizations.length - nodes.filter((n) => keys.has(n)).length,
  };
}
