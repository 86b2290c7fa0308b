/**
 * Loads a CommonJS bundle with V8's code cache: the bytecode V8 compiled for it in an earlier run, so a
 * new process starts running the bundle instead of parsing and compiling 1.5 MB of JavaScript again.
 * Node 20 has no compile cache of its own (`module.enableCompileCache` is Node 22), so this is the one
 * its `vm.Script` offers (`cachedData` / `createCachedData`).
 *
 * V8 checks a cache's version, flags and source length, but neither the source's content nor its own
 * payload: a damaged payload crashes the process (a segmentation fault, tried). So the cache file starts
 * with the CRC-32 of the source it was made from and of the payload, and is handed to V8 only when both
 * match. A missing, foreign, damaged or refused cache only costs the compile time it would have saved.
 * (The check guards against accident, not against someone who can write dist/: a CRC detects every damage
 * up to 32 bits and all but one in 2^32 others, in 3 ms where SHA-256 took 10 of every command's start.)
 *
 * The build writes the bundle without comments (esbuild's minifyWhitespace), so it is ASCII: read as
 * Latin-1, the source becomes a one-byte string without UTF-8 decoding, which took about 25 ms of every
 * start while the bundle held a few non-ASCII characters in comments (V8 then stores 2 bytes per character).
 *
 * An `import()` inside a script compiled from a cache another process made finds no loader
 * (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING on Node 20: the loader's marker does not survive the cache), so
 * the bundle gets one as a wrapper parameter, `__import`, that imports from this module.
 */
import { isAscii } from "node:buffer";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";
import { crc32 } from "node:zlib";

export interface CachedBundle<T> {
  readonly exports: T;
  /** Whether the compiled code came from the cache file (false: no cache, another build's, or V8 refused it). */
  readonly fromCache: boolean;
  /** Writes what V8 has compiled of the bundle so far (call it after running the code worth caching). */
  writeCache(): void;
}

const DIGEST_BYTES = 4;
const digestOf = (data: Uint8Array) => {
  const digest = Buffer.alloc(DIGEST_BYTES);
  digest.writeUInt32BE(crc32(data));
  return digest;
};

export function loadCachedBundle<T>(file: string, cacheFile: string): CachedBundle<T> {
  const bytes = readFileSync(file);
  const source = bytes.toString(isAscii(bytes) ? "latin1" : "utf8");
  const digest = digestOf(bytes);
  const cachedData = readCache(cacheFile, digest);
  // The same wrapper as Node's CommonJS loader, on the first line so line numbers stay the bundle's own.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname, __import) { ${source}\n})`,
    { filename: file, cachedData },
  );
  const module = { exports: {} as T };
  const load = (specifier: string) => import(specifier);
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file), load);
  return {
    exports: module.exports,
    fromCache: cachedData !== undefined && !script.cachedDataRejected,
    writeCache() {
      const temporary = `${cacheFile}.${process.pid}.tmp`;
      const payload = script.createCachedData();
      writeFileSync(temporary, Buffer.concat([digest, digestOf(payload), payload]));
      renameSync(temporary, cacheFile);
    },
  };
}

function readCache(cacheFile: string, digest: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const payload = data.subarray(2 * DIGEST_BYTES);
  if (payload.length === 0 || !data.subarray(0, DIGEST_BYTES).equals(digest)) return undefined;
  return data.subarray(DIGEST_BYTES, 2 * DIGEST_BYTES).equals(digestOf(payload)) ? payload : undefined;
}
