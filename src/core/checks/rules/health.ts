/**
 * Repository health (default branch): Flux Kustomization files nothing applies, services disabled by a
 * `.dis` rename (and for how long, when the caller knows from git history), image automation installed
 * but unused, HelmRepositories no release uses. Notices: worth a look, never a failure.
 */
import { type Diagnostic, diagnostic } from "../../diagnostics.ts";
import { ageInDays, disabledManifests } from "../../flux/disabled-manifests.ts";
import { displayRef } from "../../flux/object-ref.ts";
import { scanFluxObjects } from "../../flux/raw-scan.ts";
import { getName, getNamespace, isJsonObject } from "../../kustomize/resource.ts";
import { dirname } from "../../snapshot/paths.ts";
import { where } from "../locate.ts";
import type { CheckContext, Rule } from "../types.ts";

export const healthOrphans: Rule = {
  name: "health-orphans",
  codes: ["health-orphan-app"],
  when: "branch",
  run(ctx) {
    const read = new Set(ctx.model.kustomizations.flatMap((k) => k.build?.reads ?? []));
    const entry = new Set(ctx.model.entrypoints.map((e) => e.file));
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    for (const o of scanFluxObjects(ctx.snapshot)) {
      if (o.kind !== "Kustomization" || read.has(o.file) || entry.has(o.file) || seen.has(o.file)) continue;
      if (inBootstrapClusterDir(ctx.snapshot, o.file)) continue;
      seen.add(o.file);
      out.push(
        diagnostic(
          "health-orphan-app",
          `${o.file} defines Flux Kustomization ${getName(o.object)}, but no kustomization lists it, so Flux never applies it; add it to its namespace's kustomization.yaml, or delete it.`,
          { file: o.file, line: o.line },
        ),
      );
    }
    return out;
  },
};

/**
 * `flux bootstrap --path=D` writes D/flux-system/gotk-sync.yaml and syncs all of D: a Flux Kustomization
 * in a cluster directory is applied by that cluster's bootstrap, even when the cluster analyzed is another
 * one (a repository with clusters/production and clusters/staging).
 */
function inBootstrapClusterDir(snapshot: CheckContext["snapshot"], file: string): boolean {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const prefix = dir === "." || dir === "" ? "" : `${dir}/`;
    if (snapshot.read(`${prefix}flux-system/gotk-sync.yaml`) !== undefined) return true;
    if (prefix === "") return false;
  }
}

export const healthDisabledServices: Rule = {
  name: "health-disabled-services",
  codes: ["health-disabled-service"],
  when: "branch",
  run(ctx) {
    const out: Diagnostic[] = [];
    for (const { file, objects } of disabledManifests(ctx.snapshot)) {
      const ks = objects.find((o) => o.kind === "Kustomization");
      if (!ks) continue;
      const since = ctx.disabledSince?.[file];
      const days = since && ctx.now ? ageInDays(since, ctx.now) : undefined;
      const age =
        days !== undefined ? ` for ${days} day${days === 1 ? "" : "s"} (since ${since!.slice(0, 10)})` : "";
      out.push(
        diagnostic(
          "health-disabled-service",
          `Flux Kustomization ${ks.name} is disabled${age} (${file}); delete its folder or rename it back to ks.yaml and list it again.`,
          { file, line: ks.line },
        ),
      );
    }
    return out;
  },
};

const IMAGE_CONTROLLERS = ["image-reflector-controller", "image-automation-controller"];

export const healthImageAutomation: Rule = {
  name: "health-image-automation",
  codes: ["health-image-automation-unused"],
  when: "branch",
  run(ctx) {
    const { model } = ctx;
    if (model.otherFluxObjects.some((o) => o.kind === "ImageUpdateAutomation")) return [];
    const out: Diagnostic[] = [];
    const installs: Array<{
      ref: string;
      at: (typeof model.otherFluxObjects)[number]["definedIn"];
      path: string[];
      components: unknown;
    }> = [];
    for (const o of model.otherFluxObjects) {
      if (o.kind !== "FluxInstance") continue;
      const spec = isJsonObject(o.object.spec) ? o.object.spec : {};
      installs.push({
        ref: displayRef("FluxInstance", o.namespace, o.name),
        at: o.definedIn,
        path: ["spec", "components"],
        components: spec.components,
      });
    }
    for (const h of model.helmReleases) {
      const values =
        isJsonObject(h.object.spec) && isJsonObject(h.object.spec.values) ? h.object.spec.values : {};
      const instance = isJsonObject(values.instance) ? values.instance : undefined;
      if (!instance) continue;
      installs.push({
        ref: displayRef("HelmRelease", h.namespace, h.name),
        at: h.definedIn,
        path: ["spec", "values", "instance", "components"],
        components: instance.components,
      });
    }
    for (const i of installs) {
      const components = Array.isArray(i.components)
        ? i.components.filter((c): c is string => typeof c === "string")
        : [];
      const installed = IMAGE_CONTROLLERS.filter((c) => components.includes(c));
      if (installed.length === 0) continue;
      out.push(
        diagnostic(
          "health-image-automation-unused",
          `${i.ref} installs ${installed.join(" and ")}, but the repository defines no ImageUpdateAutomation; add one, or drop the controllers to save resources.`,
          where(ctx.snapshot, i.at, i.path, i.ref),
        ),
      );
    }
    return out;
  },
};

export const healthUnusedHelmRepositories: Rule = {
  name: "health-unused-helmrepositories",
  codes: ["health-helmrepository-unused"],
  when: "branch",
  run(ctx) {
    const used = new Set<string>();
    for (const h of ctx.model.helmReleases) {
      const r = h.chart?.sourceRef;
      if (r?.kind === "HelmRepository") used.add(`${r.namespace}/${r.name}`);
    }
    for (const k of ctx.model.kustomizations) {
      for (const { object } of k.build?.objects ?? []) {
        if (object.kind !== "HelmChart" || !isJsonObject(object.spec) || !isJsonObject(object.spec.sourceRef))
          continue;
        const ns =
          typeof object.spec.sourceRef.namespace === "string"
            ? object.spec.sourceRef.namespace
            : getNamespace(object);
        used.add(`${ns}/${String(object.spec.sourceRef.name)}`);
      }
    }
    return ctx.model.sources
      .filter((s) => s.kind === "HelmRepository" && !used.has(s.key))
      .map((s) => {
        const ref = displayRef("HelmRepository", s.namespace, s.name);
        return diagnostic(
          "health-helmrepository-unused",
          `${ref} is used by no HelmRelease; remove it to stop Flux polling it.`,
          where(ctx.snapshot, s.definedIn, [], ref),
        );
      });
  },
};
