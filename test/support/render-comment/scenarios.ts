/**
 * Pull requests for the render harness, each a base and a head file map: the bundled example
 * (examples/homelab/base → head) and five edits of the synthetic repository (scale 1, seed 1), found from
 * the files themselves so they keep working when the generator changes:
 *   image      — one image tag bumped in the first HelmRelease file (by path) that has one;
 *   chart      — 26 apps' chart bumped: the `ref.tag` of the OCIRepository each HelmRelease's chartRef uses
 *                (app-template ones first, as one Renovate PR bumping a shared chart would);
 *   depends-on — many Kustomizations' dependsOn moved from one target to another (the base gets a
 *                dependsOn on the first app of the `storage` namespace, the head on the second);
 *   rename     — one app renamed: its directory, Kustomization, HelmRelease and OCIRepository names;
 *   delete     — one app deleted: its directory and its line in the namespace kustomization.yaml.
 * Pure (no I/O) apart from `exampleScenario`, which reads the example from disk.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bumpImageTag } from "../bench/diff-scenarios.ts";
import { readTree } from "../fs/disk-tree.ts";
import { generateSyntheticRepo } from "../synthetic-repo/generate.ts";

export type FileMap = Map<string, string | Uint8Array>;

export interface RenderScenario {
  id: string;
  title: string;
  /** What was edited, for the printed table. */
  detail: string;
  base: FileMap;
  head: FileMap;
}

const APPS = /^kubernetes\/apps\/([^/]+)\/([^/]+)\/ks\.yaml$/;

interface App {
  ns: string;
  name: string;
  dir: string;
}

/** The apps of a synthetic repository (`kubernetes/apps/<ns>/<app>/ks.yaml`), by path. */
export function appsOf(files: ReadonlyMap<string, string>): App[] {
  return [...files.keys()]
    .sort()
    .map((p) => APPS.exec(p))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ ns: m[1] ?? "", name: m[2] ?? "", dir: `kubernetes/apps/${m[1]}/${m[2]}` }));
}

const wordRe = (word: string, flags = "g") =>
  new RegExp(`(?<![A-Za-z0-9_.-])${word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9_-])`, flags);

/** Files outside `dir` whose text names `word` (as a whole word). */
function mentionedOutside(files: ReadonlyMap<string, string>, dir: string, word: string): string[] {
  const re = wordRe(word, "");
  return [...files].filter(([p, t]) => !p.startsWith(`${dir}/`) && re.test(t)).map(([p]) => p);
}

/** The first app (by path) that no other file names and that has a HelmRelease: safe to rename or delete. */
export function loneApp(files: ReadonlyMap<string, string>): App | undefined {
  return appsOf(files).find(
    (a) =>
      files.has(`${a.dir}/app/helmrelease.yaml`) &&
      mentionedOutside(files, a.dir, a.name).every((p) => p === `kubernetes/apps/${a.ns}/kustomization.yaml`),
  );
}

export function imageBump(files: ReadonlyMap<string, string>): {
  edits: Map<string, string>;
  detail: string;
} {
  for (const path of [...files.keys()].sort()) {
    if (!path.endsWith("/helmrelease.yaml")) continue;
    const bumped = bumpImageTag(files.get(path) ?? "");
    if (bumped)
      return { edits: new Map([[path, bumped.text]]), detail: `${path}: tag ${bumped.from} → ${bumped.to}` };
  }
  throw new Error("no HelmRelease file with an image tag");
}

/**
 * Bump the chart of `count` apps: the `tag:` of the OCIRepository next to each HelmRelease whose chartRef
 * names it (app-template charts first, then the others, each group by path).
 */
export function chartBump(
  files: ReadonlyMap<string, string>,
  count = 26,
): { edits: Map<string, string>; detail: string; releases: string[] } {
  const candidates = [...files.keys()]
    .sort()
    .filter(
      (p) =>
        p.endsWith("/ocirepository.yaml") && files.has(p.replace(/ocirepository\.yaml$/, "helmrelease.yaml")),
    )
    .map((p) => ({ p, text: files.get(p) ?? "" }))
    .filter(({ p, text }) => {
      const name = /^metadata:\n {2}name: (\S+)/m.exec(text)?.[1];
      const hr = files.get(p.replace(/ocirepository\.yaml$/, "helmrelease.yaml")) ?? "";
      return (
        name !== undefined &&
        new RegExp(`chartRef:\\n\\s+kind: OCIRepository\\n\\s+name: ${name}\\n`).test(hr)
      );
    })
    .sort((a, b) => Number(!a.text.includes("app-template")) - Number(!b.text.includes("app-template")));
  const edits = new Map<string, string>();
  const releases: string[] = [];
  for (const { p, text } of candidates) {
    if (edits.size === count) break;
    const bumped = bumpImageTag(text);
    if (!bumped) continue;
    edits.set(p, bumped.text);
    releases.push(p.replace(/ocirepository\.yaml$/, "helmrelease.yaml"));
  }
  if (edits.size < count)
    throw new Error(`only ${edits.size} OCIRepositories with a chartRef user and a tag`);
  const appTemplate = [...edits.values()].filter((t) => t.includes("app-template")).length;
  return {
    edits,
    releases,
    detail: `${count} OCIRepository ref.tag bumps (${appTemplate} app-template), one per HelmRelease chartRef`,
  };
}

