/**
 * An ordered set of resources keyed by current id (kustomize's resWrangler). Order is accumulation order
 * (Flux does not re-sort build output).
 */
import { allIds, cloneResource, curId, idEquals, idString, type ResId, type Resource } from "./resource.ts";

export class ResMap {
  readonly resources: Resource[] = [];

  get size(): number {
    return this.resources.length;
  }

  /** Append; returns an error message (kustomize's text) when the current id is already present. */
  append(r: Resource): string | undefined {
    const id = curId(r);
    if (this.resources.some((x) => idEquals(curId(x), id))) {
      return `may not add resource with an already registered id: ${idString(id)}`;
    }
    this.resources.push(r);
    return undefined;
  }

  /** Append every resource of `other`; returns the conflict messages. */
  appendAll(other: ResMap): string[] {
    const errors: string[] = [];
    for (const r of other.resources) {
      const e = this.append(r);
      if (e) errors.push(e);
    }
    return errors;
  }

  byCurrentId(id: ResId): Resource | undefined {
    return this.resources.find((r) => idEquals(curId(r), id));
  }

  /** Resources whose current, original or any previous id matches (kustomize's GetMatchingResourcesByAnyId). */
  matchingAnyId(pred: (id: ResId) => boolean): Resource[] {
    return this.resources.filter((r) => allIds(r).some(pred));
  }

  matchingCurrentId(pred: (id: ResId) => boolean): Resource[] {
    return this.resources.filter((r) => pred(curId(r)));
  }

  remove(r: Resource): void {
    const i = this.resources.indexOf(r);
    if (i >= 0) this.resources.splice(i, 1);
  }

  replace(old: Resource, next: Resource): void {
    const i = this.resources.indexOf(old);
    if (i < 0) throw new Error("replace: resource not in map");
    this.resources[i] = next;
  }

  clone(): ResMap {
    const m = new ResMap();
    for (const r of this.resources) m.resources.push(cloneResource(r));
    return m;
  }

  /** Ids that appear more than once (after a transformation that renames, e.g. namespace). */
  conflicts(): string[] {
    const seen: ResId[] = [];
    const out: string[] = [];
    for (const r of this.resources) {
      const id = curId(r);
      if (seen.some((s) => idEquals(s, id))) out.push(idString(id));
      else seen.push(id);
    }
    return out;
  }
}
