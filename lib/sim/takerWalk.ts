/**
 * Taking displayed liquidity (docs/models.md 6.1): the walk of the visible levels of all venues, cheapest price
 * first (ties: lower taker fee, then lower venue index), at most the shares the owner has not consumed yet
 * at each level (consumed.ts). Allocation-free apart from the sink's fills.
 * Consumed liquidity (tightens 6.1 "until the data changes that level's size"): when a level the owner took
 * `consumed` shares from changes from `snap` to `size` shares, consumed' = max(0, consumed - max(0, snap -
 * size)) and available = max(0, size - consumed'): a decrease removes the shares we took first, an increase
 * adds only the new shares; the entry is gone when consumed' = 0. A level going 500 -> 499 -> 498 thus fills a
 * 1000-share market buy for 500 in total, not 500 + 499 + 1.
 */
import type { VenueBooks } from "../book/venueBooks.ts";
import { priceKey } from "../core/units.ts";
import { availableTo, type ConsumedLedger, consume, pruneLedger, pruneVenue } from "./consumed.ts";
import { ASK, BID, type SourceDepth } from "./levels.ts";
import type { SimOrder } from "./order.ts";
import type { FeeSchedule } from "./types.ts";

export interface TakerSink {
  /**
   * Shares (<= qty) of `qty` offered at `priceUsd` on `venue` that the order takes (its owner's limit on the
   * impacted price, ownerPricing.ts); fewer than `qty` ends the walk (deeper levels only cost more).
   */
  accept(venue: number, priceUsd: number, qty: number): number;
  /** `qty` shares taken at `priceUsd` on `venue`; feeUsd = takerFeeUsd(venue) x qty. */
  takerFill(venue: number, priceUsd: number, qty: number, feeUsd: number): void;
}

/**
 * Walk asks ascending (buy) or bids descending (sell) for up to `qty` shares while the price key is within
 * `limitPk` (<= for buys, >= for sells; pass +/-Infinity for market orders). Records the consumption in
 * `ledger`, reports each level's fill to `sink`, returns the shares taken. `ptr` is scratch (length maxVenues).
 */
export function walkLiquidity(
  b: VenueBooks,
  depth: SourceDepth,
  fees: FeeSchedule,
  ptr: Int32Array,
  ledger: ConsumedLedger,
  buy: boolean,
  qty: number,
  limitPk: number,
  sink: TakerSink,
): number {
  const L = b.levels;
  const side = buy ? ASK : BID;
  const px = buy ? b.askPx : b.bidPx;
  const sz = buy ? b.askSz : b.bidSz;
  if (ledger.length > 0) pruneLedger(ledger, b, depth);
  ptr.fill(0);
  let left = qty;
  while (left > 0) {
    let bestV = -1;
    let bestK = 0;
    let bestAt = 0;
    let bestAvail = 0;
    let bestFee = 0;
    for (let v = 0; v < b.maxVenues; v++) {
      if (b.valid[v] === 0) continue;
      const base = v * L;
      let l = ptr[v]!;
      let k = 0;
      let a = 0;
      for (; l < L; l++) {
        const p = px[base + l]!;
        if (Number.isNaN(p)) {
          l = L;
          break;
        }
        k = priceKey(p);
        a = availableTo(ledger, v, side, k, sz[base + l]!);
        if (a >= 1) break;
      }
      ptr[v] = l;
      if (l >= L) continue;
      const fee = fees.takerFeeUsd(v, px[base + l]!);
      if (bestV < 0 || (buy ? k < bestK : k > bestK) || (k === bestK && fee < bestFee)) {
        bestV = v;
        bestK = k;
        bestAt = base + l;
        bestAvail = a;
        bestFee = fee;
      }
    }
    if (bestV < 0 || (buy ? bestK > limitPk : bestK < limitPk)) break;
    const offered = Math.min(left, Math.floor(bestAvail));
    const q = sink.accept(bestV, px[bestAt]!, offered);
    if (q > 0) {
      consume(ledger, bestV, side, bestK, sz[bestAt]!, q);
      left -= q;
      sink.takerFill(bestV, px[bestAt]!, q, bestFee * q);
    }
    if (q < offered) break;
  }
  return qty - left;
}

/**
 * Quote-cross fill of a resting limit order on venue `v` (see executionSim.ts): venue `v` displays opposite
 * liquidity at or through price key `pk` (asks <= pk for a resting buy, bids >= pk for a resting sell). Takes up
 * to `qty` of the shares there that the owner of `ledger` has not consumed yet (most aggressive level first,
 * whole shares), records them as consumed and returns the number taken. Shares the owner took itself, by a
 * market order or an earlier cross, become available to it again only as the data changes their level's size:
 * a decrease removes the consumed shares first, an increase adds only new shares (consumed.ts).
 */
