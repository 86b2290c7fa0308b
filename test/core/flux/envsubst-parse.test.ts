// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the inputs are Flux ${var} templates, not JS templates
import { describe, expect, it } from "vitest";
import { globMatch } from "../../../src/core/flux/envsubst/glob.ts";
import { type Node, parseTemplate } from "../../../src/core/flux/envsubst/parse.ts";
import { utf8Encode } from "../../../src/core/flux/envsubst/utf8.ts";

const text = (value: string): Node => ({ type: "text", value });
const fn = (param: string, name = "", args: Node[] = []): Node => ({ type: "func", param, name, args });

// Trees from fluxcd/pkg envsubst/parse/parse_test.go (upstream nests lists; ours are flat, same order).
const TREES: Array<[string, Node[]]> = [
  ["text", [text("text")]],
  ["}text", [text("}text")]],
  ["$${string}", [text("${string}")]],
  ["$$string", [text("$string")]],
  ["\\\\.\\pipe\\pipename", [text("\\\\.\\pipe\\pipename")]],
  ["${string}", [fn("string")]],
  ["${string,}", [fn("string", ",")]],
  ["${string,,}", [fn("string", ",,")]],
  ["${string^}", [fn("string", "^")]],
  ["${string^^}", [fn("string", "^^")]],
  ["${string:position}", [fn("string", ":", [text("position")])]],
  ["${string:position:length}", [fn("string", ":", [text("position"), text("length")])]],
  ["${string#substring}", [fn("string", "#", [text("substring")])]],
  ["${string##substring}", [fn("string", "##", [text("substring")])]],
  ["${string%substring}", [fn("string", "%", [text("substring")])]],
  ["${string%%substring}", [fn("string", "%%", [text("substring")])]],
  ["${string/substring/replacement}", [fn("string", "/", [text("substring"), text("replacement")])]],
  ["${string//substring/replacement}", [fn("string", "//", [text("substring"), text("replacement")])]],
  ["${string/#substring/replacement}", [fn("string", "/#", [text("substring"), text("replacement")])]],
  ["${string/%substring/replacement}", [fn("string", "/%", [text("substring"), text("replacement")])]],
  ["${string=default}", [fn("string", "=", [text("default")])]],
  ["${string:=default}", [fn("string", ":=", [text("default")])]],
  ["${string:-default}", [fn("string", ":-", [text("default")])]],
  ["${string:?default}", [fn("string", ":?", [text("default")])]],
  ["${string:+default}", [fn("string", ":+", [text("default")])]],
  ["${#string}", [fn("string", "#")]],
  ["${string#$%:*{}", [fn("string", "#", [text("$%:*{")])]],
  ["hello ${#string} world", [text("hello "), fn("string", "#"), text(" world")]],
  ["\\\\ hello ${#string} world \\\\", [text("\\\\ hello "), fn("string", "#"), text(" world \\\\")]],
  ["${string/\\/position/length}", [fn("string", "/", [text("/position"), text("length")])]],
  ["${string/\\/position\\\\/length}", [fn("string", "/", [text("/position\\"), text("length")])]],
  ["${string/position/\\/length}", [fn("string", "/", [text("position"), text("/length")])]],
  ["${string/position/\\/leng\\\\th}", [fn("string", "/", [text("position"), text("/leng\\th")])]],
  ["${string:${position}}", [fn("string", ":", [fn("position")])]],
  [
    "${string:${stringy:position:length}:${stringz,,}}",
    [fn("string", ":", [fn("stringy", ":", [text("position"), text("length")]), fn("stringz", ",,")])],
  ],
  ["${string#${stringz}}", [fn("string", "#", [fn("stringz")])]],
  ["${string=prefix-${var}-suffix}", [fn("string", "=", [text("prefix-"), fn("var"), text("-suffix")])]],
  ["${string=prefix${var} suffix}", [fn("string", "=", [text("prefix"), fn("var"), text(" suffix")])]],
  ["${string//${stringy}/${stringz}}", [fn("string", "//", [fn("stringy"), fn("stringz")])]],
];

describe("core/flux/envsubst/parse", () => {
  it.each(TREES)("parses %s like upstream", (input, nodes) => {
    expect(parseTemplate(input)).toEqual({ ok: true, nodes });
  });

  it("returns upstream's error messages", () => {
    expect(parseTemplate("${}")).toEqual({ ok: false, error: "unable to parse variable name" });
    expect(parseTemplate("${a.b}")).toEqual({ ok: false, error: "missing closing brace" });
    expect(parseTemplate("${a:}")).toEqual({
      ok: false,
      error: "unable to parse substitution within function",
    });
    expect(parseTemplate("${a^x}")).toEqual({ ok: false, error: "bad substitution" });
  });

  it("reads the empty input as no nodes", () => {
    expect(parseTemplate("")).toEqual({ ok: true, nodes: [] });
  });
});

describe("core/flux/envsubst/glob", () => {
  const cases: Array<[string, string, boolean | "bad-pattern"]> = [
    ["*", "a/b/c", true],
    ["a*", "abc", true],
    ["a*c", "abbbc", true],
    ["a*c", "abcd", false],
    ["*.txt", "dir/file.txt", true],
    ["?", "é", true],
    ["??", "é", false],
    ["a?c", "a/c", true],
    ["[a-c]x", "bx", true],
    ["[^a-c]x", "bx", false],
    ["[^a-c]x", "dx", true],
    ["[\\]]", "]", true],
    ["\\*", "*", true],
    ["\\*", "a", false],
    ["[", "a", "bad-pattern"],
    ["[a-", "a", "bad-pattern"],
    ["a\\", "a", false],
    ["\\", "a", "bad-pattern"],
    ["", "", true],
    ["", "a", false],
  ];
  it.each(cases)("%s vs %s", (pattern, name, expected) => {
    expect(globMatch(utf8Encode(pattern), utf8Encode(name))).toBe(expected);
  });
});
