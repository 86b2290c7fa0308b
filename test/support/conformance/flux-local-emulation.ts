/**
 * Rewrites a repository snapshot so that Flux semantics (what the engine implements) see it the way
 * flux-local's legacy traversal does. Each rewrite is one documented flux-local deviation from Flux
 * (docs/flux-local-notes.md §2.3–2.4), and is logged as a reason:
 *   - every GitRepository is "this repository": its `spec.ignore` is not applied and a different URL
 *     does not make it external (all URLs are unified);
 *   - `--sources name=dir` builds an OCIRepository / ExternalArtifact / Bucket Kustomization from
 *     `dir/spec.path` in the local tree (its sourceRef becomes a GitRepository of the same name, which
 *     the engine reads as this repository since no such GitRepository is defined);
 *   - a Kustomization without `spec.path` builds the `--path` argument instead of the source root.
 * Running the engine on the rewritten snapshot tells whether a mismatch with flux-local is explained by
 * these deviations. Documents are edited with yaml's failsafe schema (user scalars keep their text).
 * Pure.
 */
import { type Document, isMap, isScalar, parseAllDocuments, Scalar } from "yaml";
import { normalizeRoot } from "./flux-local-format.ts";
import type { SourcesEntry } from "./flux-local-rows.ts";

export interface EmulationResult {
  files: Map<string, Uint8Array>;
  reasons: string[];
}

export const UNIFIED_GIT_URL = "ssh://git@flux-local.invalid/this-repository";

/** A string scalar, whether the Document API handed back the node or its value. */
function text(node: unknown): string | undefined {
  if (typeof node === "string") return node;
  return isScalar(node) && typeof node.value === "string" ? node.value : undefined;
}

function setQuoted(doc: Document, path: string[], value: string): void {
  const node = doc.createNode(value) as Scalar;
  node.type = Scalar.QUOTE_DOUBLE;
  doc.setIn(path, node);
}

interface Found {
  file: string;
  doc: Document;
  kind: string;
  namespace: string;
  name: string;
}

function fluxDocuments(files: ReadonlyMap<string, Uint8Array>, clusterDir: string) {
  const decoder = new TextDecoder();
  const parsed = new Map<string, Document[]>();
  const found: Found[] = [];
  for (const [file, bytes] of files) {
    if (!file.startsWith(`${clusterDir}/`) || !/\.ya?ml$/.test(file)) continue;
    const content = decoder.decode(bytes);
    if (!content.includes("GitRepository") && !content.includes("kustomize.toolkit.fluxcd.io")) continue;
    const docs = parseAllDocuments(content, { schema: "failsafe" });
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) continue;
    parsed.set(file, docs);
    for (const doc of docs) {
      if (!isMap(doc.contents)) continue;
      const apiVersion = text(doc.get("apiVersion")) ?? "";
      const kind = text(doc.get("kind")) ?? "";
      const isGit = kind === "GitRepository" && apiVersion.startsWith("source.toolkit.fluxcd.io/");
      const isKs = kind === "Kustomization" && apiVersion.startsWith("kustomize.toolkit.fluxcd.io/");
      if (!isGit && !isKs) continue;
      found.push({
        file,
        doc,
        kind,
        namespace: text(doc.getIn(["metadata", "namespace"])) ?? "",
        name: text(doc.getIn(["metadata", "name"])) ?? "",
      });
    }
  }
  return { parsed, found };
}

export function emulateFluxLocal(
  files: ReadonlyMap<string, Uint8Array>,
  options: { clusterDir: string; root: string; sources: readonly SourcesEntry[] | null },
): EmulationResult {
  const { parsed, found } = fluxDocuments(files, options.clusterDir);
  const reasons: string[] = [];
  const changed = new Set<string>();
  const gits = found.filter((f) => f.kind === "GitRepository");

  for (const g of gits) {
    if (g.doc.hasIn(["spec", "ignore"])) {
      g.doc.deleteIn(["spec", "ignore"]);
      changed.add(g.file);
      reasons.push(
        `flux-local ignores spec.ignore of GitRepository ${g.namespace}/${g.name} (Flux filters the artifact with it)`,
      );
    }
  }
  const urls = new Set(gits.map((g) => text(g.doc.getIn(["spec", "url"]))).filter((u) => u !== undefined));
  if (urls.size > 1) {
    for (const g of gits) {
      setQuoted(g.doc, ["spec", "url"], UNIFIED_GIT_URL);
      changed.add(g.file);
    }
    reasons.push(
      `flux-local builds every GitRepository from the local tree (Flux fetches each URL: ${[...urls].sort().join(", ")})`,
    );
  }

  for (const k of found.filter((f) => f.kind === "Kustomization")) {
    const kind = text(k.doc.getIn(["spec", "sourceRef", "kind"])) ?? "";
    const srcName = text(k.doc.getIn(["spec", "sourceRef", "name"])) ?? "";
    const srcNs = text(k.doc.getIn(["spec", "sourceRef", "namespace"])) ?? k.namespace;
    const path = text(k.doc.getIn(["spec", "path"])) ?? "";
    const mapped = (options.sources ?? []).find(
      (e) => e.dir !== null && e.name === srcName && (e.namespace === null || e.namespace === srcNs),
    );
    if (mapped?.dir != null && kind !== "GitRepository") {
      const local = normalizeRoot(`${mapped.dir}/${normalizeRoot(path)}`);
      // Keep the source's name: --sources stays an allow-list of names, and an undefined GitRepository
      // name is this repository.
      k.doc.setIn(["spec", "sourceRef"], k.doc.createNode({ kind: "GitRepository", name: srcName }));
      setQuoted(k.doc, ["spec", "path"], `./${local}`);
      changed.add(k.file);
      reasons.push(
        `--sources maps ${kind} ${srcName} to ${mapped.dir}: flux-local builds ${k.namespace}/${k.name} from ./${local} (Flux pulls the artifact)`,
      );
    } else if (path === "" && kind !== "" && options.root !== "") {
      setQuoted(k.doc, ["spec", "path"], `./${options.root}`);
      changed.add(k.file);
      reasons.push(
        `${k.namespace}/${k.name} has no spec.path: flux-local builds --path ${options.root}, Flux builds the source root`,
      );
    }
  }

  const out = new Map(files);
  const encoder = new TextEncoder();
  for (const file of changed) {
    const docs = parsed.get(file) ?? [];
    const textOut = docs
      .map((d) => d.toString({ lineWidth: 0 }))
      .map((s) => (s.startsWith("---") ? s : `---\n${s}`))
      .join("");
    out.set(file, encoder.encode(textOut));
  }
  return { files: out, reasons };
}
