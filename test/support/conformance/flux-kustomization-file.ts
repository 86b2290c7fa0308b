/**
 * The conformance oracle's emulation of what kustomize-controller writes at `spec.path` before it runs
 * kustomize (fluxcd/pkg `kustomize/kustomize_generator.go`):
 *   - no kustomization file → one is generated from a lexical walk (kustomization-walk.ts);
 *   - the (found or generated) root file is read leniently (unknown top-level keys dropped), the
 *     "no `resources:` → buildMetadata [originAnnotations]" quirk applied, and the Flux spec fields merged
 *     in: targetNamespace, namePrefix, nameSuffix, patches, components (with ignoreMissingComponents),
 *     images (field-wise merge by name), buildMetadata (`mergeFluxSpec`).
 *
 * The file is edited through yaml's Document API with the failsafe schema, so every scalar the user wrote
 * keeps its exact source text and kustomize types it the same way as in the original; values added from
 * the Flux spec are written double-quoted (never re-typed). v1beta2 `patchesStrategicMerge` /
 * `patchesJson6902` in the spec are ignored: Flux ≥ 2.0 prunes them (flux-semantics §1.5).
 * Pure; no I/O. Independent of the engine on purpose (it is the oracle).
 */
import { type Document, isMap, isScalar, isSeq, parseAllDocuments, Scalar, visit, type YAMLMap } from "yaml";

/** Top-level fields of kustomize's `types.Kustomization` (api/types/kustomization.go, kustomize v5.5.0). */
export const KNOWN_KUSTOMIZATION_FIELDS: ReadonlySet<string> = new Set(
  [
    "apiVersion kind metadata openapi namePrefix nameSuffix",
    "namespace commonLabels labels commonAnnotations patchesStrategicMerge patchesJson6902 patches",
    "images imageTags replacements replicas vars sortOptions",
    "resources components crds bases configMapGenerator secretGenerator",
    "helmGlobals helmCharts helmChartInflationGenerator generatorOptions configurations generators",
    "transformers validators buildMetadata",
  ].flatMap((line) => line.split(" ")),
);

export type MergeResult =
  | { ok: true; text: string; created: boolean; originAnnotations: boolean; droppedFields: string[] }
  | { ok: false; error: string };

