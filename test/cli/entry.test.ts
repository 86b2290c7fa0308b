import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/entry.ts";
import { runCli } from "../../src/cli/main.ts";

function capture(
  run: (io: { stdout: (t: string) => void; stderr: (t: string) => void }) => number | Promise<number>,
) {
  const out: string[] = [];
  const err: string[] = [];
  return Promise.resolve(run({ stdout: (t) => out.push(t), stderr: (t) => err.push(t) })).then((code) => ({
    code,
    stdout: out.join(""),
    stderr: err.join(""),
  }));
}

describe("cli/entry (the executable's fast --help path)", () => {
  for (const argv of [[], ["help"], ["--help"], ["graph", "--help"], ["--help", "--bogus"], ["bogus"]]) {
    it(`answers [${argv.join(" ")}] as runCli does`, async () => {
      const viaEntry = await capture((io) => main(argv, io));
      const direct = await capture((io) => runCli(argv, io));
      expect(viaEntry).toEqual(direct);
    });
  }
});
