/**
 * The `flux-impact` executable's entry (bin/flux-impact.js, bundled to dist/cli.js): answers `--help` from
 * the options module alone and loads the engine (./main.ts, with yaml, zod and the rest; engine.ts) only
 * for a command that needs it, so `flux-impact --help` starts in about the time Node itself does.
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadEngine } from "./engine.ts";
import { type KnownRepositoryIdentity, startRepositoryIdentity } from "./git-identity.ts";
import { type CliIo, parseCli, USAGE } from "./options.ts";

export { engineFromCodeCache, loadEngine, writeEngineCodeCache } from "./engine.ts";

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const help = helpExitCode(argv);
  if (help !== undefined) {
    io.stdout(USAGE);
    return help;
  }
  // git answers which repository this is while the engine loads (about 100 ms) instead of after it.
  const identity = repositoryIdentityAhead(argv);
  const { runCli } = await loadEngine();
  const repositoryIdentity = await identity;
  return runCli(argv, repositoryIdentity ? { ...io, repositoryIdentity } : io);
}

/** The commands that analyze the one folder they are given (or the current one) at `--rev` or its tree. */
const ONE_FOLDER_COMMANDS = new Set(["build", "check", "graph", "stale", "status"]);

/**
 * The repository identity a command will ask for (git-identity.ts repositoryOption), asked now; undefined
 * for any other command and for arguments the engine will refuse. Where this reads the arguments other than
 * as the command does, the command does not take the answer and asks git itself.
 */
export function repositoryIdentityAhead(
  argv: readonly string[],
): Promise<KnownRepositoryIdentity> | undefined {
  try {
    const { values, positionals } = parseCli(argv);
    const [command, ...args] = positionals;
    if (command === undefined || !ONE_FOLDER_COMMANDS.has(command) || args.length > 1) return undefined;
    return startRepositoryIdentity(resolve(args[0] ?? "."), values.rev);
  } catch {
    return undefined;
  }
}

/** runCli's answer when it would only print the usage; undefined otherwise (including usage errors). */
function helpExitCode(argv: readonly string[]): number | undefined {
  let parsed: ReturnType<typeof parseCli>;
  try {
    parsed = parseCli(argv);
  } catch {
    return undefined;
  }
  const command = parsed.positionals[0];
  if (!parsed.values.help && command !== undefined && command !== "help") return undefined;
  return command === undefined && !parsed.values.help ? 2 : 0;
}

/**
 * The process's own output as the CLI's io. A reader that stops early (`flux-impact diff … | head`) closes
 * the pipe: the CLI then stops quietly, as Unix tools do, instead of dying on the write with a stack trace.
 */
export function processIo(): CliIo {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    process.exit(process.exitCode ?? 0);
  });
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  };
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) process.exitCode = await main(process.argv.slice(2), processIo());
