/**
 * NYSE trading days: weekdays that are not exchange holidays or special closures. Dates are ISO strings
 * YYYY-MM-DD (calendar dates in New York); the arithmetic is on UTC day numbers, so no time zone or clock is
 * involved and every function is pure.
 *
 * Holiday rules (NYSE Rule 7.2 and the published NYSE holiday calendars):
 * - New Year's Day (Jan 1), Martin Luther King Jr. Day (3rd Monday of January), Washington's Birthday
 *   (3rd Monday of February), Good Friday (2 days before Western Easter), Memorial Day (last Monday of May),
 *   Juneteenth (June 19, from 2022), Independence Day (July 4), Labor Day (1st Monday of September),
 *   Thanksgiving (4th Thursday of November), Christmas (December 25).
 * - A holiday on a Sunday is observed on the Monday after, one on a Saturday on the Friday before, EXCEPT
 *   New Year's Day on a Saturday, which is not observed at all (the Friday before is the last trading day of
 *   the year, e.g. 2021-12-31 traded).
 * - Special closures are a documented list (SPECIAL_CLOSURES); early closes (13:00) are trading days and
 *   are not modelled here.
 * Valid for CALENDAR_FIRST_YEAR..CALENDAR_LAST_YEAR; other years throw, since their rules were (or will be)
 * different (e.g. MLK Day only from 1998) and a silently wrong calendar would mis-plan a sweep.
 */
import { InputError } from "./errors.ts";
import { checkDate } from "./ids.ts";

export const CALENDAR_FIRST_YEAR = 2000;
export const CALENDAR_LAST_YEAR = 2099;

/** Unscheduled full-day NYSE closures since 2000 (source: NYSE and SEC announcements of each closure). */
export const SPECIAL_CLOSURES: Readonly<Record<string, string>> = {
  "2001-09-11": "September 11 attacks",
  "2001-09-12": "September 11 attacks",
  "2001-09-13": "September 11 attacks",
  "2001-09-14": "September 11 attacks",
  "2004-06-11": "national day of mourning for President Reagan",
  "2007-01-02": "national day of mourning for President Ford",
  "2012-10-29": "Hurricane Sandy",
  "2012-10-30": "Hurricane Sandy",
  "2018-12-05": "national day of mourning for President George H. W. Bush",
  "2025-01-09": "national day of mourning for President Carter",
};

