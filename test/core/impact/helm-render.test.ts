import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/core/config/index.ts";
import type { ChartFiles } from "../../../src/core/helm/index.ts";
import {
  analyzePullRequest,
  applyHelmRenders,
  type ChartSupply,
  type ChartUnavailable,
  createMemorySnapshot,
  helmChartNeeds,
  policyOf,
} from "../../../src/core/index.ts";
import { FLUX_CLUSTER } from "../../support/fixtures/flux-cluster.ts";

const CLUSTER = {
  ...FLUX_CLUSTER,
  "apps/repo.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: charts, namespace: flux-system}
spec: {interval: 1h, url: https://charts.example.com}
`,
};

const hr = (name: string, version: string, values = "replicas: 1") => `---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: ${name}, namespace: default}
spec:
  interval: 1h
  chart:
    spec: {chart: app, version: "${version}", sourceRef: {kind: HelmRepository, name: charts, namespace: flux-system}}
  values: {${values}}
`;

/** The remote chart `app` at a version: a Deployment, a required value from 2.0, a random password from 3.0. */
function chartFiles(version: string): ChartFiles {
  const major = Number(version.split(".")[0]);
  const required =
    major >= 2 ? '  paused: {{ required "paused is required from 2.0" .Values.paused }}\n' : "";
  const secret =
    "apiVersion: v1\nkind: Secret\nmetadata: {name: pw}\nstringData: {pw: {{ randAlphaNum 8 | quote }}}\n";
  return {
    files: {
      "Chart.yaml": `apiVersion: v2\nname: app\nversion: ${version}\n`,
      "values.yaml": "replicas: 1\n",
      "templates/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: {{ .Release.Name }}}
spec:
  replicas: {{ .Values.replicas }}
  template: {spec: {containers: [{name: app, image: "example/app:${version}"}]}}
${required}`,
      ...(major >= 3 ? { "templates/secret.yaml": secret } : {}),
    },
  };
}

/** Chart 1.0.0's templates under another version, with more files and more Chart.yaml lines. */
function chartAt(version: string, more: Record<string, string>, chartYaml = ""): ChartFiles {
  const files = chartFiles("1.0.0");
  return {
    ...files,
    files: {
      ...files.files,
      ...more,
      "Chart.yaml": `apiVersion: v2\nname: app\nversion: ${version}\n${chartYaml}`,
    },
  };
}

function run(
  baseApps: string,
  headApps: string,
  supplyFor: (version: string) => ChartFiles | ChartUnavailable = chartFiles,
) {
  const analysis = analyzePullRequest({
    base: createMemorySnapshot({ ...CLUSTER, "apps/hr.yaml": baseApps }),
    head: createMemorySnapshot({ ...CLUSTER, "apps/hr.yaml": headApps }),
  });
  const needs = helmChartNeeds(analysis);
  const supply = new Map(
    needs.map((n) => [
      n.id,
      n.location.type === "helm" ? supplyFor(n.location.version) : { error: "not a remote chart" },
    ]),
  );
  applyHelmRenders(analysis, supply as ChartSupply, { policy: policyOf(DEFAULT_CONFIG) });
  return { analysis, needs };
}

