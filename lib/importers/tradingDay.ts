/**
 * The trading day of an imported file on its instrument's calendar (docs/models.md 1b): a file holds one trading
 * day, and `{date}` of the input key is that day. Pure checks after an import: what the data's span says, what
 * the file name and --date say, and whether the day trades; each disagreement is a warning with its reason.
 */
import { basename } from "node:path";
import { type TradingCalendar, tradingDateOf, tradingDayOf } from "../core/calendars.ts";
import { checkDate } from "../core/ids.ts";

export interface TradingDayCheck {
  readonly instrument: string;
  readonly calendar: string;
  /** The trading day the data belongs to (of its last record on a calendar opening the evening before). */
  readonly date: string;
  /** Why `date` is no trading day of the calendar; absent when it is one. */
  readonly not_trading_day?: string;
  /** Each disagreement, with its reason and what to do. */
  readonly warnings: readonly string[];
}

/** ISO 8601 UTC with up to 9 fractional digits (the import summary's span) to ns. */
export function isoToNs(iso: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (!m) throw new Error(`not an ISO UTC timestamp: ${iso}`);
  return BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
}

/** A date in a file name: YYYY-MM-DD or YYYYMMDD (Databento names files by their UTC date). */
export function dateInName(path: string): string | undefined {
  const m = /(?:^|[^0-9])(\d{4})-?(\d{2})-?(\d{2})(?:[^0-9]|$)/.exec(basename(path));
  if (!m) return undefined;
  const d = `${m[1]}-${m[2]}-${m[3]}`;
  try {
    return checkDate(d);
  } catch {
    return undefined;
  }
}

/**
 * Check an imported span [firstNs, lastNs] of `inputPath` against `cal`: the trading day of the data, the
 * records outside that day's session (a second trading day: the file should be split), --date (`date`) and the
 * file name's date against it, and whether it trades.
 */
export function checkTradingDay(a: {
  instrument: string;
  calendar: TradingCalendar;
  firstNs: bigint;
  lastNs: bigint;
  inputPath: string;
  date?: string | undefined;
}): TradingDayCheck {
  const cal = a.calendar;
  const dataDate = tradingDateOf(cal, cal.opensDayBefore ? a.lastNs : a.firstNs);
  const warnings: string[] = [];
  const firstDay = tradingDayOf(cal, a.firstNs);
  if (firstDay !== undefined && firstDay !== dataDate)
    warnings.push(
      `the records span two trading days of the ${cal.name} calendar (${firstDay} and ${dataDate}): a file should hold one (split the source by trading day)`,
    );
  if (a.date !== undefined && a.date !== dataDate)
    warnings.push(
      `--date ${a.date} disagrees with the data, whose records belong to trading day ${dataDate} (session ${cal.sessionText}); use --date ${dataDate}`,
    );
  const named = dateInName(a.inputPath);
  if (a.date !== undefined && named !== undefined && named !== a.date)
    warnings.push(
      `--date ${a.date} disagrees with the file name's date ${named} (${basename(a.inputPath)})${cal.opensDayBefore ? "; a Globex day starts the evening before its date, so a file named by its UTC date may hold the next trading day" : ""}`,
    );
  const reason = cal.nonTradingReason(dataDate);
  if (reason !== undefined)
    warnings.push(
      `the data's trading day ${dataDate} is not a trading day of the ${cal.name} calendar (${reason}); check the source`,
    );
  if (a.date !== undefined && a.date !== dataDate) {
    const given = cal.nonTradingReason(a.date);
    if (given !== undefined)
      warnings.push(`--date ${a.date} is not a trading day of the ${cal.name} calendar (${given})`);
  }
  return {
    instrument: a.instrument,
    calendar: cal.name,
    date: dataDate,
    ...(reason !== undefined ? { not_trading_day: reason } : {}),
    warnings,
  };
}
