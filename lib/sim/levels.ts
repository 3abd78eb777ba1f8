/**
 * Price-level lookups in the consistent per-venue books (flat arrays, index v * levels + l; bids descending,
 * asks ascending; NaN = no level). Prices are compared by integer micro-dollar keys (core/units priceKey).
 *
 * Source depth: a venue's book may show fewer levels than the simulator holds (a level-1 file, or a level-1
 * venue merged with level-10 venues: the simulator's level count is the maximum over the files and the
 * shallow venue's deeper levels are always NaN). The simulator therefore records, per venue and side, the
 * deepest level count the venue has ever displayed (SourceDepth, updated at every consistent book of the
 * venue), and a price worse than the last displayed level of a side showing that many levels is unknown
 * (HIDDEN), not empty.
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import { priceKey } from "../core/units.ts";
import type { Mbp10Batch } from "../mbp10/schema.ts";

/** Book side index: 0 = bids, 1 = asks. */
export const BID = 0;
export const ASK = 1;

/** Returned by levelSize when the price lies beyond what the venue's source displays (unknown). */
export const HIDDEN = -1;

/**
 * Deepest displayed level count per venue and side (index v * 2 + side), over all consistent books seen so
 * far: the depth of the venue's source as far as the data has shown it. O(1) per update once the venue has
 * shown its full depth (a couple of reads), allocation-free.
 */
export class SourceDepth {
  readonly deepest: Uint8Array;
  constructor(maxVenues: number) {
    this.deepest = new Uint8Array(maxVenues * 2);
  }

  /**
   * Record `i` of `b` (venue `v`) is the venue's new consistent book in a simulator of `levels` levels: extend
   * its recorded depth if it now shows more levels. Reads the record, not the books (which copy lazily).
   */
  note(b: Mbp10Batch, i: number, v: number, levels: number): void {
    const L = Math.min(levels, b.levels);
    const d = this.deepest;
    let n = d[v * 2]!;
    if (n < L && !Number.isNaN(b.bidPx[n]![i]!)) {
      while (n < L && !Number.isNaN(b.bidPx[n]![i]!)) n++;
      d[v * 2] = n;
    }
    n = d[v * 2 + 1]!;
    if (n < L && !Number.isNaN(b.askPx[n]![i]!)) {
      while (n < L && !Number.isNaN(b.askPx[n]![i]!)) n++;
      d[v * 2 + 1] = n;
    }
  }

  /** Deepest level count venue `v` has displayed on `side`. */
  get(v: number, side: number): number {
    return this.deepest[v * 2 + side]!;
  }
}

/**
 * Displayed size (shares) at price key `pk` on side `side` of venue `v`:
 * - the level's size when the price is displayed;
 * - 0 when the price is not displayed but lies inside the displayed range, is better than the best, or the
 *   side (or the venue's book) is empty, or lies beyond the last displayed level of a side showing fewer
 *   levels than the venue has shown before: nobody is displayed at that price ("vacated");
 * - HIDDEN (-1) when the price is worse than the last displayed level and the side shows as many levels as
 *   the venue's source has ever shown (`depth`; the simulator's level count for a full book): the source
 *   does not show that price, so its queue is unknown.
 */
export function levelSize(
  books: VenueBooks,
  depth: SourceDepth,
  v: number,
  side: number,
  pk: number,
): number {
  if (books.valid[v] === 0) return 0;
  const L = books.levels;
  const base = v * L;
  const px = side === BID ? books.bidPx : books.askPx;
  const sz = side === BID ? books.bidSz : books.askSz;
  for (let l = 0; l < L; l++) {
    const p = px[base + l]!;
    if (Number.isNaN(p)) return l > 0 && l >= depth.get(v, side) ? HIDDEN : 0;
    const k = priceKey(p);
    if (k === pk) return sz[base + l]!;
    if (side === BID ? k < pk : k > pk) return 0;
  }
  return HIDDEN;
}
