/**
 * The render-equality oracle: builds one Flux Kustomization the way kustomize-controller does, with the
 * real kustomize (`kubectl kustomize --load-restrictor LoadRestrictionsNone`, kustomize v5.5.0 here):
 *   1. a temporary copy of the repository as source-controller would archive it (regular files only,
 *      `.sourceignore` / `spec.ignore` / default exclusions applied), made once per distinct ignore set;
 *   2. dir = secure-join(root, spec.path); missing → "path not found";
 *   3. the root kustomization file generated or rewritten with the Flux spec merged in
 *      (flux-kustomization-file.ts), restored right after the build;
 *   4. kubectl's output parsed with the engine's YAML reader, so scalar typing is identical on both sides.
 * It deliberately shares no build logic with the engine.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readYamlDocuments } from "../../../src/core/index.ts";
import { diskTreeView, writeTree } from "../fs/disk-tree.ts";
import { mergeFluxSpec } from "./flux-kustomization-file.ts";
import { findKustomizationFile, generatedResources } from "./kustomization-walk.ts";
import { artifactFiles } from "./source-ignore.ts";

/**
 * The spec kustomize is run with for a Kustomization the engine built: its path is the folder the engine
 * built. That folder differs from spec.path only when the source's artifact is a folder of the repository
 * (an OCI artifact pushed from it, an ExternalArtifact copied from it): which folder is the engine's
 * reading of the source, and kustomize is compared on the same folder.
 */
export function specAsBuilt(k: {
  object: Record<string, unknown>;
  build?: { dir: string } | undefined;
}): unknown {
  const spec = k.object.spec;
  if (!k.build || typeof spec !== "object" || spec === null) return spec;
  return { ...(spec as Record<string, unknown>), path: k.build.dir };
}

export type ReferenceResult =
  | { status: "ok"; objects: unknown[]; notes: string[]; kubectlMs: number }
  | { status: "path-not-found"; dir: string }
  | { status: "error"; error: string; kubectlMs: number };

export interface ReferenceTree {
  /** Build the Kustomization whose (rendered) spec is `spec`, from the artifact of a source with `specIgnore`. */
  build(spec: unknown, specIgnore?: string): ReferenceResult;
  dispose(): void;
}

/** Flux's securejoin of spec.path onto the artifact root: leading "/" and ".." are clamped. */
export function secureJoinPath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return out.join("/");
}

function normalizeRel(p: string): string {
  return secureJoinPath(p);
}

export function runKubectlKustomize(absDir: string): {
  ok: boolean;
  stdout: string;
  stderr: string;
  ms: number;
} {
  const t0 = performance.now();
  const r = spawnSync("kubectl", ["kustomize", "--load-restrictor", "LoadRestrictionsNone", absDir], {
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    timeout: 120_000,
  });
  const ms = performance.now() - t0;
  if (r.error) return { ok: false, stdout: "", stderr: String(r.error.message), ms };
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr, ms };
}

export function createReferenceTree(files: ReadonlyMap<string, Uint8Array>): ReferenceTree {
  const roots = new Map<string, string>();
  const decoder = new TextDecoder();
  const paths = [...files.keys()];
  const readText = (p: string) => {
    const b = files.get(p);
    return b ? decoder.decode(b) : undefined;
  };

  const materialize = (specIgnore: string | undefined): string => {
    const key = specIgnore ?? "\u0000none";
    const cached = roots.get(key);
    if (cached) return cached;
    const root = mkdtempSync(join(tmpdir(), "flux-impact-ref-"));
    const keep = artifactFiles(paths, readText, specIgnore);
    writeTree(root, new Map(keep.map((p) => [p, files.get(p)!])));
    roots.set(key, root);
    return root;
  };

  return {
    build(specInput: unknown, specIgnore?: string): ReferenceResult {
      const root = materialize(specIgnore);
      const view = diskTreeView(root);
      const spec =
        typeof specInput === "object" && specInput !== null ? (specInput as Record<string, unknown>) : {};
      const dir = secureJoinPath(typeof spec.path === "string" ? spec.path : "");
      const absDir = join(root, dir);
      let isDir = false;
      try {
        isDir = statSync(absDir).isDirectory();
      } catch {
        isDir = false;
      }
      if (!isDir) return { status: "path-not-found", dir };

      const kfile = findKustomizationFile(view, dir);
      const existing = kfile ? readFileSync(join(root, kfile), "utf8") : null;
      const resources = kfile ? [] : generatedResources(view, dir);
      const merged = mergeFluxSpec(existing, resources, spec, (c) =>
        view.exists(normalizeRel(dir === "" ? c : `${dir}/${c}`)),
      );
      if (!merged.ok) return { status: "error", error: merged.error, kubectlMs: 0 };
      const target = join(root, kfile ?? (dir === "" ? "kustomization.yaml" : `${dir}/kustomization.yaml`));
      writeFileSync(target, merged.text);
      let run: ReturnType<typeof runKubectlKustomize>;
      try {
        run = runKubectlKustomize(absDir);
      } finally {
        if (existing === null) unlinkSync(target);
        else writeFileSync(target, existing);
      }
      const notes: string[] = [];
      if (merged.created) notes.push(`generated kustomization.yaml (${resources.length} resources)`);
      if (merged.originAnnotations)
        notes.push("no resources: buildMetadata [originAnnotations] (Flux quirk)");
      if (merged.droppedFields.length > 0)
        notes.push(`dropped unknown fields: ${merged.droppedFields.join(", ")}`);
      if (!run.ok) {
        if (merged.created && resources.length === 0 && /kustomization\.yaml is empty/.test(run.stderr)) {
          return {
            status: "ok",
            objects: [],
            notes: [...notes, "empty directory builds to nothing"],
            kubectlMs: run.ms,
          };
        }
        return { status: "error", error: kubectlError(run.stderr, root), kubectlMs: run.ms };
      }
      const parsed = readYamlDocuments(run.stdout, "kubectl-output.yaml", {
        limits: { maxDocuments: 1_000_000, maxDepth: 10_000, maxAliasCount: 1_000_000 },
      });
      if (!parsed.ok) {
        return {
          status: "error",
          error: `unparseable kubectl output: ${parsed.diagnostics[0]?.message}`,
          kubectlMs: run.ms,
        };
      }
      const objects = parsed.documents.map((d) => d.value).filter((v) => v !== null && v !== undefined);
      return { status: "ok", objects, notes, kubectlMs: run.ms };
    },
    dispose(): void {
      for (const root of roots.values()) rmSync(root, { recursive: true, force: true });
      roots.clear();
    },
  };
}

/** kubectl's error without deprecation warnings and log prefixes, temp paths made repository-relative. */
export function kubectlError(stderr: string, root: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("# Warning"))
    .map((l) => {
      const m = /"command failed" err="(.*)"$/.exec(l);
      return m ? (m[1] ?? "").replace(/\\"/g, '"') : l;
    });
  return lines.join(" | ").split(`${root}/`).join("").slice(0, 600);
}
