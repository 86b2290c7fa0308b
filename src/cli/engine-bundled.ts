/**
 * engine.ts in the built CLI (scripts/build.mjs puts this module in its place): the engine is the
 * CommonJS bundle dist/cli-engine.cjs, loaded with the code cache the build wrote beside it after running
 * the bundled example through it (code-cache.ts). Without a usable cache it loads as any script does.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { type CachedBundle, loadCachedBundle } from "./code-cache.ts";
import type { Engine } from "./engine.ts";

/**
 * A command runs for well under a second on most repositories, and V8 optimizing each function as soon as
 * it is warm (TurboFan) costs more than it saves before the process exits. So the engine runs with four
 * times V8's default budget (67,584) before a function is optimized. `build --all`, medians of 7
 * interleaved runs with the code cache, without → with:
 *   onedr0p-home-ops 0.49 → 0.41 s (CPU 0.71 → 0.51 s), budimanjojo-home-cluster 0.55 → 0.48 s,
 *   xunholy-k8s-gitops 0.70 → 0.63 s, joryirving-home-ops 1.16 → 1.09 s; the 772-Kustomization
 *   synthetic repository about the same (1.78–1.97 s against 1.74–1.89 s).
 * Twice the default was slower than four times, eight times no faster. Set before the engine loads, and
 * so also in the build's training run: V8 refuses a code cache made under other flags.
 */
const ENGINE_V8_FLAGS = "--interrupt-budget=270336";

/** dist/, where dist/cli.js (this module, bundled) and the engine bundle are. */
const DIST = dirname(fileURLToPath(import.meta.url));
export const ENGINE_BUNDLE = join(DIST, "cli-engine.cjs");
export const ENGINE_CODE_CACHE = join(DIST, "cli-engine.v8-cache");

let bundle: CachedBundle<Engine> | undefined;

export async function loadEngine(): Promise<Engine> {
  if (bundle === undefined) setFlagsFromString(ENGINE_V8_FLAGS);
  bundle ??= loadCachedBundle<Engine>(ENGINE_BUNDLE, ENGINE_CODE_CACHE);
  return bundle.exports;
}

/** Whether the loaded engine's code came from ENGINE_CODE_CACHE; undefined before it is loaded. */
export function engineFromCodeCache(): boolean | undefined {
  return bundle?.fromCache;
}

/** Saves what V8 compiled of the engine so far to ENGINE_CODE_CACHE; false when it was never loaded. */
export function writeEngineCodeCache(): boolean {
  if (bundle === undefined) return false;
  bundle.writeCache();
  return true;
}
