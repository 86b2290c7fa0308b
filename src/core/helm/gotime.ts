/**
 * The part of Go's `time` package sprig's date functions use, as Go 1.2x has it: a `time.Time` as a
 * GoValue (`GoTime`: an instant to the nanosecond and a location), `Format` and `ParseInLocation` with
 * every layout element of the reference time "Mon Jan 2 15:04:05 MST 2006" (`.000`/`.999`/`,000`
 * fractions, `_2`, `__2`, `002`, `Z07:00`, `-0700`, `-07:00:00`, `MST` …), `String`
 * ("2006-01-02 15:04:05.999999999 -0700 MST", without the monotonic clock reading Go appends to `Now`),
 * MarshalJSON, `Duration.String`, `ParseDuration` and `Duration.Round`.
 *
 * Locations: `UTC`, fixed zones (what parsing an offset or an unknown abbreviation makes), and IANA zones
 * (`LoadLocation`) through Intl, which gives the exact offset at any instant. Intl does not give the
 * tz database's abbreviations, so a zone's `MST` is the English (en-US) short name when it is one of
 * those, else a short table of the common ones elsewhere (CET, JST, AEST …), else the offset as tzdata
 * writes it ("+0530", "-03"). `Local` is UTC: the core reads no environment, so it behaves as Go does
 * with TZ=UTC (its times print "+0000 UTC").
 */
import { FuncError } from "./template/exec.ts";
import { GoObject, type GoValue, goTypeName, METHODS, type Methods, NO_VALUE } from "./template/values.ts";

/** A zone in effect: its abbreviation and its offset in seconds east of UTC. */
export interface Zone {
  name: string;
  offset: number;
}

/** A *time.Location. */
export interface Location {
  readonly name: string;
  lookup(unixSec: number): Zone;
}

function fixed(name: string, zone: Zone): Location {
  return { name, lookup: () => zone };
}

export const UTC: Location = fixed("UTC", { name: "UTC", offset: 0 });

/** time.Local: UTC here (no environment in the core), named "Local" as Go names it. */
export const LOCAL: Location = fixed("Local", { name: "UTC", offset: 0 });

/** time.FixedZone. */
export function fixedZone(name: string, offset: number): Location {
  return fixed(name, { name, offset });
}

const locations = new Map<string, Location | undefined>();

/** time.LoadLocation: "" and "UTC" are UTC, "Local" is Local, any other an IANA name (undefined if unknown). */
export function loadLocation(name: string): Location | undefined {
  if (name === "" || name === "UTC") return UTC;
  if (name === "Local") return LOCAL;
  if (!locations.has(name)) locations.set(name, ianaLocation(name));
  return locations.get(name);
}

/** An IANA zone through Intl; names are case-sensitive (they are file names to Go). */
function ianaLocation(name: string): Location | undefined {
  if (!/^[A-Za-z]/.test(name) || name.includes("..")) return undefined;
  let offsets: Intl.DateTimeFormat;
  let names: Intl.DateTimeFormat;
  try {
    offsets = new Intl.DateTimeFormat("en-US", { timeZone: name, timeZoneName: "longOffset" });
    names = new Intl.DateTimeFormat("en-US", { timeZone: name, timeZoneName: "short" });
  } catch {
    return undefined;
  }
  const canonical = offsets.resolvedOptions().timeZone;
  // Intl accepts any case; Go (and the file system it reads) does not. Aliases resolve to other names.
  if (canonical !== name && canonical.toLowerCase() === name.toLowerCase()) return undefined;
  const part = (f: Intl.DateTimeFormat, ms: number) =>
    f.formatToParts(new Date(ms)).find((p) => p.type === "timeZoneName")?.value ?? "";
  const offsetAt = (ms: number) => {
    const m = /^GMT(?:([+-])(\d\d):(\d\d)(?::(\d\d))?)?$/.exec(part(offsets, ms));
    if (!m?.[1]) return 0;
    const s = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
    return m[1] === "-" ? -s : s;
  };
  const table = ABBREVIATIONS.get(canonical) ?? ABBREVIATIONS.get(name);
  return {
    name,
    lookup(unixSec) {
      // Intl covers ±8.64e15 ms; beyond it the zone's rules at the edge apply.
      const ms = Math.max(-8.64e15, Math.min(8.64e15, unixSec * 1000));
      const offset = offsetAt(ms);
      const english = part(names, ms);
      if (/^(?:[A-Z][A-Za-z]{1,4}T|UTC|GMT)$/.test(english)) return { name: english, offset };
      if (table) {
        const [std, dst] = table;
        if (dst === undefined) return { name: std, offset };
        // Standard time is the smaller of the year's offsets (Dublin's winter "GMT" too).
        const year = civil(Math.floor(ms / 86_400_000)).year;
        const standard = Math.min(offsetAt(utcMs(year, 0)), offsetAt(utcMs(year, 6)));
        return { name: offset > standard ? dst : std, offset };
      }
      return { name: numericZone(offset), offset };
    },
  };
}

