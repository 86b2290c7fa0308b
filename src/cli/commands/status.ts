/**
 * `flux-impact status [DIR]`: the live cluster beside the repository — every Flux Kustomization and
 * HelmRelease with Ready, the revision it last applied against the repository's HEAD, the suspended ones,
 * and what is only on one side (`flux get ks -A` joined with what the repository defines). Read-only.
 * Exits 1 when an object that is not suspended is not Ready.
 */
import { execFileSync } from "node:child_process";
import { joinStatus, liveFluxObject, renderStatus } from "../../core/deploy/index.ts";
import type { AnalyzedRepository } from "../../core/index.ts";
import { connectCluster } from "../cluster.ts";
import { type CliIo, type CliValues, UsageError } from "../options.ts";

export async function statusCommand(
  dir: string,
  model: AnalyzedRepository,
  values: CliValues,
  io: CliIo,
): Promise<number> {
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new UsageError(`--format must be text or json (got "${format}")`);
  const cluster = await connectCluster({ kubeconfig: values.kubeconfig, context: values.context });
  const live = (await cluster.listFluxObjects()).flatMap((item) => liveFluxObject(item) ?? []);
  // A repository with several clusters: the one whose objects the live cluster holds most of.
  const liveKeys = new Set(live.map((o) => `${o.kind} ${o.namespace}/${o.name}`));
  const overlap = (c: AnalyzedRepository["clusters"][number]) =>
    c.kustomizations.filter((k) => liveKeys.has(`Kustomization ${k.namespace}/${k.name}`)).length +
    c.helmReleases.filter((h) => liveKeys.has(`HelmRelease ${h.namespace}/${h.name}`)).length;
  const chosen =
    model.clusters.length > 1 ? [...model.clusters].sort((a, b) => overlap(b) - overlap(a))[0]! : model;
  const status = joinStatus(live, chosen, headOf(dir, values.rev));
  if (format === "json")
    io.stdout(
      `${JSON.stringify({ context: cluster.context, server: cluster.server, ...status }, null, 2)}\n`,
    );
  else {
    io.stdout(
      `Cluster ${cluster.server} (context ${cluster.context})${model.clusters.length > 1 ? `, compared with the repository's cluster ${"name" in chosen ? chosen.name : ""}` : ""}\n\n`,
    );
    io.stdout(renderStatus(status));
  }
  return status.rows.some((r) => r.ready !== "True" && !r.suspended) ? 1 : 0;
}

/** The commit DIR's HEAD (or --rev) names, when DIR is a git checkout. */
function headOf(dir: string, rev: string | undefined): string | undefined {
  try {
    return execFileSync("git", ["-C", dir, "rev-parse", "--verify", `${rev ?? "HEAD"}^{commit}`], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return undefined;
  }
}
