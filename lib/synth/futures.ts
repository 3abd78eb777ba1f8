/**
 * A synthetic trading day of a futures instrument (docs/models.md 1b), e.g. ES: the instrument's tick (0.25
 * points) and a price level of an index future, in two 6.5-hour segments of the generator, written to one file
 * in time order: the evening from the session's open (18:00 New York on D-1 for CME Globex) and the regular
 * hours 09:30-16:00 of D. The night between them has no record (a gap the calibration and the halt tracker
 * see as such). Each segment has its own random streams (the segment name salts the seeds).
 *
 * One day, one price path: the day session opens at the evening's last national mid (no jump at the join).
 * The evening is thinner and quieter, as Globex evenings are: EVENING_EVENT_SHARE of the events (so about a
 * quarter of the day session's volume, a fifth of the trading day's) and EVENING_VOL_SCALE of the volatility.
 * Both segments carry one planted impact per contract (SynthOptions.impactPerUnit), sized so that
 * IMPACT_BPS_PER_PCT_VOLUME bps is the immediate impact of 1% of the day's expected volume traded at once
 * (unless --lambda sets each segment's lambda). The file's `msor.planted` describes the whole trading day as a
 * calibration over the instrument's session sees it (sigma_daily, lambda and the fit table over the Globex day's
 * 10-s grid, the flat night included), with the instrument and both segments' own truths added.
 */
import { sessionOf } from "../core/calendars.ts";
import { InputError } from "../core/errors.ts";
import type { Instrument } from "../core/instrument.ts";
import { hash32 } from "../core/rng.ts";
import type { Mbp10FullBatch } from "../mbp10/schema.ts";
import { writeMbp10File } from "../mbp10/writer.ts";
import { BATCH_ROWS } from "./engine.ts";
import { IMPACT_DT_S, meanTradeSize } from "./flow.ts";
import { generateDay, type PlantedTruth } from "./generate.ts";
import { fitImpact, realizedDailyVol } from "./impact.ts";
import { CANDIDATE_HALF_LIVES_S, type SynthOptions, VENUE_PUBLISHERS } from "./options.ts";
import { PLANTED_KEY } from "./write.ts";

/** Publisher ids of a futures day's venues: CME Globex (GLBX.MDP3) first, then synthetic others for tests. */
export const FUTURES_PUBLISHERS = [1, ...VENUE_PUBLISHERS] as const;

/** Share of a futures day's events (and so about of its volume) in the evening segment; the rest is the day's. */
export const EVENING_EVENT_SHARE = 0.2;
/** The evening segment's volatility target relative to the day session's. */
export const EVENING_VOL_SCALE = 0.5;
/** Immediate impact, bps, of 1% of the trading day's expected volume traded at once (the planted default). */
export const IMPACT_BPS_PER_PCT_VOLUME = 4;
/** Version of the futures day layout (the `futures_generator` field of `msor.planted`). */
export const FUTURES_GENERATOR_VERSION = "futures-2";

export interface FuturesPlanted extends PlantedTruth {
  readonly futures_generator: string;
  readonly instrument: { id: string; tick_size: number; multiplier: number; calendar: string };
  /**
   * Planted immediate impact per contract (log mid per contract, both segments; null when --lambda set each
   * segment's lambda) and what it makes of 1% of the expected day volume (adv_hint) at once, bps.
   */
  readonly impact_per_contract: number | null;
  readonly impact_bps_per_pct_adv: number | null;
  /** The evening's volume as a share of the day's volume. */
  readonly evening_volume_share: number;
  /** ln(day open mid / evening close mid): the return across the night (about zero: one price path). */
  readonly night_return: number;
  /** The two segments' planted truths: the evening (from the session's open) and the day session. */
  readonly segments: readonly PlantedTruth[];
}

/**
 * Options of each segment: the instrument's tick, an index-level start price (the day segment's is replaced by
 * the evening's close when the day is written), EVENING_EVENT_SHARE of the events in the evening.
 */
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
  const total = options.eventsPerVenue ?? 1_000_000;
  const eveningEvents = Math.max(1, Math.round(total * EVENING_EVENT_SHARE));
  const dayEvents = Math.max(1, total - eveningEvents);
  const venues = options.venues ?? 1;
  const tradeProbability = options.tradeProbability ?? 0.08;
  // one impact per contract over the day: IMPACT_BPS_PER_PCT_VOLUME for 1% of the expected day volume
  const expectedVolume = venues * (eveningEvents + dayEvents) * tradeProbability * meanTradeSize();
  const impactPerUnit =
    options.plantedLambda !== undefined || options.impactPerUnit !== undefined
      ? options.impactPerUnit
      : (IMPACT_BPS_PER_PCT_VOLUME * 1e-4) / (0.01 * expectedVolume);
  const base: SynthOptions = {
    ...options,
    tick,
    startPrice,
    venues,
    impactPerUnit,
    publishers: options.publishers ?? FUTURES_PUBLISHERS,
  };
  return [
    {
      ...base,
      eventsPerVenue: eveningEvents,
      dailyVolScale: (options.dailyVolScale ?? 1) * EVENING_VOL_SCALE,
      openNs: session.openNs,
      segment: "evening",
    },
    { ...base, eventsPerVenue: dayEvents, openNs: session.regular.openNs, segment: "day" },
  ];
}

