/**
 * Trading calendars and sessions of instruments (docs/models.md 1b): which dates are trading days, and when a
 * trading day's session opens and closes. Pure: dates are ISO YYYY-MM-DD, wall clocks are turned into UTC ns
 * through the tz database (Intl), never by hard-coded UTC hours.
 *
 * - `nyse`: the NYSE calendar of ./calendar.ts (holidays, special closures), session 09:30-16:00 New York.
 * - `cme-globex-equity` (CME Globex equity index futures, e.g. ES): trading day D runs from 18:00 New York on
 *   the calendar day before D to 17:00 on D; the daily 17:00-18:00 maintenance halt lies between two trading
 *   days. D is a trading day when it is a weekday and no NYSE full-day holiday or special closure (CME's
 *   holiday sessions are shortened, not modelled: they are closed here unless the user's calendar opens them).
 *   Regular trading hours 09:30-16:00 are a sub-session (`regular`).
 * - A user calendar: a base calendar plus `holidays` (more closed dates) and `open_days` (base holidays that
 *   trade).
 */
import { nonTradingReason as nyseNonTradingReason } from "./calendar.ts";
import { InputError } from "./errors.ts";
import { checkDate } from "./ids.ts";
import { zonedDate, zonedToUtcNs } from "./session.ts";

import { NS_PER_S } from "./units.ts";

const DAY_MS = 86_400_000;

/** A break inside a session (no trading), UTC ns [startNs, endNs). */
export interface SessionBreak {
  readonly startNs: bigint;
  readonly endNs: bigint;
}

/** One trading day's session, UTC ns. */
export interface TradingSession {
  /** The trading day (YYYY-MM-DD). */
  readonly date: string;
  readonly openNs: bigint;
  readonly closeNs: bigint;
  /** Halts inside [openNs, closeNs] (none for NYSE and a Globex equity day: its halt is between days). */
  readonly breaks: readonly SessionBreak[];
  /** Regular trading hours (09:30-16:00 New York of `date`), a sub-session. */
  readonly regular: { readonly openNs: bigint; readonly closeNs: bigint };
}

export interface TradingCalendar {
  /** Registry name ("nyse", "cme-globex-equity") or the user calendar's base + "+user". */
  readonly name: string;
  /** IANA time zone of the wall clocks (sessions and parent start times). */
  readonly timeZone: string;
  /** Session open and close wall clocks, "HH:MM"; the open is on the day before when `opensDayBefore`. */
  readonly openClock: string;
  readonly closeClock: string;
  readonly opensDayBefore: boolean;
  /** A human description of the session, e.g. "18:00 New York on D-1 to 17:00 on D". */
  readonly sessionText: string;
  /** Why `date` is not a trading day, or undefined when it is one. */
  nonTradingReason(date: string): string | undefined;
}

/** "HH:MM" or "HH:MM:SS" to ns after midnight. */
export function clockNs(text: string): bigint {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) {
    throw new InputError(`invalid time of day "${text}": expected HH:MM or HH:MM:SS`);
  }
  return BigInt(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0)) * NS_PER_S;
}