/** The first of a month (0–11), UTC, in milliseconds, for any year (Date.UTC maps 0–99 to 1900–1999). */
function utcMs(year: number, month0: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month0, 1);
  return Math.max(-8.64e15, Math.min(8.64e15, d.getTime() || 0));
}

/** tzdata's name for a zone without letters: "+05", "+0530", "-03". */
function numericZone(offset: number): string {
  const sign = offset < 0 ? "-" : "+";
  const a = Math.abs(offset);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  return `${sign}${pad(h, 2)}${m || s ? pad(m, 2) : ""}${s ? pad(s, 2) : ""}`;
}

/**
 * tzdata's lettered abbreviations outside North America (en-US names those): "STD/DST" and the zones that
 * use them. A zone not here and not named by en-US gets tzdata's numeric form.
 */
const ABBREVIATIONS = new Map<string, [string, string?]>(
  [
    "CET/CEST:Europe/Amsterdam Europe/Andorra Europe/Belgrade Europe/Berlin Europe/Bratislava Europe/Brussels Europe/Budapest Europe/Busingen Europe/Copenhagen Europe/Gibraltar Europe/Ljubljana Europe/Luxembourg Europe/Madrid Europe/Malta Europe/Monaco Europe/Oslo Europe/Paris Europe/Podgorica Europe/Prague Europe/Rome Europe/San_Marino Europe/Sarajevo Europe/Skopje Europe/Stockholm Europe/Tirane Europe/Vaduz Europe/Vatican Europe/Vienna Europe/Warsaw Europe/Zagreb Europe/Zurich Africa/Ceuta Arctic/Longyearbyen Atlantic/Jan_Mayen Poland CET",
    "CET:Africa/Algiers Africa/Tunis",
    "EET/EEST:Europe/Athens Europe/Bucharest Europe/Chisinau Europe/Helsinki Europe/Kiev Europe/Kyiv Europe/Mariehamn Europe/Riga Europe/Sofia Europe/Tallinn Europe/Uzhgorod Europe/Vilnius Europe/Zaporozhye Europe/Nicosia Asia/Beirut Asia/Famagusta Asia/Nicosia Asia/Gaza Asia/Hebron Africa/Cairo Egypt EET",
    "EET:Europe/Kaliningrad Africa/Tripoli Libya",
    "WET/WEST:Europe/Lisbon Portugal Atlantic/Madeira Atlantic/Canary Atlantic/Faroe Atlantic/Faeroe WET",
    "GMT/BST:Europe/London Europe/Belfast Europe/Guernsey Europe/Isle_of_Man Europe/Jersey GB GB-Eire",
    "GMT/IST:Europe/Dublin Eire",
    "MSK:Europe/Moscow Europe/Simferopol Europe/Kirov Europe/Volgograd W-SU",
    "IST:Asia/Kolkata Asia/Calcutta",
    "IST/IDT:Asia/Jerusalem Asia/Tel_Aviv Israel",
    "PKT:Asia/Karachi",
    "JST:Asia/Tokyo Japan",
    "KST:Asia/Seoul Asia/Pyongyang ROK",
    "HKT:Asia/Hong_Kong Hongkong",
    "CST:Asia/Shanghai Asia/Chongqing Asia/Chungking Asia/Harbin Asia/Taipei Asia/Macau Asia/Macao PRC ROC",
    "WIB:Asia/Jakarta Asia/Pontianak",
    "WITA:Asia/Makassar Asia/Ujung_Pandang",
    "WIT:Asia/Jayapura",
    "CAT:Africa/Maputo Africa/Harare Africa/Lusaka Africa/Blantyre Africa/Bujumbura Africa/Gaborone Africa/Kigali Africa/Lubumbashi Africa/Juba Africa/Khartoum Africa/Windhoek",
    "EAT:Africa/Nairobi Africa/Addis_Ababa Africa/Asmara Africa/Asmera Africa/Dar_es_Salaam Africa/Djibouti Africa/Kampala Africa/Mogadishu Indian/Antananarivo Indian/Comoro Indian/Mayotte",
    "WAT:Africa/Lagos Africa/Bangui Africa/Brazzaville Africa/Douala Africa/Kinshasa Africa/Libreville Africa/Luanda Africa/Malabo Africa/Niamey Africa/Porto-Novo Africa/Ndjamena",
    "SAST:Africa/Johannesburg Africa/Maseru Africa/Mbabane",
    "AEST/AEDT:Australia/Sydney Australia/Melbourne Australia/Hobart Australia/Canberra Australia/ACT Australia/NSW Australia/Victoria Australia/Tasmania Australia/Currie",
    "AEST:Australia/Brisbane Australia/Lindeman Australia/Queensland",
    "ACST/ACDT:Australia/Adelaide Australia/Broken_Hill Australia/South Australia/Yancowinna",
    "ACST:Australia/Darwin Australia/North",
    "AWST:Australia/Perth Australia/West",
    "NZST/NZDT:Pacific/Auckland Antarctica/McMurdo Antarctica/South_Pole NZ",
    "ChST:Pacific/Guam Pacific/Saipan",
    "SST:Pacific/Pago_Pago Pacific/Samoa Pacific/Midway US/Samoa",
  ].flatMap((line) => {
    const [names, zones] = line.split(":") as [string, string];
    const pair = names.split("/") as [string, string?];
    return zones.split(" ").map((z) => [z, pair] as [string, [string, string?]]);
  }),
);

