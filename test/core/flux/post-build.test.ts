// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the inputs are Flux ${var} templates, not JS templates
import { describe, expect, it } from "vitest";
import {
  type CollectedVariables,
  collectVariables,
  type ObjectLookup,
  substituteObjects,
} from "../../../src/core/flux/post-build.ts";
import type { JsonObject } from "../../../src/core/kustomize/resource.ts";

const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

function configMap(name: string, data: JsonObject, extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace: "flux-system" },
    data,
    ...extra,
  };
}
function secret(name: string, fields: JsonObject): JsonObject {
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: "flux-system" }, ...fields };
}
function lookupFrom(objects: JsonObject[]): ObjectLookup {
  return (kind, name) =>
    objects.find((o) => o.kind === kind && (o.metadata as JsonObject).name === name) ?? undefined;
}
function vars(entries: Record<string, string>, unknown: string[] = []): CollectedVariables {
  return {
    vars: new Map(Object.entries(entries)),
    unknown: new Set(unknown),
    errors: [],
    missing: [],
    opaque: [],
  };
}
function cm(data: JsonObject, metadata: JsonObject = {}): JsonObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", ...metadata }, data };
}

const NAME_RE = "^[_[:alpha:]][_[:alpha:][:digit:]]*$";

describe("core/flux/post-build", () => {
  describe("collectVariables", () => {
    it("applies substituteFrom in order, then inline substitute over everything", () => {
      const lookup = lookupFrom([
        configMap("first", { A: "a1", B: "b1", C: "c1" }),
        secret("second", { data: { B: b64("b2"), C: b64("c2") } }),
      ]);
      const got = collectVariables(
        {
          substitute: { C: "inline" },
          substituteFrom: [
            { kind: "ConfigMap", name: "first" },
            { kind: "Secret", name: "second" },
          ],
        },
        lookup,
      );
      expect(got).toEqual({
        vars: new Map([
          ["A", "a1"],
          ["B", "b2"],
          ["C", "inline"],
        ]),
        unknown: new Set(),
        errors: [],
        missing: [],
        opaque: [],
      });
    });

    it("removes every newline from every value", () => {
      const lookup = lookupFrom([
        configMap("cm", { CM: "line1\nline2\n" }),
        secret("s", { data: { SEC: b64("pa\nss\n") } }),
      ]);
      const got = collectVariables(
        {
          substitute: { IN: "a\nb\r\n" },
          substituteFrom: [
            { kind: "ConfigMap", name: "cm" },
            { kind: "Secret", name: "s" },
          ],
        },
        lookup,
      );
      expect([...got.vars]).toEqual([
        ["CM", "line1line2"],
        ["SEC", "pass"],
        ["IN", "ab\r"],
      ]);
    });

    it("decodes Secret data, reads stringData as written (overriding data) and ignores binaryData", () => {
      const lookup = lookupFrom([
        secret("s", {
          data: { A: b64("from-data"), B: b64("ünï") },
          stringData: { A: "from-stringData", C: "plain" },
        }),
        configMap("c", { D: "d", E: null, F: 8080 }, { binaryData: { BIN: b64("x") } }),
      ]);
      const got = collectVariables(
        {
          substituteFrom: [
            { kind: "Secret", name: "s" },
            { kind: "ConfigMap", name: "c" },
          ],
        },
        lookup,
      );
      expect([...got.vars]).toEqual([
        ["A", "from-stringData"],
        ["B", "ünï"],
        ["C", "plain"],
        ["D", "d"],
        ["E", ""],
        ["F", "8080"],
      ]);
      expect(got.errors).toEqual([]);
    });

    it("fails on invalid variable names, naming the key and its source", () => {
      const lookup = lookupFrom([configMap("settings", { "config.yaml": "x", ok_1: "y", "my-var": "z" })]);
      const got = collectVariables(
        { substitute: { "1st": "v" }, substituteFrom: [{ kind: "ConfigMap", name: "settings" }] },
        lookup,
      );
      expect(got.errors).toEqual([
        `envsubst error: 'config.yaml' var name is invalid, must match '${NAME_RE}' (from ConfigMap/settings)`,
        `envsubst error: 'my-var' var name is invalid, must match '${NAME_RE}' (from ConfigMap/settings)`,
        `envsubst error: '1st' var name is invalid, must match '${NAME_RE}' (from spec.postBuild.substitute)`,
      ]);
      expect(got.vars.get("ok_1")).toBe("y");
    });

    it("fails on a missing source unless it is optional", () => {
      const got = collectVariables(
        {
          substituteFrom: [
            { kind: "ConfigMap", name: "absent" },
            { kind: "Secret", name: "gone", optional: true },
            { kind: "Secret", name: "needed" },
          ],
        },
        lookupFrom([]),
      );
      expect(got).toEqual({
        vars: new Map(),
        unknown: new Set(),
        errors: [
          `substitute from 'ConfigMap/absent' error: configmaps "absent" not found`,
          `substitute from 'Secret/needed' error: secrets "needed" not found`,
        ],
        missing: [
          { kind: "ConfigMap", name: "absent" },
          { kind: "Secret", name: "needed" },
        ],
        opaque: [],
      });
    });

    it("uses placeholders for SOPS ciphertext and tracks them as unknown until overridden", () => {
      const enc = "ENC[AES256_GCM,data:qFa3,iv:AAAA,tag:BBBB,type:str]";
      const lookup = lookupFrom([
        secret("sops-secret", {
          stringData: { TOKEN: enc, REGION: "eu-west-1", OVERRIDDEN: enc, INLINE: enc },
          sops: { mac: enc, version: "3.9.0" },
        }),
        configMap("later", { OVERRIDDEN: "known" }),
      ]);
      const got = collectVariables(
        {
          substitute: { INLINE: "inline" },
          substituteFrom: [
            { kind: "Secret", name: "sops-secret" },
            { kind: "ConfigMap", name: "later" },
          ],
        },
        lookup,
      );
      expect([...got.vars]).toEqual([
        ["TOKEN", "..PLACEHOLDER_TOKEN.."],
        ["REGION", "eu-west-1"],
        ["OVERRIDDEN", "known"],
        ["INLINE", "inline"],
      ]);
      expect(got.unknown).toEqual(new Set(["TOKEN"]));
      expect(got.errors).toEqual([]);
    });

    it("never base64-decodes SOPS ciphertext in Secret data", () => {
      const lookup = lookupFrom([secret("s", { data: { KEY: "ENC[AES256_GCM,data:Zm9v,type:str]" } })]);
      const got = collectVariables({ substituteFrom: [{ kind: "Secret", name: "s" }] }, lookup);
      expect([...got.vars]).toEqual([["KEY", "..PLACEHOLDER_KEY.."]]);
      expect([...got.unknown]).toEqual(["KEY"]);
    });

    it("rejects non-string inline values, as Flux's NestedStringMap does", () => {
      const substitute = { N: 3, S: "s" } as unknown as Record<string, string>;
      const got = collectVariables({ substitute }, lookupFrom([]));
      expect(got.errors).toEqual(["spec.postBuild.substitute.N accessor error: 3 is not a string"]);
      expect([...got.vars]).toEqual([["S", "s"]]);
    });

    it("reports invalid base64, non-scalar values and unsupported kinds", () => {
      const lookup = lookupFrom([
        secret("s", { data: { BAD: "not base64!", PAD: "Zm9v", NOPAD: "Zm8" } }),
        configMap("c", { LIST: ["a"] }),
      ]);
      const got = collectVariables(
        {
          substituteFrom: [
            { kind: "Secret", name: "s" },
            { kind: "ConfigMap", name: "c" },
            { kind: "HelmRepository", name: "x" },
          ],
        },
        lookup,
      );
      expect(got.errors).toEqual([
        "substitute from 'Secret/s' error: data.BAD is not valid base64",
        "substitute from 'Secret/s' error: data.NOPAD is not valid base64",
        "substitute from 'ConfigMap/c' error: data.LIST is not a string",
        "substituteFrom kind 'HelmRepository' is not supported (must be ConfigMap or Secret)",
      ]);
      expect([...got.vars]).toEqual([["PAD", "foo"]]);
    });
  });

  describe("substituteObjects", () => {
    it("renders the flux-semantics §4.6 example", () => {
      const collected = collectVariables(
        { substitute: { ENV: "dev" }, substituteFrom: [{ kind: "ConfigMap", name: "cluster-settings" }] },
        lookupFrom([configMap("cluster-settings", { DOMAIN: "example.com", ENV: "prod" })]),
      );
      const obj: JsonObject = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: {
          name: "web-${ENV}",
          annotations: {
            host: "${APP:=web}.${DOMAIN}",
            script: "echo $${HOME} $PATH",
            cert: "${DOMAIN/./-}",
          },
        },
      };
      expect(substituteObjects([obj], collected, { strict: true })).toEqual({
        objects: [
          {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: {
              name: "web-dev",
              annotations: { host: "web.example.com", script: "echo ${HOME} $PATH", cert: "example-com" },
            },
          },
        ],
        errors: [],
        unknownUses: [],
        assumedDefaults: [],
        unknownOnly: [],
      });
    });

    it("re-types substituted scalars with YAML 1.1 rules, as Flux's YAMLToJSON does", () => {
      const collected = vars({
        R: "3",
        B: "yes",
        OFF: "off",
        N: "3",
        quote: '"',
        NUL: "null",
        TILDE: "~",
        OCT: "0777",
        F: "1.50",
        DAY: "2024-01-02",
        C: "a: b",
        H: "#comment",
      });
      const obj: JsonObject = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "typing" },
        spec: {
          replicas: "${R}",
          enabled: "${B}",
          disabled: "${OFF}",
          quoted: "${quote}${N}${quote}",
          stillString: "3",
          stillBool: "true",
          nul: "${NUL}",
          tilde: "${TILDE}",
          octal: "${OCT}",
          float: "${F}",
          day: "${DAY}",
          colonInSource: "x: ${R}",
          colonInList: ["- ${R}"],
          multiline: "key: ${C}\nnext: ${R}\n",
          hash: "${H}",
          suffix: "${R}Gi",
        },
      };
      const result = substituteObjects([obj], collected, { strict: true });
      expect(result.errors).toEqual([]);
      expect(result.objects).toEqual([
        {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "typing" },
          spec: {
            replicas: 3,
            enabled: true,
            disabled: false,
            quoted: "3",
            stillString: "3",
            stillBool: "true",
            nul: null,
            tilde: null,
            octal: 511,
            float: 1.5,
            day: "2024-01-02",
            colonInSource: "x: 3",
            colonInList: ["- 3"],
            multiline: "key: a: b\nnext: 3\n",
            hash: null,
            suffix: "3Gi",
          },
        },
      ]);
    });

    it("fails an object whose substituted YAML does not parse, naming the object, and keeps it unchanged", () => {
      const obj: JsonObject = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", annotations: { note: "${C}" } },
      };
      const result = substituteObjects([obj], vars({ C: "a: b" }), { strict: true });
      expect(result.objects).toEqual([obj]);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]?.index).toBe(0);
      expect(result.errors[0]?.message).toMatch(
        /^post build failed for 'Deployment\.v1\.apps\/web': envsubst error: YAMLToJSON: .+ \(line 5 of the substituted YAML\)$/,
      );
    });

    it("reports strict-mode failures per object and still substitutes the others", () => {
      const bad = cm({ url: "https://${HOST}/${MISSING}" }, { name: "bad" });
      const good = cm({ url: "https://${HOST}/" }, { name: "good" });
      const result = substituteObjects([bad, good], vars({ HOST: "h" }), { strict: true });
      expect(result).toEqual({
        objects: [bad, cm({ url: "https://h/" }, { name: "good" })],
        errors: [
          {
            index: 0,
            message:
              "post build failed for 'ConfigMap.v1.[noGrp]/bad': envsubst error: variable substitution failed: " +
              'variable not set (strict mode): "MISSING"',
          },
        ],
        unknownUses: [],
        assumedDefaults: [],
        unknownOnly: [],
      });
    });

    it("replaces unset variables with an empty string when not strict", () => {
      const result = substituteObjects([cm({ url: "https://${HOST}/${MISSING}" })], vars({ HOST: "h" }), {
        strict: false,
      });
      expect(result.objects).toEqual([cm({ url: "https://h/" })]);
      expect(result.errors).toEqual([]);
    });

    it("reports parse errors of malformed expressions", () => {
      const result = substituteObjects([cm({ a: "${my-var}" })], vars({ X: "1" }), { strict: true });
      expect(result.errors).toEqual([
        {
          index: 0,
          message:
            "post build failed for 'ConfigMap.v1.[noGrp]/cm': envsubst error: variable substitution failed: missing closing brace",
        },
      ]);
    });

    it("skips objects labelled or annotated substitute: disabled (no $$ collapsing either)", () => {
      const byLabel = cm(
        { a: "${X} $${Y}" },
        { labels: { "kustomize.toolkit.fluxcd.io/substitute": "disabled" } },
      );
      const byAnnotation = cm(
        { a: "${MISSING}" },
        { annotations: { "kustomize.toolkit.fluxcd.io/substitute": "disabled" } },
      );
      const otherValue = cm(
        { a: "${X}" },
        { labels: { "kustomize.toolkit.fluxcd.io/substitute": "enabled" } },
      );
      const result = substituteObjects([byLabel, byAnnotation, otherValue], vars({ X: "1" }), {
        strict: true,
      });
      expect(result.objects).toEqual([
        byLabel,
        byAnnotation,
        cm({ a: 1 }, { labels: { "kustomize.toolkit.fluxcd.io/substitute": "enabled" } }),
      ]);
      expect(result.errors).toEqual([]);
    });

    it("does nothing without variables under WithVariables, and substitutes anyway under Always", () => {
      const obj = cm({ a: "${X:=d}", b: "$${Y}" });
      const none = vars({});
      expect(substituteObjects([obj], none, { strict: true }).objects).toEqual([obj]);
      expect(substituteObjects([obj], none, { strict: true, strategy: "WithVariables" }).objects).toEqual([
        obj,
      ]);
      expect(substituteObjects([obj], none, { strict: true, strategy: "Always" })).toEqual({
        objects: [cm({ a: "d", b: "${Y}" })],
        errors: [],
        unknownUses: [],
        assumedDefaults: [],
        unknownOnly: [],
      });
    });

    it("reports collected errors once, at the first object Flux would substitute, and substitutes nothing", () => {
      const collected: CollectedVariables = {
        ...vars({ X: "1" }),
        errors: [`substitute from 'ConfigMap/absent' error: configmaps "absent" not found`],
        missing: [{ kind: "ConfigMap", name: "absent" }],
        opaque: [],
      };
      const disabled = cm(
        { a: "${X}" },
        { name: "off", labels: { "kustomize.toolkit.fluxcd.io/substitute": "disabled" } },
      );
      const first = cm({ a: "${X}" }, { name: "first" });
      const second = cm({ a: "${X}" }, { name: "second" });
      expect(substituteObjects([disabled, first, second], collected, { strict: true })).toEqual({
        objects: [disabled, first, second],
        errors: [
          {
            index: 1,
            message: `post build failed for 'ConfigMap.v1.[noGrp]/first': substitute from 'ConfigMap/absent' error: configmaps "absent" not found`,
          },
        ],
        unknownUses: [],
        assumedDefaults: [],
        unknownOnly: [],
      });
      expect(substituteObjects([disabled], collected, { strict: true }).errors).toEqual([]);
    });

    it("lists objects that used variables with unknown (placeholder) values", () => {
      const collected = vars({ TOKEN: "..PLACEHOLDER_TOKEN..", A: "a" }, ["TOKEN"]);
      const result = substituteObjects(
        [cm({ t: "${TOKEN}", a: "${A}" }, { name: "uses" }), cm({ a: "${A}" }, { name: "clean" })],
        collected,
        { strict: true },
      );
      expect(result.objects).toEqual([
        cm({ t: "..PLACEHOLDER_TOKEN..", a: "a" }, { name: "uses" }),
        cm({ a: "a" }, { name: "clean" }),
      ]);
      expect(result.unknownUses).toEqual([{ index: 0, names: ["TOKEN"] }]);
    });

    it("does not mutate its input objects", () => {
      const obj = cm({ a: "${X}" });
      const before = structuredClone(obj);
      substituteObjects([obj], vars({ X: "1" }), { strict: true });
      expect(obj).toEqual(before);
    });
  });
});

