/**
 * Wall clocks and dates in a time zone (America/New_York by default), DST-aware through the tz database (Intl):
 * the one conversion lib/core/calendars.ts builds every calendar's sessions on. Never hard-code UTC hours: 09:30
 * New York is 13:30 UTC in summer and 14:30 UTC in winter.
 */
import { nextTradingDay } from "./calendar.ts";
import { InputError } from "./errors.ts";
import { checkDate } from "./ids.ts";
import { NS_PER_MS, NS_PER_S } from "./units.ts";

export const NEW_YORK = "America/New_York";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
    } catch {
      throw new InputError(`unknown time zone "${timeZone}": use an IANA name such as America/New_York`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(timeZone: string, utcMs: number): number[] {
  const out = [0, 0, 0, 0, 0, 0];
  for (const p of formatter(timeZone).formatToParts(new Date(utcMs))) {
    const i = ["year", "month", "day", "hour", "minute", "second"].indexOf(p.type);
    if (i >= 0) out[i] = Number(p.value);
  }
  return out;
}

function offsetMs(timeZone: string, utcMs: number): number {
  const [y, mo, d, h, mi, s] = localParts(timeZone, utcMs) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(utcMs / 1000) * 1000;
}

/** UTC ns of local midnight + `nsAfterMidnight` on `date` in `timeZone` (DST-aware). */
export function zonedToUtcNs(timeZone: string, date: string, nsAfterMidnight: bigint): bigint {
  checkDate(date);
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const localMs = Date.UTC(y, mo - 1, d) + Number(nsAfterMidnight / NS_PER_MS);
  let utcMs = localMs - offsetMs(timeZone, localMs);
  utcMs = localMs - offsetMs(timeZone, utcMs);
  const off = BigInt(offsetMs(timeZone, utcMs));
  return (BigInt(Date.UTC(y, mo - 1, d)) - off) * NS_PER_MS + nsAfterMidnight;
}

/** The calendar date (YYYY-MM-DD) in `timeZone` of a UTC ns timestamp. */
export function zonedDate(timeZone: string, tNs: bigint): string {
  const [y, mo, d] = localParts(timeZone, Number(tNs / NS_PER_MS)) as [number, number, number];
  return `${y}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** UTC ns of New York local midnight + `nsAfterMidnight` on `date` (YYYY-MM-DD). */
export function newYorkToUtcNs(date: string, nsAfterMidnight: bigint): bigint {
  return zonedToUtcNs(NEW_YORK, date, nsAfterMidnight);
}

/** Parse "HH:MM" or "HH:MM:SS" (New York wall clock) to ns after midnight. */
export function parseClock(text: string): bigint {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) {
    throw new InputError(`invalid time of day "${text}": expected HH:MM or HH:MM:SS in New York time`);
  }
  return BigInt(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0)) * NS_PER_S;
}

/** UTC ns of a New York wall-clock time ("10:00") on `date`. */
export function newYorkClockToUtcNs(date: string, clock: string): bigint {
  return newYorkToUtcNs(date, parseClock(clock));
}

export interface SessionBounds {
  readonly date: string;
  readonly openNs: bigint;
  readonly closeNs: bigint;
}

/** Regular session 09:30-16:00 New York of `date`. */
export function regularSession(date: string): SessionBounds {
  return {
    date,
    openNs: newYorkClockToUtcNs(date, "09:30"),
    closeNs: newYorkClockToUtcNs(date, "16:00"),
  };
}

/** New York calendar date (YYYY-MM-DD) of a UTC ns timestamp. */
export function newYorkDate(tNs: bigint): string {
  return zonedDate(NEW_YORK, tNs);
}

/** The NYSE trading days after `date` (exclusive), `count` of them (holidays and closures skipped). */
export function nextTradingDays(date: string, count: number): string[] {
  const out: string[] = [];
  let d = date;
  while (out.length < count) {
    d = nextTradingDay(d);
    out.push(d);
  }
  return out;
}
