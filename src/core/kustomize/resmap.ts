/**
 * An ordered set of resources keyed by current id (kustomize's resWrangler). Order is accumulation order
 * (Flux does not re-sort build output).
 *
 * Appends are checked for duplicate ids through an index that is rebuilt lazily: handing out the list
 * (`resources`) invalidates it, because transformers rename resources in place.
 */
import {
  allIds,
  cloneResource,
  curId,
  effectiveNamespace,
  idEquals,
  idString,
  type JsonObject,
  type ResId,
  type Resource,
  resIdOf,
} from "./resource.ts";

/** A string equal for two objects exactly when kustomize's ResId.Equals holds. */
export function idKey(obj: JsonObject): string {
  const id = resIdOf(obj);
  return `${id.group}\u0000${id.version}\u0000${id.kind}\u0000${id.name}\u0000${effectiveNamespace(id)}`;
}

export class ResMap {
  private readonly list: Resource[] = [];
  private index: Map<string, Resource> | undefined;

  /** The resources in order. Callers may mutate them (and the list); the id index is rebuilt afterwards. */
  get resources(): Resource[] {
    this.index = undefined;
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  private ensureIndex(): Map<string, Resource> {
    if (this.index) return this.index;
    const index = new Map<string, Resource>();
    for (const r of this.list) {
      const key = idKey(r.obj);
      if (!index.has(key)) index.set(key, r);
    }
    this.index = index;
    return index;
  }

  /** Append; returns an error message (kustomize's text) when the current id is already present. */
  append(r: Resource): string | undefined {
    const index = this.ensureIndex();
    const key = idKey(r.obj);
    if (index.has(key)) return `may not add resource with an already registered id: ${idString(curId(r))}`;
    index.set(key, r);
    this.list.push(r);
    return undefined;
  }

  /** Append every resource of `other`; returns the conflict messages. */
  appendAll(other: ResMap): string[] {
    const errors: string[] = [];
    for (const r of other.list) {
      const e = this.append(r);
      if (e) errors.push(e);
    }
    return errors;
  }

  byCurrentId(id: ResId): Resource | undefined {
    return this.list.find((x) => idEquals(curId(x), id));
  }

  /** Resources whose current, original or any previous id matches (kustomize's GetMatchingResourcesByAnyId). */
  matchingAnyId(pred: (id: ResId) => boolean): Resource[] {
    return this.list.filter((r) => allIds(r).some(pred));
  }

  matchingCurrentId(pred: (id: ResId) => boolean): Resource[] {
    return this.list.filter((r) => pred(curId(r)));
  }

  remove(r: Resource): void {
    const i = this.list.indexOf(r);
    if (i >= 0) this.list.splice(i, 1);
    this.index = undefined;
  }

  replace(old: Resource, next: Resource): void {
    const i = this.list.indexOf(old);
    if (i < 0) throw new Error("replace: resource not in map");
    this.list[i] = next;
    this.index = undefined;
  }

  clone(): ResMap {
    const m = new ResMap();
    for (const r of this.list) m.list.push(cloneResource(r));
    return m;
  }

  /** Ids that appear more than once (after a transformation that renames, e.g. namespace). */
  conflicts(): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const r of this.list) {
      const key = idKey(r.obj);
      if (seen.has(key)) out.push(idString(curId(r)));
      else seen.add(key);
    }
    return out;
  }
}
