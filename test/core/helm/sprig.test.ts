import { describe, expect, it } from "vitest";
import { type GoValue, sprigFunctions, TemplateSet } from "../../../src/core/helm/index.ts";

const funcs = sprigFunctions();
function render(text: string, data: GoValue = {}): string {
  return new TemplateSet({ funcs }).parse("t", text).execute("t", data);
}

describe("sprig: defaults and emptiness, as Go decides them", () => {
  it("defaults on Go's zero values, not on false-looking text", () => {
    expect(
      render(
        '{{default "d" .none}}|{{default "d" ""}}|{{default "d" 0}}|{{default "d" "0"}}|{{default "d" false}}',
      ),
    ).toBe("d|d|d|0|d");
    expect(
      render('{{empty .list}} {{empty .map}} {{coalesce "" .none "x"}} {{ternary "y" "n" true}}', {
        list: [],
        map: {},
      }),
    ).toBe("true true x y");
  });
});

describe("sprig: strings", () => {
  it("indents, quotes, trims and truncates as charts use them", () => {
    expect(
      render(
        '{{"a\\nb" | indent 2}}|{{"a" | nindent 4}}|{{quote "x" .none 1}}|{{squote "y"}}|{{trunc 3 "abcdef"}}|{{trunc -2 "abcdef"}}',
      ),
    ).toBe('  a\n  b|\n    a|"x" "1"|\'y\'|abc|ef');
    expect(
      render(
        '{{upper "ab"}} {{title "hello world"}} {{snakecase "FirstName"}} {{kebabcase "FirstName"}} {{camelcase "http_server"}}',
      ),
    ).toBe("AB Hello World first_name first-name HttpServer");
  });

  it("replaces with RE2 regular expressions and Go's $1 references", () => {
    expect(
      render(
        '{{regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W"}} {{regexMatch "^v[0-9]+$" "v12"}} {{regexFind "[0-9]+" "ab123c"}}',
      ),
    ).toBe("-W-xxW- true 123");
  });
});

describe("sprig: lists and dicts", () => {
  it("builds lists without touching the original, and dicts that set and unset in place", () => {
    expect(
      render(
        "{{$l := list 1 2}}{{$m := append $l 3}}{{$l}} {{$m}} {{rest $m}} {{last $m}} {{has 2 $l}} {{without $m 2}}",
      ),
    ).toBe("[1 2] [1 2 3] [2 3] 3 true [1 3]");
    expect(
      render(
        '{{$d := dict "a" 1}}{{$_ := set $d "b" 2}}{{$_ := unset $d "a"}}{{$d}} {{hasKey $d "b"}} {{get $d "zz"}}|',
      ),
    ).toBe("map[b:2] true |");
  });

  it("merges into the first dict, keeping its values (merge) or replacing them (mergeOverwrite)", () => {
    const data = { dst: { a: "keep", n: { x: 1n } }, src: { a: "new", b: "add", n: { y: 2n } } };
    expect(render("{{merge .dst .src}}", structuredClone(data))).toBe("map[a:keep b:add n:map[x:1 y:2]]");
    expect(render("{{mergeOverwrite .dst .src}}", structuredClone(data))).toBe(
      "map[a:new b:add n:map[x:1 y:2]]",
    );
  });

  it("digs, picks and omits", () => {
    const d = { a: { b: { c: "deep" } }, x: 1n, y: 2n };
    expect(
      render('{{dig "a" "b" "c" "none" .}} {{dig "a" "z" "none" .}} {{pick . "x"}} {{omit . "a" "x"}}', d),
    ).toBe("deep none map[x:1] map[y:2]");
  });
});

describe("sprig: numbers and encodings", () => {
  it("does integer math through int64 (floats truncate) and float math exactly in decimal", () => {
    expect(
      render(
        "{{add 1 2.9}} {{sub 10 3}} {{mul 2 3 4}} {{div 7 2}} {{max 3 9 1}} {{mulf 1.2 2.4 10 4}} {{addf 1.5 2.2 3}}",
      ),
    ).toBe("3 7 24 3 9 115.2 6.7");
  });

  it("encodes and hashes", () => {
    expect(
      render('{{b64enc "héllo"}} {{b64dec "aMOpbGxv"}} {{sha256sum "abc" | trunc 12}} {{toJson .}}', {
        a: [1n, "<x>"],
      }),
    ).toBe('aMOpbGxv héllo ba7816bf8f01 {"a":[1,"\\u003cx\\u003e"]}');
  });

  it("compares versions with Masterminds' constraint syntax", () => {
    expect(
      render(
        '{{semverCompare ">=1.2.0, <2.0.0" "1.4.0"}} {{semverCompare "^1.2" "2.0.0"}} {{semverCompare "~1.2.3" "v1.2.9"}}',
      ),
    ).toBe("true false true");
  });
});
