// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the inputs are Flux ${var} templates, not JS templates
import { describe, expect, it } from "vitest";
import { envsubst, type VariableLookup, type VariableUse } from "../../../src/core/flux/envsubst.ts";

function lookupOf(vars: Record<string, string>): VariableLookup {
  return (name) => (Object.hasOwn(vars, name) ? vars[name] : undefined);
}

type Expect = string | { error: string };
type Case = [input: string, vars: Record<string, string>, expected: Expect];

function run(cases: Case[], strict: boolean): void {
  it.each(cases)("%s", (input, vars, expected) => {
    const result = envsubst(input, lookupOf(vars), { strict });
    if (typeof expected === "string") expect(result).toEqual({ ok: true, value: expected });
    else expect(result).toEqual({ ok: false, error: expected.error });
  });
}

const NOT_SET = (name: string) => ({ error: `variable not set (strict mode): "${name}"` });
const BAD = { error: "bad substitution" };
const NO_CLOSE = { error: "missing closing brace" };
const NO_NAME = { error: "unable to parse variable name" };
const BAD_ARG = { error: "unable to parse substitution within function" };

describe("core/flux/envsubst", () => {
  describe("plain text and escapes", () => {
    run(
      [
        ["abcdEFGH28ij", {}, "abcdEFGH28ij"],
        ["$var and $HOME stay", { var: "x", HOME: "/root" }, "$var and $HOME stay"],
        ["$$", {}, "$"],
        ["$${v}", { v: "x" }, "${v}"],
        ["$$v", { v: "x" }, "$v"],
        ["a$$$b", {}, "a$$b"],
        ["$$${v}", { v: "x" }, "$x"],
        ["price: 5$ and $", {}, "price: 5$ and $"],
        ["}text{", {}, "}text{"],
        ["http://github.com", {}, "http://github.com"],
        ["\\${v}", { v: "x" }, "\\x"],
        ["\\\\something ${v}", { v: "foo" }, "\\\\something foo"],
        ["\\\\.\\pipe\\pipename", {}, "\\\\.\\pipe\\pipename"],
        ["some text ${v}$${v$${v}$v${v}", { v: "abc" }, "some text abc${v${v}$vabc"],
        ["something $${var=${d}}", { d: "foo" }, "something ${var=foo}"],
        ["héllo ${v} wörld ✓", { v: "ünï" }, "héllo ünï wörld ✓"],
        // Go's eof rune is 0: a NUL character ends the input (upstream quirk).
        ["a\u0000${v} rest", { v: "x" }, "a"],
      ],
      true,
    );
  });

  describe("variables and defaults", () => {
    run(
      [
        ["${v}", { v: "value" }, "value"],
        ["${a}${b}-${a}", { a: "1", b: "2" }, "12-1"],
        ["${v}", { v: "" }, ""],
        ["${v:=d}", {}, "d"],
        ["${v:=d}", { v: "" }, "d"],
        ["${v:=d}", { v: "set" }, "set"],
        ["${v:-d}", { v: "" }, "d"],
        ["${v:-d}", { v: "set" }, "set"],
        ["${v=d}", {}, "d"],
        ["${v=d}", { v: "" }, "d"],
        ["${v=d}", { v: "abc" }, "abc"],
        ["${v:=}", {}, ""],
        ["${v=}", { v: "x" }, "x"],
        ["${v:==x}", {}, "=x"],
        ["${v:=a b: c/d}", {}, "a b: c/d"],
        ["${v:+d}", {}, "d"],
        ["${v:+d}", { v: "set" }, "set"],
        ["${v:?d}", {}, "d"],
        ["${v:=${d}}", { d: "foo" }, "foo"],
        ["foo: ${v=${d}-suffix}", { d: "foo1" }, "foo: foo1-suffix"],
        ["foo: ${v=prefix${d}-suffix}", { d: "foo1" }, "foo: prefixfoo1-suffix"],
        ["${v=prefix${d} suffix}", { d: "x" }, "prefixx suffix"],
        ["${a:=${b:=${c}}}", { c: "deep" }, "deep"],
        ["${v=${w^^}}", { w: "abcdEFGH28ij" }, "ABCDEFGH28IJ"],
        ["${APP:=web}.${DOMAIN}", { DOMAIN: "example.com" }, "web.example.com"],
        // In a default, "$$" is not an escape: "$" stays and the next "${" opens an expression (upstream quirk).
        ["${v:=$${x}}", { x: "X" }, "$X"],
        // "${v:-3}" is a default, not a negative offset.
        ["${v:-3}", { v: "abcdef" }, "abcdef"],
        // Unicode letters are accepted in names, digits may lead.
        ["${é}-${1abc}", { é: "e", "1abc": "n" }, "e-n"],
      ],
      true,
    );
  });

  describe("length, case and substring", () => {
    run(
      [
        ["${#v}", { v: "abcdEFGH28ij" }, "12"],
        ["${#v}", { v: "" }, "0"],
        ["${#v}", { v: "é✓" }, "5"],
        ["${v^}", { v: "abcdEFGH28ij" }, "AbcdEFGH28ij"],
        ["${v^^}", { v: "abcdEFGH28ij" }, "ABCDEFGH28IJ"],
        ["${v,}", { v: "ABCDEFGH28IJ" }, "aBCDEFGH28IJ"],
        ["${v,,}", { v: "ABCDEFGH28IJ" }, "abcdefgh28ij"],
        ["${v^}", { v: "" }, ""],
        ["${v^}", { v: "élan" }, "Élan"],
        ["${v^^}", { v: "straße" }, "STRAßE"],
        ["${v,,}", { v: "ΑΣ" }, "ασ"],
        ["${v^,}", { v: "abc" }, "abc"],
        ["${p:11}", { p: "/home/bozo/ideas/thoughts.for.today" }, "ideas/thoughts.for.today"],
        ["${p:11:5}", { p: "/home/bozo/ideas/thoughts.for.today" }, "ideas"],
        ["${v:2}", { v: "abcdef" }, "cdef"],
        ["${v:2:2}", { v: "abcdef" }, "cd"],
        ["${v:2:100}", { v: "abcdef" }, "cdef"],
        ["${v:10}", { v: "abcdef" }, ""],
        ["${v:0:0}", { v: "abcdef" }, ""],
        ["${v:${N}}", { v: "abcdef", N: "-3" }, "def"],
        ["${v:${N}:2}", { v: "abcdef", N: "-3" }, "de"],
        ["${v:${N}}", { v: "abc", N: "-10" }, "abc"],
        ["${v:+1}", { v: "abc" }, "abc"],
        ["${v:x}", { v: "abc" }, "abc"],
        ["${v: 1}", { v: "abc" }, "abc"],
        ["${v:1:x}", { v: "abc" }, "abc"],
        ["${v:1}", { v: "éa" }, "\uFFFDa"],
        ["${v:1:-1}", { v: "abcdef" }, { error: "runtime error: slice bounds out of range [1:0]" }],
      ],
      true,
    );
  });

  describe("pattern removal (glob)", () => {
    run(
      [
        ["${f#*.}", { f: "bash.string.txt" }, "string.txt"],
        ["${f##*.}", { f: "bash.string.txt" }, "txt"],
        ["${f%.*}", { f: "bash.string.txt" }, "bash.string"],
        ["${f%%.*}", { f: "bash.string.txt" }, "bash"],
        ["${f#*/}", { f: "path/to/file" }, "to/file"],
        ["${f#*/}", { f: "/path/to/file" }, "path/to/file"],
        ["${f##*/}", { f: "/path/to/file" }, "file"],
        ["${f%.txt}", { f: "a.txt" }, "a"],
        ["${f#?}", { f: "abc" }, "bc"],
        ["${f#[ab]}", { f: "abc" }, "bc"],
        // Negation is "^" as in Go's path.Match; "!" is a literal class member.
        ["${f#[!a]}", { f: "abc" }, "bc"],
        ["${f#[^a]}", { f: "bcd" }, "cd"],
        ["${f#[a-c]*}", { f: "abc-def" }, "bc-def"],
        ["${f##[a-c]*}", { f: "abc-def" }, ""],
        ["${f#\\*}", { f: "*x" }, "x"],
        ["${f#x}", { f: "abc" }, "abc"],
        ["${f#[}", { f: "abc" }, "abc"],
        ["${string#$%:*{}", { string: "$%:*{abc" }, "abc"],
        ["${f#${p}}", { f: "v1.2.3", p: "v" }, "1.2.3"],
        // Suffix removal reverses the pattern too, so a character class cannot match (upstream quirk).
        ["${f%[0-9]}", { f: "abc1" }, "abc1"],
      ],
      true,
    );
  });

  describe("replacement (literal patterns)", () => {
    run(
      [
        ["${s/abc/xyz}", { s: "abcABC123ABCabc" }, "xyzABC123ABCabc"],
        ["${s//abc/xyz}", { s: "abcABC123ABCabc" }, "xyzABC123ABCxyz"],
        ["${s/#abc/XYZ}", { s: "abcABC123ABCabc" }, "XYZABC123ABCabc"],
        ["${s/%abc/XYZ}", { s: "abcABC123ABCabc" }, "abcABC123ABCXYZ"],
        ["${s/#ABC/XYZ}", { s: "abcABC" }, "abcABC"],
        ["${DOMAIN/./-}", { DOMAIN: "example.com" }, "example-com"],
        ["${s//./-}", { s: "a.b.c" }, "a-b-c"],
        ["${s/\\//-}", { s: "foo/bar" }, "foo-bar"],
        ["${s//\\//-}", { s: "foo/bar/baz" }, "foo-bar-baz"],
        ["${s/\\\\/x}", { s: "a\\b" }, "axb"],
        ["${s/position/\\/length\\\\}", { s: "position" }, "/length\\"],
        ["${s/./}", { s: "foo.bar" }, "foobar"],
        ["${s/*/x}", { s: "a*b" }, "axb"],
        ["${s/a/$&}", { s: "abc" }, "$&bc"],
        ["${s/a/b/c}", { s: "a" }, "b/c"],
        ["${s/a/$${x}}", { s: "a", x: "X" }, "${x}"],
        ["${s//${a}/${b}}", { s: "1-2-3", a: "-", b: "+" }, "1+2+3"],
        ["${s/${E}/x}", { s: "ab", E: "" }, "xab"],
        ["${s//${E}/-}", { s: "ab", E: "" }, "-a-b-"],
        // With an empty replacement, prefix/suffix replacement does nothing (upstream needs two args).
        ["${s/#a/}", { s: "abc" }, "abc"],
        ["${s/%c/}", { s: "abc" }, "abc"],
      ],
      true,
    );
  });

  describe("malformed expressions", () => {
    run(
      [
        ["${}", {}, NO_NAME],
        ["${", {}, NO_NAME],
        ["text ${", {}, NO_NAME],
        ["${ a}", { a: "x" }, NO_NAME],
        ["${a", { a: "x" }, NO_CLOSE],
        ["${a }", { a: "x" }, NO_CLOSE],
        ["${a.b}", { a: "x" }, NO_CLOSE],
        ["${my-var}", { my: "x" }, NO_CLOSE],
        ["${v-d}", { v: "x" }, NO_CLOSE],
        ["${v+d}", { v: "x" }, NO_CLOSE],
        ["${v?d}", { v: "x" }, NO_CLOSE],
        ["${#}", {}, BAD],
        ["${##v}", { v: "x" }, BAD],
        ["${#v:1}", { v: "x" }, BAD],
        ["${v,,,}", { v: "x" }, BAD],
        ["${v:}", { v: "x" }, BAD_ARG],
        ["${v::2}", { v: "x" }, BAD_ARG],
        // Upstream steps back by the width of the peeked rune here and rescans inside the name.
        ["${v:é}", { v: "x" }, BAD],
        ["${v#}", { v: "x" }, BAD_ARG],
        ["${v///x}", { v: "x" }, BAD_ARG],
        ["${v//}", { v: "x" }, BAD],
        ["${v/a}", { v: "x" }, BAD],
        ["${v:=${}}", { v: "x" }, NO_NAME],
        ["ok ${a} then ${b", { a: "1", b: "2" }, NO_CLOSE],
      ],
      false,
    );
  });

  describe("strict mode", () => {
    run(
      [
        ["${missing}", {}, NOT_SET("missing")],
        ["${empty}", { empty: "" }, ""],
        ["${#missing}", {}, NOT_SET("missing")],
        ["${missing^}", {}, NOT_SET("missing")],
        ["${missing^^}", {}, NOT_SET("missing")],
        ["${missing,}", {}, NOT_SET("missing")],
        ["${missing,,}", {}, NOT_SET("missing")],
        ["${missing:0}", {}, NOT_SET("missing")],
        ["${missing:0:10}", {}, NOT_SET("missing")],
        ["${missing/pattern/replacement}", {}, NOT_SET("missing")],
        ["${missing//pattern/replacement}", {}, NOT_SET("missing")],
        ["${missing/#pattern/replacement}", {}, NOT_SET("missing")],
        ["${missing/%pattern/replacement}", {}, NOT_SET("missing")],
        ["${missing#pattern}", {}, NOT_SET("missing")],
        ["${missing##pattern}", {}, NOT_SET("missing")],
        ["${missing%pattern}", {}, NOT_SET("missing")],
        ["${missing%%pattern}", {}, NOT_SET("missing")],
        ["${missing:-fallback}", {}, "fallback"],
        ["${missing:=assigned}", {}, "assigned"],
        ["${missing=assigned}", {}, "assigned"],
        ["${missing:+x}", {}, "x"],
        ["${missing:?x}", {}, "x"],
        ["${missing:=}", {}, ""],
        // Default arguments are evaluated first, even when the variable is set (upstream order).
        ["${set:=${missing}}", { set: "x" }, NOT_SET("missing")],
        ["${set:=${missing:=d}}", { set: "x" }, "x"],
        ["first ${a} then ${missing} ${alsoMissing}", { a: "1" }, NOT_SET("missing")],
        ["$${missing} is escaped", {}, "${missing} is escaped"],
      ],
      true,
    );
  });

  describe("non-strict mode", () => {
    run(
      [
        ["${missing}", {}, ""],
        ["[${missing}]", {}, "[]"],
        ["${#missing}", {}, "0"],
        ["${missing^^}", {}, ""],
        ["${missing/a/b}", {}, ""],
        ["${missing:=d}", {}, "d"],
        ["${set:=${missing}}", { set: "x" }, "x"],
      ],
      false,
    );
  });

  describe("strictReason", () => {
    it("appends the reason to the strict-mode error", () => {
      const reason =
        "Flux 2.9.4 (clusters/main/flux-instance.yaml, spec.distribution.version) fails the build on undefined variables";
      expect(envsubst("a ${FOO} b", lookupOf({}), { strict: true, strictReason: reason })).toEqual({
        ok: false,
        error: `variable not set (strict mode): "FOO" (${reason})`,
      });
    });

    it("has no effect when not strict: the variable becomes an empty string", () => {
      expect(envsubst("a${FOO}b", lookupOf({}), { strict: false, strictReason: "ignored" })).toEqual({
        ok: true,
        value: "ab",
      });
    });
  });

  describe("the expression passed to the lookup", () => {
    function uses(text: string, vars: Record<string, string> = {}): Array<[string, VariableUse]> {
      const seen: Array<[string, VariableUse]> = [];
      envsubst(
        text,
        (name, use) => {
          seen.push([name, use]);
          return Object.hasOwn(vars, name) ? vars[name] : undefined;
        },
        { strict: false },
      );
      return seen;
    }

    it("gives the evaluated default of default operators", () => {
      expect(uses("${q:='}")).toEqual([["q", { operator: ":=", default: "'" }]]);
      expect(uses("${A:-x${B}y}", { B: "b" })).toEqual([
        ["B", { operator: "" }],
        ["A", { operator: ":-", default: "xby" }],
      ]);
      expect(uses("${A=}")).toEqual([["A", { operator: "=", default: "" }]]);
      expect(uses("${A:+z}")).toEqual([["A", { operator: ":+", default: "z" }]]);
    });

    it("gives no default for other operators", () => {
      expect(uses("${A} ${B^^} ${C:1:2}")).toEqual([
        ["A", { operator: "" }],
        ["B", { operator: "^^" }],
        ["C", { operator: ":" }],
      ]);
    });

    it("lets a lookup decline a variable read through a default, which then takes the default", () => {
      const lookup: VariableLookup = (name, use) => (use.default !== undefined ? undefined : `<${name}>`);
      expect(envsubst("${A:=d} ${A}", lookup, { strict: true })).toEqual({ ok: true, value: "d <A>" });
    });
  });

  it("handles long inputs with many escapes and expressions linearly", () => {
    const unit = "echo $${HOME} ${v} ";
    const text = unit.repeat(20000);
    const result = envsubst(text, lookupOf({ v: "x" }), { strict: true });
    expect(result).toEqual({ ok: true, value: "echo ${HOME} x ".repeat(20000) });
  });

  it("bounds nesting depth instead of overflowing the stack", () => {
    const deep = `${"${a:=".repeat(500)}x${"}".repeat(500)}`;
    expect(envsubst(deep, lookupOf({}), { strict: true })).toEqual({
      ok: false,
      error: "bad substitution: expressions nested too deeply",
    });
    const ok = `${"${a:=".repeat(50)}x${"}".repeat(50)}`;
    expect(envsubst(ok, lookupOf({}), { strict: true })).toEqual({ ok: true, value: "x" });
  });
});
