import { describe, expect, it } from "vitest";
import { absorbGenerated } from "../../../../src/core/kustomize/generators/absorb.ts";
import { runGenerators } from "../../../../src/core/kustomize/generators/generate.ts";
import { applyHashSuffixes } from "../../../../src/core/kustomize/generators/hash.ts";
import { ResMap } from "../../../../src/core/kustomize/resmap.ts";
import {
  getName,
  type JsonObject,
  newResource,
  type Resource,
  setName,
  storePreviousId,
} from "../../../../src/core/kustomize/resource.ts";
import { readYamlDocuments } from "../../../../src/core/yaml/read-documents.ts";
import { dedent } from "../../../support/fixtures/text.ts";
import { levelFor } from "./helpers.ts";

function loaded(yaml: string, file = "base/cm.yaml"): Resource {
  return newResource(readYamlDocuments(dedent(yaml), file).documents[0]?.value as JsonObject, {
    file,
    line: 1,
  });
}

function generated(kustomization: string, dir = "overlay"): Resource[] {
  const { level, k, ctx } = levelFor(kustomization, {}, dir);
  const out = runGenerators(level, k);
  expect(ctx.diagnostics).toEqual([]);
  return out;
}

/** What namePrefix does to the bookkeeping absorb relies on. */
function prefix(m: ResMap, p: string): void {
  for (const r of m.resources) {
    storePreviousId(r);
    setName(r.obj, p + getName(r.obj));
    r.prefixes.push(p);
  }
}

const PLAIN = `
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: plain
    labels: {pl: "1", shared: base}
    annotations: {pa: "x"}
  data:
    a: "1"
    b: "2"
    n: 5
  immutable: true
`;

const BASE_GEN = `
  configMapGenerator:
  - name: gen
    literals: [a=1, b=2]
    options:
      labels: {base: "yes", shared: base}
      annotations: {ba: "1"}
`;

/** kubectl kustomize overlay: base (namePrefix b-, a plain ConfigMap + generator), overlay (namePrefix o-). */
function buildOverlay(behavior: "merge" | "replace"): { m: ResMap; errors: string[] } {
  const m = new ResMap();
  m.append(loaded(PLAIN));
  expect(absorbGenerated(m, generated(BASE_GEN, "base"))).toEqual([]);
  prefix(m, "b-");
  const errors = absorbGenerated(
    m,
    generated(`
      configMapGenerator:
      - name: gen
        behavior: ${behavior}
        literals: [b=20, c=30]
        options:
          labels: {shared: overlay, ov: "1"}
      - name: plain
        behavior: ${behavior}
        literals: [b=20, c=30]
    `),
  );
  prefix(m, "o-");
  applyHashSuffixes(m);
  return { m, errors };
}

