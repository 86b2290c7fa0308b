/**
 * Render equality: for every Flux Kustomization the engine renders from a corpus repository, its output
 * before post-build substitution (`build.unsubstituted`) against the reference build of the same
 * Kustomization spec (reference-build.ts, real kustomize). Objects are compared as an order-independent
 * multiset keyed by apiVersion/kind/namespace/name with deep equality; a mismatch that disappears once
 * kustomize's origin annotations are dropped on both sides is reported as such (and still a mismatch).
 * Both sides failing, or both finding no directory, counts as equal. When the engine fails a build only
 * after kustomize (post-build substitution), its kustomize output is still compared, and the failure noted.
 */
import {
  createMemorySnapshot,
  type KustomizationNode,
  type RepositoryModel,
  readYamlDocuments,
} from "../../../src/core/index.ts";
import type { Analysis } from "../fs/corpus.ts";
import { compareObjectSets, stripOriginAnnotations } from "./compare-objects.ts";
import type { Analyzer } from "./flux-local.ts";
import { createReferenceTree, type ReferenceResult, specAsBuilt } from "./reference-build.ts";

export interface RenderCase {
  repo: string;
  analysis: string;
  key: string;
  path: string;
  status: "equal" | "mismatch" | "skipped" | "crash";
  detail: string;
  diff?: string;
  /** For mismatches: equal once origin annotations are dropped. */
  equalModuloOrigin?: boolean;
  kubectlMs?: number;
}

