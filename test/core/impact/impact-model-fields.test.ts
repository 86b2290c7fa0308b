import { describe, expect, it } from "vitest";
import { chartNameOf, ociChartName } from "../../../src/core/impact/helm-chart-source.ts";
import { dependsOnChange } from "../../../src/core/impact/kustomization-diff.ts";
import { changeContext } from "../checks/helpers.ts";
import { helmRelease, modelOf, source } from "./helm-model-factory.ts";

/** apps/ks.yaml: Kustomizations `a`, `b` and `x`; x depends on `deps` (names in flux-system). */
function kustomizations(deps: string[]): Record<string, string> {
  const ks = (name: string, dependsOn: string[]) => `
    apiVersion: kustomize.toolkit.fluxcd.io/v1
    kind: Kustomization
    metadata: {name: ${name}, namespace: flux-system}
    spec:
      interval: 1h
      path: ./svc/${name}
      prune: true
      sourceRef: {kind: GitRepository, name: flux-system}
      dependsOn: [${dependsOn.map((d) => `{name: ${d}}`).join(", ")}]
  `;
  const out: Record<string, string> = {
    "apps/kustomization.yaml": "resources: [ks.yaml]\n",
    "apps/ks.yaml": [ks("a", []), ks("b", []), ks("x", deps)].join("\n---\n"),
  };
  for (const n of ["a", "b", "x"])
    out[`svc/${n}/cm.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}, namespace: default}\n`;
  return out;
}

const HR_SOURCES = `
  apiVersion: source.toolkit.fluxcd.io/v1
  kind: OCIRepository
  metadata: {name: app-template, namespace: media}
  spec: {interval: 1h, url: "oci://ghcr.io/bjw-s/helm/app-template", ref: {tag: "3.5.1"}}
  ---
  apiVersion: source.toolkit.fluxcd.io/v1
  kind: HelmRepository
  metadata: {name: bitnami, namespace: flux-system}
  spec: {interval: 1h, url: "https://charts.bitnami.com/bitnami"}
`;

function helmReleases(sonarrDeps: string[], withRedis = true): Record<string, string> {
  const redis = `
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata: {name: redis, namespace: media}
    spec:
      interval: 1h
      chart: {spec: {chart: redis, version: "20.0.0", sourceRef: {kind: HelmRepository, name: bitnami, namespace: flux-system}}}
  `;
  const sonarr = `
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata: {name: sonarr, namespace: media}
    spec:
      interval: 1h
      chartRef: {kind: OCIRepository, name: app-template}
      dependsOn: [${sonarrDeps.map((d) => `{name: ${d}}`).join(", ")}]
      values: {replicas: 1}
  `;
  return {
    "apps/kustomization.yaml": "resources: [sources.yaml, hr.yaml]\n",
    "apps/sources.yaml": HR_SOURCES,
    "apps/hr.yaml": (withRedis ? [redis, sonarr] : [sonarr]).join("\n---\n"),
  };
}

describe("core/impact dependsOnChange", () => {
  it("lists targets added and removed, sorted, ignoring order and duplicates", () => {
    const n = (name: string, namespace = "flux-system") => ({ name, namespace });
    expect(dependsOnChange([n("a"), n("c")], [n("c"), n("b"), n("a"), n("d", "x")])).toEqual({
      added: ["flux-system/b", "x/d"],
      removed: [],
    });
    expect(dependsOnChange([n("a"), n("b")], [n("b")])).toEqual({ added: [], removed: ["flux-system/a"] });
    expect(dependsOnChange([n("a"), n("b")], [n("b"), n("a"), n("a")])).toBeUndefined();
  });

  it("is set on a Kustomization whose dependsOn moved from a to b", () => {
    const ctx = changeContext(kustomizations(["a"]), kustomizations(["b"]));
    const x = ctx.change!.impact.kustomizations.find((k) => k.key === "flux-system/x");
    expect(x?.dependsOnChange).toEqual({ added: ["flux-system/b"], removed: ["flux-system/a"] });
  });

  it("is absent when dependsOn did not change", () => {
    const base = kustomizations(["a"]);
    const head = {
      ...kustomizations(["a"]),
      "svc/x/cm.yaml": base["svc/x/cm.yaml"]!.replace("default", "other"),
    };
    const x = changeContext(base, head).change!.impact.kustomizations.find((k) => k.key === "flux-system/x");
    expect(x?.change).toBe("modified");
    expect(x).not.toHaveProperty("dependsOnChange");
  });

  it("is set on a HelmRelease whose dependsOn changed", () => {
    const ctx = changeContext(helmReleases([]), helmReleases(["redis"]));
    const sonarr = ctx.change!.impact.helmReleases.find((h) => h.key === "media/sonarr");
    expect(sonarr?.dependsOnChanged).toBe(true);
    expect(sonarr?.dependsOnChange).toEqual({ added: ["media/redis"], removed: [] });
  });
});

describe("core/impact chartName", () => {
  it.each([
    ["oci://ghcr.io/bjw-s/helm/app-template", "app-template"],
    ["oci://ghcr.io/bjw-s/helm/app-template/", "app-template"],
    ["oci://registry.local:5000/charts/podinfo:6.7.0", "podinfo"],
    ["oci://ghcr.io/x/podinfo@sha256:abc", "podinfo"],
  ])("%s → %s", (url, name) => {
    expect(ociChartName(url)).toBe(name);
  });

  it("names the chart of chart.spec, an OCIRepository and a HelmChart chartRef", () => {
    const model = modelOf([
      source("OCIRepository", "media", "app-template", { url: "oci://ghcr.io/bjw-s/helm/app-template" }),
      helmRelease("media", "a", {
        chart: { spec: { chart: "redis", sourceRef: { kind: "HelmRepository", name: "x" } } },
      }),
    ]);
    expect(chartNameOf(model, model.helmReleases[0]!)).toBe("redis");
    expect(
      chartNameOf(model, {
        chart: null,
        chartRef: { kind: "OCIRepository", name: "app-template", namespace: "media" },
      }),
    ).toBe("app-template");
    expect(
      chartNameOf(model, {
        chart: null,
        chartRef: { kind: "OCIRepository", name: "nowhere", namespace: "media" },
      }),
    ).toBeUndefined();
    const withChart = {
      ...model,
      sources: [
        ...model.sources,
        {
          ...model.sources[0]!,
          kind: "HelmChart",
          name: "podinfo",
          object: {
            apiVersion: "source.toolkit.fluxcd.io/v1",
            kind: "HelmChart",
            spec: { chart: "podinfo" },
          },
        },
      ],
    } as typeof model;
    expect(
      chartNameOf(withChart, {
        chart: null,
        chartRef: { kind: "HelmChart", name: "podinfo", namespace: "media" },
      }),
    ).toBe("podinfo");
  });

  it("is set on every affected HelmRelease: head, or base when removed", () => {
    const edited = helmReleases(["redis"]);
    const ctx = changeContext(helmReleases([]), edited);
    expect(ctx.change!.impact.helmReleases.map((h) => [h.key, h.chartName])).toEqual([
      ["media/sonarr", "app-template"],
    ]);
    const removed = changeContext(helmReleases([]), helmReleases([], false));
    expect(removed.change!.impact.helmReleases.map((h) => [h.key, h.change, h.chartName])).toEqual([
      ["media/redis", "removed", "redis"],
    ]);
  });
});

describe("core/impact graph edge changes", () => {
  it("marks the new edge added and draws the dropped one as removed", () => {
    const ctx = changeContext(kustomizations(["a"]), kustomizations(["b"]));
    const edges = ctx.change!.impact.graph.edges.map((e) => `${e.from} → ${e.to} ${e.change ?? "kept"}`);
    expect(edges.sort()).toEqual([
      "ks:flux-system/x → ks:flux-system/a removed",
      "ks:flux-system/x → ks:flux-system/b added",
    ]);
    // `a` is drawn for the removed edge although x no longer waits for it; `apps` carries the change.
    expect(ctx.change!.impact.graph.nodes.map((n) => n.key).sort()).toEqual([
      "flux-system/a",
      "flux-system/apps",
      "flux-system/b",
      "flux-system/x",
    ]);
  });

  it("leaves kept edges unmarked", () => {
    const ctx = changeContext(kustomizations(["a"]), kustomizations(["a", "b"]));
    const edges = ctx.change!.impact.graph.edges.map((e) => `${e.from} → ${e.to} ${e.change ?? "kept"}`);
    expect(edges.sort()).toEqual([
      "ks:flux-system/x → ks:flux-system/a kept",
      "ks:flux-system/x → ks:flux-system/b added",
    ]);
  });
});