// Calendar arithmetic on days since 1970-01-01 (proleptic Gregorian, any year).

const DAY = 86_400;
/** Unix seconds of Go's zero Time, January 1, year 1, 00:00:00 UTC. */
const ZERO_UNIX = -62_135_596_800;

/** The civil date of a day number (Howard Hinnant's algorithm). */
function civil(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** The day number of a civil date; month 1–12, day may overflow (it counts on). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const LONG_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const LONG_MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const SHORT_DAYS = LONG_DAYS.map((d) => d.slice(0, 3));
const SHORT_MONTHS = LONG_MONTHS.map((m) => m.slice(0, 3));

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? `-${s}` : s;
}

/** Floor division and remainder: norm(hi, lo, base) of Go's time.Date. */
function norm(hi: number, lo: number, base: number): [number, number] {
  const carry = Math.floor(lo / base);
  return [hi + carry, lo - carry * base];
}

/** The failure of a Go typed parameter given another type (text/template's message). */
export function wrongType(want: string, v: GoValue | undefined): never {
  throw new FuncError(
    v === undefined || v === null || v === NO_VALUE
      ? `invalid value; expected ${want}`
      : `wrong type for value; expected ${want}; got ${goTypeName(v)}`,
  );
}

/** A Go time.Time: Unix seconds, nanoseconds (0–999999999) and a location. */
export class GoTime extends GoObject {
  readonly goType = "time.Time";
  readonly goKind = "struct";

  constructor(
    readonly sec: number,
    readonly nsec: number,
    readonly loc: Location = UTC,
  ) {
    super();
  }

  /** time.Unix(sec, nsec) in Local. */
  static unix(sec: number, nsec = 0): GoTime {
    const [s, n] = norm(sec, nsec, 1e9);
    return new GoTime(s, n, LOCAL);
  }

  /** A JavaScript Date as a time in Local. */
  static fromDate(d: Date): GoTime {
    const ms = d.getTime();
    return GoTime.unix(Math.floor(ms / 1000), (ms - Math.floor(ms / 1000) * 1000) * 1e6);
  }

  /** Go's zero Time (0001-01-01 00:00:00 UTC). */
  static readonly zero = new GoTime(ZERO_UNIX, 0, UTC);

  isZero(): boolean {
    return this.sec === ZERO_UNIX && this.nsec === 0;
  }

  in(loc: Location): GoTime {
    return new GoTime(this.sec, this.nsec, loc);
  }