describe("impact/helm-render", () => {
  it("asks for each chart once, and adds the rendered object diffs and the rendered images", () => {
    const { analysis, needs } = run(hr("a", "1.0.0") + hr("b", "1.0.0"), hr("a", "1.1.0") + hr("b", "1.1.0"));
    expect(needs.map((n) => n.location)).toEqual([
      { type: "helm", url: "https://charts.example.com", chart: "app", version: "1.0.0" },
      { type: "helm", url: "https://charts.example.com", chart: "app", version: "1.1.0" },
    ]);
    const a = analysis.report.helmReleases.find((h) => h.name === "a")!;
    expect(a.rendered?.status).toBe("rendered");
    expect(a.rendered?.objects.map((o) => `${o.ref.display} ${o.change}`)).toEqual(["Deployment a modified"]);
    expect(a.images).toEqual({ from: ["example/app:1.0.0"], to: ["example/app:1.1.0"] });
    expect(analysis.report.conclusion).toBe("success");
  });

  it("fails the change when the new chart no longer renders with the values, on the HelmRelease's line", () => {
    const { analysis } = run(hr("a", "1.0.0"), hr("a", "2.0.0"));
    const a = analysis.report.helmReleases[0]!;
    expect(a.rendered).toMatchObject({ status: "failed" });
    expect(
      analysis.report.findings.introduced.map((d) => [d.code, d.severity, d.file, d.line, d.message]),
    ).toEqual([
      [
        "helm-render-failed",
        "error",
        "apps/hr.yaml",
        2,
        "HelmRelease default/a does not render: execution error at (app/templates/deploy.yaml:7:13): paused is required from 2.0",
      ],
    ]);
    expect(analysis.report.conclusion).toBe("failure");
  });

  it("does not blame the change for a chart that failed the same way before it", () => {
    const { analysis } = run(hr("a", "2.0.0"), hr("a", "2.0.0", "replicas: 2"));
    expect(analysis.report.findings.introduced.map((d) => d.code)).toEqual([]);
    expect(analysis.report.findings.existing.map((d) => d.code)).toEqual(["helm-render-failed"]);
  });

  it("says what it could not render, and marks random functions as placeholders without a spurious diff", () => {
    const missing = run(hr("a", "1.0.0"), hr("a", "1.1.0"), () => ({
      error: "its chart could not be fetched: 404",
    }));
    expect(missing.analysis.report.helmReleases[0]!.rendered).toEqual({
      status: "unavailable",
      objects: [],
      message: "its chart could not be fetched: 404",
    });
    expect(missing.analysis.report.findings.introduced.map((d) => [d.code, d.severity])).toEqual([
      ["helm-render-unavailable", "notice"],
    ]);
    const random = run(hr("a", "3.0.0", "paused: false"), hr("a", "3.0.0", "paused: false, replicas: 2"));
    const r = random.analysis.report.helmReleases[0]!.rendered!;
    expect(r.nondeterministic).toEqual(["randAlphaNum"]);
    expect(r.objects.map((o) => o.ref.display)).toEqual(["Deployment a"]);
  });
});

describe("impact/helm-render: what lookup reads", () => {
  /** Version 4.0 reads an existing Secret's key with lookup, as charts that keep a generated password do. */
  const withLookup = (version: string): ChartFiles => {
    const files = chartFiles(version);
    if (!version.startsWith("4.")) return files;
    const reuse = `apiVersion: v1
kind: ConfigMap
metadata: {name: kept}
data: {pw: {{ (lookup "v1" "Secret" .Release.Namespace "pw").data.pw | quote }}}
`;
    return { ...files, files: { ...files.files, "templates/reuse.yaml": reuse } };
  };

  it("does not call a chart broken when it fails only against an empty cluster", () => {
    const { analysis } = run(
      hr("a", "3.0.0", "paused: false"),
      hr("a", "4.0.0", "paused: false"),
      withLookup,
    );
    const a = analysis.report.helmReleases[0]!;
    expect(a.rendered?.status).toBe("unavailable");
    expect(a.rendered?.message).toContain("nil pointer evaluating interface {}.pw");
    expect(a.rendered?.message).toContain(
      "but it reads the cluster (lookup), so it may render where helm-controller runs it",
    );
    expect(analysis.report.findings.introduced.map((d) => [d.code, d.severity])).toEqual([
      ["helm-render-unavailable", "notice"],
    ]);
    expect(analysis.report.conclusion).not.toBe("failure");
  });
});

describe("impact/helm-render: the cluster's version and API groups", () => {
  /** Version 5.0 needs an older Kubernetes; version 6.0 refuses to render without the Prometheus operator. */
  const forCluster = (version: string): ChartFiles =>
    version === "5.0.0"
      ? chartAt(version, {}, 'kubeVersion: ">=1.25.0-0 <1.31.0-0"\n')
      : chartAt(
          version,
          version === "6.0.0"
            ? {
                "templates/monitor.yaml":
                  '{{- if not (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") }}{{ fail "this chart needs the Prometheus operator" }}{{ end }}\n',
              }
            : {},
        );

  it("does not call a chart broken for a Kubernetes version or a CRD the cluster may have", () => {
    for (const [version, reads] of [
      ["5.0.0", "the chart's kubeVersion range"],
      ["6.0.0", '.Capabilities.APIVersions.Has "monitoring.coreos.com/v1"'],
    ] as const) {
      const { analysis } = run(hr("a", "1.0.0"), hr("a", version), forCluster);
      const a = analysis.report.helmReleases[0]!;
      expect(a.rendered?.status).toBe("unavailable");
      expect(a.rendered?.message).toContain(`but it reads the cluster (${reads})`);
      expect(analysis.report.findings.introduced.map((d) => [d.code, d.severity])).toEqual([
        ["helm-render-unavailable", "notice"],
      ]);
    }
  });
});

