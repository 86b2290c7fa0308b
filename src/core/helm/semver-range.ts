/**
 * Masterminds/semver v3 constraints (sprig's semverCompare, Helm's dependency and kubeVersion checks) on
 * top of npm's `semver`: `,` means "and" as a space does; partial versions keep their prerelease
 * (`<1.17-0` is `<1.17.0-0`); a leading `v` is dropped; and, as Masterminds does, a constraint with a
 * prerelease lets prerelease versions match (`>=1.16-0` accepts `1.20.0-gke.1`), one without does not.
 */
import semver from "semver";

/** The constraint as an npm range, or undefined when Masterminds would call it improper. */
export function mastermindsRange(constraint: string): string | undefined {
  const normalized = constraint
    .split("||")
    .map((alternative) =>
      alternative
        .replace(/\s*,\s*/g, " ")
        .trim()
        // `1.17-0`, `v1-0`: a partial version with a prerelease, completed with zeros.
        .replace(
          /(^|[\s=<>~^!]+)v?(\d+)(?:\.(\d+))?(-[0-9A-Za-z.-]+)/g,
          (_m, lead: string, major: string, minor?: string, pre?: string) =>
            `${lead}${major}.${minor ?? "0"}.0${pre}`,
        )
        .replace(/(^|[\s=<>~^!]+)v(\d)/g, "$1$2"),
    )
    .join(" || ");
  return semver.validRange(normalized) ? normalized : undefined;
}

/** Whether `version` satisfies `constraint`; undefined when either cannot be read. */
export function satisfiesConstraint(constraint: string, version: string): boolean | undefined {
  const range = mastermindsRange(constraint);
  const v = semver.valid(version.replace(/^v/, ""), { loose: true }) ?? semver.coerce(version)?.version;
  if (range === undefined || !v) return undefined;
  return semver.satisfies(v, range, { includePrerelease: /-/.test(range) });
}