  /** t.Add(d) of a Duration in nanoseconds. */
  add(d: bigint): GoTime {
    const total = BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec) + d;
    const sec = total / 1_000_000_000n - (total % 1_000_000_000n < 0n ? 1n : 0n);
    return new GoTime(Number(sec), Number(total - sec * 1_000_000_000n), this.loc);
  }

  /** t.Sub(u) in nanoseconds (without Go's saturation at ±292 years). */
  sub(u: GoTime): bigint {
    return BigInt(this.sec - u.sec) * 1_000_000_000n + BigInt(this.nsec - u.nsec);
  }

  private fields() {
    const zone = this.loc.lookup(this.sec);
    const local = this.sec + zone.offset;
    const days = Math.floor(local / DAY);
    const secOfDay = local - days * DAY;
    const { year, month, day } = civil(days);
    return {
      zone,
      year,
      month,
      day,
      yday: days - daysFromCivil(year, 1, 1) + 1,
      weekday: (((days + 4) % 7) + 7) % 7,
      hour: Math.floor(secOfDay / 3600),
      minute: Math.floor((secOfDay % 3600) / 60),
      second: secOfDay % 60,
    };
  }

  /** Time.Format. */
  format(layout: string): string {
    const f = this.fields();
    let out = "";
    let rest = layout;
    while (rest !== "") {
      const { prefix, std, suffix, arg } = nextStdChunk(rest);
      out += prefix;
      if (std === "") break;
      rest = suffix;
      switch (std) {
        case "06":
          out += pad(Math.abs(f.year) % 100, 2);
          break;
        case "2006":
          out += pad(f.year, 4);
          break;
        case "Jan":
          out += SHORT_MONTHS[f.month - 1];
          break;
        case "January":
          out += LONG_MONTHS[f.month - 1];
          break;
        case "1":
          out += f.month;
          break;
        case "01":
          out += pad(f.month, 2);
          break;
        case "Mon":
          out += SHORT_DAYS[f.weekday];
          break;
        case "Monday":
          out += LONG_DAYS[f.weekday];
          break;
        case "2":
          out += f.day;
          break;
        case "_2":
          out += (f.day < 10 ? " " : "") + f.day;
          break;
        case "02":
          out += pad(f.day, 2);
          break;
        case "__2":
          out += (f.yday < 100 ? (f.yday < 10 ? "  " : " ") : "") + f.yday;
          break;
        case "002":
          out += pad(f.yday, 3);
          break;
        case "15":
          out += pad(f.hour, 2);
          break;
        case "3":
          out += f.hour % 12 || 12;
          break;
        case "03":
          out += pad(f.hour % 12 || 12, 2);
          break;
        case "4":
          out += f.minute;
          break;
        case "04":
          out += pad(f.minute, 2);
          break;
        case "5":
          out += f.second;
          break;
        case "05":
          out += pad(f.second, 2);
          break;
        case "PM":
          out += f.hour >= 12 ? "PM" : "AM";
          break;
        case "pm":
          out += f.hour >= 12 ? "pm" : "am";
          break;
        case "MST":
          out += f.zone.name !== "" ? f.zone.name : offsetText(f.zone.offset, "-0700");
          break;
        case "frac0":
        case "frac9":
          out += fraction(this.nsec, arg!, std === "frac9");
          break;
        default:
          // The numeric zones; the Z forms print Z for UTC.
          out += std.startsWith("Z") && f.zone.offset === 0 ? "Z" : offsetText(f.zone.offset, std);
      }
    }
    return out;
  }

  /** Time.String, without the monotonic clock reading. */
  override toString(): string {
    return this.format("2006-01-02 15:04:05.999999999 -0700 MST");
  }

  /** Time.MarshalJSON: RFC 3339 with nanoseconds, for years 0–9999. */
  override toJSON(): string {
    const { year } = this.fields();
    if (year < 0 || year > 9999) throw new Error("Time.MarshalJSON: year outside of range [0,9999]");
    return this.format("2006-01-02T15:04:05.999999999Z07:00");
  }

  override get [METHODS](): Methods {
    const f = () => this.fields();
    return {
      Format: (layout) => this.format(stringArg(layout)),
      String: () => this.toString(),
      Unix: () => BigInt(this.sec),
      UnixMilli: () => BigInt(this.sec) * 1000n + BigInt(Math.floor(this.nsec / 1e6)),
      UnixMicro: () => BigInt(this.sec) * 1_000_000n + BigInt(Math.floor(this.nsec / 1e3)),
      UnixNano: () => BigInt(this.sec) * 1_000_000_000n + BigInt(this.nsec),
      Year: () => BigInt(f().year),
      YearDay: () => BigInt(f().yday),
      Day: () => BigInt(f().day),
      Hour: () => BigInt(f().hour),
      Minute: () => BigInt(f().minute),
      Second: () => BigInt(f().second),
      Nanosecond: () => BigInt(this.nsec),
      IsZero: () => this.isZero(),
      UTC: () => this.in(UTC),
      Local: () => this.in(LOCAL),
      AddDate: (y, m, d) => {
        const t = f();
        return date(
          t.year + intArg(y),
          t.month + intArg(m),
          t.day + intArg(d),
          t.hour,
          t.minute,
          t.second,
          this.nsec,
          this.loc,
        );
      },
      Before: (u) => this.sub(timeArg(u)) < 0n,
      After: (u) => this.sub(timeArg(u)) > 0n,
      Equal: (u) => this.sub(timeArg(u)) === 0n,
    };
  }
}

function stringArg(v: GoValue | undefined): string {
  return typeof v === "string" ? v : wrongType("string", v);
}

function intArg(v: GoValue | undefined): number {
  return typeof v === "bigint" ? Number(v) : wrongType("int", v);
}

function timeArg(v: GoValue | undefined): GoTime {
  return v instanceof GoTime ? v : wrongType("time.Time", v);
}

/** time.Date: the fields normalized (month 13 is next January, second 60 the next minute …) in `loc`. */
export function date(
  year: number,
  month: number,
  day: number,
  hour: number,
  min: number,
  sec: number,
  nsec: number,
  loc: Location,
): GoTime {
  let m = month - 1;
  [year, m] = norm(year, m, 12);
  [sec, nsec] = norm(sec, nsec, 1e9);
  [min, sec] = norm(min, sec, 60);
  [hour, min] = norm(hour, min, 60);
  [day, hour] = norm(day, hour, 24);
  const days = daysFromCivil(year, m + 1, 1) + day - 1;
  let unix = days * DAY + hour * 3600 + min * 60 + sec;
  // The offset in effect at that wall time: look it up as if UTC, then again at the instant it gives.
  const guess = loc.lookup(unix).offset;
  const offset = guess === 0 ? 0 : loc.lookup(unix - guess).offset;
  unix -= offset;
  return new GoTime(unix, nsec, loc);
}

/** A numeric zone element of the layout ("-0700", "Z07:00", "-07:00:00" …) for `offset` seconds. */
function offsetText(offset: number, std: string): string {
  let zone = Math.trunc(offset / 60);
  let abs = offset;
  let out = "+";
  if (zone < 0) {
    out = "-";
    zone = -zone;
    abs = -abs;
  }
  out += pad(Math.floor(zone / 60), 2);
  const colon = std.includes(":");
  if (colon) out += ":";
  if (std !== "-07" && std !== "Z07") out += pad(zone % 60, 2);
  if (std.endsWith("070000") || std.endsWith(":00:00")) out += (colon ? ":" : "") + pad(abs % 60, 2);
  return out;
}

