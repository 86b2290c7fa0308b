/**
 * The conformance oracle's view of a kustomization directory: which file kustomize-controller reads
 * (`kustomization.yaml`, `kustomization.yml`, `Kustomization`, in that order), and the resource list it
 * generates when there is none (fluxcd/pkg `kustomize/kustomize_generator.go` `scanManifests`). Pure: the
 * directory is seen through a TreeView. Independent of the engine on purpose (it is the oracle).
 */

export const KUSTOMIZATION_FILE_NAMES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

export interface DirEntry {
  name: string;
  isDir: boolean;
}

export interface TreeView {
  /** Entries of a directory (repository-relative, "" = root); regular files and directories only. */
  list(dir: string): DirEntry[];
  isFile(path: string): boolean;
  /** True for an existing file or directory. */
  exists(path: string): boolean;
}

function join(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

/** The recognized kustomization file in `dir`, in Flux's order of preference. */
export function findKustomizationFile(view: TreeView, dir: string): string | undefined {
  return KUSTOMIZATION_FILE_NAMES.map((n) => join(dir, n)).find((p) => view.isFile(p));
}

/**
 * `scanManifests`: Go filepath.Walk order (entries sorted by name, files and directories interleaved);
 * a directory holding a kustomization file is added and not descended; other directories are descended;
 * files with the last extension `.yaml` / `.yml` are added. Parsing of the files is left to kustomize (it
 * fails the build on the same documents Flux's generator rejects).
 */
export function generatedResources(view: TreeView, dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    const entries = [...view.list(d)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(d, e.name);
      const relPath = `${rel}/${e.name}`;
      if (e.isDir) {
        if (findKustomizationFile(view, path) !== undefined) out.push(relPath);
        else walk(path, relPath);
        continue;
      }
      const dot = e.name.lastIndexOf(".");
      const ext = dot < 0 ? "" : e.name.slice(dot);
      if (ext === ".yaml" || ext === ".yml") out.push(relPath);
    }
  };
  walk(dir, ".");
  return out;
}
