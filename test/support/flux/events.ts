/**
 * Flux events as notification-controller posts them to a `generic-hmac` Provider: the JSON of
 * fluxcd/pkg's `eventv1.Event` (field order as Go marshals it) and its `X-Signature: sha256=<hex>`
 * (HMAC-SHA256 of the body, keyed with the Provider Secret's `token`). Shapes and reasons from
 * kustomize-controller v1.4 / helm-controller v1.1 (Flux v2.4), revisions as Flux ≥ 2.0 writes them.
 */
import { createHmac } from "node:crypto";
import type { FluxEvent } from "../../../src/core/deploy/index.ts";

/** Reasons the controllers emit, with the severity they emit them at (success and failure). */
export const FLUX_REASONS: ReadonlyArray<{
  kind: "Kustomization" | "HelmRelease";
  reason: string;
  severity: "info" | "error";
  message: string;
}> = [
  {
    kind: "Kustomization",
    reason: "ReconciliationSucceeded",
    severity: "info",
    message: "Reconciliation finished in 1.2s, next run in 10m0s",
  },
  {
    kind: "Kustomization",
    reason: "Progressing",
    severity: "info",
    message: "Deployment/media/immich configured\nService/media/immich unchanged",
  },
  {
    kind: "Kustomization",
    reason: "ReconciliationFailed",
    severity: "error",
    message:
      'Deployment/media/immich dry-run failed: Deployment.apps "immich" is invalid: spec.template.spec.containers[0].image: Required value',
  },
  {
    kind: "Kustomization",
    reason: "BuildFailed",
    severity: "error",
    message:
      "kustomize build failed: accumulating resources: accumulation err='accumulating resources from 'app': open /tmp/kustomization-1/app: no such file or directory'",
  },
  {
    kind: "Kustomization",
    reason: "HealthCheckFailed",
    severity: "error",
    message:
      "health check failed after 5m0s: timeout waiting for: [Deployment/media/immich status: 'InProgress']",
  },
  {
    kind: "Kustomization",
    reason: "DependencyNotReady",
    severity: "info",
    message: "dependencies do not meet ready condition, retrying in 30s",
  },
  {
    kind: "Kustomization",
    reason: "ArtifactFailed",
    severity: "error",
    message: "Source artifact not found, retrying in 30s",
  },
  {
    kind: "HelmRelease",
    reason: "InstallSucceeded",
    severity: "info",
    message: "Helm install succeeded for release media/immich.v1 with chart immich@0.9.0",
  },
  {
    kind: "HelmRelease",
    reason: "UpgradeSucceeded",
    severity: "info",
    message: "Helm upgrade succeeded for release media/immich.v2 with chart immich@0.9.0",
  },
  {
    kind: "HelmRelease",
    reason: "TestSucceeded",
    severity: "info",
    message:
      "Helm test succeeded for release media/immich.v2 with chart immich@0.9.0: 1 test hooks completed successfully",
  },
  {
    kind: "HelmRelease",
    reason: "InstallFailed",
    severity: "error",
    message:
      "Helm install failed for release media/immich with chart immich@0.9.0: context deadline exceeded",
  },
  {
    kind: "HelmRelease",
    reason: "UpgradeFailed",
    severity: "error",
    message:
      'Helm upgrade failed for release media/immich with chart immich@0.9.0: cannot patch "immich" with kind Deployment: Deployment.apps "immich" is invalid',
  },
  {
    kind: "HelmRelease",
    reason: "RollbackSucceeded",
    severity: "info",
    message: "Helm rollback to previous release media/immich.v1 with chart immich@0.8.5 succeeded",
  },
  {
    kind: "HelmRelease",
    reason: "ArtifactFailed",
    severity: "error",
    message:
      "HelmChart 'flux-system/media-immich' is not ready: chart pull error: failed to get chart version for remote reference",
  },
];

export interface EventSpec {
  kind?: "Kustomization" | "HelmRelease" | "GitRepository";
  namespace?: string;
  name: string;
  reason: string;
  severity?: "info" | "error" | "trace";
  message?: string;
  /** `main@sha1:<sha>` for a Kustomization, the chart version for a HelmRelease. */
  revision?: string;
  timestamp: string;
  metadata?: Record<string, string>;
}

/** The event as notification-controller marshals it. */
export function fluxEvent(spec: EventSpec): FluxEvent {
  const kind = spec.kind ?? "Kustomization";
  const controller =
    kind === "HelmRelease"
      ? "helm-controller"
      : kind === "Kustomization"
        ? "kustomize-controller"
        : "source-controller";
  const metadata = { ...(spec.revision ? { revision: spec.revision } : {}), ...spec.metadata };
  return {
    involvedObject: {
      kind,
      namespace: spec.namespace ?? (kind === "HelmRelease" ? "media" : "flux-system"),
      name: spec.name,
      uid: "7d0a5b3c-1f2e-4d5c-9b8a-0123456789ab",
      apiVersion:
        kind === "HelmRelease"
          ? "helm.toolkit.fluxcd.io/v2"
          : kind === "Kustomization"
            ? "kustomize.toolkit.fluxcd.io/v1"
            : "source.toolkit.fluxcd.io/v1",
      resourceVersion: "123456",
    },
    severity: spec.severity ?? "info",
    timestamp: spec.timestamp,
    message: spec.message ?? `${spec.reason} ${spec.name}`,
    reason: spec.reason,
    ...(Object.keys(metadata).length ? { metadata } : {}),
    reportingController: controller,
    reportingInstance: `${controller}-5d8f7c9b6-x2k4p`,
  };
}

/** The `X-Signature` header for a body, keyed with a Provider token. */
export function fluxSignature(body: string, token: string): string {
  return `sha256=${createHmac("sha256", token).update(body).digest("hex")}`;
}

/** The POST notification-controller makes (headers as it sets them). */
export function fluxEventRequest(
  url: string,
  event: FluxEvent | string,
  token: string,
  headers: Record<string, string> = {},
): Request {
  const body = typeof event === "string" ? event : JSON.stringify(event);
  return new Request(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "gotk-component": typeof event === "string" ? "kustomize-controller" : event.reportingController,
      "x-signature": fluxSignature(body, token),
      ...headers,
    },
    body,
  });
}