export function takeCrossing(
  b: VenueBooks,
  ledger: ConsumedLedger,
  v: number,
  buy: boolean,
  pk: number,
  qty: number,
): number {
  if (b.valid[v] === 0) return 0;
  const L = b.levels;
  const side = buy ? ASK : BID;
  const px = buy ? b.askPx : b.bidPx;
  const sz = buy ? b.askSz : b.bidSz;
  let left = qty;
  for (let l = 0; l < L && left > 0; l++) {
    const p = px[v * L + l]!;
    if (Number.isNaN(p)) break;
    const k = priceKey(p);
    if (buy ? k > pk : k < pk) break;
    const size = sz[v * L + l]!;
    const q = Math.min(left, Math.floor(availableTo(ledger, v, side, k, size)));
    if (q < 1) continue;
    consume(ledger, v, side, k, size, q);
    left -= q;
  }
  return qty - left;
}

/**
 * The simulator's taking side: walks the books for an order and keeps the owners' consumed-liquidity ledgers
 * that hold entries, refreshed per venue at each of its F_LAST books.
 */
export class Taker {
  /** The owners' ledgers that hold consumed entries. */
  private readonly withEntries = new Set<ConsumedLedger>();
  /**
   * Ledgers of owners under an impact overlay (docs/models.md 6.1): their consumption lasts for one consistent book
   * only (the overlay carries the persistence), so any venue's new book clears their entries on every venue: the
   * next market block walks the national book as displayed, as the overlay prices it (a new block).
   */
  private readonly perBook = new Set<ConsumedLedger>();
  private readonly ptr: Int32Array;
  private taking: SimOrder | null = null;
  private takingNs = 0n;
  /** Receives the taker fills of the order being walked (one object for the simulator's lifetime). */
  private readonly sink: TakerSink = {
    accept: (venue, priceUsd, qty) => this.accept(this.taking!, this.takingNs, venue, priceUsd, qty),
    takerFill: (venue, priceUsd, qty, feeUsd) =>
      this.onTakerFill(this.taking!, this.takingNs, venue, priceUsd, qty, feeUsd),
  };

  constructor(
    private readonly books: VenueBooks,
    private readonly depth: SourceDepth,
    private readonly fees: FeeSchedule,
    maxVenues: number,
    /** A taker fill of order o, stamped tsNs. */
    private readonly onTakerFill: (
      o: SimOrder,
      tsNs: bigint,
      venue: number,
      priceUsd: number,
      qty: number,
      feeUsd: number,
    ) => void,
    /** Shares (<= qty) of a fill of order o at priceUsd that its owner accepts. */
    private readonly accept: (
      o: SimOrder,
      tsNs: bigint,
      venue: number,
      priceUsd: number,
      qty: number,
    ) => number,
  ) {
    this.ptr = new Int32Array(maxVenues);
  }

  /** The owner of `ledger` trades under an impact overlay: its consumption lasts one book per venue. */
  consumeForOneBook(ledger: ConsumedLedger): void {
    this.perBook.add(ledger);
  }

  /** True when some owner holds consumed entries (prune at book updates). */
  get hasConsumed(): boolean {
    return this.withEntries.size > 0;
  }

  /** An owner's ledger got entries (also from a quote cross). */
  noteLedger(ledger: ConsumedLedger): void {
    this.withEntries.add(ledger);
  }

  /** Take liquidity for `o` within `limitPk` (walkLiquidity); fills are stamped `tsNs`. */
  take(o: SimOrder, limitPk: number, tsNs: bigint): void {
    this.taking = o;
    this.takingNs = tsNs;
    o.remaining -= walkLiquidity(
      this.books,
      this.depth,
      this.fees,
      this.ptr,
      o.ledger,
      o.side === 1,
      o.remaining,
      limitPk,
      this.sink,
    );
    if (o.ledger.length > 0) this.withEntries.add(o.ledger);
  }

  /** Venue `v` has a new consistent book: update the consumed entries of its levels (consumed.ts). */
  prune(v: number): void {
    for (const ledger of this.withEntries) {
      if (this.perBook.has(ledger)) ledger.length = 0;
      else pruneVenue(ledger, this.books, this.depth, v);
      if (ledger.length === 0) this.withEntries.delete(ledger);
    }
  }
}
