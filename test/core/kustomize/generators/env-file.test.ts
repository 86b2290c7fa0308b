import { describe, expect, it } from "vitest";
import { parseEnvFile } from "../../../../src/core/kustomize/generators/env-file.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("core/kustomize/generators/env-file", () => {
  it("parses lines the way kubectl kustomize v5.5.0 did", () => {
    const text =
      '\ufeffFIRST=1\n  # comment\n\n   LEAD=x\nB="two words"\n E = spaced \nexport C=3\nD\nEQ=a=b\n=novalue\n' +
      "CR=crlf\r\n\t\vTAB=t\n\u00a0NBSP=n\n\ufeffBOM2=b\n\u2003EMSP=e\n\u0085NEL=n\nLAST=nonl";
    expect(parseEnvFile(bytes(text))).toEqual({
      ok: true,
      value: [
        { key: "FIRST", value: "1" },
        { key: "LEAD", value: "x" },
        { key: "B", value: '"two words"' },
        { key: "E ", value: " spaced " },
        { key: "export C", value: "3" },
        { key: "D", value: "" },
        { key: "EQ", value: "a=b" },
        { key: "CR", value: "crlf" },
        { key: "TAB", value: "t" },
        { key: "NBSP", value: "n" },
        { key: "\ufeffBOM2", value: "b" },
        { key: "EMSP", value: "e" },
        { key: "NEL", value: "n" },
        { key: "LAST", value: "nonl" },
      ],
    });
  });

  it("reports a line that is not UTF-8 with kustomize's message", () => {
    const content = new Uint8Array([...bytes("A=1\nB="), 0xff, 0x0a]);
    expect(parseEnvFile(content)).toEqual({
      ok: false,
      error: "line [66 61 255] has invalid utf8 bytes : B=\ufffd",
    });
  });

  it("stops silently at a line of 64 KiB or more (bufio.Scanner's limit, error ignored upstream)", () => {
    const long = `L=${"x".repeat(65_534)}`; // 65536 bytes
    expect(parseEnvFile(bytes(`A=1\n${long}\nB=2\n`))).toEqual({
      ok: true,
      value: [{ key: "A", value: "1" }],
    });
    const fits = `L=${"x".repeat(65_533)}`; // 65535 bytes
    expect(parseEnvFile(bytes(`${fits}\nB=2`))).toEqual({
      ok: true,
      value: [
        { key: "L", value: "x".repeat(65_533) },
        { key: "B", value: "2" },
      ],
    });
  });

  it("returns no pairs for an empty file or one with only comments", () => {
    expect(parseEnvFile(bytes(""))).toEqual({ ok: true, value: [] });
    expect(parseEnvFile(bytes("# a\n\n   \n"))).toEqual({ ok: true, value: [] });
  });
});
