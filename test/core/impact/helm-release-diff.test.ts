import { describe, expect, it } from "vitest";
import { diffHelmRelease, type HelmReleaseDiff } from "../../../src/core/impact/helm-release-diff.ts";
import type { JsonObject, JsonValue } from "../../../src/core/kustomize/resource.ts";
import { b64, configMap, helmRelease, modelOf, secret, side, source } from "./helm-model-factory.ts";

const DEFINED_IN = "apps/helmrelease.yaml";

/**
 * The base revision: sonarr (bjw-s app-template from a HelmRepository, values from a generated ConfigMap
 * with a hash suffix — names as `kubectl kustomize` generates them —, an ingress ConfigMap through
 * targetPaths, and an API key from a Secret), app (chartRef to an OCIRepository) and redis (bitnami).
 */
function baseObjects(): JsonObject[] {
  return [
    source("HelmRepository", "flux-system", "bjw-s", {
      url: "https://bjw-s-labs.github.io/helm-charts",
      interval: "1h",
    }),
    source("OCIRepository", "media", "app-template", {
      url: "oci://ghcr.io/bjw-s-labs/helm/app-template",
      ref: { tag: "3.5.1" },
    }),
    source("HelmRepository", "flux-system", "bitnami", {
      url: "oci://registry-1.docker.io/bitnamicharts",
      type: "oci",
    }),
    configMap("media", "app-values-9cf6dg4bhk", { "values.yaml": "replicas: 1\nenv:\n  TZ: UTC\n" }),
    configMap("media", "ingress", {
      host: "sonarr.example.com",
      auth: "https://auth.example.com/oauth2/auth",
    }),
    secret("media", "sonarr-secret", { data: { "api-key": b64("supersecret-1") } }),
    helmRelease("media", "sonarr", {
      interval: "30m",
      chart: {
        spec: {
          chart: "app-template",
          version: "3.5.1",
          sourceRef: { kind: "HelmRepository", name: "bjw-s", namespace: "flux-system" },
        },
      },
      valuesFrom: [
        { kind: "ConfigMap", name: "app-values-9cf6dg4bhk" },
        {
          kind: "ConfigMap",
          name: "ingress",
          valuesKey: "auth",
          targetPath: "ingress.app.annotations.nginx\\.ingress\\.kubernetes\\.io/auth-url",
        },
        { kind: "ConfigMap", name: "ingress", valuesKey: "host", targetPath: "ingress.app.hosts[0].host" },
        {
          kind: "Secret",
          name: "sonarr-secret",
          valuesKey: "api-key",
          targetPath: "env.SONARR__AUTH__APIKEY",
        },
      ],
      values: {
        controllers: {
          sonarr: {
            containers: {
              app: { image: { repository: "ghcr.io/home-operations/sonarr", tag: "4.0.14.2939" } },
            },
          },
        },
        service: { app: { ports: { http: { port: 8989 } } } },
      },
    }),
    helmRelease("media", "app", {
      chartRef: { kind: "OCIRepository", name: "app-template" },
      values: {
        controllers: { app: { containers: { app: { image: { repository: "nginx", tag: "1.27" } } } } },
      },
    }),
    helmRelease("database", "redis", {
      chart: {
        spec: {
          chart: "redis",
          version: "20.6.2",
          sourceRef: { kind: "HelmRepository", name: "bitnami", namespace: "flux-system" },
        },
      },
      values: { image: { registry: "docker.io", repository: "bitnami/redis", tag: "7.4.1-debian-12-r2" } },
    }),
  ];
}

/** The object of `kind` named `name` in a list of objects (to edit a head copy in place). */
function find(objects: JsonObject[], kind: string, name: string): JsonObject {
  const obj = objects.find((o) => o.kind === kind && (o.metadata as JsonObject).name === name);
  if (!obj) throw new Error(`no ${kind} ${name}`);
  return obj;
}

function spec(objects: JsonObject[], kind: string, name: string): JsonObject {
  return find(objects, kind, name).spec as JsonObject;
}

/** Set the value at `path` under `root` (the containers on the way must exist). */
function setIn(root: JsonObject, path: Array<string | number>, value: JsonValue): void {
  let node: JsonValue = root;
  for (const seg of path.slice(0, -1)) node = (node as Record<string | number, JsonValue>)[seg] as JsonValue;
  (node as Record<string | number, JsonValue>)[path[path.length - 1]!] = value;
}

const UNCHANGED_PARTS: Pick<HelmReleaseDiff, "values" | "images" | "dependsOnChanged"> = {
  values: [],
  images: { from: [], to: [] },
  dependsOnChanged: false,
};

