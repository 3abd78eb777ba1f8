/**
 * The venues the router sees (docs/models.md section 5 inputs), built the same way for a backtest child order
 * (from the replayed books) and for `msor route` (from command-line venues and a calibration record).
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import { priceKey } from "../core/units.ts";
import type { Venue } from "./contKukanov.ts";
import { empiricalOutflow, exponentialOutflow, type OutflowDistribution } from "./outflow.ts";

/** Outflow of a venue's best queue: the empirical per-minute samples when there are any, else exponential(mean). */
export function venueOutflow(samples: Float64Array, meanPerMinute: number): OutflowDistribution {
  return samples.length > 0 ? empiricalOutflow(samples) : exponentialOutflow(meanPerMinute);
}

/**
 * Effective rebate r_k = maker rebate + adverse-selection delta ($/share; delta < 0 is adverse). A delta that
 * is not finite (never measured) counts 0.
 */
export function effectiveRebateUsd(makerRebateUsd: number, adverseUsd: number): number {
  return makerRebateUsd + (Number.isFinite(adverseUsd) ? adverseUsd : 0);
}

/** Per-venue inputs of the book-based venue list, looked up by venue index and name. */
export interface VenueInputs {
  /** Shares of our own earlier orders still resting at (venue, price key): the simulator queues us behind them. */
  ownRestingAt(venue: number, pk: number): number;
  /**
   * Effective rebate r_k of a venue, price units per unit: its maker rebate (fee schedule, at our passive price
   * `priceUsd` there) plus adverse selection. `venue` is the dense index.
   */
  rebateUsd(name: string, venue: number, priceUsd: number): number;
  outflow(name: string): OutflowDistribution;
}

export interface BookVenues {
  readonly venues: Venue[];
  /** Our passive price per venue (its best on our side; NaN when it has none). */
  readonly prices: number[];
  /** Half the national spread, dollars (not > 0 on a one-sided, locked or crossed market). */
  readonly halfSpreadUsd: number;
}

/**
 * Venues for a child of `side` (+1 buy rests on bids, -1 sell on asks) from the current books: a venue is at
 * the best when its best on our side equals the national best; its queue ahead is the displayed size there
 * plus our own resting shares; venues behind the best have queue 0 and atBest = false.
 */
export function bookVenues(
  books: VenueBooks,
  side: 1 | -1,
  names: readonly string[],
  inputs: VenueInputs,
): BookVenues {
  const nbb = books.nationalBestBid();
  const nba = books.nationalBestAsk();
  const best = side === 1 ? nbb : nba;
  const venues: Venue[] = [];
  const prices: number[] = [];
  for (let v = 0; v < names.length; v++) {
    const px = side === 1 ? books.bestBid(v) : books.bestAsk(v);
    const atBest = books.valid[v] === 1 && !Number.isNaN(px) && priceKey(px) === priceKey(best);
    venues.push({
      name: names[v],
      queueAhead: atBest
        ? (side === 1 ? books.bestBidSize(v) : books.bestAskSize(v)) + inputs.ownRestingAt(v, priceKey(px))
        : 0,
      rebateUsd: inputs.rebateUsd(names[v]!, v, px),
      outflow: inputs.outflow(names[v]!),
      atBest,
    });
    prices.push(px);
  }
  return { venues, prices, halfSpreadUsd: (nba - nbb) / 2 };
}

/**
 * The router's taker fee f for a child of `side` (docs/models.md 5, per venue from the fee schedules): the lowest
 * taker fee among the venues whose opposite best is the national best (where the market order's first shares
 * go: the taker walk takes equal prices on the cheapest venue first), at that price. `fallback` when no venue
 * shows one.
 */
export function takerFeeAtBest(
  books: VenueBooks,
  side: 1 | -1,
  nVenues: number,
  takerFee: (venue: number, priceUsd: number) => number,
  fallback: number,
): number {
  const best = side === 1 ? books.nationalBestAsk() : books.nationalBestBid();
  if (Number.isNaN(best)) return fallback;
  const key = priceKey(best);
  let f = Number.POSITIVE_INFINITY;
  for (let v = 0; v < nVenues; v++) {
    const px = side === 1 ? books.bestAsk(v) : books.bestBid(v);
    if (books.valid[v] === 1 && !Number.isNaN(px) && priceKey(px) === key) f = Math.min(f, takerFee(v, px));
  }
  return Number.isFinite(f) ? f : fallback;
}
