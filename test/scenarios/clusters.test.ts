/**
 * Scenarios around clusters: how the engine finds them (FluxInstance, flux-instance HelmRelease,
 * explicit paths), keeps them apart in a pull request, decides which sources are this repository, and
 * which Flux version (strict post-build substitution) each one runs.
 */
import { describe, expect, it } from "vitest";
import { analyzeRepository } from "../../src/core/analyze.ts";
import { analyzePullRequest } from "../../src/core/pull-request.ts";
import { renderComment } from "../../src/core/report/comment.ts";
import { graphMermaid } from "../../src/core/report/graph-view.ts";
import { impactJson } from "../../src/core/report/impact-json.ts";
import { verdictText } from "../../src/core/report/sections/summary.ts";
import { createMemorySnapshot } from "../../src/core/snapshot/repo-snapshot.ts";
import { dedent, files } from "../support/fixtures/text.ts";

const REVISIONS = { base: { ref: "b" }, head: { ref: "h" } };

/** A FluxInstance syncing `path` of https://github.com/o/r (main), with optional extra spec YAML. */
function fluxInstance(path: string, opts: { version?: string; name?: string; extra?: string } = {}): string {
  const distribution = opts.version ? `distribution: {version: "${opts.version}"}` : "distribution: {}";
  return [
    "apiVersion: fluxcd.controlplane.io/v1",
    "kind: FluxInstance",
    "metadata:",
    `  name: ${opts.name ?? "flux"}`,
    "  namespace: flux-system",
    "spec:",
    `  ${distribution}`,
    "  sync:",
    "    kind: GitRepository",
    "    url: https://github.com/o/r",
    "    ref: refs/heads/main",
    `    path: ${path}`,
    ...(opts.extra
      ? dedent(opts.extra)
          .trimEnd()
          .split("\n")
          .map((l) => `  ${l}`)
      : []),
    "",
  ].join("\n");
}

/** A Flux Kustomization (namespace flux-system unless given) building `path` of a source. */
function fluxKustomization(
  name: string,
  path: string,
  opts: { namespace?: string; source?: string; sourceKind?: string; extra?: string } = {},
): string {
  return [
    "apiVersion: kustomize.toolkit.fluxcd.io/v1",
    "kind: Kustomization",
    "metadata:",
    `  name: ${name}`,
    `  namespace: ${opts.namespace ?? "flux-system"}`,
    "spec:",
    "  interval: 1h",
    `  path: ${path}`,
    "  prune: true",
    "  sourceRef:",
    `    kind: ${opts.sourceKind ?? "GitRepository"}`,
    `    name: ${opts.source ?? "flux-system"}`,
    ...(opts.source ? [] : ["    namespace: flux-system"]),
    ...(opts.extra
      ? dedent(opts.extra)
          .trimEnd()
          .split("\n")
          .map((l) => `  ${l}`)
      : []),
    "",
  ].join("\n");
}

