import { describe, expect, it } from "vitest";
import {
  dangerDeletions,
  dangerDisabledDepended,
  dangerImmutable,
  dangerSuspend,
  quantity,
} from "../../../src/core/checks/rules/danger.ts";
import { service } from "../../support/fixtures/renames.ts";
import { changeContext } from "./helpers.ts";

const pvc = (size: string, storageClass = "fast") =>
  `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: default}\nspec:\n  storageClassName: ${storageClass}\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: ${size}}}\n`;
const deploy = (app: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata: {labels: {app: ${app}}}\n    spec: {containers: [{name: c, image: nginx}]}\n`;

describe("core/checks/rules/danger", () => {
  it("warns when prune deletes objects and calls out the PVC", () => {
    const ctx = changeContext(
      {
        "apps/pvc.yaml": pvc("1Gi"),
        "apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n",
      },
      {
        "apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n",
      },
    );

    const [finding, ...rest] = dangerDeletions.run(ctx);

    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      code: "danger-prune-deletes",
      severity: "warning",
      file: "clusters/home/apps.yaml",
    });
    expect(finding?.message).toContain(
      "prunes 1 object this change removes: PersistentVolumeClaim default/data",
    );
    expect(finding?.message).toContain(
      "Data or whole namespaces go with: PersistentVolumeClaim default/data",
    );
  });

  it("says nothing about what an intended rename deletes and creates again", () => {
    const ctx = changeContext(service("deduparr"), service("cleanrr"));
    expect(ctx.change?.impact.deletions.length).toBeGreaterThan(0);

    expect(dangerDeletions.run(ctx)).toEqual([]);
  });

  it("still warns about an object a rename drops", () => {
    const ctx = changeContext(service("deduparr", ["shared-cache"]), service("cleanrr"));

    const findings = dangerDeletions.run(ctx);

    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toContain(
      "Kustomization flux-system/deduparr prunes 1 object this change removes: ConfigMap media/shared-cache.",
    );
  });

  it("says nothing when nothing is deleted", () => {
    const same = { "apps/pvc.yaml": pvc("1Gi") };

    expect(dangerDeletions.run(changeContext(same, same))).toEqual([]);
  });

  it("warns about immutable field edits: Deployment selector, PVC storage class and shrink", () => {
    const ctx = changeContext(
      { "apps/d.yaml": deploy("web"), "apps/pvc.yaml": pvc("10Gi") },
      { "apps/d.yaml": deploy("frontend"), "apps/pvc.yaml": pvc("5Gi", "slow") },
    );

    const fields = dangerImmutable
      .run(ctx)
      .map((d) => [d.file, d.message.split(":")[1]?.trim().split(" cannot")[0]]);

    expect(fields).toEqual([
      ["apps/d.yaml", "spec.selector"],
      ["apps/pvc.yaml", "spec.storageClassName"],
      ["apps/pvc.yaml", "spec.resources.requests.storage (shrink)"],
    ]);
  });

  it("allows growing a PVC and editing a Deployment template", () => {
    const ctx = changeContext(
      { "apps/pvc.yaml": pvc("5Gi"), "apps/d.yaml": deploy("web") },
      {
        "apps/pvc.yaml": pvc("10Gi"),
        "apps/d.yaml": deploy("web").replace("image: nginx", "image: nginx:1.27"),
      },
    );

    expect(dangerImmutable.run(ctx)).toEqual([]);
  });

  it("warns on suspend flips at the suspend line", () => {
    const ks = (suspend: boolean) =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: db, namespace: flux-system}\nspec:\n  interval: 1h\n  path: ./db\n  prune: true\n  suspend: ${suspend}\n  sourceRef: {kind: GitRepository, name: flux-system}\n`;
    const db = { "db/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: default}\n" };

    const findings = dangerSuspend.run(
      changeContext({ "apps/db.yaml": ks(true), ...db }, { "apps/db.yaml": ks(false), ...db }),
    );

    expect(findings).toEqual([
      expect.objectContaining({
        code: "danger-suspend-flip",
        file: "apps/db.yaml",
        line: 8,
        message: expect.stringContaining("is resumed"),
      }),
    ]);
  });

  it("warns when a disabled service is still depended on", () => {
    const ks = (name: string, deps = "") =>
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  interval: 1h\n  path: ./${name}\n  prune: true\n  sourceRef: {kind: GitRepository, name: flux-system}\n${deps}`;
    const app = {
      "db/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d, namespace: default}\n",
      "web/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w, namespace: default}\n",
    };
    const web = ks("web", "  dependsOn:\n  - name: db\n");

    const findings = dangerDisabledDepended.run(
      changeContext(
        { "apps/db.yaml": ks("db"), "apps/web.yaml": web, ...app },
        { "apps/db.yaml.dis": ks("db"), "apps/web.yaml": web, ...app },
      ),
    );

    expect(findings).toEqual([
      expect.objectContaining({
        code: "danger-disable-depended",
        file: "apps/db.yaml.dis",
        message: expect.stringContaining("Kustomization flux-system/web"),
      }),
    ]);
  });

  it("reads Kubernetes quantities", () => {
    expect(quantity("10Gi")).toBe(10 * 2 ** 30);
    expect(quantity("500M")).toBe(5e8);
    expect(quantity("12")).toBe(12);
    expect(quantity("lots")).toBeUndefined();
  });
});