/** appendNano: `digits` places (separator first), trailing zeros dropped for the 9 forms. */
function fraction(nsec: number, arg: { digits: number; sep: string }, trim: boolean): string {
  if (trim && (arg.digits === 0 || nsec === 0)) return "";
  let digits = String(nsec).padStart(9, "0");
  if (arg.digits < 9) digits = digits.slice(0, arg.digits);
  if (trim) digits = digits.replace(/0+$/, "");
  return trim && digits === "" ? "" : arg.sep + digits;
}

interface Chunk {
  prefix: string;
  /** The layout element ("" when none is left), "frac0"/"frac9" for fractional seconds. */
  std: string;
  suffix: string;
  arg?: { digits: number; sep: string };
}

const NUMERIC_ZONES = ["-070000", "-07:00:00", "-0700", "-07:00", "-07"];
const ISO_ZONES = ["Z070000", "Z07:00:00", "Z0700", "Z07:00", "Z07"];

const isLower = (c: string | undefined) => c !== undefined && c >= "a" && c <= "z";
const isDigitAt = (s: string, i: number) => i < s.length && s[i]! >= "0" && s[i]! <= "9";

/** Go's nextStdChunk: the text before the first layout element, the element, and the text after. */
function nextStdChunk(layout: string): Chunk {
  const at = (i: number, std: string, len = std.length): Chunk => ({
    prefix: layout.slice(0, i),
    std,
    suffix: layout.slice(i + len),
  });
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i]!;
    const rest = layout.slice(i);
    switch (c) {
      case "J":
        if (rest.startsWith("Jan")) {
          if (rest.startsWith("January")) return at(i, "January");
          if (!isLower(rest[3])) return at(i, "Jan");
        }
        break;
      case "M":
        if (rest.startsWith("Mon")) {
          if (rest.startsWith("Monday")) return at(i, "Monday");
          if (!isLower(rest[3])) return at(i, "Mon");
        }
        if (rest.startsWith("MST")) return at(i, "MST");
        break;
      case "0":
        if (rest.length >= 2 && rest[1]! >= "1" && rest[1]! <= "6") return at(i, rest.slice(0, 2));
        if (rest.startsWith("002")) return at(i, "002");
        break;
      case "1":
        if (rest[1] === "5") return at(i, "15");
        return at(i, "1");
      case "2":
        if (rest.startsWith("2006")) return at(i, "2006");
        return at(i, "2");
      case "_":
        if (rest[1] === "2") {
          // _2006 is a literal _ and the long year.
          if (rest.startsWith("_2006"))
            return { prefix: layout.slice(0, i + 1), std: "2006", suffix: rest.slice(5) };
          return at(i, "_2");
        }
        if (rest.startsWith("__2")) return at(i, "__2");
        break;
      case "3":
      case "4":
      case "5":
        return at(i, c);
      case "P":
        if (rest[1] === "M") return at(i, "PM");
        break;
      case "p":
        if (rest[1] === "m") return at(i, "pm");
        break;
      case "-":
      case "Z": {
        const zone = (c === "-" ? NUMERIC_ZONES : ISO_ZONES).find((z) => rest.startsWith(z));
        if (zone) return at(i, zone);
        break;
      }
      case ".":
      case ",":
        if (rest[1] === "0" || rest[1] === "9") {
          const ch = rest[1];
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) {
            return {
              prefix: layout.slice(0, i),
              std: ch === "0" ? "frac0" : "frac9",
              suffix: layout.slice(j),
              arg: { digits: j - (i + 1), sep: c },
            };
          }
        }
        break;
    }
  }
  return { prefix: layout, std: "", suffix: "" };
}

/** Go's time.ParseError text. */
function quote(s: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(s)) {
    if (byte >= 0x80 || byte < 0x20) out += `\\x${byte.toString(16).padStart(2, "0")}`;
    else {
      const ch = String.fromCharCode(byte);
      out += ch === '"' || ch === "\\" ? `\\${ch}` : ch;
    }
  }
  return `${out}"`;
}

class ParseError extends Error {
  constructor(layout: string, value: string, layoutElem: string, valueElem: string, message = "") {
    super(
      message === ""
        ? `parsing time ${quote(value)} as ${quote(layout)}: cannot parse ${quote(valueElem)} as ${quote(layoutElem)}`
        : `parsing time ${quote(value)}${message}`,
    );
  }
}

const BAD = Symbol("bad");

function getnum(s: string, fixedWidth: boolean): [number, string] | typeof BAD {
  if (!isDigitAt(s, 0)) return BAD;
  if (!isDigitAt(s, 1)) return fixedWidth ? BAD : [Number(s[0]), s.slice(1)];
  return [Number(s.slice(0, 2)), s.slice(2)];
}

function getnum3(s: string, fixedWidth: boolean): [number, string] | typeof BAD {
  let i = 0;
  while (i < 3 && isDigitAt(s, i)) i++;
  if (i === 0 || (fixedWidth && i !== 3)) return BAD;
  return [Number(s.slice(0, i)), s.slice(i)];
}

