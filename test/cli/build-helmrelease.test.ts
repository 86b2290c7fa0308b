// biome-ignore-all lint/suspicious/noExplicitAny: rendered objects are read as untyped YAML here.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readYamlDocuments } from "../../src/core/yaml/read-documents.ts";
import { runCliCaptured } from "../support/cli/run.ts";
import { FLUX_CLUSTER } from "../support/fixtures/flux-cluster.ts";
import { writeTree } from "../support/fs/disk-tree.ts";

const tmp = mkdtempSync(join(tmpdir(), "flux-impact-hr-"));
afterAll(() => {
  if (!process.env.KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
});

const cli = runCliCaptured;

function repo(name: string, files: Record<string, string>): string {
  const root = join(tmp, name);
  writeTree(root, new Map(Object.entries(files)));
  return root;
}

const CLUSTER = {
  ...FLUX_CLUSTER,
  "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.2.0\n",
  "charts/web/values.yaml": "replicas: 1\nimage: {repository: nginx, tag: '1.27'}\nhost: ''\n",
  "charts/web/templates/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`,
  "charts/web/templates/secret.yaml": `apiVersion: v1
kind: Secret
metadata: {name: {{ .Release.Name }}-auth}
stringData: {password: {{ .Values.password | default "hunter2-default" | quote }}}
`,
  "charts/web/templates/ingress.yaml": `{{- if .Values.host }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: {{ .Release.Name }}}
spec:
  rules:
    - host: {{ required "host must be set when ingress is on" .Values.ingressHost }}
{{- end }}
`,
};

const release = (values: string, extra = "") => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: default}
spec:
  interval: 1h
  chart:
    spec:
      chart: ./charts/web
      sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
  values:
${values}
${extra}`;

describe("flux-impact build --helmrelease", () => {
  it("renders a chart of the repository with the HelmRelease's values and post-renderers, Secret values fingerprinted", async () => {
    const root = repo("local", {
      ...CLUSTER,
      "apps/web.yaml": release(
        "    replicas: 3\n    image: {tag: '1.28'}",
        "  postRenderers:\n    - kustomize:\n        patches:\n          - target: {kind: Deployment}\n            patch: |\n              - op: add\n                path: /metadata/annotations\n                value: {patched: 'yes'}\n",
      ),
    });
    const { code, stdout, stderr } = await cli("build", root, "--helmrelease", "default/web");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const objects = readYamlDocuments(stdout, "out.yaml").documents.map(
      (d) => d.value as Record<string, any>,
    );
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(["Secret/web-auth", "Deployment/web"]);
    const deploy = objects[1]!;
    expect(deploy.spec.replicas).toBe(3);
    expect(deploy.spec.template.spec.containers[0].image).toBe("nginx:1.28");
    expect(deploy.metadata.annotations).toEqual({ patched: "yes" });
    // helm-controller's origin labels.
    expect(deploy.metadata.labels).toEqual({
      "helm.toolkit.fluxcd.io/name": "web",
      "helm.toolkit.fluxcd.io/namespace": "default",
    });
    expect(stdout).not.toContain("hunter2-default");
  });

  it("builds a chart folder's file:// dependencies from the repository, and names the ones it cannot", async () => {
    const withDeps = (dependencies: string) => ({
      ...CLUSTER,
      "charts/web/Chart.yaml": `apiVersion: v2\nname: web\nversion: 1.2.0\ndependencies:\n${dependencies}`,
      "charts/web/templates/cm.yaml":
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: {{ include "lib.name" . }}}\n',
      "charts/lib/Chart.yaml": "apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\n",
      "charts/lib/templates/_name.tpl": '{{ define "lib.name" }}{{ .Release.Name }}-from-lib{{ end }}',
      "apps/web.yaml": release("    replicas: 1"),
    });
    const local = repo(
      "deps-local",
      withDeps("  - {name: lib, version: 0.1.0, repository: file://../lib}\n"),
    );
    const built = await cli("build", local, "--helmrelease", "default/web");
    expect(built.stderr).toBe("");
    expect(built.stdout).toContain("name: web-from-lib");
    const remote = repo(
      "deps-remote",
      withDeps(
        "  - {name: lib, version: 0.1.0, repository: file://../lib}\n  - {name: redis, version: 20.x, repository: https://charts.bitnami.com/bitnami}\n",
      ),
    );
    const refused = await cli("build", remote, "--helmrelease", "default/web");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      "flux-impact: default/web's chart cannot be rendered: its chart folder charts/web/ depends on redis (https://charts.bitnami.com/bitnami), which source-controller fetches when it builds the chart and this analysis does not\n",
    );
  });

  it("reports a template that fails on the HelmRelease's file, with Helm's message and the template line", async () => {
    const root = repo("failing", { ...CLUSTER, "apps/web.yaml": release("    host: web.example.com") });
    const { code, stdout, stderr } = await cli("build", root, "--helmrelease", "default/web");
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      "error helm-render-failed apps/web.yaml:1: default/web does not render: execution error at (web/templates/ingress.yaml:7:15): host must be set when ingress is on\n",
    );
  });

  it("refuses to fetch a chart from a plain-http or private address, and says so", async () => {
    const root = repo("remote", {
      ...CLUSTER,
      "apps/web.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: internal, namespace: flux-system}
spec: {interval: 1h, url: http://127.0.0.1:8080/charts}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web, namespace: default}
spec:
  interval: 1h
  chart:
    spec: {chart: web, version: 1.x, sourceRef: {kind: HelmRepository, name: internal, namespace: flux-system}}
`,
    });
    const { code, stderr } = await cli("build", root, "--helmrelease", "default/web");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^flux-impact: default\/web's chart could not be fetched: .*https/);
  });

  it("names a chart it cannot reach instead of guessing", async () => {
    const root = repo("external", {
      ...CLUSTER,
      "apps/web.yaml": release("    replicas: 2").replace(
        "name: flux-system, namespace: flux-system}",
        "name: charts, namespace: flux-system}",
      ),
    });
    const { code, stderr } = await cli("build", root, "--helmrelease", "default/web");
    expect(code).toBe(1);
    expect(stderr).toBe(
      "flux-impact: default/web's chart cannot be rendered: GitRepository flux-system/charts is another repository\n",
    );
    await expect(cli("build", root, "--helmrelease", "default/nope")).resolves.toMatchObject({ code: 2 });
  });
});

