import { describe, expect, it } from "vitest";
import { analyzeRepository } from "../../src/core/analyze.ts";
import { createMemorySnapshot } from "../../src/core/snapshot/repo-snapshot.ts";
import { dedent, files } from "../support/fixtures/text.ts";

const homelab = files({
  "clusters/prod/flux-system/gotk-sync.yaml": `
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: GitRepository
    metadata:
      name: flux-system
      namespace: flux-system
    spec:
      interval: 1m
      url: ssh://git@github.com/me/home
      ref: {branch: main}
    ---
    apiVersion: kustomize.toolkit.fluxcd.io/v1
    kind: Kustomization
    metadata:
      name: flux-system
      namespace: flux-system
    spec:
      interval: 10m
      path: ./clusters/prod
      prune: true
      sourceRef:
        kind: GitRepository
        name: flux-system
  `,
  "clusters/prod/flux-system/kustomization.yaml": `
    resources: [gotk-sync.yaml]
  `,
  "clusters/prod/settings.yaml": `
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: cluster-settings
      namespace: flux-system
    data:
      DOMAIN: example.org
  `,
  "clusters/prod/apps.yaml": `
    apiVersion: kustomize.toolkit.fluxcd.io/v1
    kind: Kustomization
    metadata:
      name: apps
      namespace: flux-system
    spec:
      interval: 1h
      path: ./apps
      prune: true
      sourceRef:
        kind: GitRepository
        name: flux-system
      dependsOn:
        - name: infra
      postBuild:
        substituteFrom:
          - kind: ConfigMap
            name: cluster-settings
    ---
    apiVersion: kustomize.toolkit.fluxcd.io/v1
    kind: Kustomization
    metadata:
      name: infra
      namespace: flux-system
    spec:
      interval: 1h
      path: ./infra
      prune: true
      sourceRef:
        kind: GitRepository
        name: flux-system
  `,
  "infra/kustomization.yaml": `
    resources: [repo.yaml]
  `,
  "infra/repo.yaml": `
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: HelmRepository
    metadata:
      name: bitnami
      namespace: flux-system
    spec:
      interval: 1h
      url: https://charts.bitnami.com/bitnami
  `,
  "apps/web.yaml": `
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata:
      name: web
      namespace: default
    spec:
      interval: 1h
      chart:
        spec:
          chart: nginx
          version: 1.2.3
          sourceRef:
            kind: HelmRepository
            name: bitnami
            namespace: flux-system
      dependsOn:
        - name: db
      values:
        host: web.\${DOMAIN}
  `,
});

