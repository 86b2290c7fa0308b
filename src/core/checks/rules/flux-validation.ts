/**
 * Flux validation beyond what the build itself reports: API versions current Flux no longer serves,
 * kinds that do not exist in a Flux API group, Kustomizations without spec.path, sourceRefs and chart
 * sources no build defines, and objects two Kustomizations both apply.
 */
import { type Diagnostic, diagnostic } from "../../diagnostics.ts";
import { fluxOlderThan } from "../../flux/flux-runtime.ts";
import { displayRef } from "../../flux/object-ref.ts";
import { sourceExists } from "../../graph/references.ts";
import { objectKey, objectRef } from "../../impact/object-identity.ts";
import {
  getName,
  getNamespace,
  isJsonObject,
  type JsonObject,
  parseApiVersion,
} from "../../kustomize/resource.ts";
import type { SourceLocation, SourceRef } from "../../model.ts";
import { where } from "../locate.ts";
import type { CheckContext, Rule } from "../types.ts";

/**
 * Versions removed from current Flux (2.8+): the API server rejects objects that still use them. A cluster
 * whose pinned Flux is older than the removal still serves them, so they are no error there.
 */
const REMOVED: Record<string, { use: string; removedIn: [major: number, minor: number] }> = {
  "kustomize.toolkit.fluxcd.io/v1beta1": {
    use: "kustomize.toolkit.fluxcd.io/v1 (v1beta1 was removed in Flux 2.7)",
    removedIn: [2, 7],
  },
  "kustomize.toolkit.fluxcd.io/v1beta2": {
    use: "kustomize.toolkit.fluxcd.io/v1 (v1beta2 was removed in Flux 2.8)",
    removedIn: [2, 8],
  },
  "helm.toolkit.fluxcd.io/v2beta1": {
    use: "helm.toolkit.fluxcd.io/v2 (v2beta1 was removed in Flux 2.7)",
    removedIn: [2, 7],
  },
  "helm.toolkit.fluxcd.io/v2beta2": {
    use: "helm.toolkit.fluxcd.io/v2 (v2beta2 was removed in Flux 2.8)",
    removedIn: [2, 8],
  },
  "source.toolkit.fluxcd.io/v1beta1": {
    use: "source.toolkit.fluxcd.io/v1 (v1beta1 was removed in Flux 2.3)",
    removedIn: [2, 3],
  },
};

const KINDS: Record<string, readonly string[]> = {
  "kustomize.toolkit.fluxcd.io": ["Kustomization"],
  "helm.toolkit.fluxcd.io": ["HelmRelease"],
  "source.toolkit.fluxcd.io": [
    "GitRepository",
    "OCIRepository",
    "HelmRepository",
    "HelmChart",
    "Bucket",
    "ExternalArtifact",
  ],
  "notification.toolkit.fluxcd.io": ["Alert", "Provider", "Receiver"],
  "image.toolkit.fluxcd.io": ["ImageRepository", "ImagePolicy", "ImageUpdateAutomation"],
  "fluxcd.controlplane.io": ["FluxInstance", "FluxReport", "ResourceSet", "ResourceSetInputProvider"],
};

interface Placed {
  object: JsonObject;
  origin: SourceLocation | undefined;
  kustomization: string;
  cluster: string;
}

function renderedObjects(ctx: CheckContext): Placed[] {
  const out: Placed[] = [];
  for (const ks of ctx.model.kustomizations) {
    for (const o of ks.build?.objects ?? []) {
      const origin = o.origin.line === undefined ? undefined : { file: o.origin.file, line: o.origin.line };
      out.push({ object: o.object, origin, kustomization: ks.key, cluster: ks.cluster });
    }
  }
  return out;
}

