/**
 * How plain (unquoted) YAML scalars are typed, matching the Go YAML libraries Flux runs on.
 *
 * Two readings matter, and they differ (both verified with kubectl kustomize v5.5.0, see the kustomize
 * README):
 * - KUSTOMIZE: manifests and kustomization files are read by kyaml (go-yaml v3) and written back through
 *   JSON. Only true/false are booleans (`yes`, `on`, `y` stay strings), integers follow Go's
 *   `ParseInt(s, 0, 64)` after dropping "_" (so `0777` is 511 and `0x1F` is 31), and unquoted timestamps
 *   become RFC 3339 strings (`2020-01-01` → "2020-01-01T00:00:00Z").
 * - YAML11: what `sigs.k8s.io/yaml` (go-yaml v2) reads after Flux's post-build substitution: additionally
 *   `y|yes|on` / `n|no|off` are booleans and timestamps stay as written.
 *
 * Serialization (`SERIALIZE`) quotes every string either reading would not keep as a string, plus
 * base-60-looking strings, as go-yaml v2's encoder does, so text written and read back keeps its types.
 */
import type { CollectionTag, ScalarTag, Tags } from "yaml";

const STR = "tag:yaml.org,2002:str";
const NULL_TAG = "tag:yaml.org,2002:null";
const BOOL = "tag:yaml.org,2002:bool";
const INT = "tag:yaml.org,2002:int";
const FLOAT = "tag:yaml.org,2002:float";
const TIMESTAMP = "tag:yaml.org,2002:timestamp";

type Tester = { test(s: string): boolean };
const tester = (fn: (s: string) => boolean): RegExp => ({ test: fn }) as Tester as RegExp;

const NULL_RE = /^(?:~|null|Null|NULL)?$/;
const TRUE_12 = new Set(["true", "True", "TRUE"]);
const FALSE_12 = new Set(["false", "False", "FALSE"]);
const TRUE_11 = new Set([...TRUE_12, "y", "Y", "yes", "Yes", "YES", "on", "On", "ON"]);
const FALSE_11 = new Set([...FALSE_12, "n", "N", "no", "No", "NO", "off", "Off", "OFF"]);
const GO_INT_RE = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOATS = new Map<string, number>([
  [".nan", Number.NaN],
  [".NaN", Number.NaN],
  [".NAN", Number.NaN],
  [".inf", Number.POSITIVE_INFINITY],
  [".Inf", Number.POSITIVE_INFINITY],
  [".INF", Number.POSITIVE_INFINITY],
  ["+.inf", Number.POSITIVE_INFINITY],
  ["+.Inf", Number.POSITIVE_INFINITY],
  ["+.INF", Number.POSITIVE_INFINITY],
  ["-.inf", Number.NEGATIVE_INFINITY],
  ["-.Inf", Number.NEGATIVE_INFINITY],
  ["-.INF", Number.NEGATIVE_INFINITY],
]);
const TIMESTAMP_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?))?$/;
const BASE60_RE = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** Go's strconv.ParseInt(s, 0, 64) (and ParseUint) after go-yaml removed "_"; undefined if it fails. */
export function parseGoInt(raw: string): number | undefined {
  const s = raw.replaceAll("_", "");
  if (!GO_INT_RE.test(s)) return undefined;
  const neg = s.startsWith("-");
  const body = s.replace(/^[-+]/, "");
  let value: number;
  if (/^0[xX]/.test(body)) value = Number.parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) value = Number.parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) value = Number.parseInt(body.slice(2), 2);
  else if (body.length > 1 && body.startsWith("0")) value = Number.parseInt(body.slice(1), 8);
  else value = Number.parseInt(body, 10);
  return neg ? -value : value;
}

/** go-yaml's float reading: yamlStyleFloat after dropping "_", or a ".5"-style literal. */
export function parseGoFloat(raw: string): number | undefined {
  const special = SPECIAL_FLOATS.get(raw);
  if (special !== undefined) return special;
  const s = raw.replaceAll("_", "");
  if (!YAML_STYLE_FLOAT.test(s)) return undefined;
  const v = Number.parseFloat(s);
  return Number.isFinite(v) ? v : undefined;
}

