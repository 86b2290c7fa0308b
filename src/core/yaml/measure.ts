/**
 * How large a value read from YAML is: about its JSON length and its number of values — what copying it
 * costs (util/budget.ts heapCost), and what the alias limits of read-documents.ts measure.
 */

/** The JSON length of a scalar, about. */
export function leafSize(v: unknown): number {
  if (typeof v === "string") return v.length + 2;
  if (v === null || v === undefined) return 4;
  return String(v).length;
}

/**
 * The size of a value read from YAML, aliases (shared objects) counted at every use: about its JSON
 * length (`bytes`) and the number of values in it (`nodes`, containers and leaves). Each shared object is
 * measured once, so this is linear in the text even for an alias bomb. Stops once `bytes` is over `cap`
 * (returning a number over it); a cycle measures as Infinity.
 */
export function measureValue(
  root: unknown,
  cap = Number.POSITIVE_INFINITY,
): { bytes: number; nodes: number } {
  if (root === null || typeof root !== "object") return { bytes: leafSize(root), nodes: 1 };
  const memo = new Map<object, { bytes: number; nodes: number }>();
  const open = new Set<object>();
  const stack: object[] = [root];
  const infinite = { bytes: Number.POSITIVE_INFINITY, nodes: Number.POSITIVE_INFINITY };
  while (stack.length > 0) {
    const node = stack[stack.length - 1]!;
    if (memo.has(node)) {
      stack.pop();
      continue;
    }
    if (!open.has(node)) {
      open.add(node);
      let pending = false;
      for (const c of Array.isArray(node) ? node : Object.values(node)) {
        if (c === null || typeof c !== "object" || memo.has(c)) continue;
        if (open.has(c)) return infinite;
        stack.push(c);
        pending = true;
      }
      if (pending) continue;
    }
    let bytes = 2;
    let nodes = 1;
    const add = (c: unknown, extra: number) => {
      if (c !== null && typeof c === "object") {
        const m = memo.get(c)!;
        bytes += extra + m.bytes;
        nodes += m.nodes;
      } else {
        bytes += extra + leafSize(c);
        nodes += 1;
      }
    };
    if (Array.isArray(node)) for (const c of node) add(c, 1);
    else for (const [k, c] of Object.entries(node)) add(c, k.length + 4);
    if (bytes > cap) return { bytes, nodes };
    open.delete(node);
    memo.set(node, { bytes, nodes });
    stack.pop();
  }
  return memo.get(root) ?? { bytes: 0, nodes: 0 };
}

/** About the JSON length of a value (see measureValue). */
export function expandedSize(root: unknown, cap = Number.POSITIVE_INFINITY): number {
  return measureValue(root, cap).bytes;
}