export const fluxApiVersions: Rule = {
  name: "flux-api-versions",
  codes: ["flux-api-removed", "flux-unknown-kind"],
  when: "always",
  run(ctx) {
    const out: Diagnostic[] = [];
    const pinned = new Map(ctx.model.clusters.map((c) => [c.name, c.flux.version]));
    for (const { object, origin, cluster } of renderedObjects(ctx)) {
      const apiVersion = typeof object.apiVersion === "string" ? object.apiVersion : "";
      const kind = typeof object.kind === "string" ? object.kind : "";
      const ref = displayRef(kind, getNamespace(object), getName(object));
      const removed = REMOVED[apiVersion];
      const version = pinned.get(cluster);
      if (removed && !(version !== undefined && fluxOlderThan(version, ...removed.removedIn))) {
        out.push(
          diagnostic(
            "flux-api-removed",
            `${ref} uses ${apiVersion}; change it to ${removed.use}.`,
            where(ctx.snapshot, origin, ["apiVersion"], ref),
          ),
        );
      }
      const known = KINDS[parseApiVersion(apiVersion).group];
      if (known && !known.includes(kind)) {
        const hint =
          known.length === 1 ? ` (did you mean ${known[0]}?)` : ` (known kinds: ${known.join(", ")})`;
        out.push(
          diagnostic(
            "flux-unknown-kind",
            `${ref}: ${apiVersion} has no kind "${kind}"${hint}.`,
            where(ctx.snapshot, origin, ["kind"], ref),
          ),
        );
      }
    }
    return out;
  },
};

export const fluxPathMissing: Rule = {
  name: "flux-path-missing",
  codes: ["flux-path-missing"],
  when: "always",
  run(ctx) {
    return ctx.model.kustomizations
      .filter((k) => k.definedIn && isJsonObject(k.object.spec) && k.object.spec.path === undefined)
      .map((k) => {
        const ref = displayRef("Kustomization", k.namespace, k.name);
        return diagnostic(
          "flux-path-missing",
          `${ref} has no spec.path, so Flux builds the root of its source; set spec.path to the directory it should apply.`,
          where(ctx.snapshot, k.definedIn, ["spec"], ref),
        );
      });
  },
};

export const fluxSourceRefs: Rule = {
  name: "flux-source-refs",
  codes: ["flux-source-not-found"],
  when: "always",
  run(ctx) {
    const { model, snapshot } = ctx;
    const exists = sourceExists(model);
    const out: Diagnostic[] = [];
    const report = (ref: string, at: SourceLocation | undefined, path: string[], src: SourceRef) =>
      out.push(
        diagnostic(
          "flux-source-not-found",
          `${ref} uses ${src.kind} ${src.namespace}/${src.name}, which no build defines; Flux reports "Source '${src.kind}/${src.namespace}/${src.name}' not found" and applies nothing.`,
          where(snapshot, at, path, ref),
        ),
      );
    for (const k of model.kustomizations) {
      if (k.status === "invalid" || !k.definedIn || exists(k.spec.sourceRef)) continue;
      report(
        displayRef("Kustomization", k.namespace, k.name),
        k.definedIn,
        ["spec", "sourceRef"],
        k.spec.sourceRef,
      );
    }
    for (const h of model.helmReleases) {
      const ref = displayRef("HelmRelease", h.namespace, h.name);
      if (h.chart && !exists(h.chart.sourceRef))
        report(ref, h.definedIn, ["spec", "chart", "spec", "sourceRef"], h.chart.sourceRef);
      if (h.chartRef && !exists(h.chartRef)) report(ref, h.definedIn, ["spec", "chartRef"], h.chartRef);
    }
    return out;
  },
};

export const fluxObjectConflicts: Rule = {
  name: "flux-object-conflicts",
  codes: ["flux-object-conflict"],
  when: "always",
  run(ctx) {
    const owners = new Map<string, Placed[]>();
    for (const placed of renderedObjects(ctx)) {
      const kind = placed.object.kind;
      if (kind === "Kustomization" || kind === "HelmRelease") continue; // reported by discovery
      const key = objectKey(placed.object);
      const list = owners.get(key) ?? [];
      if (!list.some((p) => p.kustomization === placed.kustomization)) list.push(placed);
      owners.set(key, list);
    }
    const out: Diagnostic[] = [];
    for (const list of owners.values()) {
      if (list.length < 2) continue;
      const ref = objectRef(list[0]!.object).display;
      const names = list.map((p) => p.kustomization).join(" and ");
      out.push(
        diagnostic(
          "flux-object-conflict",
          `${ref} is applied by ${names}; they overwrite each other and pruning in one deletes it for the other. Keep it in one Kustomization.`,
          where(ctx.snapshot, list[1]!.origin, [], ref),
        ),
      );
    }
    return out;
  },
};
