/**
 * flux-impact CLI: a thin adapter that loads snapshots from disk or git, calls the engine, and prints.
 * Exit codes: 0 ok, 1 errors found in the repository, 2 usage error.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type AnalyzedRepository, analyzeRepository, type RepoSnapshot } from "../core/index.ts";
import { renderComment, reportConclusion } from "../core/report/index.ts";
import { eventToken } from "../runtime/event-token.ts";
import { ClusterError } from "./cluster.ts";
import { buildCommand } from "./commands/build.ts";
import { buildHelmReleaseCommand } from "./commands/build-helmrelease.ts";
import { checkCommand } from "./commands/check.ts";
import { computeDiff, diffCommand } from "./commands/diff.ts";
import { graphCommand } from "./commands/graph.ts";
import { staleCommand } from "./commands/stale.ts";
import { statusCommand } from "./commands/status.ts";
import { loadDirectorySnapshot, loadGitSnapshot, SnapshotLoadError } from "./fs-snapshot.ts";
import { repositoryOption } from "./git-identity.ts";
import { analyzeOptions, type CliIo, type CliValues, parseCli, USAGE, UsageError } from "./options.ts";

export { type CliIo, UsageError } from "./options.ts";

/** The exit code; a promise for the commands that talk to a cluster. */
export function runCli(argv: readonly string[], io: CliIo): number | Promise<number> {
  const fail = (error: unknown): number => {
    if (error instanceof UsageError || error instanceof SnapshotLoadError || error instanceof ClusterError) {
      io.stderr(`flux-impact: ${error.message}\n`);
      return 2;
    }
    throw error;
  };
  try {
    const code = run(argv, io);
    return typeof code === "number" ? code : code.catch(fail);
  } catch (error) {
    return fail(error);
  }
}

function run(argv: readonly string[], io: CliIo): number | Promise<number> {
  const { values, positionals } = parseCli(argv);
  const [command, ...args] = positionals;
  if (values.help || command === undefined || command === "help") {
    io.stdout(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  switch (command) {
    case "check":
      return checkCommand(args, values, io);
    case "diff":
      return diffCommand(args, values, io);
    case "stale":
      return staleCommand(args, values, io);
    case "graph":
      return graphCommand(analyze(oneDir(command, args), values, io), values.format ?? "text", io);
    case "build": {
      const dir = oneDir(command, args);
      if (values.helmrelease) {
        if (values.all || values.kustomization)
          throw new UsageError("build takes one of --helmrelease, --kustomization or --all");
        const snapshot = load(dir, values);
        return buildHelmReleaseCommand(snapshot, analyzeSnapshot(snapshot, dir, values, io), values, io);
      }
      return buildCommand(analyze(dir, values, io), values, io);
    }
    case "demo":
      return demo(io, values);
    case "status": {
      const dir = oneDir(command, args);
      return statusCommand(dir, analyze(dir, values, io), values, io);
    }
    case "event-token":
      return eventTokenCommand(args, io);
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

/** `event-token OWNER/REPO`: what the Provider Secret of that repository's clusters holds. */
function eventTokenCommand(args: string[], io: CliIo): number {
  const [repository] = args;
  if (args.length !== 1 || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository ?? ""))
    throw new UsageError("event-token needs OWNER/REPO");
  const secret = process.env.FLUX_EVENTS_SECRET;
  if (!secret || secret.length < 16)
    throw new UsageError(
      "event-token needs the deployment's FLUX_EVENTS_SECRET (at least 16 characters) in the environment",
    );
  io.stdout(`${eventToken(secret, repository!)}\n`);
  return 0;
}

function oneDir(command: string, args: string[]): string {
  if (args.length > 1) throw new UsageError(`${command} takes at most one directory, got: ${args.join(" ")}`);
  return resolve(args[0] ?? ".");
}

function analyze(dir: string, values: CliValues, io: CliIo): AnalyzedRepository {
  return analyzeSnapshot(load(dir, values), dir, values, io);
}

function load(dir: string, values: CliValues): RepoSnapshot {
  return values.rev ? loadGitSnapshot(dir, values.rev) : loadDirectorySnapshot(dir);
}

function analyzeSnapshot(
  snapshot: RepoSnapshot,
  dir: string,
  values: CliValues,
  io: CliIo,
): AnalyzedRepository {
  return analyzeRepository(snapshot, { ...analyzeOptions(values), ...repositoryOption(dir, values.rev, io) });
}

/** The bundled example's pull request, as the comment the GitHub App would post. Always exits 0. */
function demo(io: CliIo, values: CliValues): number {
  const example = join(packageRoot(), "examples", "homelab");
  const { report, base, head } = computeDiff(join(example, "base"), join(example, "head"), values);
  io.stdout(
    renderComment(report, {
      base: { ...base, ref: "examples/homelab/base" },
      head: { ...head, ref: "examples/homelab/head" },
    }),
  );
  const verdict = reportConclusion(report);
  io.stdout(
    `\nflux-impact demo: ${report.kustomizations.length} Kustomizations and ${report.helmReleases.length} HelmReleases affected; the check run would conclude "${verdict}".\n`,
  );
  return 0;
}

/** The package root (has package.json): above src/cli/ here, above dist/ once bundled. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  // No top-level await: this module is also bundled as CommonJS (the built CLI's engine).
  void Promise.resolve(
    runCli(process.argv.slice(2), {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
    }),
  ).then((code) => {
    process.exitCode = code;
  });
}