export interface CorpusRepo {
  label: string;
  files: ReadonlyMap<string, Uint8Array>;
  symlinks: readonly string[];
  analyses: readonly Analysis[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export interface RawIgnore {
  /** "namespace/name" as written ("" namespace when unset). */
  key: string;
  file: string;
  ignore: string;
}

/** Every GitRepository with a spec.ignore, from the raw repository files. */
export function gitRepositoryIgnores(files: ReadonlyMap<string, Uint8Array>): RawIgnore[] {
  const out: RawIgnore[] = [];
  const decoder = new TextDecoder();
  for (const [path, bytes] of files) {
    if (!/\.ya?ml$/.test(path)) continue;
    const text = decoder.decode(bytes);
    if (!text.includes("GitRepository") || !text.includes("ignore")) continue;
    for (const d of readYamlDocuments(text, path).documents) {
      const o = d.value;
      if (!isRecord(o) || o.kind !== "GitRepository" || !isRecord(o.metadata) || !isRecord(o.spec)) continue;
      if (typeof o.spec.ignore !== "string") continue;
      const ns = typeof o.metadata.namespace === "string" ? o.metadata.namespace : "";
      out.push({ key: `${ns}/${String(o.metadata.name)}`, file: path, ignore: o.spec.ignore });
    }
  }
  return out;
}

/**
 * The spec.ignore of the GitRepository a Kustomization builds from: the rendered source object when the
 * engine found one, else the raw definition (preferring one under the analysis' search root).
 */
function specIgnoreFor(
  k: KustomizationNode,
  model: RepositoryModel,
  raw: readonly RawIgnore[],
  searchRoot: string | undefined,
): string | undefined {
  const ref = k.spec.sourceRef;
  if (ref.kind !== "GitRepository") return undefined;
  const src = model.sources.find(
    (s) => s.kind === "GitRepository" && s.name === ref.name && s.namespace === ref.namespace,
  );
  const spec = src && isRecord(src.object.spec) ? src.object.spec : undefined;
  if (spec) return typeof spec.ignore === "string" ? spec.ignore : undefined;
  const candidates = raw.filter((r) => r.key === `${ref.namespace}/${ref.name}` || r.key === `/${ref.name}`);
  const inRoot = candidates.find((r) => searchRoot === undefined || r.file.startsWith(`${searchRoot}/`));
  return (inRoot ?? candidates[0])?.ignore;
}

function firstError(k: KustomizationNode): string {
  const d = k.build?.diagnostics.find((x) => x.severity === "error") ?? k.build?.diagnostics[0];
  return d ? `${d.code}: ${d.message}` : "(no diagnostic)";
}

export function compareOne(
  k: KustomizationNode,
  ref: ReferenceResult,
): Pick<RenderCase, "status" | "detail" | "diff" | "equalModuloOrigin"> {
  const oursNotFound = k.status === "path-not-found";
  if (ref.status === "path-not-found") {
    return oursNotFound
      ? { status: "equal", detail: "both: path not found" }
      : {
          status: "mismatch",
          detail: `reference: path ${ref.dir || "."} not found; engine: status ${k.status}`,
        };
  }
  if (oursNotFound) {
    return {
      status: "mismatch",
      detail: `engine: path not found; reference: ${ref.status === "ok" ? `${ref.objects.length} objects` : ref.error}`,
    };
  }
  const build = k.build;
  if (!build) return { status: "mismatch", detail: `engine: no build (status ${k.status})` };
  if (ref.status === "error") {
    return build.failed
      ? { status: "equal", detail: `both fail (kubectl: ${ref.error})` }
      : {
          status: "mismatch",
          detail: `kubectl fails (${ref.error}); engine renders ${build.unsubstituted.length} objects`,
        };
  }
  if (build.failed && build.unsubstituted.length === 0) {
    return {
      status: "mismatch",
      detail: `engine fails (${firstError(k)}); kubectl renders ${ref.objects.length} objects`,
    };
  }
  const cmp = compareObjectSets(build.unsubstituted, ref.objects);
  // A build that fails only after kustomize (post-build substitution) still has a kustomize output.
  const later = build.failed ? `; the engine then fails the build after kustomize (${firstError(k)})` : "";
  if (cmp.equal) return { status: "equal", detail: `${ref.objects.length} objects${later}` };
  const normalized = compareObjectSets(build.unsubstituted, ref.objects, stripOriginAnnotations);
  const parts = [
    cmp.onlyRef.length ? `missing ${cmp.onlyRef.length} (${cmp.onlyRef.slice(0, 3).join(", ")})` : "",
    cmp.onlyOurs.length ? `extra ${cmp.onlyOurs.length} (${cmp.onlyOurs.slice(0, 3).join(", ")})` : "",
    cmp.differing.length ? `${cmp.differing.length} differ` : "",
  ].filter(Boolean);
  const result: Pick<RenderCase, "status" | "detail" | "diff" | "equalModuloOrigin"> = {
    status: "mismatch",
    detail: `${ref.objects.length} reference objects; ${parts.join("; ")}${later}`,
    equalModuloOrigin: normalized.equal,
  };
  if (cmp.firstDiff) result.diff = `${cmp.firstDiff.key}\n${cmp.firstDiff.diff}`;
  return result;
}

export function renderEquality(repo: CorpusRepo, analyze: Analyzer): RenderCase[] {
  const tree = createReferenceTree(repo.files);
  const rawIgnores = gitRepositoryIgnores(repo.files);
  const cases: RenderCase[] = [];
  try {
    for (const analysis of repo.analyses) {
      let model: RepositoryModel;
      try {
        model = analyze(createMemorySnapshot(repo.files, { symlinks: repo.symlinks }), analysis.options);
      } catch (e) {
        const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
        cases.push({
          repo: repo.label,
          analysis: analysis.label,
          key: "*",
          path: "",
          status: "crash",
          detail: msg,
        });
        continue;
      }
      for (const k of model.kustomizations) {
        const base = { repo: repo.label, analysis: analysis.label, key: k.key, path: k.spec.path };
        if (k.status === "external" || k.status === "invalid") {
          const src = `${k.spec.sourceRef.kind}/${k.spec.sourceRef.name}`;
          cases.push({
            ...base,
            status: "skipped",
            detail: k.status === "external" ? `external source ${src}` : "invalid object",
          });
          continue;
        }
        const ref = tree.build(
          specAsBuilt(k),
          specIgnoreFor(k, model, rawIgnores, analysis.options.searchRoot),
        );
        const kubectlMs = ref.status === "path-not-found" ? 0 : ref.kubectlMs;
        cases.push({ ...base, ...compareOne(k, ref), kubectlMs });
      }
    }
  } finally {
    tree.dispose();
  }
  return cases;
}
