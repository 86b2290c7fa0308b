/**
 * Sprig's date functions (date.go), over gotime.ts: `now`, `date`, `dateInZone`, `htmlDate`,
 * `htmlDateInZone`, `dateModify`, `mustDateModify`, `toDate`, `mustToDate`, `unixEpoch`, `ago`, `duration`,
 * `durationRound`, and the snake_case aliases. The clock is the caller's (`now`); a result that depends on
 * it is reported to `nondeterministic` with the function's name.
 *
 * As in the rest of the port, a bigint is taken for any Go integer: sprig accepts int, int32 and int64
 * seconds in `date`, but only int64 in `duration` and `durationRound`, a difference the values cannot show.
 */
import {
  formatDuration,
  GoTime,
  LOCAL,
  loadLocation,
  parseDuration,
  parseInLocation,
  roundDuration,
  UTC,
  wrongType,
} from "./gotime.ts";
import { FuncError } from "./template/exec.ts";
import type { GoFunction, GoValue } from "./template/values.ts";

export interface Clock {
  /** The current time (time.Now()), in Local. */
  now(): GoTime;
  /** Called with a function's name when its result depends on the clock. */
  nondeterministic(name: string): void;
}

const SECOND = 1_000_000_000n;
const MAX_INT64 = (1n << 63n) - 1n;

/** A string parameter: Go's template refuses anything else. */
function str(v: GoValue | undefined): string {
  return typeof v === "string" ? v : wrongType("string", v);
}

function time(v: GoValue | undefined): GoTime {
  return v instanceof GoTime ? v : wrongType("time.Time", v);
}

export function timeFunctions(clock: Clock): Record<string, GoFunction> {
  const now = (name: string): GoTime => {
    clock.nondeterministic(name);
    return clock.now();
  };
  /** A time.Time, or int seconds since the epoch; anything else is now. */
  const instant = (v: GoValue | undefined, name: string): GoTime => {
    if (v instanceof GoTime) return v;
    if (typeof v === "bigint") return GoTime.unix(Number(v));
    return now(name);
  };
  const dateInZone = (name: string, layout: GoValue | undefined, d: GoValue | undefined, zone: string) =>
    instant(d, name)
      .in(loadLocation(zone) ?? UTC)
      .format(str(layout));
  const modify = (spec: GoValue | undefined, d: GoValue | undefined): GoTime => {
    const t = time(d);
    return t.add(parseDuration(str(spec)));
  };
  const f: Record<string, GoFunction> = {
    now: () => now("now"),
    date: (layout, d) => dateInZone("date", layout, d, "Local"),
    dateInZone: (layout, d, zone) => dateInZone("dateInZone", layout, d, str(zone)),
    htmlDate: (d) => dateInZone("htmlDate", "2006-01-02", d, "Local"),
    htmlDateInZone: (d, zone) => dateInZone("htmlDateInZone", "2006-01-02", d, str(zone)),
    dateModify: (spec, d) => {
      const t = time(d);
      try {
        return modify(spec, t);
      } catch (error) {
        if (error instanceof FuncError) throw error;
        return t;
      }
    },
    mustDateModify: (spec, d) => {
      try {
        return modify(spec, d);
      } catch (error) {
        if (error instanceof FuncError) throw error;
        throw new FuncError((error as Error).message);
      }
    },
    toDate: (layout, s) => {
      try {
        return parseInLocation(str(layout), str(s), LOCAL);
      } catch (error) {
        if (error instanceof FuncError) throw error;
        return GoTime.zero;
      }
    },
    mustToDate: (layout, s) => {
      try {
        return parseInLocation(str(layout), str(s), LOCAL);
      } catch (error) {
        if (error instanceof FuncError) throw error;
        throw new FuncError((error as Error).message);
      }
    },
    unixEpoch: (d) => String(time(d).sec),
    // time.Since(t).Round(time.Second): ints are seconds since the epoch, anything else now.
    ago: (d) => {
      const current = now("ago");
      const t = d instanceof GoTime ? d : typeof d === "bigint" ? GoTime.unix(Number(d)) : current;
      return formatDuration(roundDuration(current.sub(t), SECOND));
    },
    // (time.Duration(n) * time.Second).String() of int64 seconds or a string strconv.ParseInt reads
    // (out of range: clamped, as ParseInt returns it; int64 multiplication wraps).
    duration: (sec) => {
      let n = 0n;
      if (typeof sec === "string" && /^[+-]?\d+$/.test(sec)) {
        n = BigInt(sec);
        if (n > MAX_INT64) n = MAX_INT64;
        if (n < -MAX_INT64 - 1n) n = -MAX_INT64 - 1n;
      } else if (typeof sec === "bigint") n = sec;
      return formatDuration(BigInt.asIntN(64, n * SECOND));
    },
    durationRound: (d) => {
      let ns = 0n;
      if (typeof d === "string") {
        try {
          ns = parseDuration(d);
        } catch {
          ns = 0n;
        }
      } else if (typeof d === "bigint") ns = d;
      else if (d instanceof GoTime) ns = now("durationRound").sub(d);
      return durationRound(ns);
    },
  };
  f.date_in_zone = f.dateInZone!;
  f.date_modify = f.dateModify!;
  f.must_date_modify = f.mustDateModify!;
  return f;
}

/** sprig's durationRound: the largest unit the duration exceeds (y = 365 days, mo = 30 days), truncated. */
function durationRound(d: bigint): string {
  const u = d < 0n ? -d : d;
  const hour = 3600n * SECOND;
  const steps: Array<[bigint, string]> = [
    [hour * 24n * 365n, "y"],
    [hour * 24n * 30n, "mo"],
    [hour * 24n, "d"],
    [hour, "h"],
    [60n * SECOND, "m"],
    [SECOND, "s"],
  ];
  for (const [size, unit] of steps) if (u > size) return `${u / size}${unit}`;
  return "0s";
}
