/** The line of a field inside the document that defines an object, falling back to the document's line. */
import type { SourceLocation } from "../model.ts";
import type { RepoSnapshot } from "../snapshot/repo-snapshot.ts";
import { locateLineInDocumentAt, type YamlPath } from "../yaml/locate.ts";

export function fieldLine(snapshot: RepoSnapshot, at: SourceLocation, path: YamlPath): number {
  const text = snapshot.readText(at.file);
  return (text.ok ? locateLineInDocumentAt(text.text, at.line, path) : undefined) ?? at.line;
}

/**
 * Where a finding about an object points: the field's line in the file that defines it. An object only
 * the base revision defines (a removed Kustomization) has no place in the revision checked, so the finding
 * names the object only (an annotation on a file the commit does not hold would be rejected).
 */
export function where(snapshot: RepoSnapshot, at: SourceLocation | undefined, path: YamlPath, ref: string) {
  if (!at || snapshot.read(at.file) === undefined) return { ref };
  return { file: at.file, line: fieldLine(snapshot, at, path), ref };
}
