/**
 * Go values to and from JSON data, as encoding/json does it for sprig's and Helm's functions: map keys
 * sorted, `<`, `>` and `&` escaped in strings (unless raw), a cycle or a function an error, and numbers
 * read back as float64 (what json.Unmarshal into interface{} gives).
 */
import { type GoValue, isMap, NO_VALUE } from "./template/values.ts";

/** A GoValue as plain JSON data (int64 and float64 both numbers, keys sorted): what encoding/json writes. */
export function plain(v: GoValue, seen = new Set<object>()): unknown {
  if (v === NO_VALUE) return null;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "function") throw new Error("json: unsupported type: func");
  if (Array.isArray(v) || isMap(v)) {
    if (seen.has(v)) throw new Error("json: unsupported value: encountered a cycle");
    seen.add(v);
    const out = Array.isArray(v)
      ? v.map((x) => plain(x, seen))
      : Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, plain(v[k]!, seen)]),
        );
    seen.delete(v);
    return out;
  }
  return v;
}

/** JSON data as GoValues: numbers are float64, as encoding/json decodes them into interface{}. */
export function fromPlain(x: unknown): GoValue {
  if (Array.isArray(x)) return x.map(fromPlain);
  if (x !== null && typeof x === "object")
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, fromPlain(v)]));
  return x as GoValue;
}

/** json.Marshal (or MarshalIndent with `indent`); `raw` leaves <, > and & as they are (sprig's toRawJson). */
export function marshalJson(v: GoValue, options: { indent?: string; raw?: boolean } = {}): string {
  const text = JSON.stringify(plain(v), null, options.indent || undefined) ?? "null";
  return options.raw
    ? text
    : text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
