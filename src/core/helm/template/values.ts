/**
 * Go values as the template engine sees them, in JavaScript:
 *
 * - `null` is Go's nil; `NO_VALUE` is an invalid reflect.Value (a missing map key or an unset
 *   interface), which prints as `<no value>`;
 * - a `bigint` is a Go integer (template constants, `len`, Go `int` data), a `number` a float64 — what
 *   Helm's values hold, since they come through JSON: `{{ .Values.n }}` of 1000000 prints `1e+06`;
 * - strings, booleans, arrays (slices) and plain objects (`map[string]…`, printed and ranged in key order);
 * - a `GoObject` is a value of a Go type that is neither a map nor a slice (sprig's time.Time,
 *   *semver.Version): the template sees only its methods (`.Major`, `.Compare $v`).
 */
export const NO_VALUE: unique symbol = Symbol("no value");
export type GoValue =
  | null
  | typeof NO_VALUE
  | boolean
  | bigint
  | number
  | string
  | GoValue[]
  | { [key: string]: GoValue; [ZERO]?: GoValue; [METHODS]?: Methods; [STRINGER]?: () => string }
  | GoFunction
  | GoObject;

/**
 * The zero value of a typed map's elements (`map[string]int` → 0n), for a missing key: Go returns it
 * where an untyped map (`map[string]any`, all of Helm's values) gives `<no value>`. Set as a symbol-keyed
 * property, invisible to keys and ranges.
 */
export const ZERO: unique symbol = Symbol("zero element");

/**
 * Methods of a value (`.Files.Get "a"`, `.Capabilities.APIVersions.Has "v1"`): a symbol-keyed property of
 * a map or a slice, found before its keys as Go finds a method before a map key. Invisible to keys, ranges
 * and JSON.
 */
export const METHODS: unique symbol = Symbol("methods");
export type Methods = Record<string, GoFunction>;

/** A value's String method (fmt.Stringer): what %v and an action print for it (`.Capabilities.KubeVersion`). */
export const STRINGER: unique symbol = Symbol("stringer");

/** The methods of a map or slice, if it has any. */
export function methodsOf(v: GoValue): Methods | undefined {
  return typeof v === "object" && v !== null ? (v as { [METHODS]?: Methods })[METHODS] : undefined;
}

/** A function the template may call; `this` is not used. */
export type GoFunction = (...args: GoValue[]) => GoValue;

/**
 * A value of a Go type with methods that is neither a map nor a slice (time.Time, *semver.Version): its
 * methods are found as a map's are (METHODS); a subclass gives its type for %T and kindOf, its String
 * method (how fmt prints it) and its MarshalJSON as `toJSON` (JSON.stringify calls it). It is always true.
 */
export abstract class GoObject {
  /** The Go type as %T prints it: "time.Time", "*semver.Version". */
  abstract readonly goType: string;
  /** Its reflect.Kind: "struct", "ptr". */
  abstract readonly goKind: string;
  /** Its exported methods, bound to it (a method without arguments reads like a field: `.Major`). */
  abstract get [METHODS](): Methods;
  /** Go's String method. */
  abstract toString(): string;
  /** Go's MarshalJSON, as JSON data. */
  abstract toJSON(): unknown;
}

export function isMap(v: unknown): v is Record<string, GoValue> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof GoObject);
}

export function isNumber(v: unknown): v is bigint | number {
  return typeof v === "bigint" || typeof v === "number";
}

/** Go's truth: false, 0, nil, and empty strings, slices and maps are false; everything else true. */
export function isTrue(v: GoValue): boolean {
  if (v === null || v === NO_VALUE) return false;
  switch (typeof v) {
    case "boolean":
      return v;
    case "bigint":
      return v !== 0n;
    case "number":
      return v !== 0;
    case "string":
      return v.length > 0;
    case "function":
      return true;
    default:
      if (v instanceof GoObject) return true;
      return Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0;
  }
}

/** A float64 as Go's %v prints it (strconv 'g', shortest): exponent form when the exponent is < -4 or >= 6. */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Number.POSITIVE_INFINITY) return "+Inf";
  if (f === Number.NEGATIVE_INFINITY) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mantissa, expText] = f.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${e < 10 ? `0${e}` : e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${"0".repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** fmt's %v of a value (print, the output of an action). */
export function formatValue(v: GoValue): string {
  if (v === NO_VALUE) return "<no value>";
  if (v === null) return "<nil>";
  switch (typeof v) {
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "number":
      return formatFloat(v);
    case "string":
      return v;
    case "function":
      return "<func>";
  }
  if (v instanceof GoObject) return v.toString();
  const stringer = (v as { [STRINGER]?: () => string })[STRINGER];
  if (stringer) return stringer();
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x)).join(" ")}]`;
  const keys = Object.keys(v).sort();
  return `map[${keys.map((k) => `${k}:${formatValue(v[k]!)}`).join(" ")}]`;
}

/** reflect.Kind's name of a value (sprig's kindOf): "invalid" for nil, "slice", "map", "int", "float64" … */
export function goKind(v: GoValue): string {
  if (v === null || v === NO_VALUE) return "invalid";
  if (Array.isArray(v)) return "slice";
  if (v instanceof GoObject) return v.goKind;
  if (isMap(v)) return "map";
  return goTypeName(v);
}

/** The Go type a value stands for, as %T prints it. */
export function goTypeName(v: GoValue): string {
  if (v === null || v === NO_VALUE) return "<nil>";
  switch (typeof v) {
    case "boolean":
      return "bool";
    case "bigint":
      return "int";
    case "number":
      return "float64";
    case "string":
      return "string";
    case "function":
      return "func";
  }
  if (v instanceof GoObject) return v.goType;
  return Array.isArray(v) ? "[]interface {}" : "map[string]interface {}";
}