describe("impact/helm-render: fails closed", () => {
  /** Version 7.0 loops past the engine's bounds, as a hostile chart folder in a pull request may. */
  const bounded = (version: string): ChartFiles =>
    chartAt(
      version,
      version === "7.0.0" ? { "templates/loop.yaml": "{{ range until 2000000 }}x{{ end }}\n" } : {},
    );

  it("does not pass a chart it stopped rendering at a bound, and says so on the HelmRelease", () => {
    const { analysis } = run(hr("a", "1.0.0"), hr("a", "7.0.0"), bounded);
    const a = analysis.report.helmReleases[0]!;
    expect(a.rendered?.status).toBe("unavailable");
    expect(analysis.report.findings.introduced.map((d) => [d.code, d.severity, d.file, d.message])).toEqual([
      [
        "analysis-failed",
        "error",
        "apps/hr.yaml",
        expect.stringMatching(
          /^The engine stopped at one of its limits \(.*until.*\) while rendering the chart of HelmRelease default\/a; what it installs is not checked\.$/,
        ),
      ],
    ]);
    expect(analysis.report.conclusion).toBe("failure");
    // A chart the adapter stopped fetching or unpacking at a bound fails closed the same way.
    const large = run(hr("a", "1.0.0"), hr("a", "1.1.0"), (version) =>
      version === "1.1.0"
        ? { error: "its chart could not be fetched: larger than 20 MiB", limit: true }
        : chartFiles(version),
    ).analysis;
    expect(large.report.findings.introduced.map((d) => [d.code, d.message])).toEqual([
      [
        "analysis-failed",
        "The engine stopped at one of its limits (its chart could not be fetched: larger than 20 MiB) while rendering the chart of HelmRelease default/a; what it installs is not checked.",
      ],
    ]);
    // The same bound at base: not this change's doing.
    const again = run(hr("a", "7.0.0"), hr("a", "7.0.0", "replicas: 2"), bounded).analysis;
    expect(again.report.findings.introduced.map((d) => d.code)).toEqual([]);
    expect(again.report.findings.existing.map((d) => d.code)).toEqual(["analysis-failed"]);
  });
});

describe("impact/helm-render: a fix", () => {
  it("shows what a chart that did not render before the change installs now", () => {
    const { analysis } = run(hr("a", "2.0.0"), hr("a", "2.0.0", "paused: true"));
    const a = analysis.report.helmReleases[0]!;
    expect(a.rendered?.status).toBe("rendered");
    expect(a.rendered?.message).toMatch(/^it did not render before this change: execution error at/);
    expect(a.rendered?.objects.map((o) => `${o.ref.display} ${o.change}`)).toEqual(["Deployment a added"]);
    expect(analysis.report.findings.introduced.map((d) => d.code)).toEqual([]);
  });
});

describe("impact/helm-render: values it cannot see", () => {
  it("does not call a chart broken when the failure may come from a Secret's placeholder", () => {
    const fromSecret = (version: string) =>
      `${hr("a", version).replace("  values: {replicas: 1}\n", "  valuesFrom: [{kind: Secret, name: a-values}]\n")}---
apiVersion: v1
kind: Secret
metadata: {name: a-values, namespace: default}
stringData: {values.yaml: "paused: false"}
`;
    const { analysis } = run(fromSecret("1.0.0"), fromSecret("2.0.0"));
    const a = analysis.report.helmReleases[0]!;
    // paused comes from the Secret: a fingerprint here, which `required` accepts; the render goes through.
    expect(a.rendered?.status).toBe("rendered");
    const unknown = run(
      hr("a", "1.0.0").replace(
        "  values: {replicas: 1}\n",
        "  valuesFrom: [{kind: Secret, name: elsewhere}]\n",
      ),
      hr("a", "2.0.0").replace(
        "  values: {replicas: 1}\n",
        "  valuesFrom: [{kind: Secret, name: elsewhere}]\n",
      ),
    );
    const b = unknown.analysis.report.helmReleases[0]!;
    expect(b.rendered?.status).toBe("unavailable");
    expect(b.rendered?.message).toMatch(
      /^it does not render with the values this analysis sees \(.*paused is required from 2\.0\), but its values from Secret elsewhere are not readable here, so it may render in the cluster$/,
    );
    expect(unknown.analysis.report.findings.introduced.map((d) => [d.code, d.severity])).toEqual([
      ["helm-render-unavailable", "notice"],
    ]);
  });
});
