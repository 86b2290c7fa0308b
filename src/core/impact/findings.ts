/**
 * Problems in head, split by whether the base revision already had them. Identity ignores line numbers
 * (an edit above a problem moves it without making it new).
 */
import type { Diagnostic } from "../diagnostics.ts";

function identity(d: Diagnostic): string {
  return `${d.code}\u0000${d.file ?? ""}\u0000${d.ref ?? ""}\u0000${d.message}`;
}

export function splitFindings(
  base: readonly Diagnostic[],
  head: readonly Diagnostic[],
): { introduced: Diagnostic[]; existing: Diagnostic[] } {
  const before = new Set(base.map(identity));
  const introduced: Diagnostic[] = [];
  const existing: Diagnostic[] = [];
  for (const d of head) (before.has(identity(d)) ? existing : introduced).push(d);
  return { introduced, existing };
}
