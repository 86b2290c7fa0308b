/**
 * The synthetic repository (scripts/synthetic-repo.ts) as the two refs of a pull request: the head is a
 * copy with one app's image tag bumped, the change a Renovate PR makes.
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