/** Write one synthetic futures day of `instrument` to `path`: the evening segment, then the day session. */
export async function writeSyntheticFuturesDay(
  path: string,
  options: SynthOptions,
  instrument: Instrument,
  onRows?: (rowsWritten: number, totalRows: number) => void,
): Promise<{ path: string; rows: number; planted: FuturesPlanted }> {
  const [eveningOptions, dayOptions] = futuresSegments(options, instrument) as [SynthOptions, SynthOptions];
  const evening = generateDay(eveningOptions);
  // the day session opens where the evening closed: one price path through the night
  const eveningClose = evening.path.midBinEnd[evening.path.midBinEnd.length - 1]!;
  const days = [evening, generateDay({ ...dayOptions, startPrice: eveningClose })];
  const total = days.reduce((a, d) => a + d.planted.rows, 0);
  const day = days[1]!.planted;
  const volume = days.reduce((a, d) => a + d.planted.daily_volume, 0);
  const whole = wholeDayFit(instrument, options.date, days);
  const impactPerUnit = days[1]!.options.impactPerUnit;
  const advHint = days.reduce((a, d) => a + d.planted.adv_hint, 0);
  const planted: FuturesPlanted = {
    ...day,
    rows: total,
    trades: days.reduce((a, d) => a + d.planted.trades, 0),
    daily_volume: volume,
    adv_hint: advHint,
    // the day segment's impact in whole-day units (sigma of the Globex day, fraction of the day's volume)
    lambda: (day.lambda * day.sigma_daily * volume) / (day.daily_volume * whole.sigma),
    lambda_latent:
      (day.lambda_latent * day.sigma_daily_target * volume) / (day.daily_volume * whole.sigmaTarget),
    sigma_daily: whole.sigma,
    sigma_daily_target: whole.sigmaTarget,
    start_price: evening.planted.start_price,
    fit: whole.fit.map((f) => ({ half_life_s: f.halfLifeS, lambda: f.lambda, r2: f.r2 })),
    fit_best_half_life_s: whole.fit.reduce((a, b) => (b.r2 > a.r2 ? b : a)).halfLifeS,
    futures_generator: FUTURES_GENERATOR_VERSION,
    impact_per_contract: impactPerUnit ?? null,
    impact_bps_per_pct_adv: impactPerUnit === undefined ? null : impactPerUnit * 0.01 * advHint * 1e4,
    evening_volume_share: evening.planted.daily_volume / day.daily_volume,
    night_return: Math.log(days[1]!.path.midOpen / eveningClose),
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

/**
 * The docs/models.md section 2 measurements over the whole trading day, on the 10-s grid from the session's
 * open to its close as a calibration over the instrument's session builds it: each segment's bins at its offset,
 * the mid flat (no flow) in between and after the day session, the flow normalized by the day's total volume.
 */
function wholeDayFit(
  instrument: Instrument,
  date: string,
  days: readonly ReturnType<typeof generateDay>[],
): { sigma: number; sigmaTarget: number; fit: ReturnType<typeof fitImpact> } {
  const session = sessionOf(instrument.calendar, date);
  const binNs = BigInt(IMPACT_DT_S * 1e9);
  const n = Number((session.closeNs - session.openNs) / binNs);
  const x = new Float64Array(n);
  const mid = new Float64Array(n);
  const volume = days.reduce((a, d) => a + d.planted.daily_volume, 0);
  let filled = 0;
  let last = days[0]!.path.midOpen;
  for (const d of days) {
    const offset = Number((d.options.openNs! - session.openNs) / binNs);
    for (; filled < offset; filled++) mid[filled] = last;
    const share = d.planted.daily_volume / volume;
    for (let j = 0; j < d.path.x.length && offset + j < n; j++) {
      x[offset + j] = d.path.x[j]! * share;
      mid[offset + j] = d.path.midBinEnd[j]!;
    }
    filled = Math.min(n, offset + d.path.x.length);
    last = mid[filled - 1]!;
  }
  for (; filled < n; filled++) mid[filled] = last;
  const midOpen = days[0]!.path.midOpen;
  const sigma = realizedDailyVol(midOpen, mid);
  const sigmaTarget = Math.sqrt(days.reduce((a, d) => a + d.planted.sigma_daily_target ** 2, 0));
  return { sigma, sigmaTarget, fit: fitImpact(x, midOpen, mid, sigma, CANDIDATE_HALF_LIVES_S) };
}