describe("core/analyze", () => {
  it("discovers a flux bootstrap cluster from gotk-sync.yaml and renders every Kustomization", () => {
    const model = analyzeRepository(createMemorySnapshot(homelab));

    expect(model.entrypoints).toEqual([
      {
        rule: "gotk-sync",
        cluster: "prod",
        path: "clusters/prod",
        kustomization: "flux-system/flux-system",
        file: "clusters/prod/flux-system/gotk-sync.yaml",
      },
    ]);
    expect(model.kustomizations.map((k) => [k.key, k.parent, k.status, k.build?.dir])).toEqual([
      ["flux-system/apps", "flux-system/flux-system", "rendered", "apps"],
      ["flux-system/flux-system", null, "rendered", "clusters/prod"],
      ["flux-system/infra", "flux-system/flux-system", "rendered", "infra"],
    ]);
    const apps = model.kustomizations.find((k) => k.key === "flux-system/apps")!;
    expect(apps.spec.dependsOn).toEqual([{ namespace: "flux-system", name: "infra" }]);
    expect(apps.definedIn).toEqual({ file: "clusters/prod/apps.yaml", line: 1 });
    expect(apps.build?.reads).toEqual(["apps/web.yaml"]);
    expect(apps.build?.variables.defined).toEqual(["DOMAIN"]);
  });

  it("substitutes variables from a ConfigMap rendered by another Kustomization", () => {
    const model = analyzeRepository(createMemorySnapshot(homelab));

    const hr = model.helmReleases.find((h) => h.key === "default/web")!;
    expect((hr.object.spec as { values: unknown }).values).toEqual({ host: "web.example.org" });
    expect(hr.chart).toEqual({
      name: "nginx",
      version: "1.2.3",
      sourceRef: { kind: "HelmRepository", name: "bitnami", namespace: "flux-system" },
    });
    expect(hr.kustomization).toBe("flux-system/apps");
  });

  it("reports a dependsOn to a HelmRelease that does not exist, at the line of the dependsOn entry", () => {
    const model = analyzeRepository(createMemorySnapshot(homelab));

    expect(model.diagnostics.filter((d) => d.code === "graph-depends-on-missing")).toEqual([
      {
        code: "graph-depends-on-missing",
        severity: "error",
        message:
          "HelmRelease default/web depends on HelmRelease default/db, which does not exist; Flux will wait for it forever.",
        file: "apps/web.yaml",
        line: 17,
        ref: "HelmRelease default/web",
        cluster: "prod",
      },
    ]);
  });

  it("uses an explicit cluster path over detection", () => {
    const model = analyzeRepository(createMemorySnapshot(homelab), { clusterPaths: ["infra"] });

    expect(model.entrypoints.map((e) => [e.rule, e.path])).toEqual([["cluster-path", "infra"]]);
    expect(model.kustomizations.map((k) => k.key)).toEqual(["flux-system/flux-system"]);
  });

  it("falls back to root Kustomizations that no other build reads", () => {
    const { "clusters/prod/flux-system/gotk-sync.yaml": _, ...rest } = homelab;
    const snapshot = createMemorySnapshot({
      ...rest,
      "clusters/prod/flux-system/kustomization.yaml": "resources: []\n",
    });

    const model = analyzeRepository(snapshot);

    expect(model.entrypoints.map((e) => [e.rule, e.kustomization])).toEqual([
      ["roots", "flux-system/apps"],
      ["roots", "flux-system/infra"],
    ]);
  });

  it("takes a root whose GitRepository is another repository as that repository's, not this one's", () => {
    // toboshii/home-ops: an upstream project's GitRepository, narrowed by its own ignore rules, beside the
    // repository's own root. Its rules once hid the whole repository ("spec.path does not exist").
    const root = (name: string, path: string, source: string) =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\n` +
      `spec:\n  interval: 1h\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: ${source}\n`;
    const git = (name: string, url: string, ignore = "") =>
      `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: ${name}\n  namespace: flux-system\n` +
      `spec:\n  interval: 1h\n  url: ${url}\n  ref: {branch: main}\n${ignore}`;
    const snapshot = createMemorySnapshot({
      "cluster/flux/crds.yaml": `${git("external-dns-source", "https://github.com/kubernetes-sigs/external-dns.git", "  ignore: |\n    /*\n    !/docs/crd.yaml\n")}---\n${root("external-dns-crds", "./docs", "external-dns-source")}`,
      "cluster/flux/sync.yaml": `${git("home", "https://github.com/me/home-ops")}---\n${root("cluster", "./cluster/apps", "home")}`,
      "cluster/apps/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\n",
    });

    for (const repository of [undefined, { url: "https://github.com/me/home-ops.git" }]) {
      const model = analyzeRepository(snapshot, repository ? { repository } : {});

      expect(model.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const byKey = new Map(model.kustomizations.map((k) => [k.key, k]));
      expect(byKey.get("flux-system/cluster")?.build?.objects.map((o) => o.object.kind)).toEqual([
        "ConfigMap",
      ]);
      expect(byKey.get("flux-system/external-dns-crds")?.build).toBeUndefined();
    }
  });

  it("does not take an app switched off in its folder's kustomization for a root", () => {
    // carpenike/k8s-gitops: `# - ./snmp-exporter/ks.yaml`; the leftover's dependsOn named Kustomizations
    // that no longer exist, and the check failed on a healthy repository.
    const ks = (name: string, path: string, extra = "") =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\n` +
      `spec:\n  interval: 1h\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${extra}`;
    const snapshot = createMemorySnapshot({
      "k8s/flux/cluster.yaml": ks("cluster", "./k8s/apps"),
      "k8s/apps/kustomization.yaml": "resources:\n  - ./web/ks.yaml\n  # - ./old/ks.yaml\n",
      "k8s/apps/web/ks.yaml": ks("web", "./k8s/apps/web/app"),
      "k8s/apps/web/app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: default\n",
      "k8s/apps/old/ks.yaml": ks("old", "./k8s/apps/old/app", "  dependsOn:\n    - name: gone\n"),
      "k8s/apps/old/app/cm.yaml":
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\n  namespace: default\n",
    });

    const model = analyzeRepository(snapshot);

    expect(model.entrypoints.map((e) => [e.rule, e.kustomization])).toEqual([
      ["roots", "flux-system/cluster"],
    ]);
    expect(model.kustomizations.map((k) => k.key).sort()).toEqual(["flux-system/cluster", "flux-system/web"]);
    expect(model.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("keeps two clusters whose entries share a name, each with its own GitRepository", () => {
    // carpenike/k8s-gitops: kubernetes/cluster-0/… and kubernetes/nas-1/… each define flux-system/cluster
    // and a GitRepository k8s-gitops-kubernetes ignoring all but its own folder. nas-1 was dropped
    // silently, and then read with cluster-0's ignore rules.
    const files: Record<string, string> = {};
    for (const cluster of ["cluster-0", "nas-1"]) {
      files[`kubernetes/${cluster}/flux/config/cluster.yaml`] =
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: k8s-gitops-kubernetes\n  namespace: flux-system\n" +
        `spec:\n  interval: 30m\n  ref: {branch: main}\n  url: https://github.com/me/k8s-gitops.git\n  ignore: |\n    /*\n    !/kubernetes/${cluster}\n---\n` +
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: cluster\n  namespace: flux-system\n" +
        `spec:\n  interval: 30m\n  path: ./kubernetes/${cluster}/apps\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: k8s-gitops-kubernetes\n`;
      files[`kubernetes/${cluster}/apps/cm.yaml`] =
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  cluster: ${cluster}\n`;
    }

    const model = analyzeRepository(createMemorySnapshot(files));

    expect(model.clusters.map((c) => c.name)).toEqual(["cluster-0", "nas-1"]);
    for (const c of model.clusters) {
      const root = c.kustomizations.find((k) => k.key === "flux-system/cluster")!;
      expect(root.build?.objects.map((o) => (o.object.data as { cluster: string }).cluster)).toEqual([
        c.name,
      ]);
    }
    expect(model.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("takes a GitRepository a parent's targetNamespace moved for the source of its Kustomization", () => {
    // carpenike/k8s-gitops: gateway-api-crd (written in flux-system) and its Kustomization (written without
    // a namespace) both land in kube-system; the source was looked for in kube-system only, not found, and
    // this repository's root was built instead.
    const snapshot = createMemorySnapshot({
      ...homelab,
      "infra/kustomization.yaml": "resources: [repo.yaml, gateway]\n",
      "infra/gateway/kustomization.yaml": "namespace: kube-system\nresources: [crds.yaml]\n",
      "infra/gateway/crds.yaml":
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: gateway-api-crd\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: https://github.com/kubernetes-sigs/gateway-api\n  ref: {tag: v1.2.0}\n---\n" +
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: gateway-api\nspec:\n  interval: 1h\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: gateway-api-crd\n",
    });

    const model = analyzeRepository(snapshot);

    const gateway = model.kustomizations.find((k) => k.key === "kube-system/gateway-api")!;
    expect(gateway.build).toBeUndefined();
    expect(model.diagnostics.map((d) => d.message).join("\n")).not.toContain(
      "its files are read from this repository",
    );
    // The fixture's one error (web depends on a missing db) is all there is.
    expect(model.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual([
      "graph-depends-on-missing",
    ]);
  });

  it("without a declared entrypoint, takes root Kustomizations under clusters/<name>/ as one cluster each, and says it guessed", () => {
    const root = (name: string, path: string) =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec: {interval: 1h, path: ./${path}, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n`;
    const snapshot = createMemorySnapshot({
      "clusters/production/apps.yaml": root("apps", "apps/production"),
      "clusters/staging/apps.yaml": root("apps", "apps/staging"),
      "apps/production/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n",
      "apps/staging/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: default}\n",
    });

    const model = analyzeRepository(snapshot);

    expect(model.entrypoints.map((e) => [e.cluster, e.rule, e.file])).toEqual([
      ["production", "roots", "clusters/production/apps.yaml"],
      ["staging", "roots", "clusters/staging/apps.yaml"],
    ]);
    expect(
      model.clusters.map((c) => [c.name, c.kustomizations[0]?.build?.objects.map((o) => o.object.metadata)]),
    ).toEqual([
      ["production", [{ name: "a", namespace: "default" }]],
      ["staging", [{ name: "b", namespace: "default" }]],
    ]);
    expect(model.diagnostics).toContainEqual(
      expect.objectContaining({
        code: "flux-entrypoint-fallback",
        severity: "warning",
        message: expect.stringContaining("clusterPaths in .github/flux-impact.yml"),
      }),
    );
  });

  it("keeps going when a build fails and says why", () => {
    const broken = { ...homelab, "infra/kustomization.yaml": "resources: [repo.yaml, missing.yaml]\n" };

    const model = analyzeRepository(createMemorySnapshot(broken));

    const infra = model.kustomizations.find((k) => k.key === "flux-system/infra")!;
    expect(infra.build?.failed).toBe(true);
    expect(infra.build?.objects.map((o) => o.object.kind)).toEqual(["HelmRepository"]);
    expect(model.diagnostics).toContainEqual(
      expect.objectContaining({ code: "kustomize-missing-path", file: "infra/kustomization.yaml", line: 1 }),
    );
    expect(model.kustomizations).toHaveLength(3);
  });

  it("names a build whose builtin plugin it does not render as unknown, without failing it", () => {
    const plugin = {
      ...homelab,
      "infra/kustomization.yaml": dedent(`
        resources: [repo.yaml]
        transformers:
          - |-
            apiVersion: builtin
            kind: PrefixSuffixTransformer
            metadata: {name: p}
            prefix: x-
            fieldSpecs: [{path: metadata/name}]
      `),
    };

    const model = analyzeRepository(createMemorySnapshot(plugin));

    const infra = model.kustomizations.find((k) => k.key === "flux-system/infra")!;
    expect(infra.build?.unknown).toBe("its kustomize build runs a builtin plugin the engine does not render");
    expect(infra.build?.objects).toEqual([]);
    const found = model.diagnostics.filter((d) => d.file === "infra/kustomization.yaml");
    expect(found.map((d) => [d.code, d.severity])).toEqual([["kustomize-plugin-not-rendered", "warning"]]);
  });
});

describe("core/analyze substitution sources outside the repository", () => {
  it("warns about a substituteFrom source the repository does not define and shows placeholders", () => {
    const { "clusters/prod/settings.yaml": _, ...rest } = homelab;

    const model = analyzeRepository(createMemorySnapshot(rest));

    const apps = model.kustomizations.find((k) => k.key === "flux-system/apps")!;
    expect(apps.build?.failed).toBe(false);
    const hr = model.helmReleases.find((h) => h.key === "default/web")!;
    expect((hr.object.spec as { values: unknown }).values).toEqual({ host: "web...PLACEHOLDER_DOMAIN.." });
    expect(model.diagnostics).toContainEqual(
      expect.objectContaining({
        code: "flux-substitute-from-missing",
        severity: "warning",
        file: "clusters/prod/apps.yaml",
      }),
    );
  });
});
