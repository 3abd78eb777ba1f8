/**
 * Seeded synthetic MBP-10 day with a planted transient impact (docs/models.md section 2), all venues in one stream
 * merged by ts_recv.
 *
 * Steps: (1) plan the day: U-shaped event times, venue of each event, trades with meta-order-driven signs;
 * (2) binned signed flow x_j (normalized by the day's traded volume V) and the propagator path J with the
 * planted half-life; (3) the latent log mid = a J + b Z (noise walk), a and b solved for the target lambda and
 * daily volatility; (4) a dry pass of the book engine measures sigma_d of the national mid exactly as it will
 * appear in the file, so the planted lambda = a / sigma_d is the coefficient a correct calibration recovers;
 * (5) the emitting pass streams 65,536-row batches.
 */
import { MsorError } from "../core/errors.ts";
import { Rng, seedFrom } from "../core/rng.ts";
import { regularSession } from "../core/session.ts";
import type { Mbp10FullBatch } from "../mbp10/schema.ts";
import { type DayPlan, SynthEngine } from "./engine.ts";
import { binnedFlow, IMPACT_DT_S, planTrades, propagatorPath } from "./flow.ts";
import { fitImpact, realizedDailyVol } from "./impact.ts";
import { noiseWalk, solveLatentMid } from "./latent.ts";
import {
  CANDIDATE_HALF_LIVES_S,
  GENERATOR_VERSION,
  type ResolvedSynthOptions,
  resolveOptions,
  type SynthOptions,
} from "./options.ts";
import { eventTimesNs, venueLabels } from "./profile.ts";

/** The truth planted in a synthetic day, stored as JSON under the Parquet key-value metadata `msor.planted`. */
export interface PlantedTruth {
  generator_version: string;
  symbol: string;
  date: string;
  seed: number;
  venues: { publisher_id: number; name: string }[];
  events_per_venue: number;
  /** Records written (all venues). */
  rows: number;
  trades: number;
  /** Planted lambda in docs/models.md section 2 units (sigma_d-units per fraction of daily_volume): a / sigma_daily. */
  lambda: number;
  /** lambda the latent path was built for (requested or defaulted); differs from `lambda` by book rounding. */
  lambda_latent: number;
  half_life_s: number;
  /** ln 2 / half_life_s, per second. */
  beta_per_s: number;
  /** Bin width of the regression, seconds. */
  dt_s: number;
  /** x_j is signed volume divided by this: the day's traded volume (daily_volume). */
  flow_normalizer: "daily_volume";
  /** Realized volatility of 1-minute national-mid log returns over the session, as in the file. */
  sigma_daily: number;
  sigma_daily_target: number;
  /** V: shares traded over the day, all venues. */
  daily_volume: number;
  /** Expected daily volume of this symbol with these options (ADV stand-in), shares. */
  adv_hint: number;
  /** Share of the latent 1-minute return variance explained by impact. */
  impact_share: number;
  start_price: number;
  tick: number;
  instrument_id: number;
  /** Regression of docs/models.md section 2 on this file's national mid (uncentered R^2), per candidate half-life. */
  fit: { half_life_s: number; lambda: number; r2: number }[];
  /** Candidate with the best R^2 in `fit`. */
  fit_best_half_life_s: number;
}

export interface GeneratedDay {
  readonly options: ResolvedSynthOptions;
  readonly planted: PlantedTruth;
  /** The records of the day, 65,536 per batch (the last one shorter), ordered by ts_recv. Single use. */
  readonly batches: AsyncIterable<Mbp10FullBatch>;
  /**
   * The day's path as the file holds it (the dry pass): binned signed flow x (fraction of daily_volume), the
   * national mid at the open and at each 10-s bin end, in dollars (price units).
   */
  readonly path: { readonly x: Float64Array; readonly midOpen: number; readonly midBinEnd: Float64Array };
}

