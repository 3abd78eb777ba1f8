/**
 * A synthetic trading day of a futures instrument (docs/models.md 1b), e.g. ES: the instrument's tick (0.25
 * points) and a price level of an index future, in two 6.5-hour segments of the generator, written to one file
 * in time order: the evening from the session's open (18:00 New York on D-1 for CME Globex) and the regular
 * hours 09:30-16:00 of D. The night between them has no record (a gap the calibration and the halt tracker
 * see as such). Each segment has its own random streams (the segment name salts the seeds) and its own planted
 * impact; the file's `msor.planted` is the day segment's, with the instrument and both segments added.
 */
import { sessionOf } from "../core/calendars.ts";
import { InputError } from "../core/errors.ts";
import type { Instrument } from "../core/instrument.ts";
import { hash32 } from "../core/rng.ts";
import type { Mbp10FullBatch } from "../mbp10/schema.ts";
import { writeMbp10File } from "../mbp10/writer.ts";
import { BATCH_ROWS } from "./engine.ts";
import { generateDay, type PlantedTruth } from "./generate.ts";
import { type SynthOptions, VENUE_PUBLISHERS } from "./options.ts";
import { PLANTED_KEY } from "./write.ts";

/** Publisher ids of a futures day's venues: CME Globex (GLBX.MDP3) first, then synthetic others for tests. */
export const FUTURES_PUBLISHERS = [1, ...VENUE_PUBLISHERS] as const;

export interface FuturesPlanted extends PlantedTruth {
  readonly instrument: { id: string; tick_size: number; multiplier: number; calendar: string };
  /** The two segments' planted truths: the evening (from the session's open) and the day session. */
  readonly segments: readonly PlantedTruth[];
}

/** Options of each segment: the instrument's tick, an index-level start price, half the events each. */
export function futuresSegments(options: SynthOptions, instrument: Instrument): SynthOptions[] {
  if (!instrument.calendar.opensDayBefore) {
    throw new InputError(
      `instrument ${instrument.id} has no evening session (calendar ${instrument.calendar.name}); synthetic futures days are for calendars like cme-globex-equity`,
    );
  }
  const session = sessionOf(instrument.calendar, options.date);
  const tick = instrument.tickSize;
  // an index level 4000-5000 points on the tick grid, by symbol hash (every day of a symbol shares it)
  const level = 4000 + Math.floor((hash32(`futures\u001f${options.symbol}`) / 4294967296) * 1000);
  const startPrice = options.startPrice ?? Math.round(level / tick) * tick;
  const events = Math.max(1, Math.round((options.eventsPerVenue ?? 1_000_000) / 2));
  const base: SynthOptions = {
    ...options,
    tick,
    startPrice,
    eventsPerVenue: events,
    venues: options.venues ?? 1,
    publishers: options.publishers ?? FUTURES_PUBLISHERS,
  };
  return [
    { ...base, openNs: session.openNs, segment: "evening" },
    { ...base, openNs: session.regular.openNs, segment: "day" },
  ];
}

/** Write one synthetic futures day of `instrument` to `path`: the evening segment, then the day session. */
export async function writeSyntheticFuturesDay(
  path: string,
  options: SynthOptions,
  instrument: Instrument,
  onRows?: (rowsWritten: number, totalRows: number) => void,
): Promise<{ path: string; rows: number; planted: FuturesPlanted }> {
  const days = futuresSegments(options, instrument).map((o) => generateDay(o));
  const total = days.reduce((a, d) => a + d.planted.rows, 0);
  const day = days[1]!.planted;
  const planted: FuturesPlanted = {
    ...day,
    rows: total,
    trades: days.reduce((a, d) => a + d.planted.trades, 0),
    daily_volume: days.reduce((a, d) => a + d.planted.daily_volume, 0),
    adv_hint: days.reduce((a, d) => a + d.planted.adv_hint, 0),
    instrument: {
      id: instrument.id,
      tick_size: instrument.tickSize,
      multiplier: instrument.multiplier,
      calendar: instrument.calendar.name,
    },
    segments: days.map((d) => d.planted),
  };
  async function* all(): AsyncGenerator<Mbp10FullBatch> {
    let done = 0;
    for (const d of days) {
      for await (const b of d.batches) {
        yield b;
        done += b.length;
        onRows?.(done, total);
      }
    }
  }
  const { rows } = await writeMbp10File(path, all(), {
    rowGroupSize: BATCH_ROWS,
    compression: "snappy",
    keyValue: new Map([[PLANTED_KEY, JSON.stringify(planted)]]),
  });
  return { path, rows, planted };
}
