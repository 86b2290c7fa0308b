import { BuildContext, type Level } from "../../../../src/core/kustomize/context.ts";
import {
  type KustomizationFile,
  parseKustomizationFile,
} from "../../../../src/core/kustomize/kustomization-file.ts";
import { createMemorySnapshot } from "../../../../src/core/snapshot/repo-snapshot.ts";
import { readYamlDocuments } from "../../../../src/core/yaml/read-documents.ts";
import { dedent } from "../../../support/fixtures/text.ts";

/** A level for `dir` whose kustomization.yaml is `kustomization` (dedented), plus other repository files. */
export function levelFor(
  kustomization: string,
  files: Record<string, string | Uint8Array> = {},
  dir = "app",
): { level: Level; k: KustomizationFile; ctx: BuildContext } {
  const file = `${dir}/kustomization.yaml`;
  const text = dedent(kustomization);
  const ctx = new BuildContext(createMemorySnapshot({ ...files, [file]: text }));
  const parsed = parseKustomizationFile(readYamlDocuments(text, file).documents[0]?.value);
  if (!parsed.ok) throw new Error(`test kustomization does not parse: ${JSON.stringify(parsed.issues)}`);
  return { level: { ctx, dir, file, depth: 0 }, k: parsed.value, ctx };
}
