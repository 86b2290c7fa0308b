/**
 * Problems in head, split by whether the base revision already had them. Identity ignores line numbers
 * (an edit above a problem moves it without making it new) and follows renames: a problem in a file the
 * change only renamed or moved is the base's problem under its old path, so a rename-only change
 * introduces nothing.
 */
import type { Diagnostic } from "../diagnostics.ts";

function identity(d: Diagnostic, renamed?: ReadonlyMap<string, string>): string {
  const previous = d.file !== undefined ? renamed?.get(d.file) : undefined;
  const file = previous ?? d.file ?? "";
  const message = previous && d.file ? d.message.split(d.file).join(previous) : d.message;
  return `${d.code}\u0000${file}\u0000${d.ref ?? ""}\u0000${message}`;
}

export function splitFindings(
  base: readonly Diagnostic[],
  head: readonly Diagnostic[],
  /** Head path → base path, for files the change renamed or moved. */
  renamed?: ReadonlyMap<string, string>,
): { introduced: Diagnostic[]; existing: Diagnostic[] } {
  const before = new Set(base.map((d) => identity(d)));
  const introduced: Diagnostic[] = [];
  const existing: Diagnostic[] = [];
  for (const d of head) (before.has(identity(d, renamed)) ? existing : introduced).push(d);
  return { introduced, existing };
}

/** Head path → base path of every renamed file of a change. */
export function renamesOf(
  changed: ReadonlyArray<{ path: string; previousPath?: string | undefined }>,
): Map<string, string> {
  return new Map(changed.flatMap((c) => (c.previousPath ? [[c.path, c.previousPath] as const] : [])));
}
