/** One symbol-day's calibration pass (stream -> DayCalibrator), for `msor calibrate`. */
import { DayCalibrator } from "../calibration/dayCalibrator.ts";
import type { CalibrationRecord } from "../calibration/types.ts";
import { CALENDARS, sessionOf, type TradingCalendar, tradingDateOf } from "../core/calendars.ts";
import { InputError } from "../core/errors.ts";
import { validateSymbol } from "../core/ids.ts";
import { Mbp10Stream } from "../mbp10/stream.ts";
import type { ByteSource } from "../ports/byteSource.ts";

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
 * The calibration record of one symbol-day from its MBP-10 input(s) (several = one per venue, merged), in
 * one pass; symbol from the first file's symbol column and date from the first record (New York) unless
 * given. `onProgress` reports rows replayed.
 */
export async function calibrateDay(
  sources: readonly ByteSource[],
  opts: {
    symbol?: string;
    date?: string;
    /** The instrument's calendar (session bounds, the date of the first record); default NYSE. */
    calendar?: TradingCalendar;
    onProgress?: (symbol: string, date: string, rows: number, total: number) => void;
  } = {},
): Promise<CalibrationRecord> {
  // level 0 is all the calibration reads: the other levels' columns are neither fetched nor decoded
  // (the calibrator keeps no reference into a batch: its buffers may go back to a decode thread after it)
  const stream = await Mbp10Stream.open(
    sources.map((source) => ({ source, maxLevels: 1, releaseBatches: true })),
  );
  const path = sources.map((s) => s.name).join(", ");
  try {
    const symbol = opts.symbol ?? (await symbolOf(stream));
    if (!symbol) throw new InputError(`${path} has no symbol column; pass --symbol`);
    validateSymbol(symbol);
    let cal: DayCalibrator | undefined;
    let rows = 0;
    for await (const b of stream.batches()) {
      if (!cal) {
        const calendar = opts.calendar ?? CALENDARS.nyse!;
        const date = opts.date ?? tradingDateOf(calendar, b.tsRecv[0]!);
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
