/**
 * Finding and reading the kustomization file of a directory, as kustomize's LoadKustFile does: exactly
 * one of the recognized names must exist; the file must parse, match the schema, and not be empty.
 *
 * `lenient` is Flux's rewrite of the root file: unknown fields are dropped with a warning instead of
 * failing ("json: unknown field").
 */
import { joinPath } from "../snapshot/paths.ts";
import { type BuildContext, parseFileCached } from "./context.ts";
import {
  formatIssues,
  isEmptyKustomization,
  KUSTOMIZATION_FILE_NAMES,
  type KustomizationFile,
  parseKustomizationFile,
} from "./kustomization-file.ts";

export type FoundKustomization =
  | { found: true; file: string; k: KustomizationFile; hadResources: boolean }
  | { found: false; reason: "none" | "invalid" };

/** Names of recognized kustomization files present in `dir` (records the probes). */
export function kustomizationFilesIn(ctx: BuildContext, dir: string): string[] {
  const present: string[] = [];
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const path = joinPath(dir, name);
    if (ctx.snapshot.isFile(path)) present.push(path);
  }
  return present;
}

export function loadKustomization(ctx: BuildContext, dir: string, lenient: boolean): FoundKustomization {
  const present = kustomizationFilesIn(ctx, dir);
  if (present.length === 0) return { found: false, reason: "none" };
  if (present.length > 1) {
    ctx.report(
      "kustomize-multiple-kustomization-files",
      `Found multiple kustomization files under: ${dir || "."}`,
      {
        file: present[1],
      },
    );
    return { found: false, reason: "invalid" };
  }
  const file = present[0]!;
  ctx.reads.add(file);
  const parsed = parseFileCached(ctx.snapshot, file);
  ctx.add(parsed.diagnostics);
  if (!parsed.ok) return { found: false, reason: "invalid" };
  const doc = parsed.documents[0];
  if (parsed.documents.length > 1) {
    ctx.report("kustomize-invalid-kustomization", `${file} holds more than one YAML document.`, {
      file,
      line: parsed.documents[1]!.line,
    });
    return { found: false, reason: "invalid" };
  }
  const result = parseKustomizationFile(doc?.value ?? {});
  if (!result.ok) {
    ctx.report("kustomize-invalid-kustomization", `invalid Kustomization: ${formatIssues(result.issues)}`, {
      file,
      line: doc?.line ?? 1,
    });
    return { found: false, reason: "invalid" };
  }
  if (result.unknownFields.length > 0) {
    const list = result.unknownFields.map((f) => `"${f}"`).join(", ");
    if (lenient) {
      ctx.report(
        "kustomize-unknown-field",
        `Unknown field ${list} ignored by Flux (kubectl kustomize would reject it).`,
        { file, line: doc?.line ?? 1 },
      );
    } else {
      ctx.report("kustomize-invalid-kustomization", `invalid Kustomization: json: unknown field ${list}`, {
        file,
        line: doc?.line ?? 1,
      });
      return { found: false, reason: "invalid" };
    }
  }
  const k = result.value;
  const hadResources = isResourcesPresent(doc?.value);
  if (isEmptyKustomization(k)) {
    ctx.report("kustomize-invalid-kustomization", `kustomization.yaml is empty (${file})`, {
      file,
      line: doc?.line ?? 1,
    });
    return { found: false, reason: "invalid" };
  }
  if (k.kind !== undefined && k.kind !== "" && k.kind !== "Kustomization" && k.kind !== "Component") {
    ctx.report(
      "kustomize-invalid-kustomization",
      `${file}: unexpected kind "${k.kind}" (want Kustomization or Component)`,
      { file, line: doc?.line ?? 1 },
    );
    return { found: false, reason: "invalid" };
  }
  return { found: true, file, k, hadResources };
}

/** Flux's `len(kus.Resources) > 0`: an empty `resources: []` counts as no resources. */
function isResourcesPresent(doc: unknown): boolean {
  if (doc === null || typeof doc !== "object" || !("resources" in doc)) return false;
  const resources = (doc as { resources: unknown }).resources;
  return Array.isArray(resources) && resources.length > 0;
}
