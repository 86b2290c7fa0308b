import { describe, expect, it } from "vitest";
import {
  base64,
  goPathBase,
  isNonStringScalar,
  parseFileSource,
  parseLiteralSource,
  pluginConfigString,
  wrappedBase64,
} from "../../../../src/core/kustomize/generators/kv.ts";

describe("core/kustomize/generators/kv", () => {
  it("parses literal sources like kv.go", () => {
    expect(parseLiteralSource("eq=a=b")).toEqual({ ok: true, value: { key: "eq", value: "a=b" } });
    expect(parseLiteralSource('q="quoted value"')).toEqual({
      ok: true,
      value: { key: "q", value: "quoted value" },
    });
    expect(parseLiteralSource("s='single'")).toEqual({ ok: true, value: { key: "s", value: "single" } });
    expect(parseLiteralSource('x="unbalanced')).toEqual({
      ok: true,
      value: { key: "x", value: '"unbalanced' },
    });
    expect(parseLiteralSource(`z="'mixed"`)).toEqual({ ok: true, value: { key: "z", value: "'mixed" } });
    expect(parseLiteralSource('v="')).toEqual({ ok: true, value: { key: "v", value: '"' } });
    expect(parseLiteralSource('w=""')).toEqual({ ok: true, value: { key: "w", value: "" } });
    expect(parseLiteralSource("empty=")).toEqual({ ok: true, value: { key: "empty", value: "" } });
    expect(parseLiteralSource("noeq")).toEqual({
      ok: false,
      error: "invalid literal source noeq, expected key=value",
    });
    expect(parseLiteralSource("=v")).toEqual({
      ok: false,
      error: "invalid literal source =v, expected key=value",
    });
  });

  it("parses file sources like utils.go ParseFileSource", () => {
    expect(parseFileSource("dir/file1.txt")).toEqual({
      ok: true,
      value: { key: "file1.txt", path: "dir/file1.txt" },
    });
    expect(parseFileSource("renamed.txt=file1.txt")).toEqual({
      ok: true,
      value: { key: "renamed.txt", path: "file1.txt" },
    });
    expect(parseFileSource("=a.txt")).toEqual({
      ok: false,
      error: 'missing key name for file path "a.txt" in source "=a.txt"',
    });
    expect(parseFileSource("k=")).toEqual({
      ok: false,
      error: 'missing file path for key name "k" in source "k="',
    });
    expect(parseFileSource("a=b=c")).toEqual({
      ok: false,
      error: `source "a=b=c" key name or file path contains '='`,
    });
  });

  it("takes Go's path.Base as the default key", () => {
    expect(goPathBase("a/b/")).toBe("b");
    expect(goPathBase("file")).toBe("file");
    expect(goPathBase("")).toBe(".");
    expect(goPathBase("//")).toBe("/");
  });

  it("wraps base64 at 70 characters with a newline after every line once it is that long", () => {
    const bytes = (n: number) => new Uint8Array(n).fill(0x78);
    expect(base64(new TextEncoder().encode("bar"))).toBe("YmFy");
    expect(base64(new Uint8Array([0xff, 0xfe, 0x00, 0x01]))).toBe("//4AAQ==");
    expect(wrappedBase64(bytes(51))).toBe("eHh4".repeat(17));
    expect(wrappedBase64(bytes(52))).toBe(`${"eHh4".repeat(17)}eA\n==\n`);
    expect(wrappedBase64(bytes(54))).toBe(`${"eHh4".repeat(17)}eH\nh4\n`);
    expect(wrappedBase64(new Uint8Array(60).fill(0xff))).toBe(`${"/".repeat(70)}\n${"/".repeat(10)}\n`);
  });

  it("applies the plugin-config YAML round trip: NEL folding and refused characters", () => {
    expect(pluginConfigString("k=a\u0085b")).toEqual({ ok: true, value: "k=a b" });
    expect(pluginConfigString("k=a \u0085\u0085  b")).toEqual({ ok: true, value: "k=a\nb" });
    expect(pluginConfigString("k=a\u0085\u0085\u0085b")).toEqual({ ok: true, value: "k=a\n\nb" });
    expect(pluginConfigString("k=x\u0085 \u0085y")).toEqual({ ok: true, value: "k=x\ny" });
    expect(pluginConfigString("k=a\u2028b\ufeff\x01")).toEqual({ ok: true, value: "k=a\u2028b\ufeff\x01" });
    for (const bad of ["\x7f", "\x80", "\x9f", "\ufffe", "\uffff"]) {
      expect(pluginConfigString(`k=a${bad}b`)).toEqual({
        ok: false,
        error: "yaml: control characters are not allowed",
      });
    }
  });

  it("knows which keys go-yaml v3 reads back as non-strings (verified: these break kustomize's output)", () => {
    const failing = ["10", "1.5", "true", "True", "null", "~", "0x1F", "0o17", "2001-12-14", ".inf", "1_000"];
    const more = ["-5", "+5", "1e3", "0b11", "017", "NULL", ".NaN", "FALSE", "08", "+.inf"];
    for (const key of [...failing, ...more]) expect(isNonStringScalar(key), key).toBe(true);
    for (const key of ["y", "on", "<<", "1:20", "1x", "file10", "a.b", "FOO"])
      expect(isNonStringScalar(key), key).toBe(false);
  });
});
