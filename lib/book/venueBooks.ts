/**
 * The consistent book of every venue, and the national best across venues. An MBP-10 record carries the
 * venue's book after its event, but a multi-record event is consistent only on its F_LAST record
 * (docs/models.md section 1), so `onRecord` copies the levels into flat per-venue arrays at F_LAST records only.
 * Layout: index v * levels + l. Prices in dollars (NaN = no level), sizes in shares.
 */
import { Flag, type Mbp10Batch } from "../mbp10/schema.ts";

export class VenueBooks {
  readonly bidPx: Float64Array;
  readonly askPx: Float64Array;
  readonly bidSz: Float64Array;
  readonly askSz: Float64Array;
  /** 1 once the venue has had a consistent (F_LAST) book. */
  readonly valid: Uint8Array;
  /** Last F_LAST ts_recv per venue (ns). */
  readonly updatedNs: BigInt64Array;

  constructor(
    readonly maxVenues: number,
    readonly levels: number,
  ) {
    const n = maxVenues * levels;
    this.bidPx = new Float64Array(n).fill(Number.NaN);
    this.askPx = new Float64Array(n).fill(Number.NaN);
    this.bidSz = new Float64Array(n);
    this.askSz = new Float64Array(n);
    this.valid = new Uint8Array(maxVenues);
    this.updatedNs = new BigInt64Array(maxVenues);
  }

  /** Copy row `i` into its venue's book when it is an F_LAST record; returns true when the book changed. */
  onRecord(b: Mbp10Batch, i: number): boolean {
    if ((b.flags[i]! & Flag.LAST) === 0) return false;
    this.copyRow(b, i);
    return true;
  }

  /** Copy row `i` unconditionally (for sources without F_LAST semantics). */
  copyRow(b: Mbp10Batch, i: number): void {
    const v = b.venue[i]!;
    const base = v * this.levels;
    const n = Math.min(this.levels, b.levels);
    for (let l = 0; l < n; l++) {
      this.bidPx[base + l] = b.bidPx[l]![i]!;
      this.askPx[base + l] = b.askPx[l]![i]!;
      this.bidSz[base + l] = b.bidSz[l]![i]!;
      this.askSz[base + l] = b.askSz[l]![i]!;
    }
    for (let l = n; l < this.levels; l++) {
      this.bidPx[base + l] = Number.NaN;
      this.askPx[base + l] = Number.NaN;
      this.bidSz[base + l] = 0;
      this.askSz[base + l] = 0;
    }
    this.valid[v] = 1;
    this.updatedNs[v] = b.tsRecv[i]!;
  }

  bestBid(v: number): number {
    return this.bidPx[v * this.levels]!;
  }

  bestAsk(v: number): number {
    return this.askPx[v * this.levels]!;
  }

  bestBidSize(v: number): number {
    return this.bidSz[v * this.levels]!;
  }

  bestAskSize(v: number): number {
    return this.askSz[v * this.levels]!;
  }

  /** Highest best bid over valid venues; NaN when no venue has a bid. */
  nationalBestBid(): number {
    let best = Number.NaN;
    for (let v = 0; v < this.maxVenues; v++) {
      if (this.valid[v] === 0) continue;
      const p = this.bidPx[v * this.levels]!;
      if (!Number.isNaN(p) && !(p <= best)) best = p;
    }
    return best;
  }

  /** Lowest best ask over valid venues; NaN when no venue has an ask. */
  nationalBestAsk(): number {
    let best = Number.NaN;
    for (let v = 0; v < this.maxVenues; v++) {
      if (this.valid[v] === 0) continue;
      const p = this.askPx[v * this.levels]!;
      if (!Number.isNaN(p) && !(p >= best)) best = p;
    }
    return best;
  }

  /** National mid (dollars), NaN unless both sides exist. */
  mid(): number {
    return (this.nationalBestBid() + this.nationalBestAsk()) / 2;
  }

  /** Size displayed at the national best bid (sum over venues at that price, within half a micro-dollar). */
  sizeAtBid(price: number): number {
    let s = 0;
    for (let v = 0; v < this.maxVenues; v++) {
      if (this.valid[v] && Math.abs(this.bidPx[v * this.levels]! - price) < 5e-7)
        s += this.bidSz[v * this.levels]!;
    }
    return s;
  }

  sizeAtAsk(price: number): number {
    let s = 0;
    for (let v = 0; v < this.maxVenues; v++) {
      if (this.valid[v] && Math.abs(this.askPx[v * this.levels]! - price) < 5e-7)
        s += this.askSz[v * this.levels]!;
    }
    return s;
  }

  /** Forget a venue's book (action R, clear book). */
  clear(v: number): void {
    const base = v * this.levels;
    this.bidPx.fill(Number.NaN, base, base + this.levels);
    this.askPx.fill(Number.NaN, base, base + this.levels);
    this.bidSz.fill(0, base, base + this.levels);
    this.askSz.fill(0, base, base + this.levels);
  }
}
