import { describe, expect, it } from "vitest";
import {
  parseSetInto,
  replacePathLiteralValue,
  replacePathValue,
} from "../../../src/core/impact/helm-strvals.ts";
import type { JsonObject } from "../../../src/core/kustomize/resource.ts";

function parse(line: string, stringValues = false): { values: JsonObject; error: string | undefined } {
  const values: JsonObject = {};
  const error = parseSetInto(line, values, stringValues);
  return { values, error };
}

describe("core/impact/helm-strvals", () => {
  // Cases from helm pkg/strvals/parser_test.go TestParseSet (expected values as Helm produces them).
  it.each<[string, JsonObject]>([
    ["name1=null,f=false,t=true", { name1: null, f: false, t: true }],
    ["name1=value1,name2=value2,", { name1: "value1", name2: "value2" }],
    ["name1=,name2=value2", { name1: "", name2: "value2" }],
    ["leading_zeros=00009", { leading_zeros: "00009" }],
    ["zero_int=0", { zero_int: 0 }],
    ["long_int=1234567890", { long_int: 1234567890 }],
    ["upper=TRUE,neg=-12,plus=+7,hex=0x10", { upper: true, neg: -12, plus: 7, hex: "0x10" }],
    ["big=99999999999999999999", { big: "99999999999999999999" }],
    ["name1=one\\,two,name2=three\\,four", { name1: "one,two", name2: "three,four" }],
    ["name1=one\\=two,name2=three\\=four", { name1: "one=two", name2: "three=four" }],
    ["name1=one two three", { name1: "one two three" }],
    [
      "outer.inner1=value,outer.middle.inner=value",
      { outer: { inner1: "value", middle: { inner: "value" } } },
    ],
    ["name1.name2=", { name1: { name2: "" } }],
    ["name1={value1,value2},name2={1021,902}", { name1: ["value1", "value2"], name2: [1021, 902] }],
    ["list[0]=foo,list[3]=bar", { list: ["foo", null, null, "bar"] }],
    ["list[0].foo=bar,list[0].hello=world", { list: [{ foo: "bar", hello: "world" }] }],
    ["noval[0]", { noval: [] }],
    ["noval[0]=", { noval: [""] }],
    ["nested[1][1]=1", { nested: [null, [null, 1]] }],
    ["name1.name2[1].foo=bar,name1.name2[0].foo=bar", { name1: { name2: [{ foo: "bar" }, { foo: "bar" }] } }],
    ["a\\.b.c=1", { "a.b": { c: 1 } }],
  ])("parses %s", (line, expected) => {
    expect(parse(line)).toEqual({ values: expected, error: undefined });
  });

  it.each<[string, string]>([
    ["name1=value1,,,,name2=value2,", 'key "" has no value (cannot end with ,)'],
    ["name1,name2=value2", 'key "name1" has no value (cannot end with ,)'],
    ["name1.name2", 'key "name2" has no value'],
    ["name1.=name2", 'key map "name1" has no value'],
    ["name1={1021,902", "list must terminate with '}'"],
    ["list[0].foo=bar,list[-30].hello=world", "negative -30 index not allowed"],
    ["illegal[0]name.foo=bar", 'unexpected data at end of array index: "name"'],
    ["list[65537]=x", "index of 65537 is greater than maximum supported index of 65536"],
    [`${"a.".repeat(31)}b=1`, "value name nested level is greater than maximum supported nested level of 30"],
  ])("rejects %s", (line, error) => {
    expect(parse(line).error).toBe(error);
  });

  it("forces strings with ParseIntoString", () => {
    expect(parse("a=true,b=0,c=null,d={1,2}", true)).toEqual({
      values: { a: "true", b: "0", c: "null", d: ["1", "2"] },
      error: undefined,
    });
  });

  it("merges into existing values in place (TestParseInto)", () => {
    const values: JsonObject = { outer: { inner1: "overwrite", inner2: "value2" } };
    const outer = values.outer;
    expect(
      parseSetInto("outer.inner1=value1,outer.inner3=value3,outer.inner4=4", values, false),
    ).toBeUndefined();
    expect(values).toEqual({ outer: { inner1: "value1", inner2: "value2", inner3: "value3", inner4: 4 } });
    expect(values.outer).toBe(outer);

    const nested: JsonObject = { listOuter: [[[{ exited: "old" }]]] };
    expect(parseSetInto("listOuter[0][1][0].type=listValue", nested, false)).toBeUndefined();
    expect(parseSetInto("listOuter[0][0][1].status=alive", nested, false)).toBeUndefined();
    expect(nested).toEqual({
      listOuter: [[[{ exited: "old" }, { status: "alive" }], [{ type: "listValue" }]]],
    });
  });

  it("fails when a path crosses a value of another type", () => {
    expect(parseSetInto("a.b=1", { a: "text" }, false)).toBe('unable to parse key: "a" is not a map');
    expect(parseSetInto("a[0]=1", { a: { x: 1 } }, false)).toBe('unable to parse key: "a" is not a list');
  });

  it("keeps __proto__ keys as data", () => {
    const { values } = parse("__proto__.polluted=yes");
    expect(Object.keys(values)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });

  it("reports the paths it sets", () => {
    const paths: Array<Array<string | number>> = [];
    parseSetInto("a.b=1,c[1].d={x,y}", {}, false, (p) => paths.push(p));
    expect(paths).toEqual([
      ["a", "b"],
      ["c", 1, "d"],
    ]);
  });

  describe("Flux ReplacePathValue", () => {
    it("types plain values and trims quotes into strings", () => {
      const values: JsonObject = {};
      expect(replacePathValue(values, "replicas", "3")).toBeUndefined();
      expect(replacePathValue(values, "port", '"8080"')).toBeUndefined();
      expect(replacePathValue(values, "flag", "'true'")).toBeUndefined();
      expect(values).toEqual({ replicas: 3, port: "8080", flag: "true" });
    });

    it("splits values with commas (fluxcd/flux2#2625), the literal form does not", () => {
      const brokers = "kafka01.net:9092,kafka02.net:9092,kafka03.net:9092";
      expect(replacePathValue({}, "kafka.brokers", brokers)).toBe(
        'key "net:9092" has no value (cannot end with ,)',
      );
      const values: JsonObject = {};
      expect(replacePathLiteralValue(values, "kafka.brokers", brokers)).toBeUndefined();
      expect(values).toEqual({ kafka: { brokers } });
    });

    it("sets a multi-line document verbatim with literal, keeping \\. escapes in the path", () => {
      const conf = 'kafka {\n  bootstrap = "b-1:9098,b-2:9098"\n  list = [a]\n}\n\\n';
      const values: JsonObject = {};
      expect(
        replacePathLiteralValue(values, "externalConfig.application\\.conf.content", conf),
      ).toBeUndefined();
      expect(values).toEqual({ externalConfig: { "application.conf": { content: conf } } });
    });
  });
});
