/**
 * Price-level lookups in the consistent per-venue books (flat arrays, index v * levels + l; bids descending,
 * asks ascending; NaN = no level). Prices are compared by integer micro-dollar keys (core/units priceKey).
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import { priceKey } from "../core/units.ts";

/** Book side index: 0 = bids, 1 = asks. */
export const BID = 0;
export const ASK = 1;

/** Returned by levelSize when the price lies beyond the deepest displayed level of a full book (unknown). */
export const HIDDEN = -1;

/**
 * Displayed size (shares) at price key `pk` on side `side` of venue `v`:
 * - the level's size when the price is displayed;
 * - 0 when the price is not displayed but lies inside the displayed range, is better than the best, or the
 *   side (or the venue's book) is empty: nobody is displayed at that price ("vacated");
 * - HIDDEN (-1) when the price is worse than the deepest level of a book showing all its levels (unknown).
 */
export function levelSize(books: VenueBooks, v: number, side: number, pk: number): number {
  if (books.valid[v] === 0) return 0;
  const L = books.levels;
  const base = v * L;
  const px = side === BID ? books.bidPx : books.askPx;
  const sz = side === BID ? books.bidSz : books.askSz;
  for (let l = 0; l < L; l++) {
    const p = px[base + l]!;
    if (Number.isNaN(p)) return 0;
    const k = priceKey(p);
    if (k === pk) return sz[base + l]!;
    if (side === BID ? k < pk : k > pk) return 0;
  }
  return HIDDEN;
}