/** skip: the layout's literal text, runs of spaces matching runs of spaces. */
function skip(value: string, prefix: string): string | typeof BAD {
  while (prefix.length > 0) {
    if (prefix[0] === " ") {
      if (value.length > 0 && value[0] !== " ") return BAD;
      prefix = prefix.replace(/^ +/, "");
      value = value.replace(/^ +/, "");
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return BAD;
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function lookupTable(table: string[], value: string): [number, string] | typeof BAD {
  for (let i = 0; i < table.length; i++) {
    const v = table[i]!;
    if (value.length >= v.length && value.slice(0, v.length).toLowerCase() === v.toLowerCase())
      return [i, value.slice(v.length)];
  }
  return BAD;
}

/** A signed offset "+03", "-4" (hours ≤ 23): its length, or 0. */
function signedOffsetLength(value: string): number {
  if (value[0] !== "+" && value[0] !== "-") return 0;
  const m = /^\d+/.exec(value.slice(1));
  if (!m || Number(m[0]) > 23) return 0;
  return 1 + m[0].length;
}

/** parseTimeZone: the length of the abbreviation at the start of value, or 0. */
function timeZoneLength(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith("ChST") || value.startsWith("MeST")) return 4;
  if (value.startsWith("GMT")) return 3 + (value.length > 3 ? signedOffsetLength(value.slice(3)) : 0);
  if (value[0] === "+" || value[0] === "-") return signedOffsetLength(value);
  let upper = 0;
  while (upper < 6 && upper < value.length && value[upper]! >= "A" && value[upper]! <= "Z") upper++;
  switch (upper) {
    case 3:
      return 3;
    case 4:
      return value[3] === "T" || value.startsWith("WITA") ? 4 : 0;
    case 5:
      return value[4] === "T" ? 5 : 0;
    default:
      return 0;
  }
}

function parseNanoseconds(value: string, nbytes: number): number | typeof BAD {
  if (value[0] !== "." && value[0] !== ",") return BAD;
  const digits = value.slice(1, Math.min(nbytes, 10));
  if (!/^\d+$/.test(digits)) return BAD;
  return Number(digits) * 10 ** (9 - digits.length);
}

/** time.ParseInLocation (parse with `loc` as default and local location). */
export function parseInLocation(layout: string, value: string, loc: Location): GoTime {
  const alayout = layout;
  const avalue = value;
  let rangeErr = "";
  let amSet = false;
  let pmSet = false;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let z: Location | undefined;
  let zoneOffset = -1;
  let zoneName = "";
  for (;;) {
    const { prefix, std, suffix, arg } = nextStdChunk(layout);
    const stdstr = layout.slice(prefix.length, layout.length - suffix.length);
    const skipped = skip(value, prefix);
    if (skipped === BAD) throw new ParseError(alayout, avalue, prefix, value);
    value = skipped;
    if (std === "") {
      if (value.length !== 0)
        throw new ParseError(alayout, avalue, "", value, `: extra text: ${quote(value)}`);
      break;
    }
    layout = suffix;
    const hold = value;
    const st = { bad: false };
    const num = (r: [number, string] | typeof BAD): number => {
      if (r === BAD) {
        st.bad = true;
        return 0;
      }
      value = r[1];
      return r[0];
    };
    switch (std) {
      case "06": {
        if (!/^[+-]?\d+$/.test(value.slice(0, 2)) || value.length < 2) {
          st.bad = true;
          break;
        }
        year = Number(value.slice(0, 2));
        value = value.slice(2);
        year += year >= 69 ? 1900 : 2000;
        break;
      }
      case "2006":
        if (value.length < 4 || !isDigitAt(value, 0) || !/^\d+$/.test(value.slice(0, 4))) {
          st.bad = true;
          break;
        }
        year = Number(value.slice(0, 4));
        value = value.slice(4);
        break;
      case "Jan":
      case "January":
        month = num(lookupTable(std === "Jan" ? SHORT_MONTHS : LONG_MONTHS, value)) + 1;
        break;
      case "1":
      case "01":
        month = num(getnum(value, std === "01"));
        if (!st.bad && (month <= 0 || month > 12)) rangeErr = "month";
        break;
      case "Mon":
      case "Monday":
        num(lookupTable(std === "Mon" ? SHORT_DAYS : LONG_DAYS, value));
        break;
      case "2":
      case "_2":
      case "02":
        if (std === "_2" && value[0] === " ") value = value.slice(1);
        day = num(getnum(value, std === "02"));
        break;
      case "__2":
      case "002":
        for (let i = 0; i < 2; i++) if (std === "__2" && value[0] === " ") value = value.slice(1);
        yday = num(getnum3(value, std === "002"));
        break;
      case "15":
        hour = num(getnum(value, false));
        if (hour < 0 || hour >= 24) rangeErr = "hour";
        break;
      case "3":
      case "03":
        hour = num(getnum(value, std === "03"));
        if (hour < 0 || hour > 12) rangeErr = "hour";
        break;
      case "4":
      case "04":
        min = num(getnum(value, std === "04"));
        if (min < 0 || min >= 60) rangeErr = "minute";
        break;
      case "5":
      case "05": {
        sec = num(getnum(value, std === "05"));
        if (st.bad) break;
        if (sec < 0 || sec >= 60) {
          rangeErr = "second";
          break;
        }
        // A fractional second in the value that the layout does not have.
        if (value.length >= 2 && (value[0] === "." || value[0] === ",") && isDigitAt(value, 1)) {
          const next = nextStdChunk(layout).std;
          if (next === "frac0" || next === "frac9") break;
          let n = 2;
          while (n < value.length && isDigitAt(value, n)) n++;
          const ns = parseNanoseconds(value, n);
          if (ns === BAD) st.bad = true;
          else nsec = ns;
          value = value.slice(n);
        }
        break;
      }
      case "PM":
      case "pm": {
        const p = value.slice(0, 2);
        if (value.length < 2) st.bad = true;
        else if (p === (std === "PM" ? "PM" : "pm")) pmSet = true;
        else if (p === (std === "PM" ? "AM" : "am")) amSet = true;
        else st.bad = true;
        if (!st.bad) value = value.slice(2);
        break;
      }
      case "MST": {
        if (value.startsWith("UTC")) {
          z = UTC;
          value = value.slice(3);
          break;
        }
        const n = timeZoneLength(value);
        if (n === 0) {
          st.bad = true;
          break;
        }
        zoneName = value.slice(0, n);
        value = value.slice(n);
        break;
      }
      case "frac0": {
        const ndigit = 1 + arg!.digits;
        if (value.length < ndigit) {
          st.bad = true;
          break;
        }
        const ns = parseNanoseconds(value, ndigit);
        if (ns === BAD) st.bad = true;
        else nsec = ns;
        value = value.slice(ndigit);
        break;
      }
      case "frac9": {
        if (value.length < 2 || (value[0] !== "." && value[0] !== ",") || !isDigitAt(value, 1)) break;
        let i = 0;
        while (i + 1 < value.length && isDigitAt(value, i + 1)) i++;
        const ns = parseNanoseconds(value, 1 + i);
        if (ns === BAD) st.bad = true;
        else nsec = ns;
        value = value.slice(1 + i);
        break;
      }
      default: {
        // The numeric and ISO 8601 zones.
        if (std.startsWith("Z") && value[0] === "Z") {
          value = value.slice(1);
          z = UTC;
          break;
        }
        let parts: [string, string, string, string];
        if (std === "Z07:00" || std === "-07:00") {
          if (value.length < 6 || value[3] !== ":") {
            st.bad = true;
            break;
          }
          parts = [value[0]!, value.slice(1, 3), value.slice(4, 6), "00"];
          value = value.slice(6);
        } else if (std === "-07" || std === "Z07") {
          if (value.length < 3) {
            st.bad = true;
            break;
          }
          parts = [value[0]!, value.slice(1, 3), "00", "00"];
          value = value.slice(3);
        } else if (std.endsWith(":00:00")) {
          if (value.length < 9 || value[3] !== ":" || value[6] !== ":") {
            st.bad = true;
            break;
          }
          parts = [value[0]!, value.slice(1, 3), value.slice(4, 6), value.slice(7, 9)];
          value = value.slice(9);
        } else if (std.endsWith("070000")) {
          if (value.length < 7) {
            st.bad = true;
            break;
          }
          parts = [value[0]!, value.slice(1, 3), value.slice(3, 5), value.slice(5, 7)];
          value = value.slice(7);
        } else {
          if (value.length < 5) {
            st.bad = true;
            break;
          }
          parts = [value[0]!, value.slice(1, 3), value.slice(3, 5), "00"];
          value = value.slice(5);
        }
        const [sign, hh, mm, ss] = parts;
        if (![hh, mm, ss].every((p) => /^\d\d$/.test(p))) {
          st.bad = true;
          break;
        }
        const [hr, mi, se] = [Number(hh), Number(mm), Number(ss)];
        if (hr > 24) rangeErr = "time zone offset hour";
        if (mi > 60) rangeErr = "time zone offset minute";
        if (se > 60) rangeErr = "time zone offset second";
        zoneOffset = (hr * 60 + mi) * 60 + se;
        if (sign === "-") zoneOffset = -zoneOffset;
        else if (sign !== "+") st.bad = true;
      }
    }
    if (rangeErr !== "") throw new ParseError(alayout, avalue, stdstr, value, `: ${rangeErr} out of range`);
    if (st.bad) throw new ParseError(alayout, avalue, stdstr, hold);
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;
  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365)
      throw new ParseError(alayout, avalue, "", value, ": day-of-year out of range");
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1;
      if (daysBefore(m + 1) < yday) m++;
      d = yday - daysBefore(m);
    }
    if (month >= 0 && month !== m)
      throw new ParseError(alayout, avalue, "", value, ": day-of-year does not match month");
    month = m;
    if (day >= 0 && day !== d)
      throw new ParseError(alayout, avalue, "", value, ": day-of-year does not match day");
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year))
    throw new ParseError(alayout, avalue, "", value, ": day out of range");
  if (z) return date(year, month, day, hour, min, sec, nsec, z);
  if (zoneOffset !== -1) {
    const t = date(year, month, day, hour, min, sec, nsec, UTC);
    const utc = new GoTime(t.sec - zoneOffset, t.nsec, UTC);
    const local = loc.lookup(utc.sec);
    if (local.offset === zoneOffset && (zoneName === "" || local.name === zoneName)) return utc.in(loc);
    return utc.in(fixedZone(zoneName, zoneOffset));
  }
  if (zoneName !== "") {
    const t = date(year, month, day, hour, min, sec, nsec, UTC);
    const offset = lookupName(loc, zoneName, t.sec);
    if (offset !== undefined) return new GoTime(t.sec - offset, t.nsec, loc);
    const gmt = zoneName.length > 3 && zoneName.startsWith("GMT") ? Number(zoneName.slice(3)) * 3600 : 0;
    return t.in(fixedZone(zoneName, gmt));
  }
  return date(year, month, day, hour, min, sec, nsec, loc);
}

