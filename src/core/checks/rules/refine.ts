/**
 * Engine diagnostics made more precise where the repository says more than the build error: a
 * kustomization that still lists a manifest renamed to `.dis` fails with "missing path", and the useful
 * message is "you disabled this service but kept it listed".
 */
import { type Diagnostic, diagnostic } from "../../diagnostics.ts";
import type { RepoSnapshot } from "../../snapshot/repo-snapshot.ts";

const MISSING = /resource "([^"]+)" \(([^)]+)\) does not exist/;

export function refineDiagnostics(diagnostics: readonly Diagnostic[], snapshot: RepoSnapshot): Diagnostic[] {
  return diagnostics.map((d) => {
    if (d.code !== "kustomize-missing-path") return d;
    const m = MISSING.exec(d.message);
    if (!m) return d;
    const [, entry, path] = m;
    const submodule = submoduleOf(snapshot, path!);
    if (submodule)
      return diagnostic(
        "content-unavailable",
        `"${entry}" lies in the git submodule ${submodule}; submodule content is not in the repository archive, so it was not analyzed.`,
        { file: d.file, line: d.line, column: d.column, ref: d.ref },
      );
    const disabled = disabledVariant(snapshot, path!);
    if (!disabled) return d;
    return diagnostic(
      "kustomize-disabled-still-listed",
      `"${entry}" was renamed to ${disabled} but is still listed here, so this build fails and Flux applies nothing under it; remove the entry (or rename the file back).`,
      { file: d.file, line: d.line, column: d.column, ref: d.ref },
    );
  });
}

/** The submodule (a `path =` of `.gitmodules`) a path lies in, if any. */
function submoduleOf(snapshot: RepoSnapshot, path: string): string | undefined {
  const text = snapshot.readText(".gitmodules");
  if (!text.ok) return undefined;
  for (const m of text.text.matchAll(/^\s*path\s*=\s*(.+?)\s*$/gm)) {
    const sub = m[1]!.replace(/^\.\/|\/$/g, "");
    if (path === sub || path.startsWith(`${sub}/`)) return sub;
  }
  return undefined;
}

function disabledVariant(snapshot: RepoSnapshot, path: string): string | undefined {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
  const base = path.slice(dir ? dir.length + 1 : 0).replace(/\.ya?ml$/, "");
  for (const candidate of [`${path}.dis`, `${dir ? `${dir}/` : ""}${base}.dis`]) {
    if (snapshot.isFile(candidate)) return candidate;
  }
  return snapshot
    .list(dir)
    .files.map((f) => (dir ? `${dir}/${f}` : f))
    .find((f) => f.endsWith(".dis") && f.startsWith(path));
}
