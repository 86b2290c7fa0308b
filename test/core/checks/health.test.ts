import { describe, expect, it } from "vitest";
import {
  healthDisabledServices,
  healthImageAutomation,
  healthOrphans,
  healthUnusedHelmRepositories,
} from "../../../src/core/checks/rules/health.ts";
import { refineDiagnostics } from "../../../src/core/checks/rules/refine.ts";
import { branchContext } from "./helpers.ts";

const ks = (name: string) =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec: {interval: 1h, path: ./${name}, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n`;

describe("core/checks/rules/health", () => {
  it("finds Flux Kustomization files no kustomization lists", () => {
    const ctx = branchContext({
      "apps/kustomization.yaml": "resources: [listed.yaml]\n",
      "apps/listed.yaml": ks("listed"),
      "apps/forgotten/ks.yaml": ks("forgotten"),
      "listed/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n",
    });

    expect(healthOrphans.run(ctx).map((d) => [d.code, d.file, d.severity])).toEqual([
      ["health-orphan-app", "apps/forgotten/ks.yaml", "notice"],
    ]);
  });

  it("does not call another bootstrap cluster's Kustomizations orphans", () => {
    const ctx = branchContext({
      "apps/kustomization.yaml": "resources: []\n",
      "clusters/staging/flux-system/gotk-sync.yaml": "# written by flux bootstrap\n",
      "clusters/staging/apps.yaml": ks("staging-apps"),
      "clusters/staging/infra/ks.yaml": ks("staging-infra"),
      "elsewhere/ks.yaml": ks("forgotten"),
    });

    expect(healthOrphans.run(ctx).map((d) => d.file)).toEqual(["elsewhere/ks.yaml"]);
  });

  it("lists .dis services with their age when the caller knows it", () => {
    const ctx = {
      ...branchContext({ "apps/kustomization.yaml": "resources: []\n", "apps/kasm/ks.yaml.dis": ks("kasm") }),
      disabledSince: { "apps/kasm/ks.yaml.dis": "2026-08-28T10:00:00Z" },
      now: "2026-11-30T12:00:00Z",
    };

    expect(healthDisabledServices.run(ctx)).toEqual([
      expect.objectContaining({
        code: "health-disabled-service",
        file: "apps/kasm/ks.yaml.dis",
        message: expect.stringContaining("kasm is disabled for 94 days (since 2026-08-28)"),
      }),
    ]);
  });

  it("notices image automation controllers without any ImageUpdateAutomation", () => {
    const instance = `apiVersion: fluxcd.controlplane.io/v1\nkind: FluxInstance\nmetadata: {name: flux, namespace: flux-system}\nspec:\n  components: [source-controller, image-reflector-controller, image-automation-controller]\n`;
    const automation = `apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageUpdateAutomation\nmetadata: {name: auto, namespace: flux-system}\nspec: {interval: 1h}\n`;

    expect(healthImageAutomation.run(branchContext({ "apps/fi.yaml": instance })).map((d) => d.code)).toEqual(
      ["health-image-automation-unused"],
    );
    expect(
      healthImageAutomation.run(branchContext({ "apps/fi.yaml": instance, "apps/iua.yaml": automation })),
    ).toEqual([]);
  });

  it("notices HelmRepositories no HelmRelease uses", () => {
    const repo = (name: string) =>
      `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: ${name}, namespace: flux-system}\nspec: {interval: 1h, url: "https://example.org/${name}"}\n`;
    const hr = `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: default}\nspec:\n  interval: 1h\n  chart: {spec: {chart: nginx, sourceRef: {kind: HelmRepository, name: used, namespace: flux-system}}}\n`;

    const ctx = branchContext({
      "apps/used.yaml": repo("used"),
      "apps/idle.yaml": repo("idle"),
      "apps/hr.yaml": hr,
    });

    expect(healthUnusedHelmRepositories.run(ctx).map((d) => d.message)).toEqual([
      "HelmRepository flux-system/idle is used by no HelmRelease; remove it to stop Flux polling it.",
    ]);
  });
});

describe("core/checks/rules/refine", () => {
  it("explains a missing resource that was renamed to .dis", () => {
    const ctx = branchContext({
      "apps/kustomization.yaml": "resources:\n  - ./web/ks.yaml\n",
      "apps/web/ks.yaml.dis": ks("web"),
    });

    const refined = refineDiagnostics(ctx.model.diagnostics, ctx.snapshot).filter((d) =>
      d.code.startsWith("kustomize-"),
    );

    expect(refined).toEqual([
      expect.objectContaining({
        code: "kustomize-disabled-still-listed",
        file: "apps/kustomization.yaml",
        line: 2,
        message: expect.stringContaining(
          '"./web/ks.yaml" was renamed to apps/web/ks.yaml.dis but is still listed here',
        ),
      }),
    ]);
  });
});
