import { describe, expect, it } from "vitest";
import { type GoValue, helmFunctions, TemplateSet } from "../../../src/core/helm/index.ts";

function helmSet(): TemplateSet {
  let set: TemplateSet | undefined;
  set = new TemplateSet({ funcs: helmFunctions(() => set!) });
  return set;
}

function render(text: string, data: GoValue = {}): string {
  return helmSet().parse("t", text).execute("t", data);
}

/**
 * Every function a chart may call under Helm 3.21 (helm-controller's Helm): sprig v3.3.0's genericMap
 * without env and expandenv, which Helm deletes, and Helm's own (pkg/engine/funcs.go).
 */
const HELM3_FUNCTIONS = [
  "abbrev abbrevboth add add1 add1f addf adler32sum ago all any append atoi b32dec b32enc b64dec b64enc ",
  "base bcrypt biggest buildCustomCert camelcase cat ceil chunk clean coalesce compact concat contains ",
  "date dateInZone dateModify date_in_zone date_modify decryptAES deepCopy deepEqual default ",
  "derivePassword dict dig dir div divf duration durationRound empty encryptAES ext fail first float64 ",
  "floor fromJson fromJsonArray fromToml fromYaml fromYamlArray genCA genCAWithKey genPrivateKey ",
  "genSelfSignedCert genSelfSignedCertWithKey genSignedCert genSignedCertWithKey get getHostByName has ",
  "hasKey hasPrefix hasSuffix hello htmlDate htmlDateInZone htpasswd include indent initial initials ",
  "int int64 isAbs join kebabcase keys kindIs kindOf last list lookup lower max maxf merge ",
  "mergeOverwrite min minf mod mul mulf mustAppend mustChunk mustCompact mustDateModify mustDeepCopy ",
  "mustFirst mustFromJson mustHas mustInitial mustLast mustMerge mustMergeOverwrite mustPrepend ",
  "mustRegexFind mustRegexFindAll mustRegexMatch mustRegexReplaceAll mustRegexReplaceAllLiteral ",
  "mustRegexSplit mustRest mustReverse mustSlice mustToDate mustToJson mustToPrettyJson mustToRawJson ",
  "mustUniq mustWithout must_date_modify nindent nospace now omit osBase osClean osDir osExt osIsAbs ",
  "pick pluck plural prepend quote randAlpha randAlphaNum randAscii randBytes randInt randNumeric ",
  "regexFind regexFindAll regexMatch regexQuoteMeta regexReplaceAll regexReplaceAllLiteral regexSplit ",
  "repeat replace required rest reverse round semver semverCompare seq set sha1sum sha256sum sha512sum ",
  "shuffle slice snakecase sortAlpha split splitList splitn squote sub subf substr swapcase ternary ",
  "title toDate toDecimal toJson toPrettyJson toRawJson toString toStrings toToml toYaml toYamlPretty ",
  "tpl trim trimAll trimPrefix trimSuffix trimall trunc tuple typeIs typeIsLike typeOf uniq unixEpoch ",
  "unset until untilStep untitle upper urlJoin urlParse uuidv4 values without wrap wrapWith",
]
  .join("")
  .split(" ");

