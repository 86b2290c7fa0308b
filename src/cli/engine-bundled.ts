/**
 * engine.ts in the built CLI (scripts/build.mjs puts this module in its place): the engine is the
 * CommonJS bundle dist/cli-engine.cjs, loaded with the code cache the build wrote beside it after running
 * the bundled example through it (code-cache.ts). Without a usable cache it loads as any script does.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CachedBundle, loadCachedBundle } from "./code-cache.ts";
import type { Engine } from "./engine.ts";

/** dist/, where dist/cli.js (this module, bundled) and the engine bundle are. */
const DIST = dirname(fileURLToPath(import.meta.url));
export const ENGINE_BUNDLE = join(DIST, "cli-engine.cjs");
export const ENGINE_CODE_CACHE = join(DIST, "cli-engine.v8-cache");

let bundle: CachedBundle<Engine> | undefined;

export async function loadEngine(): Promise<Engine> {
  bundle ??= loadCachedBundle<Engine>(ENGINE_BUNDLE, ENGINE_CODE_CACHE);
  return bundle.exports;
}

/** Saves what V8 compiled of the engine so far to ENGINE_CODE_CACHE; false when it was never loaded. */
export function writeEngineCodeCache(): boolean {
  if (bundle === undefined) return false;
  bundle.writeCache();
  return true;
}