/** Insert a dependsOn on `target` into the first Flux Kustomization of a ks.yaml that has none. */
export function withDependsOn(ksText: string, target: { name: string; ns: string }): string | undefined {
  const docs = ksText.split(/^(?=---\n)/m);
  const first = docs[0] ?? "";
  if (/^ {2}dependsOn:/m.test(first)) return undefined;
  const at = /^spec:\n/m.exec(first);
  if (!at) return undefined;
  const insert = `  dependsOn:\n    - name: ${target.name}\n      namespace: ${target.ns}\n`;
  const end = at.index + at[0].length;
  docs[0] = first.slice(0, end) + insert + first.slice(end);
  return docs.join("");
}

/**
 * Move the dependsOn of `count` Kustomizations from the first app of `ns` to the second one: the base map
 * gets the dependsOn on the first (it is the PR's starting point), the edits point them at the second.
 */
export function dependsOnMove(
  files: ReadonlyMap<string, string>,
  count = 15,
  ns = "storage",
): { baseEdits: Map<string, string>; edits: Map<string, string>; detail: string } {
  const targets = appsOf(files).filter((a) => a.ns === ns);
  const [from, to] = targets;
  if (!from || !to) throw new Error(`namespace ${ns} has fewer than two apps`);
  const baseEdits = new Map<string, string>();
  const edits = new Map<string, string>();
  for (const app of appsOf(files)) {
    if (baseEdits.size === count) break;
    if (app.ns === ns) continue;
    const path = `${app.dir}/ks.yaml`;
    const before = withDependsOn(files.get(path) ?? "", { name: from.name, ns });
    const after = withDependsOn(files.get(path) ?? "", { name: to.name, ns });
    if (before === undefined || after === undefined) continue;
    baseEdits.set(path, before);
    edits.set(path, after);
  }
  if (edits.size < count) throw new Error(`only ${edits.size} Kustomizations without a dependsOn`);
  return {
    baseEdits,
    edits,
    detail: `${count} Kustomizations: dependsOn ${ns}/${from.name} → ${ns}/${to.name}`,
  };
}

/** Rename an app no other file names: directory, names (whole words) and its namespace kustomization line. */
export function renameApp(
  files: ReadonlyMap<string, string>,
  app = loneApp(files),
  newName = app ? `${app.name}-next` : "",
): { head: Map<string, string>; detail: string } {
  if (!app) throw new Error("no app that nothing else names");
  const head = new Map<string, string>();
  const re = wordRe(app.name);
  const newDir = `kubernetes/apps/${app.ns}/${newName}`;
  for (const [p, t] of files) {
    if (p.startsWith(`${app.dir}/`)) head.set(newDir + p.slice(app.dir.length), t.replace(re, newName));
    else if (p === `kubernetes/apps/${app.ns}/kustomization.yaml`)
      head.set(p, t.replace(`./${app.name}/ks.yaml`, `./${newName}/ks.yaml`));
    else head.set(p, t);
  }
  return { head, detail: `${app.dir} → ${newDir} (Kustomization, HelmRelease, OCIRepository renamed)` };
}

/** Delete an app no other file names: its directory and its namespace kustomization line. */
export function deleteApp(
  files: ReadonlyMap<string, string>,
  app = loneApp(files),
): { head: Map<string, string>; detail: string } {
  if (!app) throw new Error("no app that nothing else names");
  const head = new Map<string, string>();
  let removed = 0;
  for (const [p, t] of files) {
    if (p.startsWith(`${app.dir}/`)) removed++;
    else if (p === `kubernetes/apps/${app.ns}/kustomization.yaml`)
      head.set(p, t.replace(`  - ./${app.name}/ks.yaml\n`, ""));
    else head.set(p, t);
  }
  return { head, detail: `${app.dir} deleted (${removed} files)` };
}

const merged = (files: ReadonlyMap<string, string>, edits: ReadonlyMap<string, string>): FileMap =>
  new Map([...files, ...edits]);

/** The five synthetic-repository scenarios. */
export function syntheticScenarios(scale = 1, seed = 1): RenderScenario[] {
  const files = generateSyntheticRepo(scale, seed);
  const image = imageBump(files);
  const chart = chartBump(files);
  const move = dependsOnMove(files);
  const rename = renameApp(files);
  const del = deleteApp(files);
  return [
    {
      id: "image",
      title: "single image bump",
      detail: image.detail,
      base: files,
      head: merged(files, image.edits),
    },
    {
      id: "chart-26",
      title: "chart bump in 26 apps",
      detail: chart.detail,
      base: files,
      head: merged(files, chart.edits),
    },
    {
      id: "depends-on",
      title: "dependsOn move",
      detail: move.detail,
      base: merged(files, move.baseEdits),
      head: merged(files, move.edits),
    },
    { id: "rename", title: "rename one app", detail: rename.detail, base: files, head: rename.head },
    { id: "delete", title: "delete one app", detail: del.detail, base: files, head: del.head },
  ];
}

/** The bundled example's pull request (examples/homelab/base → head), as `npm run demo` shows it. */
export function exampleScenario(
  root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "examples", "homelab"),
): RenderScenario {
  return {
    id: "example",
    title: "bundled example (examples/homelab)",
    detail: "examples/homelab/base → examples/homelab/head",
    base: readTree(join(root, "base")).files,
    head: readTree(join(root, "head")).files,
  };
}
