import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCliCaptured } from "../support/cli/run.ts";
import { fluxObject, KubernetesApiDouble, status } from "../support/k8s/api-double.ts";

const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "homelab");
let api: KubernetesApiDouble;
let server: string;
let tmp: string;
let kubeconfig: string;

const cli = runCliCaptured;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "flux-impact-cluster-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeEach(async () => {
  api = new KubernetesApiDouble();
  server = await api.start();
  kubeconfig = join(tmp, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(kubeconfig, api.kubeconfig(server));
  return () => api.stop();
});

/** The example's head as a git checkout: its HEAD is what live revisions are compared with. */
function checkout(): { dir: string; head: string } {
  const dir = mkdtempSync(join(tmp, "repo-"));
  cpSync(join(EXAMPLE, "head"), dir, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      encoding: "utf8",
    }).trim();
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "head");
  return { dir, head: git("rev-parse", "HEAD") };
}

describe("flux-impact status", () => {
  it("joins the live Flux objects with the repository: Ready, revision against HEAD, suspended, one side only", async () => {
    const { dir, head } = checkout();
    api.fluxObjects.push(
      fluxObject("Kustomization", "flux-system", "cluster-apps", {
        ready: true,
        revision: `main@sha1:${head}`,
      }),
      fluxObject("Kustomization", "flux-system", "immich", {
        ready: false,
        reason: "HealthCheckFailed",
        message:
          "health check failed after 5m0s: timeout waiting for: [Deployment/media/immich status: 'InProgress']",
        revision: `main@sha1:${"0".repeat(40)}`,
      }),
      fluxObject("Kustomization", "flux-system", "jellyfin", {
        ready: true,
        suspend: true,
        revision: `main@sha1:${head}`,
      }),
      fluxObject("Kustomization", "flux-system", "left-over", { ready: true, revision: `main@sha1:${head}` }),
      fluxObject("HelmRelease", "media", "immich", { ready: true, revision: "0.9.0" }),
    );
    const r = await cli("status", dir, "--kubeconfig", kubeconfig);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1); // immich is not Ready
    expect(r.stdout).toContain(`Cluster ${server} (context double)`);
    expect(r.stdout).toMatch(
      /Kustomization\s+flux-system\/immich\s+False\s+main@sha1:0{40} \(behind HEAD\)\s+no\s+yes\s+health check failed/,
    );
    expect(r.stdout).toMatch(
      new RegExp(`Kustomization\\s+flux-system/cluster-apps\\s+True\\s+main@sha1:${head} \\(HEAD\\)`),
    );
    expect(r.stdout).toMatch(/Kustomization\s+flux-system\/jellyfin\s+True\s+\S+ \(HEAD\)\s+yes\s+yes/);
    expect(r.stdout).toMatch(/Kustomization\s+flux-system\/left-over\s+True\s+\S+ \(HEAD\)\s+no\s+no/);
    expect(r.stdout).toContain("5 Flux objects in the cluster: 1 not ready, 1 suspended, 1 behind HEAD");
    expect(r.stdout).toContain("Defined in the repository but absent from the cluster");
    expect(r.stdout).toContain("  Kustomization flux-system/cert-manager\n");
    // Read-only: lists and discovery, nothing else.
    expect(api.requests.every((q) => q.method === "GET")).toBe(true);
  });

  it("prints JSON, and reads HelmReleases from an older Flux's API version", async () => {
    api.notServed.add("helm.toolkit.fluxcd.io/v2");
    api.fluxObjects.push(
      fluxObject(
        "HelmRelease",
        "media",
        "jellyfin",
        { ready: true, revision: "1.4.2" },
        "helm.toolkit.fluxcd.io/v2beta2",
      ),
    );
    const r = await cli("status", join(EXAMPLE, "head"), "--kubeconfig", kubeconfig, "--format", "json");
    const json = JSON.parse(r.stdout);
    expect(json.rows).toEqual([
      expect.objectContaining({
        kind: "HelmRelease",
        namespace: "media",
        name: "jellyfin",
        ready: "True",
        lastAppliedRevision: "1.4.2",
        inRepository: true,
      }),
    ]);
    expect(r.code).toBe(0);
  });

  it("says which context is missing, and that a cluster cannot be reached, with exit 2", async () => {
    const missing = await cli(
      "status",
      join(EXAMPLE, "head"),
      "--kubeconfig",
      kubeconfig,
      "--context",
      "prod",
    );
    expect([missing.code, missing.stderr]).toEqual([
      2,
      'flux-impact: no context "prod" in the kubeconfig (known: double)\n',
    ]);
    await api.stop();
    const down = await cli("status", join(EXAMPLE, "head"), "--kubeconfig", kubeconfig);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(
      /^flux-impact: cannot reach the cluster http:\/\/127\.0\.0\.1:\d+ \(context double\)/,
    );
  });
});

