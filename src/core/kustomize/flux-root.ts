/**
 * Flux's layer over kustomize for one Flux Kustomization (fluxcd/pkg kustomize_generator.go): find the
 * kustomization file at spec.path or generate one from the directory's manifests, apply the spec's
 * overrides (targetNamespace, namePrefix/Suffix, patches, components, images, buildMetadata), and build.
 *
 * Post-build substitution is not applied here (see flux/post-build.ts).
 */

import { compareBytewise, joinPath, resolvePath } from "../snapshot/paths.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import type { ByteBudget } from "../util/budget.ts";
import { buildRoot } from "./build.ts";
import { BuildContext, overParseBudget, parseFileCached, type RenderLimits } from "./context.ts";
import type { ImageEntry, KustomizationFile, Target } from "./kustomization-file.ts";
import { kustomizationFilesIn, loadKustomization } from "./kustomization-loader.ts";
import { validateManifest } from "./load-resources.ts";
import type { Resource } from "./resource.ts";

export interface FluxBuildSpec {
  /** Repository path of the directory to build (spec.path, already secure-joined). */
  dir: string;
  targetNamespace?: string | undefined;
  namePrefix?: string | undefined;
  nameSuffix?: string | undefined;
  patches?: ReadonlyArray<{ patch: string; target?: Target | undefined }>;
  components?: readonly string[];
  ignoreMissingComponents?: boolean;
  images?: readonly ImageEntry[];
  buildMetadata?: readonly string[];
}

export interface FluxBuildResult {
  resources: Resource[];
  ctx: BuildContext;
  /** The kustomization file used, or undefined when Flux generated one. */
  kustomizationFile: string | undefined;
}

export function buildFluxKustomization(
  snapshot: RepoSnapshot,
  spec: FluxBuildSpec,
  limits?: RenderLimits,
  /** The byte allowance of the whole analysis (see util/budget.ts). */
  budget?: ByteBudget,
): FluxBuildResult {
  const ctx = new BuildContext(snapshot, limits, budget);
  const dir = spec.dir;
  const present = kustomizationFilesIn(ctx, dir);
  let k: KustomizationFile;
  let file: string | undefined;
  let originQuirk = false;
  if (present.length > 0) {
    const loaded = loadKustomization(ctx, dir, true);
    if (!loaded.found) return { resources: [], ctx, kustomizationFile: present[0] };
    k = loaded.k;
    file = loaded.file;
    originQuirk = !loaded.hadResources;
  } else {
    const generated = generateKustomization(ctx, dir);
    if (!generated) return { resources: [], ctx, kustomizationFile: undefined };
    k = generated;
  }
  applyOverrides(ctx, k, spec);
  const buildMetadata = spec.buildMetadata?.length
    ? [...spec.buildMetadata]
    : originQuirk
      ? ["originAnnotations"]
      : k.buildMetadata;
  const resources = buildRoot(ctx, dir, k, {
    file,
    originAnnotations: buildMetadata?.includes("originAnnotations") ?? false,
  });
  return { resources, ctx, kustomizationFile: file };
}

/**
 * The kustomization Flux writes into a directory that has none: every *.yaml/*.yml file that parses as
 * Kubernetes manifests and every subdirectory holding a kustomization file (not descended), in lexical
 * walk order. A non-Kubernetes YAML file fails the whole build.
 */
export function generateKustomization(ctx: BuildContext, dir: string): KustomizationFile | undefined {
  const resources: string[] = [];
  let ok = true;
  const walk = (d: string) => {
    const listing = ctx.snapshot.list(d);
    const entries = [
      ...listing.files.map((name) => ({ name, isDir: false })),
      ...listing.dirs.map((name) => ({ name, isDir: true })),
    ].sort((a, b) => compareBytewise(a.name, b.name));
    for (const e of entries) {
      const path = joinPath(d, e.name);
      if (e.isDir) {
        if (kustomizationFilesIn(ctx, path).length > 0)
          resources.push(`./${path.slice(dir === "" ? 0 : dir.length + 1)}`);
        else walk(path);
        continue;
      }
      const ext = e.name.includes(".") ? e.name.slice(e.name.lastIndexOf(".")) : "";
      if (ext !== ".yaml" && ext !== ".yml") continue;
      ctx.reads.add(path);
      const parsed = parseFileCached(ctx.snapshot, path);
      if (overParseBudget(parsed)) {
        // Not parsed (the analysis' YAML budget is spent): the build is unknown, not invalid.
        ok = false;
        ctx.add(parsed.diagnostics);
        continue;
      }
      const problem = parsed.ok
        ? parsed.documents.map((doc) => validateManifest(doc.value)).find(Boolean)
        : "not valid YAML";
      if (problem) {
        ok = false;
        ctx.add(parsed.diagnostics);
        const line = parsed.ok
          ? parsed.documents.find((doc) => validateManifest(doc.value))?.line
          : parsed.diagnostics[0]?.line;
        ctx.report(
          "kustomize-invalid-resource",
          `failed to decode Kubernetes YAML from ${path}: ${problem} (Flux includes every *.yaml file of a directory without kustomization.yaml).`,
          { file: path, line },
        );
        continue;
      }
      resources.push(`./${path.slice(dir === "" ? 0 : dir.length + 1)}`);
    }
  };
  walk(dir);
  if (!ok) return undefined;
  return resources.length === 0 ? { namespace: "_placeholder" } : { resources };
}

function applyOverrides(ctx: BuildContext, k: KustomizationFile, spec: FluxBuildSpec): void {
  if (spec.targetNamespace !== undefined) k.namespace = spec.targetNamespace;
  if (spec.namePrefix !== undefined) k.namePrefix = spec.namePrefix;
  if (spec.nameSuffix !== undefined) k.nameSuffix = spec.nameSuffix;
  if (spec.patches?.length) {
    k.patches = [
      ...(k.patches ?? []),
      ...spec.patches.map((p) => (p.target ? { patch: p.patch, target: p.target } : { patch: p.patch })),
    ];
  }
  for (const component of spec.components ?? []) {
    const resolved = resolvePath(spec.dir, component);
    const exists =
      resolved.ok && (ctx.snapshot.isDirectory(resolved.path) || ctx.snapshot.isFile(resolved.path));
    if (resolved.ok) ctx.probes.add(resolved.path);
    if (!exists && spec.ignoreMissingComponents) continue;
    k.components = [...(k.components ?? []), component];
  }
  for (const image of spec.images ?? []) {
    k.images ??= [];
    const images = k.images;
    const existing = images.find((i) => i.name === image.name);
    if (!existing) {
      images.push({ ...image });
      continue;
    }
    if (image.newName) existing.newName = image.newName;
    if (image.newTag || image.digest) {
      if (image.newTag) existing.newTag = image.newTag;
      else delete existing.newTag;
      if (image.digest) existing.digest = image.digest;
      else delete existing.digest;
    }
  }
}
