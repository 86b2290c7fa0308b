import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCachedBundle } from "../../src/cli/code-cache.ts";

interface Bundle {
  answer: number;
  double(n: number): number;
  file: string;
  nodeUrl: string;
}

const SOURCE = `"use strict";
const url = require("node:url");
exports.answer = 42;
exports.double = (n) => n * 2;
exports.file = __filename;
exports.nodeUrl = typeof url.pathToFileURL;
`;

let dir: string;
let bundle: string;
let cache: string;
let copies = 0;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "flux-impact-code-cache-"));
  bundle = join(dir, "bundle.cjs");
  cache = join(dir, "bundle.v8-cache");
  writeFileSync(bundle, SOURCE);
});

/**
 * The bundle under a new name, as a new process would load it: V8 keeps what it compiled in this process
 * by source and file name, and would answer a second load of the same file from there, cache or not.
 */
function freshCopy(source = SOURCE): string {
  const file = join(dir, `bundle-${++copies}.cjs`);
  writeFileSync(file, source);
  return file;
}
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("loadCachedBundle", () => {
  it("runs a CommonJS bundle as Node would: exports, require and __filename", () => {
    const loaded = loadCachedBundle<Bundle>(bundle, cache);
    expect(loaded.fromCache).toBe(false);
    expect(loaded.exports.answer).toBe(42);
    expect(loaded.exports.double(21)).toBe(42);
    expect(loaded.exports.file).toBe(bundle);
    expect(loaded.exports.nodeUrl).toBe("function");
  });

  it("takes the compiled code it saved on the next load", () => {
    const first = loadCachedBundle<Bundle>(bundle, cache);
    first.exports.double(1);
    first.writeCache();
    const second = loadCachedBundle<Bundle>(freshCopy(), cache);
    expect(second.fromCache).toBe(true);
    expect(second.exports.double(4)).toBe(8);
  });

  it("does not hand V8 the cache of another source, even one of the same length", () => {
    loadCachedBundle<Bundle>(bundle, cache).writeCache();
    // V8 itself checks only the source's length: a same-length edit must still not take the old code.
    const loaded = loadCachedBundle<Bundle>(freshCopy(SOURCE.replace("answer = 42", "answer = 43")), cache);
    expect(loaded.fromCache).toBe(false);
    expect(loaded.exports.answer).toBe(43);
  });

  it("loads without the cache when the file is damaged (V8 would crash on a damaged payload)", () => {
    loadCachedBundle<Bundle>(bundle, cache).writeCache();
    const data = readFileSync(cache);
    // The digests stay; one byte of V8's data changes past its header, which V8 itself does not check.
    const damaged = Buffer.from(data);
    damaged[data.length - 8] = (damaged[data.length - 8] ?? 0) ^ 0x55;
    writeFileSync(cache, damaged);
    const loaded = loadCachedBundle<Bundle>(freshCopy(), cache);
    expect(loaded.fromCache).toBe(false);
    expect(loaded.exports.double(5)).toBe(10);
    for (const cut of ["short", data.subarray(0, 64)]) {
      writeFileSync(cache, cut);
      expect(loadCachedBundle<Bundle>(freshCopy(), cache).fromCache).toBe(false);
    }
  });
});
