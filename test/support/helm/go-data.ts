/**
 * Go data as the corpora write it in JSON, made GoValues: whole numbers are Go ints (bigint) unless the
 * case marks them float64, other numbers float64; and GoValues as comparable text (map keys sorted, as
 * Go's %v prints them), to compare what a function did to its arguments whatever their key order.
 */
import type { GoValue } from "../../../src/core/helm/index.ts";

export function toGo(v: unknown, goType?: string): GoValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return goType === "float64" || !Number.isInteger(v) ? v : BigInt(v);
  if (Array.isArray(v)) return v.map((x) => toGo(x));
  if (typeof v === "object")
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toGo(x)]));
  return v as GoValue;
}

export function canonical(v: GoValue): string {
  if (typeof v === "bigint") return `${v}`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(" ")}]`;
  if (v !== null && typeof v === "object")
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${canonical((v as Record<string, GoValue>)[k]!)}`)
      .join(" ")}]`;
  return JSON.stringify(v);
}
