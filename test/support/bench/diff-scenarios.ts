/**
 * The head revisions the diff benchmark compares with a repository, each a small, valid YAML edit found
 * from the base model (so the same code serves the real corpus repository and the synthetic one):
 *   app        — one app changed: the image tag of the first HelmRelease file (by key) that has one is bumped
 *                (last number of the version + 1, digest kept), as a Renovate PR would;
 *   component  — a shared component changed: the directory under kubernetes/components/ read by the most
 *                Flux Kustomizations gets an annotation on every object of its first resource file;
 *   defaults   — what every app gets: in the Flux Kustomization that patches defaults into its child
 *                Kustomizations (spec.patches targeting kind Kustomization; the one with the most children),
 *                the HelmRelease default `crds: CreateReplace` becomes `crds: Create`.
 * A scenario that does not apply to a repository is returned as skipped with the reason. Pure.
 */
import { isMap, parseAllDocuments, Scalar } from "yaml";
import type { RepositoryModel } from "../../../src/core/index.ts";

export interface DiffScenario {
  id: "app" | "component" | "defaults";
  title: string;
  /** What was edited, for the report. */
  detail: string;
  /** Repository path → new text. */
  edits: Record<string, string>;
}

export type ScenarioResult = DiffScenario | { id: DiffScenario["id"]; title: string; skipped: string };

export const BENCH_ANNOTATION = "bench.flux-impact.dev/edited";

/** Bump the first `tag:` value of the text: last number of the version part + 1; a digest is kept. */
export function bumpImageTag(text: string): { text: string; from: string; to: string } | undefined {
  const m = /^([ \t]*tag:[ \t]*)(["']?)([^"'\s#]+)\2(?:[ \t]*$|[ \t]+#)/m.exec(text);
  if (!m) return undefined;
  const [, lead = "", quote = "", value = ""] = m;
  const at = value.indexOf("@");
  const version = at < 0 ? value : value.slice(0, at);
  const digest = at < 0 ? "" : value.slice(at);
  const last = /(\d+)(?!.*\d)/.exec(version);
  if (!last) return undefined;
  const bumped =
    version.slice(0, last.index) + String(Number(last[1]) + 1) + version.slice(last.index + last[0].length);
  const to = bumped + digest;
  const start = m.index + lead.length + quote.length;
  return { text: text.slice(0, start) + to + text.slice(start + value.length), from: value, to };
}

/** "1.2.3@sha256:0123456789ab…" — a tag with its digest cut for reports. */
export function shortDigest(tag: string): string {
  const m = /^(.*@sha256:)([0-9a-f]{12})[0-9a-f]+$/.exec(tag);
  return m ? `${m[1]}${m[2]}…` : tag;
}

/**
 * Add `metadata.annotations[key] = "value"` (double-quoted, so it stays a string) to every object of a YAML
 * stream; undefined if none has metadata or the text does not parse. Other scalars keep their text.
 */
export function annotateObjects(text: string, key: string, value: string): string | undefined {
  const docs = parseAllDocuments(text, { schema: "failsafe" });
  if (!Array.isArray(docs) || docs.length === 0 || docs.some((d) => d.errors.length > 0)) return undefined;
  let changed = false;
  for (const doc of docs) {
    if (!isMap(doc.contents) || !isMap(doc.get("metadata"))) continue;
    const node = doc.createNode(value) as Scalar;
    node.type = Scalar.QUOTE_DOUBLE;
    doc.setIn(["metadata", "annotations", key], node);
    changed = true;
  }
  if (!changed) return undefined;
  return docs
    .map((d) => d.toString({ lineWidth: 0 }))
    .map((s, i) => (i === 0 || s.startsWith("---") ? s : `---\n${s}`))
    .join("");
}

/** The directory under `prefix` whose files the most Flux Kustomizations read (ties: byte-wise first). */
export function mostSharedComponent(
  model: RepositoryModel,
  prefix = "kubernetes/components/",
): { dir: string; readers: string[]; files: string[] } | undefined {
  const readers = new Map<string, Set<string>>();
  const files = new Map<string, Set<string>>();
  for (const k of model.kustomizations) {
    for (const f of k.build?.reads ?? []) {
      if (!f.startsWith(prefix)) continue;
      const dir = f.slice(0, f.lastIndexOf("/"));
      if (!readers.has(dir)) {
        readers.set(dir, new Set());
        files.set(dir, new Set());
      }
      readers.get(dir)?.add(k.key);
      files.get(dir)?.add(f);
    }
  }
  const ranked = [...readers].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1));
  const best = ranked[0];
  if (!best) return undefined;
  return { dir: best[0], readers: [...best[1]].sort(), files: [...(files.get(best[0]) ?? [])].sort() };
}

