/**
 * kustomize's FieldSpec (api/types/fieldspec.go): a path into objects of some group/version/kind, plus
 * whether a missing field may be created. Also the FsSlice operations kustomize uses on lists of them
 * (merge with conflict detection, the Gvk ordering used to sort them) and kyaml's path splitter.
 *
 * Walking objects along a FieldSpec lives in walk.ts; the builtin tables in builtin-field-specs.ts.
 */
import type { Gvk } from "../resource.ts";

export interface FieldSpec {
  /** "" matches any group (the same for version and kind). */
  group: string;
  version: string;
  kind: string;
  /** Slash-separated, e.g. "spec/template/spec/containers[]/image"; `\/` escapes a slash inside a key. */
  path: string;
  /** kustomize's `create` (CreateIfNotPresent). */
  create: boolean;
}

/** One nameReference entry: objects of this GVK are referred to by name from the `referrers` fields. */
export interface NameBackReference extends Gvk {
  referrers: FieldSpec[];
}

export interface FieldSpecInit {
  group?: string;
  version?: string;
  kind?: string;
  create?: boolean;
}

export function fieldSpec(path: string, init: FieldSpecInit = {}): FieldSpec {
  return {
    group: init.group ?? "",
    version: init.version ?? "",
    kind: init.kind ?? "",
    path,
    create: init.create ?? false,
  };
}

/** kustomize's Gvk.IsSelected: empty selector fields match anything. */
export function gvkMatches(gvk: Gvk, selector: Gvk): boolean {
  return (
    (selector.group === "" || selector.group === gvk.group) &&
    (selector.version === "" || selector.version === gvk.version) &&
    (selector.kind === "" || selector.kind === gvk.kind)
  );
}

/** kustomize's Gvk.String, e.g. "Deployment.[noVer].[noGrp]". */
export function gvkString(gvk: Gvk): string {
  return `${gvk.kind || "[noKind]"}.${gvk.version || "[noVer]"}.${gvk.group || "[noGrp]"}`;
}

/** kyaml's PathSplitter: split at "/", a leading "/" is ignored, and `\/` keeps a slash inside a key. */
export function splitFieldPath(path: string): string[] {
  let parts = path.split("/");
  if (parts.length > 1 && parts[0] === "") parts = parts.slice(1);
  const out: string[] = [parts[0] ?? ""];
  for (const part of parts.slice(1)) {
    const last = out[out.length - 1] ?? "";
    if (last.endsWith("\\")) out[out.length - 1] = `${last.slice(0, -1)}/${part}`;
    else out.push(part);
  }
  return out;
}

/** Kinds kustomize orders first / last (kyaml/resid/gvk.go), used to sort field spec lists. */
const ORDER_FIRST = [
  "Namespace",
  "ResourceQuota",
  "StorageClass",
  "CustomResourceDefinition",
  "ServiceAccount",
  "PodSecurityPolicy",
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
  "ConfigMap",
  "Secret",
  "Endpoints",
  "Service",
  "LimitRange",
  "PriorityClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "Deployment",
  "StatefulSet",
  "CronJob",
  "PodDisruptionBudget",
];
const ORDER_LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

function typeOrder(kind: string): number {
  const first = ORDER_FIRST.indexOf(kind);
  if (first >= 0) return first - ORDER_FIRST.length;
  const last = ORDER_LAST.indexOf(kind);
  return last >= 0 ? last + 1 : 0;
}

function stableSortString(gvk: Gvk): string {
  return `${gvk.group || "~G"}_${gvk.version || "~V"}_${gvk.kind || "~K"}`;
}

/** kustomize's Gvk.IsLessThan as a comparator. */
export function compareGvk(a: Gvk, b: Gvk): number {
  const oa = typeOrder(a.kind);
  const ob = typeOrder(b.kind);
  if (oa !== ob) return oa - ob;
  const sa = stableSortString(a);
  const sb = stableSortString(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Sorted copy (kustomize sorts every list of a TransformerConfig by Gvk after loading or merging). */
export function sortFieldSpecs(list: readonly FieldSpec[]): FieldSpec[] {
  return [...list].sort(compareGvk);
}

/**
 * kustomize's FsSlice.MergeOne: `x` is dropped when an entry with the same path already covers its Gvk
 * (the existing entry's Gvk is selected by x's); covering entries that disagree on `create` are the
 * error "conflicting fieldspecs".
 */
export function mergeFieldSpec(list: FieldSpec[], x: FieldSpec): { list: FieldSpec[]; error?: string } {
  const existing = list.find((s) => s.path === x.path && gvkMatches(s, x));
  if (!existing) return { list: [...list, x] };
  if (existing.create !== x.create) return { list, error: "conflicting fieldspecs" };
  return { list };
}

/** kustomize's FsSlice.MergeAll; stops at the first conflict like upstream. */
export function mergeFieldSpecs(
  list: readonly FieldSpec[],
  incoming: readonly FieldSpec[],
): { list: FieldSpec[]; error?: string } {
  const merging = new FieldSpecMerge(list);
  for (const x of incoming) {
    const error = merging.add(x);
    if (error !== undefined) return { list: merging.list, error };
  }
  return { list: merging.list };
}

/**
 * mergeFieldSpec applied to one list again and again, without copying it each time and with its entries
 * found by path: the transformer configs merged at every level of a build hold hundreds of field specs,
 * and merging them one at a time copied and scanned the whole list for each.
 */
export class FieldSpecMerge {
  readonly list: FieldSpec[];
  private readonly byPath = new Map<string, FieldSpec[]>();

  constructor(list: readonly FieldSpec[]) {
    this.list = [...list];
    for (const s of this.list) this.index(s);
  }

  /** mergeFieldSpec: appends `x` unless an entry covers it; the error when that entry conflicts. */
  add(x: FieldSpec): string | undefined {
    const existing = this.byPath.get(x.path)?.find((s) => gvkMatches(s, x));
    if (!existing) {
      this.list.push(x);
      this.index(x);
      return undefined;
    }
    return existing.create !== x.create ? "conflicting fieldspecs" : undefined;
  }

  private index(s: FieldSpec): void {
    const same = this.byPath.get(s.path);
    if (same) same.push(s);
    else this.byPath.set(s.path, [s]);
  }
}
