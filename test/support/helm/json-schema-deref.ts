/**
 * A JSON schema with its `$ref`s replaced by what they point at, as @apidevtools/json-schema-ref-parser's
 * `dereference` does (bjw-s' `dereference-json-schema` action runs it before helm-unittest): references
 * resolve against the folder of the file that holds them (`$id` is not used), a `$ref` beside other keys
 * is an extended reference (its own keys first, then the target's keys it lacks). Circular references
 * throw: they cannot be written back as JSON. Pure: files come from `read`.
 */
import { posix } from "node:path";

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function pointer(doc: unknown, fragment: string, where: string): unknown {
  if (fragment === "" || fragment === "/") return doc;
  let cur = doc;
  for (const raw of fragment.replace(/^\//, "").split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isMap(cur) && Object.hasOwn(cur, key)) cur = cur[key];
    else throw new Error(`cannot resolve ${where}`);
  }
  return cur;
}

/** `root` (a path `read` understands, posix-style) with every `$ref` inlined. */
export function dereferenceJsonSchema(root: string, read: (path: string) => unknown): unknown {
  const docs = new Map<string, unknown>();
  const doc = (file: string) => {
    if (!docs.has(file)) docs.set(file, read(file));
    return docs.get(file);
  };
  const done = new Map<string, unknown>();
  const walk = (value: unknown, file: string, stack: string[]): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, file, stack));
    if (!isMap(value)) return value;
    const ref = value.$ref;
    if (typeof ref !== "string") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, file, stack);
      return out;
    }
    const hash = ref.indexOf("#");
    const target = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? "" : ref.slice(hash + 1);
    const targetFile = target === "" ? file : posix.normalize(posix.join(posix.dirname(file), target));
    const key = `${targetFile}#${fragment}`;
    if (stack.includes(key)) throw new Error(`circular $ref ${ref} in ${file}`);
    let resolved = done.get(key);
    if (resolved === undefined) {
      resolved = walk(pointer(doc(targetFile), fragment, `${ref} in ${file}`), targetFile, [...stack, key]);
      done.set(key, resolved);
    }
    const siblings = Object.keys(value).filter((k) => k !== "$ref");
    if (siblings.length === 0 || !isMap(resolved)) return resolved;
    const merged: Record<string, unknown> = {};
    for (const k of siblings) merged[k] = walk(value[k], file, stack);
    for (const [k, v] of Object.entries(resolved)) if (!(k in merged)) merged[k] = v;
    return merged;
  };
  return walk(doc(root), root, []);
}