describe("core/kustomize/generators/absorb", () => {
  it("merge: overlays data and labels onto the base object, keeps its name history and hash setting", () => {
    const { m, errors } = buildOverlay("merge");
    expect(errors).toEqual([]);
    expect(m.resources.map((r) => r.obj)).toEqual([
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "o-b-plain", labels: { pl: "1", shared: "base" }, annotations: { pa: "x" } },
        data: { a: "1", b: "20", c: "30", n: "5" },
      },
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: "o-b-gen-76km87g2ff",
          labels: { base: "yes", ov: "1", shared: "overlay" },
          annotations: { ba: "1" },
        },
        data: { a: "1", b: "20", c: "30" },
      },
    ]);
    const gen = m.resources[1]!;
    expect(gen.prefixes).toEqual(["b-", "o-"]);
    expect(gen.prevIds.map((id) => id.name)).toEqual(["gen", "b-gen", "o-b-gen"]);
    expect(gen.origin).toEqual({ file: "base/kustomization.yaml", line: 2 });
    expect(m.resources[0]!.generator).toEqual({ behavior: "create", hashSuffix: false });
  });

  it("replace: swaps the data, still merging metadata and keeping the base's identity", () => {
    const { m, errors } = buildOverlay("replace");
    expect(errors).toEqual([]);
    expect(m.resources.map((r) => r.obj)).toEqual([
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "o-b-plain", labels: { pl: "1", shared: "base" }, annotations: { pa: "x" } },
        data: { b: "20", c: "30" },
      },
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: "o-b-gen-f94824b2t7",
          labels: { base: "yes", ov: "1", shared: "overlay" },
          annotations: { ba: "1" },
        },
        data: { b: "20", c: "30" },
      },
    ]);
    expect(m.resources[1]!.origin).toEqual({ file: "overlay/kustomization.yaml", line: 2 });
  });

  it("keeps a hash suffix only when both the existing object and the new generator want one", () => {
    const m = new ResMap();
    const base = generated(
      `
      configMapGenerator:
      - name: nohash
        literals: [a=1]
        options: {disableNameSuffixHash: true}
      - name: hashed
        literals: [a=1]
      - name: inns
        namespace: ns1
        literals: [a=1]
      `,
      "base",
    );
    expect(absorbGenerated(m, base)).toEqual([]);
    const overlay = generated(`
      configMapGenerator:
      - name: nohash
        behavior: merge
        literals: [b=2]
      - name: hashed
        behavior: merge
        literals: [b=2]
        options: {disableNameSuffixHash: true}
      - name: inns
        namespace: ns1
        behavior: replace
        literals: [r=1]
        options: {immutable: true}
    `);
    expect(absorbGenerated(m, overlay)).toEqual([]);
    applyHashSuffixes(m);
    expect(m.resources.map((r) => r.obj)).toEqual([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "nohash" }, data: { a: "1", b: "2" } },
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "hashed" }, data: { a: "1", b: "2" } },
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "inns-4ggmdm92bt", namespace: "ns1" },
        data: { r: "1" },
        immutable: true,
      },
    ]);
  });

  it("lets a later generator of the same level merge into an earlier one", () => {
    const m = new ResMap();
    const out = generated(`
      configMapGenerator:
      - name: first
        literals: [a=1]
      - name: first
        behavior: merge
        literals: [b=2]
    `);
    expect(absorbGenerated(m, out)).toEqual([]);
    applyHashSuffixes(m);
    expect(m.resources.map((r) => r.obj)).toEqual([
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "first-7gdc49gk6d" },
        data: { a: "1", b: "2" },
      },
    ]);
  });

  it("refuses create over an existing id and merge/replace with nothing to merge into", () => {
    const m = new ResMap();
    absorbGenerated(
      m,
      generated(
        "configMapGenerator:\n- {name: hashed, literals: [a=1]}\n- {name: inns, namespace: ns1, literals: [a=1]}",
        "base",
      ),
    );
    const errors = absorbGenerated(
      m,
      generated(`
        configMapGenerator:
        - {name: hashed, literals: [b=2]}
        - {name: inns, behavior: merge, literals: [b=2]}
        secretGenerator:
        - {name: hashed, behavior: merge, literals: [b=2]}
        - {name: fresh, behavior: replace, literals: [b=2]}
      `),
    );
    expect(errors).toEqual([
      "id ConfigMap.v1.[noGrp]/hashed.[noNs] exists; behavior must be merge or replace",
      "id ConfigMap.v1.[noGrp]/inns.[noNs] does not exist; cannot merge or replace",
      "id Secret.v1.[noGrp]/hashed.[noNs] does not exist; cannot merge or replace",
      "id Secret.v1.[noGrp]/fresh.[noNs] does not exist; cannot merge or replace",
    ]);
    expect(m.resources.map((r) => [r.obj.kind, getName(r.obj), r.obj.data])).toEqual([
      ["ConfigMap", "hashed", { a: "1" }],
      ["ConfigMap", "inns", { a: "1" }],
    ]);
  });

  it("matches an explicit default namespace and several candidates are an error", () => {
    const m = new ResMap();
    m.append(
      loaded("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: default}\ndata: {a: x}\n"),
    );
    expect(
      absorbGenerated(m, generated("configMapGenerator:\n- {name: cm, behavior: merge, literals: [b=y]}")),
    ).toEqual([]);
    expect(m.resources[0]!.obj).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cm", namespace: "default" },
      data: { a: "x", b: "y" },
    });

    const two = new ResMap();
    two.append(loaded("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"));
    const renamed = loaded("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    storePreviousId(renamed);
    setName(renamed.obj, "p-x");
    two.append(renamed);
    expect(
      absorbGenerated(two, generated("configMapGenerator:\n- {name: x, behavior: merge, literals: [b=y]}")),
    ).toEqual([
      "found multiple objects [ConfigMap.v1.[noGrp]/x.[noNs] ConfigMap.v1.[noGrp]/p-x.[noNs]] that could accept merge of ConfigMap.v1.[noGrp]/x.[noNs]",
    ]);
  });

  it("keeps the base's origin annotation on merge and takes the generator's on replace", () => {
    const origin = "config.kubernetes.io/origin";
    const make = (behavior: string) => {
      const m = new ResMap();
      const base = generated("configMapGenerator:\n- {name: cm, literals: [a=1]}", "base");
      (base[0]!.obj.metadata as JsonObject).annotations = { [origin]: "path: base\n" };
      absorbGenerated(m, base);
      const overlay = generated(`configMapGenerator:\n- {name: cm, behavior: ${behavior}, literals: [b=2]}`);
      (overlay[0]!.obj.metadata as JsonObject).annotations = { [origin]: "path: overlay\n", o: "1" };
      expect(absorbGenerated(m, overlay)).toEqual([]);
      return (m.resources[0]!.obj.metadata as JsonObject).annotations;
    };
    expect(make("merge")).toEqual({ [origin]: "path: base\n", o: "1" });
    expect(make("replace")).toEqual({ [origin]: "path: overlay\n", o: "1" });
  });
});
