/** One symbol-day's calibration pass (stream -> DayCalibrator), for `msor calibrate`. */
import { DayCalibrator } from "../calibration/dayCalibrator.ts";
import type { CalibrationRecord } from "../calibration/types.ts";
import { CALENDARS, recordsTradingDate, sessionOf, type TradingCalendar } from "../core/calendars.ts";
import { InputError } from "../core/errors.ts";
import { checkSymbol } from "../core/ids.ts";
import { mboIdentity } from "../mbo/reader.ts";
import { type InputFormat, Mbp10Stream, type ReplayStream } from "../mbp10/stream.ts";
import type { ByteSource } from "../ports/byteSource.ts";
import { DEFAULT_QUEUE_CHECK, dayQueueCheck, type QueueCheckSettings, queueChoiceOf } from "./queueChoice.ts";
import { openReplay } from "./replayInput.ts";

/** The symbol column's first value of a stream's first file (undefined when the file has none). */
async function symbolOf(stream: Mbp10Stream): Promise<string | undefined> {
  const f = stream.files[0];
  if (!f?.columns.includes("symbol")) return undefined;
  for await (const t of f.rowGroups(["symbol"])) {
    const v = t.getChild("symbol");
    return v && v.length > 0 && v.get(0) ? String(v.get(0)) : undefined;
  }
  return undefined;
}

/**
 * The calibration record of one symbol-day from its MBP-10 input(s) (several = one per venue, merged) or its
 * MBO file, in one pass; symbol from the first file's symbol column and date from the first record (New York) unless
 * given. `onProgress` reports rows replayed.
 */
export async function calibrateDay(
  sources: readonly ByteSource[],
  opts: {
    symbol?: string;
    date?: string;
    /** mbp10 (default) or mbo: one MBO file, calibrated on the MBP-10 derived from it. */
    format?: InputFormat;
    /** MBO: the settings of the queue check whose choice the record keeps (default DEFAULT_QUEUE_CHECK). */
    queueCheck?: QueueCheckSettings;
    /** The instrument's calendar (session bounds, the date of the first record); default NYSE. */
    calendar?: TradingCalendar;
    onProgress?: (symbol: string, date: string, rows: number, total: number) => void;
  } = {},
): Promise<CalibrationRecord> {
  const path = sources.map((s) => s.name).join(", ");
  const calendar = opts.calendar ?? CALENDARS.nyse!;
  if (opts.format === "mbo") {
    const id = sources[0] ? await mboIdentity(sources[0]) : undefined;
    const symbol = opts.symbol ?? id?.symbol ?? "";
    if (!symbol) throw new InputError(`${path} has no symbol column; pass --symbol`);
    checkSymbol(symbol);
    const date = opts.date ?? (id ? recordsTradingDate(calendar, id.firstTsNs, id.lastTsNs) : undefined);
    if (date !== undefined) opts = { ...opts, date };
    // the day's queue check first (it reads the file twice; the replay's stream then owns and closes it)
    const check = sources[0]
      ? await dayQueueCheck(sources[0], symbol, opts.queueCheck ?? DEFAULT_QUEUE_CHECK)
      : undefined;
    const choice = check && queueChoiceOf(check);
    const { stream } = await openReplay(sources, { symbol, format: "mbo" });
    const record = await calibrateStream(stream, path, symbol, opts);
    return choice ? { ...record, queue: choice } : record;
  }
  // level 0 is all the calibration reads: the other levels' columns are neither fetched nor decoded
  // (the calibrator keeps no reference into a batch: its buffers may go back to a decode thread after it)
  const stream = await Mbp10Stream.open(
    sources.map((source) => ({ source, maxLevels: 1, releaseBatches: true })),
  );
  let symbol: string | undefined;
  let lastTsNs: bigint | undefined;
  try {
    symbol = opts.symbol ?? (await symbolOf(stream));
    if (!symbol) throw new InputError(`${path} has no symbol column; pass --symbol`);
    checkSymbol(symbol);
    // a day that opens the evening before is dated by the files' last record (recordsTradingDate): read it
    // only then (the first record is the stream's first batch)
    if (opts.date === undefined && calendar.opensDayBefore && stream.files.length > 0) {
      const last = await Promise.all(stream.files.map((f) => f.lastTsNs()));
      lastTsNs = last.reduce((a, b) => (b > a ? b : a));
    }
  } catch (e) {
    await stream.close();
    throw e;
  }
  return calibrateStream(stream, path, symbol, lastTsNs === undefined ? opts : { ...opts, lastTsNs });
}

/** The calibration pass over an opened stream (closed at the end). */
async function calibrateStream(
  stream: ReplayStream,
  path: string,
  symbol: string,
  opts: {
    date?: string;
    calendar?: TradingCalendar;
    /** The last record of the inputs, when the calendar dates a file by it. */
    lastTsNs?: bigint;
    onProgress?: (symbol: string, date: string, rows: number, total: number) => void;
  },
): Promise<CalibrationRecord> {
  try {
    let cal: DayCalibrator | undefined;
    let rows = 0;
    for await (const b of stream.batches()) {
      if (!cal) {
        const calendar = opts.calendar ?? CALENDARS.nyse!;
        const date = opts.date ?? recordsTradingDate(calendar, b.tsRecv[0]!, opts.lastTsNs ?? b.tsRecv[0]!);
        const session = sessionOf(calendar, date);
        cal = new DayCalibrator({ symbol, date, venues: stream.venues, session });
      }
      cal.observe(b);
      rows += b.length;
      opts.onProgress?.(symbol, cal.date, rows, stream.numRows);
    }
    if (!cal) throw new InputError(`${path} has no records to calibrate`);
    const { midPath: _, ...record } = cal.finish();
    if (record.events === 0) {
      throw new InputError(
        `${path} has no record inside the ${opts.calendar && opts.calendar.name !== "nyse" ? `session of ${record.date} (${opts.calendar.sessionText})` : `regular session of ${record.date} (09:30-16:00 New York)`}; check --date`,
      );
    }
    return record;
  } finally {
    await stream.close();
  }
}
