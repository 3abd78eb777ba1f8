/**
 * What completing a quantity at once would cost on the data's book (the opportunity cost of docs/models.md 8):
 * a market order of U shares walks the displayed levels of every venue, cheapest first; its walk beyond the
 * national best is W(U) = sum q max(0, s (p - b)) (price units, total), and the shares beyond the visible depth
 * are priced at the last displayed level (the book shows no more, so it cannot be cheaper). Also the half-spread
 * and the taker fee at the best. Pure: reads the books, changes nothing.
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import type { FeeSchedule, OrderSide } from "./types.ts";

export interface CompletionCost {
  /** Data mid (price units); NaN when one-sided. */
  readonly midUsd: number;
  /** Half the national spread (price units); NaN when one-sided. */
  readonly halfSpreadUsd: number;
  /** Taker fee per share at the venue of the national best (price units of the fee schedule). */
  readonly takerFeeUsd: number;
  /** W(U): the walk beyond the best of U shares, total (price units x shares); NaN when the side is empty. */
  readonly walkUsd: number;
}

/** The cost of completing `qty` shares of a parent on `side` at once on `books` (module doc). */
export function completionCost(
  books: VenueBooks,
  fees: FeeSchedule,
  side: OrderSide,
  qty: number,
): CompletionCost {
  const bid = books.nationalBestBid();
  const ask = books.nationalBestAsk();
  const buy = side === 1;
  const L = books.levels;
  const px = buy ? books.askPx : books.bidPx;
  const sz = buy ? books.askSz : books.bidSz;
  const levels: { p: number; q: number; v: number }[] = [];
  for (let v = 0; v < books.maxVenues; v++) {
    if (books.valid[v] === 0) continue;
    for (let l = 0; l < L; l++) {
      const p = px[v * L + l]!;
      if (Number.isNaN(p)) break;
      if (sz[v * L + l]! > 0) levels.push({ p, q: sz[v * L + l]!, v });
    }
  }
  levels.sort((a, b) => (buy ? a.p - b.p : b.p - a.p) || a.v - b.v);
  const best = levels[0];
  let walk = Number.NaN;
  if (best !== undefined) {
    walk = 0;
    let left = qty;
    let last = best.p;
    for (const lv of levels) {
      if (left <= 0) break;
      const q = Math.min(left, lv.q);
      walk += q * side * (lv.p - best.p);
      left -= q;
      last = lv.p;
    }
    if (left > 0) walk += left * side * (last - best.p);
  }
  return {
    midUsd: (bid + ask) / 2,
    halfSpreadUsd: (ask - bid) / 2,
    takerFeeUsd: best !== undefined ? fees.takerFeeUsd(best.v, best.p) : 0,
    walkUsd: walk,
  };
}
