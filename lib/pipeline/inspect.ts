/** What `msor inspect` reports about MBP-10 input: files, venues, time span and data-quality counters. */

import { nonTradingReason } from "../core/calendar.ts";
import { InputError } from "../core/errors.ts";
import { NEW_YORK, newYorkDate, newYorkToUtcNs, regularSession } from "../core/session.ts";
import { qualityToJson } from "../mbp10/quality.ts";
import { Mbp10Stream } from "../mbp10/stream.ts";
import { fileSource } from "../ports/fileSource.ts";
import { groupInputs } from "./localBacktest.ts";

export interface InspectReport {
  files: {
    path: string;
    rows: number;
    row_groups: number;
    levels: number;
    price_encoding: string;
    ts_type: string;
    columns: number;
    bytes: number;
    planted?: unknown;
  }[];
  venues: { index: number; publisher_id: number; name: string }[];
  date_new_york: string;
  /** The span in the instrument's local time (New York, where the session is defined) and the session it covers. */
  session?: SessionSpan;
  quality: Record<string, number | string>;
}

export interface SessionSpan {
  time_zone: string;
  date: string;
  /** first and last record, New York wall clock HH:MM:SS.mmm (hours past 24 for a span into the next day) */
  first_local: string;
  last_local: string;
  /** why the date is not an NYSE trading day ("Saturday", a holiday), or "" */
  not_trading_day: string;
  /** share of the 09:30-16:00 regular session inside [first, last] record, 0..1 */
  session_coverage: number;
}

/** HH:MM:SS.mmm of `ns` nanoseconds after midnight. */
function clock(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const two = (v: number) => String(v).padStart(2, "0");
  return `${two(Math.floor(ms / 3_600_000))}:${two(Math.floor(ms / 60_000) % 60)}:${two(Math.floor(ms / 1000) % 60)}.${String(ms % 1000).padStart(3, "0")}`;
}

/** Where the records of one day fall in New York time and how much of the regular session they span. */
export function sessionSpan(firstNs: bigint, lastNs: bigint): SessionSpan {
  const date = newYorkDate(firstNs);
  const midnight = newYorkToUtcNs(date, 0n);
  const { openNs, closeNs } = regularSession(date);
  const from = firstNs > openNs ? firstNs : openNs;
  const to = lastNs < closeNs ? lastNs : closeNs;
  return {
    time_zone: NEW_YORK,
    date,
    first_local: clock(firstNs - midnight),
    last_local: clock(lastNs - midnight),
    not_trading_day: nonTradingReason(date) ?? "",
    session_coverage: to > from ? Number(to - from) / Number(closeNs - openNs) : 0,
  };
}

/**
 * Replay MBP-10 input files once, merged as a backtest would (several files must be the venues of ONE
 * symbol-day), and report the files, venues and data-quality counters. `onProgress`: rows replayed so far.
 */
export async function inspectInputs(
  paths: readonly string[],
  onProgress?: (rows: number, total: number) => void,
): Promise<InspectReport> {
  if (paths.length > 1) {
    // several files are the venues of ONE symbol-day; anything else would be merged into nonsense
    const days = await groupInputs(paths);
    if (days.length > 1) {
      throw new InputError(
        `inspect merges the venue files of one symbol-day, but these are ${days.map((d) => `${d.symbol} ${d.date}`).join(", ")}; inspect them one by one`,
      );
    }
  }
  const stream = await Mbp10Stream.open(await Promise.all(paths.map((p) => fileSource(p))));
  try {
    let seen = 0;
    for await (const b of stream.batches()) {
      seen += b.length;
      onProgress?.(seen, stream.numRows);
    }
    const q = stream.quality.q;
    return {
      files: stream.files.map((f) => ({
        path: f.name,
        rows: f.numRows,
        row_groups: f.rowGroupRows.length,
        levels: f.levels,
        price_encoding: f.priceEncoding,
        ts_type: f.timestampType,
        columns: f.columns.length,
        bytes: f.source.size,
        ...(f.keyValue.has("msor.planted") ? { planted: f.metadataJson("msor.planted") } : {}),
      })),
      venues: stream.venues.venues.map((v, index) => ({ index, publisher_id: v.publisherId, name: v.name })),
      date_new_york: q.rows ? newYorkDate(q.firstTsNs) : "",
      ...(q.rows ? { session: sessionSpan(q.firstTsNs, q.lastTsNs) } : {}),
      quality: qualityToJson(q),
    };
  } finally {
    await stream.close();
  }
}
