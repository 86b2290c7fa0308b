import { describe, expect, it } from "vitest";
import {
  applyHashSuffixes,
  compareCodePoints,
  encodeHex,
  goJsonString,
  hashInput,
  kustomizeHash,
} from "../../../../src/core/kustomize/generators/hash.ts";
import { ResMap } from "../../../../src/core/kustomize/resmap.ts";
import { type JsonObject, type JsonValue, newResource } from "../../../../src/core/kustomize/resource.ts";

const cm = (data: JsonValue | undefined, extra: JsonObject = {}): JsonObject => {
  const obj: JsonObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ignored" }, ...extra };
  if (data !== undefined) obj.data = data;
  return obj;
};
const secret = (data: JsonValue, extra: JsonObject = {}): JsonObject => ({
  apiVersion: "v1",
  kind: "Secret",
  type: "Opaque",
  metadata: { name: "ignored" },
  data,
  ...extra,
});

describe("core/kustomize/generators/hash", () => {
  it("writes the hash input as Go's encoding/json would, with name always empty", () => {
    expect(hashInput(cm({ foo: "bar" }))).toBe('{"data":{"foo":"bar"},"kind":"ConfigMap","name":""}');
    expect(hashInput(cm(undefined))).toBe('{"data":"","kind":"ConfigMap","name":""}');
    expect(hashInput(cm({ a: "x" }, { binaryData: { b: "eA==" } }))).toBe(
      '{"binaryData":{"b":"eA=="},"data":{"a":"x"},"kind":"ConfigMap","name":""}',
    );
    expect(hashInput(secret({ foo: "YmFy" }, { stringData: { p: "q" } }))).toBe(
      '{"data":{"foo":"YmFy"},"kind":"Secret","name":"","stringData":{"p":"q"},"type":"Opaque"}',
    );
  });

  it("escapes strings like Go (HTML-safe, \\b \\f short forms, U+2028/2029, lowercase \\u00xx)", () => {
    expect(goJsonString('<a>&"\\/\b\f\n\r\t\x01\x1f\x7f\u2028\u2029é😀')).toBe(
      '"\\u003ca\\u003e\\u0026\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\\u2028\\u2029é😀"',
    );
  });

  it("sorts keys by code point (UTF-8 byte order), not UTF-16 units", () => {
    expect(["\uff01", "\u{1f600}", "b", "B", "é"].sort(compareCodePoints)).toEqual([
      "B",
      "b",
      "é",
      "\uff01",
      "\u{1f600}",
    ]);
  });

  it("maps the first ten hex digits 0→g 1→h 3→k a→m e→t", () => {
    expect(encodeHex("798353709f0123456789")).toBe("798k5k7g9f");
    expect(encodeHex("0123456789abcdef")).toBe("gh2k456789");
    expect(encodeHex("abcdeabcde")).toBe("mbcdtmbcdt");
  });

  // Every expected suffix below is what kubectl kustomize v5.5.0 printed for the same data.
  it.each<[string, JsonObject]>([
    ["798k5k7g9f", cm({ foo: "bar" })],
    ["6tcbt66fg9", cm({ a: "<b>&c" })],
    ["6ct58987ht", cm(undefined)],
    ["42745tchd9", cm({})],
    ["572hm7m64f", secret({ foo: "YmFy" })],
    ["46f8b28mk5", secret({})],
    ["d646fcm644", secret({ foo: "YmFy" }, { type: "kubernetes.io/tls" })],
    ["m6k5ffcb4c", secret({ k: "PCY+" }, { type: "a<b" })],
    ["b9mhgfb2fg", cm({ k: "a\bb" })],
    ["b4fcm45mt7", cm({ k: "a\fb" })],
    ["2cg7d79b42", cm({ k: "a\u2028b" })],
    ["945kt46gdm", cm({ k: "a\x01b" })],
    ["6cgm8mc2gt", cm({ k: "a\x1bb" })],
    ["6tgg7ktk26", cm({ k: "a\ufeffb" })],
    ["m726bg9tkd", cm({ k: '\x01\x1f\t\n\r"\\/' })],
    ["d8m4hmgt8h", cm({ "\u{1F600}": "astral", "\uFF01": "bmp", b: "1", B: "2", é: "3" })],
    ["c4ffkhkdkk", cm({ k: "héllo €" })],
    ["96bkt88599", cm({ a: "x" }, { binaryData: { b: "eA==" } })],
    ["dttmmdtb56", cm({ a: "x" }, { binaryData: [] })],
    ["5642bm9b6f", cm({ a: "x" }, { binaryData: "str" })],
    ["5mm96g2hb5", secret({ a: "eA==" }, { stringData: { p: "q" } })],
  ])("hashes generated data to kubectl's suffix %s", (want, obj) => {
    expect(kustomizeHash(obj)).toBe(want);
  });

  it.each<[string, JsonObject]>([
    ["b8dgfkkb75", cm({ a: 1, b: true })],
    ["67k9b4d92m", cm({ a: 1.5 })],
    ["56t82444hb", cm({ a: { true: [1, "s"], z: 1 } })],
    ["4cgfc4mg84", cm({ a: null })],
    ["fdgfgmc4d8", cm("hello")],
    ["bfmhfghghg", cm(12)],
    ["427fh8cdgd", cm(false)],
    ["g886t7dd28", cm(null)],
    ["dk855m5d49", cm([1])],
    ["mb9ggfd98f", { apiVersion: "v1", kind: "Secret", metadata: { name: "x" }, data: { a: "eA==" } }],
    ["d4k746d6c6", secret({ a: "eA==" }, { type: 7 })],
  ])("hashes data reshaped by later patches like kubectl (%s)", (want, obj) => {
    expect(kustomizeHash(obj)).toBe(want);
  });

  it("appends the hash only to resources marked for it, remembering the previous id", () => {
    const m = new ResMap();
    const hashed = newResource(cm({ foo: "bar" }, { metadata: { name: "cm", namespace: "ns" } }), {
      file: "k.yaml",
    });
    hashed.generator = { behavior: "create", hashSuffix: true };
    const disabled = newResource(cm({ foo: "bar" }, { metadata: { name: "plain" } }), { file: "k.yaml" });
    disabled.generator = { behavior: "create", hashSuffix: false };
    const loaded = newResource(cm({ foo: "bar" }, { metadata: { name: "file" } }), { file: "cm.yaml" });
    for (const r of [hashed, disabled, loaded]) m.append(r);

    expect(applyHashSuffixes(m)).toEqual([]);

    expect(m.resources.map((r) => (r.obj.metadata as JsonObject).name)).toEqual([
      "cm-798k5k7g9f",
      "plain",
      "file",
    ]);
    expect(hashed.prevIds).toEqual([
      { group: "", version: "v1", kind: "ConfigMap", name: "cm", namespace: "ns" },
    ]);
    expect(disabled.prevIds).toEqual([]);
    expect(loaded.prevIds).toEqual([]);
  });
});