/** Build the latent plan of the day (steps 1-3). */
export function planDay(opts: ResolvedSynthOptions): DayPlan & { x: Float64Array; dailyVolTarget: number } {
  const rng = new Rng(
    opts.segment
      ? seedFrom(opts.seed, opts.symbol, opts.date, opts.segment)
      : seedFrom(opts.seed, opts.symbol, opts.date),
  );
  const dailyVolTarget =
    (opts.dailyVolIsDefault ? opts.dailyVol * Math.exp(0.15 * rng.normal()) : opts.dailyVol) *
    opts.dailyVolScale;
  const n = opts.venues.length * opts.eventsPerVenue;
  const timesNs = eventTimesNs(n, rng);
  const venue = venueLabels(opts.venues.length, opts.eventsPerVenue, rng);
  const trades = planTrades(timesNs, opts.tradeProbability, rng);
  if (trades.trades === 0) {
    throw new MsorError(
      `no trade was drawn among ${n} events; use more events or a higher trade probability`,
    );
  }
  const x = binnedFlow(timesNs, trades);
  const betaPerS = Math.LN2 / opts.plantedHalfLifeS;
  const latent = solveLatentMid(propagatorPath(x, opts.plantedHalfLifeS), noiseWalk(rng), {
    lambda:
      opts.impactPerUnit === undefined
        ? opts.plantedLambda
        : (opts.impactPerUnit * trades.dailyVolume) / dailyVolTarget,
    impactShare: opts.impactShare,
    dailyVol: dailyVolTarget,
    startPrice: opts.startPrice,
  });
  return { timesNs, venue, trades, latent, betaPerS, x, dailyVolTarget };
}

/** Generate one day: plan, dry pass (planted truth), then the streamed batches. */
export function generateDay(options: SynthOptions): GeneratedDay {
  const opts = resolveOptions(options);
  const plan = planDay(opts);
  const openNs = opts.openNs ?? regularSession(opts.date).openNs;
  const bookSeed = opts.segment
    ? seedFrom(opts.seed, opts.symbol, opts.date, "book", opts.segment)
    : seedFrom(opts.seed, opts.symbol, opts.date, "book");
  const engine = new SynthEngine(opts, openNs, plan, bookSeed);
  const dry = drain(engine.run(false));
  const midOpen = dry.midOpenTicks / opts.ticksPerDollar;
  const midEnd = dry.midBinEndTicks.map((m) => m / opts.ticksPerDollar);
  const path = { x: plan.x, midOpen, midBinEnd: midEnd };
  const sigma = realizedDailyVol(midOpen, midEnd);
  const fit = fitImpact(plan.x, midOpen, midEnd, sigma, CANDIDATE_HALF_LIVES_S);
  const best = fit.reduce((a, b) => (b.r2 > a.r2 ? b : a));
  const planted: PlantedTruth = {
    generator_version: GENERATOR_VERSION,
    symbol: opts.symbol,
    date: opts.date,
    seed: opts.seed,
    venues: opts.venues.map((v) => ({ publisher_id: v.publisherId, name: v.name })),
    events_per_venue: opts.eventsPerVenue,
    rows: dry.rows,
    trades: plan.trades.trades,
    lambda: plan.latent.a / sigma,
    lambda_latent: plan.latent.lambda,
    half_life_s: opts.plantedHalfLifeS,
    beta_per_s: plan.betaPerS,
    dt_s: IMPACT_DT_S,
    flow_normalizer: "daily_volume",
    sigma_daily: sigma,
    sigma_daily_target: plan.dailyVolTarget,
    daily_volume: plan.trades.dailyVolume,
    adv_hint: Math.round(plan.trades.expectedVolume),
    impact_share: plan.latent.impactShare,
    start_price: opts.startPrice,
    tick: opts.tick,
    instrument_id: opts.instrumentId,
    fit: fit.map((f) => ({ half_life_s: f.halfLifeS, lambda: f.lambda, r2: f.r2 })),
    fit_best_half_life_s: best.halfLifeS,
  };
  async function* batches(): AsyncGenerator<Mbp10FullBatch> {
    const it = engine.run(true);
    for (;;) {
      const next = it.next();
      if (next.done) {
        if (next.value.rows !== dry.rows) {
          throw new MsorError(
            `internal error: emitting pass wrote ${next.value.rows} rows, dry pass counted ${dry.rows}`,
          );
        }
        return;
      }
      yield next.value;
    }
  }
  return { options: opts, planted, batches: batches(), path };
}

function drain<T, R>(it: Generator<T, R, void>): R {
  for (;;) {
    const next = it.next();
    if (next.done) return next.value;
  }
}