/**
 * Location.lookupName: the offset of the location's zone called `name`, preferring one in effect around
 * `unix` (a wall time read as UTC). The zones are those in effect then and half a year either side.
 */
function lookupName(loc: Location, name: string, unix: number): number | undefined {
  const zones = [0, -183, 183].map((days) => loc.lookup(unix + days * DAY)).filter((z) => z.name === name);
  for (const zone of zones)
    if (loc.lookup(unix - zone.offset).name === name) return loc.lookup(unix - zone.offset).offset;
  return zones[0]?.offset;
}

/** Days before the first of `month` in a non-leap year (month 13: the whole year). */
function daysBefore(month: number): number {
  return [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365][month - 1]!;
}

// Durations: int64 nanoseconds, as bigints.

const SECOND = 1_000_000_000n;
const MAX_INT64 = (1n << 63n) - 1n;
const MIN_INT64 = -(1n << 63n);

/** time.Duration.String: "1h2m3.5s", "1.5ms", "0s". */
export function formatDuration(d: bigint): string {
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < SECOND) {
    if (u === 0n) return "0s";
    const [unit, size, prec] =
      u < 1000n ? ["ns", 1n, 0] : u < 1_000_000n ? ["µs", 1000n, 3] : (["ms", 1_000_000n, 6] as const);
    out = `${u / size}${frac(u % size, prec)}${unit}`;
  } else {
    out = `${(u / SECOND) % 60n}${frac(u % SECOND, 9)}s`;
    u /= SECOND * 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}

