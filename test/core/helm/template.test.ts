import { describe, expect, it } from "vitest";
import { type GoValue, TemplateError, TemplateSet } from "../../../src/core/helm/index.ts";

function render(
  text: string,
  data: GoValue = null,
  options: ConstructorParameters<typeof TemplateSet>[0] = {},
): string {
  return new TemplateSet(options).parse("t", text).execute("t", data);
}

function failure(text: string, data: GoValue = null): TemplateError & { output?: string } {
  try {
    render(text, data);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error(`expected ${text} to fail`);
}

const values: GoValue = {
  name: "immich",
  replicas: 2, // a float64, as Helm's values are (they come through JSON)
  big: 1000000,
  tags: ["a", "b"],
  env: { TZ: "UTC", LANG: "C" },
  empty: {},
  off: false,
  none: null,
};

describe("Go text/template: output and whitespace", () => {
  it("trims around {{- and -}} and drops comments", () => {
    expect(render("a  {{- 1 -}}  b {{/* gone */}}c\n{{- /* trimmed too */ -}}\nd")).toBe("a1b cd");
  });

  it("prints Go's way: floats shortest with exponents from 1e+06, maps sorted, nil and missing values", () => {
    expect(render("{{.replicas}} {{.big}} {{.env}} {{.tags}} {{.none}} {{.missing}}", values)).toBe(
      "2 1e+06 map[LANG:C TZ:UTC] [a b] <no value> <no value>",
    );
    expect(render('{{print nil}} {{print 1 2 "x" 3}} {{println 1 "a"}}')).toBe("<nil> 1 2x3 1 a\n");
  });

  it("formats with printf: verbs, widths, precision, quoting and Go's complaints", () => {
    expect(
      render('{{printf "%5.2f|%-4s|%04d|%x|%q|%v|%t" 3.14159 "ab" 7 255 "a\\"b" .tags true}}', values),
    ).toBe(' 3.14|ab  |0007|ff|"a\\"b"|[a b]|true');
    expect(render('{{printf "%d %s" "x"}}')).toBe("%!d(string=x) %!s(MISSING)");
    expect(render('{{printf "%d" 1 2}}')).toBe("1%!(EXTRA int=2)");
    // %T and explicit indexes: Kong's env helper tells maps from strings with printf "%T".
    expect(
      render('{{printf "%T|%T|%T" "x" .m nil}} {{printf "%[1]s-%[1]s" "x"}} {{printf "%[2]d %[1]d" 1 2}}', {
        m: { a: 1n },
      }),
    ).toBe("string|map[string]interface {}|<nil> x-x 2 1");
    expect(render('{{printf "%[3]s|%[1]5d|%d %d" "a" 1}}')).toBe(
      "%!s(BADINDEX)|%!d(BADINDEX)|%!d(string=a) 1",
    );
    // A missing value reaches a function as nil (exec.go validateType): linkerd-crds' created-by label.
    const zero = (t: string) => render(t, { Values: {} }, { missingKey: "zero" });
    expect(zero('{{ printf "%s" (.Values.image).version }}|{{ print (.Values.image).version }}')).toBe(
      "%!s(<nil>)|<nil>",
    );
    // A nil argument: fmt's badVerb names neither type nor value (prometheus-pgbouncer-exporter's defaults).
    expect(render('{{printf "%s:%d" .host 5432}} {{printf "%d" nil}}', { host: null })).toBe(
      "%!s(<nil>):5432 %!d(<nil>)",
    );
    expect(render('{{printf "%g %e %.3g" 1234567.0 0.000123 3.14159}}')).toBe(
      "1.234567e+06 1.230000e-04 3.14",
    );
  });
});

describe("Go text/template: control structures and variables", () => {
  it("branches with if / else if / else and with / else with, by Go's truth", () => {
    const t = "{{if .off}}a{{else if .tags}}b{{else}}c{{end}}{{with .empty}}d{{else with .name}}{{.}}{{end}}";
    expect(render(t, values)).toBe("bimmich");
    expect(render('{{if 0}}x{{else}}y{{end}}{{if 0.0}}x{{else}}y{{end}}{{if ""}}x{{else}}y{{end}}')).toBe(
      "yyy",
    );
  });

  it("ranges over maps in key order, slices with indexes, integers, with else, break and continue", () => {
    expect(render("{{range $k, $v := .env}}{{$k}}={{$v}};{{end}}", values)).toBe("LANG=C;TZ=UTC;");
    expect(
      render("{{range $i, $t := .tags}}{{$i}}{{$t}}{{end}}{{range .empty}}x{{else}}none{{end}}", values),
    ).toBe("0a1bnone");
    expect(
      render("{{range $i := 5}}{{if eq $i 1}}{{continue}}{{end}}{{if eq $i 3}}{{break}}{{end}}{{$i}}{{end}}"),
    ).toBe("02");
  });

  it("scopes variables to their control structure and assigns the nearest with =", () => {
    expect(
      render("{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}{{if true}}{{$x = 3}}{{end}}{{$x}}"),
    ).toBe("213");
    expect(render("{{with $n := .name}}{{$n}}{{end}} {{$.name}}", values)).toBe("immich immich");
  });

  it("defines, calls and overrides templates; block defines and runs", () => {
    const set = new TemplateSet().parse(
      "main",
      '{{define "x"}}[{{.}}]{{end}}{{template "x" .name}}{{block "y" .}}default{{end}}',
    );
    expect(set.execute("main", values)).toBe("[immich]default");
    set.parse("override", '{{define "y"}}custom{{end}}');
    expect(set.execute("main", values)).toBe("[immich]custom");
  });
});

describe("Go text/template: functions and comparisons", () => {
  it("short-circuits and/or and returns the deciding value", () => {
    expect(render('{{and 1 0 .x.y}} {{or 0 "" "z"}} {{or 0 .missing}}')).toBe("0 z <no value>");
  });

  it("indexes, slices and measures", () => {
    expect(
      render(
        '{{index .tags 1}} {{index .env "TZ"}} {{slice "abcdef" 1 3}} {{len .tags}} {{len "héllo"}}',
        values,
      ),
    ).toBe("b UTC bc 2 6");
  });

  it("compares like Go: ints with ints, floats with floats, eq against several, errors across types", () => {
    expect(render('{{eq 1 2 3 1}} {{lt "a" "b"}} {{ge 2 2}} {{ne .name "x"}}', values)).toBe(
      "true true true true",
    );
    expect(failure('{{eq 1 "1"}}').message).toMatch(/error calling eq: incompatible types for comparison/);
    expect(failure("{{eq .replicas 2}}", values).message).toMatch(/incompatible types/); // float64 value vs int constant
  });

  it("escapes for HTML, JavaScript and URLs", () => {
    expect(render(`{{html "<a href='x'>&</a>"}} {{js "it's <b>"}} {{urlquery "a b&c"}}`)).toBe(
      "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt; it\\'s \\u003Cb\\u003E a+b%26c",
    );
  });

  it("calls given functions with the pipeline's value last, and lets them fail", () => {
    const funcs = {
      upper: (s: GoValue) => String(s).toUpperCase(),
      repeat: (n: GoValue, s: GoValue) => String(s).repeat(Number(n)),
    };
    expect(render("{{.name | upper | repeat 2}}", values, { funcs })).toBe("IMMICHIMMICH");
  });
});

describe("Go text/template: missing keys and errors", () => {
  it("follows missingkey: default prints <no value>, zero gives nil, error fails", () => {
    expect(render("{{.a}}", {})).toBe("<no value>");
    expect(render("{{.a}}", {}, { missingKey: "zero" })).toBe("<no value>");
    expect(() => render("{{.a}}", {}, { missingKey: "error" })).toThrow(/map has no entry for key "a"/);
  });

  it("refuses at parse time what Go refuses, with the line", () => {
    expect(() => render("line1\n{{nope 1}}")).toThrow('template: t:2: function "nope" not defined');
    expect(() => render("{{$x}}")).toThrow(/undefined variable "\$x"/);
    expect(() => render("{{if true}}open")).toThrow(/unexpected EOF/);
    expect(() => render("{{break}}")).toThrow(/outside \{\{range\}\}/);
    // A pipe before the closing delimiter ends the pipeline, as in Go; a pipe where a command starts does not.
    expect(render('{{ "a" | }}|{{ if true | }}yes{{ end }}|{{ (printf "x" | ) }}')).toBe("a|yes|x");
    expect(() => render('{{ "a" | | upper }}')).toThrow(/unexpected .*\|.* in command/);
  });

  it("places an execution error as Go does: file, line, byte column and the node", () => {
    expect(failure("a\n  {{index .tags 5}}", values).message).toBe(
      'template: t:2:4: executing "t" at <index .tags 5>: error calling index: index out of range: 5',
    );
    // A field chain is placed at its second field, as Go places it.
    expect(failure("é {{.tags.x}}", values).message).toBe(
      'template: t:1:10: executing "t" at <.tags.x>: can\'t evaluate field x in type []interface {}',
    );
    // A define keeps its file's name and positions; the error names the template executing.
    const set = new TemplateSet().parse("file.tpl", '{{define "inner"}}\n {{index . 3}}{{end}}');
    set.parse("main", '{{template "inner" .tags}}');
    expect(() => set.execute("main", values)).toThrow(
      'template: file.tpl:2:3: executing "inner" at <index . 3>: error calling index: index out of range: 3',
    );
  });

  it("keeps the output written before an execution error", () => {
    const e = failure("before {{index .tags 5}} after", values);
    expect(e.message).toMatch(/error calling index: index out of range: 5/);
    expect(e.output).toBe("before ");
  });

  it("stops a template that calls itself forever", () => {
    expect(() => render('{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}')).toThrow(
      /maximum template depth/,
    );
  });
});
