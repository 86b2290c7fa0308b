/**
 * kustomize's TransformerConfig (api/internal/plugins/builtinconfig): which fields each builtin
 * transformer touches, and which fields hold references to which kinds (nameReference).
 *
 * Provides the v5.5.0 defaults, kustomize's merge (duplicates dropped, lists sorted by Gvk; a field spec
 * that disagrees on `create` with one already present is "conflicting fieldspecs"), and strict parsing
 * of a `configurations:` file. Loading the file and reporting problems is the caller's job.
 */

import {
  COMMON_ANNOTATIONS,
  COMMON_LABELS,
  fieldSpecsFromRows,
  IMAGES,
  NAME_PREFIX,
  NAME_SUFFIX,
  NAMESPACE,
  REPLICAS,
  TEMPLATE_LABELS,
  VAR_REFERENCE,
} from "../fieldspec/builtin-field-specs.ts";
import { NAME_REFERENCES } from "../fieldspec/builtin-name-references.ts";
import {
  compareGvk,
  type FieldSpec,
  FieldSpecMerge,
  type NameBackReference,
} from "../fieldspec/field-spec.ts";
import { jsonType, parseFieldSpecList, parseNameBackReferences } from "../fieldspec/parse-field-specs.ts";
import { isJsonObject } from "../resource.ts";

export type { NameBackReference };

export interface TransformerConfig {
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  namespace: FieldSpec[];
  commonLabels: FieldSpec[];
  labels: FieldSpec[];
  templateLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  nameReference: NameBackReference[];
  varReference: FieldSpec[];
  images: FieldSpec[];
  replicas: FieldSpec[];
}

type FsField = Exclude<keyof TransformerConfig, "nameReference">;

/** The field lists, with kustomize's names used in merge error messages. */
const FS_FIELDS: ReadonlyArray<[FsField, string]> = [
  ["namePrefix", "NamePrefix"],
  ["nameSuffix", "NameSuffix"],
  ["namespace", "NameSpace"],
  ["commonAnnotations", "CommonAnnotations"],
  ["commonLabels", "CommonLabels"],
  ["labels", "Labels"],
  ["templateLabels", "TemplateLabels"],
  ["varReference", "VarReference"],
  ["images", "Images"],
  ["replicas", "Replicas"],
];

export function emptyTransformerConfig(): TransformerConfig {
  return {
    namePrefix: [],
    nameSuffix: [],
    namespace: [],
    commonLabels: [],
    labels: [],
    templateLabels: [],
    commonAnnotations: [],
    nameReference: [],
    varReference: [],
    images: [],
    replicas: [],
  };
}

let cachedDefault: TransformerConfig | undefined;

/** kustomize's MakeDefaultConfig: a fresh copy of the builtin tables, sorted as upstream sorts them. */
export function defaultTransformerConfig(): TransformerConfig {
  cachedDefault ??= sortConfig({
    namePrefix: fieldSpecsFromRows(NAME_PREFIX),
    nameSuffix: fieldSpecsFromRows(NAME_SUFFIX),
    namespace: fieldSpecsFromRows(NAMESPACE),
    commonLabels: fieldSpecsFromRows(COMMON_LABELS),
    labels: [],
    templateLabels: fieldSpecsFromRows(TEMPLATE_LABELS),
    commonAnnotations: fieldSpecsFromRows(COMMON_ANNOTATIONS),
    nameReference: NAME_REFERENCES.map(([kind, group, version, rows]) => ({
      group,
      version,
      kind,
      referrers: fieldSpecsFromRows(rows),
    })),
    varReference: fieldSpecsFromRows(VAR_REFERENCE),
    images: fieldSpecsFromRows(IMAGES),
    replicas: fieldSpecsFromRows(REPLICAS),
  });
  return copyConfig(cachedDefault);
}

/**
 * kustomize's TransformerConfig.Merge. Where upstream fails with "failed to merge X fieldSpec:
 * conflicting fieldspecs", the message is pushed to `errors` (when given) and the conflicting entry is
 * left out, so callers always get a usable config.
 */
export function mergeTransformerConfigs(
  a: TransformerConfig,
  b: TransformerConfig,
  errors?: string[],
): TransformerConfig {
  const merged = emptyTransformerConfig();
  for (const [field, goName] of FS_FIELDS) {
    merged[field] = mergeLenient(a[field], b[field], `failed to merge ${goName} fieldSpec`, errors);
  }
  merged.nameReference = a.nameReference.map((n) => ({ ...n, referrers: [...n.referrers] }));
  for (const other of b.nameReference) {
    let found = false;
    for (const entry of merged.nameReference) {
      if (entry.group !== other.group || entry.version !== other.version || entry.kind !== other.kind)
        continue;
      entry.referrers = mergeLenient(
        entry.referrers,
        other.referrers,
        "failed to merge NameReference fieldSpec",
        errors,
      );
      found = true;
    }
    if (!found) merged.nameReference.push({ ...other, referrers: [...other.referrers] });
  }
  return sortConfig(merged);
}

function mergeLenient(
  list: FieldSpec[],
  incoming: FieldSpec[],
  context: string,
  errors: string[] | undefined,
): FieldSpec[] {
  const merging = new FieldSpecMerge(list);
  for (const x of incoming) {
    const error = merging.add(x);
    if (error !== undefined) errors?.push(`${context}: ${error}`);
  }
  return merging.list;
}

const PREFIX = "error unmarshaling JSON: while decoding JSON: json: ";

/**
 * Parse one document of a `configurations:` file the way kustomize does (sigs.k8s.io/yaml
 * UnmarshalStrict): unknown fields and wrong types are errors with upstream's text; numbers and booleans
 * are accepted where a string belongs. An empty document is an empty config.
 */
export function parseTransformerConfig(
  doc: unknown,
): { ok: true; config: TransformerConfig } | { ok: false; message: string } {
  const config = emptyTransformerConfig();
  if (doc === null || doc === undefined) return { ok: true, config };
  if (!isJsonObject(doc))
    return {
      ok: false,
      message: `${PREFIX}cannot unmarshal ${jsonType(doc)} into Go value of type builtinconfig.TransformerConfig`,
    };
  const fields = new Map<string, FsField>(FS_FIELDS.map(([f]) => [f, f]));
  for (const [key, value] of Object.entries(doc)) {
    const field = fields.get(key);
    if (key === "nameReference") {
      const list = parseNameBackReferences(value);
      if (typeof list === "string") return { ok: false, message: PREFIX + list };
      config.nameReference = list;
    } else if (field) {
      const list = parseFieldSpecList(value, key);
      if (typeof list === "string") return { ok: false, message: PREFIX + list };
      config[field] = list;
    } else {
      return { ok: false, message: `${PREFIX}unknown field "${key}"` };
    }
  }
  return { ok: true, config: sortConfig(config) };
}

function sortConfig(c: TransformerConfig): TransformerConfig {
  for (const [field] of FS_FIELDS) c[field] = [...c[field]].sort(compareGvk);
  c.nameReference = [...c.nameReference].sort(compareGvk);
  return c;
}

function copyConfig(c: TransformerConfig): TransformerConfig {
  const out = emptyTransformerConfig();
  for (const [field] of FS_FIELDS) out[field] = c[field].map((fs) => ({ ...fs }));
  out.nameReference = c.nameReference.map((n) => ({ ...n, referrers: n.referrers.map((fs) => ({ ...fs })) }));
  return out;
}