/** fluxcd/pkg `IsLocalRelativePath`. */
export function isLocalRelativePath(path: string): boolean {
  for (const p of ["git::", "gh:", "ssh://", "https://", "http://", "git@", "github.com:", "github.com/"]) {
    if (p.length < path.length && path.slice(0, p.length).toLowerCase() === p) return false;
  }
  return !(
    path.startsWith("/") ||
    path
      .toLowerCase()
      .replace(/^file:\/\//, "")
      .startsWith("/")
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** unstructured.NestedString: absent → undefined; present but not a string → error. */
function nestedString(spec: Record<string, unknown>, field: string): string | undefined | Error {
  if (!Object.hasOwn(spec, field)) return undefined;
  const v = spec[field];
  return typeof v === "string"
    ? v
    : new Error(`.spec.${field} accessor error: ${JSON.stringify(v)} is not a string`);
}

function nestedStringSlice(spec: Record<string, unknown>, field: string): string[] | Error {
  if (!Object.hasOwn(spec, field) || spec[field] === null) return [];
  const v = spec[field];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    return new Error(`.spec.${field} accessor error: not a string slice`);
  }
  return v as string[];
}

function quoted(doc: Document, value: unknown) {
  const node = doc.createNode(value);
  visit(node, {
    Scalar(key, n) {
      if (key !== "key" && typeof n.value === "string") n.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return node;
}

function setOrDelete(doc: Document, key: string, value: string): void {
  if (value === "") doc.delete(key);
  else doc.set(key, quoted(doc, value));
}

function seqOf(doc: Document, key: string) {
  const node = doc.get(key, true);
  if (isSeq(node)) return node;
  const seq = doc.createNode([]);
  doc.set(key, seq);
  return seq;
}

const SELECTOR_FIELDS = [
  "group",
  "version",
  "kind",
  "name",
  "namespace",
  "labelSelector",
  "annotationSelector",
];

/**
 * The root kustomization Flux hands to kustomize. `existing` is the text of the found file, or null when
 * none exists (then `resources` is the generated list). `exists` answers for paths relative to the
 * kustomization directory (used for ignoreMissingComponents).
 */
export function mergeFluxSpec(
  existing: string | null,
  resources: readonly string[],
  specInput: unknown,
  exists: (relPath: string) => boolean,
): MergeResult {
  const spec = isRecord(specInput) ? specInput : {};
  const created = existing === null;
  const parse = (text: string) => {
    const docs = parseAllDocuments(text, { schema: "failsafe" });
    return Array.isArray(docs) ? docs[0] : undefined;
  };
  let doc = parse(existing ?? "{}\n");
  if (doc && doc.errors.length > 0)
    return { ok: false, error: `invalid kustomization: ${doc.errors[0]?.message}` };
  if (!doc || doc.contents === null || (isScalar(doc.contents) && doc.contents.value === ""))
    doc = parse("{}\n");
  if (!doc) return { ok: false, error: "cannot parse kustomization" };
  if (!isMap(doc.contents)) return { ok: false, error: "invalid kustomization: not a mapping" };
  doc.contents.flow = false;
  const root = doc.contents as YAMLMap;

  const droppedFields: string[] = [];
  for (const pair of [...root.items]) {
    const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (!KNOWN_KUSTOMIZATION_FIELDS.has(key)) {
      droppedFields.push(key);
      root.delete(pair.key);
    }
  }
  if (!doc.has("apiVersion")) doc.set("apiVersion", "kustomize.config.k8s.io/v1beta1");
  if (!doc.has("kind")) doc.set("kind", "Kustomization");

  if (created) {
    if (resources.length === 0) doc.set("namespace", "_placeholder");
    else doc.set("resources", quoted(doc, [...resources]));
  }
  const res = doc.get("resources", true);
  const originAnnotations = !created && !(isSeq(res) && res.items.length > 0);
  if (originAnnotations) doc.set("buildMetadata", quoted(doc, ["originAnnotations"]));

  for (const [field, target] of [
    ["targetNamespace", "namespace"],
    ["namePrefix", "namePrefix"],
    ["nameSuffix", "nameSuffix"],
  ] as const) {
    const v = nestedString(spec, field);
    if (v instanceof Error) return { ok: false, error: v.message };
    if (v !== undefined) setOrDelete(doc, target, v);
  }

  if (Array.isArray(spec.patches) && spec.patches.length > 0) {
    const seq = seqOf(doc, "patches");
    for (const p of spec.patches) {
      if (!isRecord(p)) return { ok: false, error: "unable to get patches: not a map" };
      const entry: Record<string, unknown> = {};
      if (typeof p.patch === "string" && p.patch !== "") entry.patch = p.patch;
      if (isRecord(p.target)) {
        const target: Record<string, string> = {};
        for (const f of SELECTOR_FIELDS) {
          const v = p.target[f];
          if (typeof v === "string" && v !== "") target[f] = v;
        }
        entry.target = target;
      }
      seq.items.push(quoted(doc, entry));
    }
  }

  const components = nestedStringSlice(spec, "components");
  if (components instanceof Error)
    return { ok: false, error: `unable to get components: ${components.message}` };
  const ignoreMissing = spec.ignoreMissingComponents === true;
  for (const c of components) {
    if (!isLocalRelativePath(c))
      return { ok: false, error: `component path '${c}' must be local and relative` };
    if (ignoreMissing && !exists(c)) continue;
    seqOf(doc, "components").items.push(quoted(doc, c));
  }

  const imagesResult = mergeImages(doc, spec.images);
  if (imagesResult) return { ok: false, error: imagesResult };

  const buildMetadata = nestedStringSlice(spec, "buildMetadata");
  if (buildMetadata instanceof Error) return { ok: false, error: buildMetadata.message };
  if (buildMetadata.length > 0) doc.set("buildMetadata", quoted(doc, buildMetadata));

  return {
    ok: true,
    text: doc.toString({ lineWidth: 0, doubleQuotedAsJSON: true }),
    created,
    originAnnotations,
    droppedFields,
  };
}

/** Images merged by name: newName replaces when set; newTag/digest replace together when either is set. */
function mergeImages(doc: Document, images: unknown): string | undefined {
  if (images === undefined || images === null) return undefined;
  if (!Array.isArray(images)) return "unable to get images: not a slice";
  for (const img of images) {
    if (!isRecord(img)) return "unable to get images: not a map";
    const name = typeof img.name === "string" ? img.name : "";
    const newName = typeof img.newName === "string" ? img.newName : "";
    const newTag = typeof img.newTag === "string" ? img.newTag : "";
    const digest = typeof img.digest === "string" ? img.digest : "";
    const seq = seqOf(doc, "images");
    const existing = seq.items.find((it) => isMap(it) && scalarText(it.get("name", true)) === name);
    if (existing && isMap(existing)) {
      if (newName !== "") existing.set("newName", quoted(doc, newName));
      if (newTag !== "" || digest !== "") {
        for (const [k, v] of [
          ["newTag", newTag],
          ["digest", digest],
        ] as const) {
          if (v === "") existing.delete(k);
          else existing.set(k, quoted(doc, v));
        }
      }
      continue;
    }
    const entry: Record<string, string> = { name };
    if (newName !== "") entry.newName = newName;
    if (newTag !== "") entry.newTag = newTag;
    if (digest !== "") entry.digest = digest;
    seq.items.push(quoted(doc, entry));
  }
  return undefined;
}

function scalarText(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined;
}
