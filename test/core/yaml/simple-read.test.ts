import { describe, expect, it } from "vitest";
import { DEFAULT_YAML_LIMITS, readFully, readYamlDocuments } from "../../../src/core/yaml/read-documents.ts";
import { KUSTOMIZE_TAGS, YAML11_TAGS } from "../../../src/core/yaml/scalar-schemas.ts";
import {
  needsFullReader,
  readSimpleYaml,
  withoutLiteralContent,
} from "../../../src/core/yaml/simple-read.ts";
import { dedent } from "../../support/fixtures/text.ts";

/** The shortcut on its own: its result, or undefined when it leaves the text to the full reader. */
function shortcut(text: string, tags = KUSTOMIZE_TAGS) {
  const limits = DEFAULT_YAML_LIMITS;
  return readSimpleYaml(text, "x.yaml", limits, tags, 4 * text.length + 65536);
}

/** readYamlDocuments (shortcut first) and yaml's composer alone give the same, key order included. */
function expectSameAsFullReader(text: string, tags = KUSTOMIZE_TAGS) {
  const got = readYamlDocuments(text, "x.yaml", { tags });
  const full = readFully(text, "x.yaml", DEFAULT_YAML_LIMITS, { tags });
  expect(got).toStrictEqual(full);
  expect(JSON.stringify(got.documents)).toBe(JSON.stringify(full.documents));
}

/** Each text takes the shortcut, and reads as the full reader reads it. */
function expectShortcutTakes(texts: readonly string[]) {
  for (const text of texts) {
    expect(shortcut(text), text).toBeDefined();
    expectSameAsFullReader(text);
  }
}

/** Each text is left to the full reader, which reads it as readYamlDocuments does. */
function expectShortcutDeclines(texts: readonly string[]) {
  for (const text of texts) {
    expect(shortcut(text), text).toBeUndefined();
    expectSameAsFullReader(text);
  }
}

const MANIFEST = dedent(`
  ---
  # yaml-language-server: $schema=https://example.com/helmrelease.json
  apiVersion: helm.toolkit.fluxcd.io/v2
  kind: HelmRelease
  metadata:
    name: &app echo
    labels: { app.kubernetes.io/name: *app, tier: "1" }
  spec:
    interval: 1h
    values:
      replicas: 0x10
      enabled: true
      legacy: yes
      date: 2020-01-01
      ratio: .5
      empty:
      tilde: ~
      ports: [80, "443", 0777]
      script: |
        echo "a: b" && exit 0
        # not a comment
      url: http://example.com/#frag
      quoted: 'it''s'
      escaped: "tab\\tnew\\nline \\u00e9"
      multi: first
        second line
  ---
  apiVersion: v1
  kind: ConfigMap
  metadata: {name: second}
  data:
    key: value # trailing comment
`);

