/**
 * Trading-session calendar in America/New_York, DST-aware through the tz database (Intl). Never hard-code UTC
 * hours: 09:30 New York is 13:30 UTC in summer and 14:30 UTC in winter.
 */
import { nextTradingDay } from "./calendar.ts";
import { InputError } from "./errors.ts";
import { checkDate } from "./ids.ts";
import { NS_PER_MS, NS_PER_S } from "./units.ts";

export const NEW_YORK = "America/New_York";

const fmt = new Intl.DateTimeFormat("en-US", {
  timeZone: NEW_YORK,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

function localParts(utcMs: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const out = { y: 0, mo: 0, d: 0, h: 0, mi: 0, s: 0 };
  for (const p of fmt.formatToParts(new Date(utcMs))) {
    const v = Number(p.value);
    if (p.type === "year") out.y = v;
    else if (p.type === "month") out.mo = v;
    else if (p.type === "day") out.d = v;
    else if (p.type === "hour") out.h = v;
    else if (p.type === "minute") out.mi = v;
    else if (p.type === "second") out.s = v;
  }
  return out;
}

/** New York offset from UTC at the instant `utcMs`, in ms (e.g. -4 h in summer). */
function offsetMs(utcMs: number): number {
  const p = localParts(utcMs);
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** UTC ns of New York local midnight + `nsAfterMidnight` on `date` (YYYY-MM-DD). */
export function newYorkToUtcNs(date: string, nsAfterMidnight: bigint): bigint {
  checkDate(date);
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const localMs = Date.UTC(y, mo - 1, d) + Number(nsAfterMidnight / NS_PER_MS);
  let utcMs = localMs - offsetMs(localMs);
  utcMs = localMs - offsetMs(utcMs);
  const off = BigInt(offsetMs(utcMs));
  return (BigInt(Date.UTC(y, mo - 1, d)) - off) * NS_PER_MS + nsAfterMidnight;
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
  const p = localParts(Number(tNs / NS_PER_MS));
  return `${p.y}-${String(p.mo).padStart(2, "0")}-${String(p.d).padStart(2, "0")}`;
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
