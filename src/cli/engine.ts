/**
 * The CLI's engine (main.ts: every command but `--help`), as entry.ts loads it on demand. From the
 * sources (tsx) it is a dynamic import; the build replaces this module with engine-bundled.ts, which runs
 * the bundled engine (dist/cli-engine.cjs) with its V8 code cache.
 */
export type Engine = typeof import("./main.ts");

export function loadEngine(): Promise<Engine> {
  return import("./main.ts");
}

/** Whether the engine's code came from a code cache: undefined, as the sources have none. */
export function engineFromCodeCache(): boolean | undefined {
  return undefined;
}

/** Saves the loaded engine's compiled code for later runs: false, as the sources have no bundle to cache. */
export function writeEngineCodeCache(): boolean {
  return false;
}