/** fmtFrac: the fraction of `prec` digits, trailing zeros and a bare point dropped. */
function frac(v: bigint, prec: number): string {
  if (prec === 0 || v === 0n) return "";
  return `.${v.toString().padStart(prec, "0").replace(/0+$/, "")}`;
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: SECOND,
  m: 60n * SECOND,
  h: 3600n * SECOND,
};

/** time.ParseDuration, to nanoseconds; an Error with Go's message when it does not parse. */
export function parseDuration(orig: string): bigint {
  const invalid = () => new Error(`time: invalid duration ${quote(orig)}`);
  let s = orig;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw invalid();
  let d = 0n;
  while (s !== "") {
    if (!(s[0] === "." || isDigitAt(s, 0))) throw invalid();
    const int = /^\d*/.exec(s)![0];
    s = s.slice(int.length);
    let v = 0n;
    for (const c of int) {
      if (v > (1n << 63n) / 10n) throw invalid();
      v = v * 10n + BigInt(c);
      if (v > 1n << 63n) throw invalid();
    }
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === ".") {
      s = s.slice(1);
      const digits = /^\d*/.exec(s)![0];
      s = s.slice(digits.length);
      post = digits.length > 0;
      let overflow = false;
      for (const c of digits) {
        if (overflow) continue;
        if (f > ((1n << 63n) - 1n) / 10n) {
          overflow = true;
          continue;
        }
        const y = f * 10n + BigInt(c);
        if (y > 1n << 63n) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
    }
    if (int.length === 0 && !post) throw invalid();
    const u = /^[^.0-9]*/.exec(s)![0];
    if (u.length === 0) throw new Error(`time: missing unit in duration ${quote(orig)}`);
    s = s.slice(u.length);
    const unit = UNITS[u];
    if (unit === undefined) throw new Error(`time: unknown unit ${quote(u)} in duration ${quote(orig)}`);
    if (v > (1n << 63n) / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      // float64, as Go computes it: nanosecond-exact for fractions of hours.
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > 1n << 63n) throw invalid();
    }
    d += v;
    if (d > 1n << 63n) throw invalid();
  }
  if (neg) return -d;
  if (d > MAX_INT64) throw invalid();
  return d;
}

/** time.Duration.Round: to the nearest multiple of m, halves away from zero, saturating. */
export function roundDuration(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d;
  let r = d % m;
  if (d < 0n) {
    r = -r;
    if (r + r < m) return d + r;
    const d1 = d - m + r;
    return d1 < d && d1 >= MIN_INT64 ? d1 : MIN_INT64;
  }
  if (r + r < m) return d - r;
  const d1 = d + m - r;
  return d1 > d && d1 <= MAX_INT64 ? d1 : MAX_INT64;
}
