/**
 * What `msor inspect` reports about MBP-10 or MBO input: files, venues, time span, the trading day and session
 * coverage on the instrument's calendar, and data-quality counters (of the derived MBP-10 for MBO).
 */

import { sessionOf, tradingDateOf } from "../core/calendars.ts";
import { InputError } from "../core/errors.ts";
import { EQUITY_US, type Instrument } from "../core/instrument.ts";
import { newYorkDate, zonedDate, zonedToUtcNs } from "../core/session.ts";
import { isMboParquet, MboReplayStream } from "../importers/mbo/replayStream.ts";
import { qualityToJson } from "../mbp10/quality.ts";
import { Mbp10Stream, type ReplayStream } from "../mbp10/stream.ts";
import { openParquet } from "../parquet/read.ts";
import { fileSource } from "../ports/fileSource.ts";
import { groupInputs } from "./localBacktest.ts";

export interface InspectReport {
  files: {
    path: string;
    /** "mbp10", or "mbo" (order by order: levels, prices and the quality counters are of the derived MBP-10) */
    format: "mbp10" | "mbo";
    rows: number;
    row_groups: number;
    levels: number;
    /** MBP-10: "float" or "int"; MBO: "mbo" */
    price_encoding: string;
    ts_type: string;
    columns: number;
    bytes: number;
    planted?: unknown;
  }[];
  venues: { index: number; publisher_id: number; name: string }[];
  date_new_york: string;
  /** The span in the calendar's local time and the instrument's session (trading day) it covers. */
  session?: SessionSpan;
  quality: Record<string, number | string>;
}

export interface SessionSpan {
  time_zone: string;
  /** the trading day of the data on the calendar (a Globex file: of its last record) */
  date: string;
  /** first and last record, local wall clock HH:MM:SS.mmm from midnight of first_local_date (hours past 24 for
   * a span into the next day) */
  first_local: string;
  last_local: string;
  /** the calendar date of the first record in time_zone (a Globex day's is the evening before `date`) */
  first_local_date: string;
  /** the instrument preset, its calendar and session */
  instrument: string;
  calendar: string;
  session: string;
  /** why `date` is not a trading day of the calendar ("Saturday", a holiday), or "" */
  not_trading_day: string;
  /** share of the instrument's session of `date` inside [first, last] record, 0..1 */
  session_coverage: number;
}

/** HH:MM:SS.mmm of `ns` nanoseconds after midnight. */
function clock(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const two = (v: number) => String(v).padStart(2, "0");
  return `${two(Math.floor(ms / 3_600_000))}:${two(Math.floor(ms / 60_000) % 60)}:${two(Math.floor(ms / 1000) % 60)}.${String(ms % 1000).padStart(3, "0")}`;
}

/**
 * Where the records of one day fall in the local time of `instrument`'s calendar, which trading day they are
 * (a calendar opening the evening before dates a file by its last record, as the importers and calibration do)
 * and how much of that day's session they span.
 */
export function sessionSpan(
  firstNs: bigint,
  lastNs: bigint,
  instrument: Instrument = EQUITY_US,
): SessionSpan {
  const cal = instrument.calendar;
  const date = tradingDateOf(cal, cal.opensDayBefore ? lastNs : firstNs);
  const localDate = zonedDate(cal.timeZone, firstNs);
  const midnight = zonedToUtcNs(cal.timeZone, localDate, 0n);
  const { openNs, closeNs } = sessionOf(cal, date);
  const from = firstNs > openNs ? firstNs : openNs;
  const to = lastNs < closeNs ? lastNs : closeNs;
  return {
    time_zone: cal.timeZone,
    date,
    first_local: clock(firstNs - midnight),
    last_local: clock(lastNs - midnight),
    first_local_date: localDate,
    instrument: instrument.id,
    calendar: cal.name,
    session: cal.sessionText,
    not_trading_day: cal.nonTradingReason(date) ?? "",
    session_coverage: to > from ? Number(to - from) / Number(closeNs - openNs) : 0,
  };
}

/**
 * Replay MBP-10 input files once, merged as a backtest would (several files must be the venues of ONE
 * symbol-day), or one MBO Parquet file (told by its columns) as its derived MBP-10, and report the files,
 * venues, the span on `instrument`'s calendar (default the US equity one) and data-quality counters.
 * `onProgress`: rows replayed so far.
 */
export async function inspectInputs(
  paths: readonly string[],
  onProgress?: (rows: number, total: number) => void,
  instrument: Instrument = EQUITY_US,
): Promise<InspectReport> {
  const mbo = await Promise.all(
    paths.map(async (p) => {
      const src = await fileSource(p);
      try {
        return await isMboParquet(src);
      } finally {
        await src.close?.();
      }
    }),
  );
  if (mbo.some((m) => m)) {
    if (paths.length > 1)
      throw new InputError(
        `an MBO file is one symbol-day on its own (${paths[mbo.indexOf(true)]}); inspect it alone`,
      );
    return inspectMbo(paths[0]!, onProgress, instrument);
  }
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
    await drain(stream, onProgress);
    const q = stream.quality.q;
    return {
      files: stream.files.map((f) => ({
        path: f.name,
        format: "mbp10" as const,
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
      ...(q.rows ? { session: sessionSpan(q.firstTsNs, q.lastTsNs, instrument) } : {}),
      quality: qualityToJson(q),
    };
  } finally {
    await stream.close();
  }
}

/** Replay every batch of `stream` (progress as it goes). */
async function drain(
  stream: ReplayStream,
  onProgress?: (rows: number, total: number) => void,
): Promise<void> {
  let seen = 0;
  for await (const b of stream.batches()) {
    seen += b.length;
    onProgress?.(seen, stream.numRows);
  }
}

/** One MBO Parquet file: replayed as its derived MBP-10 (the rows a backtest replays). */
async function inspectMbo(
  path: string,
  onProgress: ((rows: number, total: number) => void) | undefined,
  instrument: Instrument,
): Promise<InspectReport> {
  const src = await fileSource(path);
  const pq = await openParquet(src);
  const stream = await MboReplayStream.open(src);
  try {
    // progress counts derived rows against the MBO records: an estimate, capped below 100% until the end
    await drain(stream, onProgress && ((seen, total) => onProgress(Math.min(seen, total), total)));
    const q = stream.quality.q;
    const ts = pq.schema.fields.find((f) => f.name === "ts_recv");
    return {
      files: [
        {
          path: src.name,
          format: "mbo",
          rows: pq.numRows,
          row_groups: pq.rowGroupRows.length,
          levels: stream.levels,
          price_encoding: "mbo",
          ts_type: ts ? String(ts.type) : "",
          columns: pq.schema.fields.length,
          bytes: src.size,
        },
      ],
      venues: stream.venues.venues.map((v, index) => ({ index, publisher_id: v.publisherId, name: v.name })),
      date_new_york: q.rows ? newYorkDate(q.firstTsNs) : "",
      ...(q.rows ? { session: sessionSpan(q.firstTsNs, q.lastTsNs, instrument) } : {}),
      quality: qualityToJson(q),
    };
  } finally {
    await stream.close();
  }
}
