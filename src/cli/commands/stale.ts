/**
 * `flux-impact stale [DIR]`: every disabled (`.dis`) service with its age from the local git history —
 * the commit that created the `.dis` path — and whether it is past the threshold (`--days`, else
 * `stale.days` of the configuration, default 30). The same engine as the App's sweep; nothing is
 * written anywhere. Exits 0 (a listing, not a gate).
 */
import { resolve } from "node:path";
import { analyzeRepository } from "../../core/index.ts";
import { findDisabledServices, serviceAges } from "../../core/maintenance/index.ts";
import { loadConfig } from "../config.ts";
import { loadDirectorySnapshot, loadGitSnapshot } from "../fs-snapshot.ts";
import { gitDisabledSince } from "../git-history.ts";
import { repositoryOption } from "../git-identity.ts";
import { analyzeOptions, type CliIo, type CliValues, UsageError } from "../options.ts";

export interface StaleCommandOptions {
  /** The current date (ISO); tests pin it. */
  now?: string;
}

export function staleCommand(
  args: string[],
  values: CliValues,
  io: CliIo,
  opts: StaleCommandOptions = {},
): number {
  if (args.length > 1) throw new UsageError(`stale takes at most one directory, got: ${args.join(" ")}`);
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new UsageError(`--format must be text or json (got "${format}")`);
  const dir = resolve(args[0] ?? ".");
  const snapshot = values.rev ? loadGitSnapshot(dir, values.rev) : loadDirectorySnapshot(dir);
  const { config } = loadConfig(values.config, snapshot);
  const days = values.days === undefined ? config.stale.days : Number(values.days);
  if (!Number.isInteger(days) || days < 0)
    throw new UsageError(`--days must be a whole number of days (got "${values.days}")`);
  const model = analyzeRepository(snapshot, {
    ...analyzeOptions(values),
    ...repositoryOption(dir, values.rev, io),
  });
  const history = gitDisabledSince(dir, values.rev ?? "HEAD");
  const services = serviceAges(
    findDisabledServices(snapshot, model),
    history,
    opts.now ?? new Date().toISOString(),
    days,
  );
  services.sort((a, b) => (b.days ?? -1) - (a.days ?? -1) || (a.file < b.file ? -1 : 1));

  if (format === "json") {
    const rows = services.map((s) => ({
      path: s.file,
      kustomizations: s.kustomizations.map((k) => k.key),
      disabledSince: s.since ? new Date(s.since.date).toISOString() : null,
      days: s.days ?? null,
      commit: s.since?.commit ?? null,
      stale: s.stale,
    }));
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  for (const s of services) {
    const age = s.days !== undefined ? `${String(s.days).padStart(5)} days` : "  age unknown";
    const since = s.since
      ? ` since ${s.since.date.slice(0, 10)} (${s.since.commit.slice(0, 7)}${s.since.author ? `, ${s.since.author}` : ""})`
      : "";
    const names =
      s.kustomizations.map((k) => k.key).join(", ") ||
      s.helmReleases.map((h) => `HelmRelease ${h.key}`).join(", ");
    io.stdout(`${age}  ${s.stale ? "STALE" : "     "}  ${s.file}  ${names}${since}\n`);
  }
  const stale = services.filter((s) => s.stale).length;
  io.stdout(
    `\n${services.length} disabled service${services.length === 1 ? "" : "s"}, ${stale} stale (disabled ${days} days or longer).${services.some((s) => s.days === undefined) ? " Ages come from git history; outside a git repository they are unknown." : ""}\n`,
  );
  return 0;
}