interface Scenario {
  name: string;
  key: string;
  edit: (head: JsonObject[]) => JsonObject[] | undefined;
  expected: HelmReleaseDiff;
}

const scenarios: Scenario[] = [
  {
    name: "nothing changed",
    key: "media/sonarr",
    edit: () => undefined,
    expected: { change: "unchanged", chartName: "app-template", ...UNCHANGED_PARTS, reasons: [] },
  },
  {
    name: "inline values change",
    key: "media/sonarr",
    edit: (head) => {
      setIn(spec(head, "HelmRelease", "sonarr"), ["values", "service", "app", "ports", "http", "port"], 8990);
      return head;
    },
    expected: {
      change: "modified",
      chartName: "app-template",
      ...UNCHANGED_PARTS,
      values: [
        { path: "service.app.ports.http.port", change: "modified", from: "8989", to: "8990", secret: false },
      ],
      reasons: [{ kind: "definition", file: DEFINED_IN, fields: ["values"] }],
    },
  },
  {
    name: "valuesFrom ConfigMap change (generated, hash-suffixed name)",
    key: "media/sonarr",
    edit: (head) => {
      const cm = find(head, "ConfigMap", "app-values-9cf6dg4bhk");
      cm.metadata = { name: "app-values-5m887g2gbc", namespace: "media" };
      cm.data = { "values.yaml": "replicas: 2\nenv:\n  TZ: UTC\n" };
      setIn(spec(head, "HelmRelease", "sonarr"), ["valuesFrom", 0, "name"], "app-values-5m887g2gbc");
      return head;
    },
    expected: {
      change: "modified",
      chartName: "app-template",
      ...UNCHANGED_PARTS,
      values: [{ path: "replicas", change: "modified", from: "1", to: "2", secret: false }],
      reasons: [
        { kind: "definition", file: DEFINED_IN, fields: ["valuesFrom"] },
        { kind: "values-source", source: "ConfigMap media/app-values-5m887g2gbc" },
      ],
    },
  },
  {
    name: "targetPath values with \\. escapes and [0] change through their ConfigMap",
    key: "media/sonarr",
    edit: (head) => {
      find(head, "ConfigMap", "ingress").data = {
        host: "tv.example.com",
        auth: "https://sso.example.com/auth",
      };
      return head;
    },
    expected: {
      change: "modified",
      chartName: "app-template",
      ...UNCHANGED_PARTS,
      values: [
        {
          path: "ingress.app.annotations.nginx\\.ingress\\.kubernetes\\.io/auth-url",
          change: "modified",
          from: "https://auth.example.com/oauth2/auth",
          to: "https://sso.example.com/auth",
          secret: false,
        },
        {
          path: "ingress.app.hosts[0].host",
          change: "modified",
          from: "sonarr.example.com",
          to: "tv.example.com",
          secret: false,
        },
      ],
      reasons: [{ kind: "values-source", source: "ConfigMap media/ingress" }],
    },
  },
  {
    name: "an optional valuesFrom source that does not exist",
    key: "media/sonarr",
    edit: (head) => {
      (spec(head, "HelmRelease", "sonarr").valuesFrom as JsonValue[]).push({
        kind: "Secret",
        name: "sonarr-extra",
        optional: true,
      });
      return head;
    },
    expected: {
      change: "modified",
      chartName: "app-template",
      ...UNCHANGED_PARTS,
      reasons: [{ kind: "definition", file: DEFINED_IN, fields: ["valuesFrom"] }],
    },
  },
  {
    name: "a value from a Secret changed",
    key: "media/sonarr",
    edit: (head) => {
      find(head, "Secret", "sonarr-secret").data = { "api-key": b64("supersecret-2") };
      return head;
    },
    expected: {
      change: "modified",
      chartName: "app-template",
      ...UNCHANGED_PARTS,
      values: [{ path: "env.SONARR__AUTH__APIKEY", change: "modified", secret: true }],
      reasons: [{ kind: "values-source", source: "Secret media/sonarr-secret" }],
    },
  },
  {
    name: "chart version bump",
    key: "media/sonarr",
    edit: (head) => {
      setIn(spec(head, "HelmRelease", "sonarr"), ["chart", "spec", "version"], "3.6.0");
      return head;
    },
    expected: {
      change: "modified",
      chartName: "app-template",
      ...UNCHANGED_PARTS,
      chart: { from: "3.5.1", to: "3.6.0" },
      reasons: [{ kind: "definition", file: DEFINED_IN, fields: ["chart"] }],
    },
  },
  {
    name: "chart renamed and moved to another repository",
    key: "media/sonarr",
    edit: (head) => {
      setIn(spec(head, "HelmRelease", "sonarr"), ["chart", "spec"], {
        chart: "sonarr",
        version: "1.0.0",
        sourceRef: { kind: "HelmRepository", name: "bitnami", namespace: "flux-system" },
      });
      return head;
    },
    expected: {
      change: "modified",
      chartName: "sonarr",
      ...UNCHANGED_PARTS,
      chart: {
        from: "app-template@3.5.1 (HelmRepository flux-system/bjw-s)",
        to: "sonarr@1.0.0 (HelmRepository flux-system/bitnami)",
      },
      reasons: [{ kind: "definition", file: DEFINED_IN, fields: ["chart"] }],
    },
  },
  {
    name: "HelmRepository URL change",
    key: "media/sonarr",
    edit: (head) => {
      spec(head, "HelmRepository", "bjw-s").url = "oci://ghcr.io/bjw-s-labs/helm";
      return head;
    },
    expected: {
      change: "modified",
      chartName: "app-template",
      ...UNCHANGED_PARTS,
      reasons: [{ kind: "chart-source", source: "HelmRepository flux-system/bjw-s" }],
    },
  },
  {
    name: "OCIRepository tag bump through chartRef",
    key: "media/app",
    edit: (head) => {
      spec(head, "OCIRepository", "app-template").ref = { tag: "3.6.0" };
      return head;
    },
    expected: {
      change: "modified",
      chartName: "app-template",
      ...UNCHANGED_PARTS,
      chartRef: {
        from: "OCIRepository media/app-template 3.5.1",
        to: "OCIRepository media/app-template 3.6.0",
      },
      reasons: [{ kind: "chart-source", source: "OCIRepository media/app-template" }],
    },
  },
  {
    name: "OCIRepository moved to a semver range at another url",
    key: "media/app",
    edit: (head) => {
      const s = spec(head, "OCIRepository", "app-template");
      s.url = "oci://mirror.local/app-template";
      s.ref = { semver: ">=3.6.0 <4.0.0" };
      return head;
    },
    expected: {
      change: "modified",
      chartName: "app-template",
      ...UNCHANGED_PARTS,
      chartRef: {
        from: "OCIRepository media/app-template 3.5.1 (oci://ghcr.io/bjw-s-labs/helm/app-template)",
        to: "OCIRepository media/app-template semver >=3.6.0 <4.0.0 (oci://mirror.local/app-template)",
      },
      reasons: [{ kind: "chart-source", source: "OCIRepository media/app-template" }],
    },
  },
  {
    name: "image tag bump, bjw-s style",
    key: "media/sonarr",
    edit: (head) => {
      setIn(
        spec(head, "HelmRelease", "sonarr"),
        ["values", "controllers", "sonarr", "containers", "app", "image", "tag"],
        "4.0.15.2941",
      );
      return head;
    },
    expected: {
      change: "modified",
      chartName: "app-template",
      ...UNCHANGED_PARTS,
      values: [
        {
          path: "controllers.sonarr.containers.app.image.tag",
          change: "modified",
          from: "4.0.14.2939",
          to: "4.0.15.2941",
          secret: false,
        },
      ],
      images: {
        from: ["ghcr.io/home-operations/sonarr:4.0.14.2939"],
        to: ["ghcr.io/home-operations/sonarr:4.0.15.2941"],
      },
      reasons: [{ kind: "definition", file: DEFINED_IN, fields: ["values"] }],
    },
  },
  {
    name: "image tag bump, bitnami style",
    key: "database/redis",
    edit: (head) => {
      setIn(spec(head, "HelmRelease", "redis"), ["values", "image", "tag"], "7.4.2-debian-12-r0");
      return head;
    },
    expected: {
      change: "modified",
      chartName: "redis",
      ...UNCHANGED_PARTS,
      values: [
        {
          path: "image.tag",
          change: "modified",
          from: "7.4.1-debian-12-r2",
          to: "7.4.2-debian-12-r0",
          secret: false,
        },
      ],
      images: {
        from: ["docker.io/bitnami/redis:7.4.1-debian-12-r2"],
        to: ["docker.io/bitnami/redis:7.4.2-debian-12-r0"],
      },
      reasons: [{ kind: "definition", file: DEFINED_IN, fields: ["values"] }],
    },
  },
  {
    name: "suspend flip",
    key: "database/redis",
    edit: (head) => {
      spec(head, "HelmRelease", "redis").suspend = true;
      return head;
    },
    expected: {
      change: "modified",
      chartName: "redis",
      ...UNCHANGED_PARTS,
      suspend: { from: false, to: true },
      reasons: [{ kind: "definition", file: DEFINED_IN, fields: ["suspend"] }],
    },
  },
  {
    name: "dependsOn edit",
    key: "media/sonarr",
    edit: (head) => {
      spec(head, "HelmRelease", "sonarr").dependsOn = [{ name: "redis", namespace: "database" }];
      return head;
    },
    expected: {
      change: "modified",
      chartName: "app-template",
      ...UNCHANGED_PARTS,
      dependsOnChanged: true,
      dependsOnChange: { added: ["database/redis"], removed: [] },
      reasons: [{ kind: "definition", file: DEFINED_IN, fields: ["dependsOn"] }],
    },
  },
];