const KUSTOMIZATION_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;

export function diffScenarios(
  files: ReadonlyMap<string, Uint8Array>,
  model: RepositoryModel,
): ScenarioResult[] {
  const decoder = new TextDecoder();
  const text = (p: string) => {
    const b = files.get(p);
    return b ? decoder.decode(b) : undefined;
  };
  const out: ScenarioResult[] = [];
  const total = model.kustomizations.length;

  const app = { id: "app", title: "one app changed (image tag)" } as const;
  const hr = [...model.helmReleases]
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((h) => ({
      h,
      file: h.definedIn?.file,
      edit: h.definedIn && bumpImageTag(text(h.definedIn.file) ?? ""),
    }))
    .find((x) => x.edit);
  if (hr?.edit && hr.file) {
    out.push({
      ...app,
      detail: `${hr.file}: tag ${shortDigest(hr.edit.from)} → ${shortDigest(hr.edit.to)} (HelmRelease ${hr.h.key})`,
      edits: { [hr.file]: hr.edit.text },
    });
  } else out.push({ ...app, skipped: "no HelmRelease file with an image tag" });

  const comp = { id: "component", title: "shared component changed" } as const;
  const shared = mostSharedComponent(model);
  const target = shared?.files
    .filter((f) => !KUSTOMIZATION_FILE.test(f))
    .map((f) => ({ f, edited: annotateObjects(text(f) ?? "", BENCH_ANNOTATION, "changed") }))
    .find((x) => x.edited !== undefined);
  if (shared && target?.edited !== undefined) {
    out.push({
      ...comp,
      detail: `${target.f}: annotation ${BENCH_ANNOTATION} added (component ${shared.dir}, read by ${shared.readers.length} of ${total} Kustomizations)`,
      edits: { [target.f]: target.edited },
    });
  } else
    out.push({ ...comp, skipped: "no component under kubernetes/components/ with an editable resource" });

  const defaults = { id: "defaults", title: "defaults patched into every app" } as const;
  const children = (key: string) => model.kustomizations.filter((k) => k.parent === key).length;
  const carrier = model.kustomizations
    .filter((k) => k.definedIn && k.spec.patches.some((p) => p.target?.kind === "Kustomization"))
    .map((k) => ({ k, file: k.definedIn?.file ?? "", children: children(k.key) }))
    .map((c) => ({ ...c, text: text(c.file) ?? "" }))
    .map((c) => ({ ...c, crds: /^([ \t]*crds:[ \t]*)CreateReplace[ \t]*$/m.exec(c.text) }))
    .filter((c) => c.crds)
    .sort((a, b) => b.children - a.children)[0];
  if (carrier?.crds) {
    const { crds, text: t } = carrier;
    out.push({
      ...defaults,
      detail:
        `${carrier.file}: HelmRelease default crds: CreateReplace → Create in the spec.patches that ${carrier.k.key} ` +
        `applies to its ${carrier.children} child Kustomizations`,
      edits: {
        [carrier.file]: t.slice(0, crds.index) + `${crds[1]}Create` + t.slice(crds.index + crds[0].length),
      },
    });
  } else
    out.push({
      ...defaults,
      skipped: "no Kustomization patches its child Kustomizations with a `crds: CreateReplace` default",
    });
  return out;
}