describe("core/flux/post-build opaque sources", () => {
  it("treats a Secret created by a controller as existing, with placeholder values", () => {
    const collected = collectVariables(
      { substituteFrom: [{ kind: "Secret", name: "tunnel-id" }], substitute: { APP: "tunnel" } },
      (kind, name) => (kind === "Secret" && name === "tunnel-id" ? "opaque" : undefined),
    );
    const objects = [cm({ id: "${TUNNEL_ID}", app: "${APP}" })];

    const result = substituteObjects(objects, collected, { strict: true });

    expect(collected.errors).toEqual([]);
    expect(collected.opaque).toEqual(["Secret/tunnel-id"]);
    expect(result.errors).toEqual([]);
    expect(result.objects[0]?.data).toEqual({ id: "..PLACEHOLDER_TUNNEL_ID..", app: "tunnel" });
    expect(result.unknownUses).toEqual([{ index: 0, names: ["TUNNEL_ID"] }]);
  });
});

describe("core/flux/post-build values not known offline", () => {
  const opaque = (entries: Record<string, string>, unknown: string[] = []): CollectedVariables => ({
    ...vars(entries, unknown),
    opaque: ["Secret/cluster-vars"],
  });

  it("uses the default of a variable that only an opaque source may define, and records the assumption", () => {
    const result = substituteObjects(
      [cm({ owner: "${OWNER:=${APP}}", q: "${q:=''}", plain: "${MAYBE}" })],
      opaque({ APP: "immich" }),
      { strict: true },
    );
    expect(result.errors).toEqual([]);
    expect(result.unknownOnly).toEqual([]);
    // `q: ''` in the substituted YAML: an empty string, as in Flux.
    expect(result.objects[0]?.data).toEqual({ owner: "immich", q: "", plain: "..PLACEHOLDER_MAYBE.." });
    expect(result.assumedDefaults).toEqual([
      { index: 0, name: "OWNER", default: "immich" },
      { index: 0, name: "q", default: "''" },
    ]);
    expect(result.unknownUses).toEqual([{ index: 0, names: ["MAYBE"] }]);
  });

  it("keeps the placeholder of a variable that is defined with an unknown value, even with a default", () => {
    const result = substituteObjects(
      [cm({ token: "${TOKEN:=none}" })],
      vars({ TOKEN: "..PLACEHOLDER_TOKEN.." }, ["TOKEN"]),
      { strict: true },
    );
    expect(result.objects[0]?.data).toEqual({ token: "..PLACEHOLDER_TOKEN.." });
    expect(result.assumedDefaults).toEqual([]);
    expect(result.unknownUses).toEqual([{ index: 0, names: ["TOKEN"] }]);
  });

  it("takes the default without recording an assumption when there is no opaque source", () => {
    const result = substituteObjects([cm({ a: "${MISSING:=d}" })], vars({ X: "1" }), { strict: true });
    expect(result.objects[0]?.data).toEqual({ a: "d" });
    expect(result.assumedDefaults).toEqual([]);
  });

  // budimanjojo/home-cluster cluster/components/postgres-database/database-namespace/fluxtomization.yaml,
  // rendered by Kustomization default/immich (substituteFrom Secret cluster-vars, made by an ExternalSecret).
  const child = (): JsonObject => ({
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: { name: "${APP}-postgres-db" },
    spec: {
      targetNamespace: "database",
      path: "./cluster/components/postgres-database/database-namespace/base",
      healthChecks: [{ apiVersion: "postgresql.cnpg.io/v1", kind: "Database", name: "${APP}" }],
      postBuild: {
        substitute: {
          APP: "${APP}",
          OWNER: "${DATABASE_OWNER:=${APP}}",
          EXTENSIONS: "${q:='}${DATABASE_EXTENSIONS}${q:='}",
          emptyArray: "[]",
        },
      },
    },
  });

  it("renders the budimanjojo postgres child: `${q:='}` quotes the list instead of failing the YAML", () => {
    const collected = opaque({
      APP: "immich",
      DATABASE_EXTENSIONS: "[  { name: vchord },  { name: earthdistance }]",
    });
    const result = substituteObjects([child()], collected, { strict: true });
    expect(result.errors).toEqual([]);
    expect(result.unknownOnly).toEqual([]);
    const out = result.objects[0] as JsonObject;
    expect((out.metadata as JsonObject).name).toBe("immich-postgres-db");
    expect(((out.spec as JsonObject).postBuild as JsonObject).substitute).toEqual({
      APP: "immich",
      OWNER: "immich",
      EXTENSIONS: "[  { name: vchord },  { name: earthdistance }]",
      emptyArray: "[]",
    });
    expect(result.assumedDefaults).toEqual([
      { index: 0, name: "DATABASE_OWNER", default: "immich" },
      { index: 0, name: "q", default: "'" },
    ]);
  });

  it("reports a failure caused only by a placeholder as unknownOnly, not as an error", () => {
    // Without the defaults the placeholders land around a flow list: "..PLACEHOLDER_q..[ { name: a } ]…".
    const obj = cm({ ext: "${q}${LIST}${q}", name: "${APP}-db" }, { name: "db" });
    const result = substituteObjects([obj], opaque({ APP: "immich", LIST: "[ { name: a } ]" }), {
      strict: true,
    });
    expect(result.errors).toEqual([]);
    expect(result.unknownOnly).toHaveLength(1);
    expect(result.unknownOnly[0]).toMatchObject({ index: 0, names: ["q"] });
    expect(result.unknownOnly[0]?.message).toMatch(
      /^post build failed for 'ConfigMap.v1.\[noGrp\]\/db': envsubst error: YAMLToJSON: /,
    );
    // Substituted value by value, placeholders kept.
    expect(result.objects[0]?.data).toEqual({
      ext: "..PLACEHOLDER_q..[ { name: a } ]..PLACEHOLDER_q..",
      name: "immich-db",
    });
    expect(result.unknownUses).toEqual([{ index: 0, names: ["q"] }]);
  });

  it("treats a SOPS value whose placeholder breaks the substituted YAML the same way", () => {
    // "..PLACEHOLDER_TOKEN..[ { name: a } ]" is a plain scalar holding ": "; with TOKEN="" it is a flow list.
    const obj = cm({ ext: "${TOKEN}${LIST}" }, { name: "s" });
    const collected = vars({ TOKEN: "..PLACEHOLDER_TOKEN..", LIST: "[ { name: a } ]" }, ["TOKEN"]);
    const result = substituteObjects([obj], collected, { strict: true });
    expect(result.errors).toEqual([]);
    expect(result.unknownOnly).toMatchObject([{ index: 0, names: ["TOKEN"] }]);
    expect(result.objects[0]?.data).toEqual({ ext: "..PLACEHOLDER_TOKEN..[ { name: a } ]" });
  });

  it("still reports a real syntax error in an object that also uses unknown values", () => {
    const obj = cm({ a: "${MAYBE}", b: "${my-var}" }, { name: "bad" });
    const result = substituteObjects([obj], opaque({ APP: "x" }), { strict: true });
    expect(result.unknownOnly).toEqual([]);
    expect(result.errors).toEqual([
      {
        index: 0,
        message:
          "post build failed for 'ConfigMap.v1.[noGrp]/bad': envsubst error: variable substitution failed: missing closing brace",
      },
    ]);
  });

  it("still reports a YAML break caused by a known value in an object that also uses unknown values", () => {
    const obj = cm({ a: "${MAYBE}", b: "${C}" }, { name: "bad" });
    const result = substituteObjects([obj], opaque({ C: "a: b" }), { strict: true });
    expect(result.unknownOnly).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.message).toMatch(/YAMLToJSON/);
  });

  it("never fails strictly on a variable an opaque source may define", () => {
    const result = substituteObjects([cm({ a: "${MAYBE}" })], opaque({}), {
      strict: true,
      strictReason: "r",
    });
    expect(result.errors).toEqual([]);
    expect(result.objects[0]?.data).toEqual({ a: "..PLACEHOLDER_MAYBE.." });
  });

  it("appends strictReason to strict-mode errors", () => {
    const reason =
      "Flux 2.9.4 (clusters/main/flux-instance.yaml, spec.distribution.version) fails the build on undefined variables";
    const result = substituteObjects([cm({ a: "${FOO}" }, { name: "x" })], vars({ A: "1" }), {
      strict: true,
      strictReason: reason,
    });
    expect(result.errors).toEqual([
      {
        index: 0,
        message: `post build failed for 'ConfigMap.v1.[noGrp]/x': envsubst error: variable substitution failed: variable not set (strict mode): "FOO" (${reason})`,
      },
    ]);
  });

  it("substitutes undefined variables without a default with an empty string when not strict (Flux < 2.9)", () => {
    const result = substituteObjects([cm({ a: "x${FOO}y", b: "${BAR:=d}" })], vars({ A: "1" }), {
      strict: false,
      strictReason: "ignored",
    });
    expect(result.errors).toEqual([]);
    expect(result.objects[0]?.data).toEqual({ a: "xy", b: "d" });
  });
});