describe("core/yaml/simple-read: the shortcut reads what yaml reads", () => {
  it("takes ordinary manifests, anchors and aliases included, with the same values, lines and sizes", () => {
    expect(needsFullReader(MANIFEST)).toBeUndefined();
    const fast = shortcut(MANIFEST);
    expect(fast).toBeDefined();
    expect(fast?.documents.map((d) => [d.index, d.line])).toEqual([
      [0, 3],
      [1, 28],
    ]);
    expectSameAsFullReader(MANIFEST);
    expectSameAsFullReader(MANIFEST, YAML11_TAGS);
    // YAML 1.1 booleans only in the YAML 1.1 reading, as the full reader types them.
    type Release = { spec: { values: Record<string, unknown> } };
    const v = (tags: typeof KUSTOMIZE_TAGS) =>
      (readYamlDocuments(MANIFEST, "x.yaml", { tags }).documents[0]!.value as Release).spec.values;
    expect(v(KUSTOMIZE_TAGS)).toMatchObject({ legacy: "yes", replicas: 16, date: "2020-01-01T00:00:00Z" });
    expect(v(YAML11_TAGS)).toMatchObject({ legacy: true, replicas: 16, date: "2020-01-01" });
  });

  it("types every plain scalar with the reading's own resolver, numbers and keys included", () => {
    const text = dedent(`
      a: 0777
      b: 1_000
      c: 12:30
      d: -0
      e: .NaN
      f: -.inf
      g: 1e400
      h: 9007199254740993
      i: +12
      j: 0b101
      k: 08
      1: one
      2.50: two and a half
      true: key true
      2021-03-04: a date key
      "quoted": x
    `);
    expect(shortcut(text)).toBeDefined();
    expectSameAsFullReader(text);
    expectSameAsFullReader(text, YAML11_TAGS);
  });

  it("keeps empty and null documents to the full reader, which tells them apart", () => {
    expectShortcutDeclines(["---\n---\na: 1\n", "~\n---\na: 1\n", "a: 1\n---\n"]);
    for (const text of ["# only a comment\n", ""]) expectSameAsFullReader(text);
    expect(readYamlDocuments("~\n---\na: 1\n", "x.yaml").documents[0]?.index).toBe(1);
  });

  it("leaves keys it would write differently to the full reader", () => {
    // js-yaml writes a null key as "null" and a flow map key as "[object Object]"; yaml as "" and flow YAML.
    expectShortcutDeclines([
      "~: a\n",
      "null: a\nb: c\n",
      "{{ .Values | toYaml }}\n",
      "a:\n  {x: 1}: 2\n",
      "{[a, b]}\n",
      '{"a": 1}: x\n',
      '["a", b]: x\n',
      "a: ['x', [b]]\n",
      'a: "{{ x }}" [b]: c\n',
      'a: [x, "y\n  ", [1]]\n',
      // A quote inside a plain scalar opens no quoted scalar: the flow keys after it are real.
      "a: [it's, [p, q]: y, 'z']\n",
      'a: [x "y, [p]: z", w]\n',
      "a: 'x' [b]: c\n",
    ]);
    // Flow collections as keys only seem to be there, inside quoted scalars: the shortcut reads them.
    expectShortcutTakes([
      'auth: "{{ .USER }}:{{ .PASSWORD }}"\n',
      'expr: \'colorScale(result, [35.0, 75.0], ["green", "red"])\'\n',
      "\"{a}\": x\n'[b]': y\n",
      "a: 'it''s {x}: [y]'\n",
    ]);
    expect(readYamlDocuments("~: a\n", "x.yaml").documents[0]?.value).toEqual({ "": "a" });
  });

  it("reads SOPS and base64 lines over 1024 characters, and leaves any other long line to the full reader", () => {
    const b64 = "QUJD".repeat(300);
    const sops = dedent(`
      apiVersion: v1
      kind: Secret
      metadata:
        name: tls
      stringData:
        crt: ENC[AES256_GCM,data:${b64},iv:AbC+/=,tag:XyZ==,type:str]
        ca.crt: ${b64}
      items:
        - key: ${b64}
    `);
    expect(shortcut(sops)).toBeDefined();
    expectSameAsFullReader(sops);
    const long = "k".repeat(1100);
    for (const text of [
      `${long}: v\n`,
      `"${long}": v\n`,
      `a: {${long}: 1}\n`,
      `a: {\n  b: 1, ${long}: 2 }\n`,
      `a: [\n  ${long}: 2 ]\n`,
      `a: ${b64}: b\n`,
      `a: ENC[x, ${long}: y]\n`,
      `a:\n  ${"b".repeat(300)}c: ${b64}\n`,
    ]) {
      expect(needsFullReader(text), text.slice(0, 40)).toBe("long line");
      expectSameAsFullReader(text);
    }
  });

  it("reads folded scalars, unless a string has a more-indented line (go-yaml folds those its own way)", () => {
    expectShortcutTakes([
      "a: >-\n  x\n  y\n\n  z\n",
      "a: >\n  one\n  two\nb: |\n  kept\n",
      "- >+\n  x\n\n- >2\n  y\n",
      "expr: >-\n  sum(rate(x[5m]))\n  > 0\n",
    ]);
    for (const text of [
      "a: >-\n  x\n    y\n  z\n",
      "a: >\n  x\n\n   y\n",
      "a: >\n  x\nb: |\n  kept\n    indented\n",
      "a: >\n  x\nb: ' quoted'\n",
    ]) {
      expect(needsFullReader(text), text).toBeUndefined();
      expect(shortcut(text), text).toBeUndefined();
      expectSameAsFullReader(text);
    }
    expect(needsFullReader("a: >-\n  x")).toBe("block scalar at the end");
    expectSameAsFullReader("a: >-\n  x");
    expectSameAsFullReader("a: >\n  x");
  });

  it("leaves tags, merge keys, directives and clipped endings to the full reader", () => {
    const cases: Record<string, string> = {
      tag: "a: !!str 1\nb: !custom x\n",
      "merge key": "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n",
      directive: "%YAML 1.2\n---\na: 1\n",
      "block scalar at the end": "a: |\n  x",
      "explicit key": "? a\n: b\n",
      marker: "---#\na: 1\n",
      "control characters": "a:\r\n  b: 1\r\n",
      "long line": `${"k".repeat(1100)}: v\n`,
      "anchored key": "a:\n  name: &app actual:\n  components: x\n",
    };
    for (const [reason, text] of Object.entries(cases)) {
      expect(needsFullReader(text)).toBe(reason);
      expectSameAsFullReader(text);
    }
    for (const text of ["a: &x b: c\n", "- a: &x b: c\n", "a: &x 'q': c\n", 'a: &x "q": c\n']) {
      expect(needsFullReader(text)).toBe("anchored key");
      expectSameAsFullReader(text);
    }
    expectShortcutTakes(["a: &x b\n", "a: &x b:c\n", "a: [&x b: c]\n", "&x a: b\n"]);
    // Markers run into text at any line start, not only the first; "--- x" and "---" are markers.
    for (const text of ["a: 1\n...#\nb: 2\n", "a: 1\n---x: 2\n"]) {
      expect(needsFullReader(text)).toBe("marker");
      expectSameAsFullReader(text);
    }
    expect(needsFullReader("--- a: 1\n---\nb: 2\n...\n")).toBeUndefined();
    expect(needsFullReader("a: 1\u2028---x: 2\n")).toBe("control characters");
  });

  it("reports every broken file exactly as the full reader does", () => {
    const broken = [
      "a: 1\na: 2\n", // duplicate key
      "a: [1, 2\n",
      'a: "unterminated\n',
      "a:\n  - b\n c: d\n",
      "a: b: c\n",
      "- a\nb: c\n",
      "a: *nowhere\n",
      "a: @x\n",
      "key: `x`\n",
      `${"[".repeat(70)}${"]".repeat(70)}\n`, // deeper than the limit
      "a: 1\n  b: 2\n",
    ];
    for (const text of broken) {
      const got = readYamlDocuments(text, "x.yaml");
      expect(got.ok, text).toBe(false);
      expect(got.diagnostics.length, text).toBeGreaterThan(0);
      expectSameAsFullReader(text);
    }
    // Keys js-yaml calls duplicates (the same text) and yaml does not (a string and a number).
    const distinct = "a: 1\n'1': 2\n1: 3\n";
    expect(shortcut(distinct)).toBeUndefined();
    expect(readYamlDocuments(distinct, "x.yaml").documents[0]?.value).toEqual({ a: 1, "1": 3 });
    expectSameAsFullReader(distinct);
  });

  it("leaves many aliases and aliases past the size allowance to the full reader's limits", () => {
    const many = `a: &a [1, 2]\nb: [${Array.from({ length: 13 }, () => "*a").join(", ")}]\n`;
    expect(needsFullReader(many)).toBe("many aliases");
    expectSameAsFullReader(many);
    // 12 aliases of a 20 KB anchor: more than 4× the text plus 64 KB once expanded.
    const block = Array.from({ length: 200 }, () => `  ${"x".repeat(100)}\n`).join("");
    const big = `a: &a |\n${block}b: [${Array.from({ length: 12 }, () => "*a").join(", ")}]\n`;
    expect(needsFullReader(big)).toBeUndefined();
    expect(shortcut(big)).toBeUndefined();
    const read = readYamlDocuments(big, "x.yaml");
    expect(read.diagnostics.map((d) => d.code)).toEqual(["yaml-alias-limit"]);
    expectSameAsFullReader(big);
  });

  it("looks for those features in the YAML, not in the scripts of literal block scalars", () => {
    const text = dedent(`
      spec:
        values:
          command:
            - /bin/sh
            - -c
            - |
              while [ ! -f /logs/gm.log ]; do sleep 5; done
              sed -e 's|^Bot\\.Enable *=.*|Bot.Enable = 1|' \\
                  -e 's|^x *=.*|x = 1|' <<EOF
              {env:SERVER}:587 ? yes : no
              EOF
          config: |-
            <<: *nothing
            !!str tagged
          after: |+

      other: value
    `);
    expect(needsFullReader(text)).toBeUndefined();
    expect(shortcut(text)).toBeDefined();
    expectSameAsFullReader(text);
    expectSameAsFullReader(text, YAML11_TAGS);
  });

  it("still sees structure after a literal block: a sibling key, a comment, another header", () => {
    // The sibling of `key` is at the key's column, more indented than the dash: YAML, not script.
    const sibling = "- key: |\n    text\n  <<: {a: 1}\n";
    expect(needsFullReader(sibling)).toBe("merge key");
    expectSameAsFullReader(sibling);
    // A comment ending in "|" opens nothing.
    const comment = "a: 1 # see |\n  b: !!str 2\n";
    expect(withoutLiteralContent(comment)).toBe(comment);
    expectSameAsFullReader(comment);
    // An explicit indentation indicator: everything is checked.
    const explicit = "a: |2\n   <<: x\nb: 1\n";
    expect(withoutLiteralContent(explicit)).toBeUndefined();
    expect(needsFullReader(explicit)).toBe("merge key");
    expectSameAsFullReader(explicit);
    // A key js-yaml reads as "<<" (here: hidden inside a quoted multi-line string's fake header) is
    // refused after reading, whatever the text checks saw.
    const quoted = 'a: "x: |\n  y"\n';
    expectSameAsFullReader(quoted);
  });
});