/** go-yaml v3 timestamp → Go's time.Time JSON form (RFC 3339 with nanoseconds, trailing zeros dropped). */
export function normalizeTimestamp(s: string): string | undefined {
  const m = TIMESTAMP_RE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h1, mi1, s1, f1, zone, h2, mi2, s2, f2] = m;
  const month = Number(mo);
  const day = Number(d);
  const year = Number(y);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  const h = h1 ?? h2;
  const hour = Number(h ?? 0);
  const minute = Number(mi1 ?? mi2 ?? 0);
  const second = Number(s1 ?? s2 ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const frac = (f1 ?? f2 ?? "").replace(/0+$/, "");
  const p2 = (n: number) => String(n).padStart(2, "0");
  const date = `${y}-${p2(month)}-${p2(day)}T${p2(hour)}:${p2(minute)}:${p2(second)}`;
  return `${date}${frac ? `.${frac}` : ""}${zone && zone !== "Z" ? zone : "Z"}`;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function firstCharNumeric(s: string): boolean {
  const c = s.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46; // 0-9 + - .
}

function scalarTags(bools: { t: Set<string>; f: Set<string> }, timestamps: boolean): ScalarTag[] {
  const nullTag: ScalarTag = {
    identify: (v) => v === null || v === undefined,
    default: true,
    tag: NULL_TAG,
    test: NULL_RE,
    resolve: () => null,
    stringify: ({ source }) =>
      typeof source === "string" && NULL_RE.test(source) && source ? source : "null",
  };
  const boolTag: ScalarTag = {
    identify: (v) => typeof v === "boolean",
    default: true,
    tag: BOOL,
    test: tester((s) => bools.t.has(s) || bools.f.has(s)),
    resolve: (s) => bools.t.has(s),
    stringify: ({ value }) => (value ? "true" : "false"),
  };
  const tsTag: ScalarTag = {
    identify: () => false,
    default: true,
    tag: TIMESTAMP,
    test: tester((s) => firstCharNumeric(s) && normalizeTimestamp(s) !== undefined),
    resolve: (s) => normalizeTimestamp(s) ?? s,
  };
  const intTag: ScalarTag = {
    identify: (v) => typeof v === "number" && Number.isInteger(v),
    default: true,
    tag: INT,
    test: tester((s) => firstCharNumeric(s) && parseGoInt(s) !== undefined),
    resolve: (s) => parseGoInt(s) ?? s,
    stringify: ({ value }) => formatNumber(value as number),
  };
  const floatTag: ScalarTag = {
    identify: (v) => typeof v === "number",
    default: true,
    tag: FLOAT,
    test: tester((s) => firstCharNumeric(s) && parseGoFloat(s) !== undefined),
    resolve: (s) => parseGoFloat(s) ?? s,
    stringify: ({ value }) => formatNumber(value as number),
  };
  // Timestamps are tested before numbers: "2020-01-01" is not a number anyway, but order documents intent.
  return timestamps ? [nullTag, boolTag, tsTag, intTag, floatTag] : [nullTag, boolTag, intTag, floatTag];
}

export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return ".nan";
  if (v === Number.POSITIVE_INFINITY) return ".inf";
  if (v === Number.NEGATIVE_INFINITY) return "-.inf";
  if (Object.is(v, -0)) return "0";
  return String(v);
}

type TagList = Array<ScalarTag | CollectionTag>;

function withScalars(scalars: ScalarTag[], extraQuoteTests: RegExp[] = []): (tags: Tags) => Tags {
  return (tags: Tags) => {
    const kept = (tags as TagList).filter(
      (t) => t.tag !== NULL_TAG && t.tag !== BOOL && t.tag !== INT && t.tag !== FLOAT,
    );
    const quoteOnly: ScalarTag[] = extraQuoteTests.map((test) => ({
      identify: () => false,
      default: true,
      tag: "tag:flux-impact,2026:quote-only",
      test,
      resolve: (s: string) => s,
    }));
    return [...kept, ...scalars, ...quoteOnly] as Tags;
  };
}

const KUSTOMIZE_SCALARS = scalarTags({ t: TRUE_12, f: FALSE_12 }, true);

/** go-yaml v3 as used by kustomize (kyaml) followed by JSON: the types of rendered objects. */
export const KUSTOMIZE_TAGS = withScalars(KUSTOMIZE_SCALARS);

const YAML11_SCALARS = scalarTags({ t: TRUE_11, f: FALSE_11 }, false);

/** A plain scalar typed by the first of `scalars` whose test it passes, as yaml's composer types it. */
function plainResolver(scalars: readonly ScalarTag[]): (s: string) => unknown {
  return (s) => {
    for (const tag of scalars) {
      if (tag.test?.test(s)) return (tag.resolve as (value: string) => unknown)(s);
    }
    return s;
  };
}

/** How go-yaml v2 (sigs.k8s.io/yaml) types a plain scalar: null, bool, int, float, or the string itself. */
export const resolveYaml11Plain = plainResolver(YAML11_SCALARS);

/** go-yaml v2 as used by sigs.k8s.io/yaml (Kubernetes, Flux's post-substitution parse). */
export const YAML11_TAGS = withScalars(YAML11_SCALARS);

/**
 * The plain-scalar typing of each reading above, for a reader other than yaml's composer
 * (yaml/simple-read.ts): the same tests in the same order.
 */
export const PLAIN_SCALARS = new Map<(tags: Tags) => Tags, (s: string) => unknown>([
  [KUSTOMIZE_TAGS, plainResolver(KUSTOMIZE_SCALARS)],
  [YAML11_TAGS, resolveYaml11Plain],
]);

/**
 * For writing: quote any string that either reading would type as something else, plus timestamps and
 * base-60 numbers (go-yaml v2's encoder quotes those too).
 */
export const SERIALIZE_TAGS = withScalars(scalarTags({ t: TRUE_11, f: FALSE_11 }, true), [
  tester((s) => firstCharNumeric(s) && BASE60_RE.test(s)),
]);

export { STR as STR_TAG };