describe("flux-impact diff --render-charts", () => {
  const base = () => ({ ...CLUSTER, "apps/web.yaml": release("    replicas: 2") });

  it("shows what a chart change installs, object by object, and the images the rendered workloads run", async () => {
    const b = repo("diff-base", base());
    const h = repo("diff-head", {
      ...base(),
      "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 2.0.0\n",
      "charts/web/values.yaml": "replicas: 1\nimage: {repository: nginx, tag: '1.29'}\nhost: ''\n",
    });
    const { code, stdout, stderr } = await cli("diff", b, h, "--render-charts");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("#### What the changed HelmReleases install (charts rendered)");
    expect(stdout).toContain("**HelmRelease `default/web`** — 1 object");
    expect(stdout).toContain("-      - image: nginx:1.27\n+      - image: nginx:1.29\n");
    expect(stdout).toContain("renders 1 changed object");
    expect(stdout).not.toContain("Changed files no Kustomization reads");
    const json = await cli("diff", b, h, "--render-charts", "--format", "json");
    const hr = JSON.parse(json.stdout).helmreleases[0];
    expect(hr.rendered.status).toBe("rendered");
    expect(hr.rendered.objects.map((o: { ref: string }) => o.ref)).toEqual(["Deployment web"]);
    expect(hr.images).toEqual({ from: ["nginx:1.27"], to: ["nginx:1.29"] });
  });

  it("fails the change when the chart no longer renders with the HelmRelease's values", async () => {
    const b = repo("fail-base", base());
    const h = repo("fail-head", {
      ...base(),
      "apps/web.yaml": release("    replicas: 2\n    host: web.example.com"),
    });
    const { code, stdout } = await cli("diff", b, h, "--render-charts");
    expect(code).toBe(1);
    expect(stdout).toContain("helm-render-failed");
    expect(stdout).toContain("host must be set when ingress is on");
  });

  it("says which rendered values are not the cluster's: random ones, and what lookup reads", async () => {
    const clusterRead = (version: string) => ({
      "charts/web/Chart.yaml": `apiVersion: v2\nname: web\nversion: ${version}\n`,
      "charts/web/templates/kept.yaml": `apiVersion: v1
kind: ConfigMap
metadata: {name: kept}
data:
  token: {{ randAlphaNum 12 | quote }}
  old: {{ (lookup "v1" "Secret" .Release.Namespace "web").data | default dict | toJson | quote }}
`,
    });
    const b = repo("lookup-base", { ...base(), ...clusterRead("1.2.0") });
    const h = repo("lookup-head", {
      ...base(),
      ...clusterRead("1.3.0"),
      "apps/web.yaml": release("    replicas: 2"),
    });
    const built = await cli("build", h, "--helmrelease", "default/web");
    expect(built.code).toBe(0);
    expect(built.stderr).toBe(
      "note: the chart calls randAlphaNum: those values change on every install and are placeholders here\n" +
        "note: the chart reads the cluster with lookup, which this render sees empty, as helm template does; helm-controller reads the real cluster\n",
    );
    const { code, stdout } = await cli("diff", b, h, "--render-charts");
    expect(code).toBe(0);
    expect(stdout).toContain(
      "_(the chart calls `randAlphaNum`: those values change on every install and are placeholders here; the chart reads the cluster with `lookup`, which this render sees empty, as `helm template` does)_",
    );
  });

  it("says when a chart cannot be rendered, instead of showing no change", async () => {
    const other = (values: string) =>
      release(values).replace(
        "name: flux-system, namespace: flux-system}",
        "name: charts, namespace: flux-system}",
      );
    const b = repo("other-base", { ...CLUSTER, "apps/web.yaml": other("    replicas: 2") });
    const h = repo("other-head", { ...CLUSTER, "apps/web.yaml": other("    replicas: 3") });
    const { code, stdout } = await cli("diff", b, h, "--render-charts");
    expect(code).toBe(0);
    expect(stdout).toContain(
      "**HelmRelease `default/web`** — ❔ not shown: GitRepository flux-system/charts is another repository",
    );
  });
});

