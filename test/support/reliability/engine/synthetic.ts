/**
 * The synthetic repository (test/support/synthetic-repo/generate.ts) as the two refs of a pull request:
 * the head is a copy with one app's image tag bumped, the change a Renovate PR makes.
 */
import { bumpImageTag } from "../../bench/diff-scenarios.ts";

export function yamlBytes(files: ReadonlyMap<string, string>): number {
  let n = 0;
  for (const [path, text] of files) if (/\.ya?ml$/.test(path)) n += Buffer.byteLength(text, "utf8");
  return n;
}

/** A copy of `files` with the image tag of the first HelmRelease file (by path) that has one bumped. */
export function headWithBump(files: ReadonlyMap<string, string>): Map<string, string> {
  const head = new Map(files);
  for (const path of [...files.keys()].sort()) {
    if (!/helmrelease\.ya?ml$/.test(path)) continue;
    const bumped = bumpImageTag(files.get(path) ?? "");
    if (!bumped) continue;
    head.set(path, bumped.text);
    return head;
  }
  throw new Error("the synthetic repository has no HelmRelease with an image tag to bump");
}

/** What scripts/reliability/l4-child.ts prints (one JSON line). */
export interface L4Figures {
  scale: number;
  files: number;
  yamlBytes: number;
  kustomizations: number;
  resources: number;
  wallMs: number;
  /** RSS before the pipeline: the two refs' files in memory, after a full GC. */
  rssBeforeBytes: number;
  /** RSS at the end of each stage (base + head analysis, rendering). */
  rssSamples: number[];
  /** Highest RSS the sampler saw while the pipeline ran. */
  peakRssBytes: number;
  /** getrusage peak of the whole process (generating the repository included). */
  maxRssBytes: number;
}
