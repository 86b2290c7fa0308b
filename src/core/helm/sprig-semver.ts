/**
 * Sprig's `semver`: Masterminds/semver v3's NewVersion (v3.4: coercing, so "1", "v1.2" and leading zeros
 * parse) and its *Version as a GoValue, with the methods templates call: Major, Minor, Patch (uint64),
 * Prerelease, Metadata, Original, String, Compare, LessThan, LessThanEqual, GreaterThan,
 * GreaterThanEqual, Equal, IncMajor, IncMinor, IncPatch, SetPrerelease, SetMetadata.
 */
import { wrongType } from "./gotime.ts";
import { FuncError } from "./template/exec.ts";
import { GoObject, type GoValue, METHODS, type Methods } from "./template/values.ts";

const LOOSE =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;
const MAX_UINT64 = (1n << 64n) - 1n;

class SemverError extends FuncError {}

function segment(text: string): bigint {
  const n = BigInt(text);
  if (n > MAX_UINT64)
    throw new SemverError(
      `error parsing version segment: strconv.ParseUint: parsing "${text}": value out of range`,
    );
  return n;
}

function validatePrerelease(p: string): void {
  for (const part of p.split(".")) {
    if (part === "") throw new SemverError("invalid prerelease string");
    if (/^[0-9]+$/.test(part)) {
      if (part.length > 1 && part[0] === "0") throw new SemverError("version segment starts with 0");
    } else if (!/^[0-9A-Za-z-]+$/.test(part)) throw new SemverError("invalid prerelease string");
  }
}

function validateMetadata(m: string): void {
  for (const part of m.split("."))
    if (!/^[0-9A-Za-z-]+$/.test(part)) throw new SemverError("invalid metadata string");
}

/** semver.NewVersion, or a FuncError with its message. */
export function newVersion(v: string): Version {
  const m = LOOSE.exec(v);
  if (!m) throw new SemverError("invalid semantic version");
  const version = new Version(
    segment(m[1]!),
    m[2] ? segment(m[2].slice(1)) : 0n,
    m[3] ? segment(m[3].slice(1)) : 0n,
    m[5] ?? "",
    m[8] ?? "",
    v,
  );
  if (version.pre !== "") validatePrerelease(version.pre);
  if (version.metadata !== "") validateMetadata(version.metadata);
  return version;
}

function compareSegment(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePrePart(s: string, o: string): number {
  if (s === o) return 0;
  if (s === "") return -1;
  if (o === "") return 1;
  const sNum = /^[0-9]+$/.test(s) && BigInt(s) <= MAX_UINT64;
  const oNum = /^[0-9]+$/.test(o) && BigInt(o) <= MAX_UINT64;
  if (!sNum && !oNum) return s > o ? 1 : -1;
  if (!oNum) return -1;
  if (!sNum) return 1;
  return BigInt(s) > BigInt(o) ? 1 : -1;
}

function comparePrerelease(a: string, b: string): number {
  const sa = a.split(".");
  const sb = b.split(".");
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const d = comparePrePart(sa[i] ?? "", sb[i] ?? "");
    if (d !== 0) return d;
  }
  return 0;
}

/** A semver.Version; `pointer` for *semver.Version (what NewVersion gives; Inc* return the struct). */
export class Version extends GoObject {
  readonly goType: string;
  readonly goKind: string;

  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string,
    readonly metadata: string,
    readonly original: string,
    readonly pointer = true,
  ) {
    super();
    this.goType = pointer ? "*semver.Version" : "semver.Version";
    this.goKind = pointer ? "ptr" : "struct";
  }

  override toString(): string {
    let s = `${this.major}.${this.minor}.${this.patch}`;
    if (this.pre !== "") s += `-${this.pre}`;
    if (this.metadata !== "") s += `+${this.metadata}`;
    return s;
  }

  override toJSON(): string {
    return this.toString();
  }

  compare(o: Version): number {
    const d =
      compareSegment(this.major, o.major) ||
      compareSegment(this.minor, o.minor) ||
      compareSegment(this.patch, o.patch);
    if (d !== 0) return d;
    if (this.pre === "" && o.pre === "") return 0;
    if (this.pre === "") return 1;
    if (o.pre === "") return -1;
    return comparePrerelease(this.pre, o.pre);
  }

  /** A changed copy (a semver.Version value), its Original the new String with the old "v" prefix. */
  private next(fields: Partial<Pick<Version, "major" | "minor" | "patch" | "pre" | "metadata">>): Version {
    const v = {
      major: this.major,
      minor: this.minor,
      patch: this.patch,
      pre: this.pre,
      metadata: this.metadata,
      ...fields,
    };
    const text = new Version(v.major, v.minor, v.patch, v.pre, v.metadata, "").toString();
    const prefix = this.original.startsWith("v") ? "v" : "";
    return new Version(v.major, v.minor, v.patch, v.pre, v.metadata, prefix + text, false);
  }

  override get [METHODS](): Methods {
    const other = (o: GoValue | undefined): Version =>
      o instanceof Version && o.pointer ? o : wrongType("*semver.Version", o);
    const text = (s: GoValue | undefined): string => (typeof s === "string" ? s : wrongType("string", s));
    const methods: Methods = {
      Major: () => this.major,
      Minor: () => this.minor,
      Patch: () => this.patch,
      Prerelease: () => this.pre,
      Metadata: () => this.metadata,
      String: () => this.toString(),
      IncMajor: () => this.next({ major: this.major + 1n, minor: 0n, patch: 0n, pre: "", metadata: "" }),
      IncMinor: () => this.next({ minor: this.minor + 1n, patch: 0n, pre: "", metadata: "" }),
      IncPatch: () =>
        this.next(
          this.pre !== "" ? { pre: "", metadata: "" } : { patch: this.patch + 1n, pre: "", metadata: "" },
        ),
      SetPrerelease: (p) => {
        const pre = text(p);
        if (pre !== "") validatePrerelease(pre);
        return this.next({ pre });
      },
      SetMetadata: (m) => {
        const metadata = text(m);
        if (metadata !== "") validateMetadata(metadata);
        return this.next({ metadata });
      },
    };
    // Methods with a pointer receiver: not callable on a Version value a method returned.
    if (this.pointer)
      Object.assign(methods, {
        Original: () => this.original,
        Compare: (o) => BigInt(this.compare(other(o))),
        LessThan: (o) => this.compare(other(o)) < 0,
        LessThanEqual: (o) => this.compare(other(o)) <= 0,
        GreaterThan: (o) => this.compare(other(o)) > 0,
        GreaterThanEqual: (o) => this.compare(other(o)) >= 0,
        Equal: (o) => this === o || this.compare(other(o)) === 0,
      } satisfies Methods);
    return methods;
  }
}