/** The calendar date `days` after `date` (negative = before). */
export function addDays(date: string, days: number): string {
  checkDate(date);
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

const NEW_YORK = "America/New_York";

const NYSE: TradingCalendar = {
  name: "nyse",
  timeZone: NEW_YORK,
  openClock: "09:30",
  closeClock: "16:00",
  opensDayBefore: false,
  sessionText: "09:30-16:00 New York",
  nonTradingReason: (date) => nyseNonTradingReason(date),
};

const CME_GLOBEX_EQUITY: TradingCalendar = {
  name: "cme-globex-equity",
  timeZone: NEW_YORK,
  openClock: "18:00",
  closeClock: "17:00",
  opensDayBefore: true,
  sessionText: "18:00 New York on D-1 to 17:00 on D (17:00-18:00 halt)",
  nonTradingReason(date) {
    const r = nyseNonTradingReason(date);
    if (r === undefined || r === "Saturday" || r === "Sunday") return r;
    return `NYSE holiday ${r}, closed on this calendar (list it in open_days to trade it)`;
  },
};

/** The registry of calendars by name. */
export const CALENDARS: Readonly<Record<string, TradingCalendar>> = {
  nyse: NYSE,
  "cme-globex-equity": CME_GLOBEX_EQUITY,
};

/** The calendar of `name`; an InputError listing the known names otherwise. */
export function calendarByName(name: string): TradingCalendar {
  const c = CALENDARS[name];
  if (!c) throw new InputError(`unknown calendar "${name}": use one of ${Object.keys(CALENDARS).join(", ")}`);
  return c;
}

/**
 * A user calendar: `base` with the dates of `holidays` closed and the dates of `openDays` trading (a weekend
 * listed in open_days trades too). Both lists are validated dates; a date in both is refused.
 */
export function userCalendar(
  base: TradingCalendar,
  holidays: readonly string[] = [],
  openDays: readonly string[] = [],
): TradingCalendar {
  if (holidays.length === 0 && openDays.length === 0) return base;
  for (const d of [...holidays, ...openDays]) checkDate(d);
  const closed = new Set(holidays);
  const open = new Set(openDays);
  const both = holidays.find((d) => open.has(d));
  if (both !== undefined)
    throw new InputError(`calendar date ${both} is in both holidays and open_days; keep it in one list`);
  return {
    ...base,
    name: `${base.name}+user`,
    nonTradingReason(date) {
      if (closed.has(date)) return "holiday of the user's calendar";
      if (open.has(date)) return undefined;
      return base.nonTradingReason(date);
    },
  };
}

/** The session of trading day `date` on `cal` (date need not be checked here: see checkTradingDayOn). */
export function sessionOf(cal: TradingCalendar, date: string): TradingSession {
  const openDate = cal.opensDayBefore ? addDays(date, -1) : date;
  return {
    date,
    openNs: zonedToUtcNs(cal.timeZone, openDate, clockNs(cal.openClock)),
    closeNs: zonedToUtcNs(cal.timeZone, date, clockNs(cal.closeClock)),
    breaks: [],
    regular: {
      openNs: zonedToUtcNs(cal.timeZone, date, clockNs("09:30")),
      closeNs: zonedToUtcNs(cal.timeZone, date, clockNs("16:00")),
    },
  };
}

/**
 * UTC ns of a wall-clock start time of trading day `date`: on a calendar whose day opens the evening before,
 * a clock at or after the open (e.g. 18:30) is on the day before, one before the close (e.g. 10:00) on `date`,
 * and one in between (the halt, e.g. 17:30) is refused. On NYSE the clock is on `date`.
 */
export function sessionClockToUtcNs(cal: TradingCalendar, date: string, clock: string): bigint {
  const c = clockNs(clock);
  if (!cal.opensDayBefore) return zonedToUtcNs(cal.timeZone, date, c);
  const open = clockNs(cal.openClock);
  const close = clockNs(cal.closeClock);
  if (c >= open) return zonedToUtcNs(cal.timeZone, addDays(date, -1), c);
  if (c < close) return zonedToUtcNs(cal.timeZone, date, c);
  throw new InputError(
    `start time ${clock} is in the ${cal.closeClock}-${cal.openClock} halt of the ${cal.name} calendar ` +
      `(session ${cal.sessionText}); pick a time in the session`,
  );
}

/** `date` when it is a trading day of `cal`; else an InputError naming why not and the next trading day. */
export function checkTradingDayOn(cal: TradingCalendar, date: string, what = "date"): string {
  checkDate(date);
  const reason = cal.nonTradingReason(date);
  if (reason !== undefined) {
    throw new InputError(
      `${what} ${date} is not a trading day of the ${cal.name} calendar (${reason}); pick a trading day, e.g. ${nextTradingDayOn(cal, date)}`,
    );
  }
  return date;
}

/** The first trading day of `cal` strictly after `date`. */
export function nextTradingDayOn(cal: TradingCalendar, date: string): string {
  let d = date;
  for (let i = 0; i < 366; i++) {
    d = addDays(d, 1);
    if (cal.nonTradingReason(d) === undefined) return d;
  }
  throw new InputError(`no trading day of the ${cal.name} calendar within a year after ${date}`);
}

/** The last trading day of `cal` strictly before `date`. */
export function previousTradingDayOn(cal: TradingCalendar, date: string): string {
  let d = date;
  for (let i = 0; i < 366; i++) {
    d = addDays(d, -1);
    if (cal.nonTradingReason(d) === undefined) return d;
  }
  throw new InputError(`no trading day of the ${cal.name} calendar within a year before ${date}`);
}

/** The `n` trading days of `cal` strictly before `date`, oldest first (a calibration lookback). */
export function tradingDaysBeforeOn(cal: TradingCalendar, date: string, n: number): string[] {
  if (!Number.isInteger(n) || n < 0)
    throw new InputError(`invalid lookback ${n}: expected a whole number of trading days >= 0`);
  const out: string[] = [];
  let d = date;
  while (out.length < n) {
    d = previousTradingDayOn(cal, d);
    out.push(d);
  }
  return out.reverse();
}

/**
 * Every calendar date from `from` to `to` (inclusive) split into the trading days of `cal` and the others
 * with their reasons (weekends included): what a sweep runs and what it leaves out.
 */
export function splitDays(
  cal: TradingCalendar,
  from: string,
  to: string,
): { days: string[]; skipped: { date: string; reason: string }[] } {
  checkDate(from);
  checkDate(to);
  if (from > to) throw new InputError(`date range ${from} .. ${to} is empty: 'from' is after 'to'`);
  const days: string[] = [];
  const skipped: { date: string; reason: string }[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const reason = cal.nonTradingReason(d);
    if (reason === undefined) days.push(d);
    else skipped.push({ date: d, reason });
  }
  return { days, skipped };
}

/**
 * The trading day of `cal` that a UTC timestamp belongs to (a Globex evening belongs to the next day's
 * session), or undefined when it falls in no session (a halt, a weekend, a holiday).
 */
export function tradingDayOf(cal: TradingCalendar, tNs: bigint): string | undefined {
  const local = zonedDate(cal.timeZone, tNs);
  for (const d of cal.opensDayBefore ? [addDays(local, 1), local] : [local]) {
    if (cal.nonTradingReason(d) !== undefined) continue;
    const s = sessionOf(cal, d);
    if (tNs >= s.openNs && tNs <= s.closeNs) return d;
  }
  return undefined;
}

/**
 * The trading day whose session a timestamp is in or next to: its calendar date in the calendar's time zone,
 * shifted by (24 h - open clock) on a calendar whose day opens the evening before (a Globex 18:00-24:00 record
 * is the next day's). Used to date a file by its first record; unlike tradingDayOf it always answers (check the
 * answer's nonTradingReason to flag a holiday).
 */
export function tradingDateOf(cal: TradingCalendar, tNs: bigint): string {
  const shift = cal.opensDayBefore ? 86_400n * NS_PER_S - clockNs(cal.openClock) : 0n;
  return zonedDate(cal.timeZone, tNs + shift);
}

/**
 * The trading day a file of one day's records holds, from its first and last record: the day of the first
 * record, or on a calendar whose day opens the evening before (Globex) of the LAST one (a file of trading day D
 * may open with a snapshot before D's 18:00 open on D-1, e.g. at 00:00 UTC, as the real CME files do). The one
 * rule of msor backtest, msor calibrate, msor queue-check and the importers.
 */
export function recordsTradingDate(cal: TradingCalendar, firstNs: bigint, lastNs: bigint): string {
  return tradingDateOf(cal, cal.opensDayBefore ? lastNs : firstNs);
}
