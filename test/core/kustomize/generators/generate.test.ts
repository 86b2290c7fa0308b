import { describe, expect, it } from "vitest";
import { runGenerators } from "../../../../src/core/kustomize/generators/generate.ts";
import { applyHashSuffixes } from "../../../../src/core/kustomize/generators/hash.ts";
import { ResMap } from "../../../../src/core/kustomize/resmap.ts";
import type { JsonObject, Resource } from "../../../../src/core/kustomize/resource.ts";
import { levelFor } from "./helpers.ts";

const bytes = (...parts: Array<string | number[]>) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...new TextEncoder().encode(p)] : p)));

/** The objects as they leave a top-level build with nothing else in it (hash suffixes applied). */
function hashed(resources: Resource[]): JsonObject[] {
  const m = new ResMap();
  for (const r of resources) m.append(r);
  applyHashSuffixes(m);
  return m.resources.map((r) => r.obj);
}

describe("core/kustomize/generators/generate", () => {
  it("builds ConfigMaps then Secrets from literals, with kubectl's names and encodings", () => {
    const { level, k, ctx } = levelFor(`
      secretGenerator:
      - name: s
        literals: [foo=bar]
      - name: tls
        type: kubernetes.io/tls
        literals: [foo=bar]
      - name: semp
      configMapGenerator:
      - name: cm
        literals: [foo=bar]
      - name: html
        literals: ["a=<b>&c"]
      - name: empty
    `);
    const generated = runGenerators(level, k);
    expect(ctx.diagnostics).toEqual([]);
    expect(generated.map((r) => [r.origin, r.generator])).toEqual([
      [
        { file: "app/kustomization.yaml", line: 9 },
        { behavior: "create", hashSuffix: true },
      ],
      [
        { file: "app/kustomization.yaml", line: 11 },
        { behavior: "create", hashSuffix: true },
      ],
      [
        { file: "app/kustomization.yaml", line: 13 },
        { behavior: "create", hashSuffix: true },
      ],
      [
        { file: "app/kustomization.yaml", line: 2 },
        { behavior: "create", hashSuffix: true },
      ],
      [
        { file: "app/kustomization.yaml", line: 4 },
        { behavior: "create", hashSuffix: true },
      ],
      [
        { file: "app/kustomization.yaml", line: 7 },
        { behavior: "create", hashSuffix: true },
      ],
    ]);
    // The lines are found when first read; a copy (the App's stored analysis, a report) holds them as values.
    expect(structuredClone(generated.map((r) => r.origin)).map((o) => o.line)).toEqual([9, 11, 13, 2, 4, 7]);
    expect(JSON.parse(JSON.stringify(generated[0]!.origin))).toEqual({
      file: "app/kustomization.yaml",
      line: 9,
    });
    expect(hashed(generated)).toEqual([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm-798k5k7g9f" }, data: { foo: "bar" } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "html-6tcbt66fg9" }, data: { a: "<b>&c" } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "empty-6ct58987ht" } },
      {
        apiVersion: "v1",
        kind: "Secret",
        type: "Opaque",
        metadata: { name: "s-572hm7m64f" },
        data: { foo: "YmFy" },
      },
      {
        apiVersion: "v1",
        kind: "Secret",
        type: "kubernetes.io/tls",
        metadata: { name: "tls-d646fcm644" },
        data: { foo: "YmFy" },
      },
      { apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: { name: "semp-46f8b28mk5" }, data: {} },
    ]);
  });

  it("reads files verbatim: basename or explicit key, binary to binaryData, BOM/NUL/CRLF kept", () => {
    const x200 = "x".repeat(200);
    const { level, k, ctx } = levelFor(
      `
      configMapGenerator:
      - name: files
        files: [text.txt, renamed=text.txt, bin.dat, nul.txt, bom.txt, crlf.txt, long.txt, longbin.dat, ../shared/empty.txt]
      secretGenerator:
      - name: sfiles
        files: [text.txt, bin.dat, long.txt, ../shared/empty.txt]
      `,
      {
        "app/text.txt": "hello\nworld\n",
        "app/bin.dat": bytes([0xff, 0xfe, 0x00, 0x01], "binary"),
        "app/nul.txt": bytes("a", [0], "b"),
        "app/bom.txt": bytes([0xef, 0xbb, 0xbf], "bom content"),
        "app/crlf.txt": "line1\r\nline2\r\n",
        "app/long.txt": x200,
        "app/longbin.dat": new Uint8Array(60).fill(0xff),
        "shared/empty.txt": "",
      },
    );
    const out = hashed(runGenerators(level, k));
    expect(ctx.diagnostics).toEqual([]);
    expect(out).toEqual([
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "files-gkdhc9g99t" },
        binaryData: {
          "bin.dat": "//4AAWJpbmFyeQ==",
          "longbin.dat": `${"/".repeat(70)}\n${"/".repeat(10)}\n`,
        },
        data: {
          "bom.txt": "\ufeffbom content",
          "crlf.txt": "line1\r\nline2\r\n",
          "empty.txt": "",
          "long.txt": x200,
          "nul.txt": "a\u0000b",
          renamed: "hello\nworld\n",
          "text.txt": "hello\nworld\n",
        },
      },
      {
        apiVersion: "v1",
        kind: "Secret",
        type: "Opaque",
        metadata: { name: "sfiles-f7fcdc6fcf" },
        data: {
          "bin.dat": "//4AAWJpbmFyeQ==",
          "empty.txt": "",
          "long.txt": `${Buffer.from(x200)
            .toString("base64")
            .replace(/.{1,70}/g, "$&\n")}`,
          "text.txt": "aGVsbG8Kd29ybGQK",
        },
      },
    ]);
    expect([...ctx.reads].sort()).toEqual([
      "app/bin.dat",
      "app/bom.txt",
      "app/crlf.txt",
      "app/kustomization.yaml",
      "app/long.txt",
      "app/longbin.dat",
      "app/nul.txt",
      "app/text.txt",
      "shared/empty.txt",
    ]);
  });

  it("reads env files (then literals, then files) and hashes the result like kubectl", () => {
    const env =
      '\ufeffFIRST=1\n  # comment\n\n   LEAD=x\nB="two words"\n E = spaced \nexport C=3\nD\nEQ=a=b\n=novalue\n' +
      "CR=crlf\r\n\t\vTAB=t\n\u00a0NBSP=n\n\ufeffBOM2=b\n\u2003EMSP=e\n\u0085NEL=n\nLAST=nonl";
    const { level, k, ctx } = levelFor(
      `
      configMapGenerator:
      - name: env
        envs: [a.env]
    `,
      { "app/a.env": env },
    );
    expect(hashed(runGenerators(level, k))).toEqual([
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "env-dt7t48mgm5" },
        data: {
          "\ufeffBOM2": "b",
          B: '"two words"',
          CR: "crlf",
          D: "",
          "E ": " spaced ",
          EMSP: "e",
          EQ: "a=b",
          FIRST: "1",
          LAST: "nonl",
          LEAD: "x",
          NBSP: "n",
          NEL: "n",
          TAB: "t",
          "export C": "3",
        },
      },
    ]);
    expect(ctx.reads).toEqual(new Set(["app/a.env", "app/kustomization.yaml"]));
  });

  it("merges generatorOptions: local keys win, a global true cannot be turned off", () => {
    const { level, k } = levelFor(`
      generatorOptions:
        labels: {g: global, both: global}
        annotations: {ga: x}
        disableNameSuffixHash: true
        immutable: true
      configMapGenerator:
      - name: a
        literals: [k=v]
        options:
          labels: {both: local, l: local}
          disableNameSuffixHash: false
          immutable: false
      secretGenerator:
      - name: s
        namespace: ns1
        literals: [k=v]
    `);
    const generated = runGenerators(level, k);
    expect(generated.map((r) => r.generator)).toEqual([
      { behavior: "create", hashSuffix: false },
      { behavior: "create", hashSuffix: false },
    ]);
    expect(hashed(generated)).toEqual([
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "a", labels: { both: "local", g: "global", l: "local" }, annotations: { ga: "x" } },
        data: { k: "v" },
        immutable: true,
      },
      {
        apiVersion: "v1",
        kind: "Secret",
        type: "Opaque",
        metadata: {
          name: "s",
          namespace: "ns1",
          labels: { both: "global", g: "global" },
          annotations: { ga: "x" },
        },
        data: { k: "dg==" },
        immutable: true,
      },
    ]);
  });

  it("keeps per-entry options, namespace and behavior; labels and immutable do not change the hash", () => {
    const { level, k } = levelFor(`
      generatorOptions:
        labels: {g: global}
      configMapGenerator:
      - name: a
        behavior: merge
        literals: [k=v]
        options:
          disableNameSuffixHash: true
          annotations: {x: "y"}
      - name: b
        namespace: other
        behavior: replace
        literals: [k=v]
        options:
          immutable: true
          labels: {app: b}
    `);
    const generated = runGenerators(level, k);
    expect(generated.map((r) => r.generator)).toEqual([
      { behavior: "merge", hashSuffix: false },
      { behavior: "replace", hashSuffix: true },
    ]);
    expect(hashed(generated)).toEqual([
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "a", labels: { g: "global" }, annotations: { x: "y" } },
        data: { k: "v" },
      },
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "b-bdg947hgcc", namespace: "other", labels: { app: "b", g: "global" } },
        data: { k: "v" },
        immutable: true,
      },
    ]);
  });

  it("accepts keys kustomize does not validate and strips one pair of matching quotes from literals", () => {
    const { level, k } = levelFor(`
      configMapGenerator:
      - name: x
        literals: ["a b=1", "a/b=2", "ü=3", "x=\\"unbalanced", "y='q'", "z=\\"'mixed\\"", "w=\\"\\"", "v=\\""]
    `);
    expect(hashed(runGenerators(level, k))).toEqual([
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "x-dh4bd22cbk" },
        data: { "a b": "1", "a/b": "2", v: '"', w: "", x: '"unbalanced', y: "q", z: "'mixed", ü: "3" },
      },
    ]);
  });

  it("sees literals after kustomize's plugin-config round trip (a NEL folds to a space or newlines)", () => {
    const { level, k } = levelFor(`
      configMapGenerator:
      - {name: c1, literals: ["k=a\\u0085b"]}
      - {name: c2, literals: ["k=a \\u0085\\u0085  b"]}
      - {name: c3, literals: ["k=a\\u0085\\u0085\\u0085b"]}
      - {name: c4, literals: ["k=\\u0085lead"]}
      - {name: c5, literals: ["k=x\\u0085 \\u0085y"]}
      - {name: c6, literals: ["k=a\\u2028b"]}
    `);
    const out = hashed(runGenerators(level, k));
    expect(out.map((o) => [(o.metadata as JsonObject).name, (o.data as JsonObject).k])).toEqual([
      ["c1-2thhc4cd8m", "a b"],
      ["c2-9f72d7b67d", "a\nb"],
      ["c3-kt496kktbg", "a\n\nb"],
      ["c4-8b22565b4c", " lead"],
      ["c5-7g92h7dfkk", "x\ny"],
      ["c6-2cg7d79b42", "a\u2028b"],
    ]);
  });

  it("wraps long Secret values like kubectl (51 bytes on one line, 52 wrapped)", () => {
    const { level, k } = levelFor(
      `
      secretGenerator:
      - name: s
        files: [f51, f52]
    `,
      { "app/f51": "x".repeat(51), "app/f52": "x".repeat(52) },
    );
    expect(hashed(runGenerators(level, k))).toEqual([
      {
        apiVersion: "v1",
        kind: "Secret",
        type: "Opaque",
        metadata: { name: "s-b8mmgfgkmg" },
        data: { f51: "eHh4".repeat(17), f52: `${"eHh4".repeat(17)}eA\n==\n` },
      },
    ]);
  });
});