export interface Holiday {
  /** the date the exchange is closed (the observed date) */
  readonly date: string;
  readonly name: string;
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a validated YYYY-MM-DD date. */
function dayNumber(date: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday .. 6 = Saturday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function ymd(y: number, month: number, d: number): number {
  return Date.UTC(y, month - 1, d) / DAY_MS;
}

/** The n-th (1-based) given weekday of a month. */
function nthWeekday(y: number, month: number, wd: number, n: number): number {
  const first = ymd(y, month, 1);
  return first + ((wd - weekday(first) + 7) % 7) + (n - 1) * 7;
}

function lastWeekday(y: number, month: number, wd: number): number {
  const last = ymd(y, month + 1, 1) - 1;
  return last - ((weekday(last) - wd + 7) % 7);
}

/** Western (Gregorian) Easter Sunday: the anonymous Gregorian computus (Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoOf(ymd(year, month, day));
}

/** Saturday -> Friday before, Sunday -> Monday after. */
function observed(day: number): number {
  const wd = weekday(day);
  return wd === 6 ? day - 1 : wd === 0 ? day + 1 : day;
}

function checkYear(year: number, what: string): void {
  if (!Number.isInteger(year) || year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR) {
    throw new InputError(
      `${what} is outside the NYSE calendar's range ${CALENDAR_FIRST_YEAR}-${CALENDAR_LAST_YEAR}; ` +
        "use dates in that range",
    );
  }
}

const holidayCache = new Map<number, readonly Holiday[]>();

/** Scheduled NYSE full-day holidays of `year` (observed dates, ascending); special closures excluded. */
export function nyseHolidays(year: number): readonly Holiday[] {
  checkYear(year, `year ${year}`);
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const days: [number, string][] = [];
  const newYear = ymd(year, 1, 1);
  // a Saturday Jan 1 is not observed (the Friday before is in the previous year and trades)
  if (weekday(newYear) !== 6) days.push([observed(newYear), "New Year's Day"]);
  days.push([nthWeekday(year, 1, 1, 3), "Martin Luther King Jr. Day"]);
  days.push([nthWeekday(year, 2, 1, 3), "Washington's Birthday"]);
  days.push([dayNumber(easterSunday(year)) - 2, "Good Friday"]);
  days.push([lastWeekday(year, 5, 1), "Memorial Day"]);
  if (year >= 2022) days.push([observed(ymd(year, 6, 19)), "Juneteenth"]);
  days.push([observed(ymd(year, 7, 4)), "Independence Day"]);
  days.push([nthWeekday(year, 9, 1, 1), "Labor Day"]);
  days.push([nthWeekday(year, 11, 4, 4), "Thanksgiving Day"]);
  days.push([observed(ymd(year, 12, 25)), "Christmas Day"]);
  const out = days.sort((x, y) => x[0] - y[0]).map(([d, name]) => ({ date: isoOf(d), name }));
  holidayCache.set(year, out);
  return out;
}

function checkedDay(date: string): number {
  checkDate(date);
  checkYear(Number(date.slice(0, 4)), `date ${date}`);
  return dayNumber(date);
}

/**
 * Why `date` is not an NYSE trading day ("Saturday", "Good Friday", "Hurricane Sandy", ...), or undefined when
 * it is one.
 */
export function nonTradingReason(date: string): string | undefined {
  const day = checkedDay(date);
  const wd = weekday(day);
  if (wd === 6) return "Saturday";
  if (wd === 0) return "Sunday";
  const special = SPECIAL_CLOSURES[date];
  if (special !== undefined) return `special closure: ${special}`;
  return nyseHolidays(Number(date.slice(0, 4))).find((h) => h.date === date)?.name;
}

/** `date` when it is an NYSE trading day; else an InputError naming why not (the holiday) and the next one. */
export function checkTradingDay(date: string, what = "date"): string {
  const reason = nonTradingReason(date);
  if (reason !== undefined) {
    throw new InputError(
      `${what} ${date} is not an NYSE trading day (${reason}); pick a trading day, e.g. ${nextTradingDay(date)}`,
    );
  }
  return date;
}

export function isTradingDay(date: string): boolean {
  return nonTradingReason(date) === undefined;
}

/** The NYSE trading days from `from` to `to`, both inclusive, ascending. Throws when from > to. */
export function tradingDaysBetween(from: string, to: string): string[] {
  const a = checkedDay(from);
  const b = checkedDay(to);
  if (a > b) throw new InputError(`date range ${from} .. ${to} is empty: 'from' is after 'to'`);
  const out: string[] = [];
  for (let d = a; d <= b; d++) {
    const iso = isoOf(d);
    if (isTradingDay(iso)) out.push(iso);
  }
  return out;
}

/** The last NYSE trading day strictly before `date` (which itself need not be a trading day). */
export function previousTradingDay(date: string): string {
  let d = checkedDay(date) - 1;
  for (;;) {
    const iso = isoOf(d);
    checkYear(Number(iso.slice(0, 4)), `the trading day before ${date}`);
    if (isTradingDay(iso)) return iso;
    d--;
  }
}

/** The first NYSE trading day strictly after `date`. */
export function nextTradingDay(date: string): string {
  let d = checkedDay(date) + 1;
  for (;;) {
    const iso = isoOf(d);
    checkYear(Number(iso.slice(0, 4)), `the trading day after ${date}`);
    if (isTradingDay(iso)) return iso;
    d++;
  }
}

/**
 * The `n` NYSE trading days strictly before `date`, ascending (oldest first): the calibration lookback of
 * `date` (DESIGN.md "two waves": day d reads only calibrations of earlier days).
 */
export function tradingDaysBefore(date: string, n: number): string[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new InputError(`invalid lookback ${n}: expected a whole number of trading days >= 0`);
  }
  const out: string[] = [];
  let d = date;
  while (out.length < n) {
    d = previousTradingDay(d);
    out.push(d);
  }
  return out.reverse();
}
