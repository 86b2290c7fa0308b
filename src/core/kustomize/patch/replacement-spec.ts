/**
 * The shape of a replacement (kustomize api/types/replacement.go) checked the way Go's typed unmarshal
 * would reject it, plus the selector texts kustomize puts in its error messages.
 */
import { isJsonObject } from "../resource.ts";

export interface IdSelector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

export interface FieldOptions {
  delimiter: string;
  index: number;
  create: boolean;
}

export interface SourceSpec extends IdSelector {
  fieldPath: string;
  options: FieldOptions | undefined;
}

export interface TargetSpec {
  select: IdSelector | undefined;
  reject: IdSelector[];
  fieldPaths: string[];
  options: FieldOptions | undefined;
}

export interface Replacement {
  source: SourceSpec | undefined;
  targets: TargetSpec[] | undefined;
}

const ID_FIELDS = ["group", "version", "kind", "name", "namespace"] as const;
const SELECTOR_FIELDS = [...ID_FIELDS, "labelSelector", "annotationSelector"] as const;

/** A replacement from parsed YAML, or the reason it does not fit kustomize's types. */
export function parseReplacement(raw: unknown): Replacement | string {
  if (!isJsonObject(raw)) return "a replacement must be a mapping";
  let source: SourceSpec | undefined;
  if (raw.source !== undefined && raw.source !== null) {
    if (!isJsonObject(raw.source)) return "source: must be a mapping";
    const id = strings(raw.source, ID_FIELDS, "source");
    if (typeof id === "string") return id;
    const fieldPath = raw.source.fieldPath ?? "";
    if (typeof fieldPath !== "string") return "source.fieldPath: must be a string";
    const options = fieldOptions(raw.source.options, "source.options");
    if (typeof options === "string") return options;
    source = { ...id, fieldPath, options };
  }
  let targets: TargetSpec[] | undefined;
  if (raw.targets !== undefined && raw.targets !== null) {
    if (!Array.isArray(raw.targets)) return "targets: must be a list";
    targets = [];
    for (const [i, t] of raw.targets.entries()) {
      const at = `targets[${i}]`;
      if (!isJsonObject(t)) return `${at}: must be a mapping`;
      const select =
        t.select === undefined || t.select === null ? undefined : selector(t.select, `${at}.select`);
      if (typeof select === "string") return select;
      const reject: IdSelector[] = [];
      if (t.reject !== undefined && t.reject !== null) {
        if (!Array.isArray(t.reject)) return `${at}.reject: must be a list`;
        for (const r of t.reject) {
          const s = selector(r, `${at}.reject`);
          if (typeof s === "string") return s;
          reject.push(s);
        }
      }
      const fp = t.fieldPaths ?? [];
      if (!Array.isArray(fp) || fp.some((p) => typeof p !== "string"))
        return `${at}.fieldPaths: must be a list of strings`;
      const options = fieldOptions(t.options, `${at}.options`);
      if (typeof options === "string") return options;
      targets.push({ select, reject, fieldPaths: fp as string[], options });
    }
  }
  return { source, targets };
}

function selector(raw: unknown, at: string): IdSelector | string {
  if (!isJsonObject(raw)) return `${at}: must be a mapping`;
  return strings(raw, SELECTOR_FIELDS, at);
}

function strings(
  raw: Record<string, unknown>,
  fields: readonly (keyof IdSelector)[],
  at: string,
): IdSelector | string {
  const out: IdSelector = {};
  for (const f of fields) {
    const v = raw[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") return `${at}.${f}: must be a string`;
    out[f] = v;
  }
  return out;
}

function fieldOptions(raw: unknown, at: string): FieldOptions | undefined | string {
  if (raw === undefined || raw === null) return undefined;
  if (!isJsonObject(raw)) return `${at}: must be a mapping`;
  const { delimiter = "", index = 0, create = false, encoding = "" } = raw;
  if (typeof delimiter !== "string" || typeof encoding !== "string")
    return `${at}: delimiter and encoding must be strings`;
  if (typeof index !== "number" || !Number.isInteger(index)) return `${at}.index: must be an integer`;
  if (typeof create !== "boolean") return `${at}.create: must be a boolean`;
  return { delimiter, index, create };
}

/** resid.ResId.String() of a selector: "Kind.version.group/name.namespace" with placeholders. */
export function idText(s: IdSelector): string {
  const gvk = `${s.kind || "[noKind]"}.${s.version || "[noVer]"}.${s.group || "[noGrp]"}`;
  return `${gvk}/${s.name || "[noName]"}.${s.namespace || "[noNs]"}`;
}

/** types.SourceSelector.String(). */
export function selectorString(s: SourceSpec): string {
  const parts = [idText(s)];
  if (s.fieldPath) parts.push(s.fieldPath);
  if (s.options && (s.options.delimiter || s.options.create)) {
    parts.push(`${s.options.delimiter}(${s.options.index}), create=${s.options.create}`);
  }
  return parts.join(":");
}
