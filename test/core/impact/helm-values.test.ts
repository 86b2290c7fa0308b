import { describe, expect, it } from "vitest";
import { effectiveValues } from "../../../src/core/impact/helm-values.ts";
import type { JsonObject } from "../../../src/core/kustomize/resource.ts";
import { fingerprint } from "../../../src/core/secrets/redact.ts";
import { b64, configMap, helmRelease, modelOf, secret, side } from "./helm-model-factory.ts";

const CHART = {
  spec: { chart: "app", sourceRef: { kind: "HelmRepository", name: "charts", namespace: "flux-system" } },
};

/** Effective values of HelmRelease media/app with `spec` extras, next to `objects`. */
function valuesOf(spec: Record<string, unknown>, objects: JsonObject[] = []) {
  const { model, hr } = side(
    modelOf([...objects, helmRelease("media", "app", { chart: CHART, ...spec })]),
    "media/app",
  );
  return effectiveValues(model, hr);
}

describe("core/impact/helm-values", () => {
  // fluxcd/pkg chartutil/values_test.go "merges": ConfigMap, then Secret, then inline values.
  it("deep-merges valuesFrom in order, inline values last; Secret leaves are fingerprinted", () => {
    const result = valuesOf(
      {
        valuesFrom: [
          { kind: "ConfigMap", name: "values" },
          { kind: "Secret", name: "values" },
        ],
        values: { other: "values" },
      },
      [
        configMap("media", "values", { "values.yaml": "flat: value\nnested:\n  configuration: value\n" }),
        secret("media", "values", {
          data: { "values.yaml": b64("flat:\n  nested: value\nnested: value\n") },
        }),
      ],
    );
    expect(result.values).toEqual({
      flat: { nested: fingerprint("value") },
      nested: fingerprint("value"),
      other: "values",
    });
    expect([...result.secretPaths].sort()).toEqual(["flat.nested", "nested"]);
    expect(result.sources).toEqual([
      {
        kind: "ConfigMap",
        name: "values",
        key: "values.yaml",
        found: true,
        optional: false,
        fingerprint: fingerprint("flat: value\nnested:\n  configuration: value\n"),
      },
      {
        kind: "Secret",
        name: "values",
        key: "values.yaml",
        found: true,
        optional: false,
        fingerprint: fingerprint("flat:\n  nested: value\nnested: value\n"),
      },
    ]);
  });

  // values_test.go "target path precedence over all": the targetPath write lands in the inline list
  // (MergeMaps shares it), so it survives the final merge of inline values.
  it("reproduces Go's map sharing: a targetPath into an inline list wins", () => {
    const result = valuesOf(
      {
        valuesFrom: [
          { kind: "ConfigMap", name: "key", valuesKey: "key", targetPath: "nested.configuration[0]" },
          { kind: "ConfigMap", name: "values" },
        ],
        values: { nested: { configuration: ["list", "item", "option"] } },
      },
      [
        configMap("media", "values", {
          "values.yaml": "flat: value\nnested:\n  configuration: [one, two, three]\n",
        }),
        configMap("media", "key", { key: "value" }),
      ],
    );
    expect(result.values).toEqual({ flat: "value", nested: { configuration: ["value", "item", "option"] } });
    expect(result.secretPaths.size).toBe(0);
  });

  it("lets inline values win over a top-level targetPath (no shared map)", () => {
    const result = valuesOf(
      {
        valuesFrom: [{ kind: "ConfigMap", name: "v", valuesKey: "replicas", targetPath: "replicas" }],
        values: { replicas: 1 },
      },
      [configMap("media", "v", { replicas: "3" })],
    );
    expect(result.values).toEqual({ replicas: 1 });
  });

  it("sets targetPath values with \\. escapes and [n] indexes, typed like --set", () => {
    const result = valuesOf(
      {
        valuesFrom: [
          {
            kind: "ConfigMap",
            name: "ingress",
            valuesKey: "auth",
            targetPath: "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/auth-url",
          },
          { kind: "ConfigMap", name: "ingress", valuesKey: "host", targetPath: "ingress.hosts[0].host" },
          { kind: "ConfigMap", name: "ingress", valuesKey: "port", targetPath: "service.port" },
          { kind: "ConfigMap", name: "ingress", valuesKey: "quoted", targetPath: "service.name" },
        ],
      },
      [
        configMap("media", "ingress", {
          auth: "https://auth.example.com/oauth2/auth",
          host: "app.example.com",
          port: "8080",
          quoted: '"0123"',
        }),
      ],
    );
    expect(result.values).toEqual({
      ingress: {
        annotations: { "nginx.ingress.kubernetes.io/auth-url": "https://auth.example.com/oauth2/auth" },
        hosts: [{ host: "app.example.com" }],
      },
      service: { port: 8080, name: "0123" },
    });
  });

  it("sets literal values verbatim and reports a --set value that does not parse", () => {
    const brokers = "kafka01.net:9092,kafka02.net:9092,kafka03.net:9092";
    const result = valuesOf(
      {
        valuesFrom: [
          {
            kind: "ConfigMap",
            name: "kafka",
            valuesKey: "brokers",
            targetPath: "kafka.brokers",
            literal: true,
          },
          { kind: "ConfigMap", name: "kafka", valuesKey: "brokers", targetPath: "other.brokers" },
        ],
      },
      [configMap("media", "kafka", { brokers })],
    );
    expect((result.values.kafka as JsonObject).brokers).toBe(brokers);
    expect(result.sources[1]?.error).toBe(
      'failed to merge value: key "net:9092" has no value (cannot end with ,)',
    );
  });

  it("skips missing objects and keys, optional or not, with found: false", () => {
    const result = valuesOf(
      {
        valuesFrom: [
          { kind: "Secret", name: "missing", optional: true },
          { kind: "ConfigMap", name: "present", valuesKey: "absent" },
          { kind: "ConfigMap", name: "present" },
        ],
      },
      [configMap("media", "present", { "values.yaml": "a: 1" }), configMap("other", "missing", {})],
    );
    expect(result.values).toEqual({ a: 1 });
    expect(result.sources.map((s) => [s.name, s.key, s.found, s.optional])).toEqual([
      ["missing", "values.yaml", false, true],
      ["present", "absent", false, false],
      ["present", "values.yaml", true, false],
    ]);
  });

  it("reports unsupported kinds and values that are not a YAML map", () => {
    const result = valuesOf(
      {
        valuesFrom: [
          { kind: "Unsupported", name: "x" },
          { kind: "ConfigMap", name: "bad" },
          { kind: "ConfigMap", name: "bad", valuesKey: "syntax" },
          { kind: "ConfigMap", name: "bad", valuesKey: "empty" },
        ],
      },
      [configMap("media", "bad", { "values.yaml": "\ninvalid", syntax: "a: [1", empty: "" })],
    );
    expect(result.values).toEqual({});
    expect(result.sources.map((s) => s.error?.slice(0, 40))).toEqual([
      "unsupported values reference kind",
      "failed to read values data: the values d",
      "failed to read values data: Flow sequenc",
      undefined,
    ]);
  });

  it("reads values documents with YAML 1.1 scalars (sigs.k8s.io/yaml)", () => {
    const result = valuesOf({ valuesFrom: [{ kind: "ConfigMap", name: "v" }] }, [
      configMap("media", "v", { "values.yaml": "enabled: yes\nmode: off\nport: 0x1F\nname: app\n" }),
    ]);
    expect(result.values).toEqual({ enabled: true, mode: false, port: 31, name: "app" });
  });

  it("lays Secret stringData over data", () => {
    const result = valuesOf(
      { valuesFrom: [{ kind: "Secret", name: "s", valuesKey: "pw", targetPath: "auth.password" }] },
      [secret("media", "s", { data: { pw: b64("from-data") }, stringData: { pw: "from-stringData" } })],
    );
    expect(result.values).toEqual({ auth: { password: fingerprint("from-stringData") } });
    expect([...result.secretPaths]).toEqual(["auth.password"]);
  });

  it("treats SOPS ciphertext and cluster-created Secrets as opaque", () => {
    const cipher = "ENC[AES256_GCM,data:Tr7o=,iv:1=,tag:2=,type:str]";
    const externalSecret: JsonObject = {
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "app-secret", namespace: "media" },
      spec: { target: { name: "from-vault" } },
    };
    const result = valuesOf(
      {
        valuesFrom: [
          { kind: "Secret", name: "sops" },
          { kind: "Secret", name: "sops", valuesKey: "token", targetPath: "api.token" },
          { kind: "Secret", name: "from-vault" },
        ],
      },
      [secret("media", "sops", { data: { "values.yaml": cipher, token: cipher } }), externalSecret],
    );
    expect(Object.keys(result.values)).toEqual(["api"]);
    const token = (result.values.api as JsonObject).token as string;
    expect(token).toMatch(/^<redacted sha256:[0-9a-f]{12}>$/);
    expect(JSON.stringify(result)).not.toContain("Tr7o");
    expect([...result.secretPaths]).toEqual(["api.token"]);
    expect(result.sources.map((s) => [s.name, s.found, s.opaque])).toEqual([
      ["sops", true, true],
      ["sops", true, true],
      ["from-vault", true, true],
    ]);
  });

  it("keeps __proto__ keys from values documents and targetPaths as plain data", () => {
    const result = valuesOf(
      {
        valuesFrom: [
          { kind: "ConfigMap", name: "p" },
          { kind: "ConfigMap", name: "p", valuesKey: "x", targetPath: "__proto__.polluted" },
        ],
        values: { constructor: { prototype: 1 } },
      },
      [configMap("media", "p", { "values.yaml": "__proto__:\n  admin: true\n", x: "yes" })],
    );
    expect(Object.getPrototypeOf(result.values)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(result.values))).toEqual({
      ["__proto__"]: { admin: true, polluted: "yes" },
      constructor: { prototype: 1 },
    });
  });

  it("ignores inline values that are not a map and does not modify the model", () => {
    const objects = [configMap("media", "v", { x: "1" })];
    const model = modelOf([
      ...objects,
      helmRelease("media", "app", {
        chart: CHART,
        valuesFrom: [{ kind: "ConfigMap", name: "v", valuesKey: "x", targetPath: "a.b" }],
        values: { a: { c: 2 } },
      }),
    ]);
    const before = JSON.stringify(model);
    expect(effectiveValues(model, side(model, "media/app").hr).values).toEqual({ a: { b: 1, c: 2 } });
    expect(JSON.stringify(model)).toBe(before);
    expect(valuesOf({ values: ["not", "a", "map"] }).values).toEqual({});
  });
});
