/** Inline-YAML helpers for the transformer tests: build a ResMap, read expected objects. */
import { ResMap } from "../../../../src/core/kustomize/resmap.ts";
import { isJsonObject, type JsonObject, newResource } from "../../../../src/core/kustomize/resource.ts";
import { readYamlDocuments } from "../../../../src/core/yaml/read-documents.ts";
import { dedent } from "../../../support/fixtures/text.ts";

/** The objects of a multi-document YAML text (dedented), e.g. `kubectl kustomize` output. */
export function objects(yaml: string): JsonObject[] {
  const read = readYamlDocuments(dedent(yaml), "test.yaml");
  if (!read.ok) throw new Error(read.diagnostics.map((d) => d.message).join("; "));
  return read.documents.map((d) => {
    if (!isJsonObject(d.value)) throw new Error("not an object");
    return d.value;
  });
}

export function resmapOf(yaml: string, file = "res.yaml"): ResMap {
  const m = new ResMap();
  for (const obj of objects(yaml)) {
    const error = m.append(newResource(obj, { file }));
    if (error) throw new Error(error);
  }
  return m;
}

export function objectsOf(m: ResMap): JsonObject[] {
  return m.resources.map((r) => r.obj);
}