describe("flux-impact diff --cluster", () => {
  const diff = (...extra: string[]) =>
    cli(
      "diff",
      join(EXAMPLE, "base"),
      join(EXAMPLE, "head"),
      "--cluster",
      "--kubeconfig",
      kubeconfig,
      ...extra,
    );

  it("dry-runs every changed object, turns refusals into errors on their files, and never writes", async () => {
    api.refuse = (obj) => {
      if (obj.kind === "HelmRelease" && obj.metadata.name === "jellyfin")
        return status(
          422,
          "Invalid",
          'HelmRelease.helm.toolkit.fluxcd.io "jellyfin" is invalid: spec.chart.spec.version: Invalid value: "1.x.y": must be a semver range',
          {
            name: "jellyfin",
            group: "helm.toolkit.fluxcd.io",
            kind: "HelmRelease",
            causes: [
              {
                reason: "FieldValueInvalid",
                message: 'Invalid value: "1.x.y": must be a semver range',
                field: "spec.chart.spec.version",
              },
            ],
          },
        );
      if (obj.kind === "ConfigMap" && obj.metadata.name === "immich-values")
        return status(
          409,
          "Conflict",
          'Operation cannot be fulfilled on configmaps "immich-values": the object has been modified; please apply your changes to the latest version and try again',
          { name: "immich-values", kind: "configmaps" },
        );
      if (obj.kind === "Namespace" && obj.metadata.name === "network")
        return status(
          403,
          "Forbidden",
          'admission webhook "validate.kyverno.svc-fail" denied the request: resource Namespace//network was blocked due to the following policies require-labels: check-for-labels: validation error: label app.kubernetes.io/part-of is required',
        );
      return undefined;
    };
    const r = await diff();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("### Cluster dry run — context `double`");
    expect(r.stdout).toContain("10 changed objects sent to");
    expect(r.stdout).toContain("7 accepted, 3 refused");
    expect(r.stdout).toMatch(
      /❌ HelmRelease media\/jellyfin: the cluster refused the apply \(422 Invalid\): .*must be a semver range \(`kubernetes\/apps\/media\/jellyfin\/app\/helmrelease\.yaml:3`\)/,
    );
    expect(r.stdout).toMatch(
      /❌ ConfigMap media\/immich-values: the cluster refused the apply \(409 Conflict\)/,
    );
    expect(r.stdout).toMatch(
      /❌ Namespace network: the cluster refused the apply \(403 Forbidden\): admission webhook .*validate\.kyverno\.svc-fail/,
    );
    const patches = api.requests.filter((q) => q.method === "PATCH");
    expect(patches).toHaveLength(10);
    for (const p of patches) {
      expect(p.query.get("dryRun")).toBe("All");
      expect(p.query.get("fieldManager")).toBe("kustomize-controller");
      expect(p.contentType).toBe("application/apply-patch+yaml");
    }
    expect(api.writes).toEqual([]);
  });

  it("sends fields the typed client does not know, so the API server can refuse them", async () => {
    const seen: unknown[] = [];
    api.refuse = (obj) => {
      seen.push(obj);
      return undefined;
    };
    await diff();
    const hr = seen.find((o) => (o as { kind: string }).kind === "HelmRelease") as {
      spec: Record<string, unknown>;
    };
    expect(Object.keys(hr.spec)).toContain("values"); // a CRD's free-form field, sent as rendered
  });

  it("shows drift: a live object that differs from what the base revision renders", async () => {
    api.addLive({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cluster-settings", namespace: "flux-system" },
      data: { TIMEZONE: "Mars/Olympus_Mons" },
    });
    const r = await diff("--format", "json");
    const json = JSON.parse(r.stdout);
    const settings = json.cluster.objects.find(
      (o: { object: string }) => o.object === "ConfigMap flux-system/cluster-settings",
    );
    expect(settings.findings).toEqual([
      expect.objectContaining({
        code: "cluster-drift",
        severity: "warning",
        file: "kubernetes/flux/vars/cluster-settings.yaml",
      }),
    ]);
    expect(settings.findings[0].message).toMatch(/differs from what the base revision renders at data\./);
    expect(settings.change.kind).toBe("modified");
    expect(
      json.cluster.objects.find((o: { object: string }) => o.object === "Namespace media").change.kind,
    ).toBe("added");
  });

  it("reports a kind the cluster does not serve (its CRD missing) as an error", async () => {
    api.notServed.add("helm.toolkit.fluxcd.io/v2");
    const r = await diff("--format", "json");
    const json = JSON.parse(r.stdout);
    const codes = json.cluster.objects.flatMap((o: { findings: Array<{ code: string }> }) =>
      o.findings.map((f) => f.code),
    );
    expect(codes.filter((c: string) => c === "cluster-kind-unknown")).toHaveLength(2);
    expect(r.code).toBe(1);
  });
});