describe("Helm's functions", () => {
  it("defines every function Helm 3 gives charts, so none fails as 'not defined'", () => {
    expect(HELM3_FUNCTIONS).toHaveLength(218);
    const defined = helmFunctions(() => helmSet());
    expect(HELM3_FUNCTIONS.filter((name) => !(name in defined))).toEqual([]);
    expect("env" in defined || "expandenv" in defined).toBe(false);
  });

  it("includes named templates as strings, so they can be piped", () => {
    const text =
      '{{define "labels"}}app: {{.name}}\ntier: web{{end}}labels:{{include "labels" . | nindent 2}}';
    expect(render(text, { name: "immich" })).toBe("labels:\n  app: immich\n  tier: web");
  });

  it("stops an include that includes itself", () => {
    expect(() => render('{{define "loop"}}{{include "loop" .}}{{end}}{{include "loop" .}}')).toThrow(
      /nested reference name/,
    );
  });

  it("renders values as templates with tpl, seeing the chart's named templates", () => {
    const data = { Values: { host: "{{ .Values.name }}.example.com", name: "media" } };
    expect(
      render('{{define "x"}}X{{end}}{{tpl .Values.host .}} {{tpl "{{include \\"x\\" .}}" .}}', data),
    ).toBe("media.example.com X");
  });

  it("fails with the chart's message when a required value is missing or empty", () => {
    expect(() => render('{{required "image.tag is required" .image}}', { image: "" })).toThrow(
      /image.tag is required/,
    );
    expect(render('{{required "x" .image}}', { image: "nginx" })).toBe("nginx");
  });

  it("writes YAML and JSON as Helm does, and reads them back, reporting errors in the result", () => {
    expect(render("{{toYaml .}}", { b: [1n, "x"], a: { c: true } })).toBe("a:\n  c: true\nb:\n- 1\n- x");
    expect(render("{{toYamlPretty .}}", { b: [1n] })).toBe("b:\n  - 1");
    expect(render('{{(fromYaml "a: 1\\nb: [x]").b}} {{fromYaml "- x"}}')).toBe(
      "[x] map[Error:error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}]",
    );
    expect(render('{{toJson .}} {{(fromJson "{\\"n\\": 1000000}").n}}', { s: "<b>" })).toBe(
      '{"s":"\\u003cb\\u003e"} 1e+06',
    );
  });

  it("indents a string's block as go-yaml does, so it nests under a key (argo-cd's argocd-cm)", () => {
    const data = { cm: { "resource.customizations": "x: 1\ny:\n  - 2\n" } };
    expect(
      render("data:{{- range $k, $v := .cm }}\n  {{ $k }}: {{ $v | toYaml | nindent 4 }}{{- end }}", data),
    ).toBe("data:\n  resource.customizations: \n    |\n      x: 1\n      y:\n        - 2");
    expect(render('{{ "x: 1\\ny:\\n  - 2\\n" | toYamlPretty | quote }}')).toBe(
      '"|\\n  x: 1\\n  y:\\n    - 2"',
    );
    // A leading space needs the indentation indicator of that depth; plain and quoted strings stay one line.
    expect(render('{{ " lead\\nx\\n" | toYaml | quote }}')).toBe('"|2\\n   lead\\n  x"');
    expect(render('{{ "abc" | toYaml }}|{{ "" | toYaml }}|{{ "yes" | toYaml }}|{{ "a: b" | toYaml }}')).toBe(
      'abc|""|"yes"|\'a: b\'',
    );
  });

  it("writes numbers as Helm's writers do: through JSON and go-yaml v2, or go-yaml v3 for toYamlPretty", () => {
    const m = { a: 0.00001, b: 1234567.5, c: 1e-7, big: 1000000, half: 0.5, i: 3n, huge: 1e20 };
    expect(render("{{ toYaml . }}", m)).toBe(
      "a: 1e-05\nb: 1.2345675e+06\nbig: 1000000\nc: 1e-07\nhalf: 0.5\nhuge: 1e+20\ni: 3",
    );
    expect(render("{{ toYamlPretty . }}", m)).toBe(
      "a: 1e-05\nb: 1.2345675e+06\nbig: 1e+06\nc: 1e-07\nhalf: 0.5\nhuge: 1e+20\ni: 3",
    );
    // json.Marshal refuses NaN: toYaml gives "", mustToYaml fails.
    expect(render("[{{ toYaml .n }}]", { n: Number.NaN })).toBe("[]");
    expect(render("{{ toYamlPretty .n }}", { n: Number.POSITIVE_INFINITY })).toBe(".inf");
  });

  it("reads and writes YAML with go-yaml's edges, which bjw-s's library meets", () => {
    // sigs.k8s.io/yaml reads its JSON back with yaml.v2, which refuses DEL and C1 controls: toYaml gives "".
    expect(render('[{{ dict "a" (printf "x%cy" 127) | toYaml }}]')).toBe("[]");
    // A block at the very end of the input, without a line break, keeps none.
    expect(render('{{ $x := "a: |\\n  x\\n  y" | fromYaml }}{{ $x.a | quote }}')).toBe('"x\\ny"');
    expect(render('{{ $x := "a: |\\n  x\\n  y\\n" | fromYaml }}{{ $x.a | quote }}')).toBe('"x\\ny\\n"');
    // A repeated key is read, the last one winning, as sigs.k8s.io/yaml's non-strict Unmarshal reads it.
    expect(render('{{ (fromYaml "a: 1\\na: 2").a }}')).toBe("2");
    // nil passed to a map parameter is a nil map, as text/template passes it.
    expect(render('{{ $v := default nil .missing }}{{ merge (dict "a" 1) $v | toJson }}')).toBe('{"a":1}');
  });

  it("looks nothing up in a cluster (helm template)", () => {
    expect(render('{{lookup "v1" "Secret" "default" "x"}}')).toBe("map[]");
  });

  it("removes env and expandenv, as Helm does", () => {
    expect(() => render('{{env "HOME"}}')).toThrow(/function "env" not defined/);
  });
});

describe("Helm's TOML functions", () => {
  it("writes TOML as BurntSushi/toml does: plain values first, then indented tables and arrays of tables", () => {
    const data = {
      name: "x",
      port: 8080n,
      ratio: 1.5,
      server: { host: "h", tls: { on: true } },
      hosts: [{ a: "1" }, { a: "2" }],
    };
    expect(render("{{toToml .}}", data)).toBe(
      'name = "x"\nport = 8080\nratio = 1.5\n\n[[hosts]]\n  a = "1"\n\n[[hosts]]\n  a = "2"\n\n[server]\n  host = "h"\n\n  [server.tls]\n    on = true\n',
    );
  });

  it("reads TOML with integers as int64 and errors in the result", () => {
    expect(render('{{(fromToml "n = 1000000\\nf = 1.5").n}} {{(fromToml "n = 1000000\\nf = 1.5").f}}')).toBe(
      "1000000 1.5",
    );
    expect(render('{{fromToml "one"}}')).toMatch(/^map\[Error:/);
  });
});
