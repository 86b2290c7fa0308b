/**
 * Where fetched charts are kept. Two kinds of key: `sha256:<hex>` → a chart archive's bytes, and
 * `ref:<hex>` → what a pinned reference (an exact version, a digest) resolved to, as JSON. The fetcher
 * checks an archive's digest whatever the cache; the directory cache also checks it on read and drops a
 * file that does not match.
 */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { sha256Hex } from "./digest.ts";

export interface ChartCache {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, bytes: Uint8Array): Promise<void>;
}

/** A cache in memory, for one process (the App's job, a test). */
export function memoryChartCache(): ChartCache {
  const entries = new Map<string, Uint8Array>();
  return {
    async get(key) {
      return entries.get(key);
    },
    async put(key, bytes) {
      entries.set(key, bytes.slice());
    },
  };
}

/**
 * The CLI's cache directory: `$XDG_CACHE_HOME/flux-impact/charts`, or `~/.cache/flux-impact/charts` when
 * XDG_CACHE_HOME is unset or not absolute (the XDG Base Directory spec says to ignore a relative one).
 */
export function defaultChartCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  homedir: string,
): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir, ".cache");
  return join(base, "flux-impact", "charts");
}

const DIGEST_KEY = /^sha256:([0-9a-f]{64})$/;
const REF_KEY = /^ref:([0-9a-f]{64})$/;

/** The file of a key: archives under `sha256/`, references under `refs/`, anything else by its hash. */
function fileOf(dir: string, key: string): string {
  const digest = DIGEST_KEY.exec(key);
  if (digest) return join(dir, "sha256", `${digest[1]}.tgz`);
  const ref = REF_KEY.exec(key);
  if (ref) return join(dir, "refs", `${ref[1]}.json`);
  return join(dir, "other", sha256Hex(key));
}

/**
 * A cache in a directory (the CLI's, see `defaultChartCacheDir`), kept across runs. Writes are atomic (a
 * temporary file in the same directory, then a rename), so a reader never sees half a file; an archive
 * whose bytes no longer match its digest is removed and reported missing.
 */
export function directoryChartCache(dir: string): ChartCache {
  return {
    async get(key) {
      const file = fileOf(dir, key);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(file));
      } catch {
        return undefined;
      }
      const digest = DIGEST_KEY.exec(key);
      if (digest && sha256Hex(bytes) !== digest[1]) {
        await rm(file, { force: true }).catch(() => undefined);
        return undefined;
      }
      return bytes;
    },
    async put(key, bytes) {
      const file = fileOf(dir, key);
      const folder = join(file, "..");
      await mkdir(folder, { recursive: true });
      const temp = join(folder, `.${randomUUID()}.tmp`);
      try {
        await writeFile(temp, bytes, { flag: "wx" });
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw error;
      }
    },
  };
}
