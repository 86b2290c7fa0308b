/**
 * A manifest file → resources, as kustomize's resource factory reads it: every non-empty document must be
 * a mapping with `kind` and (unless it is a List) `metadata.name`; `*List` documents with `items` are
 * expanded; a null item inside any list is an error. Parses are cached per snapshot; each call returns
 * fresh copies that the caller may mutate.
 */
import { basename } from "../snapshot/paths.ts";
import { heapCost } from "../util/budget.ts";
import { type BuildContext, parseFileCached } from "./context.ts";
import { cloneJson, isJsonObject, type JsonObject, newResource, type Resource } from "./resource.ts";

export function loadResourceFile(ctx: BuildContext, path: string): Resource[] | undefined {
  const parsed = parseFileCached(ctx.snapshot, path);
  if (!parsed.ok) {
    ctx.add(parsed.diagnostics);
    return undefined;
  }
  ctx.add(parsed.diagnostics);
  // Every load is a fresh copy (aliases expanded): counted against the build's byte budget first.
  if (!ctx.charge(heapCost(parsed), { file: path })) return undefined;
  const out: Resource[] = [];
  let ok = true;
  for (const doc of parsed.documents) {
    const queue: unknown[] = [doc.value];
    while (queue.length > 0) {
      const value = queue.shift();
      const problem = validateManifest(value);
      if (problem) {
        ctx.report("kustomize-invalid-resource", `${basename(path)}: ${problem}`, {
          file: path,
          line: doc.line,
        });
        ok = false;
        continue;
      }
      const obj = value as JsonObject;
      const kind = obj.kind as string;
      if (kind.endsWith("List") && "items" in obj) {
        const items = obj.items;
        if (items === null) continue;
        if (!Array.isArray(items)) {
          ctx.report("kustomize-invalid-resource", `expected array in ${kind}/items`, {
            file: path,
            line: doc.line,
          });
          ok = false;
          continue;
        }
        queue.push(...items);
        continue;
      }
      out.push(fromManifest(cloneJson(obj) as JsonObject, { file: path, line: doc.line }));
    }
  }
  return ok ? out : undefined;
}

const NEEDS_HASH = "internal.config.kubernetes.io/needsHashSuffix";

/** A loaded object; kustomize's internal needsHashSuffix annotation turns it into a hashed "generated" one. */
function fromManifest(obj: JsonObject, origin: { file: string; line: number }): Resource {
  const r = newResource(obj, origin);
  const meta = isJsonObject(obj.metadata) ? obj.metadata : undefined;
  const annotations = meta && isJsonObject(meta.annotations) ? meta.annotations : undefined;
  if (annotations && NEEDS_HASH in annotations) {
    if (annotations[NEEDS_HASH] === "enabled") r.generator = { behavior: "create", hashSuffix: true };
    delete annotations[NEEDS_HASH];
    if (Object.keys(annotations).length === 0 && meta) delete meta.annotations;
  }
  return r;
}

/** kyaml's GetValidatedMetadata plus HasNilEntryInList; undefined when the manifest is acceptable. */
export function validateManifest(value: unknown): string | undefined {
  if (!isJsonObject(value)) return "a manifest must be a mapping (missing Resource metadata)";
  const kind = value.kind;
  if (typeof kind !== "string" || kind === "") return "missing kind in object";
  if (!kind.endsWith("List")) {
    const meta = value.metadata;
    const name = isJsonObject(meta) ? meta.name : undefined;
    if (typeof name !== "string" || name === "") return `missing metadata.name in ${kind}`;
  }
  const nil = findNilListEntry(value);
  if (nil) return `empty item at ${nil} in ${kind}`;
  return undefined;
}

function findNilListEntry(root: JsonObject): string | undefined {
  // Paths are only built when a null item is found; the walk itself allocates no strings.
  const stack: Array<{ node: unknown; parent: number; key: string | number }> = [
    { node: root, parent: -1, key: "" },
  ];
  const seen: Array<{ parent: number; key: string | number }> = [];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const id = seen.push({ parent: frame.parent, key: frame.key }) - 1;
    const node = frame.node;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        if (node[i] === null) return pathOf(seen, id) || "/";
        if (node[i] !== null && typeof node[i] === "object")
          stack.push({ node: node[i], parent: id, key: i });
      }
    } else if (isJsonObject(node)) {
      for (const k in node) {
        const v = node[k];
        if (v !== null && typeof v === "object") stack.push({ node: v, parent: id, key: k });
      }
    }
  }
  return undefined;
}

function pathOf(seen: ReadonlyArray<{ parent: number; key: string | number }>, id: number): string {
  const parts: string[] = [];
  for (let i = id; i > 0; i = seen[i]!.parent) {
    const { key } = seen[i]!;
    parts.unshift(typeof key === "number" ? `[${key}]` : `/${key}`);
  }
  return parts.join("");
}
