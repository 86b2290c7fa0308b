/** Test fixtures for the patch modules: inline YAML → objects / ResMap, and a one-level build context. */
import { BuildContext, type Level } from "../../../../src/core/kustomize/context.ts";
import { ResMap } from "../../../../src/core/kustomize/resmap.ts";
import { type JsonObject, newResource } from "../../../../src/core/kustomize/resource.ts";
import { createMemorySnapshot } from "../../../../src/core/snapshot/repo-snapshot.ts";
import { readYamlDocuments } from "../../../../src/core/yaml/read-documents.ts";
import { dedent } from "../../../support/fixtures/text.ts";

/** Every document of an inline (indented) YAML stream. */
export function docs(yaml: string): JsonObject[] {
  const read = readYamlDocuments(dedent(yaml), "inline.yaml");
  if (!read.ok) throw new Error(read.diagnostics.map((d) => d.message).join("; "));
  return read.documents.map((d) => d.value as JsonObject);
}

export function doc(yaml: string): JsonObject {
  const [first] = docs(yaml);
  if (!first) throw new Error("no document");
  return first;
}

export function resmapOf(yaml: string): ResMap {
  const m = new ResMap();
  for (const obj of docs(yaml)) {
    const e = m.append(newResource(obj, { file: "app/res.yaml" }));
    if (e) throw new Error(e);
  }
  return m;
}

export function objects(m: ResMap): JsonObject[] {
  return m.resources.map((r) => r.obj);
}

/**
 * A level for directory "app" whose kustomization file is app/kustomization.yaml with `kustomization`
 * as content (so diagnostics get lines), plus extra files (paths relative to the repository root).
 */
export function levelWith(kustomization: string, files: Record<string, string> = {}): Level {
  const all: Record<string, string> = { "app/kustomization.yaml": dedent(kustomization) };
  for (const [p, text] of Object.entries(files)) all[p] = dedent(text);
  const ctx = new BuildContext(createMemorySnapshot(all));
  return { ctx, dir: "app", file: "app/kustomization.yaml", depth: 0 };
}

/** The level's diagnostics as compact tuples. */
export function problems(level: Level): Array<[string, string, number | undefined]> {
  return level.ctx.diagnostics.map((d) => [d.code, d.message, d.line]);
}