describe("core/impact/helm-release-diff", () => {
  it.each(scenarios)("$name", ({ key, edit, expected }) => {
    const base = modelOf(baseObjects());
    const head = modelOf(edit(baseObjects()) ?? baseObjects());
    expect(diffHelmRelease(side(base, key), side(head, key))).toEqual(expected);
  });

  it("never puts a Secret value, in clear or base64, into the result", () => {
    const head = baseObjects();
    find(head, "Secret", "sonarr-secret").data = { "api-key": b64("supersecret-2") };
    const result = diffHelmRelease(
      side(modelOf(baseObjects()), "media/sonarr"),
      side(modelOf(head), "media/sonarr"),
    );
    const text = JSON.stringify(result);
    for (const needle of ["supersecret", b64("supersecret-1"), b64("supersecret-2")])
      expect(text.split(needle).length - 1).toBe(0);
    expect(result.values).toEqual([{ path: "env.SONARR__AUTH__APIKEY", change: "modified", secret: true }]);
  });

  it("reports an encrypted values document only as a secret change of its ciphertext", () => {
    const world = (cipher: string) => [
      secret("media", "sops", { stringData: { "values.yaml": cipher } }),
      helmRelease("media", "app", {
        chartRef: { kind: "OCIRepository", name: "app-template" },
        valuesFrom: [{ kind: "Secret", name: "sops" }],
      }),
    ];
    const a = "ENC[AES256_GCM,data:aGVsbG8=,iv:aaaa,tag:bbbb,type:str]";
    const b = "ENC[AES256_GCM,data:d29ybGQ=,iv:cccc,tag:dddd,type:str]";
    const same = diffHelmRelease(side(modelOf(world(a)), "media/app"), side(modelOf(world(a)), "media/app"));
    expect(same.change).toBe("unchanged");
    const changed = diffHelmRelease(
      side(modelOf(world(a)), "media/app"),
      side(modelOf(world(b)), "media/app"),
    );
    expect(changed).toEqual({
      change: "modified",
      ...UNCHANGED_PARTS,
      chartRef: undefined,
      values: [{ path: "<Secret sops: values.yaml>", change: "modified", secret: true }],
      reasons: [{ kind: "values-source", source: "Secret media/sops" }],
    });
  });

  it("lists everything of an added HelmRelease, and what a removed one had", () => {
    const base = modelOf(baseObjects());
    const head = modelOf([
      ...baseObjects(),
      helmRelease("media", "radarr", {
        dependsOn: [{ name: "redis", namespace: "database" }],
        chart: {
          spec: {
            chart: "app-template",
            version: "3.6.0",
            sourceRef: { kind: "HelmRepository", name: "bjw-s", namespace: "flux-system" },
          },
        },
        values: { image: { repository: "ghcr.io/home-operations/radarr", tag: "5.17.2" } },
      }),
    ]);
    const added = diffHelmRelease(undefined, side(head, "media/radarr"));
    expect(added).toEqual({
      change: "added",
      chartName: "app-template",
      chart: { to: "app-template@3.6.0" },
      values: [
        { path: "image.repository", change: "added", to: "ghcr.io/home-operations/radarr", secret: false },
        { path: "image.tag", change: "added", to: "5.17.2", secret: false },
      ],
      images: { from: [], to: ["ghcr.io/home-operations/radarr:5.17.2"] },
      dependsOnChanged: false,
      reasons: [{ kind: "parent", parent: "flux-system/apps" }],
    });
    const removed = diffHelmRelease(side(base, "media/app"), undefined);
    expect(removed).toEqual({
      change: "removed",
      chartName: "app-template",
      chartRef: { from: "OCIRepository media/app-template 3.5.1" },
      values: [
        {
          path: "controllers.app.containers.app.image.repository",
          change: "removed",
          from: "nginx",
          secret: false,
        },
        { path: "controllers.app.containers.app.image.tag", change: "removed", from: "1.27", secret: false },
      ],
      images: { from: ["nginx:1.27"], to: [] },
      dependsOnChanged: false,
      reasons: [{ kind: "removed-from-parent", parent: "flux-system/apps" }],
    });
  });
});
