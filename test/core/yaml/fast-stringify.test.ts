import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDirectorySnapshot } from "../../../src/cli/fs-snapshot.ts";
import { analyzeRepository } from "../../../src/core/analyze.ts";
import { fastStringify } from "../../../src/core/yaml/fast-stringify.ts";
import { retypes, stringifyWithLibrary } from "../../../src/core/yaml/stringify.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const repos = [
  join(ROOT, "examples/homelab/base"),
  join(ROOT, "examples/homelab/head"),
  ...readdirSync(join(ROOT, "test/scenarios/impact"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== "__snapshots__")
    .flatMap((d) => ["base", "head"].map((side) => join(ROOT, "test/scenarios/impact", d.name, side))),
  join(ROOT, "..", "shared", "corpus", "real", "onedr0p-home-ops"),
].filter((d) => existsSync(d));

const STRINGS = [
  "a\nb",
  "a\nb\n",
  "a\nb\n\n",
  " a\nb",
  "a\n b",
  "a \nb",
  "a\n\nb",
  "x: y\nz",
  "",
  "-",
  "- a",
  "a: b",
  "#x",
  "a #b",
  "'q'",
  "it's",
  '"d"',
  "tab\there",
  "ümlaut",
  "a\u0001b",
  "key:",
  "@x",
  "`x",
  "%x",
  "!x",
  "&x",
  "*x",
  "|x",
  ">x",
  "?x",
  "? x",
  "[x",
  "{x",
  "x]",
  "x,y",
  "https://a.b/c?d=e#f",
  "${A}",
  "~x",
  "null1",
  "1.2.3",
  "0.5x",
  ".5",
  "-1",
  "+1",
  "1_000",
  "1e3x",
  "a\r\nb",
  "trail \n",
  "\nlead",
  "a\n\n\nb\n",
  "yes",
  "On",
  "12:30",
  "2020-01-01",
  "0x1F",
  "---x",
  "--- x",
  "...",
  "a'b'c",
  "a\\b",
  "é: x",
];

describe("core/yaml/fast-stringify", () => {
  it("writes exactly what the yaml library writes, for tricky strings as values, list items and keys", () => {
    for (const s of STRINGS) {
      const obj = { k: s, list: [s, { [s || "e"]: s, z: [1, true, null] }], [s || "empty"]: { n: 1.5 } };
      const fast = fastStringify(obj, retypes);
      if (fast !== undefined) expect(fast, JSON.stringify(s)).toBe(stringifyWithLibrary(obj));
    }
  });

  it("writes exactly what the yaml library writes for every object rendered from the test repositories", () => {
    let fastCount = 0;
    let total = 0;
    for (const dir of repos) {
      const model = analyzeRepository(loadDirectorySnapshot(dir));
      for (const ks of model.kustomizations) {
        for (const { object } of ks.build?.objects ?? []) {
          total++;
          const fast = fastStringify(object, retypes);
          if (fast === undefined) continue;
          fastCount++;
          expect(fast).toBe(stringifyWithLibrary(object));
        }
      }
    }
    expect(fastCount / total).toBeGreaterThan(0.9);
  });
});
