/**
 * Version selection as Flux's source-controller does it for a HelmRepository chart version, an OCI
 * HelmRepository's tags and an OCIRepository's `ref.semver`: an exact string match first; otherwise the
 * highest version satisfying the constraint, where an empty constraint or `*` means the latest stable
 * version. Constraints are Masterminds/semver's; npm's `semver` reads the same syntax once Masterminds'
 * `,` (and) is written as a space. As in Masterminds, prereleases are candidates only when the constraint
 * names one (`>=1.0.0-0`, `^2.0.0-rc.1`).
 */
import semver from "semver";
import { ChartFetchError } from "./errors.ts";

/** Whether `version` pins one version (a valid semver version, with or without a leading `v`). */
export function isExactVersion(version: string): boolean {
  return semver.valid(version.trim()) !== null;
}

/** A version with a prerelease, written in the constraint (not npm's desugared `<2.0.0-0`). */
const NAMES_PRERELEASE = /\d+(?:\.[\dxX*]+){0,2}-[0-9A-Za-z]/;

/**
 * The candidate `constraint` selects, if any. `normalize` maps a candidate to the version it stands for
 * (Helm's OCI tags write `+` as `_`); the candidate itself is returned.
 */
export function selectVersion(
  candidates: readonly string[],
  constraint: string,
  normalize: (candidate: string) => string = (c) => c,
): string | undefined {
  const wanted = constraint.trim();
  if (wanted !== "") {
    const exact = candidates.find((c) => c === wanted || normalize(c) === wanted);
    if (exact !== undefined) return exact;
  }
  const range = wanted === "" ? "*" : wanted.replace(/\s*,\s*/g, " ");
  const valid = semver.validRange(range);
  if (valid === null)
    throw new ChartFetchError(
      "unresolvable",
      `"${constraint.slice(0, 100)}" is not a valid version constraint`,
    );
  const includePrerelease = NAMES_PRERELEASE.test(range);
  let best: { candidate: string; version: semver.SemVer } | undefined;
  for (const candidate of candidates) {
    const version = semver.parse(normalize(candidate));
    if (!version) continue;
    if (!semver.satisfies(version, valid, { includePrerelease })) continue;
    if (!best || semver.gt(version, best.version)) best = { candidate, version };
  }
  return best?.candidate;
}