function configMap(name: string, namespace: string, data: Record<string, string>): string {
  return [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    "data:",
    ...Object.entries(data).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`),
    "",
  ].join("\n");
}

function codes(diags: ReadonlyArray<{ code: string }>, code: string): number {
  return diags.filter((d) => d.code === code).length;
}

/** Two clusters built from one FluxInstance each; main reads apps/base, test reads the apps/test overlay. */
function twoClusters(testValue = "one"): Record<string, string> {
  return {
    "instances/main.yaml": fluxInstance("clusters/main", { version: "2.9.1", name: "flux-main" }),
    "instances/test.yaml": fluxInstance("clusters/test", { version: "2.9.1", name: "flux-test" }),
    "clusters/main/apps.yaml": fluxKustomization("apps", "./apps/base"),
    "clusters/test/apps.yaml": fluxKustomization("apps", "./apps/test"),
    "apps/base/kustomization.yaml": "resources: [app.yaml]\n",
    "apps/base/app.yaml": configMap("app", "default", { color: "blue" }),
    "apps/test/kustomization.yaml": "resources: [../base, extra.yaml]\n",
    "apps/test/extra.yaml": configMap("test-extra", "default", { value: testValue }),
  };
}

describe("cluster detection", () => {
  it("finds the cluster a flux-instance HelmRelease syncs when its values come from a generated ConfigMap", () => {
    const snap = createMemorySnapshot({
      ...files({
        "flux/instance/kustomization.yaml": `
          resources: [helmrelease.yaml]
          configMapGenerator:
            - name: flux-instance-values
              namespace: flux-system
              files: [values.yaml=./values.yaml]
        `,
        "flux/instance/helmrelease.yaml": `
          apiVersion: helm.toolkit.fluxcd.io/v2
          kind: HelmRelease
          metadata:
            name: flux-instance
            namespace: flux-system
          spec:
            interval: 1h
            chartRef:
              kind: OCIRepository
              name: flux-instance
            valuesFrom:
              - kind: ConfigMap
                name: flux-instance-values
        `,
        "flux/instance/values.yaml": `
          instance:
            distribution:
              version: 2.9.x
            sync:
              kind: GitRepository
              url: https://github.com/o/r
              ref: refs/heads/main
              path: clusters/main
        `,
        "apps/kustomization.yaml": "resources: [app.yaml]\n",
      }),
      "clusters/main/apps.yaml": fluxKustomization("apps", "./apps"),
      "apps/app.yaml": configMap("app", "default", { color: "blue" }),
    });
    const model = analyzeRepository(snap);
    expect(model.clusters).toHaveLength(1);
    const [cluster] = model.clusters;
    expect(cluster?.name).toBe("main");
    expect(cluster?.entrypoints).toHaveLength(1);
    expect(cluster?.entrypoints[0]).toMatchObject({
      rule: "flux-instance",
      path: "clusters/main",
      kustomization: "flux-system/flux-system",
      file: "flux/instance/helmrelease.yaml",
    });
    expect(cluster?.flux.version).toBe("2.9.x");
    const byKey = new Map(cluster?.kustomizations.map((k) => [k.key, k]));
    expect([...byKey.keys()].sort()).toEqual(["flux-system/apps", "flux-system/flux-system"]);
    for (const k of byKey.values()) expect(k.status).toBe("rendered");
    const apps = byKey.get("flux-system/apps");
    expect(apps?.build?.failed).toBe(false);
    expect(apps?.build?.objects.map((o) => o.object.metadata)).toEqual([
      { name: "app", namespace: "default" },
    ]);
  });

  it("keeps two clusters that share apps/base apart, each with its own Kustomizations", () => {
    const model = analyzeRepository(createMemorySnapshot(twoClusters()));
    expect(model.clusters.map((c) => c.name).sort()).toEqual(["main", "test"]);
    for (const c of model.clusters) {
      expect(c.entrypoints).toEqual([
        expect.objectContaining({ cluster: c.name, rule: "flux-instance", path: `clusters/${c.name}` }),
      ]);
      expect(c.kustomizations.map((k) => k.key).sort()).toEqual([
        "flux-system/apps",
        "flux-system/flux-system",
      ]);
      for (const k of c.kustomizations) {
        expect(k.cluster).toBe(c.name);
        expect(k.status).toBe("rendered");
      }
      for (const d of c.diagnostics) expect(d.cluster).toBe(c.name);
    }
    const objectsOf = (name: string) =>
      model.clusters
        .find((c) => c.name === name)
        ?.kustomizations.find((k) => k.key === "flux-system/apps")
        ?.build?.objects.map((o) => String((o.object.metadata as { name: string }).name))
        .sort();
    expect(objectsOf("main")).toEqual(["app"]);
    expect(objectsOf("test")).toEqual(["app", "test-extra"]);
    // The union keeps the same namespace/name once per cluster.
    expect(
      model.kustomizations
        .filter((k) => k.key === "flux-system/apps")
        .map((k) => k.cluster)
        .sort(),
    ).toEqual(["main", "test"]);
    for (const k of model.kustomizations) expect(["main", "test"]).toContain(k.cluster);
    // Drawn apart too: the graph names each cluster's Kustomization on its own.
    const mermaid = graphMermaid(model);
    expect(mermaid).toContain('ks_main_flux_system_apps["Kustomization<br/>main/flux-system/apps"]');
    expect(mermaid).toContain('ks_test_flux_system_apps["Kustomization<br/>test/flux-system/apps"]');
  });

  it("reports a change only the test cluster reads under that cluster, and nothing for main", () => {
    const base = createMemorySnapshot(twoClusters("one"));
    const head = createMemorySnapshot(twoClusters("two"));
    const { report } = analyzePullRequest({ base, head });
    expect(report.clusters?.slice().sort()).toEqual(["main", "test"]);
    expect(report.kustomizations.length).toBeGreaterThan(0);
    for (const k of report.kustomizations) expect(k.cluster).toBe("test");
    expect(report.kustomizations.map((k) => k.key)).toContain("flux-system/apps");
    expect(report.helmReleases).toEqual([]);
    expect(report.unownedFiles).not.toContain("apps/test/extra.yaml");
    const comment = renderComment(report, REVISIONS);
    expect(comment).toContain("#### Cluster `test`\n");
    expect(comment).toContain("#### Cluster `main`: no Flux objects affected");
    expect(comment).not.toContain("Flux does not apply them");
    expect(verdictText(report)).toContain("in 2 clusters");
    const json = impactJson(report);
    expect(JSON.stringify(json)).toContain("test-extra");
  });

  it("analyzes explicit cluster paths as clusters of their own, named by folder or by the configuration", () => {
    const snap = createMemorySnapshot({
      "clusters/a/cm.yaml": configMap("a", "default", { x: "1" }),
      "clusters/b/cm.yaml": configMap("b", "default", { x: "2" }),
    });
    const two = analyzeRepository(snap, { clusterPaths: ["clusters/a", "clusters/b"] });
    expect(two.clusters.map((c) => c.name)).toEqual(["a", "b"]);
    for (const c of two.clusters) {
      expect(c.entrypoints).toEqual([
        expect.objectContaining({ rule: "cluster-path", path: `clusters/${c.name}`, cluster: c.name }),
      ]);
      const entry = c.kustomizations.find((k) => k.key === "flux-system/flux-system");
      expect(entry?.status).toBe("rendered");
      expect(entry?.build?.objects.map((o) => (o.object.metadata as { name: string }).name)).toEqual([
        c.name,
      ]);
    }

    const named = analyzeRepository(snap, { clusters: [{ name: "prod", path: "clusters/a" }] });
    expect(named.clusters.map((c) => c.name)).toEqual(["prod"]);
    expect(named.clusters[0]?.entrypoints).toEqual([
      expect.objectContaining({ rule: "config-cluster", path: "clusters/a", cluster: "prod" }),
    ]);
  });
});

describe("sources that are not this repository", () => {
  const ociRepo = files({
    "clusters/main/oci.yaml": `
      apiVersion: source.toolkit.fluxcd.io/v1
      kind: OCIRepository
      metadata:
        name: app
        namespace: flux-system
      spec:
        interval: 5m
        url: oci://ghcr.io/x/y
        ref: {tag: latest}
    `,
  });
  const ociRepoFiles = (deployValue: string, extra: Record<string, string> = {}) =>
    createMemorySnapshot({
      ...ociRepo,
      ...extra,
      "instances/main.yaml": fluxInstance("clusters/main", { version: "2.9.1" }),
      "clusters/main/app.yaml": fluxKustomization("app", "./", {
        source: "app",
        sourceKind: "OCIRepository",
      }),
      "deploy/cm.yaml": configMap("deployed", "default", { v: deployValue }),
    });

  it("does not analyze a Kustomization built from an OCI artifact no workflow pushes, and says so", () => {
    const model = analyzeRepository(ociRepoFiles("1"));
    const app = model.kustomizations.find((k) => k.key === "flux-system/app");
    expect(app?.status).toBe("external");
    expect(app?.source).toBe("OCIRepository flux-system/app");
    expect(app?.build).toBeUndefined();

    const { report } = analyzePullRequest({ base: ociRepoFiles("1"), head: ociRepoFiles("2") });
    expect(report.notAnalyzed).toEqual([
      expect.objectContaining({ key: "flux-system/app", source: "OCIRepository flux-system/app" }),
    ]);
    expect(report.notAnalyzed?.[0]?.reason).toContain("oci://ghcr.io/x/y");
    expect(verdictText(report)).toContain("1 Kustomization not analyzed");
    const comment = renderComment(report, REVISIONS);
    expect(comment).not.toContain("Flux does not apply them");
    expect(comment).toContain("not analyzed");
    expect(comment).toContain("`deploy/cm.yaml`");
  });

  it("keeps a cluster that syncs an artifact built elsewhere, as not analyzed, and ignores archived instances", () => {
    const instance = (path: string) =>
      fluxInstance(path).replace(
        "    kind: GitRepository\n    url: https://github.com/o/r",
        "    kind: OCIRepository\n    url: oci://ghcr.io/vendor/fleet",
      );
    const snapshot = createMemorySnapshot({
      "flux/instance.yaml": instance("clusters/edge"),
      ".archive/flux/instance.yaml": fluxInstance("clusters/old"),
      "apps/cm.yaml": configMap("app", "default", { a: "1" }),
    });
    const head = createMemorySnapshot({
      "flux/instance.yaml": instance("clusters/edge"),
      ".archive/flux/instance.yaml": fluxInstance("clusters/old"),
      "apps/cm.yaml": configMap("app", "default", { a: "2" }),
    });

    const model = analyzeRepository(snapshot);
    expect(model.clusters.map((c) => c.name)).toEqual(["edge"]);
    expect(model.kustomizations.map((k) => [k.key, k.status, k.source])).toEqual([
      ["flux-system/flux-system", "external", "OCIRepository flux-system/flux-system"],
    ]);
    const { report } = analyzePullRequest({ base: snapshot, head });
    expect(report.notAnalyzed).toEqual([
      {
        cluster: "edge",
        key: "flux-system/flux-system",
        source: "OCIRepository flux-system/flux-system",
        reason:
          "OCIRepository oci://ghcr.io/vendor/fleet branch main, synced by flux/instance.yaml, is not this repository",
      },
    ]);
    // Nothing is called unaffected or "not applied by Flux" on the strength of an unseen cluster.
    expect(verdictText(report)).toBe(
      "No Flux objects affected · no new problems · 1 Kustomization not analyzed",
    );
    expect(renderComment(report, REVISIONS)).not.toContain("Flux does not apply them");
  });

  it("renders a Kustomization from the folder a workflow pushes as that OCI artifact", () => {
    const workflow = {
      ".github/workflows/push.yaml": dedent(`
        name: push
        on: {push: {branches: [main]}}
        jobs:
          push:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: flux push artifact oci://ghcr.io/x/y:$(git rev-parse --short HEAD) --path=./deploy --source=x --revision=y
      `),
    };
    const model = analyzeRepository(ociRepoFiles("1", workflow));
    const app = model.kustomizations.find((k) => k.key === "flux-system/app");
    expect(app?.status).toBe("rendered");
    expect(app?.build?.failed).toBe(false);
    expect(app?.build?.objects.map((o) => o.origin.file)).toEqual(["deploy/cm.yaml"]);

    const { report } = analyzePullRequest({
      base: ociRepoFiles("1", workflow),
      head: ociRepoFiles("2", workflow),
    });
    expect(report.notAnalyzed).toEqual([]);
    expect(report.kustomizations.map((k) => k.key)).toContain("flux-system/app");
    expect(report.unownedFiles).toEqual([]);
    expect(verdictText(report)).not.toContain("not analyzed");
  });

  it("treats a GitRepository on another branch of the same repository as not analyzed, and the same branch as this repository", () => {
    const tenant = (branch: string) =>
      createMemorySnapshot({
        "instances/main.yaml": fluxInstance("clusters/main", { version: "2.9.1" }),
        "clusters/main/tenants.yaml": fluxKustomization("tenants", "./tenants"),
        "tenants/kustomization.yaml": "resources: [dev-team.yaml]\n",
        "tenants/dev-team.yaml": dedent(`
          apiVersion: source.toolkit.fluxcd.io/v1
          kind: GitRepository
          metadata:
            name: dev-team
            namespace: apps
          spec:
            interval: 1m
            url: https://github.com/o/r
            ref: {branch: ${branch}}
          ---
          ${fluxKustomization("dev-team", "./team", { namespace: "apps", source: "dev-team" }).replace(/\n/g, "\n          ")}
        `),
        "team/cm.yaml": configMap("team", "apps", { a: "b" }),
      });
    const repository = { url: "https://github.com/o/r", branch: "main" };

    const other = analyzeRepository(tenant("dev-team"), { repository });
    const ks = other.kustomizations.find((k) => k.key === "apps/dev-team");
    expect(ks?.status).toBe("external");
    expect(ks?.source).toBe("GitRepository apps/dev-team");
    const why = other.diagnostics.find((d) => d.code === "flux-source-external");
    expect(why?.message).toContain("another ref");

    const same = analyzeRepository(tenant("main"), { repository });
    const rendered = same.kustomizations.find((k) => k.key === "apps/dev-team");
    expect(rendered?.status).toBe("rendered");
    expect(rendered?.build?.objects.map((o) => o.origin.file)).toEqual(["team/cm.yaml"]);
  });
});

/** Flux 2.9 with a Kustomization whose variables come from a Secret created outside the repository. */
function withSecretFromOutside(data: Record<string, string>) {
  return analyzeRepository(
    createMemorySnapshot({
      "instances/main.yaml": fluxInstance("clusters/main", { version: "2.9.1" }),
      "clusters/main/apps.yaml": fluxKustomization("apps", "./apps", {
        extra: `
          postBuild:
            substituteFrom:
              - kind: Secret
                name: created-outside
        `,
      }),
      "apps/cm.yaml": configMap("app", "default", data),
    }),
  );
}

describe("post-build substitution and the Flux version", () => {
  const GATE_OFF = `
    kustomize:
      patches:
        - target:
            kind: Deployment
            name: kustomize-controller
          patch: |
            - op: add
              path: /spec/template/spec/containers/0/args/-
              value: --feature-gates=StrictPostBuildSubstitutions=false
  `;
  const repo = (instance: string) =>
    createMemorySnapshot({
      "instances/main.yaml": instance,
      "clusters/main/apps.yaml": fluxKustomization("apps", "./apps", {
        extra: `
          postBuild:
            substitute:
              A: x
        `,
      }),
      "apps/cm.yaml": configMap("app", "default", { a: "${A}", b: "${UNDEFINED}" }),
    });
  const analyzed = (instance: string) => {
    const model = analyzeRepository(repo(instance));
    const cluster = model.clusters[0]!;
    const apps = cluster.kustomizations.find((k) => k.key === "flux-system/apps");
    return {
      model,
      cluster,
      apps,
      errors: model.diagnostics.filter((d) => d.code === "flux-substitution-error"),
    };
  };

  it("substitutes an undefined variable with an empty string on Flux 2.8", () => {
    const { cluster, apps, errors } = analyzed(fluxInstance("clusters/main", { version: "2.8.3" }));
    expect(cluster.flux).toMatchObject({ version: "2.8.3", strictSubstitution: false, assumed: false });
    expect(errors).toEqual([]);
    expect(apps?.build?.failed).toBe(false);
    // Flux substitutes the object's YAML text: `b: ${UNDEFINED}` becomes `b: `, which reads back as null.
    expect(apps?.build?.objects[0]?.object.data).toEqual({ a: "x", b: null });
  });

  it("fails the build on an undefined variable on Flux 2.9", () => {
    const { cluster, apps, errors } = analyzed(fluxInstance("clusters/main", { version: "2.9.1" }));
    expect(cluster.flux).toMatchObject({ version: "2.9.1", strictSubstitution: true, assumed: false });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain("UNDEFINED");
    expect(errors[0]?.message).toContain("2.9");
    expect(apps?.build?.failed).toBe(true);
  });

  it("follows the StrictPostBuildSubstitutions=false gate patched into kustomize-controller on Flux 2.9", () => {
    const { cluster, apps, errors } = analyzed(
      fluxInstance("clusters/main", { version: "2.9.1", extra: GATE_OFF }),
    );
    expect(cluster.flux).toMatchObject({ version: "2.9.1", strictSubstitution: false, assumed: false });
    expect(cluster.flux.reason).toContain("StrictPostBuildSubstitutions=false");
    expect(errors).toEqual([]);
    expect(apps?.build?.failed).toBe(false);
  });

  it("assumes the newest Flux when the version is not pinned, and says so", () => {
    const { cluster, errors } = analyzed(fluxInstance("clusters/main"));
    expect(cluster.flux.version).toBeUndefined();
    expect(cluster.flux.assumed).toBe(true);
    expect(cluster.flux.strictSubstitution).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain("not pinned");
  });

  it("assumes the default written in the expression when the variable source is not in the repository", () => {
    const model = withSecretFromOutside({ a: "${VAR:=fallback}" });
    expect(codes(model.diagnostics, "flux-substitution-error")).toBe(0);
    const apps = model.kustomizations.find((k) => k.key === "flux-system/apps");
    expect(apps?.build?.failed).toBe(false);
    expect(apps?.build?.objects[0]?.object.data).toEqual({ a: "fallback" });
    const notice = model.diagnostics.find((d) => d.code === "flux-substitution-unknown");
    expect(notice?.severity).toBe("notice");
    expect(notice?.message).toContain("VAR");
    expect(notice?.message).toContain('"fallback"');
    expect(notice?.message).toMatch(/default.* assumed/);
    // The missing Secret itself is a warning of its own.
    expect(codes(model.diagnostics, "flux-substitute-from-missing")).toBe(1);
  });

  it("does not report an error that only an assumed default causes (the Secret may define the variable)", () => {
    // With its default, `q` leaves one quote and the YAML breaks; with a value from the Secret it would not.
    const model = withSecretFromOutside({ a: "${VAR:=fallback}", q: "${q:='}" });
    expect(codes(model.diagnostics, "flux-substitution-error")).toBe(0);
    const apps = model.kustomizations.find((k) => k.key === "flux-system/apps");
    expect(apps?.build?.failed).toBe(false);
    expect(apps?.build?.objects[0]?.object.data).toMatchObject({ a: "fallback" });
    expect(
      model.diagnostics.some(
        (d) => d.code === "flux-substitution-unknown" && d.message.includes("could not be checked"),
      ),
    ).toBe(true);
  });
});

describe("blocked changes", () => {
  it("marks a HelmRelease change blocked when the Kustomization that applies it stops building", () => {
    const repo = (resources: string, replicas: number) =>
      createMemorySnapshot({
        "instances/main.yaml": fluxInstance("clusters/main", { version: "2.9.1" }),
        "clusters/main/apps.yaml": fluxKustomization("apps", "./apps"),
        "apps/kustomization.yaml": `resources: [${resources}]\n`,
        "apps/repo.yaml": dedent(`
          apiVersion: source.toolkit.fluxcd.io/v1
          kind: HelmRepository
          metadata:
            name: charts
            namespace: default
          spec:
            interval: 1h
            url: https://charts.example.com
        `),
        "apps/hr.yaml": dedent(`
          apiVersion: helm.toolkit.fluxcd.io/v2
          kind: HelmRelease
          metadata:
            name: web
            namespace: default
          spec:
            interval: 1h
            chart:
              spec:
                chart: web
                version: 1.0.0
                sourceRef:
                  kind: HelmRepository
                  name: charts
            values:
              replicas: ${replicas}
        `),
      });
    const { head, report } = analyzePullRequest({
      base: repo("repo.yaml, hr.yaml", 1),
      head: repo("repo.yaml, hr.yaml, missing.yaml", 2),
    });
    expect(head.kustomizations.find((k) => k.key === "flux-system/apps")?.build?.failed).toBe(true);
    const ks = report.kustomizations.find((k) => k.key === "flux-system/apps");
    expect(ks?.blocked).toContain("Flux applies nothing from Kustomization flux-system/apps");
    const hr = report.helmReleases.find((h) => h.key === "default/web");
    expect(hr?.blocked).toContain("Flux applies nothing from Kustomization flux-system/apps");
    expect(verdictText(report)).toContain("blocked");
    const comment = renderComment(report, REVISIONS);
    expect(comment).toContain("🚧 blocked — Flux applies nothing from Kustomization");
  });

  it("reports a Kustomization whose build starts failing as affected, even when its output looks the same", () => {
    const repo = (resources: string) =>
      createMemorySnapshot({
        "instances/main.yaml": fluxInstance("clusters/main", { version: "2.9.1" }),
        "clusters/main/apps.yaml": fluxKustomization("apps", "./apps"),
        "apps/kustomization.yaml": `resources: [${resources}]\n`,
        "apps/cm.yaml": configMap("app", "default", { a: "1" }),
      });
    const { report } = analyzePullRequest({ base: repo("cm.yaml"), head: repo("cm.yaml, missing.yaml") });

    const ks = report.kustomizations.find((k) => k.key === "flux-system/apps");
    expect(ks?.reasons).toContainEqual({ kind: "build", state: "fails" });
    expect(ks?.blocked).toContain(
      "until its build succeeds (kustomize-missing-path in apps/kustomization.yaml)",
    );
    expect(verdictText(report)).toMatch(/^1 Kustomization affected · 1 error · 1 blocked$/);
    expect(report.conclusion).toBe("failure");

    const fixed = analyzePullRequest({ base: repo("cm.yaml, missing.yaml"), head: repo("cm.yaml") }).report;
    const again = fixed.kustomizations.find((k) => k.key === "flux-system/apps");
    expect(again?.reasons).toContainEqual({ kind: "build", state: "fixed" });
    expect(again?.blocked).toBeUndefined();
  });

  it("marks a change blocked when its Kustomization's source exists nowhere in the repository", () => {
    const repo = (value: string) =>
      createMemorySnapshot({
        "instances/main.yaml": fluxInstance("clusters/main", { version: "2.9.1" }),
        "clusters/main/apps.yaml": fluxKustomization("apps", "./apps", { source: "typo-system" }),
        "apps/cm.yaml": configMap("app", "default", { a: value }),
      });
    const { report } = analyzePullRequest({ base: repo("1"), head: repo("2") });

    const ks = report.kustomizations.find((k) => k.key === "flux-system/apps");
    expect(ks?.blocked).toBe(
      "Flux applies nothing from Kustomization flux-system/apps until GitRepository flux-system/typo-system exists (nothing in the repository defines it)",
    );
    expect(report.findings.existing.map((d) => d.code)).toEqual(
      expect.arrayContaining(["flux-source-not-found", "flux-source-assumed"]),
    );
  });
});
