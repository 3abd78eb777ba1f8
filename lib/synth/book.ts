/**
 * The 10-level books of every venue as flat typed arrays: prices in integer ticks, sizes in shares, order
 * counts. Book (venue v, side s) occupies slots [(2 v + s) * 10, +10); level 0 is the best. A size of 0 marks
 * an empty level (only while the opening snapshot is being built).
 */
import type { Rng } from "../core/rng.ts";

export const LEVELS = 10;
export const BID = 0;
export const ASK = 1;
export type BookSide = typeof BID | typeof ASK;

/** Mean displayed size at depth d, shares: a few hundred at the top, growing with depth. */
export function meanLevelSize(depth: number): number {
  return 250 + 90 * depth;
}

/** One order's size: 35% odd lots (1..99), else 100 x geometric lots (mean 1.8, cap 20). */
export function drawOrderSize(rng: Rng): number {
  if (rng.uniform() < 0.35) return 1 + rng.int(99);
  return 100 * Math.min(20, rng.geometric(0.55));
}

/** Size of a freshly revealed level at `depth`: round lots around meanLevelSize, sometimes with an odd lot. */
export function drawLevelSize(depth: number, rng: Rng): number {
  const lots = Math.max(1, Math.round(rng.exponential(meanLevelSize(depth) / 100)));
  return 100 * lots + (rng.uniform() < 0.2 ? 1 + rng.int(99) : 0);
}

/** Plausible number of orders behind a displayed size (about 180 shares per order). */
export function orderCount(size: number): number {
  return Math.max(1, Math.round(size / 180));
}

export class SynthVenueBooks {
  readonly px: Int32Array;
  readonly sz: Int32Array;
  readonly ct: Int32Array;

  constructor(readonly venues: number) {
    this.px = new Int32Array(venues * 2 * LEVELS);
    this.sz = new Int32Array(venues * 2 * LEVELS);
    this.ct = new Int32Array(venues * 2 * LEVELS);
  }

  /** First slot of the book (venue, side). */
  base(venue: number, side: BookSide): number {
    return (2 * venue + side) * LEVELS;
  }

  /** National mid in ticks: (max best bid + min best ask) / 2 over the venues. */
  nationalMid(): number {
    let bid = Number.NEGATIVE_INFINITY;
    let ask = Number.POSITIVE_INFINITY;
    for (let v = 0; v < this.venues; v++) {
      bid = Math.max(bid, this.best(v, BID));
      ask = Math.min(ask, this.best(v, ASK));
    }
    return (bid + ask) / 2;
  }

  /** Best price over the other venues: max bid (side BID) or min ask (side ASK); +-Infinity when none. */
  otherBest(v: number, side: BookSide): number {
    let best = side === BID ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    for (let u = 0; u < this.venues; u++) {
      if (u === v) continue;
      const p = this.best(u, side);
      if (Number.isNaN(p)) continue;
      best = side === BID ? Math.max(best, p) : Math.min(best, p);
    }
    return best;
  }

  /** Best price in ticks of (venue, side), or NaN when the side is empty. */
  best(venue: number, side: BookSide): number {
    const b = this.base(venue, side);
    return this.sz[b]! > 0 ? this.px[b]! : Number.NaN;
  }

  /** Insert a level at `depth`, pushing deeper levels one slot down (the 10th level falls off the view). */
  insert(base: number, depth: number, priceTicks: number, size: number): void {
    for (let l = LEVELS - 1; l > depth; l--) {
      this.px[base + l] = this.px[base + l - 1]!;
      this.sz[base + l] = this.sz[base + l - 1]!;
      this.ct[base + l] = this.ct[base + l - 1]!;
    }
    this.px[base + depth] = priceTicks;
    this.sz[base + depth] = size;
    this.ct[base + depth] = orderCount(size);
  }

  /**
   * Remove the level at `depth`, shifting deeper levels up; the 10th slot is refilled with the next hidden
   * level, 1 (85%) or 2 ticks beyond the old 10th, with a fresh size. `dir` = -1 for bids, +1 for asks.
   */
  remove(base: number, depth: number, dir: number, rng: Rng): void {
    const last = base + LEVELS - 1;
    const deepest = this.px[last]!; // hidden levels lie beyond the old 10th level, even when it is the one removed
    for (let l = depth; l < LEVELS - 1; l++) {
      this.px[base + l] = this.px[base + l + 1]!;
      this.sz[base + l] = this.sz[base + l + 1]!;
      this.ct[base + l] = this.ct[base + l + 1]!;
    }
    const gap = rng.uniform() < 0.85 ? 1 : 2;
    this.px[last] = deepest + dir * gap;
    const size = drawLevelSize(LEVELS - 1, rng);
    this.sz[last] = size;
    this.ct[last] = orderCount(size);
  }

  /** Add `qty` shares to the level at `depth` (one more order). */
  join(base: number, depth: number, qty: number): void {
    this.sz[base + depth]! += qty;
    this.ct[base + depth]! += 1;
  }

  /**
   * Take `qty` (<= size) shares out of the level at `depth` (a cancel or an execution); an emptied level is
   * removed and the book shifts. Returns true when the level was removed.
   */
  reduce(base: number, depth: number, qty: number, dir: number, rng: Rng): boolean {
    const left = this.sz[base + depth]! - qty;
    if (left <= 0) {
      this.remove(base, depth, dir, rng);
      return true;
    }
    this.sz[base + depth] = left;
    this.ct[base + depth] = Math.max(1, Math.min(this.ct[base + depth]! - 1, orderCount(left)));
    return false;
  }
}
