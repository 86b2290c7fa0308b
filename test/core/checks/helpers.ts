import { analyzeRepository } from "../../../src/core/analyze.ts";
import type { CheckContext } from "../../../src/core/checks/types.ts";
import { analyzeChange } from "../../../src/core/impact/analyze-change.ts";
import { changedFilesBetween } from "../../../src/core/impact/changed-files.ts";
import { AnalysisSession } from "../../../src/core/session.ts";
import { createMemorySnapshot } from "../../../src/core/snapshot/repo-snapshot.ts";
import { files } from "../../support/fixtures/text.ts";

/** A minimal cluster: clusters/home syncs ./apps; `apps` holds whatever the test adds. */
export const CLUSTER = files({
  "clusters/home/flux-system/gotk-sync.yaml": `
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: GitRepository
    metadata: {name: flux-system, namespace: flux-system}
    spec: {interval: 1m, url: "https://github.com/me/home", ref: {branch: main}}
    ---
    apiVersion: kustomize.toolkit.fluxcd.io/v1
    kind: Kustomization
    metadata: {name: flux-system, namespace: flux-system}
    spec: {interval: 10m, path: ./clusters/home, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
  `,
  "clusters/home/flux-system/kustomization.yaml": "resources: [gotk-sync.yaml]\n",
  "clusters/home/apps.yaml": `
    apiVersion: kustomize.toolkit.fluxcd.io/v1
    kind: Kustomization
    metadata: {name: apps, namespace: flux-system}
    spec: {interval: 1h, path: ./apps, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}
  `,
});

export function branchContext(extra: Record<string, string>): CheckContext {
  const snapshot = createMemorySnapshot({ ...CLUSTER, ...files(extra) });
  return { model: analyzeRepository(snapshot), snapshot, mode: "branch" };
}

export function changeContext(base: Record<string, string>, head: Record<string, string>): CheckContext {
  const scope = new AnalysisSession();
  const b = createMemorySnapshot({ ...CLUSTER, ...files(base) }, { session: scope });
  const h = createMemorySnapshot({ ...CLUSTER, ...files(head) }, { session: scope });
  const baseModel = analyzeRepository(b);
  const headModel = analyzeRepository(h);
  const impact = analyzeChange(baseModel, headModel, changedFilesBetween(b, h));
  return { model: headModel, snapshot: h, mode: "pull-request", change: { base: baseModel, impact } };
}
