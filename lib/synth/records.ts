/**
 * What the synthetic engine (engine.ts) plans and writes: the planned day, its counters, the draws of
 * spreads and noise depths, and one Databento-style MBP-10 record (the event plus the venue's book after it).
 */
import type { Rng } from "../core/rng.ts";
import type { Mbp10FullBatch } from "../mbp10/schema.ts";
import { LEVELS, type SynthVenueBooks } from "./book.ts";
import type { TradePlan } from "./flow.ts";
import type { LatentMid } from "./latent.ts";

/** "No level" in a price column. */
export const NOT_A_PRICE = Number.NaN;

/** The planned day the engine replays (latent arrays, a few numbers per event). */
export interface DayPlan {
  /** Event times, integer ns after the open (float64), non-decreasing. */
  readonly timesNs: Float64Array;
  /** Venue index (0..venues-1) of each event. */
  readonly venue: Uint8Array;
  readonly trades: TradePlan;
  readonly latent: LatentMid;
  /** beta = ln 2 / half-life, per second. */
  readonly betaPerS: number;
}

export interface EngineStats {
  rows: number;
  events: number;
  /** Trades that walked more than one level. */
  sweeps: number;
  /** National mid (ticks) right after the opening snapshot. */
  midOpenTicks: number;
  /** National mid (ticks) at the end of each 10-second bin (after the last event with t < bin end). */
  midBinEndTicks: Float64Array;
}

/** Cumulative weights of noise-event depths, 0.8^d. */
export const DEPTH_CDF = (() => {
  const w = Array.from({ length: LEVELS }, (_, d) => 0.8 ** d);
  const total = w.reduce((a, b) => a + b, 0);
  let c = 0;
  return Float64Array.from(w, (x) => (c += x / total));
})();

/** Spread regime of a venue, ticks: 1 (50%), 2 (35%) or 3 (15%). */
export function drawSpreadTicks(rng: Rng): number {
  const u = rng.uniform();
  return u < 0.5 ? 1 : u < 0.85 ? 2 : 3;
}

/** The event fields of one record (prices in ticks of 1 / tpd dollars). */
export interface RecordFields {
  readonly tsRecv: bigint;
  readonly tsEvent: bigint;
  readonly tsInDelta: number;
  readonly sequence: number;
  readonly publisherId: number;
  readonly instrumentId: number;
  readonly action: number;
  readonly side: number;
  readonly depth: number;
  readonly priceTicks: number;
  readonly size: number;
  readonly flags: number;
}

/** Write row `r` of `b`: the event fields plus venue v's book as it is now (AFTER the record's change). */
export function writeRecord(
  b: Mbp10FullBatch,
  r: number,
  books: SynthVenueBooks,
  tpd: number,
  v: number,
  e: RecordFields,
): void {
  b.tsRecv[r] = e.tsRecv;
  b.tsEvent[r] = e.tsEvent;
  b.publisherId[r] = e.publisherId;
  b.instrumentId[r] = e.instrumentId;
  b.venue[r] = v;
  b.action[r] = e.action;
  b.side[r] = e.side;
  b.depth[r] = e.depth;
  b.price[r] = e.priceTicks / tpd;
  b.size[r] = e.size;
  b.flags[r] = e.flags;
  b.tsInDelta[r] = e.tsInDelta;
  b.sequence[r] = e.sequence;
  const { px, sz, ct } = books;
  const { bidPx, askPx, bidSz, askSz, bidCt, askCt } = b;
  const bidBase = 2 * v * LEVELS;
  const askBase = bidBase + LEVELS;
  for (let l = 0; l < LEVELS; l++) {
    const bs = sz[bidBase + l]!;
    const as = sz[askBase + l]!;
    bidPx[l]![r] = bs > 0 ? px[bidBase + l]! / tpd : NOT_A_PRICE;
    askPx[l]![r] = as > 0 ? px[askBase + l]! / tpd : NOT_A_PRICE;
    bidSz[l]![r] = bs;
    askSz[l]![r] = as;
    bidCt[l]![r] = bs > 0 ? ct[bidBase + l]! : 0;
    askCt[l]![r] = as > 0 ? ct[askBase + l]! : 0;
  }
}