describe("a chart folder of the repository", () => {
  it("warns when its files change without a new version, which Flux would not install", async () => {
    const b = repo("bump-base", { ...CLUSTER, "apps/web.yaml": release("    replicas: 2") });
    const h = repo("bump-head", {
      ...CLUSTER,
      "apps/web.yaml": release("    replicas: 2"),
      "charts/web/values.yaml": "replicas: 1\nimage: {repository: nginx, tag: '1.29'}\nhost: ''\n",
    });
    const { stdout } = await cli("diff", b, h);
    expect(stdout).toContain("helm-chart-version-not-bumped");
    expect(stdout).toContain("Bump the version, or set reconcileStrategy: Revision.");
    const revision = (text: string) =>
      text.replace(
        "      chart: ./charts/web\n",
        "      chart: ./charts/web\n      reconcileStrategy: Revision\n",
      );
    const rb = repo("rev-base", { ...CLUSTER, "apps/web.yaml": revision(release("    replicas: 2")) });
    const rh = repo("rev-head", {
      ...CLUSTER,
      "apps/web.yaml": revision(release("    replicas: 2")),
      "charts/web/values.yaml": "replicas: 1\nimage: {repository: nginx, tag: '1.29'}\nhost: ''\n",
    });
    const r = await cli("diff", rb, rh, "--format", "json");
    const json = JSON.parse(r.stdout);
    expect(json.helmreleases.map((x: { name: string; change: string }) => `${x.name} ${x.change}`)).toEqual([
      "web modified",
    ]);
    expect(r.stdout).not.toContain("helm-chart-version-not-bumped");
  });
});

describe("build --helmrelease: the rest of helm-controller's chart options", () => {
  it("takes the chart's values from chart.spec.valuesFiles, and the deprecated post-renderer patches", async () => {
    const root = repo("values-files", {
      ...CLUSTER,
      "charts/web/values-prod.yaml": "replicas: 5\n",
      "apps/web.yaml": release("    image: {tag: '1.28'}")
        .replace(
          "      chart: ./charts/web\n",
          "      chart: ./charts/web\n      valuesFiles: [./charts/web/values.yaml, ./charts/web/values-prod.yaml]\n",
        )
        .concat(`  postRenderers:
    - kustomize:
        patchesStrategicMerge:
          - {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {minReadySeconds: 7}}
        patchesJson6902:
          - target: {kind: Deployment, name: web}
            patch: [{op: add, path: /metadata/annotations, value: {json6902: "yes"}}]
`),
    });
    const { code, stdout, stderr } = await cli("build", root, "--helmrelease", "default/web");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const deploy = readYamlDocuments(stdout, "out.yaml").documents.map(
      (d) => d.value as Record<string, any>,
    )[1]!;
    expect(deploy.spec.replicas).toBe(5);
    expect(deploy.spec.minReadySeconds).toBe(7);
    expect(deploy.metadata.annotations).toEqual({ json6902: "yes" });
    expect(deploy.spec.template.spec.containers[0].image).toBe("nginx:1.28");
  });

  it("fails on a values file the chart lacks, unless told to ignore it", async () => {
    const spec = (extra: string) =>
      release("    replicas: 2\n    image: {repository: nginx, tag: '1.27'}").replace(
        "      chart: ./charts/web\n",
        `      chart: ./charts/web\n      valuesFiles: [values-missing.yaml]\n${extra}`,
      );
    const failing = repo("values-missing", { ...CLUSTER, "apps/web.yaml": spec("") });
    const r = await cli("build", failing, "--helmrelease", "default/web");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "values file values-missing.yaml is not in the chart (chart.spec.valuesFiles)",
    );
    const ignoring = repo("values-ignored", {
      ...CLUSTER,
      "apps/web.yaml": spec("      ignoreMissingValuesFiles: true\n"),
    });
    expect((await cli("build", ignoring, "--helmrelease", "default/web")).code).toBe(0);
  });
});
